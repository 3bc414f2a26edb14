"""The build, top to bottom: ingest → clean → enrich → annotate → split → export.

Per-document stages are functions ``Document -> Document`` and run in worker processes; the
corpus-level steps keep compact indexes only, so memory stays bounded as the corpus grows:

1. *index*: stream every page once, keep the hashes of lines repeated across documents;
2. *process*: per document (in parallel, results consumed in id order) clean, enrich, annotate,
   encode and validate its rows, as Arrow tables; the parent spills them to Arrow IPC files in
   the staging folder and writes the MinHash signatures to disk (:class:`SignatureIndex`);
3. *split*: near-duplicate pairs (one LSH band in memory at a time) → split per document;
4. *export*: stream the spilled rows into one Parquet file per config and split, then write
   the card and the manifest, and swap the folder into place.

Output is byte-identical whatever the number of workers or the executor (local processes, or
Ray: ``builders.executors.ray``): results are consumed in document order and every file is
written by the parent process in that order. At most ``scale.max_in_flight`` documents per
worker are in flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from builders.annotate import annotate_document
from builders.annotate.curated import CuratedAnnotation, load_curated
from builders.clean import clean_document, line_key
from builders.clean.gold import load_gold
from builders.config import Paths, default_paths, section
from builders.enrich.convert import get_converter
from builders.enrich.line_index import LineDocCounts, SignatureIndex
from builders.enrich.metadata import extract_metadata
from builders.enrich.near_duplicates import NearDuplicateIndex
from builders.enrich.paragraphs import split_paragraphs
from builders.enrich.script import apply_scripts
from builders.export.atomic import fault_point, staged_output
from builders.export.card import write_card
from builders.export.croissant import write_croissant
from builders.export.manifest import build_manifest, write_manifest
from builders.executors.rows import encode_rows
from builders.export.parquet import parquet_writer
from builders.export.rows import document_row, line_rows, paragraph_rows
from builders.export.versioning import check_release
from builders.ingest import read_document
from builders.ingest.sources import load_sources
from builders.record import BuildError, Document, Source
from builders.schema import CONFIGS, features
from builders.split import assign_splits, group_keys

SPILL_DIR = ".spill"


@dataclass
class BuildReport:
    documents: int = 0
    raw_bytes: int = 0
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    removed_lines: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - start


# --------------------------------------------------------------------------- per document


@dataclass
class Processed:
    """What a worker sends back for one document: encoded rows and compact signatures."""

    doc_id: str
    rows: dict[str, list[dict[str, Any]]]
    doc_signature: bytes
    paragraph_signatures: list[tuple[str, bytes]]
    raw_bytes: int
    removed: Counter[str]
    repairs: Counter[str]
    stage_seconds: dict[str, float]


@dataclass
class _Context:
    paths: Paths
    line_counts: LineDocCounts
    n_docs: int
    curated: dict[str, CuratedAnnotation]


_CTX: _Context | None = None  # set in each worker by _init_worker


def _init_worker(ctx: _Context) -> None:
    global _CTX
    _CTX = ctx


def enrich_document(doc: Document, line_counts: LineDocCounts, n_docs: int, curated: CuratedAnnotation | None) -> Document:
    """All per-document stages, in order."""
    doc = clean_document(doc, line_counts, n_docs)
    doc = extract_metadata(doc)
    doc = split_paragraphs(doc)
    doc = apply_scripts(doc)
    return annotate_document(doc, curated, get_converter().to_hant)


def process_source(source: Source) -> Processed:
    ctx = _CTX
    assert ctx is not None, "worker not initialised"
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    doc = read_document(ctx.paths, source)
    t1 = time.perf_counter()
    doc = enrich_document(doc, ctx.line_counts, ctx.n_docs, ctx.curated.get(doc.id))
    t2 = time.perf_counter()
    # Provisional split fields so the rows validate now; the split step overwrites them with
    # values from the same closed sets (and near-duplicate ids, which are document/paragraph ids).
    doc.split, doc.split_rule = "train", "hash"
    gold = load_gold(ctx.paths.curated, doc.id, len(doc.lines), [line.raw for line in doc.lines])
    gold_label: Callable[[int], str | None] = gold.label_of if gold else (lambda _n: None)
    rows = {
        "documents": encode_rows("documents", [document_row(doc)]),
        "paragraphs": encode_rows("paragraphs", paragraph_rows(doc)),
        "lines": encode_rows("lines", line_rows(doc, gold_label)),
    }
    t3 = time.perf_counter()
    index = _signature_index()
    processed = Processed(
        doc_id=doc.id,
        rows=rows,
        doc_signature=index.signature(doc.text_zh_hans),
        paragraph_signatures=[(f"{doc.id}-p{p.index:04d}", index.signature(p.text_zh_hans)) for p in doc.paragraphs],
        raw_bytes=(ctx.paths.corpus / source.file).stat().st_size,
        removed=Counter(f"{ln.label}:{ln.reason}" for ln in doc.lines if ln.label != "content" and ln.raw.strip()),
        repairs=Counter(r.kind for r in doc.repairs),
        stage_seconds={},
    )
    t4 = time.perf_counter()
    seconds.update({"ingest": t1 - t0, "clean+enrich+annotate": t2 - t1, "encode+validate": t3 - t2, "signatures": t4 - t3})
    processed.stage_seconds = seconds
    return processed


_INDEX: NearDuplicateIndex | None = None


def _signature_index() -> NearDuplicateIndex:
    """One index object per process, used only to compute signatures (texts are zh-Hans)."""
    global _INDEX
    if _INDEX is None:
        _INDEX = NearDuplicateIndex(script_normalise=False)
    return _INDEX


# --------------------------------------------------------------------------- corpus level


def index_lines(paths: Paths, sources: list[Source]) -> LineDocCounts:
    """Pass 1: hashes of normalised lines and in how many documents each occurs."""

    def keys() -> Iterator[list[int]]:
        for source in sources:
            doc = read_document(paths, source)
            yield [k for k in (line_key(line.raw) for line in doc.lines) if k is not None]

    return LineDocCounts.from_document_keys(keys())


def default_workers() -> int:
    env = os.environ.get("ZHNEWS_WORKERS")
    if env:
        return max(1, int(env))
    return 1


def _map_sources(ctx: _Context, sources: list[Source], workers: int) -> Iterator[Processed]:
    """Results in source (id) order, whatever the number of workers."""
    if workers <= 1 or len(sources) < 2:
        _init_worker(ctx)
        yield from map(process_source, sources)
        return
    mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with mp.Pool(workers, initializer=_init_worker, initargs=(ctx,)) as pool:
        yield from pool.imap(process_source, sources, chunksize=max(1, min(32, len(sources) // (workers * 8) or 1)))


class _Spill:
    """Encoded rows of one config, appended to an Arrow IPC file in document order."""

    def __init__(self, path: Path, config: str, batch_rows: int) -> None:
        self.path = path
        self.schema = features(config).arrow_schema
        self.batch_rows = batch_rows
        self.buffer: list[dict[str, Any]] = []
        self.sink = pa.OSFile(str(path), "wb")
        self.writer = ipc.new_file(self.sink, self.schema)

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.buffer = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
        self.sink.close()

    def batches(self) -> Iterator[pa.RecordBatch]:
        with pa.memory_map(str(self.path)) as source:
            reader = ipc.open_file(source)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)


def _finalise_row(config: str, row: dict[str, Any], split: dict[str, tuple[str, str]], near: dict[str, list[str]]) -> dict[str, Any]:
    if config == "documents":
        row["split"], row["split_rule"] = split[row["id"]]
        row["quality"]["near_duplicate_ids"] = near.get(row["id"], [])
    elif config == "paragraphs":
        row["split"] = split[row["document_id"]][0]
        doc_prefix = f"{row['document_id']}-p"
        # Only paragraphs of *other* documents: a page repeating itself is cleaning's business.
        row["near_duplicate_ids"] = [k for k in near.get(row["id"], []) if not k.startswith(doc_prefix)]
    else:
        row["split"] = split[row["document_id"]][0]
    return row


def _write_splits(spill: _Spill, config: str, out_dir: Path, split: dict[str, tuple[str, str]], near: dict[str, list[str]]) -> dict[str, int]:
    shard = str(section("export")["shard_name"])
    group_rows = int(section("export")["row_group_size"])
    order = [s for s in section("split")["order"] if s in {v[0] for v in split.values()}]
    writers: dict[str, pq.ParquetWriter] = {}
    buffers: dict[str, list[dict[str, Any]]] = {s: [] for s in order}
    counts = dict.fromkeys(order, 0)
    schema = spill.schema

    def flush(name: str) -> None:
        if not buffers[name]:
            return
        if name not in writers:
            writers[name] = parquet_writer(out_dir / "data" / config / shard.format(split=name), schema)
        writers[name].write_table(pa.Table.from_pylist(buffers[name], schema=schema), row_group_size=group_rows)
        counts[name] += len(buffers[name])
        buffers[name] = []

    for batch in spill.batches():
        for row in batch.to_pylist():
            row = _finalise_row(config, row, split, near)
            buffers[row["split"]].append(row)
            if len(buffers[row["split"]]) >= group_rows:
                flush(row["split"])
    for name in order:
        flush(name)
        if name in writers:
            writers[name].close()
    return {k: v for k, v in counts.items() if v}


def build(out: Path, paths: Paths | None = None, workers: int | None = None, progress: bool = False) -> BuildReport:
    """The whole build into ``out``, replaced atomically only when everything passed."""
    paths = paths or default_paths()
    workers = workers or default_workers()
    report = BuildReport()
    with report.timed("sources"):
        sources = load_sources(paths)
    if not sources:
        raise BuildError(f"{paths.sources}: no documents to build")
    with report.timed("index"):
        line_counts = index_lines(paths, sources)
        curated = load_curated(paths.curated, {s.id for s in sources})
    ctx = _Context(paths=paths, line_counts=line_counts, n_docs=len(sources), curated=curated)

    with staged_output(out) as tmp:
        spill_dir = tmp / SPILL_DIR
        spill_dir.mkdir()
        spills = {c: _Spill(spill_dir / f"{c}.arrow", c, int(section("export")["row_group_size"])) for c in CONFIGS}
        doc_index = NearDuplicateIndex(script_normalise=False)
        para_index = NearDuplicateIndex(script_normalise=False)
        results = _map_sources(ctx, sources, workers)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(sources), unit="page", desc="process")
        with report.timed("process"):
            for result in results:
                for config in CONFIGS:
                    spills[config].add(result.rows[config])
                doc_index.add_signature(result.doc_id, result.doc_signature)
                for key, sig in result.paragraph_signatures:
                    para_index.add_signature(key, sig)
                report.documents += 1
                report.raw_bytes += result.raw_bytes
                report.removed_lines.update(result.removed)
                report.repairs.update(result.repairs)
                for stage, secs in result.stage_seconds.items():
                    report.stage_seconds[f"  {stage}"] = report.stage_seconds.get(f"  {stage}", 0.0) + secs
            for spill in spills.values():
                spill.close()
        with report.timed("near-duplicates+split"):
            doc_near = doc_index.groups()
            para_near = para_index.groups()
            ids = [s.id for s in sources]
            split = assign_splits(group_keys(ids, doc_near))
        with report.timed("export"):
            near = {**doc_near, **para_near}
            report.rows = {}
            for config in CONFIGS:
                report.rows[config] = _write_splits(spills[config], config, tmp, split, near)
                fault_point("after-parquet")  # test hook (docs/robustness.md); inert unless armed
            for spill in spills.values():
                spill.path.unlink()
            spill_dir.rmdir()
            fault_point("before-card")
            write_card(tmp)
            fault_point("after-card")
            write_croissant(tmp)
            # Record fingerprints for the manifest; fails when the records changed more than
            # the version bump says (relative to the newest committed release).
            records = check_release(tmp)
            manifest = build_manifest(
                tmp, paths, {"name": section("dataset")["name"], "rows": report.rows, "records": records}
            )
            write_manifest(tmp, manifest)
    return report


def process_documents(paths: Paths | None = None) -> list[Document]:
    """All finished documents in memory (with splits), for evaluation and small corpora."""
    paths = paths or default_paths()
    sources = load_sources(paths)
    line_counts = index_lines(paths, sources)
    curated = load_curated(paths.curated, {s.id for s in sources})
    docs = [
        enrich_document(read_document(paths, s), line_counts, len(sources), curated.get(s.id)) for s in sources
    ]
    index = NearDuplicateIndex(script_normalise=False)
    for doc in docs:
        index.add(doc.id, doc.text_zh_hans)
    near = index.groups()
    split = assign_splits(group_keys([d.id for d in docs], near))
    for doc in docs:
        doc.quality["near_duplicate_ids"] = near.get(doc.id, [])
        doc.split, doc.split_rule = split[doc.id]
    return docs
