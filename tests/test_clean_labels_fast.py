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


def test_term_lists_match_like_the_plain_loops() -> None:
    """Vocabulary.has / starts (one regex per list) agree with the definitions: any term a
    substring of the lower-cased line; the longest term the line starts with."""
    import random

    vocab = vocabulary()
    lines = [ln for p in sorted((REPO / "corpus/raw").glob("*.txt")) for ln in p.read_text("utf-8").splitlines()]
    terms = sorted({t for ts in vocab.lists.values() for t in ts})
    rng = random.Random(3)
    lines += ["".join(rng.choice([*terms, "的", "。", " ", "A"]) for _ in range(rng.randint(0, 4))) for _ in range(3000)]
    positives = 0
    for name, listed in vocab.lists.items():
        for line in lines:
            low = line.lower()
            has = any(t in low for t in listed)
            starts = max((t for t in listed if low.startswith(t)), key=len, default=None)
            assert vocab.has(name, line) == has, (name, line)
            assert vocab.starts(name, line) == starts, (name, line)
            positives += has
    assert positives > 1000


def test_repeated_lines_get_fresh_views_with_their_own_index() -> None:
    from builders.clean import label_lines
    from builders.record import Line

    text = "首页 | 新闻 | 财经 | 科技 | 汽车"
    lines = [Line(number=i + 1, raw=text, text=text) for i in range(3)]
    label_lines(lines)
    assert [(ln.label, ln.reason) for ln in lines] == [("boilerplate", "navigation")] * 3
