"""zh-Hans / zh-Hant conversion: OpenCC plus a small domain phrase table.

Works with either OpenCC binding: ``opencc-python-reimplemented`` (the default dependency, which
built the published data) or the native ``opencc`` package (15-30x faster). Both install the
``opencc`` module, so the binding is told apart by the distribution that owns that module.

Phrase tables (``phrases/*.tsv``) are applied *around* OpenCC: the text is scanned for table
keys (leftmost, longest match first); matched spans take the table's value, the text between them
goes through OpenCC. Two kinds of table:

* ``*_extra.tsv``   hand-written domain vocabulary (names OpenCC gets wrong), with a reason each;
* ``*_protect.tsv`` generated from OpenCC's own dictionaries (``--write-protections``): outputs
  of OpenCC that OpenCC itself would change on a second pass (萬里 → 萬裏, 干擾 → 幹擾, 毕昇 →
  毕升). Protecting them makes the converter idempotent on its own output.

The published invariant (docs/scripts.md): a zh-Hans field x satisfies ``to_hans(x) == x`` and
plain OpenCC ``t2s(x) == x`` everywhere except inside protected terms; likewise for zh-Hant with
the Traditional configuration. :func:`fixed_point_violations` checks exactly that.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Protocol

from builders.config import section

PHRASE_DIR = Path(__file__).resolve().parent / "phrases"
REIMPLEMENTED = "opencc-python-reimplemented"
NATIVE = "opencc"


class Converter(Protocol):
    def to_hans(self, text: str) -> str: ...

    def to_hant(self, text: str) -> str: ...

    def info(self) -> dict[str, str]: ...


# --------------------------------------------------------------------------- OpenCC bindings


@cache
def opencc_binding() -> tuple[str, str]:
    """(library, version) of the installed ``opencc`` module, by the distribution that owns it."""
    try:  # the usual case, without scanning every installed distribution (~0.3 s)
        dist = importlib.metadata.distribution(REIMPLEMENTED)
        if "opencc" in (dist.read_text("top_level.txt") or "").split():
            return REIMPLEMENTED, dist.version
    except importlib.metadata.PackageNotFoundError:
        pass
    owners = importlib.metadata.packages_distributions().get("opencc", [])
    for owner in owners:
        if owner.lower() == REIMPLEMENTED:
            return REIMPLEMENTED, importlib.metadata.version(owner)
    for owner in owners:
        if owner.lower() == NATIVE:
            return NATIVE, importlib.metadata.version(owner)
    # No metadata (e.g. a vendored copy): tell them apart by the API; the native binding keeps its
    # C++ library in ``opencc.clib``.
    import opencc

    lib = NATIVE if hasattr(opencc, "clib") else REIMPLEMENTED
    return lib, str(getattr(opencc, "__version__", "unknown"))


# Separator-delimited segments kept per configuration (clauses repeat between a page's text and
# its paragraphs, and across a site's pages), and whole texts kept per converter direction.
# Longer texts and segments (whole documents) rarely come back and would make the caches big.
SEGMENT_CACHE = 1 << 15
TEXT_CACHE = 1 << 12
CACHE_MAX_CHARS = 2000

Chain = list[list[tuple[int, int, dict[str, str]]]]


class _Table:
    """One dictionary of a chain, indexed for :class:`ChainConverter` (cheap to build: the
    large phrase tables have ~50,000 keys and every process builds its own)."""

    def __init__(self, max_len: int, min_len: int, table: dict[str, str]) -> None:
        self.max_len, self.min_len = max_len, min_len
        self.table = table
        longest: dict[str, int] = {}
        for key in table:
            if len(key) > 1 and longest.get(key[:2], 0) < len(key):
                longest[key[:2]] = len(key)
        # Per first two characters, the longest multi-character key starting with them.
        self.longest = longest
        self.singles = {ord(k): _first(v) for k, v in table.items() if len(k) == 1} if max_len == 1 else {}

    def value(self, key: str) -> str | None:
        value = self.table.get(key)
        return None if value is None else _first(value)


def _first(value: str) -> str:
    """The binding takes the first of several space-separated candidates."""
    return value.split(" ", 1)[0] if " " in value else value


class ChainConverter:
    """What opencc-python-reimplemented's ``OpenCC._convert`` makes of one separator-free
    segment, computed directly (same output; tested against the binding, tests/test_convert*).

    The binding applies each stage of the chain to the whole segment; in a stage (a group of
    dictionaries) it repeatedly takes the longest key found anywhere in a still unmatched piece
    (the leftmost among equally long ones), splits the piece around it, and gives the pieces no
    dictionary matched to the next dictionary of the group. That is a greedy choice among all key
    occurrences, by (dictionary, longer first, leftmost first), of those that overlap no occurrence
    already chosen — found here with one dictionary lookup per position instead of one per
    position and key length, and with ``str.translate`` for a last dictionary of single
    characters (which then takes every still unmatched character it has)."""

    def __init__(self, chain: Chain) -> None:
        self.stages = [[_Table(max_len, min_len, table) for max_len, min_len, table in group] for group in chain]

    def __call__(self, segment: str) -> str:
        for stage in self.stages:
            segment = self._stage(segment, stage)
        return segment

    @staticmethod
    def _stage(text: str, tables: list[_Table], allowed: Callable[[int, int], bool] | None = None) -> str:
        n = len(text)
        taken = bytearray(n)
        chosen: list[tuple[int, int, str]] = []  # (start, length, value)
        for number, table in enumerate(tables):
            if table.max_len == 1 and number == len(tables) - 1:
                return ChainConverter._assemble(text, chosen, table.singles)
            found: list[tuple[int, int, str]] = []  # (-length, start, value): greedy order
            if table.longest:
                for i in range(n - 1):
                    longest = table.longest.get(text[i:i + 2])
                    if longest:
                        for length in range(min(longest, n - i), 1, -1):
                            value = table.value(text[i:i + length])
                            if value is not None and (allowed is None or allowed(i, length)):
                                found.append((-length, i, value))
            if table.max_len == 1:
                found.extend((-1, i, table.singles[ord(c)]) for i, c in enumerate(text) if ord(c) in table.singles)
            elif table.min_len == 1:
                found.extend((-1, i, v) for i, c in enumerate(text) if (v := table.value(c)) is not None)
            found.sort(key=lambda f: (f[0], f[1]))
            for neg, i, value in found:
                if taken.find(1, i, i - neg) < 0:
                    taken[i:i - neg] = b"\x01" * -neg
                    chosen.append((i, -neg, value))
        return ChainConverter._assemble(text, chosen, None)

    @staticmethod
    def _assemble(text: str, chosen: list[tuple[int, int, str]], gaps: dict[int, str] | None) -> str:
        """The chosen values in place of their keys; the text between them translated by
        ``gaps`` (a single-character table) or kept."""
        out: list[str] = []
        last = 0
        for i, length, value in sorted(chosen):
            gap = text[last:i]
            out.append(gap.translate(gaps) if gaps and gap else gap)
            out.append(value)
            last = i + length
        tail = text[last:]
        out.append(tail.translate(gaps) if gaps and tail else tail)
        return "".join(out)


class SegmentedOpenCC:
    """``OpenCC(config).convert`` of opencc-python-reimplemented, same output, less work.

    That binding splits the text at separators (punctuation, spaces) and converts every segment
    on its own. Here each distinct segment is converted once (LRU), and a segment containing no
    first character of any dictionary key is returned as it is: no key can match in it, in any
    stage of the conversion chain (a later stage sees the unchanged text)."""

    def __init__(self, config: str) -> None:
        import opencc

        self.config = config
        cc = opencc.OpenCC(config)
        self.chain: Chain = cc._dict_chain_data
        self._split = cc.split_chars_re.split
        self.key_starts = frozenset(k[0] for group in self.chain for _, _, table in group for k in table)
        self._converted = lru_cache(maxsize=SEGMENT_CACHE)(ChainConverter(self.chain))

    def __reduce__(self) -> tuple[Callable[[str], Callable[[str], str]], tuple[str]]:
        # Pickled by name (not by cache): the receiving process uses its own instance.
        return plain, (self.config,)

    def segment(self, segment: str) -> str:
        """One separator-free segment, converted."""
        if self.key_starts.isdisjoint(segment):
            return segment
        if len(segment) > CACHE_MAX_CHARS:
            return self._converted.__wrapped__(segment)
        return self._converted(segment)

    def split(self, text: str) -> list[str]:
        """Segments at even positions, the separators between them at odd positions."""
        return self._split(text)

    def __call__(self, text: str) -> str:
        parts = self._split(text)
        if len(parts) == 1:
            return self.segment(text)
        parts[::2] = [self.segment(p) for p in parts[::2]]
        return "".join(parts)


class WordChainConverter(ChainConverter):
    """:class:`ChainConverter` that applies a phrase (a key of two or more characters) only where
    it is a word of the segmented text: its span starts and ends at word boundaries, or lies
    inside one word. OpenCC's longest match over characters alone reads 在华发展 as 在 / 华发 /
    展 (華髮展) and 摆明了 as 摆 / 明了 (擺明瞭); jieba's words are 在 / 华 / 发展 and 摆明 / 了.

    ``words(segment)`` gives the segment's word spans; where it gives no segmentation (None) the
    plain greedy choice applies, so the output is OpenCC's wherever no phrase crosses a word."""

    def __init__(self, chain: Chain, words: Callable[[str], list[int] | None]) -> None:
        super().__init__(chain)
        self.words = words

    def __call__(self, segment: str) -> str:
        ends = self.words(segment)
        if ends is None:
            return super().__call__(segment)
        word_of = [0] * len(segment)
        start = 0
        boundaries = {0}
        for number, end in enumerate(ends):
            word_of[start:end] = [number] * (end - start)
            boundaries.add(end)
            start = end

        def allowed(i: int, length: int) -> bool:
            end = i + length
            return (i in boundaries and end in boundaries) or word_of[i] == word_of[end - 1]

        for stage in self.stages:
            converted = self._stage(segment, stage, allowed)
            if len(converted) != len(segment):  # lengths changed: positions no longer line up
                allowed = None  # type: ignore[assignment]
            segment = converted
        return segment


@cache
def plain(config: str) -> Callable[[str], str]:
    """Stock OpenCC conversion ``config`` (e.g. "t2s", "s2tw") of the installed binding."""
    import opencc

    name = config.removesuffix(".json")
    if opencc_binding()[0] == REIMPLEMENTED:
        return SegmentedOpenCC(name)
    # The native binding takes the config file name (and is fast enough uncached).
    return opencc.OpenCC(f"{name}.json").convert


class WordSegmentedOpenCC(SegmentedOpenCC):
    """:class:`SegmentedOpenCC` whose phrases apply only to words of the segmented text
    (:class:`WordChainConverter`). Input is segmented in its character-by-character Simplified
    form (jieba's dictionary is Simplified), which has the same length."""

    def __init__(self, config: str) -> None:
        super().__init__(config)
        from builders.textscript.words import word_ends

        to_simplified = {ord(k): v for k, v in single_char_changes("t2s").items() if len(v) == 1}

        def words(segment: str) -> list[int] | None:
            # Segmented in its character-by-character Simplified form whatever the source: a
            # Traditional segment given to s2tw (a zh-Hant field checked for a fixed point) must
            # get the words its Simplified form has (擺明 / 了, not 擺 / 明了).
            ends = word_ends(segment.translate(to_simplified))
            return list(ends) if ends is not None else None

        chain = WordChainConverter(self.chain, words)
        simplified_target = config.startswith(("t2s", "tw2s", "hk2s"))

        def convert(segment: str) -> str:
            converted = chain(segment)
            return particle_zhe(converted) if simplified_target and "著" in converted else converted

        self._converted = lru_cache(maxsize=SEGMENT_CACHE)(convert)

    def __reduce__(self) -> tuple[Callable[[str], Callable[[str], str]], tuple[str]]:
        return by_words, (self.config,)


# 著 stays 著 where it means "notable / to write" (著名, 著作, 著有, 著称); before these it is no
# particle even when jieba gives it a word of its own.
_ZHE_KEEP_BEFORE = frozenset("名作称述书录有")


def particle_zhe(text: str) -> str:
    """Simplified text with the aspect particle written 着 (Taiwan and OpenCC t2s write 著): a
    word containing 著 takes 着 where jieba's dictionary knows the 着 form as more frequent
    (穿著 -> 穿着, 随著 -> 随着; 显著, 土著, 著名 stay), and a 著 standing alone after a Han
    character does too (捂 / 著 -> 捂着), unless a 著名 / 著作 / 著有 ... reading follows."""
    from builders.textscript.words import frequency, word_ends

    ends = word_ends(text)
    if ends is None:
        return text
    out: list[str] = []
    start = 0
    for end in ends:
        word = text[start:end]
        if "著" in word:
            if word == "著":
                before, after = text[start - 1 : start], text[end : end + 1]
                if before and _HAN_CHAR.match(before) and after not in _ZHE_KEEP_BEFORE:
                    word = "着"
            elif frequency(word.replace("著", "着")) > frequency(word):
                word = word.replace("著", "着")
        out.append(word)
        start = end
    return "".join(out)


_HAN_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@cache
def by_words(config: str) -> Callable[[str], str]:
    """OpenCC ``config`` with phrases applied by words (:class:`WordSegmentedOpenCC`); with the
    native binding, its own conversion."""
    if opencc_binding()[0] == REIMPLEMENTED:
        return WordSegmentedOpenCC(config.removesuffix(".json"))
    return plain(config)


def reimplemented_chain(config: str) -> Chain | None:
    """The dictionaries ``plain(config)`` applies, as loaded by opencc-python-reimplemented:
    stages of groups of (longest key, shortest key, table). None for the native binding."""
    convert = plain(config)
    return convert.chain if isinstance(convert, SegmentedOpenCC) else None


# Han characters (CJK Unified Ideographs A-H, compatibility): where the native binding is
# asked about single characters (its dictionaries are not plain text).
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF),
               (0x2A700, 0x2EE5F), (0x30000, 0x323AF))  # fmt: skip


@cache
def single_char_changes(config: str) -> dict[str, str]:
    """{character: what ``plain(config)`` makes of it alone} for every character it changes.

    Built once from the converter itself: with the reimplemented binding only characters that
    are keys of its dictionaries can change (one character matches only one-character keys),
    so those are asked; the native binding is asked about every Han character."""
    convert = plain(config)
    chain = reimplemented_chain(config)
    if chain is not None:
        candidates: set[str] = {k for group in chain for _, _, table in group for k in table if len(k) == 1}
    else:
        candidates = {chr(o) for lo, hi in _HAN_RANGES for o in range(lo, hi + 1)}
    changes = {c: convert(c) for c in sorted(candidates)}
    return {c: v for c, v in changes.items() if v != c}


# --------------------------------------------------------------------------- phrase tables


@dataclass(frozen=True)
class Entry:
    target: str
    not_before: str = ""  # the entry does not apply when the next character is one of these
    # The entry applies only at the start of a word: not where the previous character and the
    # key's first one form a dictionary word (对于总裁: 于 belongs to 对于, it is no surname).
    word_start: bool = False


def read_table(path: Path) -> dict[str, Entry]:
    """``source<TAB>target[<TAB>not_before]`` per line; ``#`` starts a comment line."""
    entries: dict[str, Entry] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(f"{path}:{number}: expected source<TAB>target[<TAB>not_before]")
        if len(parts) == 3 and any(c.isspace() for c in parts[2]):
            # A paragraph break must stay a boundary no entry can see across (apply_scripts
            # converts paragraphs one by one and joins them).
            raise ValueError(f"{path}:{number}: not_before must not contain whitespace")
        if parts[0] in entries:
            raise ValueError(f"{path}:{number}: duplicate source {parts[0]!r}")
        entries[parts[0]] = Entry(parts[1], parts[2] if len(parts) == 3 else "")
    return entries


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching the longest of ``words`` at a position (a trie, so it stays fast)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + walk(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # An end of word here: the longer continuation is optional (greedy = longest first).
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


class PhraseTable:
    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries
        self.pattern = re.compile(_trie_pattern(entries)) if entries else None

    def apply(self, text: str, convert: Callable[[str], str]) -> str:
        """Table values for table keys, ``convert`` for the text between them."""
        if self.pattern is None:
            return convert(text)
        out: list[str] = []
        start = 0
        pos = 0
        while True:
            match = self.pattern.search(text, pos)
            if match is None:
                break
            key = match.group()
            entry = self._entry_at(text, match.start(), key)
            if entry is None:
                pos = match.start() + 1
                continue
            key, target = entry
            if match.start() > start:
                out.append(convert(text[start : match.start()]))
            out.append(target)
            start = pos = match.start() + len(key)
        if start < len(text):
            out.append(convert(text[start:]))
        return "".join(out)

    def _entry_at(self, text: str, at: int, key: str) -> tuple[str, str] | None:
        # The longest key whose right-context guard allows it; shorter prefixes are tried next.
        for end in range(len(key), 0, -1):
            entry = self.entries.get(key[:end])
            if entry is None:
                continue
            following = text[at + end : at + end + 1]
            if following and following in entry.not_before:
                continue
            if entry.word_start and at > 0 and _is_word(text[at - 1] + key[0]):
                continue
            return key[:end], entry.target
        return None

    def covered(self, text: str) -> list[bool]:
        """Which positions of ``text`` lie inside an occurrence of a table *value*."""
        mask = [False] * len(text)
        targets = {e.target for e in self.entries.values()}
        if not targets:
            return mask
        pattern = re.compile(_trie_pattern(targets))
        # Overlapping occurrences: try every start position.
        for at in range(len(text)):
            match = pattern.match(text, at)
            if match:
                for i in range(at, match.end()):
                    mask[i] = True
        return mask


def _is_word(text: str) -> bool:
    """A word of jieba's dictionary, in either script (looked up in its Simplified form)."""
    from builders.textscript.words import frequency

    return frequency(text) > 0 or frequency(plain("t2s")(text)) > 0


def surname_entries(path: Path, to_hant: Callable[[str], str]) -> dict[str, Entry]:
    """Table entries surname + title -> Traditional surname + title, from ``s2t_surnames.tsv``
    (both the Simplified key and the Traditional form itself, so that to_hant stays idempotent)."""
    surnames: dict[str, str] = {}
    titles: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{path}:{number}: expected surname<TAB>Traditional or @title<TAB>titles")
        if parts[0] == "@title":
            titles.extend(parts[1].split())
        else:
            surnames[parts[0]] = parts[1]
    entries: dict[str, Entry] = {}
    for surname, traditional in surnames.items():
        for title in titles:
            target = traditional + to_hant(title)
            entries.setdefault(surname + title, Entry(target, word_start=True))
            entries.setdefault(target, Entry(target, word_start=True))
    return entries


# --------------------------------------------------------------------------- the converter


def _load_tables(paths: list[Path]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for path in paths:
        if path.exists():
            for key, entry in read_table(path).items():
                merged.setdefault(key, entry)  # hand-written entries (read first) win
    return merged


class OpenCCConverter:
    """OpenCC ``to_hans`` / ``to_hant`` configurations with the domain phrase tables around them."""

    def __init__(self, to_hans: str, to_hant: str, phrase_dir: Path = PHRASE_DIR) -> None:
        self.configs = {"hans": to_hans, "hant": to_hant}
        self._files = {
            "hans": [phrase_dir / "t2s_extra.tsv", phrase_dir / f"{to_hans}_protect.tsv"],
            "hant": [phrase_dir / "s2t_extra.tsv", phrase_dir / f"{to_hant}_protect.tsv"],
        }
        surnames = phrase_dir / "s2t_surnames.tsv"
        if surnames.exists():
            self._files["hant"].append(surnames)
        tables = {d: _load_tables([f for f in files if f != surnames]) for d, files in self._files.items()}
        if surnames.exists():
            for key, entry in surname_entries(surnames, plain(to_hant)).items():
                tables["hant"].setdefault(key, entry)
        self.tables = {d: PhraseTable(entries) for d, entries in tables.items()}
        self._plain = {d: plain(c) for d, c in self.configs.items()}
        self._words = {d: by_words(c) for d, c in self.configs.items()}
        self._sha256: str | None = None
        self._init_cache()

    def _init_cache(self) -> None:
        # Titles, boilerplate and repeated paragraphs come back: each distinct text once.
        self._cached = {
            d: lru_cache(maxsize=TEXT_CACHE)(partial(self.tables[d].apply, convert=self._words[d]))
            for d in self.configs
        }

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_cached"}  # no cached texts

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._init_cache()

    def to_hans(self, text: str) -> str:
        return self.convert(text, "hans")

    def to_hant(self, text: str) -> str:
        return self.convert(text, "hant")

    def convert(self, text: str, target: str) -> str:
        direction = "hans" if target == "hans" else "hant"
        if len(text) > CACHE_MAX_CHARS:
            return self.tables[direction].apply(text, self._words[direction])
        return self._cached[direction](text)

    def source_offsets(self, text: str, converted: str, target: str) -> list[int] | None:
        """Where each position of ``converted`` (this converter's ``target`` output for ``text``)
        came from in ``text``, plus its end: plain OpenCC changes characters one for one, only
        phrase-table entries of another length (輝達 → 英伟达) shift positions. None when the two
        texts do not line up (not this converter's output)."""
        table = self.tables["hans" if target == "hans" else "hant"]
        out: list[int] = []
        i = j = 0
        while i < len(text) and j < len(converted):
            match = table.pattern.match(text, i) if table.pattern is not None else None
            entry = table._entry_at(text, i, match.group()) if match else None
            if entry and len(entry[0]) != len(entry[1]) and converted.startswith(entry[1], j):
                out += [i] * len(entry[1])
                i, j = i + len(entry[0]), j + len(entry[1])
                continue
            out.append(i)
            i, j = i + 1, j + 1
        if i != len(text) or j != len(converted):
            return None
        out.append(i)
        return out

    def phrase_table_sha256(self) -> str:
        """sha256 over the phrase table files in use (name and bytes, in a fixed order); computed
        once per converter, since every document records it."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            for path in sorted({p for files in self._files.values() for p in files if p.exists()}):
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
            self._sha256 = digest.hexdigest()
        return self._sha256

    def info(self) -> dict[str, str]:
        library, version = opencc_binding()
        return {
            "library": library,
            "library_version": version,
            "to_hans": self.configs["hans"],
            "to_hant": self.configs["hant"],
            "phrase_table": self.phrase_table_sha256(),
        }

    def fixed_point_violations(self, text: str, target: str) -> list[tuple[int, str, str]]:
        """Positions where OpenCC (the chosen configuration, its phrases applied by words) would
        still change ``text``, outside protected terms: (index, character, what OpenCC makes of
        it). Empty for every zh-Hans (target "hans") or zh-Hant ("hant") field this converter
        wrote. (Stock OpenCC over characters alone would also change a phrase that straddles two
        words: 擺明了 -> 擺明瞭; tests/test_conversion_traps.py lists where the two differ.)"""
        converted = self._words[target](text)
        if len(converted) != len(text):  # not length-preserving (some native tables): compare whole
            return [] if converted == text or self.convert(text, target) == text else [(0, text, converted)]
        mask = self.tables[target].covered(text)
        pairs = enumerate(zip(text, converted, strict=True))
        return [(i, a, b) for i, (a, b) in pairs if a != b and not mask[i]]


@cache
def get_converter() -> OpenCCConverter:
    cfg = section("script")
    return OpenCCConverter(str(cfg["to_hans"]), str(cfg["to_hant"]))


# --------------------------------------------------------------------------- protections


def _opencc_dictionary(name: str) -> list[tuple[str, str]]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / f"{name}.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key, values = line.split("\t")
        rows.append((key, values.split(" ")[0]))
    return rows


def protections(config: str, dictionaries: list[str], opposite: str) -> dict[str, str]:
    """Outputs of ``config`` that ``config`` would change again (OpenCC's phrase keys are in the
    source script, so a second pass no longer sees the phrase: 干扰 → 干擾 → 幹擾). Outputs that
    are also valid in the source script (``opposite`` leaves them alone, e.g. 肥皂剧) are left
    out: protecting them would stop real source text from being converted."""
    convert, back = plain(config), plain(opposite)
    found: dict[str, str] = {}
    for name in dictionaries:
        for key, _ in _opencc_dictionary(name):
            once = convert(key)
            if convert(once) != once and back(once) != once:
                found[once] = once
    return dict(sorted(found.items()))


# config -> (dictionaries whose keys are tried, the opposite configuration)
PROTECTION_SOURCES = {
    "s2tw": (["STPhrases", "STCharacters"], "t2s"),
    "s2t": (["STPhrases", "STCharacters"], "t2s"),
    "t2s": (["TSPhrases", "TSCharacters"], "s2tw"),
}


def write_protections(config: str, phrase_dir: Path = PHRASE_DIR) -> Path:
    """Generate ``<config>_protect.tsv`` from the reimplemented binding's dictionary files."""
    if opencc_binding()[0] != REIMPLEMENTED:
        raise RuntimeError("protections are generated from opencc-python-reimplemented's dictionaries")
    library, version = opencc_binding()
    dictionaries, opposite = PROTECTION_SOURCES[config]
    found = protections(config, dictionaries, opposite)
    path = phrase_dir / f"{config}_protect.tsv"
    header = [
        f"# Generated by `python -m builders.textscript.convert --write-protections` ({library} {version}).",
        f"# Outputs of OpenCC {config} that {config} would change on a second pass: kept as they are.",
    ]
    rows = [f"{k}\t{v}" for k, v in found.items()]
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if "--write-protections" in sys.argv:
        cfg = section("script")
        for name in (str(cfg["to_hans"]), str(cfg["to_hant"])):
            print(write_protections(name))
    else:
        print(get_converter().info())
