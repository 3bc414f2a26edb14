"""jieba segmentation with the domain user dictionary, deterministic.

jieba's stock dictionary splits domain names (英伟达 -> 英 / 伟达, 昇腾), so a user dictionary
(``userdict.txt``, Simplified script) is loaded. The prefix dictionary lives in a private
``jieba.Tokenizer`` instead of ``jieba.initialize()``: that avoids the global tokenizer (which
other code, e.g. MkDocs search, may configure) and jieba's own cache file in /tmp.
``enable_paddle`` is never called (it pip-installs a package at run time).

Building the prefix dictionary from jieba's 350k-word file takes 0.7-2 s per process, so the
result is kept in a disk cache (:mod:`builders.diskcache`) keyed by the sha256 of the
dictionary bytes: the same bytes always give the same prefix dictionary, so a cached one cannot
change a segmentation. The user dictionary is applied on top in every process (65 lines,
milliseconds), so editing it never needs a cache purge. The IDF table is cached the same way.
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections import ChainMap
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jieba

from builders.config import section
from builders.diskcache import cached_build
from builders.textscript.words import prefix_dict

USER_DICT = Path(__file__).resolve().parent / "userdict.txt"
IDF_FILE = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"

# Latin letters, digits and a few joiners form one token; everything else is judged per character.
_WORDISH = re.compile(r"\w", re.UNICODE)
_NUMBER = re.compile(r"[\d.,%]+")

STOPWORDS_FILE = Path(__file__).resolve().parent / "stopwords.txt"
STOPWORDS = frozenset(
    word
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)

# Distinct sentences segmented per process, remembered: re-posts and near-duplicates repeat
# whole paragraphs. Only sentence-sized texts, and a bounded number of them, so that a long
# crawl does not grow the worker (about 2 KB an entry).
SEGMENT_CACHE_SIZE = 20_000
SEGMENT_CACHE_MAX_CHARS = 300


@cache
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    logging.getLogger("jieba").setLevel(logging.WARNING)
    # What Tokenizer.initialize does, with our cache instead of jieba's file in /tmp; a dict of
    # its own, since the user dictionary below adds to it.
    tok.FREQ, tok.total = prefix_dict()
    tok.initialized = True
    tok.load_userdict(str(USER_DICT))
    return tok


@lru_cache(maxsize=4)
def _tokenizer_knowing(words: tuple[str, ...], freq: int) -> jieba.Tokenizer:
    """The project's tokenizer with more words, as an overlay: the 350k-word prefix dictionary is
    shared, not copied, and the project's own segmentation (keywords, summaries) is unchanged."""
    base = _tokenizer()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = ChainMap({}, base.FREQ), base.total, True
    for word in words:
        if tok.FREQ.get(word, 0) < freq:  # a word already known more often keeps its frequency
            tok.add_word(word, freq)
    return tok


def segment_knowing(text: str, words: tuple[str, ...], freq: int) -> list[str]:
    """jieba tokens of ``text`` (whitespace dropped) by the project's tokenizer that also knows
    ``words`` (each at least ``freq``, the order of the user dictionary's product names)."""
    return [t for t in _tokenizer_knowing(words, freq).lcut(text, HMM=_hmm()) if t.strip()]


def _cut_uncached(text: str, hmm: bool) -> tuple[str, ...]:
    # jieba splits a text at the edges of runs of Han characters / letters / digits
    # (``re_han_default``) and cuts each piece on its own, so the pieces can be cut (and
    # remembered) separately: clauses repeat across pages far more often than whole sentences.
    tokens: list[str] = []
    for piece in jieba.re_han_default.split(text):
        if piece:
            tokens.extend(_remembered(_cut_piece, piece, hmm))
    return tuple(tokens)


@lru_cache(maxsize=SEGMENT_CACHE_SIZE * 2)
def _cut_piece(piece: str, hmm: bool) -> tuple[str, ...]:
    return tuple(t for t in _tokenizer().lcut(piece, HMM=hmm) if t.strip())


_cut_cached = lru_cache(maxsize=SEGMENT_CACHE_SIZE)(_cut_uncached)


def _remembered(cut: Any, text: str, hmm: bool) -> tuple[str, ...]:
    """``cut`` (an lru_cache) for sentence-sized texts; longer ones rarely repeat and would make
    the cache big, so they bypass it."""
    return cut(text, hmm) if len(text) <= SEGMENT_CACHE_MAX_CHARS else cut.__wrapped__(text, hmm)


def _cut(text: str, hmm: bool) -> tuple[str, ...]:
    return _remembered(_cut_cached, text, hmm)


def _hmm() -> bool:
    return bool(section("annotate")["jieba"]["hmm"])


def segment(text: str) -> list[str]:
    """All jieba tokens of ``text`` (whitespace dropped), deterministic."""
    return list(_cut(text, _hmm()))


def is_punct(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


@lru_cache(maxsize=200_000)
def _content_form(token: str) -> str | None:
    """The word a token stands for (Latin lower-cased), or None for punctuation, stopwords and
    pure numbers. Remembered: a text's vocabulary is small next to its token count."""
    word = token.lower() if token.isascii() else token
    if word in STOPWORDS or is_punct(word) or _NUMBER.fullmatch(word):
        return None
    return word


def content_tokens(tokens: Iterable[str], min_chars: int = 1) -> list[str]:
    """The tokens that carry meaning: no punctuation, stopwords, pure numbers; Latin lower-cased."""
    out = []
    for token in tokens:
        word = _content_form(token)
        if word is not None and len(word) >= min_chars:
            out.append(word)
    return out


def content_words(text: str, min_chars: int = 1) -> list[str]:
    """Content tokens (:func:`content_tokens`) of ``text``."""
    return content_tokens(_cut(text, _hmm()), min_chars)


def rouge_chars(text: str) -> list[str]:
    """Character-level units: each Han (or other non-Latin) character is a unit, a run of Latin
    letters/digits is one unit ("A100", "GPU"), punctuation and whitespace are dropped."""
    units: list[str] = []
    for m in re.finditer(r"[A-Za-z0-9]+|\S", text):
        unit = m.group(0)
        if not is_punct(unit) and _WORDISH.match(unit):
            units.append(unit.lower())
    return units


def _parse_idf(data: bytes) -> tuple[dict[str, float], float]:
    table: dict[str, float] = {}
    # StringIO with universal newlines splits lines exactly as the text-mode file did.
    for line in io.StringIO(data.decode("utf-8"), newline=None):
        parts = line.split()
        if len(parts) == 2:
            table[parts[0]] = float(parts[1])
    values = sorted(table.values())
    median = values[len(values) // 2] if values else math.log(2)
    return table, median


def _valid_idf(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], dict)
        and isinstance(value[1], float)
    )


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's bundled IDF table (analyse/idf.txt) and its median, used by the keyword extractor."""
    data = IDF_FILE.read_bytes()
    return cached_build("jieba-idf", data, lambda: _parse_idf(data), _valid_idf)


def warm_up() -> None:
    """Load the prefix dictionary and the IDF table now (both are otherwise loaded on first use)."""
    _tokenizer()
    idf_table()
