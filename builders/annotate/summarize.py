"""Extractive summaries: LEAD-3 (the floor) and TextRank under a character budget.

Both work on the Simplified text, skip headings/captions (short unterminated pieces) and keep the
sentences in document order, so the summary reads like the article.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from builders.annotate.sentences import Sentence, han_len, is_heading, sentences_of
from builders.annotate.tokenize import content_words, idf_table


@dataclass(frozen=True)
class SentenceOptions:
    heading_max_chars: int = 40
    min_sentence_chars: int = 8


@dataclass(frozen=True)
class TextRankOptions:
    char_budget: int = 200
    damping: float = 0.85
    iterations: int = 100
    tolerance: float = 1e-10
    max_redundancy: float = 0.5
    position_prior: float = 0.3


def candidate_sentences(text: str, options: SentenceOptions) -> list[Sentence]:
    """Sentences that may appear in a summary: not headings, not tiny fragments."""
    return [
        s
        for s in sentences_of(text)
        if not is_heading(s, options.heading_max_chars) and han_len(s.text) >= options.min_sentence_chars
    ]


def lead_n(text: str, n: int, options: SentenceOptions) -> str:
    """The first ``n`` candidate sentences, joined without spaces (Chinese prose)."""
    return "".join(s.text for s in candidate_sentences(text, options)[:n])


def _vectors(sentences: Sequence[Sentence]) -> list[dict[str, float]]:
    idf, median = idf_table()
    vectors = []
    for s in sentences:
        counts = Counter(content_words(s.text))
        vec = {w: c * idf.get(w, median) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        vectors.append({w: v / norm for w, v in vec.items()} if norm else {})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def textrank_scores(sentences: Sequence[Sentence], options: TextRankOptions) -> list[float]:
    """Weighted PageRank over the sentence-similarity graph (TF-IDF cosine of jieba content
    words). The teleport vector mixes uniform mass with a 1/(position+1) prior."""
    n = len(sentences)
    if n == 0:
        return []
    vectors = _vectors(sentences)
    weights = [[_cosine(vectors[i], vectors[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out_sum = [sum(row) for row in weights]
    prior = [1.0 / (i + 1) for i in range(n)]
    prior_total = sum(prior)
    lam = options.position_prior
    teleport = [(1 - lam) / n + lam * p / prior_total for p in prior]
    d = options.damping
    scores = [1.0 / n] * n
    for _ in range(options.iterations):
        dangling = sum(scores[j] for j in range(n) if out_sum[j] == 0.0)
        new = []
        for i in range(n):
            incoming = sum(weights[j][i] / out_sum[j] * scores[j] for j in range(n) if out_sum[j] > 0.0)
            new.append((1 - d) * teleport[i] + d * (incoming + dangling * teleport[i]))
        delta = sum(abs(a - b) for a, b in zip(new, scores, strict=True))
        scores = new
        if delta < options.tolerance:
            break
    return scores


def textrank(text: str, options: TextRankOptions, sentence_options: SentenceOptions) -> str:
    """Highest-ranked sentences that fit the character budget, without near-repeats, in
    document order. When no sentence fits, the best-ranked one is used alone (a summary must
    not be empty)."""
    candidates = candidate_sentences(text, sentence_options)
    if not candidates:
        return ""
    scores = textrank_scores(candidates, options)
    vectors = _vectors(candidates)
    ranked = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        size = han_len(candidates[i].text)
        if used + size > options.char_budget:
            continue
        if any(_cosine(vectors[i], vectors[j]) > options.max_redundancy for j in chosen):
            continue
        chosen.append(i)
        used += size
    if not chosen:
        chosen = [ranked[0]]
    return "".join(candidates[i].text for i in sorted(chosen))
