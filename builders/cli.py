"""``zhnews``: the one command line of the builders.

    zhnews build [--out DIR] [--corpus DIR] [--strict]
                                      build the dataset folder (Hub layout); pages that cannot
                                      be processed are set aside (rejected.json), --strict
                                      makes any of them fatal (exit 2, output untouched)
    zhnews add PATH... [--corpus DIR] [--url URL] [--retrieved DATE] [--licence TEXT] [--site NAME]
                                      pages and WARC files into the corpus, with sources.yaml entries
    zhnews validate [--dataset DIR]   check the inputs; with --dataset, every written record
    zhnews evaluate [--json FILE]     cleaning and annotation figures against the curated gold
    zhnews docs [--dataset DIR] [--site DIR] [--evaluation FILE]
                                      the docs site, generated from the written dataset folder
    zhnews verify DIR                 check a (downloaded) dataset folder against its manifest
                                      and the JSON Schema; exit 1 naming every problem
    zhnews publish DIR --repo ORG/NAME [--dry-run] [--endpoint URL]
                                      one commit to a Hub dataset repository, tagged v<version>

Every subcommand runs inside one error boundary (``_run``): errors in the input exit with
status 2 and one line naming the file and the reason; errors of the environment (disk full,
permissions) exit with status 3, naming the path and the OS error; Ctrl-C exits with 130 and
says that nothing was changed (outputs are replaced only when a command completes); anything
else is a bug: one line and exit 1, with the traceback under ``--debug``.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from builders.config import DEFAULT_OUTPUT, DEFAULT_SITE, Paths, default_paths
from builders.record import BuildError


def _paths(args: argparse.Namespace) -> Paths:
    base = default_paths()
    corpus = Path(args.corpus) if getattr(args, "corpus", None) else base.corpus
    return Paths(corpus=corpus, schema=base.schema, docs=base.docs)


def _build_out(args: argparse.Namespace) -> Path:
    """``--out``, or the project's own dataset folder when the corpus is the project's own.

    Another corpus without ``--out`` is refused rather than given a default: the output folder
    is replaced as a whole, and any folder guessed for an arbitrary corpus (``build/`` beside
    it, say) could be another corpus's build or someone else's folder."""
    if args.out is not None and not args.out.strip():
        raise BuildError("--out '': an empty path is the current directory; refusing to replace it with the dataset")
    if args.out:
        return Path(args.out)
    if args.corpus and Path(args.corpus).resolve() != default_paths().corpus.resolve():
        raise BuildError(
            f"--corpus {args.corpus} needs --out DIR: without it the build would replace the project's "
            f"own dataset ({DEFAULT_OUTPUT})"
        )
    return DEFAULT_OUTPUT


def cmd_build(args: argparse.Namespace) -> int:
    from builders.pipeline import build

    out = _build_out(args)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    evaluation = Path(args.evaluation) if args.evaluation else None
    report = build(
        out, _paths(args), workers=args.workers, progress=progress, strict=args.strict, evaluation=evaluation
    )
    total = sum(sum(v.values()) for v in report.rows.values())
    print(f"built {out} from {report.documents} documents ({total} rows)")
    for config, per in report.rows.items():
        print(f"  {config}: " + ", ".join(f"{s}={n}" for s, n in per.items()))
    for line in report.summary():
        print(f"  {line}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from builders.ingest.add import add_pages

    report = add_pages(
        _paths(args),
        [Path(p) for p in args.paths],
        url=args.url,
        retrieved=args.retrieved,
        licence=args.licence,
        site=args.site,
    )
    for line in report.lines():
        print(line)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from builders.validate import validate_dataset, validate_inputs

    paths = _paths(args)
    if args.dataset:
        problems = validate_dataset(Path(args.dataset))
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            return 1
        print(f"{args.dataset}: every record validates against schema/")
        return 0
    n, problems = validate_inputs(paths)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{paths.corpus}: {len(problems)} problem(s) in {n} sources", file=sys.stderr)
        return 2
    print(f"{paths.corpus}: {n} sources, raw files and curated annotations are valid")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from builders.evaluate import run_evaluation

    result = run_evaluation(_paths(args))
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text, encoding="utf-8")
    print(text if not args.json else _evaluation_summary(result))
    if "devset" in result:
        from builders.evaluate.devset import print_table

        print("development set (20 real HTML pages):", file=sys.stderr if not args.json else sys.stdout)
        for line in print_table(result["devset"]):
            print(line, file=sys.stderr if not args.json else sys.stdout)
    return 0


def _evaluation_summary(result: dict) -> str:
    """A few headline figures; the JSON file has everything."""
    lines = []
    cleaning = result.get("cleaning", {})
    if "summary" in cleaning:
        lines.append(f"cleaning: {cleaning['summary']}")
    annotations = result.get("annotations", {})
    comparison = annotations.get("summaries", {}).get("comparison", {})
    if "statement" in comparison:
        lines.append(f"summaries: {comparison['statement']}")
    topics = annotations.get("topics", {})
    for key in ("in_sample", "loo_cue_thresholds", "loo_tfidf_centroid"):
        micro = topics.get(key, {}).get("micro")
        if micro:
            lines.append(f"topics {key}: micro P={micro['precision']:.3f} R={micro['recall']:.3f} F1={micro['f1']:.3f}")
    return "\n".join(lines) or json.dumps(result, ensure_ascii=False)[:2000]


def cmd_docs(args: argparse.Namespace) -> int:
    from builders.publish.site import build_site

    dataset = Path(args.dataset)
    # Default: the evaluation `make evaluate` writes next to the dataset folder, when it exists.
    evaluation = Path(args.evaluation) if args.evaluation else dataset.parent / "evaluation.json"
    if args.evaluation and not evaluation.is_file():
        raise BuildError(f"{evaluation}: evaluation file not found")
    report = build_site(dataset, Path(args.site), evaluation if evaluation.is_file() else None)
    print(
        f"built {report.site}: {report.pages} pages ({report.documents} documents, {report.charts} charts) "
        f"in {report.seconds:.1f} s; evaluation: {evaluation if evaluation.is_file() else 'not available'}"
    )
    for page in report.stub_pages:
        print(f"  warning: docs/{page} is missing; the site shows a stub page", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from builders.verify import verify_dataset

    problems = verify_dataset(Path(args.dataset))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{args.dataset}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args.dataset}: every file matches manifest.json and every record schema/")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from builders.publish.hub import plan_publish, publish

    dataset = Path(args.dataset)
    if args.dry_run:
        print("dry run: nothing is uploaded or tagged")
        print(plan_publish(dataset, args.repo).render())
        return 0
    result = publish(dataset, args.repo, endpoint=args.endpoint, record=not args.no_record)
    plan = result.plan
    print(f"published {plan.repo_id} {plan.tag}: commit {result.commit_oid} ({result.commit_url})")
    for path in result.deleted:
        print(f"  deleted stale remote file {path}")
    if result.release_manifest:
        print(f"  recorded {result.release_manifest}: commit it to the source repository")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhnews", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the dataset folder")
    b.add_argument("--out", help=f"output folder (default {DEFAULT_OUTPUT}; required with another --corpus)")
    b.add_argument("--corpus", help="corpus folder (default: the repository's corpus/)")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: $ZHNEWS_WORKERS or 1)")
    b.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show a progress bar (default: on when stderr is a terminal)",
    )
    b.add_argument("--strict", action="store_true", help="exit 2 (output untouched) when any page is rejected")
    b.add_argument(
        "--evaluation",
        help="`zhnews evaluate --json` output: copied beside the data, its development-set figures go in the card",
    )
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("add", help="add pages or WARC files to the corpus, with their sources.yaml entries")
    a.add_argument("paths", nargs="+", metavar="PATH", help="page files (HTML or text), .warc or .warc.gz files")
    a.add_argument("--corpus", help="corpus folder (default: the repository's corpus/); created if missing")
    a.add_argument("--url", help="the page's URL (one page file only; WARC records carry their own)")
    a.add_argument("--retrieved", metavar="DATE", help="when the page files were fetched (ISO 8601)")
    a.add_argument("--licence", metavar="TEXT", help="licence note (default: the add.licence note of config.yaml)")
    a.add_argument("--site", metavar="NAME", help="the site's name (default: guessed from the page, marked guessed)")
    a.set_defaults(func=cmd_add)

    v = sub.add_parser("validate", help="validate inputs, or a built dataset with --dataset")
    v.add_argument("--dataset", help="built dataset folder to validate record by record")
    v.add_argument("--corpus", help="corpus folder")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("evaluate", help="evaluate cleaning and annotations against the curated gold")
    e.add_argument("--json", help="write the figures to this JSON file")
    e.add_argument("--corpus", help="corpus folder")
    e.set_defaults(func=cmd_evaluate)

    d = sub.add_parser("docs", help="build the docs site from a built dataset folder")
    d.add_argument("--dataset", default=str(DEFAULT_OUTPUT), help=f"built dataset (default {DEFAULT_OUTPUT})")
    d.add_argument("--site", default=str(DEFAULT_SITE), help=f"site output folder (default {DEFAULT_SITE})")
    d.add_argument("--evaluation", help="`zhnews evaluate --json` output (default: evaluation.json beside --dataset)")
    d.set_defaults(func=cmd_docs)

    ve = sub.add_parser("verify", help="check a dataset folder against its manifest and the JSON Schema")
    ve.add_argument("dataset", help="dataset folder (built, or downloaded from the Hub)")
    ve.set_defaults(func=cmd_verify)

    pu = sub.add_parser("publish", help="upload a verified dataset folder to the Hub and tag it v<version>")
    pu.add_argument("dataset", help="built dataset folder")
    pu.add_argument("--repo", required=True, help="Hub dataset repository ORG/NAME")
    pu.add_argument("--dry-run", action="store_true", help="print files, commit message and tag; no network")
    pu.add_argument("--endpoint", help="Hub endpoint (default: HF_ENDPOINT or https://huggingface.co)")
    pu.add_argument("--no-record", action="store_true", help="do not copy manifest.json to releases/<ver>/")
    pu.set_defaults(func=cmd_publish)
    # --debug before or after the subcommand; SUPPRESS keeps a subcommand's default from hiding
    # the value given before it.
    for name, sp in [("", p), *sub.choices.items()]:
        default = False if not name else argparse.SUPPRESS
        sp.add_argument("--debug", action="store_true", default=default, help="show the traceback of an error")
    return p


def os_error_line(exc: OSError) -> str:
    """``<path>: <reason> (<errno name>)``: the path first, as for input errors."""
    reason = exc.strerror or (str(exc.args[0]) if exc.args else type(exc).__name__)
    code = f" ({errno.errorcode.get(exc.errno, exc.errno)})" if isinstance(exc.errno, int) else ""
    if exc.filename is None:
        return f"{reason}{code}"
    where = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else f"{exc.filename}"
    return f"{where}: {reason}{code}"


def _run(args: argparse.Namespace) -> int:
    """One subcommand inside the error boundary: whatever it raises becomes one line on stderr
    and an exit status (the traceback too under ``--debug``)."""
    debug = getattr(args, "debug", False)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("interrupted: nothing was changed (outputs are replaced only when a command completes)", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: every failure gets its exit status
        if debug:
            traceback.print_exc()
        if isinstance(exc, BuildError):  # the input: the message names the file and the reason
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):  # disk full, permissions, I/O errors: the environment
            print(f"error: {os_error_line(exc)}", file=sys.stderr)
            return 3
        if isinstance(exc, MemoryError):
            print("error: out of memory (MemoryError); try fewer --workers or a larger machine", file=sys.stderr)
            return 3
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        hint = "" if debug else "; run again with --debug for the traceback"
        print(f"error: unexpected {type(exc).__name__}: {first[:300]} (a bug in zhnews{hint})", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
