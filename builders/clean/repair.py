"""Line-level text repairs: pinyin notes, GBK runs decoded out of step, HTML debris, whitespace
and the punctuation policy for CJK text (docs/repairs.md).

``repair_line`` is pure: it never raises, returns the repaired text and a log of
:class:`~builders.record.Repair` entries (one per change, with the smallest span that still shows
where the change was), and is idempotent (repairing its output changes nothing). The raw line is
kept by the caller, so every repair here can be reviewed against it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from builders.config import section
from builders.record import Repair
from builders.textscript.convert import plain, single_char_changes

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN}]")
# Full-width punctuation that carries its own spacing in CJK typesetting.
CJK_PUNCT = "，。、；：！？（）【】《》〈〉「」『』〔〕…—～·"
CURLY = "“”‘’"

Change = tuple[str, str, str]  # kind, before, after
Step = Callable[[str], tuple[str, list[Change]]]


@cache
def _cfg() -> dict[str, Any]:
    return section("repairs")


def is_han(ch: str) -> bool:
    return bool(HAN_RE.fullmatch(ch))


# --------------------------------------------------------------------------- shared helpers


def _sub(pattern: re.Pattern[str], text: str, kind: str, repl: Callable[[re.Match[str]], str],
         context: int = 1) -> tuple[str, list[Change]]:
    """re.sub that logs each replacement with ``context`` characters on each side (so that a
    deletion still shows where it happened)."""
    if pattern.search(text) is None:  # the common case, without building anything
        return text, []
    changes: list[Change] = []
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        new = repl(m)
        if new == m.group(0):
            continue
        a, b = m.start(), m.end()
        left = text[max(0, a - context):a]
        right = text[b:b + context]
        changes.append((kind, left + m.group(0) + right, left + new + right))
        out.append(text[last:a])
        out.append(new)
        last = b
    if not changes:
        return text, []
    out.append(text[last:])
    return "".join(out), changes


# --------------------------------------------------------------------------- control, zero-width

# C0 and C1 controls and DEL. Tab and the line/paragraph separators become spaces (whitespace).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ZERO_WIDTH_RE = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SPACE_LIKE_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def _controls(text: str) -> tuple[str, list[Change]]:
    text, c1 = _sub(_SPACE_LIKE_RE, text, "whitespace", lambda m: " ")
    text, c2 = _sub(_CONTROL_RE, text, "control", lambda m: "")
    text, c3 = _sub(_ZERO_WIDTH_RE, text, "whitespace", lambda m: "")
    # Surrogates cannot be encoded anywhere downstream (Parquet, JSON): drop them.
    text, c4 = _sub(re.compile("[\ud800-\udfff]"), text, "control", lambda m: "")
    return text, c1 + c2 + c3 + c4


# --------------------------------------------------------------------------- HTML debris

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|font|footer|h[1-6]|head|header|hr|"
    "html|i|iframe|img|input|label|li|link|meta|nav|ol|p|pre|script|section|small|source|span|"
    "strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul|article|figure|figcaption|video|wbr"
)
# A complete tag, a comment, or a closing/void tag that lost its "<" (e.g. "/p>" after a GBK run).
_TAG_RE = re.compile(
    rf"<!--.*?-->|</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>|(?<![A-Za-z0-9<])/(?:{_TAG_NAMES})\s*>"
    rf"|<(?:{_TAG_NAMES})\s*/?$",
    re.IGNORECASE,
)


def _entity(m: re.Match[str]) -> str:
    value = html.unescape(m.group(0))
    # Code points that cannot be stored (surrogates, out of range) become nothing.
    return value if value != m.group(0) and not re.search("[\ud800-\udfff]", value) else m.group(0)


def _html(text: str) -> tuple[str, list[Change]]:
    text, c1 = _sub(_ENTITY_RE, text, "html-entity", _entity)
    text, c2 = _sub(_TAG_RE, text, "html-tag", lambda m: "")
    return text, c1 + c2


# --------------------------------------------------------------------------- UTF-8 read as cp1252

_LATIN_MOJIBAKE_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                                "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                                "\u2039\u203a\u20ac\u2122]{1,3}(?:[\u00c2-\u00f4][\u0080-\u00bf\u0152"
                                "\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                                "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3})*")


def _latin_mojibake(m: re.Match[str]) -> str:
    run = m.group(0)
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        # Only accept when it yields CJK: a real Latin word with accents must stay as it is.
        if any(is_han(c) or c in CJK_PUNCT for c in fixed):
            return fixed
    return run


# --------------------------------------------------------------------------- pinyin notes


@cache
def pinyin_syllables() -> frozenset[str]:
    """Tone-marked (and neutral-tone) Hanyu Pinyin syllables, from the lexicon data file."""
    out: set[str] = set()
    with (LEXICON_DIR / "pinyin_syllables.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("syllable\t"):
                continue
            syllable = line.split("\t", 1)[0].strip()
            if syllable:
                out.add(unicodedata.normalize("NFC", syllable))
    return frozenset(out)


_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
# Candidate notes: 1-4 lower-case Latin syllables (letters incl. ü and tone marks) in ASCII or
# full-width brackets, directly after a Han character. The syllable check happens in code.
_SYL = r"[a-zü\u00e0-\u01dc\u0300-\u030c\u1e3f]{1,7}"
_NOTE_RE = re.compile(rf"(?<=[{HAN}])[(（]({_SYL}(?:[ '’]{_SYL}){{0,3}})[)）]")
# A lost character's trace: "?" (the unencodable byte) plus its note's syllable(s) and ")".
_LOST_RE = re.compile(rf"\?[(（]?({_SYL}(?: {_SYL}){{0,3}})[)）]")


def is_pinyin_note(body: str) -> bool:
    """True when ``body`` is 1-4 pinyin syllables with at least one tone mark.

    The tone mark is what separates a converter's note from English in brackets: every English
    word in brackets that happens to spell a syllable (``(an)``, ``(long)``) has none."""
    body = unicodedata.normalize("NFC", body)
    syllables = [s for s in re.split(r"[ '’]", body) if s]
    if not syllables or len(syllables) > 4:
        return False
    inventory = pinyin_syllables()
    if not all(s in inventory for s in syllables):
        return False
    return any(c in _TONE_MARKS for c in body)


def _pinyin_notes(text: str) -> tuple[str, list[Change]]:
    return _sub(_NOTE_RE, text, "pinyin-note",
                lambda m: "" if is_pinyin_note(m.group(1)) else m.group(0), context=1)


# --------------------------------------------------------------------------- GBK out of step


def _gbk_width(ch: str) -> int:
    try:
        return len(ch.encode("gbk"))
    except UnicodeEncodeError:
        return 0


@cache
def _gb2312_level(ch: str) -> int:
    """1 or 2 for GB2312 level-1 / level-2 hanzi (the 3,755 / 3,008 most common), else 0."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return 0
    if len(b) != 2:
        return 0
    if 0xB0 <= b[0] <= 0xD7:
        return 1
    if 0xD8 <= b[0] <= 0xF7:
        return 2
    return 0


@cache
def _t2s_chars() -> dict[str, str]:
    """Han characters OpenCC t2s changes on their own: the Traditional-only ones, and what t2s
    makes of each (read off the converter once, instead of converting character by character)."""
    return {c: v for c, v in single_char_changes("t2s").items() if is_han(c)}


@cache
def _s2t_chars() -> dict[str, str]:
    """Han characters OpenCC s2t changes on their own (the Simplified-only ones)."""
    return {c: v for c, v in single_char_changes("s2t").items() if is_han(c)}


def _junk(ch: str) -> bool:
    """Characters that a GBK shift produces and Chinese news prose does not contain."""
    o = ord(ch)
    return (
        0x3100 <= o <= 0x312F or 0x31A0 <= o <= 0x31BF  # bopomofo
        or 0xE000 <= o <= 0xF8FF  # private use (GBK user-defined areas)
        or o == 0xFFFD
        # box drawing, except what news prose uses as punctuation: ─ as a dash, ╱ ╲ as slashes
        # ("記者王小明╱台北報導" in Taiwanese bylines)
        or (0x2500 <= o <= 0x257F and ch not in "─━╱╲")
        or 0x0370 <= o <= 0x03FF or 0x0400 <= o <= 0x04FF  # Greek, Cyrillic
        or ch in "ɑɡ"
        or (0x00E0 <= o <= 0x01DC and ch in _TONE_MARKS | set("üê"))  # pinyin letters
        or 0x2460 <= o <= 0x24FF  # enclosed numerals ⑴ ⒈
        or 0x3220 <= o <= 0x3243  # parenthesized ideographs ㈠
        or 0x2170 <= o <= 0x217F  # small roman numerals
        or 0xFE30 <= o <= 0xFE4F  # vertical forms
    )


def _char_score(ch: str) -> float:
    """How plausible ``ch`` is in Chinese news prose (frequency proxy: GB2312 level after t2s)."""
    if ch.isascii():
        return 0.5
    if _junk(ch):
        return -3.0
    if is_han(ch):
        level = _gb2312_level(_t2s_chars().get(ch, ch)) or _gb2312_level(ch)
        return {1: 1.0, 2: 0.2}.get(level, -1.0)
    if ch in CJK_PUNCT or ch in CURLY:
        return 0.5
    return -1.0


def _realign(run: str, following: str) -> tuple[str, bool, int | None] | None:
    """Decode ``run``'s GBK bytes one byte later. Returns (text, consumed_following, the lead
    byte left without its partner at the end or None), or None when the bytes are not GBK (so
    the run is not a shifted GBK run)."""
    try:
        data = run.encode("gbk")[1:]
    except UnicodeEncodeError:
        return None
    out: list[str] = []
    i = 0
    consumed = False
    dangling: int | None = None
    while i < len(data):
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if i + 1 < len(data):
            try:
                out.append(data[i:i + 2].decode("gbk"))
            except UnicodeDecodeError:
                return None
            i += 2
            continue
        # The last byte is a lead byte: its partner is the next raw character when that is an
        # ASCII byte in GBK's trail range (the run "falls back in step" there); else it is lost.
        if following and 0x40 <= ord(following) <= 0x7E:
            try:
                out.append((data[i:] + following.encode("ascii")).decode("gbk"))
                consumed = True
            except UnicodeDecodeError:
                pass
        if not consumed:
            dangling = b
        i += 1
    return "".join(out), consumed, dangling


# U+3013 GETA MARK: the typesetter's sign for a character that could not be recovered.
GAP = "\u3013"


@cache
def _gbk_candidates(byte: int, lost_lead: bool) -> tuple[str, ...]:
    """Characters of the GBK code space whose trail byte (``lost_lead``: the lead byte was lost)
    or lead byte (the trail byte was lost) is ``byte``: Han characters and CJK punctuation."""
    found = []
    for other in range(0x40, 0xFF):
        pair = bytes([other, byte]) if lost_lead else bytes([byte, other])
        try:
            ch = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and (is_han(ch) or ch in CJK_PUNCT or ch in CURLY):
            found.append(ch)
    return tuple(found)


def _logprob(text: str) -> float:
    """log P(text) under jieba's word-unigram model (its best segmentation): how plausible a
    candidate reading is as Chinese."""
    from builders.textscript.words import tokenizer

    tok = tokenizer()
    route: dict[int, tuple[float, int]] = {}
    tok.calc(text, tok.get_DAG(text), route)
    return route[0][0]


def _recover(candidates: tuple[str, ...], left: str, right: str, page_hant: bool) -> str | None:
    """The candidate that context decides: the reading left + c + right most plausible under
    jieba's word model, by a margin of ``gbk_lost_char_min_margin`` (natural log) over every
    other reading, and one that forms a word with a neighbour (當?時間 -> 當地時間: 当地). None
    when context does not decide."""
    from builders.textscript.words import frequency

    to_simplified = plain("t2s")
    left, right = left[-6:], right[:6]
    readings: dict[str, tuple[float, str]] = {}
    for ch in candidates:
        if not is_han(ch):
            continue
        simplified = to_simplified(ch)
        score = _logprob(to_simplified(left + ch + right))
        # Characters with the same Simplified form are one reading: keep the page's script.
        keep = readings.get(simplified)
        traditional = ch in _t2s_chars()
        if keep is None or score > keep[0] or (score == keep[0] and traditional == page_hant):
            readings[simplified] = (score, ch)
    if not readings:
        return None
    supported = _document_support(readings, left, right)
    if supported is not None:
        return supported
    ranked = sorted(readings.items(), key=lambda kv: -kv[1][0])
    best_simplified, (best, ch) = ranked[0]
    second = ranked[1][1][0] if len(ranked) > 1 else float("-inf")
    if best - second < float(_cfg()["gbk_lost_char_min_margin"]):
        return None
    s_left, s_right = to_simplified(left), to_simplified(right)
    spans = any(
        frequency(s_left[len(s_left) - k:] + best_simplified + s_right[:m]) > 0
        for k in range(0, 4) for m in range(0, 4) if k + m >= 1 and k <= len(s_left) and m <= len(s_right)
    )
    return ch if spans else None


# The raw text of the document being repaired, when the caller gives it (repair_line's
# ``context``): n-gram evidence from the same page for a lost character.
_DOCUMENT: ContextVar[str | None] = ContextVar("repair_document", default=None)


def _document_support(readings: dict[str, tuple[float, str]], left: str, right: str) -> str | None:
    """The one candidate whose reading with its neighbours (a character on each side, or two on
    one side) occurs elsewhere in the document, in the page's own text; None when none or
    several do (仍處于 on the same page decides 們?處于)."""
    document = _DOCUMENT.get()
    if not document:
        return None
    found = []
    for _, ch in readings.values():
        windows = (left[-1:] + ch + right[:1], ch + right[:2], left[-2:] + ch)
        if any(len(w) == 3 and document.count(w) > 0 for w in windows):
            found.append(ch)
    return found[0] if len(found) == 1 else None


def _recover_trail(lead: int, left: str, right: str, page_hant: bool) -> str | None:
    """The character whose trail byte was lost at the end of a run: at a clause end (line end or
    a tag next) the full stop when the lead byte is that of CJK punctuation (0xA1), else as
    :func:`_recover`."""
    candidates = _gbk_candidates(lead, lost_lead=False)
    if "。" in candidates and re.match(r"\s*(?:$|/?[A-Za-z]+\s*>|<)", right):
        return "。"
    return _recover(candidates, left, right, page_hant)


def _plausible(text: str) -> bool:
    cjk = [c for c in text if not c.isascii()]
    if not any(is_han(c) for c in cjk):
        return False
    if any(_junk(c) for c in cjk):
        return False
    common = sum(1 for c in cjk if _char_score(c) >= 0.5)
    return common / len(cjk) >= float(_cfg()["gbk_min_common_share"])


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common in Chinese prose (junk counts as rare)."""
    cjk = [c for c in text if not c.isascii()]
    return sum(1 for c in cjk if _char_score(c) >= 0.5) / len(cjk) if cjk else 1.0


# List markers of Chinese prose (①②③, ⑴, ⒈, ㈠, ⅰ): they are GBK debris too, but where they
# count up one by one they number a list's items, and say nothing about whether a run reads as
# Chinese (a shifted run's markers come in no order: ⒎⒉).
_ENUMERATION_RE = re.compile("[\u2460-\u24ff\u3220-\u3243\u2160-\u217f]")


def _garbled(run: str) -> bool:
    """A run read out of step: its own characters are not plausible Chinese (common share below
    the realigned threshold). Sound text with one stray symbol scores near 1.0; list markers in
    order are left out of the share (a short enumerated line ①训练②推理 is sound text)."""
    markers = [unicodedata.numeric(c, 0.0) for c in _ENUMERATION_RE.findall(run)]
    if all(b == a + 1 for a, b in pairwise(markers)):
        run = _ENUMERATION_RE.sub("", run)  # ①…②…③ in order: a list, not debris
    cjk = [c for c in run if not c.isascii()]
    if len(cjk) < 3 or not any(is_han(c) for c in cjk):
        return False  # a lone symbol (a │ separator between menu items) says nothing
    return _common_share("".join(cjk)) < float(_cfg()["gbk_min_common_share"])


def _to_hant(text: str) -> str:
    """Stock OpenCC in the configured zh-Hant direction (the script the zh-Hant forms use)."""
    return plain(str(section("script")["to_hant"]))(text)


def _looks_hant(text: str) -> bool:
    """At least two characters that t2s would change (each on its own): Traditional text."""
    traditional = _t2s_chars()
    changed = 0
    for c in text:
        if c in traditional:
            changed += 1
            if changed >= 2:
                return True
    return False


# Exactly the characters _junk accepts (tests/test_repair_fast.py compares every code point).
_JUNK_RE = re.compile(
    "[\u3100-\u312f\u31a0-\u31bf\ue000-\uf8ff\ufffd\u2502-\u2570\u2573-\u257f\u0370-\u04ff\u0251\u0261"
    + "".join(sorted(c for c in _TONE_MARKS | set("üê") if 0x00E0 <= ord(c) <= 0x01DC))
    + "\u2460-\u24ff\u3220-\u3243\u2170-\u217f\ufe30-\ufe4f]"
)


def _gbk(text: str) -> tuple[str, list[Change]]:
    """Find GBK runs decoded one byte out of step and realign them (or remove them)."""
    if _JUNK_RE.search(text) is None and _LOST_RE.search(text) is None:
        # Nothing starts a run (no junk character, no lost-character trace) and nothing is left
        # to remove: the scan below would return the text unchanged.
        return text, []
    cfg = _cfg()
    changes: list[Change] = []
    widths = [_gbk_width(c) for c in text]
    # An accented Latin letter touching an ASCII letter belongs to a word (pinyin "yīngwěidá",
    # "Pétain"), not to a shifted double-byte run, whatever GBK's width for it.
    for k, c in enumerate(text):
        if widths[k] == 2 and 0xC0 <= ord(c) < 0x250 and (
            (k > 0 and text[k - 1].isascii() and text[k - 1].isalpha())
            or (k + 1 < len(text) and text[k + 1].isascii() and text[k + 1].isalpha())
        ):
            widths[k] = 1
    # Lost-character traces "?(pinyin)" mark the start of a run: trace start -> run start.
    traces: dict[int, int] = {}
    for m in _LOST_RE.finditer(text):
        if is_pinyin_note(m.group(1)) and m.end() < len(text) and widths[m.end()] == 2:
            traces[m.start()] = m.end()
    out: list[str] = []
    i = 0
    n = len(text)
    page_hant = _looks_hant(text)
    anchored = False
    while i < n:
        if i in traces:
            run_start = traces[i]
            changes.append(("gbk-remove", text[i:run_start], ""))
            i = run_start
            anchored = True
            continue
        if widths[i] != 2:
            out.append(text[i])
            i += 1
            continue
        j = i
        while j < n and widths[j] == 2 and j not in traces:
            j += 1
        seg = text[i:j]
        junk_at = next((k for k, c in enumerate(seg) if _junk(c)), None)
        if junk_at is not None and all(c.isalpha() and ord(c) < 0x250 for c in seg):
            junk_at = None  # accented Latin letters of a word (Pétain), not a GBK run
        if junk_at is None and not anchored:
            out.append(seg)
            i = j
            continue
        following = text[j] if j < n else ""
        # Candidate starts: the run start after a trace, or any point up to the first junk char.
        was_anchored = anchored
        if anchored:
            starts = [0]
        else:
            assert junk_at is not None
            starts = list(range(max(0, junk_at - int(cfg["gbk_max_scan_back"])), junk_at + 1))
        anchored = False
        best: tuple[float, int, str, bool, int | None] | None = None
        for s in starts:
            res = _realign(seg[s:], following)
            if res is None or not _plausible(res[0]):
                continue
            if not was_anchored and not _garbled(seg[s:]):
                # Evidence: without a lost-character trace the run itself must read as garbage
                # (a box-drawing ╱ or │ inside sound text is a separator, not a shifted run).
                continue
            fixed, consumed, dangling = res
            score = sum(_char_score(c) for c in seg[:s]) + sum(_char_score(c) for c in fixed)
            if best is None or score > best[0]:
                best = (score, s, fixed, consumed, dangling)
        if best is None:
            # Not plausibly Chinese when realigned: remove the junk of a garbled run, keep the
            # rest; a sound run keeps its symbols (box drawing, Greek) as the page wrote them.
            if not was_anchored and not _garbled(seg):
                out.append(seg)
                i = j
                continue
            cleaned = "".join(c for c in seg if not _junk(c))
            if cleaned != seg:
                changes.append(("gbk-remove", seg, cleaned))
            out.append(cleaned)
            i = j
            continue
        _, s, fixed, consumed, dangling = best
        garbled = seg[s:] + (following if consumed else "")
        before = "".join(out) + seg[:s]
        lost = ""
        if was_anchored:
            # The run's first byte is the trail byte of the character whose lead byte the trace
            # stands for: recover it where context decides, else mark the gap.
            trail = seg[s].encode("gbk")[0]
            lost = _recover(_gbk_candidates(trail, lost_lead=True), before, fixed, page_hant) or GAP
        realigned = lost + fixed
        if page_hant and any(c in _s2t_chars() and c not in _t2s_chars() for c in realigned):
            # The realigned bytes are whatever the page's encoder wrote, often Simplified on a
            # Traditional line: written in the line's script (処于 -> 處於), as the page meant.
            realigned = _to_hant(realigned)
        out.append(seg[:s] + realigned)
        changes.append(("gbk-realign", garbled, realigned))
        i = j + (1 if consumed else 0)
        # A "?" right after the run stands for the byte the run lost at its end.
        if i < n and text[i] == "?" and not consumed:
            end = _recover_trail(dangling, before + realigned, text[i + 1:], page_hant) if dangling else None
            if end and page_hant and end in _s2t_chars() and end not in _t2s_chars():
                end = _to_hant(end)
            mark = end or GAP
            out.append(mark)
            changes.append(("gbk-lost-char", realigned[-1:] + "?", realigned[-1:] + mark))
            i += 1
    result = "".join(out)
    # Lost-character traces that no run followed.
    result, c2 = _sub(_LOST_RE, result, "gbk-remove",
                      lambda m: "" if is_pinyin_note(m.group(1)) else m.group(0))
    # Junk outside GBK double-byte runs (U+FFFD, private use, stray bopomofo).
    result, c3 = _sub(re.compile("[\ufffd\ue000-\uf8ff\u3100-\u312f\u31a0-\u31bf]+"), result,
                      "gbk-remove", lambda m: "")
    return result, changes + c2 + c3


@cache
def _transliteration_chars() -> frozenset[str]:
    lines = (LEXICON_DIR / "transliteration_chars.txt").read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if line.strip() and not line.startswith("#")))


_QUESTION_IN_HAN_RE = re.compile(f"(?<=[{HAN}]{{2}})\\?(?=[{HAN}]{{2}})")


def _lost_dot(text: str) -> tuple[str, list[Change]]:
    """A "?" between two transliterated name parts is the middle dot the encoder lost (· is a
    double-byte character in GBK): both neighbouring pairs must be transliteration characters."""
    if "?" not in text:
        return text, []
    names = _transliteration_chars()

    def repl(m: re.Match[str]) -> str:
        left, right = text[m.start() - 2:m.start()], text[m.end():m.end() + 2]
        return "·" if all(c in names for c in left + right) else m.group(0)

    return _sub(_QUESTION_IN_HAN_RE, text, "gbk-lost-char", repl, context=2)


# --------------------------------------------------------------------------- whitespace

_CJKP = re.escape(CJK_PUNCT)
# Spaces next to full-width punctuation (which has its own spacing), or a curly quote whose other
# side is CJK.
_SPACE_PUNCT_RE = re.compile(
    rf"(?<=[{_CJKP}]) +|(?<=[{HAN}{_CJKP}][“”‘’]) +| +(?=[{_CJKP}])| +(?=[“”‘’][{HAN}{_CJKP}])"
    rf"|(?<=[{HAN}]) +(?=[,;:!?](?![0-9]))"  # "日  ," : the comma becomes full-width next
    rf"|(?<=[A-Za-z0-9]) +(?=[,;][{HAN}])"  # "CEO ,该公司"
)
_MULTI_SPACE_RE = re.compile(r" {2,}")


def _whitespace(text: str) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    stripped = text.strip(" ")
    if stripped != text:
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")):]
        if lead:
            changes.append(("whitespace", lead + stripped[:1], stripped[:1]))
        if trail:
            changes.append(("whitespace", stripped[-1:] + trail, stripped[-1:]))
        text = stripped
    text, c1 = _sub(_SPACE_PUNCT_RE, text, "whitespace", lambda m: "")
    text, c2 = _sub(_MULTI_SPACE_RE, text, "whitespace", lambda m: " ")
    return text, changes + c1 + c2


# --------------------------------------------------------------------------- punctuation

_FW = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_H = f"[{HAN}]"
_HP = f"[{HAN}{_CJKP}“”‘’]"
# ,;: after Han (or CJK punctuation / quotes) unless it sits between digits (3:7, 1,000).
_PUNCT_AFTER_RE = re.compile(rf"(?<={_HP})[,;:](?![0-9])|(?<={_H})[,;:]")
# ,;: before Han after a letter or digit.
_PUNCT_BEFORE_RE = re.compile(rf"(?<=[A-Za-z0-9%)])[,;](?={_H})")
# A comma between two Latin terms inside Han text (通用型CPU,GPU以并行): the sentence is Chinese,
# so is its comma. Latin text with Latin around it (Intel, AMD and Arm) and 1,000 keep theirs.
_LATIN_PAIR_COMMA_RE = re.compile(rf"(?<={_H})([A-Za-z][A-Za-z0-9\-]{{0,20}}),(?=[A-Za-z][A-Za-z0-9\-]{{0,20}}{_H})")
# ? and ! after Han at a clause end (end of line, space, quote, bracket or punctuation next);
# "?" between two Han characters is left alone: there it is usually a lost character.
_QUESTION_RE = re.compile(rf"(?<={_HP})[?!]+(?=$|[\s“”‘’）)」』》{_CJKP}A-Za-z0-9(（])")
_BANG_RE = re.compile(rf"(?<={_H})!(?={_H})|(?<=[吗嗎呢吧么麼])\?(?={_H})")
_PARENS_RE = re.compile(rf"\(([^()]*[{HAN}][^()]*)\)|(?<={_HP})\(([^()]*)\)")
_QUOTES_RE = re.compile(rf'(?<=[{HAN}{_CJKP}])"([^"]*[{HAN}][^"]*)"')
_REPEAT_RE = re.compile("([。，、；])\\1+")
# A full-width decimal point goes with the digits around it (２．５ → 2.5, not 2．5).
_FULLWIDTH_ALNUM_RE = re.compile("[０-９Ａ-Ｚａ-ｚ]+(?:．[０-９]+)*")


def _punctuation(text: str) -> tuple[str, list[Change]]:
    k = "punctuation"
    text, c1 = _sub(_PUNCT_AFTER_RE, text, k, lambda m: _FW[m.group(0)])
    text, c2 = _sub(_PUNCT_BEFORE_RE, text, k, lambda m: _FW[m.group(0)])
    text, c2b = _sub(_LATIN_PAIR_COMMA_RE, text, k, lambda m: m.group(1) + "，", context=0)
    text, c3 = _sub(_QUESTION_RE, text, k, lambda m: "".join(_FW[c] for c in m.group(0)))
    text, c4 = _sub(_BANG_RE, text, k, lambda m: _FW[m.group(0)])
    text, c5 = _sub(_PARENS_RE, text, k, lambda m: f"（{m.group(1) or m.group(2) or ''}）", context=0)
    text, c6 = _sub(_QUOTES_RE, text, k, lambda m: f"“{m.group(1)}”", context=0)
    text, c7 = _sub(_REPEAT_RE, text, k, lambda m: m.group(1))
    text, c8 = _sub(_FULLWIDTH_ALNUM_RE, text, "width", lambda m: unicodedata.normalize("NFKC", m.group(0)),
                    context=0)
    return text, c1 + c2 + c2b + c3 + c4 + c5 + c6 + c7 + c8


# --------------------------------------------------------------------------- end markers

# An end-of-article marker at the end of the last paragraph: （完）, 【完】, (本文完), [全文完], （终）.
END_MARKER_RE = re.compile(r"\s*[（(【\[〔]\s*(?:本文完|全文完|完|终|END|end)\s*[）)】\]〕]\s*$")


def _end_marker(text: str) -> tuple[str, list[Change]]:
    """Remove an end marker that closes a line of text (a line that is only a marker is labelled
    boilerplate "end-marker" by the labeller and kept as it is here)."""
    m = END_MARKER_RE.search(text)
    if m is None or m.start() == 0:
        return text, []
    left = text[max(0, m.start() - 1):m.start()]
    return text[:m.start()], [("end-marker", left + m.group(0), left)]


# --------------------------------------------------------------------------- entry point

_STEPS: tuple[Step, ...] = (
    # before _controls: UTF-8 read as cp1252 contains soft hyphens and C1 bytes that belong to it
    lambda t: _sub(_LATIN_MOJIBAKE_RE, t, "utf8-mojibake", _latin_mojibake, context=0),
    _controls,
    _html,
    _pinyin_notes,
    _gbk,
    _lost_dot,
    _html,  # a realigned run can end in a tag that lost its "<"
    _whitespace,
    _punctuation,
    _end_marker,
    _whitespace,
)
_MAX_PASSES = 6


def _one_pass(text: str) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    for step in _STEPS:
        text, c = step(text)
        changes.extend(c)
    return text, changes


def repair_line(text: str, line_no: int, context: str | None = None) -> tuple[str, list[Repair]]:
    """Repair one line of text; returns the repaired text and the log of repairs.

    Runs the repair steps until nothing changes (entities can be double-escaped, a removed tag
    can bring two spaces together), so that the result is a fixed point: idempotent.
    ``context``: the document's raw text, evidence for a character lost at a GBK run (used only
    for lines with a ``?``, where such a loss shows)."""
    if context and "?" in text:
        token = _DOCUMENT.set(context)
        try:
            fixed, changes = _repair_text.__wrapped__(text)
        finally:
            _DOCUMENT.reset(token)
    elif len(text) <= _CACHE_MAX_CHARS:
        fixed, changes = _repair_text(text)
    else:
        fixed, changes = _repair_text.__wrapped__(text)
    return fixed, [Repair(kind, line_no, before, after, "text-rules") for kind, before, after in changes]


# Site furniture and syndicated sentences repeat across a crawl's pages: repair each distinct
# line once (the repair is a function of the text alone; only the line number is per page).
_CACHE_MAX_CHARS = 2000


@lru_cache(maxsize=1 << 14)
def _repair_text(text: str) -> tuple[str, tuple[Change, ...]]:
    try:
        changes: list[Change] = []
        seen = {text}
        converged = False
        # Most lines converge in one or two passes; a pass that only shortens the text (one
        # junk character at a time) may need more, so allow one pass per character too.
        for _ in range(_MAX_PASSES + len(text)):
            new, c = _one_pass(text)
            changes.extend(c)
            if new == text:
                converged = True
                break
            if new in seen:  # a cycle: fall through to the safe form below
                text = new
                break
            seen.add(new)
            text = new
        if not converged:
            # Not converged (pathological input): strip what must never be in clean text.
            text = re.sub("[\x00-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\u3100-\u312f\u31a0-\u31bf<>]", "", text)
        return text, tuple(changes)
    except Exception as exc:  # never raise on input text: log and fall back to a safe form
        safe = re.sub("[\x00-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\u3100-\u312f\u31a0-\u31bf<>\ud800-\udfff]",
                      "", text)
        return safe, (("repair-error", text[:200], f"{type(exc).__name__}: {safe[:200]}"),)
