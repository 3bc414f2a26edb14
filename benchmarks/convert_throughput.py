"""Conversion throughput (MB/s of UTF-8 input) of the installed OpenCC binding.

    .venv/bin/python -m benchmarks.convert_throughput [--mb 4]

Measures the converter (OpenCC + phrase tables: to_hans, to_hant) and the stock OpenCC
configurations on the seed pages repeated to about --mb MiB. Works with either binding; for the
native one, run it from a throw-away venv (docs/scripts.md shows how).
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

from builders.config import REPO_ROOT
from builders.textscript.convert import get_converter, opencc_binding, plain


def seed_text(mib: float) -> str:
    pages = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "corpus" / "raw").glob("*.txt"))]
    unit = "\n".join(pages)
    size = len(unit.encode("utf-8"))
    return unit * max(1, round(mib * 1024 * 1024 / size))


def measure(convert: Callable[[str], str], text: str) -> float:
    start = time.perf_counter()
    convert(text)
    seconds = time.perf_counter() - start
    return len(text.encode("utf-8")) / 1e6 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="MiB of text per measurement")
    args = parser.parse_args()
    library, version = opencc_binding()
    text = seed_text(args.mb)
    converter = get_converter()
    print(f"implementation: {library} {version} (Python {platform.python_version()})")
    print(f"input: seed pages repeated, {len(text.encode('utf-8')) / 1e6:.1f} MB")
    info = converter.info()
    runs: list[tuple[str, Callable[[str], str]]] = [
        (f"to_hans ({info['to_hans']} + phrase table)", converter.to_hans),
        (f"to_hant ({info['to_hant']} + phrase table)", converter.to_hant),
    ]
    runs += [(f"OpenCC {name}", plain(name)) for name in ("t2s", "s2t", "s2tw", "s2twp")]
    for name, convert in runs:
        convert(text[:1000])  # load dictionaries outside the timing
        print(f"{name:36s} {measure(convert, text):8.2f} MB/s")


if __name__ == "__main__":
    main()
