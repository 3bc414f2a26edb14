"""Entity matching time (issue 22): the gazetteer's matcher on the seed pages' text.

    .venv/bin/python -m benchmarks.entities_speed [--repeat 5]

Prints the one-off set-up (gazetteer, overlay tokenizer), then the median process CPU time of
``EntityMatcher.find`` over the five seed pages converted to zh-Hans (the annotate stage's
input), in ms and MB/s (a new matcher, then one that remembers the runs it segmented), and
the same pages segmented by the project's tokenizer without its caches, for scale.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.timing import cpu_ms
from builders.annotate.entities import default_matcher
from builders.annotate.tokenize import _hmm, _tokenizer, warm_up
from builders.config import REPO_ROOT
from builders.textscript.convert import get_converter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    conv = get_converter()
    pages = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "corpus" / "raw").glob("*.txt"))]
    hans = [conv.to_hans(p) for p in pages]
    warm_up()
    start = time.process_time()
    matcher = default_matcher()
    matcher.find("英伟达", "英伟达")  # builds the overlay tokenizer
    setup = (time.process_time() - start) * 1000
    mb = sum(len(t.encode("utf-8")) for t in hans) / 1e6

    def match() -> None:
        for text, page in zip(hans, pages, strict=True):
            matcher.find(text, page)

    def cut() -> None:  # uncached, as for a page never seen before
        for text in hans:
            _tokenizer().lcut(text, HMM=_hmm())

    found = sum(len(matcher.find(t, p)) for t, p in zip(hans, pages, strict=True))
    first = cpu_ms(lambda: [default_matcher.__wrapped__().find(t, p) for t, p in zip(hans, pages, strict=True)], 1)
    ms = cpu_ms(match, args.repeat)
    print(f"pages: {len(pages)}, {mb:.3f} MB of zh-Hans text, {found} entities found")
    print(f"set-up: {setup:.0f} CPU ms")
    print(f"find, first time (a new matcher: nothing remembered): {first:.1f} CPU ms ({mb / (first / 1000):.2f} MB/s)")
    print(f"find, again (runs remembered): {ms:.1f} CPU ms ({mb / (ms / 1000):.2f} MB/s)")
    seg = cpu_ms(cut, args.repeat)
    print(f"jieba lcut, uncached: {seg:.1f} CPU ms ({mb / (seg / 1000):.2f} MB/s) (the project's tokenizer, for scale)")


if __name__ == "__main__":
    main()
