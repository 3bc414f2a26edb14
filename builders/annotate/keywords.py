"""Keywords: TF-IDF over jieba words (domain user dictionary), IDF from jieba's bundled table.

Deterministic: ties are broken by first occurrence in the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from builders.annotate.tokenize import content_tokens, idf_table, segment


def extract_keywords(
    text_hans: str, top_k: int = 10, min_chars: int = 2, *, tokens: Sequence[str] | None = None
) -> list[str]:
    """The ``top_k`` words with the highest tf * idf. Latin words are matched case-insensitively
    and shown as first written (GPU, not gpu); Latin words of fewer than 3 letters (AI, ng) are
    left out: they are too ambiguous to be keywords. ``tokens`` (``segment(text_hans)``, e.g.
    from :class:`~builders.annotate.segmented.Segmented`) skips segmenting again."""
    if tokens is None:
        tokens = segment(text_hans)
    words = [w for w in content_tokens(tokens, min_chars=min_chars) if not (w.isascii() and len(w) < 3)]
    if not words:
        return []
    surface: dict[str, str] = {}
    for token in tokens:
        surface.setdefault(token.lower() if token.isascii() else token, token)
    counts = Counter(words)
    first: dict[str, int] = {}
    for pos, w in enumerate(words):
        first.setdefault(w, pos)
    idf, median = idf_table()
    total = len(words)
    weight = {w: c / total * idf.get(w, median) for w, c in counts.items()}
    ranked = sorted(counts, key=lambda w: (-round(weight[w], 9), first[w]))
    return [surface[w] for w in ranked[:top_k]]


def keywords_in_hant(
    keywords: Sequence[str], text_hans: str, text_hant: str, to_hant: Callable[[str], str]
) -> list[str]:
    """Each zh-Hans keyword as the document's zh-Hant text writes it: the aligned span of
    ``text_hant`` at the keyword's first occurrence in ``text_hans`` (conversion keeps the text's
    length, so the span is the keyword as converted in its context, names and measure words
    included), else the keyword converted on its own."""
    aligned = len(text_hans) == len(text_hant)
    out = []
    for word in keywords:
        at = text_hans.find(word) if aligned else -1
        out.append(text_hant[at : at + len(word)] if at >= 0 else to_hant(word))
    return out
