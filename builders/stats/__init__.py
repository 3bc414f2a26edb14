"""Statistics computed from the *written* Parquet files (never from the builder's memory), so
that the card and the docs site always describe the published data."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from builders.schema import class_names


def parquet_files(out_dir: Path, config: str) -> dict[str, Path]:
    """split name → Parquet file of a config (split order train, validation, test)."""
    order = {"train": 0, "validation": 1, "test": 2}
    files = sorted((out_dir / "data" / config).glob("*.parquet"), key=lambda p: order.get(p.name.split("-")[0], 9))
    return {p.name.split("-")[0]: p for p in files}


def read_rows(out_dir: Path, config: str) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    for split, path in parquet_files(out_dir, config).items():
        rows.extend((split, r) for r in pq.read_table(path).to_pylist())
    return rows


# Parquet rows read at a time by every pass over a written dataset. Small batches: with batches
# larger than a row group, pyarrow's reader kept more memory with every row group read (+540 MB
# over the eight of the 100,000-page documents file, +130 MB with 1,024 rows; pyarrow 26).
BATCH_ROWS = 1024


def iter_rows(out_dir: Path, config: str, columns: Sequence[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(split, row) of a config, one batch of :data:`BATCH_ROWS` at a time (only those of
    ``columns`` that the files have, when given)."""
    for split, path in parquet_files(out_dir, config).items():
        parquet = pq.ParquetFile(path)
        wanted = None if columns is None else [c for c in parquet.schema_arrow.names if c in set(columns)]
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for row in batch.to_pylist():
                yield split, row


class _Rows:
    """(split, row) of a config, re-read batch by batch on every pass (memory stays flat as the
    corpus grows): only ``columns``, plus ``_chars``, the length in characters of ``text_col``
    (counted by Arrow: no text is turned into Python strings)."""

    def __init__(self, out_dir: Path, config: str, columns: list[str], text_col: str) -> None:
        self.files = parquet_files(out_dir, config)
        self.columns, self.text_col = columns, text_col

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for split, path in self.files.items():
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=[*self.columns, self.text_col]):
                chars = pc.utf8_length(batch.column(self.text_col)).to_pylist()
                part = batch.select(self.columns).to_pylist()
                for row, n in zip(part, chars, strict=True):
                    row["_chars"] = n
                    yield split, row

    def __len__(self) -> int:
        return sum(pq.read_metadata(p).num_rows for p in self.files.values())


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(values: Sequence[int]) -> dict[str, float]:
    """min / median / mean / max of a length distribution (zeros for an empty one); the same
    values and types as ``statistics.median`` / ``statistics.fmean``, without a list of ints."""
    if not len(values):
        return {"min": 0, "median": 0, "mean": 0.0, "max": 0}
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    n, mid = len(ordered), len(ordered) // 2
    return {
        "min": int(ordered[0]),
        "median": int(ordered[mid]) if n % 2 else (int(ordered[mid - 1]) + int(ordered[mid])) / 2,
        "mean": round(float(int(ordered.sum())) / n, 1),  # fmean: the exact sum, rounded once
        "max": int(ordered[-1]),
    }


def _sorted_lengths(values: array) -> array:
    """The lengths sorted, still 4 bytes each (a list would take ~36 bytes per paragraph)."""
    out = array(values.typecode)
    out.frombytes(np.sort(np.frombuffer(values, dtype=np.uint32)).tobytes())
    return out


# Source fields a user looks for to check a document or reach its rights holder.
PROVENANCE_FIELDS = ("url", "retrieved", "site")


def compute_stats(out_dir: Path) -> dict[str, Any]:
    """Every figure of the card and the docs site, in one streaming pass per config: what is
    kept per document is an id → script map and the length lists (numbers, not rows)."""
    scripts = class_names("documents", "script")
    topic_names = class_names("documents", "topics")
    line_labels = class_names("lines", "label")

    per_split: dict[str, dict[str, dict[str, int]]] = {}
    per_split_script: dict[str, dict[str, dict[str, dict[str, int]]]] = {}

    def count(config: str, split: str, script: str, chars: int) -> None:
        entry = per_split.setdefault(config, {}).setdefault(split, {"rows": 0, "chars": 0})
        entry["rows"] += 1
        entry["chars"] += chars
        by_script = per_split_script.setdefault(config, {}).setdefault(split, {})
        entry = by_script.setdefault(script, {"rows": 0, "chars": 0})
        entry["rows"] += 1
        entry["chars"] += chars

    doc_columns = ["id", "script", "num_chars", "num_paragraphs", "topics", "quality", "entities", "source"]
    per_script: dict[str, dict[str, int]] = {}
    doc_script: dict[str, int] = {}  # lines take their document's script (its index in `scripts`)
    script_index = {name: i for i, name in enumerate(scripts)}
    topics: Counter[str] = Counter()
    entities: Counter[str] = Counter()  # documents per entity id
    repairs: Counter[str] = Counter()
    flags = {"spun": 0, "stuffed": 0, "with_near_duplicates": 0}
    pii: dict[str, dict[str, int]] = {}  # type -> found, documents with at least one
    provenance = dict.fromkeys(PROVENANCE_FIELDS, 0)  # documents whose source has the field
    doc_lengths: list[int] = []
    documents = characters = 0
    for split, row in _Rows(out_dir, "documents", doc_columns, "text"):
        script = row["script"]
        count("documents", split, script, row["_chars"])
        entry = per_script.setdefault(script, {"documents": 0, "chars": 0, "paragraphs": 0})
        entry["documents"] += 1
        entry["chars"] += row["num_chars"]
        entry["paragraphs"] += row["num_paragraphs"]
        doc_script[row["id"]] = script_index[script]
        topics.update(row["topics"])
        entities.update({e["id"] for e in row.get("entities") or ()})
        quality = row["quality"]
        flags["spun"] += bool(quality["is_spun"])
        flags["stuffed"] += bool(quality["is_stuffed"])
        flags["with_near_duplicates"] += bool(quality["near_duplicate_ids"])
        for kind, n in ((k[4:], v) for k, v in quality.items() if k.startswith("pii_")):
            entry = pii.setdefault(kind, {"found": 0, "documents": 0})
            entry["found"] += n
            entry["documents"] += bool(n)
        for key in PROVENANCE_FIELDS:
            provenance[key] += row["source"][key] is not None
        doc_lengths.append(row["num_chars"])
        documents += 1
        characters += row["num_chars"]

    paragraph_lengths = array("I")  # one per paragraph: 4 bytes each
    for split, row in _Rows(out_dir, "paragraphs", ["script", "num_chars"], "text"):
        count("paragraphs", split, row["script"], row["_chars"])
        paragraph_lengths.append(row["num_chars"])

    label_counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for split, row in _Rows(out_dir, "lines", ["document_id", "label", "reason"], "raw_text"):
        script_id = doc_script.get(row["document_id"])
        count("lines", split, scripts[script_id] if script_id is not None else "unknown", row["_chars"])
        label = row["label"]
        label_counts[label] += 1
        if label != "content":
            reasons[f"{label}:{row['reason']}"] += 1

    for _split, row in iter_rows(out_dir, "repairs", ["kind"]):
        repairs[row["kind"]] += 1

    for config in ("documents", "paragraphs", "lines"):
        per_split.setdefault(config, {})
        per_split_script[config] = {s: dict(sorted(v.items())) for s, v in per_split_script.get(config, {}).items()}
    total_lines = sum(label_counts.values())
    return {
        "documents": documents,
        "paragraphs": len(paragraph_lengths),
        "lines": total_lines,
        "characters": characters,
        "per_split": per_split,
        "per_script": dict(sorted(per_script.items())),
        "per_split_script": per_split_script,
        "topics": {name: topics.get(name, 0) for name in topic_names},
        "entities": _sorted(entities),
        "line_labels": {name: label_counts.get(name, 0) for name in line_labels},
        "removed_line_share": round(1 - label_counts.get("content", 0) / total_lines, 6) if total_lines else 0.0,
        "removed_reasons": _sorted(reasons),
        "repairs": _sorted(repairs),
        "flags": flags,
        "pii": pii,
        "provenance": provenance,
        "length_summary": {
            "documents": _summary(doc_lengths),
            "paragraphs": _summary(paragraph_lengths),
        },
        "doc_lengths": sorted(doc_lengths),
        "paragraph_lengths": _sorted_lengths(paragraph_lengths),
    }
