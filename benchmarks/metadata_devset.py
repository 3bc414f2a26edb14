"""Metadata on the development set: title, date, publisher and authors of the 20 real pages of
``../shared/devset/`` (beside the repository) against their ``gold.yaml``, page by page.

    python -m benchmarks.metadata_devset [DEVSET_DIR]

Scoring rules (the devset README's): title equal after NFKC and white-space removal; date equal
to the minute in +08:00, or the date alone where gold has no time; publisher equal; author set
equal (a value with several names separates them with 、). The figures were reached while
developing the rules on these very pages: they measure fit, not generalisation.

Only the metadata path runs here (extract candidates → enrich chooser), so a page whose raw
source the ingest limits refuse is still scored; ``zhnews evaluate`` scores the built dataset.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from builders.enrich.metadata import extract_metadata
from builders.extract.metadata import metadata_candidates
from builders.ingest.decode import decode_bytes
from builders.record import BuildError, Document, Source

REPO = Path(__file__).resolve().parent.parent
DEVSET = REPO.parent / "shared" / "devset"
FIELDS = ("title", "published", "publisher", "author")


@dataclass
class PageResult:
    file: str
    got: dict[str, str | None]
    rules: dict[str, str | None]
    ok: dict[str, bool]
    names_author: bool  # gold names at least one author


def _key(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _date_ok(got: str | None, want: str) -> bool:
    if not got:
        return False
    if "T" not in want:
        return got[:10] == want
    return "T" in got and got[:16] == want[:16] and got.endswith("+08:00")


def decode_page(path: Path) -> str:
    """The page as the build decodes it; pages whose raw source breaks an ingest limit (the
    line limit applies to raw HTML until the extract stage takes over) fall back to strict
    UTF-8, then the two legacy encodings of the set."""
    data = path.read_bytes()
    try:
        return decode_bytes(data, path)[0]
    except BuildError:
        for codec in ("utf-8", "gb18030", "big5hkscs"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
        raise


def score_page(path: Path, gold: dict) -> PageResult:
    source = Source(path.stem, path.name, "0" * 64, None, None, None, None, "devset")
    doc = Document(id=path.stem, source=source, raw_sha256="0" * 64, encoding="utf-8", format="html", raw_text="")
    doc.meta_candidates = metadata_candidates(decode_page(path))
    doc = extract_metadata(doc)
    want_authors = set(gold.get("author") or [])
    got_authors = {a for a in (doc.author.value or "").split("、") if a}
    ok = {
        "title": _key(doc.title.value) == _key(gold["title"]),
        "published": _date_ok(doc.published_at.value, str(gold["published"])),
        "publisher": (doc.publisher.value or "") == gold["publisher"],
        "author": got_authors == want_authors,
    }
    fields = {"title": doc.title, "published": doc.published_at, "publisher": doc.publisher, "author": doc.author}
    return PageResult(
        file=path.name,
        got={k: f.value for k, f in fields.items()},
        rules={k: f.rule for k, f in fields.items()},
        ok=ok,
        names_author=bool(want_authors),
    )


def score(devset: Path = DEVSET) -> list[PageResult]:
    gold_file = devset / "gold.yaml"
    if not gold_file.is_file():
        raise FileNotFoundError(f"{gold_file}: the development set is missing (expected beside the repository)")
    return [score_page(devset / "pages" / g["file"], g) for g in yaml.safe_load(gold_file.read_text("utf-8"))]


def totals(results: list[PageResult]) -> dict[str, tuple[int, int]]:
    """(correct, scored) per field; authors are scored on the pages whose gold names one."""
    out = {f: (sum(r.ok[f] for r in results), len(results)) for f in FIELDS[:3]}
    named = [r for r in results if r.names_author]
    out["author"] = (sum(r.ok["author"] for r in named), len(named))
    out["author_all_pages"] = (sum(r.ok["author"] for r in results), len(results))
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    results = score(Path(args[0]) if args else DEVSET)
    for r in results:
        marks = " ".join("ok" if r.ok[f] else "--" for f in FIELDS)
        print(f"{r.file:34} {marks}")
        for f in FIELDS:
            if not r.ok[f]:
                print(f"    {f}: {r.got[f]!r} ({r.rules[f]})")
    print(" ".join(f"{f} {c}/{n}" for f, (c, n) in totals(results).items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
