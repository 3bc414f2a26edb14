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
from functools import cache
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


@cache
def plain(config: str) -> Callable[[str], str]:
    """Stock OpenCC conversion ``config`` (e.g. "t2s", "s2tw") of the installed binding."""
    import opencc

    name = config.removesuffix(".json")
    # The native binding takes the config file name, the reimplemented one the bare name.
    native = opencc_binding()[0] == NATIVE
    return opencc.OpenCC(f"{name}.json" if native else name).convert


# --------------------------------------------------------------------------- phrase tables


@dataclass(frozen=True)
class Entry:
    target: str
    not_before: str = ""  # the entry does not apply when the next character is one of these


def read_table(path: Path) -> dict[str, Entry]:
    """``source<TAB>target[<TAB>not_before]`` per line; ``#`` starts a comment line."""
    entries: dict[str, Entry] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(f"{path}:{number}: expected source<TAB>target[<TAB>not_before]")
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
        self.tables = {d: PhraseTable(_load_tables(files)) for d, files in self._files.items()}
        self._plain = {d: plain(c) for d, c in self.configs.items()}

    def to_hans(self, text: str) -> str:
        return self.tables["hans"].apply(text, self._plain["hans"])

    def to_hant(self, text: str) -> str:
        return self.tables["hant"].apply(text, self._plain["hant"])

    def convert(self, text: str, target: str) -> str:
        return self.to_hans(text) if target == "hans" else self.to_hant(text)

    def phrase_table_sha256(self) -> str:
        """sha256 over the phrase table files in use (name and bytes, in a fixed order)."""
        digest = hashlib.sha256()
        for path in sorted({p for files in self._files.values() for p in files if p.exists()}):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

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
        """Positions where plain OpenCC (the chosen configuration) would still change ``text``,
        outside protected terms: (index, character, what OpenCC makes of it). Empty for every
        zh-Hans (target "hans") or zh-Hant ("hant") field this converter wrote."""
        converted = self._plain[target](text)
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
        f"# Generated by `python -m builders.enrich.convert --write-protections` ({library} {version}).",
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
