"""CPU milliseconds per page of each per-document stage, in one process.

    python -m benchmarks.stage_profile --corpus /tmp/crawl-1k [--pages 1000]

Runs pass 1 (the line index) and then the per-document work of pass 2 page by page, as one
worker of a build does, with a ``time.process_time`` timer around each stage function; nothing
is written. Nested stages (the repairs inside cleaning) are shown indented under their parent.
It prints numbers; it asserts nothing. docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import builders.annotate as annotate
import builders.clean as clean
from builders import pipeline
from builders.annotate.entities import EntityMatcher
from builders.config import Paths, default_paths
from builders.enrich.near_duplicates import NearDuplicateIndex
from builders.ingest.sources import load_sources

# (label, module or class, attribute): the stage functions as the pipeline looks them up.
STAGES: list[tuple[str, Any, str]] = [
    ("ingest: read, decode", pipeline, "read_document"),
    ("extract: lines and HTML blocks", pipeline, "extract_document"),
    ("clean", pipeline, "clean_document"),
    ("  repairs", clean, "repair_line"),
    ("  line labels", clean, "label_lines"),
    ("  spin and keyword stuffing", clean, "process_spin"),
    ("enrich: metadata", pipeline, "extract_metadata"),
    ("enrich: paragraphs", pipeline, "split_paragraphs"),
    ("enrich: scripts and conversion", pipeline, "apply_scripts"),
    ("annotate", pipeline, "annotate_document"),
    ("  jieba segmentation", annotate, "segment_text"),
    ("  LEAD-3 and TextRank", annotate, "automatic_summaries"),
    ("  topics", annotate, "automatic_topics"),
    ("  keywords", annotate, "extract_keywords"),
    ("  entities (gazetteer match)", EntityMatcher, "find"),
    ("rows: encode and validate", pipeline, "encode_rows"),
    ("MinHash signatures", NearDuplicateIndex, "signatures"),
]


def _timed(totals: Counter[str], label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] += time.process_time() - start

    return wrapper


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, required=True, help="a corpus folder: raw/ and sources.yaml")
    p.add_argument("--pages", type=int, default=None, help="profile the first N pages (default: all)")
    args = p.parse_args(argv)

    repo = default_paths()
    paths = Paths(corpus=args.corpus, schema=repo.schema, docs=repo.docs)
    sources = load_sources(paths)[: args.pages]
    line_counts = pipeline.index_lines(paths, sources)
    pipeline._init_worker(pipeline._Context(paths, line_counts, len(sources), {}))
    annotate.warm_up()

    totals: Counter[str] = Counter()
    for label, owner, name in STAGES:
        setattr(owner, name, _timed(totals, label, getattr(owner, name)))
    start = time.process_time()
    raw = 0
    for source in sources:
        raw += pipeline.process_source(source).raw_bytes
    cpu = time.process_time() - start
    n = len(sources)
    print(f"{n} pages, {raw / 1e6:.2f} MB raw, {cpu:.2f} CPU s: {cpu / n * 1000:.1f} ms per page, {raw / 1e6 / cpu:.3f} MB per CPU second")
    print(f"{'stage':<40} {'CPU ms/page':>11} {'share':>6}")
    for label, _, _ in STAGES:
        print(f"{label:<40} {totals[label] / n * 1000:>11.1f} {totals[label] / cpu:>6.0%}")
    rest = cpu - sum(v for label, v in totals.items() if not label.startswith(" "))
    print(f"{'other: Arrow tables, row dicts, counters':<40} {rest / n * 1000:>11.1f} {rest / cpu:>6.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
