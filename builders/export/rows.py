"""Document → rows of every config (plain dicts: labels by name, temporal columns as
``datetime`` / ``date`` objects; the Features turn them into Arrow values)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from builders.record import BuildError, Document

_TIME_PRECISION = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T(\d{2}:\d{2})(:\d{2})?)?")


def published_at(value: str | None) -> tuple[dt.datetime | None, str | None]:
    """(timestamp, precision) of an ISO 8601 publication time from the metadata step: a bare
    date becomes 00:00 of that day in UTC+08:00 (the offset the metadata step assumes for a
    time without one) with precision ``day``, so nobody mistakes it for a known time."""
    if value is None:
        return None, None
    match = _TIME_PRECISION.match(value)
    if match is None:
        raise ValueError(f"published_at {value!r} is not ISO 8601")
    if match.group(1) is None:
        day = dt.date.fromisoformat(value[:10])
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=8))), "day"
    stamp = dt.datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        raise ValueError(f"published_at {value!r} has a time without an offset")
    return stamp, "second" if match.group(2) else "minute"


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def document_row(doc: Document) -> dict[str, Any]:
    quality = doc.quality
    non_blank = [line for line in doc.lines if line.raw.strip()]
    content = doc.content_lines()
    try:
        stamp, precision = published_at(doc.published_at.value)
    except ValueError as exc:  # the metadata step writes ISO 8601: this is a builder bug
        raise BuildError(f"document {doc.id!r} ({doc.source.file}): {exc}") from exc
    return {
        "id": doc.id,
        "split": doc.split,
        "split_rule": doc.split_rule,
        "title": doc.title.value,
        "title_zh_hans": doc.title_zh_hans,
        "title_zh_hant": doc.title_zh_hant,
        "published_at": stamp,
        "published_at_precision": precision,
        "publisher": doc.publisher.value,
        "author": doc.author.value,
        "metadata_rules": {
            "title": doc.title.rule,
            "published_at": doc.published_at.rule,
            "publisher": doc.publisher.rule,
            "author": doc.author.rule,
        },
        "script": doc.script,
        "script_evidence": {
            "han_chars": int(doc.script_evidence.get("han_chars", 0)),
            "t2s_changed_share": float(doc.script_evidence.get("t2s_changed_share", 0.0)),
            "s2t_changed_share": float(doc.script_evidence.get("s2t_changed_share", 0.0)),
        },
        "text": doc.text,
        "text_zh_hans": doc.text_zh_hans,
        "text_zh_hant": doc.text_zh_hant,
        "text_spun": doc.text_spun,
        "conversion": {k: str(doc.conversion.get(k, "")) for k in ("library", "library_version", "to_hans", "to_hant", "phrase_table")},
        "num_chars": len(doc.text),
        "num_paragraphs": len(doc.paragraphs),
        "num_raw_lines": len(non_blank),
        "num_content_lines": len(content),
        "quality": {
            "content_line_share": round(len(content) / len(non_blank), 6) if non_blank else 0.0,
            "spin_score": float(quality.get("spin_score", 0.0)),
            "spin_score_residual": float(quality.get("spin_score_residual", quality.get("spin_score", 0.0))),
            "is_spun": bool(quality.get("is_spun", False)),
            "stuffing_score": float(quality.get("stuffing_score", 0.0)),
            "is_stuffed": bool(quality.get("is_stuffed", False)),
            "repairs": len(doc.repairs),
            **{f"pii_{k}": int(quality.get("pii", {}).get(k, 0)) for k in ("email", "phone", "id", "ip", "landline")},
            "near_duplicate_ids": list(quality.get("near_duplicate_ids", [])),
        },
        "summaries": [
            {
                "language": s.language,
                "script": s.script,
                "text": s.text,
                "method": s.method,
                "method_version": s.method_version,
                "provenance": s.provenance,
                "created": _date(s.created),
            }
            for s in doc.summaries
        ],
        "summary_zh_hans": doc.summary_zh_hans or "",
        "summary_zh_hant": doc.summary_zh_hant or "",
        "summary_en": doc.summary_en,
        "summary_source": doc.summary_source,
        "topics": list(doc.topics),
        "topics_source": doc.topics_source,
        "topic_scores": [{"topic": t.topic, "score": float(t.score), "method": t.method} for t in doc.topic_scores],
        "keywords_zh_hans": list(doc.keywords),
        "keywords_zh_hant": list(doc.keywords_zh_hant),
        "entities": [{"id": e.id, "type": e.type, "forms": list(e.forms), "count": e.count} for e in doc.entities],
        "source": {
            "file": doc.source.file,
            "sha256": doc.raw_sha256,
            "encoding": doc.encoding,
            "format": doc.format,
            "site": doc.source.site,
            "url": doc.source.url,
            "retrieved": doc.source.retrieved,
            "licence": doc.source.licence,
        },
    }


def paragraph_rows(doc: Document) -> list[dict[str, Any]]:
    spun = bool(doc.quality.get("is_spun", False))
    return [
        {
            "id": f"{doc.id}-p{p.index:04d}",
            "document_id": doc.id,
            "split": doc.split,
            "document_is_spun": spun,
            "paragraph_index": p.index,
            "text": p.text,
            "text_zh_hans": p.text_zh_hans,
            "text_zh_hant": p.text_zh_hant,
            "script": p.script,
            "num_chars": len(p.text),
            "near_duplicate_ids": list(p.near_duplicate_ids),
            "near_duplicate_count": p.near_duplicate_count,
        }
        for p in doc.paragraphs
    ]


def repair_rows(doc: Document) -> list[dict[str, Any]]:
    """The repair log, one row per change in the order made (the document row keeps the count)."""
    spun = bool(doc.quality.get("is_spun", False))
    return [
        {
            "document_id": doc.id,
            "split": doc.split,
            "document_is_spun": spun,
            "repair_index": i,
            "line": r.line,
            "kind": r.kind,
            "before": r.before,
            "after": r.after,
            "method": r.method,
        }
        for i, r in enumerate(doc.repairs)
    ]


def line_rows(doc: Document, gold_label: Callable[[int], str | None]) -> list[dict[str, Any]]:
    """Non-blank raw lines only: blank lines carry no decision worth learning."""
    spun = bool(doc.quality.get("is_spun", False))
    return [
        {
            "document_id": doc.id,
            "split": doc.split,
            "document_is_spun": spun,
            "line_number": line.number,
            "raw_text": line.raw,
            "location": line.block.path if line.block is not None else None,
            "label": line.label,
            "reason": line.reason,
            "gold_label": gold_label(line.number),
        }
        for line in doc.lines
        if line.raw.strip()
    ]


def config_rows(doc: Document, gold_label: Callable[[int], str | None]) -> dict[str, list[dict[str, Any]]]:
    """The rows of one document in every config (the keys are ``builders.schema.CONFIGS``)."""
    return {
        "documents": [document_row(doc)],
        "paragraphs": paragraph_rows(doc),
        "lines": line_rows(doc, gold_label),
        "repairs": repair_rows(doc),
    }
