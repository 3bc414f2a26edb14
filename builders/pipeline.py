"""The build, top to bottom: ingest → extract → clean → enrich → annotate → split → export.

Per-document stages are functions ``Document -> Document`` and run in worker processes; the
corpus-level steps keep compact indexes only, so memory stays bounded as the corpus grows:

1. *index*: stream every page once, keep the hashes of lines repeated across documents;
2. *process*: per document (in parallel, results consumed in id order) clean, enrich, annotate,
   encode and validate its rows, as Arrow tables; the parent spills them to Arrow IPC files in
   the staging folder and writes the MinHash signatures to disk (:class:`SignatureIndex`);
3. *split*: near-duplicate pairs (one LSH band in memory at a time) → split per document;
4. *export*: stream the spilled rows into one Parquet file per config and split, then write
   the card and the manifest, and swap the folder into place.

A page that cannot be processed (undecodable, over a limit, no Chinese text, nothing left after
cleaning, ...) never stops the build: it is set aside as :class:`Rejected` (stage and reason),
listed in the summary and in ``rejected.json`` beside the data; ``strict=True`` makes any
rejected page fatal before anything is written. Faults of the corpus as a whole (sources.yaml,
sha256, missing or unlisted files) still stop the build first.

Output is byte-identical whatever the number of workers or the executor (local processes, or
Ray: ``builders.executors.ray``): results are consumed in document order and every file is
written by the parent process in that order. At most ``scale.max_in_flight`` documents per
worker are in flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from array import array
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
from builders.enrich.line_index import LineDocCounts, SignatureIndex
from builders.enrich.metadata import extract_metadata
from builders.enrich.near_duplicates import NearDuplicateIndex, ParagraphNeighbours
from builders.enrich.paragraphs import split_paragraphs
from builders.enrich.script import apply_scripts
from builders.executors.rows import encode_rows
from builders.export.atomic import Protected, fault_point, guard_output, staged_output
from builders.export.card import write_card
from builders.export.croissant import write_croissant
from builders.export.manifest import DATASET, build_manifest, write_manifest
from builders.export.parquet import parquet_writer
from builders.export.rows import config_rows
from builders.export.versioning import check_release
from builders.extract import extract_document
from builders.ingest import read_document
from builders.ingest.sources import load_sources
from builders.record import BuildError, Document, PageError, Rejected, Source, naming
from builders.schema import CONFIGS, features
from builders.split import assign_splits, group_keys
from builders.textscript.convert import get_converter

SPILL_DIR = ".spill"
REJECTED_FILE = "rejected.json"
EVALUATION_FILE = "evaluation.json"
# Exceptions a page's stages turn into a rejection. OSError is the environment (disk, permissions),
# MemoryError the machine: those stop the build (exit 3).
_NOT_PAGE_FAULTS = (OSError, MemoryError)
# A BuildError that is not a PageError is a fault of the corpus (a curated file that does not
# fit its page): it stops the build as before.
_CORPUS_FAULTS = (BuildError, *_NOT_PAGE_FAULTS)


def _scale() -> dict[str, Any]:
    try:
        return section("scale")
    except KeyError:  # settings of this module; defaults keep older config files working
        return {}


@dataclass
class BuildReport:
    documents: int = 0
    raw_bytes: int = 0
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    removed_lines: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    workers: int = 1
    executor: str = "local"
    # Peak RSS of this process (MB, 10^6 bytes, as the benchmark prints) when each step ended:
    # ru_maxrss only grows, so the first step whose value jumps is where the peak was reached.
    peak_mb_after: dict[str, float] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - start
            self.note_peak(stage)

    def note_peak(self, step: str) -> None:
        import resource

        self.peak_mb_after[step] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux

    @property
    def seconds(self) -> float:
        """Wall time of the build (top-level stages; the indented ones are per-document sums)."""
        return sum(v for k, v in self.stage_seconds.items() if not k.startswith(" "))

    def summary(self) -> list[str]:
        """The final summary: pages in and out, lines removed by reason, repairs, time."""
        out = self.rows.get("documents", {})
        secs = self.seconds
        removed = sum(self.removed_lines.values())
        lines = [
            f"pages in: {self.documents} ({self.raw_bytes / 1e6:.2f} MB raw); pages out: {sum(out.values())} "
            f"({', '.join(f'{k}={v}' for k, v in out.items())})",
            f"lines removed: {removed}"
            + "".join(f"\n    {k}: {v}" for k, v in sorted(self.removed_lines.items(), key=lambda kv: (-kv[1], kv[0]))),
            f"repairs: {sum(self.repairs.values())}"
            + "".join(f"\n    {k}: {v}" for k, v in sorted(self.repairs.items(), key=lambda kv: (-kv[1], kv[0]))),
            f"time: {secs:.1f} s with {self.workers} worker(s) ({self.executor}); "
            f"{self.documents / secs if secs else 0:.1f} pages/s, {self.raw_bytes / 1e6 / secs if secs else 0:.2f} MB/s",
            "stages (s): " + ", ".join(f"{k.strip()}={v:.2f}" for k, v in self.stage_seconds.items()),
        ]
        lines.append(
            f"pages rejected: {len(self.rejected)}"
            + "".join(f"\n    {r.file} ({r.stage}): {r.reason}" for r in self.rejected)
        )
        return lines


# --------------------------------------------------------------------------- per document


@dataclass
class Processed:
    """What a worker sends back for one document: encoded rows and compact signatures."""

    doc_id: str
    rows: dict[str, pa.Table]
    doc_signature: bytes
    paragraph_signatures: list[tuple[int, bytes]]  # (paragraph index, signature)
    raw_bytes: int
    removed: Counter[str]
    repairs: Counter[str]
    stage_seconds: dict[str, float]
    rejected: Rejected | None = None  # set (and nothing else) when the page was set aside


def rejection(source: Source, stage: str, exc: BaseException) -> Rejected:
    """The record of a page set aside; the reason drops the file name the message starts with."""
    reason = str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__} in {stage}: {exc}"
    head, sep, rest = reason.partition(": ")
    if sep and head.endswith(source.file):  # "raw/x.html: ..." or "/abs/corpus/raw/x.html: ..."
        reason = rest
    return Rejected(id=source.id, file=source.file, stage=stage, reason=reason)


def _rejected(source: Source, stage: str, exc: BaseException) -> Processed:
    return Processed(source.id, {}, b"", [], 0, Counter(), Counter(), {}, rejection(source, stage, exc))


def load_document(paths: Paths, source: Source) -> Document:
    """Ingest and extract one page (PageError when the page cannot be read)."""
    return extract_document(read_document(paths, source))


def read_stage(paths: Paths, source: Source, *, metadata: bool = True) -> tuple[Document | None, Rejected | None]:
    """(document, None), or (None, the rejection naming the stage that failed). ``metadata``:
    see :func:`extract_document`."""
    stage = "ingest"
    try:
        doc = read_document(paths, source)
        stage = "extract"
        return extract_document(doc, metadata=metadata), None
    except PageError as exc:
        return None, rejection(source, stage, exc)
    except _CORPUS_FAULTS:
        raise
    except Exception as exc:  # a parser error on this page: the page, not the corpus
        return None, rejection(source, stage, exc)


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


def _init_pool_worker(ctx: _Context) -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it (one line, exit 130);
    # workers would each print a traceback. The pool terminates them when the parent unwinds.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(ctx)


_SCHEMAS: dict[str, pa.Schema] = {}


def _arrow_schema(config: str) -> pa.Schema:
    if config not in _SCHEMAS:
        _SCHEMAS[config] = features(config).arrow_schema
    return _SCHEMAS[config]


class _Stage:
    """Which stage a document is in (so that a failure names it)."""

    name = "clean"


def enrich_document(
    doc: Document,
    line_counts: LineDocCounts,
    n_docs: int,
    curated: CuratedAnnotation | None,
    stage: _Stage | None = None,
) -> Document:
    """All per-document stages after extract, in order. A page with nothing left after cleaning
    raises PageError (stage ``clean``)."""
    stage = stage or _Stage()
    stage.name = "clean"
    doc = clean_document(doc, line_counts, n_docs)
    if not doc.text.strip():
        raise PageError(
            f"{doc.source.file}: nothing left after cleaning (all {sum(1 for ln in doc.lines if ln.raw.strip())} "
            "lines or blocks labelled boilerplate or spam)"
        )
    stage.name = "enrich"
    doc = extract_metadata(doc)
    doc = split_paragraphs(doc)
    doc = apply_scripts(doc)
    stage.name = "annotate"
    return annotate_document(doc, curated, get_converter().to_hant)


def process_source(source: Source) -> Processed:
    """One document in a worker initialised with :func:`_init_worker`."""
    assert _CTX is not None, "worker not initialised"
    return process_with(_CTX, source)


def process_with(ctx: _Context, source: Source) -> Processed:
    """Ingest → extract → clean → enrich → annotate → encoded, validated rows and signatures;
    a page that fails comes back as a rejection (no exception leaves a page's stages)."""
    stage = _Stage()
    stage.name = "ingest"
    try:
        return _process(ctx, source, stage)
    except PageError as exc:
        return _rejected(source, stage.name, exc)
    except _CORPUS_FAULTS:
        raise  # a curated file that does not fit its page: the maintainers' input, not the page
    except Exception as exc:  # one bad page never stops the build
        return _rejected(source, stage.name, exc)


def _process(ctx: _Context, source: Source, stage: _Stage) -> Processed:
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    doc = read_document(ctx.paths, source)
    stage.name = "extract"
    doc = extract_document(doc)
    t1 = time.perf_counter()
    doc = enrich_document(doc, ctx.line_counts, ctx.n_docs, ctx.curated.get(doc.id), stage)
    t2 = time.perf_counter()
    stage.name = "export"
    # Provisional split fields so the rows validate now; the split step overwrites them with
    # values from the same closed sets (and near-duplicate ids, which are document/paragraph ids).
    doc.split, doc.split_rule = "train", "hash"
    gold = load_gold(ctx.paths.curated, doc.id, len(doc.lines), [line.raw for line in doc.lines])
    gold_label: Callable[[int], str | None] = gold.label_of if gold else (lambda _n: None)
    encoded = {c: encode_rows(c, r) for c, r in config_rows(doc, gold_label).items()}
    # Arrow tables travel between processes far cheaper than lists of dicts.
    rows = {c: pa.Table.from_pylist(r, schema=_arrow_schema(c)) for c, r in encoded.items()}
    t3 = time.perf_counter()
    index = _signature_index()
    # One numpy pass for the document and its paragraphs (same values as one call each).
    sigs = index.signatures(
        [doc.text_zh_hans, *(p.text_zh_hans for p in doc.paragraphs)],
        parts_min_chars=int(section("near_duplicates")["paragraph_min_chars"]),
    )
    processed = Processed(
        doc_id=doc.id,
        rows=rows,
        doc_signature=sigs[0],
        paragraph_signatures=[(p.index, sig) for p, sig in zip(doc.paragraphs, sigs[1:], strict=True)],
        raw_bytes=(ctx.paths.corpus / source.file).stat().st_size,
        removed=Counter(f"{ln.label}:{ln.reason}" for ln in doc.lines if ln.label != "content" and ln.raw.strip()),
        repairs=Counter(r.kind for r in doc.repairs),
        stage_seconds={},
    )
    t4 = time.perf_counter()
    seconds.update({"ingest": t1 - t0, "clean+enrich+annotate": t2 - t1, "encode+validate": t3 - t2, "signatures": t4 - t3})
    processed.stage_seconds = seconds
    return processed


def process_chunk(sources: list[Source]) -> list[Processed]:
    assert _CTX is not None, "worker not initialised"
    return [process_with(_CTX, s) for s in sources]


_INDEX: NearDuplicateIndex | None = None


def _signature_index() -> NearDuplicateIndex:
    """One index object per process, used only to compute signatures (texts are zh-Hans)."""
    global _INDEX
    if _INDEX is None:
        _INDEX = NearDuplicateIndex(script_normalise=False)
    return _INDEX


# --------------------------------------------------------------------------- corpus level


def index_lines(
    paths: Paths, sources: list[Source], progress: bool = False, rejected: list[Rejected] | None = None
) -> LineDocCounts:
    """Pass 1: hashes of normalised lines and in how many documents each occurs. Pages that
    cannot be read or extracted are skipped and appended to ``rejected``."""

    def keys() -> Iterator[list[int]]:
        items: Iterable[Source] = sources
        if progress:
            from tqdm import tqdm

            items = tqdm(sources, unit="page", desc="index lines")
        for source in items:
            doc, problem = read_stage(paths, source, metadata=False)
            if doc is None:
                if rejected is not None and problem is not None:
                    rejected.append(problem)
                continue
            yield [k for k in (line_key(line.raw) for line in doc.lines) if k is not None]

    return LineDocCounts.from_document_keys(keys())


def default_workers() -> int:
    """Worker processes from ``$ZHNEWS_WORKERS``: a positive whole number or ``all`` (default 1)."""
    env = os.environ.get("ZHNEWS_WORKERS", "").strip()
    if not env:
        return 1
    if env == "all":
        return os.cpu_count() or 1
    if not env.isdigit() or int(env) < 1:
        raise BuildError(f"ZHNEWS_WORKERS={env!r}: expected a positive whole number or 'all'")
    return int(env)


def chunked(items: list[Source], size: int) -> Iterator[list[Source]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def chunk_size(n: int, workers: int) -> int:
    """Documents per task: enough to amortise the hand-over, small enough to balance load."""
    cap = int(_scale().get("max_chunk", 16))
    return max(1, min(cap, n // (workers * 8) or 1))


def _map_sources(ctx: _Context, sources: list[Source], workers: int) -> Iterator[Processed]:
    """Results in source (id) order, whatever the number of workers, with a bounded number of
    documents in flight (``Pool.imap`` would queue every finished result when the parent, which
    writes the files, is slower than the workers)."""
    if workers <= 1 or len(sources) < 2:
        _init_worker(ctx)
        yield from map(process_source, sources)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:
        # Load jieba, the IDF table and the taxonomy once; forked workers share them.
        from builders.annotate import warm_up

        warm_up()
    mp = multiprocessing.get_context("fork" if fork else "spawn")
    size = chunk_size(len(sources), workers)
    window = max(2, int(_scale().get("max_in_flight", 64)) * workers // size)
    with mp.Pool(workers, initializer=_init_pool_worker, initargs=(ctx,)) as pool:
        pending: deque[Any] = deque()
        chunks = chunked(sources, size)
        for chunk in chunks:
            pending.append(pool.apply_async(process_chunk, (chunk,)))
            if len(pending) >= window:
                break
        while pending:
            done = pending.popleft().get()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(pool.apply_async(process_chunk, (nxt,)))
            yield from done


class _Spill:
    """Encoded rows of one config, appended to an Arrow IPC file in document order."""

    def __init__(self, path: Path, config: str, batch_rows: int, batch_bytes: int = 32 << 20) -> None:
        self.path = path
        self.schema = features(config).arrow_schema
        self.batch_rows = batch_rows
        self.batch_bytes = batch_bytes
        self.buffer: list[pa.Table] = []
        self.buffered_rows = 0
        self.buffered_bytes = 0
        self.sink = pa.OSFile(str(path), "wb")
        self.writer = ipc.new_file(self.sink, self.schema)

    def add(self, rows: pa.Table | Iterable[dict[str, Any]]) -> None:
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows), schema=self.schema)
        if table.num_rows == 0:
            return
        self.buffer.append(table)
        self.buffered_rows += table.num_rows
        self.buffered_bytes += table.nbytes
        if self.buffered_rows >= self.batch_rows or self.buffered_bytes >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            table = pa.concat_tables(self.buffer).combine_chunks()
            with naming(self.path):
                self.writer.write_table(table)
            self.buffer, self.buffered_rows, self.buffered_bytes = [], 0, 0

    def close(self) -> None:
        self.flush()
        with naming(self.path):
            self.writer.close()
            self.sink.close()

    def batches(self) -> Iterator[pa.RecordBatch]:
        # Read, not memory-mapped: mapped pages count in RSS (the whole spill at 100,000 pages).
        with pa.OSFile(str(self.path), "rb") as source:
            reader = ipc.open_file(source)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)


@dataclass
class NearDuplicates:
    """Near-duplicate ids of documents (all of them) and of paragraphs (listed up to a cap,
    counted in full), from ordinal pairs: compact."""

    doc_ids: list[str]
    doc_pairs: np.ndarray
    paragraphs: ParagraphNeighbours

    def __post_init__(self) -> None:
        self._doc_ordinal = {d: i for i, d in enumerate(self.doc_ids)}
        self._docs = self._neighbours(self.doc_pairs)

    @staticmethod
    def _neighbours(pairs: np.ndarray) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for a, b in pairs.tolist():
            out.setdefault(a, []).append(b)
            out.setdefault(b, []).append(a)
        return out

    def doc_groups(self) -> dict[str, list[str]]:
        """Document id → sorted ids of its near-duplicates (documents that have any)."""
        return {self.doc_ids[a]: sorted(self.doc_ids[b] for b in bs) for a, bs in self._docs.items()}

    def of_document(self, doc_id: str) -> list[str]:
        others = self._docs.get(self._doc_ordinal[doc_id])
        return sorted(self.doc_ids[b] for b in others) if others else []

    def of_paragraph(self, doc_id: str, index: int) -> tuple[list[str], int]:
        """(listed ids, count) of the near-duplicates of a paragraph in other documents."""
        return self.paragraphs.of(self._doc_ordinal[doc_id], index)


def _finalise(config: str, table: pa.Table, split: dict[str, tuple[str, str]], near: NearDuplicates) -> pa.Table:
    """Set the split columns and the near-duplicate ids of a table of spilled rows."""

    def put(t: pa.Table, name: str, values: pa.Array) -> pa.Table:
        return t.set_column(t.schema.get_field_index(name), t.schema.field(name), values)

    if config == "documents":
        ids = table.column("id").to_pylist()
        table = put(table, "split", pa.array([split[i][0] for i in ids], pa.string()))
        table = put(table, "split_rule", pa.array([split[i][1] for i in ids], pa.string()))
        quality = table.column("quality").combine_chunks()
        qtype = quality.type
        near_type = qtype.field("near_duplicate_ids").type
        children = [
            pa.array([near.of_document(i) for i in ids], near_type) if f.name == "near_duplicate_ids" else quality.field(f.name)
            for f in qtype
        ]
        struct = pa.StructArray.from_arrays(children, fields=list(qtype), mask=quality.is_null() if quality.null_count else None)
        return put(table, "quality", struct)
    doc_ids = table.column("document_id").to_pylist()
    table = put(table, "split", pa.array([split[d][0] for d in doc_ids], pa.string()))
    if config == "paragraphs":
        indexes = table.column("paragraph_index").to_pylist()
        found = [near.of_paragraph(d, i) for d, i in zip(doc_ids, indexes, strict=True)]
        table = put(table, "near_duplicate_ids", pa.array([ids for ids, _ in found], table.schema.field("near_duplicate_ids").type))
        table = put(table, "near_duplicate_count", pa.array([n for _, n in found], table.schema.field("near_duplicate_count").type))
    return table


def _write_splits(spill: _Spill, config: str, out_dir: Path, split: dict[str, tuple[str, str]], near: NearDuplicates) -> dict[str, int]:
    """Spilled rows → one Parquet file per split, in row groups of ``export.row_group_size``.

    One split at a time (one pass over the spill per split, each batch filtered to the rows of
    that split's documents), so that one row group is pending in memory, not one per split."""
    shard = str(section("export")["shard_name"])
    order = [s for s in section("split")["order"] if s in {v[0] for v in split.values()}]
    counts: dict[str, int] = {}
    for name in order:
        members = pa.array([d for d, (s, _rule) in split.items() if s == name], pa.string())
        path = out_dir / "data" / config / shard.format(split=name)
        with naming(path):
            rows = _write_split(spill, config, path, members, split, near)
        if rows:
            counts[name] = rows
    return counts


def _write_split(
    spill: _Spill, config: str, path: Path, members: pa.Array, split: dict[str, tuple[str, str]], near: NearDuplicates
) -> int:
    """The rows of the documents ``members`` → ``path`` (not created when there are none).

    Each row group is written from one contiguous table (``combine_chunks``): the bytes are then
    the same as when the group was built from Python rows in one piece. Pending rows are kept
    column by column, and each column's pieces are dropped as soon as it is combined, so a row
    group is in memory about once (not pieces and copy), and the pieces are gone before writing."""
    group_rows = int(section("export")["row_group_size"])
    key = "id" if config == "documents" else "document_id"
    schema = spill.schema
    writer: pq.ParquetWriter | None = None
    pending: list[list[pa.Array]] = [[] for _ in schema]  # per column, the arrays of pending rows
    pending_rows = written = 0

    def drain(final: bool) -> None:
        nonlocal writer, pending_rows, written
        while pending_rows >= group_rows or (final and pending_rows):
            take = min(group_rows, pending_rows)
            columns = []
            for i, column_field in enumerate(schema):
                pieces = pa.chunked_array(pending[i], type=column_field.type)
                columns.append(pieces.slice(0, take).combine_chunks())
                pending[i] = [c for c in pieces.slice(take).chunks if len(c)]
                del pieces
            group = pa.Table.from_arrays(columns, schema=schema)
            del columns
            pending_rows -= take
            if writer is None:
                writer = parquet_writer(path, schema)
            writer.write_table(group, row_group_size=group_rows)
            written += take
            del group

    for batch in spill.batches():
        part = pa.Table.from_batches([batch]).filter(pa.compute.is_in(batch.column(key), value_set=members))
        del batch
        if part.num_rows:
            part = _finalise(config, part, split, near)
            for i, column in enumerate(part.columns):
                pending[i].extend(column.chunks)
            pending_rows += part.num_rows
            del part
            drain(final=False)
    drain(final=True)
    if writer is not None:
        writer.close()
    return written


Executor = Callable[[_Context, list[Source]], Iterable[Processed]]


def _strict_error(rejected: list[Rejected]) -> BuildError:
    first = rejected[0]
    more = f"; {len(rejected) - 1} more page(s) rejected" if len(rejected) > 1 else ""
    return BuildError(f"{first.file}: {first.reason} (stage {first.stage}; rejected with --strict){more}")


def write_rejected(out_dir: Path, rejected: list[Rejected]) -> None:
    """``rejected.json``: the pages set aside, by id (always written; an empty list is news too)."""
    rows = [{"id": r.id, "file": r.file, "stage": r.stage, "reason": r.reason} for r in sorted(rejected, key=lambda r: r.id)]
    (out_dir / REJECTED_FILE).write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_evaluation(path: Path) -> bytes:
    """The evaluation file as given, checked before anything is written: JSON with the
    development set's summary and personal-data counts (what the card quotes)."""
    try:
        data = path.read_bytes()
        devset = json.loads(data)["devset"]
        if not isinstance(devset["summary"], list) or not isinstance(devset["pii"], dict):
            raise TypeError("devset.summary must be a list and devset.pii an object")
    except OSError as exc:
        raise BuildError(f"{path}: evaluation file cannot be read ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"{path}: not an evaluation of `zhnews evaluate --json` ({type(exc).__name__}: {exc})") from exc
    return data


def build(
    out: Path,
    paths: Paths | None = None,
    workers: int | None = None,
    progress: bool = False,
    executor: Executor | None = None,
    strict: bool = False,
    evaluation: Path | None = None,
) -> BuildReport:
    """The whole build into ``out``, replaced atomically only when everything passed.

    ``executor(ctx, sources)`` runs the per-document stages and yields the results in source
    order (default: local worker processes; ``builders.executors.ray_data.RayExecutor`` runs them
    as Ray tasks). Whatever runs them, the parent writes every file, so the output is the same."""
    import pyarrow.compute  # noqa: F401 - pa.compute in _write_splits

    paths = paths or default_paths()
    # Refuse a folder that is not ours before reading the corpus (and again before the swap).
    protected = [Protected(paths.corpus, "the corpus", inside=True)]
    guard_output(out, DATASET, protected)
    evaluation_bytes = read_evaluation(evaluation) if evaluation is not None else None
    workers = workers or default_workers()
    report = BuildReport(workers=workers, executor=getattr(executor, "name", "local") if executor else "local")
    with report.timed("sources"):
        sources = load_sources(paths)
    if not sources:
        raise BuildError(f"{paths.sources}: no documents to build")
    with report.timed("index"):
        line_counts = index_lines(paths, sources, progress, report.rejected)
        curated = load_curated(paths.curated, {s.id for s in sources})
    if strict and report.rejected:
        raise _strict_error(report.rejected)
    set_aside = {r.id for r in report.rejected}
    sources = [s for s in sources if s.id not in set_aside]
    if not sources:
        raise _no_pages(paths, report.rejected)
    ctx = _Context(paths=paths, line_counts=line_counts, n_docs=len(sources), curated=curated)
    nd = section("near_duplicates")

    with staged_output(out, DATASET, protected) as tmp:
        spill_dir = tmp / SPILL_DIR
        spill_dir.mkdir()
        spill_rows = int(_scale().get("spill_rows", section("export")["row_group_size"]))
        spills = {c: _Spill(spill_dir / f"{c}.arrow", c, spill_rows) for c in CONFIGS}
        doc_index = SignatureIndex(spill_dir, "documents", int(nd["num_perm"]), float(nd["threshold"]))
        para_index = SignatureIndex(spill_dir, "paragraphs", int(nd["num_perm"]), float(nd["threshold"]))
        doc_ids: list[str] = []
        # Paragraph ordinal → document ordinal and paragraph index: 4 bytes each, not an array
        # object per document.
        para_doc = array("I")
        para_idx = array("I")
        results: Iterable[Processed] = (
            executor(ctx, sources) if executor is not None else _map_sources(ctx, sources, workers)
        )
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(sources), unit="page", desc="process")
        processed_ids: list[str] = []
        with report.timed("process"):
            for result in results:
                processed_ids.append(result.doc_id)
                if result.rejected is not None:
                    report.rejected.append(result.rejected)
                    continue
                for config in CONFIGS:
                    spills[config].add(result.rows[config])
                ordinal = doc_index.add(result.doc_signature)
                doc_ids.append(result.doc_id)
                for _index, sig in result.paragraph_signatures:
                    para_index.add(sig)
                para_doc.extend([ordinal] * len(result.paragraph_signatures))
                para_idx.extend(i for i, _ in result.paragraph_signatures)
                report.documents += 1
                report.raw_bytes += result.raw_bytes
                report.removed_lines.update(result.removed)
                report.repairs.update(result.repairs)
                for stage, secs in result.stage_seconds.items():
                    report.stage_seconds[f"  {stage}"] = report.stage_seconds.get(f"  {stage}", 0.0) + secs
            for spill in spills.values():
                spill.close()
        if [s.id for s in sources] != processed_ids:
            raise BuildError("executor returned documents out of order or incomplete")
        report.rejected.sort(key=lambda r: r.id)
        if strict and report.rejected:
            raise _strict_error(report.rejected)
        if not doc_ids:
            raise _no_pages(paths, report.rejected)
        # The source records (~1 KB each) are not needed any more: the rest of the build reads
        # the spill and the written files.
        del sources, results
        with report.timed("near-duplicates+split"):
            # Paragraphs: exact copies grouped first, near-duplicate pairs among first copies
            # only, so that a paragraph repeated on thousands of pages costs linear work.
            copy_of = para_index.copies()
            near = NearDuplicates(
                doc_ids=doc_ids,
                doc_pairs=doc_index.pairs(),
                paragraphs=ParagraphNeighbours(
                    doc_ids,
                    para_doc=np.frombuffer(para_doc, dtype=np.uint32),
                    para_index=np.frombuffer(para_idx, dtype=np.uint32),
                    copy_of=copy_of,
                    pairs=para_index.pairs(among=copy_of == np.arange(len(copy_of))),
                    listed=int(nd["paragraph_ids_listed"]),
                ),
            )
            del copy_of
            split = assign_splits(group_keys(doc_ids, near.doc_groups()))
        with report.timed("export"):
            report.rows = {}
            for config in CONFIGS:
                report.rows[config] = _write_splits(spills[config], config, tmp, split, near)
                report.note_peak(f"export: parquet {config}")
                fault_point("after-parquet")  # test hook (docs/robustness.md); inert unless armed
            for child in spill_dir.iterdir():
                child.unlink()
            spill_dir.rmdir()
            fault_point("before-card")
            write_rejected(tmp, report.rejected)
            if evaluation_bytes is not None:
                (tmp / EVALUATION_FILE).write_bytes(evaluation_bytes)
            with naming(tmp / "README.md"):
                write_card(tmp)
            report.note_peak("export: card")
            fault_point("after-card")
            with naming(tmp / "croissant.json"):
                write_croissant(tmp)
            # Record fingerprints for the manifest; fails when the records changed more than
            # the version bump says (relative to the newest committed release).
            records = check_release(tmp)
            report.note_peak("export: fingerprints")
            manifest = build_manifest(
                tmp, paths, {"name": section("dataset")["name"], "rows": report.rows, "records": records}
            )
            with naming(tmp / "manifest.json"):
                write_manifest(tmp, manifest)
    return report


def _no_pages(paths: Paths, rejected: list[Rejected]) -> BuildError:
    listed = "; ".join(f"{r.file}: {r.reason}" for r in rejected[:3])
    return BuildError(f"{paths.sources}: no page could be built ({len(rejected)} rejected: {listed})")


def process_documents(paths: Paths | None = None, rejected: list[Rejected] | None = None) -> list[Document]:
    """All finished documents in memory (with splits), for evaluation and small corpora. Pages
    set aside are appended to ``rejected`` (when given) instead of stopping the run."""
    paths = paths or default_paths()
    sources = load_sources(paths)
    problems: list[Rejected] = []
    line_counts = index_lines(paths, sources, rejected=problems)
    curated = load_curated(paths.curated, {s.id for s in sources})
    set_aside = {r.id for r in problems}
    sources = [s for s in sources if s.id not in set_aside]
    docs = []
    for s in sources:
        stage = _Stage()
        try:
            doc = load_document(paths, s)
            docs.append(enrich_document(doc, line_counts, len(sources), curated.get(s.id), stage))
        except PageError as exc:
            problems.append(rejection(s, stage.name, exc))
        except _CORPUS_FAULTS:
            raise
        except Exception as exc:  # the same policy as the build
            problems.append(rejection(s, stage.name, exc))
    if rejected is not None:
        rejected.extend(sorted(problems, key=lambda r: r.id))
    index = NearDuplicateIndex(script_normalise=False)
    for doc in docs:
        index.add(doc.id, doc.text_zh_hans)
    near = index.groups()
    split = assign_splits(group_keys([d.id for d in docs], near))
    for doc in docs:
        doc.quality["near_duplicate_ids"] = near.get(doc.id, [])
        doc.split, doc.split_rule = split[doc.id]
    return docs
