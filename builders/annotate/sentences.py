"""Sentence splitting for Chinese news text (either script).

A sentence ends at 。！？；… (and their ASCII/full-width variants !?;), and also takes any closing
quotes or brackets that follow the terminator: ``他说：“算力不够。”然后`` splits after ``”``, not
before it. Paragraph breaks (blank lines, or single newlines) always end a sentence. Runs of
terminators (``！？``, ``……``) stay together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TERMINATORS = "。！？；!?;…"
# Closing quotes/brackets that belong to the sentence they close. Straight ASCII quotes are
# ambiguous (open or close), so they are attached only when they close an odd count.
CLOSERS = "”’」』）)】》〉"
STRAIGHT_QUOTES = "\"'"

_SENTENCE = re.compile(
    rf"[^{TERMINATORS}\n]*?(?:[{TERMINATORS}]+[{re.escape(CLOSERS)}]*|$)",
)


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph (blank-line block) it comes from
    index: int  # position in the document, 0-based
    terminated: bool  # ends with sentence-final punctuation (possibly plus closers)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order, stripped, empty ones dropped."""
    return [s.text for s in sentences_of(text)]


def sentences_of(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for p_index, paragraph in enumerate(paragraphs):
        for line in paragraph.split("\n"):
            for piece in _pieces(line):
                core = piece.rstrip(CLOSERS + STRAIGHT_QUOTES)
                terminated = bool(core) and core[-1] in TERMINATORS
                out.append(Sentence(piece, p_index, len(out), terminated))
    return out


def _pieces(line: str) -> list[str]:
    pieces = [m.group(0).strip() for m in _SENTENCE.finditer(line)]
    pieces = [p for p in pieces if p]
    # A straight quote opening the next piece closes this one when this one has an odd count.
    for i in range(len(pieces) - 1):
        nxt = pieces[i + 1]
        while nxt and nxt[0] in STRAIGHT_QUOTES and pieces[i].count(nxt[0]) % 2 == 1:
            pieces[i] += nxt[0]
            nxt = nxt[1:].lstrip()
        pieces[i + 1] = nxt
    return [p for p in pieces if p]


def han_len(text: str) -> int:
    """Length used for character budgets: every non-space character counts."""
    return len("".join(text.split()))  # str.split() splits at exactly the str.isspace() characters


def is_heading(sentence: Sentence, heading_max_chars: int) -> bool:
    """Short unterminated pieces are headings, captions, bylines or section numbers."""
    return not sentence.terminated and han_len(sentence.text) < heading_max_chars
