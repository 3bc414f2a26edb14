"""jieba's dictionary as a word list: segmentation (word boundaries for conversion) and word
frequencies and parts of speech (evidence for repairs: a common function word is never a
stuffed keyword; a lost character is recovered only where it forms a dictionary word).

A private ``jieba.Tokenizer`` built from the bundled dictionary (no user dictionary, no HMM):
the same text always gives the same words, and nothing is written to jieba's cache in /tmp.
"""

from __future__ import annotations

import io
import logging
from functools import cache, lru_cache
from typing import Any

import jieba

from builders.diskcache import cached_build

SEGMENT_CACHE = 1 << 15


@cache
def _dictionary_bytes() -> bytes:
    tok = jieba.Tokenizer()
    with tok.get_dict_file() as fh:
        return fh.read()


def _valid_prefix_dict(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict) and isinstance(value[1], int)


def prefix_dict() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary of its bundled dictionary (what ``Tokenizer.initialize`` builds)
    and the total frequency, read from the disk cache (:mod:`builders.diskcache`): building it
    takes about 2 s per process, reading it a fraction of that. A new dict on every call, so a
    caller may add words to its own."""
    data = _dictionary_bytes()
    return cached_build(
        f"jieba-{jieba.__version__}-prefix",
        data,
        lambda: jieba.Tokenizer.gen_pfdict(io.BytesIO(data)),
        _valid_prefix_dict,
    )


@cache
def tokenizer() -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = prefix_dict()
    tok.initialized = True
    return tok


@cache
def lexicon() -> dict[str, tuple[int, str]]:
    """{word: (frequency, part of speech)} of jieba's bundled dictionary (Simplified script)."""
    out: dict[str, tuple[int, str]] = {}
    for line in _dictionary_bytes().decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2:
            out[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return out


def frequency(word: str) -> int:
    entry = lexicon().get(word)
    return entry[0] if entry else 0


def part_of_speech(word: str) -> str:
    entry = lexicon().get(word)
    return entry[1] if entry else ""


@lru_cache(maxsize=SEGMENT_CACHE)
def word_ends(text: str) -> tuple[int, ...] | None:
    """End offsets of the words of ``text`` (dictionary segmentation, HMM off), or None when
    the pieces do not cover the text exactly."""
    ends: list[int] = []
    pos = 0
    for word in tokenizer().cut(text, HMM=False):
        pos += len(word)
        ends.append(pos)
    return tuple(ends) if pos == len(text) else None
