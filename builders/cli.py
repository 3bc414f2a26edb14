"""``zhnews``: the one command line of the builders.

    zhnews build [--out DIR]          build the dataset folder (Hub layout)
    zhnews validate [--dataset DIR]   check the inputs; with --dataset, every written record
    zhnews evaluate [--json FILE]     cleaning and annotation figures against the curated gold

Errors in the input exit with status 2 and one line naming the file and the reason.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from builders.config import DEFAULT_OUTPUT, Paths, default_paths
from builders.record import BuildError


def _paths(args: argparse.Namespace) -> Paths:
    base = default_paths()
    corpus = Path(args.corpus) if getattr(args, "corpus", None) else base.corpus
    return Paths(corpus=corpus, schema=base.schema, docs=base.docs)


def cmd_build(args: argparse.Namespace) -> int:
    from builders.pipeline import build

    out = Path(args.out)
    report = build(out, _paths(args), workers=args.workers, progress=args.progress)
    total = sum(sum(v.values()) for v in report.rows.values())
    print(f"built {out} from {report.documents} documents ({total} rows)")
    for config, per in report.rows.items():
        print(f"  {config}: " + ", ".join(f"{s}={n}" for s, n in per.items()))
    print(f"  pages in: {report.documents}, raw MB: {report.raw_bytes / 1e6:.2f}")
    print("  lines removed: " + ", ".join(f"{k}={v}" for k, v in sorted(report.removed_lines.items())))
    print("  repairs: " + ", ".join(f"{k}={v}" for k, v in sorted(report.repairs.items())))
    print("  stage seconds: " + ", ".join(f"{k.strip()}={v:.2f}" for k, v in report.stage_seconds.items()))
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
    n = validate_inputs(paths)
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
    return 0


def _evaluation_summary(result: dict) -> str:
    lines = []
    for section_name, figures in result.items():
        if isinstance(figures, dict) and "summary" in figures:
            lines.append(f"{section_name}: {figures['summary']}")
    return "\n".join(lines) or json.dumps(result, ensure_ascii=False)[:2000]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhnews", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the dataset folder")
    b.add_argument("--out", default=str(DEFAULT_OUTPUT), help=f"output folder (default {DEFAULT_OUTPUT})")
    b.add_argument("--corpus", help="corpus folder (default: the repository's corpus/)")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: $ZHNEWS_WORKERS or 1)")
    b.add_argument("--progress", action="store_true", help="show a progress bar")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate inputs, or a built dataset with --dataset")
    v.add_argument("--dataset", help="built dataset folder to validate record by record")
    v.add_argument("--corpus", help="corpus folder")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("evaluate", help="evaluate cleaning and annotations against the curated gold")
    e.add_argument("--json", help="write the figures to this JSON file")
    e.add_argument("--corpus", help="corpus folder")
    e.set_defaults(func=cmd_evaluate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.func(args))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
