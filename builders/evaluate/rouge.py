"""ROUGE-1/2/L F for Chinese, with clipped n-gram counts.

Counts are clipped (an n-gram matches at most min(count in candidate, count in reference) times),
as in Lin (2004) - not set-based as in rouge-chinese's default ``exclusive=True``. Two unit
levels: characters (each Han character one unit; a run of Latin letters/digits one unit;
punctuation and spaces dropped) and jieba words (domain user dictionary; punctuation dropped).
ROUGE-L is the LCS-based F-measure with beta = 1, single reference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from builders.annotate.tokenize import is_punct, rouge_chars, segment

LEVELS = ("char", "word")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f: float

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        return {k: round(v, digits) for k, v in asdict(self).items()}


def _score(overlap: int, cand_total: int, ref_total: int) -> Score:
    p = overlap / cand_total if cand_total else 0.0
    r = overlap / ref_total if ref_total else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f)


def ngrams(units: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(units[i : i + n]) for i in range(len(units) - n + 1))


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> Score:
    cand, ref = ngrams(candidate, n), ngrams(reference, n)
    overlap = sum((cand & ref).values())  # Counter & = min of counts: the clipping
    return _score(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> Score:
    return _score(lcs_length(candidate, reference), len(candidate), len(reference))


def units(text: str, level: str) -> list[str]:
    if level == "char":
        return rouge_chars(text)
    if level == "word":
        return [t.lower() for t in segment(text) if not is_punct(t)]
    raise ValueError(f"unknown ROUGE level {level!r}; expected one of {LEVELS}")


def rouge(candidate: str, reference: str, level: str = "char") -> dict[str, Score]:
    """ROUGE-1, ROUGE-2 and ROUGE-L of one candidate against one reference."""
    c, r = units(candidate, level), units(reference, level)
    return {"rouge1": rouge_n(c, r, 1), "rouge2": rouge_n(c, r, 2), "rougeL": rouge_l(c, r)}
