"""The development set of real HTML pages (tests/fixtures/devset): build it in memory and score
what the build produced against ``gold.yaml``.

Rules (the same for every extractor scored here, see benchmarks/devset_trafilatura.py):

- body snippets kept: each of body_first, body_last and the three body_keep sentences occurs in
  the clean text;
- boilerplate snippets removed: each boiler snippet does not occur in the clean text;
- title equal after NFKC and white-space removal;
- date equal to the minute in +08:00 (the date alone where gold has no time);
- publisher equal (NFKC, white space removed); author set equal (a page whose gold has no
  author scores when none is given);
- pages refused: set aside by the build (rejected.json).

Snippets are compared after NFKC folding and white-space removal on both sides. Figures are
in-sample: the rules were written by people who had looked at these pages.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from builders.clean.pii import TYPES as PII_TYPES
from builders.config import REPO_ROOT, Paths, default_paths

DEVSET = REPO_ROOT / "tests" / "fixtures" / "devset"
TRAFILATURA_JSON = REPO_ROOT / "benchmarks" / "devset_trafilatura.json"
CST = timezone(timedelta(hours=8))
COLUMNS = ("body", "boilerplate", "title", "date", "publisher", "authors")


def fold(value: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def load_gold(devset: Path = DEVSET) -> list[dict[str, Any]]:
    with (devset / "gold.yaml").open(encoding="utf-8") as fh:
        return list(yaml.safe_load(fh))


def date_matches(value: str | None, gold: str) -> bool:
    """Gold '2024-05-10T06:58:00+08:00' or '2024-05-10'; value ISO 8601 (any offset)."""
    if not value:
        return False
    value = value.strip()
    if "T" not in gold:
        return value[:10] == gold[:10] if "T" not in value else _to_cst(value)[:10] == gold[:10]
    if "T" not in value and " " not in value.strip():
        return False
    return _to_cst(value)[:16] == gold[:16]


def _to_cst(value: str) -> str:
    text = value.strip().replace(" ", "T", 1)
    text = re.sub(r"Z$", "+00:00", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return moment.astimezone(CST).isoformat()


def authors_of(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[、,，;；/／|｜\s]+", str(value))
    return {fold(a) for a in items if fold(a)}


def score_page(gold: dict[str, Any], result: dict[str, Any] | None) -> dict[str, Any]:
    """One page: ``result`` holds text, title, published, publisher, author (None: refused)."""
    body = [gold["body_first"], gold["body_last"], *gold["body_keep"]]
    boiler = list(gold["boiler"])
    row: dict[str, Any] = {"file": gold["file"], "script": gold.get("script")}
    if result is None:
        row.update(refused=True, body_kept=0, body_total=len(body), boiler_removed=0, boiler_total=len(boiler))
        row.update({k: False for k in ("title", "date", "publisher", "authors")})
        row["missed_body"], row["kept_boiler"] = body, boiler
        return row
    text = fold(result.get("text"))
    kept = [s for s in body if fold(s) in text]
    left = [s for s in boiler if fold(s) in text]
    gold_authors = authors_of(gold.get("author") or [])
    row.update(
        refused=False,
        body_kept=len(kept),
        body_total=len(body),
        boiler_removed=len(boiler) - len(left),
        boiler_total=len(boiler),
        title=fold(result.get("title")) == fold(gold["title"]),
        date=date_matches(result.get("published"), str(gold["published"])),
        publisher=fold(result.get("publisher")) == fold(gold.get("publisher")),
        authors=authors_of(result.get("author")) == gold_authors,
        has_author=bool(gold_authors),
        missed_body=[s for s in body if s not in kept],
        kept_boiler=left,
        values={k: result.get(k) for k in ("title", "published", "publisher", "author")},
    )
    return row


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    with_author = [r for r in rows if r.get("has_author", True)]
    return {
        "pages": len(rows),
        "refused": sum(r["refused"] for r in rows),
        "body_kept": sum(r["body_kept"] for r in rows),
        "body_total": sum(r["body_total"] for r in rows),
        "boiler_removed": sum(r["boiler_removed"] for r in rows),
        "boiler_total": sum(r["boiler_total"] for r in rows),
        "title": sum(bool(r["title"]) for r in rows),
        "date": sum(bool(r["date"]) for r in rows),
        "publisher": sum(bool(r["publisher"]) for r in rows),
        "authors": sum(bool(r["authors"]) for r in with_author),
        "authors_total": len(with_author),
    }


def table_line(name: str, t: dict[str, Any]) -> str:
    return (
        f"{name:<22} refused {t['refused']:>2}  body {t['body_kept']:>3}/{t['body_total']}  "
        f"boilerplate {t['boiler_removed']:>3}/{t['boiler_total']}  title {t['title']:>2}/{t['pages']}  "
        f"date {t['date']:>2}/{t['pages']}  publisher {t['publisher']:>2}/{t['pages']}  "
        f"authors {t['authors']:>2}/{t['authors_total']}"
    )


def evaluate_devset(devset: Path = DEVSET) -> dict[str, Any]:
    """Build the development set in memory (the real stages) and score what they produced."""
    from builders.pipeline import process_documents
    from builders.record import Rejected

    base = default_paths()
    paths = Paths(corpus=devset, schema=base.schema, docs=base.docs)
    rejected: list[Rejected] = []
    docs = process_documents(paths, rejected)
    by_file = {Path(d.source.file).name: d for d in docs}
    rows = []
    for gold in load_gold(devset):
        doc = by_file.get(gold["file"])
        result = None
        if doc is not None:
            result = {
                "text": doc.text,
                "title": doc.title.value,
                "published": doc.published_at.value,
                "publisher": doc.publisher.value,
                "author": doc.author.value,
            }
        rows.append(score_page(gold, result))
    ours = totals(rows)
    pii = pii_counts(d.quality.get("pii", {}) for d in docs)
    other = json.loads(TRAFILATURA_JSON.read_text(encoding="utf-8")) if TRAFILATURA_JSON.is_file() else None
    summary = [_summary_row("this project (zhnews)", ours)]
    if other is not None:
        summary.append(_summary_row(f"trafilatura {other['version']} (benchmarks/devset_trafilatura.py)", other["totals"]))
    other_pages = {r["file"]: r for r in other["pages"]} if other is not None else {}
    return {
        "note": (
            "20 real pages from 20 sites (tests/fixtures/devset). In-sample: the rules were written by "
            "people who had looked at these pages; trafilatura is scored with the same rules."
        ),
        "summary": summary,
        "per_page": [_page_row(r, other_pages.get(r["file"])) for r in rows],
        "misses": [
            {"file": r["file"], "kind": kind, "snippet": s}
            for r in rows
            for kind, items in (("body snippet lost", r["missed_body"]), ("boilerplate kept", r["kept_boiler"]))
            for s in items
        ],
        "rejected": [{"id": r.id, "file": r.file, "stage": r.stage, "reason": r.reason} for r in rejected],
        "totals": ours,
        # Personal data found by the clean step (builders/clean/pii.py) on these pages: masked
        # (email, phone, id, ip) or counted and kept (landline). Not scored against a gold.
        "pii": pii,
        "pages": rows,
        "trafilatura": other,
    }




def pii_counts(per_document: Iterable[Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Per PII type: how many were found and in how many pages."""
    out = {kind: {"found": 0, "documents": 0} for kind in PII_TYPES}
    for counts in per_document:
        for kind in PII_TYPES:
            n = int(counts.get(kind, 0))
            out[kind]["found"] += n
            out[kind]["documents"] += bool(n)
    return out


def _summary_row(name: str, t: dict[str, Any]) -> dict[str, Any]:
    return {
        "extractor": name,
        "refused": t["refused"],
        "body kept": f"{t['body_kept']}/{t['body_total']}",
        "boilerplate removed": f"{t['boiler_removed']}/{t['boiler_total']}",
        "title": f"{t['title']}/{t['pages']}",
        "date": f"{t['date']}/{t['pages']}",
        "publisher": f"{t['publisher']}/{t['pages']}",
        "authors": f"{t['authors']}/{t['authors_total']}",
    }


def _mark(row: dict[str, Any], key: str) -> str:
    if row.get("refused"):
        return "refused"
    if key == "authors" and not row.get("has_author", True):
        return "-"
    return "yes" if row[key] else "no"


def _page_row(row: dict[str, Any], other: dict[str, Any] | None) -> dict[str, Any]:
    out = {
        "page": row["file"],
        "body": f"{row['body_kept']}/{row['body_total']}",
        "boilerplate": f"{row['boiler_removed']}/{row['boiler_total']}",
        **{key: _mark(row, key) for key in ("title", "date", "publisher", "authors")},
    }
    if other is not None:
        out["trafilatura body"] = f"{other['body_kept']}/{other['body_total']}"
        out["trafilatura boilerplate"] = f"{other['boiler_removed']}/{other['boiler_total']}"
        for key in ("title", "date", "publisher", "authors"):
            out[f"trafilatura {key}"] = _mark(other, key)
    return out


def print_table(result: dict[str, Any]) -> list[str]:
    """The lines ``zhnews evaluate`` prints for the development set."""
    lines = [table_line("this project", result["totals"])]
    if TRAFILATURA_JSON.is_file():
        other = json.loads(TRAFILATURA_JSON.read_text(encoding="utf-8"))
        lines.append(table_line(f"trafilatura {other['version']}", other["totals"]))
    for r in result["pages"]:
        lines.append(
            f"  {r['file']:<36} body {r['body_kept']}/{r['body_total']}  boilerplate {r['boiler_removed']}/{r['boiler_total']}  "
            + "  ".join(f"{k} {_mark(r, k)}" for k in ("title", "date", "publisher", "authors"))
        )
    for r in result["rejected"]:
        lines.append(f"  refused {r['file']} ({r['stage']}): {r['reason']}")
    return lines
