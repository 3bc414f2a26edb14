"""``zhnews add`` of a generated WARC crawl: pages per second.

    python -m benchmarks.add_throughput [--pages 10000] [--work DIR] [--seed 1]

Writes a WARC of ``--pages`` HTML responses with benchmarks/generate.py (not timed), then
times, in this process: reading the WARC alone (warcio, every record), and ``add_pages`` of
it into a fresh corpus folder (read, sha256, decode with the build's rules, guess site /
publisher, stage, append sources.yaml, move into raw/). Prints both rates, the CPU time of
the add (the machine may be shared) and the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate_warc
from builders.config import Paths, default_paths
from builders.ingest.add import add_pages
from builders.ingest.warc import Skipped, read_warc


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", help="folder for the WARC and the corpus (default: a temporary folder, removed)")
    args = p.parse_args(argv)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="zhnews-add-bench-"))
    try:
        warc = work / f"crawl-{args.pages}.warc.gz"
        generate_warc(warc, args.pages, args.seed)
        size = warc.stat().st_size

        start = time.perf_counter()
        items = list(read_warc(warc))
        read_s = time.perf_counter() - start
        pages = sum(not isinstance(i, Skipped) for i in items)
        del items

        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        base = default_paths()
        start, cpu = time.perf_counter(), time.process_time()
        report = add_pages(Paths(corpus=corpus, schema=base.schema, docs=base.docs), [warc])
        add_s, add_cpu = time.perf_counter() - start, time.process_time() - cpu
        added = len(report.added)
        print(f"WARC: {warc.name}, {size / 1e6:.1f} MB, {pages} HTML responses")
        print(f"read only (warcio): {read_s:.2f} s, {pages / read_s:.0f} pages/s")
        print(f"zhnews add: {added} pages added in {add_s:.2f} s, {added / add_s:.0f} pages/s")
        # On a shared machine the wall clock includes waiting for a core: the CPU time does not.
        print(f"zhnews add, CPU time of this process: {add_cpu:.2f} s, {added / add_cpu:.0f} pages/s; load {_load()}")
        print(f"skipped: {dict(sorted(report.skipped.items()))}, unchanged: {len(report.unchanged)}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
