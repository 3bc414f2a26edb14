"""jieba segmentation with the domain user dictionary, deterministic and without disk caches.

jieba's stock dictionary splits domain names (英伟达 -> 英 / 伟达, 昇腾), so a user dictionary
(``userdict.txt``, Simplified script) is loaded. The prefix dictionary is built in memory by a
private ``jieba.Tokenizer`` instead of ``jieba.initialize()``: that avoids the global tokenizer
(which other code, e.g. MkDocs search, may configure), and jieba's cache file in /tmp.
``enable_paddle`` is never called (it pip-installs a package at run time).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from functools import cache
from pathlib import Path

import jieba

from builders.config import section

USER_DICT = Path(__file__).resolve().parent / "userdict.txt"

# Latin letters, digits and a few joiners form one token; everything else is judged per character.
_WORDISH = re.compile(r"\w", re.UNICODE)

STOPWORDS_FILE = Path(__file__).resolve().parent / "stopwords.txt"
STOPWORDS = frozenset(
    word
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)


@cache
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    # Build the prefix dictionary in memory (what Tokenizer.initialize does, minus the cache).
    logging.getLogger("jieba").setLevel(logging.WARNING)
    with tok.get_dict_file() as fh:
        tok.FREQ, tok.total = tok.gen_pfdict(fh)
    tok.initialized = True
    tok.load_userdict(str(USER_DICT))
    return tok


def segment(text: str) -> list[str]:
    """All jieba tokens of ``text`` (whitespace dropped), deterministic."""
    hmm = bool(section("annotate")["jieba"]["hmm"])
    return [t for t in _tokenizer().lcut(text, HMM=hmm) if t.strip()]


def is_punct(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def content_words(text: str, min_chars: int = 1) -> list[str]:
    """Tokens that carry meaning: no punctuation, stopwords, pure numbers; Latin lower-cased."""
    out = []
    for token in segment(text):
        word = token.lower() if token.isascii() else token
        if is_punct(word) or word in STOPWORDS or len(word) < min_chars:
            continue
        if re.fullmatch(r"[\d.,%]+", word):
            continue
        out.append(word)
    return out


def rouge_chars(text: str) -> list[str]:
    """Character-level units: each Han (or other non-Latin) character is a unit, a run of Latin
    letters/digits is one unit ("A100", "GPU"), punctuation and whitespace are dropped."""
    units: list[str] = []
    for m in re.finditer(r"[A-Za-z0-9]+|\S", text):
        unit = m.group(0)
        if not is_punct(unit) and _WORDISH.match(unit):
            units.append(unit.lower())
    return units


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's bundled IDF table (analyse/idf.txt) and its median, used by the keyword extractor."""
    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 2:
                table[parts[0]] = float(parts[1])
    values = sorted(table.values())
    median = values[len(values) // 2] if values else math.log(2)
    return table, median
