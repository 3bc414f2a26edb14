"""Personal data in the kept text: find it, mask it by type, count it (docs/repairs.md, and the
card's section "Personal and Sensitive Information").

Masked, each with a stable ASCII placeholder that OpenCC leaves alone in both directions:

- ``<email>``  e-mail addresses;
- ``<phone>``  mobile numbers: mainland (11 digits, with or without +86, spaces or dashes), Taiwan
  (09xx-xxx-xxx) and Hong Kong / Macau mobiles written with their +852 / +853 prefix;
- ``<id>``     resident identity numbers: mainland (18 digits with a valid birth date and the
  ISO 7064 MOD 11-2 check character), Taiwan (letter + 9 digits, check digit) and Hong Kong
  (1-2 letters + 6 digits + check digit in brackets);
- ``<ip>``     IPv4 and IPv6 addresses.

Counted but kept: landline numbers with an area code or bracketed prefix, and 400 / 800 service
numbers. In news text these are the numbers an organisation publishes to be called (newsroom
hotlines, 举报电话 of a public body, investor relations); they are not tied to a person, and
they are part of the footer lines that the line labeller learns to recognise.

Matching runs on a copy of the text in which full-width ASCII (１３８, ＠, （）, －) and a few dash
forms are mapped one character to one character, so a match's span in the copy is its span in
the original. Numbers inside URLs, and digit runs that read as amounts (a currency sign before,
a unit such as 元 / 亿 / 股 after, or a round figure), are never masked.

Everything here is a pure function of the text; :func:`mask` is idempotent (the placeholders
contain nothing any pattern matches) and changes nothing outside the matched spans.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

from builders.config import section
from builders.record import Repair

# Types that are masked, in the order of precedence when two matches overlap (an e-mail address
# holding a phone number is one e-mail address), and the one that is only counted.
MASKED = ("email", "id", "phone", "ip")
COUNTED = ("landline",)
TYPES = MASKED + COUNTED
PLACEHOLDER = {t: f"<{t}>" for t in MASKED}
# The repair kind of each mask in the repair log.
KIND = {t: f"pii-{t}" for t in MASKED}

# --------------------------------------------------------------------------- normalised copy

# Full-width ASCII → ASCII, ideographic space → space, dash forms → "-": one character for one,
# so that spans need no mapping back. Not the full-width comma and colon: in Chinese prose they
# end a clause or a label ("电话：", "13812345678，2024年"), they never sit inside a number.
_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if c not in (0xFF0C, 0xFF1A)}
_FOLD.update({0x3000: " ", 0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2212: "-", 0xFE63: "-"})


_FOLDED = re.compile("[" + "".join(chr(c) for c in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """The matching copy of ``text`` (same length; full-width ASCII made ASCII)."""
    return text.translate(_FOLD) if _FOLDED.search(text) else text


# --------------------------------------------------------------------------- patterns

_AN = "0-9A-Za-z"  # never \w: in Python it matches Han characters too
_URL_CHARS = r"[0-9A-Za-z\-._~:/?#\[\]@!$&'()*+,;=%]"
# A URL with a scheme or "www.", or a bare host name followed by a path ("example.com/a/1.html").
_URL_RE = re.compile(
    rf"(?:(?:https?|ftp)://|www\.){_URL_CHARS}+|(?<![@0-9A-Za-z.\-])(?:[0-9A-Za-z\-]+\.)+[A-Za-z]{{2,6}}/{_URL_CHARS}*",
    re.IGNORECASE,
)

# Image names such as "logo@2x.png" look like addresses: a file extension is no top-level domain.
_NOT_TLD = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico", "js", "css", "html", "htm", "php",
                      "json", "xml", "pdf", "mp4", "mp3"})
# The at-sign also as an HTML entity (raw lines keep them; the repairs decode them later) or in
# the "(at)" / "[at]" spelling that pages use against address harvesters, or "#" when the page
# says so ("market#example.net(#换成@)").
_AT = r"(?:@|&#0*64;|&#[xX]0*40;|&commat;| ?[\[(]at[\])] ?|#(?=[^#]{3,80}[(（]?\s*#\s*(?:换成|換成|替换为|替換為|改为|改為|改成)\s*@))"
_EMAIL_RE = re.compile(
    rf"(?<![{_AN}._%+\-])[{_AN}][{_AN}._%+\-]{{0,63}}{_AT}"
    rf"(?:[{_AN}](?:[{_AN}\-]{{0,61}}[{_AN}])?\.)+([A-Za-z]{{2,24}})(?![{_AN}\-])"
)

# A number is an amount, not a phone or an id, when a currency sign or code comes before it or a
# unit / measure word after it (both scripts).
_CURRENCY_BEFORE = re.compile(r"(?:[¥$€£]|RMB|CNY|USD|HKD|NTD?|人民币|人民幣|港元|港币|港幣|美元|台币|台幣)\s*$",
                              re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s*(?:[元亿億万萬千百块塊角股台件个個次人吨噸张張片颗顆枚位家部辆輛条條份倍%‰]|美元|港元)")

_SEP = r"[- ]?"
_MOBILE_CN = rf"(?:(?:\+|00)?86{_SEP}|\(\+?86\){_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_MOBILE_TW = rf"(?:(?:\+|00)886{_SEP}9|09)\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}"
_MOBILE_HK = rf"(?:\+|00)85[23]{_SEP}[5-9]\d{{3}}{_SEP}\d{{4}}"
_PHONE_RE = re.compile(rf"(?<![{_AN}.,+])(?:{_MOBILE_CN}|{_MOBILE_TW}|{_MOBILE_HK})(?![{_AN}]|[.,]\d)")

_ID_CN_RE = re.compile(
    rf"(?<![{_AN}.,])[1-9]\d{{5}}(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{{3}}[0-9Xx](?![{_AN}])"
)
_ID_TW_RE = re.compile(rf"(?<![{_AN}])[A-Z][1289]\d{{8}}(?![{_AN}])")
_ID_HK_RE = re.compile(rf"(?<![{_AN}])[A-Z]{{1,2}}\d{{6}} ?\(([0-9A])\)")

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(rf"(?<![{_AN}.\-])(?:{_OCTET}\.){{3}}{_OCTET}(?![{_AN}]|\.\d)")
_IPV6_RE = re.compile(rf"(?<![{_AN}:.])(?:[0-9A-Fa-f]{{0,4}}:){{2,7}}(?:{_OCTET}(?:\.{_OCTET}){{3}}|[0-9A-Fa-f]{{1,4}})?"
                      rf"(?![{_AN}:]|\.\d)")
# Four dotted numbers after one of these words are a version or build number.
_VERSION_BEFORE = re.compile(r"(?:[vV]|version|ver\.?|build|release|firmware|driver|版本号?|固件|驱动|驅動|内核|內核)"
                             r"\s*[:：]?\s*$", re.IGNORECASE)

_NUM_END = rf"(?![{_AN}]|[.,]\d)"
_LANDLINE_RE = re.compile(
    rf"(?<![{_AN}.,+])(?:"
    rf"(?:(?:\+|00)?86{_SEP})?(?:\(0?\d{{2,3}}\){_SEP}|0\d{{1,3}}[- ])\d{{3,4}}{_SEP}\d{{4}}"  # 010-12345678, (02)2345-6789
    rf"|(?:\+|00)86{_SEP}[1-9]\d{{1,2}}[- ]\d{{7,8}}"  # +86 10 12345678
    rf"|(?:\+|00)886{_SEP}[2-8]\d?[- ]\d{{3,4}}{_SEP}\d{{4}}"  # +886 2 2345 6789
    rf"|(?:\+|00)852{_SEP}[23]\d{{3}}{_SEP}\d{{4}}"  # +852 2345 6789
    rf"|[48]00{_SEP}\d{{3}}{_SEP}\d{{4}}"  # 400 / 800 service numbers
    rf"){_NUM_END}"
)

_MOD11_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def mainland_id_valid(number: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an 18-character mainland resident id."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _MOD11_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def taiwan_id_valid(number: str) -> bool:
    """Check digit of a Taiwan id (letter + 9 digits): the letter's two-digit code weighted 1, 9,
    then the digits weighted 8 ... 1, 1; the sum is a multiple of 10."""
    if len(number) != 10 or number[0] not in _TW_LETTERS or not number[1:].isdigit():
        return False
    code = _TW_LETTERS[number[0]]
    digits = [int(d) for d in number[1:]]
    total = code // 10 + (code % 10) * 9 + sum(d * w for d, w in zip(digits, (8, 7, 6, 5, 4, 3, 2, 1, 1), strict=True))
    return total % 10 == 0


def hongkong_id_valid(letters: str, digits: str, check: str) -> bool:
    """Check digit of a Hong Kong id: letters (a single one is preceded by a space worth 36)
    weighted 9, 8 and the six digits 7 ... 2; the check makes the sum a multiple of 11 (A = 10)."""
    values = [36] * (2 - len(letters)) + [ord(c) - ord("A") + 10 for c in letters]
    total = values[0] * 9 + values[1] * 8 + sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class Match:
    type: str  # one of TYPES
    start: int
    end: int


@lru_cache(maxsize=1)
def _cfg() -> tuple[int, int, int]:
    cfg = section("pii")
    return int(cfg["round_amount_zeros"]), int(cfg["currency_window"]), int(cfg["version_window"])


def _amount(copy: str, start: int, end: int) -> bool:
    """A digit run that reads as an amount: currency before, unit after, or a round figure."""
    zeros, window, _ = _cfg()
    digits = re.sub(r"\D", "", copy[start:end])
    return bool(
        _CURRENCY_BEFORE.search(copy[max(0, start - window):start])
        or _UNIT_AFTER.match(copy, end)
        or digits.endswith("0" * zeros)
    )


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


# Cheap gates: a pattern runs only on lines holding what every one of its matches holds. The
# patterns open with look-behinds, which keep Python's regex engine from skipping ahead to a
# possible first character, and most lines of a page hold none of these.
_GATE_AT = re.compile(r"@|&#|&commat;|[\[(]at[\])]")
_GATE_ID_CN = re.compile(r"[0-9]{17}")
_GATE_ID_TW = re.compile(r"[A-Z][1289][0-9]{8}")
_GATE_ID_HK = re.compile(r"[0-9]{6} ?\(")
_GATE_PHONE = re.compile(r"1[3-9][0-9]|09[0-9]|8(?:86|5[23])")
_GATE_IPV4 = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]")
_GATE_LANDLINE = re.compile(r"[0-9][- )][0-9]{3}")


def _candidates(copy: str) -> list[Match]:
    found: list[Match] = []
    if _GATE_AT.search(copy):
        for m in _EMAIL_RE.finditer(copy):
            if m.group(1).lower() not in _NOT_TLD:
                found.append(Match("email", *m.span()))
    numeric: list[Match] = []
    if _GATE_ID_CN.search(copy):
        for m in _ID_CN_RE.finditer(copy):
            if mainland_id_valid(m.group(0)) and not _amount(copy, *m.span()):
                numeric.append(Match("id", *m.span()))
    if _GATE_ID_TW.search(copy):
        for m in _ID_TW_RE.finditer(copy):
            if taiwan_id_valid(m.group(0)):
                numeric.append(Match("id", *m.span()))
    if _GATE_ID_HK.search(copy):
        for m in _ID_HK_RE.finditer(copy):
            body = m.group(0).split("(")[0].strip()
            if hongkong_id_valid(body[:-6], body[-6:], m.group(1)):
                numeric.append(Match("id", *m.span()))
    if _GATE_PHONE.search(copy):
        for m in _PHONE_RE.finditer(copy):
            if not _amount(copy, *m.span()):
                numeric.append(Match("phone", *m.span()))
    if _GATE_IPV4.search(copy):
        for m in _IPV4_RE.finditer(copy):
            if not _VERSION_BEFORE.search(copy[max(0, m.start() - _cfg()[2]):m.start()]):
                numeric.append(Match("ip", *m.span()))
    if "::" in copy or copy.count(":") >= 7:
        for m in _IPV6_RE.finditer(copy):
            cand = m.group(0)
            # "::" or eight groups, and a digit: "a::b" and "std::" are code, not addresses
            if ("::" in cand or cand.count(":") == 7) and any(c.isdigit() for c in cand) and _ipv6(cand):
                numeric.append(Match("ip", *m.span()))
    if _GATE_LANDLINE.search(copy):
        for m in _LANDLINE_RE.finditer(copy):
            numeric.append(Match("landline", *m.span()))
    if numeric and ("/" in copy or "www." in copy.lower()):
        urls = [m.span() for m in _URL_RE.finditer(copy)]
        numeric = [n for n in numeric if not _inside(urls, n.start, n.end)]
    return found + numeric


def _ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def find(text: str) -> list[Match]:
    """Non-overlapping matches in ``text``, in text order. Of overlapping candidates the type
    earlier in :data:`TYPES` wins, then the longer one, then the earlier one."""
    candidates = _candidates(fold(text))
    rank = {t: i for i, t in enumerate(TYPES)}
    candidates.sort(key=lambda m: (rank[m.type], -(m.end - m.start), m.start))
    chosen: list[Match] = []
    for m in candidates:
        if not any(c.start < m.end and m.start < c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


# --------------------------------------------------------------------------- masking


def shape(value: str) -> str:
    """What the repair log keeps of a masked value: its shape (digits 0, letters x), not the
    value itself, so that the log shows why it matched without publishing it."""
    return re.sub("[A-Za-z]", "x", re.sub(r"\d", "0", fold(value)))


@dataclass(frozen=True)
class Masked:
    text: str
    masks: tuple[tuple[str, str], ...]  # (type, shape of the masked value), in text order
    kept: tuple[str, ...]  # types found and only counted (landline), in text order


@lru_cache(maxsize=1 << 14)  # footer lines (举报电话, e-mail of the newsroom) repeat across pages
def mask(text: str) -> Masked:
    """``text`` with every match of a masked type replaced by its placeholder."""
    matches = find(text) if text else []
    if not matches:
        return Masked(text, (), ())
    out: list[str] = []
    masks: list[tuple[str, str]] = []
    last = 0
    for m in matches:
        if m.type not in PLACEHOLDER:
            continue
        out.append(text[last:m.start])
        out.append(PLACEHOLDER[m.type])
        masks.append((m.type, shape(text[m.start:m.end])))
        last = m.end
    out.append(text[last:])
    return Masked("".join(out), tuple(masks), tuple(m.type for m in matches if m.type not in PLACEHOLDER))


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(TYPES, 0)


class Masker:
    """The masks of one document: masks texts, logs every mask as a repair (kind ``pii-<type>``,
    the value's shape before, the placeholder after) and counts them by type."""

    def __init__(self) -> None:
        self.repairs: list[Repair] = []
        self.counts = empty_counts()

    def __call__(self, text: str, line_no: int, count_kept: bool = False) -> str:
        result = mask(text)
        for kind, value_shape in result.masks:
            self.repairs.append(Repair(KIND[kind], line_no, value_shape, PLACEHOLDER[kind], "pii-mask"))
            self.counts[kind] += 1
        if count_kept:
            for kind in result.kept:
                self.counts[kind] += 1
        return result.text


__all__ = [
    "COUNTED", "KIND", "MASKED", "PLACEHOLDER", "TYPES", "Masked", "Masker", "Match", "empty_counts", "find",
    "fold", "hongkong_id_valid", "mainland_id_valid", "mask", "shape", "taiwan_id_valid",
]
