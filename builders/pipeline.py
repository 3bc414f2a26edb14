"""The build, top to bottom: ingest → clean → enrich → annotate → split → export.

Per-document stages are functions ``Document -> Document``; the corpus-level steps (line
repetition across pages, near-duplicates, split assignment) keep compact indexes only.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builders.annotate import annotate_document
from builders.annotate.curated import load_curated
from builders.clean import clean_document, line_key
from builders.clean.gold import load_gold
from builders.config import Paths, default_paths, section
from builders.enrich.convert import get_converter
from builders.enrich.metadata import extract_metadata
from builders.enrich.near_duplicates import NearDuplicateIndex
from builders.enrich.paragraphs import split_paragraphs
from builders.enrich.script import apply_scripts
from builders.export.atomic import staged_output
from builders.export.card import write_card
from builders.export.manifest import build_manifest, write_manifest
from builders.export.parquet import encode_rows, to_table, write_parquet
from builders.export.rows import document_row, line_rows, paragraph_rows
from builders.ingest import read_corpus
from builders.record import BuildError, Document
from builders.schema import CONFIGS
from builders.split import assign_splits, group_keys

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    documents: int = 0
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report = report

    def __call__(self, stage: str) -> _Stage:
        return _Stage(self.report, stage)


class _Stage:
    def __init__(self, report: BuildReport, stage: str) -> None:
        self.report, self.stage = report, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        spent = time.perf_counter() - self.start
        self.report.stage_seconds[self.stage] = self.report.stage_seconds.get(self.stage, 0.0) + spent


def process_documents(paths: Paths, report: BuildReport | None = None) -> list[Document]:
    """Run every stage up to and including split; return the finished documents in id order."""
    report = report or BuildReport()
    timed = _Timer(report)
    with timed("ingest"):
        docs = list(read_corpus(paths))
    if not docs:
        raise BuildError(f"{paths.sources}: no documents to build")
    with timed("clean"):
        # Cross-page repetition (CCNet): in how many documents does each normalised line occur?
        line_doc_counts: Counter[int] = Counter()
        for doc in docs:
            line_doc_counts.update({k for k in (line_key(line.raw) for line in doc.lines) if k is not None})
        docs = [clean_document(doc, line_doc_counts, len(docs)) for doc in docs]
    with timed("enrich"):
        docs = [apply_scripts(split_paragraphs(extract_metadata(doc))) for doc in docs]
        _near_duplicates(docs)
    with timed("annotate"):
        curated = load_curated(paths.curated, {d.id for d in docs})
        to_hant = get_converter().to_hant
        docs = [annotate_document(doc, curated.get(doc.id), to_hant) for doc in docs]
    with timed("split"):
        near = {d.id: list(d.quality.get("near_duplicate_ids", [])) for d in docs}
        assigned = assign_splits(group_keys([d.id for d in docs], near))
        for doc in docs:
            doc.split, doc.split_rule = assigned[doc.id]
    report.documents = len(docs)
    return docs


def _near_duplicates(docs: list[Document]) -> None:
    doc_index = NearDuplicateIndex()
    para_index = NearDuplicateIndex()
    for doc in docs:
        doc_index.add(doc.id, doc.text)
        for p in doc.paragraphs:
            para_index.add(f"{doc.id}-p{p.index:04d}", p.text)
    doc_groups = doc_index.groups()
    para_groups = para_index.groups()
    for doc in docs:
        doc.quality["near_duplicate_ids"] = doc_groups.get(doc.id, [])
        for p in doc.paragraphs:
            # Only paragraphs of *other* documents are interesting (a page repeating itself is cleaning's job).
            others = para_groups.get(f"{doc.id}-p{p.index:04d}", [])
            p.near_duplicate_ids = [o for o in others if not o.startswith(f"{doc.id}-p")]


def export_documents(docs: Iterable[Document], out_dir: Path, paths: Paths) -> dict[str, dict[str, int]]:
    """Validate and write every config/split, then the card and the manifest."""
    docs = sorted(docs, key=lambda d: d.id)
    shard = str(section("export")["shard_name"])
    gold = {d.id: load_gold(paths.curated, d.id, len(d.lines)) for d in docs}
    rows_by_config = {
        "documents": lambda d: [document_row(d)],
        "paragraphs": paragraph_rows,
        "lines": lambda d: line_rows(d, gold[d.id].label_of if gold[d.id] else (lambda _n: None)),
    }
    counts: dict[str, dict[str, int]] = {}
    for config in CONFIGS:
        by_split: dict[str, list[dict]] = {}
        for doc in docs:
            by_split.setdefault(doc.split, []).extend(rows_by_config[config](doc))
        counts[config] = {}
        for split in section("split")["order"]:
            rows = by_split.get(split, [])
            if not rows:
                continue
            table = to_table(config, encode_rows(config, rows))
            write_parquet(table, out_dir / "data" / config / shard.format(split=split))
            counts[config][split] = table.num_rows
    write_card(out_dir)
    write_manifest(out_dir, build_manifest(out_dir, paths, {"name": section("dataset")["name"], "rows": counts}))
    return counts


def build(out: Path, paths: Paths | None = None) -> BuildReport:
    """The whole build into ``out`` (replaced atomically only when everything passed)."""
    paths = paths or default_paths()
    report = BuildReport()
    docs = process_documents(paths, report)
    with staged_output(out) as tmp, _Timer(report)("export"):
        report.rows = export_documents(docs, tmp, paths)
    return report
