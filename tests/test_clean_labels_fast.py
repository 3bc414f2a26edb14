"""Spam scores with the precomputed longest-first order equal the per-call sort."""

from __future__ import annotations

from pathlib import Path

from builders.clean.patterns import simplified, vocabulary

REPO = Path(__file__).resolve().parent.parent


def _reference_score(text: str) -> int:
    vocab = vocabulary()
    low = text.lower()
    score = 0
    seen: set[str] = set()
    for term, weight in sorted(vocab.spam, key=lambda tw: -len(tw[0])):
        if term in low and not any(term in longer for longer in seen):
            score += weight
            seen.add(term)
    return score


def test_spam_score_equals_per_call_sort() -> None:
    vocab = vocabulary()
    lines = [ln for p in sorted((REPO / "corpus/raw").glob("*.txt")) for ln in p.read_text("utf-8").splitlines()]
    terms = [t for t, _ in vocab.spam]
    lines += [" ".join(terms[i : i + 3]) for i in range(0, len(terms), 3)]  # lines that do score
    scores = [vocab.spam_score(simplified(ln)) for ln in lines]
    assert scores == [_reference_score(simplified(ln)) for ln in lines]
    assert sum(1 for s in scores if s > 0) > 10
