"""Cleaning figures against the maintainers' gold (corpus/curated/cleaning/<id>.yaml).

Line level: precision / recall / F1 per label over all gold lines, the binary task
removed (boilerplate + spam) vs content, and the same per document with the disagreeing lines.
Metadata: accuracy per field (title, published_at, publisher, author) with every mismatch.
Values are compared after NFKC folding and whitespace removal, so "，" and "," or a dropped
space count as equal (the clean text follows the CJK punctuation policy; the gold is written
as read off the page). Figures on the seed pages are in-sample: the rules were written by
people who had read them.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from builders.clean.gold import METADATA_FIELDS, Gold, gold_ids, load_gold
from builders.record import LINE_LABELS, Document

REMOVED = ("boilerplate", "spam")


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": tp + fn,
        "predicted": tp + fp,
    }


def _scores(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """pairs: (gold, predicted) per line."""
    out: dict[str, Any] = {"lines": len(pairs)}
    out["accuracy"] = round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 1.0
    out["per_label"] = {
        label: _prf(
            sum(g == label and p == label for g, p in pairs),
            sum(g != label and p == label for g, p in pairs),
            sum(g == label and p != label for g, p in pairs),
        )
        for label in LINE_LABELS
    }
    binary = [(g in REMOVED, p in REMOVED) for g, p in pairs]
    out["removed"] = _prf(
        sum(g and p for g, p in binary),
        sum(p and not g for g, p in binary),
        sum(g and not p for g, p in binary),
    )
    out["content"] = _prf(
        sum(not g and not p for g, p in binary),
        sum(not p and g for g, p in binary),
        sum(not g and p for g, p in binary),
    )
    return out


def fold(value: str | None) -> str | None:
    if value is None:
        return None
    return "".join(unicodedata.normalize("NFKC", value).split())


def evaluate_cleaning(docs: list[Document], curated_dir: Path) -> dict[str, Any]:
    """Figures for every document that has a gold file (JSON-serialisable, stable key order)."""
    all_pairs: list[tuple[str, str]] = []
    per_document: dict[str, Any] = {}
    meta_counts = {name: [0, 0] for name in METADATA_FIELDS}  # correct, total
    mismatches: list[dict[str, Any]] = []
    by_id = {doc.id: doc for doc in docs}
    without_gold = sorted(doc_id for doc_id in by_id if doc_id not in set(gold_ids(curated_dir)))
    for doc_id in sorted(by_id):
        doc = by_id[doc_id]
        gold: Gold | None = load_gold(curated_dir, doc.id, len(doc.lines), [line.raw for line in doc.lines])
        if gold is None:
            continue
        pairs: list[tuple[str, str]] = []
        errors: list[dict[str, Any]] = []
        for line in doc.lines:
            expected = gold.label_of(line.number)
            if expected is None:
                continue
            pairs.append((expected, line.label))
            if expected != line.label:
                errors.append(
                    {
                        "line": line.number,
                        "gold": expected,
                        "predicted": line.label,
                        "reason": line.reason,
                        "text": line.raw.strip()[:80],
                    }
                )
        all_pairs.extend(pairs)
        scores = _scores(pairs)
        scores["errors"] = errors
        per_document[doc.id] = scores
        for name in METADATA_FIELDS:
            field = getattr(doc, name)
            expected = gold.metadata[name]
            meta_counts[name][1] += 1
            if fold(field.value) == fold(expected):
                meta_counts[name][0] += 1
            else:
                mismatches.append(
                    {
                        "document": doc.id,
                        "field": name,
                        "expected": expected,
                        "got": field.value,
                        "rule": field.rule,
                    }
                )
    overall = _scores(all_pairs)
    metadata = {
        name: {
            "correct": correct,
            "total": total,
            "accuracy": round(correct / total, 4) if total else 1.0,
        }
        for name, (correct, total) in meta_counts.items()
    }
    summary = (
        f"{len(per_document)} documents, {overall['lines']} gold lines; "
        f"removed P={overall['removed']['precision']:.3f} R={overall['removed']['recall']:.3f}, "
        f"content P={overall['content']['precision']:.3f} R={overall['content']['recall']:.3f}; "
        + ", ".join(f"{name} {v['correct']}/{v['total']}" for name, v in metadata.items())
    )
    return {
        "summary": summary,
        "in_sample": True,
        "documents": len(per_document),
        "documents_without_gold": without_gold,
        "lines": overall,
        "per_document": per_document,
        "metadata": metadata,
        "metadata_mismatches": mismatches,
    }


def _seed_documents(corpus: Path) -> list[Document]:
    """Ingest + clean + metadata only (no annotation or export): enough to measure cleaning."""
    from builders.clean import clean_document, count_line_keys
    from builders.config import Paths, default_paths
    from builders.enrich.metadata import extract_metadata
    from builders.extract import extract_document
    from builders.ingest import read_corpus

    base = default_paths()
    paths = Paths(corpus=corpus, schema=base.schema, docs=base.docs)
    docs = [extract_document(doc) for doc in read_corpus(paths)]
    counts = count_line_keys(docs)
    return [extract_metadata(clean_document(doc, counts, len(docs))) for doc in docs]


def main(argv: list[str] | None = None) -> int:
    """``python -m builders.evaluate.cleaning [CORPUS_DIR]``: print the figures as JSON."""
    from builders.config import default_paths

    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else default_paths().corpus
    result = evaluate_cleaning(_seed_documents(corpus), corpus / "curated")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
