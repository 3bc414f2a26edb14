"""Throughput of the personal-data search (builders/clean/pii.py) on the seed pages' lines.

    .venv/bin/python -m benchmarks.pii_speed [--copies 20]

Every line is made distinct (a counter appended) so that the per-line cache does not hide the
work; a crawl repeats its footers, so real pages run faster than this.
"""

from __future__ import annotations

import argparse
import time

from builders.clean.pii import find
from builders.config import REPO_ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    lines: list[str] = []
    for path in sorted((REPO_ROOT / "corpus" / "raw").glob("*.txt")):
        lines += path.read_text(encoding="utf-8", errors="replace").split("\n")
    lines = [f"{line}{i}" for i, line in enumerate(lines * args.copies)]
    chars = sum(len(line) for line in lines)
    start = time.perf_counter()
    found = sum(len(find(line)) for line in lines)
    seconds = time.perf_counter() - start
    print(f"{len(lines)} lines, {chars / 1e6:.2f} M characters, {found} matches: {seconds:.2f} s, "
          f"{chars / 1e6 / seconds:.2f} M characters/s")


if __name__ == "__main__":
    main()
