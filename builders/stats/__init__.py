"""Statistics computed from the *written* Parquet files (never from the builder's memory), so
that the card and the docs site always describe the published data."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


class _Rows:
    """(split, row) of a config, re-read batch by batch on every pass (memory stays flat as the
    corpus grows): only ``columns``, plus ``_chars``, the length in characters of ``text_col``
    (counted by Arrow: no text is turned into Python strings)."""

    def __init__(self, out_dir: Path, config: str, columns: list[str], text_col: str) -> None:
        self.files = parquet_files(out_dir, config)
        self.columns, self.text_col = columns, text_col

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for split, path in self.files.items():
            for batch in pq.ParquetFile(path).iter_batches(batch_size=16384, columns=[*self.columns, self.text_col]):
                chars = pc.utf8_length(batch.column(self.text_col)).to_pylist()
                part = batch.select(self.columns).to_pylist()
                for row, n in zip(part, chars, strict=True):
                    row["_chars"] = n
                    yield split, row

    def __len__(self) -> int:
        return sum(pq.read_metadata(p).num_rows for p in self.files.values())


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(values: list[int]) -> dict[str, float]:
    """min / median / mean / max of a length distribution (zeros for an empty one)."""
    if not values:
        return {"min": 0, "median": 0, "mean": 0.0, "max": 0}
    return {
        "min": min(values),
        "median": statistics.median(values),
        "mean": round(statistics.fmean(values), 1),
        "max": max(values),
    }


def compute_stats(out_dir: Path) -> dict[str, Any]:
    scripts = class_names("documents", "script")
    topic_names = class_names("documents", "topics")
    line_labels = class_names("lines", "label")

    doc_columns = ["id", "script", "num_chars", "num_paragraphs", "topics", "repairs", "quality"]
    docs = list(_Rows(out_dir, "documents", doc_columns, "text"))  # compact: no texts
    paras = _Rows(out_dir, "paragraphs", ["script", "num_chars"], "text")
    lines = _Rows(out_dir, "lines", ["document_id", "label", "reason"], "raw_text")

    per_split: dict[str, dict[str, dict[str, int]]] = {}
    for config, rows, _text_col in (("documents", docs, "text"), ("paragraphs", paras, "text"), ("lines", lines, "raw_text")):
        table: dict[str, dict[str, int]] = {}
        for split, row in rows:
            entry = table.setdefault(split, {"rows": 0, "chars": 0})
            entry["rows"] += 1
            entry["chars"] += row["_chars"]
        per_split[config] = table

    per_script: dict[str, dict[str, int]] = {}
    for _, row in docs:
        entry = per_script.setdefault(scripts[row["script"]], {"documents": 0, "chars": 0, "paragraphs": 0})
        entry["documents"] += 1
        entry["chars"] += row["num_chars"]
        entry["paragraphs"] += row["num_paragraphs"]

    # config → split → script → rows / characters; lines take their document's script.
    doc_script = {row["id"]: scripts[row["script"]] for _, row in docs}
    per_split_script: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    configs = (("documents", docs, "text"), ("paragraphs", paras, "text"), ("lines", lines, "raw_text"))
    for config, rows, _text_col in configs:
        by_split: dict[str, dict[str, dict[str, int]]] = {}
        for split, row in rows:
            if "script" in row:
                script = scripts[row["script"]]
            else:
                script = doc_script.get(row["document_id"], "unknown")
            entry = by_split.setdefault(split, {}).setdefault(script, {"rows": 0, "chars": 0})
            entry["rows"] += 1
            entry["chars"] += row["_chars"]
        per_split_script[config] = {s: dict(sorted(v.items())) for s, v in by_split.items()}

    topics = Counter(topic_names[t] for _, row in docs for t in row["topics"])
    label_counts = Counter(line_labels[row["label"]] for _, row in lines)
    reasons = Counter(f"{line_labels[row['label']]}:{row['reason']}" for _, row in lines if row["label"] != 0)
    repairs = Counter(r["kind"] for _, row in docs for r in row["repairs"])
    total_lines = sum(label_counts.values())
    return {
        "documents": len(docs),
        "paragraphs": len(paras),
        "lines": total_lines,
        "characters": sum(row["num_chars"] for _, row in docs),
        "per_split": per_split,
        "per_script": dict(sorted(per_script.items())),
        "per_split_script": per_split_script,
        "topics": {name: topics.get(name, 0) for name in topic_names},
        "line_labels": {name: label_counts.get(name, 0) for name in line_labels},
        "removed_line_share": round(1 - label_counts.get("content", 0) / total_lines, 6) if total_lines else 0.0,
        "removed_reasons": _sorted(reasons),
        "repairs": _sorted(repairs),
        "flags": {
            "spun": sum(1 for _, r in docs if r["quality"]["is_spun"]),
            "stuffed": sum(1 for _, r in docs if r["quality"]["is_stuffed"]),
            "with_near_duplicates": sum(1 for _, r in docs if r["quality"]["near_duplicate_ids"]),
        },
        "length_summary": {
            "documents": _summary([row["num_chars"] for _, row in docs]),
            "paragraphs": _summary([row["num_chars"] for _, row in paras]),
        },
        "doc_lengths": sorted(row["num_chars"] for _, row in docs),
        "paragraph_lengths": sorted(row["num_chars"] for _, row in paras),
    }
