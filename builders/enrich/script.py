"""Script identification (Hans / Hant / mixed) and the zh-Hans / zh-Hant forms of a document.

Evidence: of the Han characters of a text, the share that plain OpenCC t2s would change
(characters that exist only in Traditional script) and the share that s2t would change (only in
Simplified script). Text in one script scores high on one share and near zero on the other; the
decision rule and its thresholds are in ``builders/config.yaml`` (section ``script``).

A character that is valid in the *other* script too is never evidence, even when OpenCC changes
it in context: s2t turns 了 in 明了 into 瞭 and 周 in 周期 into 週, but 了 and 周 are ordinary
Traditional characters. The characters valid in each script are the values of OpenCC's character
tables, kept in ``phrases/shared_characters.tsv`` (generated, so that either binding gives the
same evidence).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from builders.config import section
from builders.record import PARAGRAPH_BREAK, SCRIPTS, Document
from builders.textscript.convert import (
    PHRASE_DIR,
    Converter,
    SegmentedOpenCC,
    get_converter,
    opencc_binding,
    plain,
    reimplemented_chain,
)

# CJK Unified Ideographs with extensions A-H and the compatibility block: what "Han" means here.
HAN = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U0002ebf0-\U0002ee5f\U00030000-\U000323af]"
)
# The evidence always uses these two stock configurations, whatever the output configurations
# are, so that evidence figures stay comparable across builds.
EVIDENCE_CONFIGS = ("t2s", "s2t")
SHARED_FILE = PHRASE_DIR / "shared_characters.tsv"


@cache
def valid_characters() -> dict[str, frozenset[str]]:
    """{"Hant": characters valid in Traditional text, "Hans": ... in Simplified text}."""
    found: dict[str, frozenset[str]] = {}
    for line in SHARED_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, chars = line.split("\t")
            found[name] = frozenset(chars)
    if set(found) != {"Hans", "Hant"}:
        raise ValueError(f"{SHARED_FILE}: expected one Hans and one Hant line")
    return found


@cache
def _settings() -> tuple[float, int, str]:
    cfg = section("script")
    default = str(cfg["default"])
    if default not in SCRIPTS:
        raise ValueError(f"config script.default must be one of {SCRIPTS}, not {default!r}")
    return float(cfg["max_minority_ratio"]), int(cfg["min_evidence_chars"]), default


def _changed_han_converting(text: str, config: str) -> int:
    """:func:`_changed_han` by converting ``text`` (the definition)."""
    other = valid_characters()["Hans" if config == "t2s" else "Hant"]
    converted = plain(config)(text)
    if len(converted) == len(text):
        pairs = zip(text, converted, strict=True)
        return sum(1 for a, b in pairs if a != b and a not in other and HAN.match(a))
    # A binding whose tables change lengths: fall back to characters taken one by one.
    convert = plain(config)
    return sum(1 for ch in text if HAN.match(ch) and ch not in other and convert(ch) != ch)


@dataclass(frozen=True)
class EvidenceTable:
    """Which characters count as evidence under ``config``, read off OpenCC's own dictionaries.

    A counted character is Han, not valid in the target script, and changed by the conversion
    at its position. Conversion replaces dictionary matches (phrases first, then single
    characters) by values of the same length, so a position changes exactly when the match that
    covers it maps the character to another one. ``always``: characters every entry containing
    them changes (counted wherever they occur, no conversion needed); ``sometimes``: characters
    some entry keeps or only a phrase changes (their segments are converted to decide)."""

    always: frozenset[str]
    sometimes: frozenset[str]


@cache
def evidence_table(config: str) -> EvidenceTable | None:
    """The table for ``config``, or None when counting must convert: the native binding (other
    dictionaries and matching), or entries whose value has another length than their key."""
    chain = reimplemented_chain(config)
    if chain is None or any(
        len(key) != len(value.split(" ")[0]) for group in chain for _, _, table in group for key, value in table.items()
    ):
        return None
    if len(chain) != 1:
        # A later stage converts the output of an earlier one (a character changed and changed
        # back would look changed): only one-stage chains are read off the tables.
        return None
    other = valid_characters()["Hans" if config == "t2s" else "Hant"]
    changed: set[str] = set()
    kept: set[str] = set()
    single_keys: set[str] = set()
    for _, _, table in chain[0]:
        for key, value in table.items():
            if len(key) == 1:
                single_keys.add(key)
            # The binding takes the first of several candidates.
            for a, b in zip(key, value.split(" ")[0], strict=True):
                (kept if a == b else changed).add(a)
    evidence = {c for c in changed if c not in other and HAN.match(c)}
    # A one-character key covers every position of its character that no longer match took; a
    # character without one is left alone outside the phrases that contain it.
    always = frozenset(c for c in evidence if c not in kept and c in single_keys)
    return EvidenceTable(always=always, sometimes=frozenset(evidence - always))


def _changed_han(text: str, config: str) -> int:
    """Han characters of ``text`` that OpenCC ``config`` changes (in context) and that are not
    valid in the script ``config`` converts to."""
    table = evidence_table(config)
    if table is None:
        return _changed_han_converting(text, config)
    if table.sometimes.isdisjoint(text):
        return sum(1 for ch in text if ch in table.always)
    # Convert only the segments (between separators) that hold an undecided character: the
    # binding converts segments independently and keeps the separators as they are.
    convert = plain(config)
    assert isinstance(convert, SegmentedOpenCC)
    count = 0
    for segment in convert.split(text)[::2]:
        if table.sometimes.isdisjoint(segment):
            count += sum(1 for ch in segment if ch in table.always)
        else:
            converted = convert.segment(segment)
            count += sum(1 for a, b in zip(segment, converted, strict=True) if a != b and (a in table.always or a in table.sometimes))
    return count


def script_counts(text: str) -> tuple[int, int, int]:
    """(Han characters, Traditional-only characters, Simplified-only characters)."""
    han = len(HAN.findall(text))
    if han == 0:
        return 0, 0, 0
    return han, _changed_han(text, EVIDENCE_CONFIGS[0]), _changed_han(text, EVIDENCE_CONFIGS[1])


def decide(han: int, traditional: int, simplified: int, default: str | None = None) -> str:
    """The script from the counts: the majority script unless the minority is too large."""
    max_ratio, min_evidence, configured_default = _settings()
    if traditional == 0 and simplified == 0:
        return default or configured_default
    major, minor = max(traditional, simplified), min(traditional, simplified)
    if traditional + simplified >= min_evidence and minor > max_ratio * major:
        return "mixed"
    if traditional == simplified:  # a tie among fewer than min_evidence characters
        return default or configured_default
    return "Hant" if traditional > simplified else "Hans"


def evidence(han: int, traditional: int, simplified: int) -> dict[str, float | int]:
    return {
        "han_chars": han,
        "t2s_changed_share": round(traditional / han, 6) if han else 0.0,
        "s2t_changed_share": round(simplified / han, 6) if han else 0.0,
    }


def identify_script(text: str) -> tuple[str, dict[str, float | int]]:
    """("Hans" | "Hant" | "mixed", {"han_chars", "t2s_changed_share", "s2t_changed_share"}).

    Text without script-specific characters (Han-less, or only characters both scripts share)
    gets the configured default, ``Hans``."""
    han, traditional, simplified = script_counts(text)
    return decide(han, traditional, simplified), evidence(han, traditional, simplified)


def hant_form(converter: Converter, text: str, script: str) -> str:
    """The zh-Hant form of ``text``. Traditional text (``script`` "Hant") goes through its
    zh-Hans form first, so that it comes out in the standard Taiwan forms consistently: a page
    half-converted by a machine (復制, 關系, 沖擊, 黃仁勛, 擺明瞭 beside correct forms) gets
    複製, 關係, 衝擊, 黃仁勳, 擺明了; the original stays in ``text``. The document's script
    decides for all its paragraphs, so the document's form is its paragraphs' forms joined."""
    return converter.to_hant(converter.to_hans(text)) if script == "Hant" else converter.to_hant(text)


def apply_scripts(doc: Document) -> Document:
    """Script and evidence of the clean text and of each paragraph, and the zh-Hans / zh-Hant
    forms of the text, the title and every paragraph. Only clean text is looked at, so lines that
    cleaning removed (e.g. a Simplified spam header on a Traditional page) do not decide.

    A paragraph without script-specific characters (or a tie) takes the document's script (the
    configured default when the document is mixed: "mixed" needs evidence of two scripts)."""
    converter = get_converter()
    counts = [script_counts(paragraph.text) for paragraph in doc.paragraphs]
    joined = doc.text == PARAGRAPH_BREAK.join(p.text for p in doc.paragraphs)
    if joined:
        # Conversion and evidence are local to the text between separators, and a paragraph
        # break is one: the whole text's values are those of its paragraphs, joined / summed.
        han, traditional, simplified = (sum(c[k] for c in counts) for k in range(3))
        doc.script, doc.script_evidence = decide(han, traditional, simplified), evidence(han, traditional, simplified)
    else:
        doc.script, doc.script_evidence = identify_script(doc.text)
    inherited = doc.script if doc.script != "mixed" else None
    for paragraph, (han, traditional, simplified) in zip(doc.paragraphs, counts, strict=True):
        paragraph.script = decide(han, traditional, simplified, default=inherited)
        paragraph.text_zh_hans = converter.to_hans(paragraph.text)
        paragraph.text_zh_hant = hant_form(converter, paragraph.text, doc.script)
    if joined:
        doc.text_zh_hans = PARAGRAPH_BREAK.join(p.text_zh_hans for p in doc.paragraphs)
        doc.text_zh_hant = PARAGRAPH_BREAK.join(p.text_zh_hant for p in doc.paragraphs)
    else:
        doc.text_zh_hans = converter.to_hans(doc.text)
        doc.text_zh_hant = hant_form(converter, doc.text, doc.script)
    title = doc.title.value
    doc.title_zh_hans = converter.to_hans(title) if title else None
    doc.title_zh_hant = hant_form(converter, title, doc.script) if title else None
    doc.conversion = converter.info()
    return doc


def write_shared_characters(path: Path = SHARED_FILE) -> Path:
    """Generate ``shared_characters.tsv`` from the reimplemented binding's character tables:
    the values of STCharacters are valid Traditional characters, those of TSCharacters valid
    Simplified ones (all candidates, e.g. 干 → 幹 乾 干 makes 干 valid Traditional)."""
    import opencc

    library, version = opencc_binding()
    if library != "opencc-python-reimplemented":
        raise RuntimeError("generated from opencc-python-reimplemented's dictionary files")
    folder = Path(opencc.__file__).parent / "dictionary"
    rows = []
    for name, table in (("Hant", "STCharacters"), ("Hans", "TSCharacters")):
        chars: set[str] = set()
        for line in (folder / f"{table}.txt").read_text(encoding="utf-8").splitlines():
            for value in line.split("\t")[1].split(" "):
                chars.update(value)
        rows.append(f"{name}\t{''.join(sorted(chars))}")
    header = [
        f"# Generated by `python -m builders.enrich.script --write-shared-characters` ({library} {version}).",
        "# Characters valid in each script (values of OpenCC's STCharacters / TSCharacters tables):",
        "# a character valid in both scripts is never evidence for one of them.",
    ]
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if "--write-shared-characters" in sys.argv:
        print(write_shared_characters())
