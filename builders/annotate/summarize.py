"""Extractive summaries: LEAD-3 (the floor) and TextRank under a character budget.

Both work on the Simplified text, skip headings/captions (short unterminated pieces) and keep the
sentences in document order, so the summary reads like the article.

TextRank runs on numpy arrays with a fixed order of every floating-point sum (sequential
``bincount`` / axis-0 reductions and ``math.fsum``, never BLAS, whose summation order depends on
the CPU), so scores and the chosen sentences are the same on every machine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from builders.annotate.segmented import Segmented, segment_text
from builders.annotate.sentences import Sentence, han_len, is_heading, sentences_of
from builders.annotate.tokenize import content_tokens, content_words, idf_table


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


# Scores and similarities are compared at this many decimals (see textrank).
TIE_DECIMALS = 12
# Sentence pairs summed in one step of similarity_matrix (bounds its temporary arrays).
MAX_PAIRS = 1 << 20


def _is_candidate(s: Sentence, options: SentenceOptions) -> bool:
    return not is_heading(s, options.heading_max_chars) and han_len(s.text) >= options.min_sentence_chars


def candidate_sentences(
    text: str, options: SentenceOptions, *, segmented: Segmented | None = None
) -> list[Sentence]:
    """Sentences that may appear in a summary: not headings, not tiny fragments."""
    sentences = segmented.sentences if segmented is not None else sentences_of(text)
    return [s for s in sentences if _is_candidate(s, options)]


def lead_n(text: str, n: int, options: SentenceOptions, *, segmented: Segmented | None = None) -> str:
    """The first ``n`` candidate sentences, joined without spaces (Chinese prose)."""
    return "".join(s.text for s in candidate_sentences(text, options, segmented=segmented)[:n])


def similarity_matrix(words: Sequence[Sequence[str]]) -> np.ndarray:
    """Cosine similarity of the sentences' TF-IDF vectors (jieba content words, IDF from jieba's
    table), n x n, symmetric, diagonal 0. A sentence without content words is similar to none.

    Only words in two or more sentences add to the off-diagonal, so the product is taken over
    their postings: every (i, j, w_i * w_j) term, summed by ``bincount`` in vocabulary order.
    Memory is O(n^2 + MAX_PAIRS), not O(sentences x vocabulary)."""
    n = len(words)
    idf, median = idf_table()
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, ws in enumerate(words):
        vec = [(vocab.setdefault(w, len(vocab)), c * idf.get(w, median)) for w, c in Counter(ws).items()]
        norm = math.sqrt(math.fsum(v * v for _, v in vec))
        if not norm:
            continue
        for j, v in vec:
            rows.append(i)
            cols.append(j)
            vals.append(v / norm)
    sim = np.zeros((n, n))
    if not rows:
        return sim
    sent = np.asarray(rows, dtype=np.int64)
    word = np.asarray(cols, dtype=np.int64)
    weight = np.asarray(vals, dtype=np.float64)
    order = np.argsort(word, kind="stable")  # group postings by word, sentences ascending
    sent, word, weight = sent[order], word[order], weight[order]
    df = np.bincount(word, minlength=len(vocab))
    shared = df[word] > 1
    sent, word, weight = sent[shared], word[shared], weight[shared]
    if not len(sent):
        return sim
    # Words in order, each with its first posting and postings count; pairs are made for a run of
    # words at a time so that a long page with common words stays within MAX_PAIRS per step.
    firsts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]])
    counts = np.diff(np.r_[firsts, len(word)])
    chunk = np.r_[0, np.cumsum(counts * counts)[:-1]] // MAX_PAIRS
    bounds = np.flatnonzero(np.r_[True, chunk[1:] != chunk[:-1], True])
    for lo, hi in pairwise(bounds.tolist()):
        start, size = firsts[lo:hi], counts[lo:hi]
        # Every ordered pair (p, q) of postings of the same word: word by word, then p, then q.
        squares = size * size
        group = np.repeat(np.arange(len(size)), squares)
        local = np.arange(int(squares.sum())) - np.repeat(np.cumsum(squares) - squares, squares)
        left = start[group] + local // size[group]
        right = start[group] + local % size[group]
        a, b = sent[left], sent[right]
        keep = a != b
        sim += np.bincount(
            a[keep] * n + b[keep], weights=weight[left[keep]] * weight[right[keep]], minlength=n * n
        ).reshape(n, n)
    return sim


def textrank_scores(
    sentences: Sequence[Sentence],
    options: TextRankOptions,
    *,
    words: Sequence[Sequence[str]] | None = None,
    similarity: np.ndarray | None = None,
) -> list[float]:
    """Weighted PageRank over the sentence-similarity graph (TF-IDF cosine of jieba content
    words). The teleport vector mixes uniform mass with a 1/(position+1) prior. Power iteration
    stops when the L1 change of an iteration falls below ``options.tolerance``."""
    n = len(sentences)
    if n == 0:
        return []
    if similarity is None:
        if words is None:
            words = [content_words(s.text) for s in sentences]
        similarity = similarity_matrix(words)
    # Symmetric, so column sums (a sequential axis-0 reduction) are the out-weights.
    out_sum = similarity.sum(axis=0)
    linked = out_sum > 0.0
    transition = np.zeros_like(similarity)
    transition[linked] = similarity[linked] / out_sum[linked, None]
    prior = 1.0 / np.arange(1, n + 1, dtype=np.float64)
    lam = options.position_prior
    teleport = (1 - lam) / n + lam * prior / math.fsum(prior.tolist())
    d = options.damping
    scores = np.full(n, 1.0 / n)
    for _ in range(options.iterations):
        dangling = math.fsum(scores[~linked].tolist())
        incoming = (transition * scores[:, None]).sum(axis=0)
        new = (1 - d) * teleport + d * (incoming + dangling * teleport)
        delta = math.fsum(np.abs(new - scores).tolist())
        scores = new
        if delta < options.tolerance:
            break
    return [float(x) for x in scores]


def textrank(
    text: str,
    options: TextRankOptions,
    sentence_options: SentenceOptions,
    *,
    segmented: Segmented | None = None,
) -> str:
    """Highest-ranked sentences that fit the character budget, without near-repeats, in
    document order. When no sentence fits, the best-ranked one is used alone (a summary must
    not be empty). ``segmented`` (of ``text``) reuses tokens already computed."""
    segmented = segmented if segmented is not None else segment_text(text)
    candidates = candidate_sentences(text, sentence_options, segmented=segmented)
    if not candidates:
        return ""
    sim = similarity_matrix([content_tokens(segmented.tokens[s.index]) for s in candidates])
    # Rounded far below the tolerance: values equal up to float noise (a repeated sentence under
    # plain TextRank, a cosine of exactly 0.5) then compare equal, and position breaks the tie,
    # whatever the order of the floating-point sums.
    scores = [round(x, TIE_DECIMALS) for x in textrank_scores(candidates, options, similarity=sim)]
    sim = np.round(sim, TIE_DECIMALS)
    ranked = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        size = han_len(candidates[i].text)
        if used + size > options.char_budget:
            continue
        if any(sim[i, j] > options.max_redundancy for j in chosen):
            continue
        chosen.append(i)
        used += size
    if not chosen:
        chosen = [ranked[0]]
    return "".join(candidates[i].text for i in sorted(chosen))
