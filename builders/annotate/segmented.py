"""A text split into sentences, each segmented by jieba once, shared by LEAD-3, TextRank and the
keywords (they used to segment the same text three times).

jieba cuts inside runs of Han characters, Latin letters, digits and ``+#&._%-``; a sentence
boundary always falls on a terminator, a closing quote or bracket, or a line break, none of
which is in such a run. So the tokens of the whole text are exactly the sentences' tokens
concatenated (tests/test_annotate_speed.py checks this on generated text).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from builders.annotate.sentences import Sentence, sentences_of
from builders.annotate.tokenize import segment


@dataclass(frozen=True)
class Segmented:
    sentences: tuple[Sentence, ...]
    tokens: tuple[tuple[str, ...], ...]  # jieba tokens of sentences[i], whitespace dropped

    def words(self) -> Iterator[str]:
        """All tokens of the text, in order (== ``segment(text)``)."""
        for toks in self.tokens:
            yield from toks


def segment_text(text: str) -> Segmented:
    sentences = tuple(sentences_of(text))
    return Segmented(sentences, tuple(tuple(segment(s.text)) for s in sentences))
