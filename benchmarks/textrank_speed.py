"""TextRank scoring time on a long page (CPU ms), the figure a test used to assert.

    .venv/bin/python -m benchmarks.textrank_speed [--repeat 5]

The page is the seed pages' text joined (several hundred candidate sentences). It prints the
number of candidate sentences, the similarity-matrix time and the power-iteration time (median
of --repeat runs, process CPU time). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse

from benchmarks.timing import cpu_ms
from builders.annotate.summarize import (
    SentenceOptions,
    TextRankOptions,
    candidate_sentences,
    similarity_matrix,
    textrank_scores,
)
from builders.annotate.tokenize import content_words
from builders.config import REPO_ROOT


def long_page() -> str:
    pages = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "corpus" / "raw").glob("*.txt"))]
    return "\n\n".join(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cands = candidate_sentences(long_page(), SentenceOptions())
    words = [content_words(s.text) for s in cands]
    options = TextRankOptions()
    sim = similarity_matrix(words)
    print(f"candidate sentences: {len(cands)}")
    print(f"similarity matrix: {cpu_ms(lambda: similarity_matrix(words), args.repeat):.1f} CPU ms")
    print(f"power iteration:   {cpu_ms(lambda: textrank_scores(cands, options, similarity=sim), args.repeat):.1f} CPU ms")


if __name__ == "__main__":
    main()
