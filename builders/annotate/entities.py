"""Named entities from the curated gazetteer (``schema/entities.yaml``), found on word boundaries.

Every name and alias of an entity is a *form*. Matching runs on the document's Simplified text
(``text_zh_hans``) with each form turned Simplified by the pipeline's own converter, so one form
list serves texts in either script (輝達 → 辉达, 黃仁勛 → 黄仁勋):

* a form with Han characters matches where it starts and ends on a jieba token boundary of the
  text (the project's tokenizer with its user dictionary, which here also knows every form as a
  word): 英伟达 is found, a form inside a longer word (海光 in 上海光源, 英 in 英国) is not. A
  token made entirely of forms (华为昇腾) counts its parts;
* a form of ASCII letters, digits and joiners matches case-sensitively on ASCII word
  boundaries: H100 is not found inside H1000 or H100X.

Overlapping matches keep the longest (昇腾910B is the chip, not also the family). The surface
form reported is the text as written in the original script (the conversion preserves length;
when it does not, the Simplified form is reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from builders.annotate.tokenize import segment_knowing
from builders.config import default_paths
from builders.record import BuildError, EntityMention

ENTITY_TYPES = ("company", "chip", "person", "model")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .+&-]*$")
NAME_FIELDS = ("zh_hans", "zh_hant", "zh_hant_hk", "en")
# A run of the characters jieba keeps together before segmenting (jieba.re_han_default).
_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%-]+")
# jieba frequency of the forms the tokenizer does not know as well: the order of the user
# dictionary's product names (builders/annotate/userdict.txt).
WORD_FREQ = 1000
# Runs (text between punctuation) segmented per matcher, remembered: bounded like the project's
# own segmentation cache (builders/annotate/tokenize.py).
BLOCK_CACHE_SIZE = 20_000
BLOCK_CACHE_MAX_CHARS = 300


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    en: str
    zh_hans: str
    zh_hant: str
    zh_hant_hk: str | None = None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every form as written in the gazetteer, names first, without repeats."""
        forms = [self.zh_hans, self.zh_hant, self.zh_hant_hk, self.en, *self.aliases]
        return tuple(dict.fromkeys(f for f in forms if f))


@dataclass(frozen=True)
class Gazetteer:
    path: Path
    version: str
    created: str
    entities: tuple[Entity, ...]

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


def _entry(path: Path, n: int, raw: Any) -> Entity:
    where = f"{path}: entity #{n + 1}"
    if not isinstance(raw, dict):
        raise BuildError(f"{where} is not a mapping")
    unknown = set(raw) - {"id", "type", "aliases", *NAME_FIELDS}
    if unknown:
        raise BuildError(f"{where} has unknown fields {sorted(unknown)}")
    ident = str(raw.get("id", ""))
    if not _ID.match(ident):
        raise BuildError(f"{where}: id {ident!r} must be lower-case ASCII letters, digits and '-'")
    if raw.get("type") not in ENTITY_TYPES:
        raise BuildError(f"{path}: entity {ident!r}: type {raw.get('type')!r} is not one of {ENTITY_TYPES}")
    for name in ("en", "zh_hans", "zh_hant"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise BuildError(f"{path}: entity {ident!r} has no {name}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise BuildError(f"{path}: entity {ident!r}: aliases must be a list of non-empty strings")
    hk = raw.get("zh_hant_hk")
    return Entity(
        id=ident,
        type=str(raw["type"]),
        en=raw["en"].strip(),
        zh_hans=raw["zh_hans"].strip(),
        zh_hant=raw["zh_hant"].strip(),
        zh_hant_hk=str(hk).strip() if hk else None,
        aliases=tuple(a.strip() for a in aliases),
    )


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Parse and check the gazetteer; problems raise a BuildError naming the file and the reason."""
    path = path or default_paths().schema / "entities.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the gazetteer ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise BuildError(f"{path}: no `entities` list")
    entities = tuple(_entry(path, n, raw) for n, raw in enumerate(data["entities"]))
    seen: dict[str, str] = {}
    for e in entities:
        if e.id in seen:
            raise BuildError(f"{path}: duplicate entity id {e.id!r}")
        seen[e.id] = e.id
    # A form naming two entities would make a tag a guess.
    owner: dict[str, str] = {}
    for e in entities:
        for form in e.names():
            if owner.setdefault(form, e.id) != e.id:
                raise BuildError(f"{path}: form {form!r} belongs to both {owner[form]!r} and {e.id!r}")
    return Gazetteer(path, str(data.get("version", "")), str(data.get("created", "")), entities)


@cache
def default_gazetteer() -> Gazetteer:
    return load_gazetteer()


def is_latin(form: str) -> bool:
    return bool(_LATIN_FORM.match(form))


def has_han(form: str) -> bool:
    return bool(_HAN.search(form))


def jieba_words(gazetteer: Gazetteer, to_hans: Callable[[str], str]) -> list[str]:
    """The Simplified forms with Han characters: words the tokenizer must keep whole."""
    words = {to_hans(f) for e in gazetteer.entities for f in e.names() if has_han(f)}
    return sorted(w for w in words if len(w) >= 2)


class EntityMatcher:
    """Finds the gazetteer's entities in a Simplified text segmented by the project's tokenizer."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        to_hans: Callable[[str], str],
        offsets: Callable[[str, str], list[int] | None] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.to_hans = to_hans
        # (original, Simplified text) -> source position of every Simplified position, or None
        self.offsets = offsets
        self.types = {e.id: e.type for e in gazetteer.entities}
        self.han: dict[str, str] = {}  # Simplified form -> entity id
        latin: dict[str, str] = {}
        for e in gazetteer.entities:
            for form in e.names():
                if is_latin(form):
                    latin[form] = e.id
                elif has_han(form):
                    hans = to_hans(form)
                    if self.han.setdefault(hans, e.id) != e.id:
                        raise BuildError(
                            f"{gazetteer.path}: {form!r} is written {hans!r} in Simplified, a form of "
                            f"{self.han[hans]!r} too"
                        )
        self.latin = latin
        self.max_han = max((len(f) for f in self.han), default=0)
        self.words = tuple(sorted(f for f in self.han if len(f) >= 2))
        self._remembered = lru_cache(maxsize=BLOCK_CACHE_SIZE)(self._boundaries)
        han_alternation = "|".join(re.escape(f) for f in sorted(self.han, key=lambda f: (-len(f), f)))
        self._han_re = re.compile(han_alternation) if self.han else None
        alternation = "|".join(re.escape(f) for f in sorted(latin, key=lambda f: (-len(f), f)))
        self._latin_re = re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])") if latin else None

    def _split_compound(self, token: str) -> list[int] | None:
        """Cut points inside a token made entirely of two or more Han forms (华为昇腾), else None."""
        n = len(token)
        best: list[list[int] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            prefix = best[i]
            if prefix is None:
                continue
            for j in range(n, i, -1):  # longest piece first: a deterministic cut
                if best[j] is None and token[i:j] in self.han:
                    best[j] = [*prefix, j]
        cuts = best[n]
        return cuts[:-1] if cuts and len(cuts) >= 2 else None

    def boundaries(self, block: str) -> list[int]:
        """Sorted word boundaries of a run of Han / Latin characters (see :meth:`_boundaries`);
        remembered for short runs: clauses repeat across reposts and near-duplicates."""
        if len(block) <= BLOCK_CACHE_MAX_CHARS:
            return self._remembered(block)
        return self._boundaries(block)

    def _boundaries(self, block: str) -> list[int]:
        """Sorted word boundaries of a run of Han / Latin characters: the edges of its jieba
        tokens (the project's tokenizer, knowing every form), plus cuts inside compound tokens."""
        edges: set[int] = {0}
        pos = 0
        for token in segment_knowing(block, self.words, WORD_FREQ):
            start = block.index(token, pos)
            pos = start + len(token)
            edges.update((start, pos))
            cuts = self._split_compound(token) if len(token) > 2 else None
            if cuts:
                edges.update(start + c for c in cuts)
        return sorted(edges)

    def _han_spans(self, text_hans: str) -> Iterator[tuple[int, int, str]]:
        # jieba segments each run of Han / Latin characters on its own: only runs holding a
        # form are segmented here.
        for run in _RUN.finditer(text_hans):
            block = run.group()
            if self._han_re is None or not self._han_re.search(block):
                continue
            bounds = self.boundaries(block)
            for i, start in enumerate(bounds):
                for end in bounds[i + 1 :]:
                    if end - start > self.max_han:
                        break
                    ident = self.han.get(block[start:end])
                    if ident is not None:
                        yield run.start() + start, run.start() + end, ident

    def spans(self, text_hans: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, entity id) matches, longest first where they overlap."""
        found = list(self._han_spans(text_hans))
        if self._latin_re is not None:
            found += [(m.start(), m.end(), self.latin[m.group(0)]) for m in self._latin_re.finditer(text_hans)]
        kept: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        for start, end, ident in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
            if all(end <= a or start >= b for a, b in taken):
                kept.append((start, end, ident))
                taken.append((start, end))
        return sorted(kept)

    def find(self, text_hans: str, original: str | None = None) -> list[EntityMention]:
        """Entities of a document: id, type, the surface forms as written in ``original`` (the
        text in its own script that ``text_hans`` was converted from), and the number of matches.
        Most mentioned first, then by id."""
        spans = self.spans(text_hans)
        where = self._source_positions(original, text_hans) if spans and original is not None else None
        forms: dict[str, dict[str, None]] = {}
        counts: dict[str, int] = {}
        for start, end, ident in spans:
            form = text_hans[start:end]
            if where is not None and original is not None:
                written = original[where[start] : where[end]]
                # Reported only if it is what was converted into the matched form.
                form = written if self.to_hans(written) == form else form
            forms.setdefault(ident, {})[form] = None
            counts[ident] = counts.get(ident, 0) + 1
        order = sorted(counts, key=lambda i: (-counts[i], i))
        return [EntityMention(i, self.types[i], list(forms[i]), counts[i]) for i in order]


    def _source_positions(self, original: str, text_hans: str) -> list[int] | None:
        if original == text_hans:
            return list(range(len(text_hans) + 1))
        if self.offsets is not None:
            return self.offsets(original, text_hans)
        return list(range(len(text_hans) + 1)) if len(original) == len(text_hans) else None


@cache
def default_matcher() -> EntityMatcher:
    from builders.textscript.convert import get_converter

    conv = get_converter()
    return EntityMatcher(
        default_gazetteer(), conv.to_hans, lambda text, hans: conv.source_offsets(text, hans, "hans")
    )
