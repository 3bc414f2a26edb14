"""Bytes → text. Strict UTF-8 first; other encodings only when detection is confident.

Every refusal is a PageError naming the file and the reason: the build sets the page aside
(``rejected.json``) and a maintainer learns exactly what is wrong with it. The order of checks:

1. size limit (before anything is decoded), empty / whitespace-only page;
2. a byte-order mark decides (UTF-8, UTF-16 LE/BE) and the rest must decode strictly;
2b. the HTTP charset recorded with the page (``charset:`` in sources.yaml, from a WARC
   response) is tried next, with the superset of a legacy label (gb2312 -> gb18030,
   big5 -> big5-hkscs); a header that does not fit the bytes is ignored, not trusted, and
   so is a legacy header on bytes that are valid UTF-8 (mislabelled servers are common);
3. valid UTF-8 is taken as UTF-8 (whatever the page declares: declarations are often wrong);
4. otherwise the charset a ``<meta>`` tag declares, widened to its family (GB2312 → GBK →
   GB18030, Big5 → CP950 → Big5-HKSCS), when the bytes decode strictly and the text is Chinese;
5. otherwise charset-normalizer guesses; the guess is accepted only when it is an encoding
   Chinese pages are published in (GBK/GB18030, Big5, UTF-16 without BOM), the bytes decode
   strictly with it, its "chaos" is low and the text is mostly Han / ASCII;
6. the decoded text must not contain NUL or many control characters (binary files). Line
   lengths are limits on visible text: the extract stage checks them.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from builders.config import section
from builders.record import PageError

# Encodings accepted from detection, normalised to Python codec names, with the narrowest
# compatible codec tried first so the recorded name is the one the page was most likely saved
# in (a GBK page also decodes as GB18030, a Big5 page as Big5-HKSCS).
_FAMILIES: dict[str, tuple[str, ...]] = {
    "gb2312": ("gbk", "gb18030"),
    "gbk": ("gbk", "gb18030"),
    "cp936": ("gbk", "gb18030"),
    "gb18030": ("gbk", "gb18030"),
    "hz": ("hz",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("big5", "cp950", "big5hkscs"),
    "big5hkscs": ("big5", "cp950", "big5hkscs"),
    "x_gbk": ("gbk", "gb18030"),
    "euc_cn": ("gbk", "gb18030"),
    "big5_hkscs": ("big5", "cp950", "big5hkscs"),
    "x_big5": ("big5", "cp950", "big5hkscs"),
    "utf_16": ("utf-16",),
    "utf_16_le": ("utf-16-le",),
    "utf_16_be": ("utf-16-be",),
}
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")
# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; minus the allowed four.
_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _han_or_ascii_share(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return 0.0
    good = sum(1 for c in letters if c.isascii() or _is_han(c) or _is_cjk_punct(c))
    return good / len(letters)


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK ")


def _is_cjk_punct(char: str) -> bool:
    code = ord(char)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x206F


def _where(data: bytes, offset: int) -> str:
    """'offset N, line L' for an offset into raw bytes (lines counted by LF bytes)."""
    line = data.count(b"\n", 0, offset) + 1
    return f"offset {offset}, line {line}"


def decode_bytes(data: bytes, origin: Path, hint: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Line endings are normalised to ``\\n``. ``hint`` is the
    page's HTTP charset, when one was recorded."""
    cfg = section("ingest")
    limit = int(cfg["max_page_bytes"])
    if len(data) > limit:
        raise PageError(
            f"{origin}: page is {len(data)} bytes, over the limit of {limit} (ingest.max_page_bytes)"
        )
    if not data.strip():
        raise PageError(f"{origin}: page is empty or whitespace only")

    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", origin, offset=3), "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE):
        text, encoding = _strict(data[2:], "utf-16-le", origin, offset=2), "utf-16"
    elif data.startswith(codecs.BOM_UTF16_BE):
        text, encoding = _strict(data[2:], "utf-16-be", origin, offset=2), "utf-16"
    elif hint is not None and (hinted := _hinted(data, hint)) is not None:
        text, encoding = hinted
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            nul = data.find(b"\x00")
            if nul >= 0:
                reason = f"contains NUL bytes (first at {_where(data, nul)})"
            else:
                bad = data[exc.start]
                reason = f"is not valid UTF-8 (invalid byte 0x{bad:02x} at {_where(data, exc.start)})"
            declared = _declared(data, origin, reason)
            text, encoding = declared if declared is not None else _detect(data, origin, reason)

    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise PageError(f"{origin}: contains NUL characters (line {line}): a binary file, not a text page")
    controls = len(_CONTROLS_RE.findall(text))
    if controls > max(8, len(text) // 200):
        raise PageError(f"{origin}: {controls} control characters: a binary file, not a text page")
    if not text.strip():
        raise PageError(f"{origin}: page is empty or whitespace only (after decoding as {encoding})")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line lengths are checked on visible text by the extract stage, never on markup here.
    return text, encoding


# A legacy label decodes with its superset: servers announce gb2312 / big5 for pages that use
# characters only GB18030 / Big5-HKSCS have.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}


def _hinted(data: bytes, hint: str) -> tuple[str, str] | None:
    """Decode with the HTTP charset (or its superset); None when the bytes do not fit it.

    A single-byte label (servers still default to ISO-8859-1) decodes almost any bytes: then
    the result must also be mostly Han / ASCII text, the test a detected encoding has to pass."""
    try:
        name = codecs.lookup(hint).name
    except LookupError:
        return None
    codec = _SUPERSETS.get(name, name)
    if codec != "utf-8" and _valid_utf8(data):
        return None  # valid UTF-8 is stronger evidence than a header (a GB18030 decode of it can pass)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if codec not in _SELF_CHECKING and _han_or_ascii_share(text) < float(section("ingest")["min_decoded_han_share"]):
        return None
    return text, codec


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Codecs whose strict decoding is itself evidence: random or mislabelled bytes rarely pass it.
# Any other label (ISO-8859-1, windows-1252: server defaults that decode nearly any bytes)
# must also give mostly Han / ASCII text.
_SELF_CHECKING = frozenset({"utf-8", "gb18030", "big5hkscs", "utf-16", "utf-16-le", "utf-16-be"})


# <meta charset="..."> or <meta http-equiv="content-type" content="...; charset=...">, in the
# first bytes of the page (HTML requires the declaration within the first 1024 bytes; pages
# in the wild put it later, after long comments or scripts).
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.I)


def declared_charsets(data: bytes) -> list[str]:
    """Charsets the page declares in meta tags, lowercased, in order (no duplicates)."""
    out: list[str] = []
    for match in _META_CHARSET.finditer(data[:16384]):
        name = match.group(1).decode("ascii", "replace").lower().replace("-", "_")
        if name not in out:
            out.append(name)
    return out


def _declared(data: bytes, origin: Path, reason: str) -> tuple[str, str] | None:
    """Decode with the declared charset's family when the bytes decode strictly with it and the
    text is Chinese; None to fall back on detection (declarations are often wrong: a page
    declaring GB2312 that is UTF-8 never gets here, one declaring big5 that needs Big5-HKSCS
    decodes with the family's widest codec)."""
    cfg = section("ingest")
    for name in declared_charsets(data):
        for codec in _FAMILIES.get(name, ()):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _han_or_ascii_share(text) >= float(cfg["min_decoded_han_share"]) and _han_count(text) > 0:
                return text, codec
    return None


def _han_count(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")


def _strict(data: bytes, codec: str, origin: Path, offset: int = 0) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise PageError(
            f"{origin}: starts with a {codec} byte-order mark "
            f"but is not valid {codec} at {_where(data, exc.start + offset)}"
        ) from exc


def _detect(data: bytes, origin: Path, reason: str) -> tuple[str, str]:
    """Decode with a detected Chinese encoding, or refuse (the message says why)."""
    cfg = section("ingest")
    best = from_bytes(data).best()
    if best is None:
        raise PageError(f"{origin}: {reason}, and no text encoding fits it (binary or damaged file)")
    detected = best.encoding.lower().replace("-", "_")
    family = _FAMILIES.get(detected)
    if family is None:
        raise PageError(
            f"{origin}: {reason}; it looks like {best.encoding}, which is not an accepted Chinese encoding "
            "(convert the page to UTF-8)"
        )
    max_chaos = float(cfg["max_decode_chaos"])
    if best.chaos > max_chaos:
        raise PageError(
            f"{origin}: {reason}; {best.encoding} detected with too little confidence "
            f"(chaos {best.chaos:.2f} > {max_chaos}; convert the page to UTF-8)"
        )
    reference = str(best)
    for codec in family:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == family[-1] or text == reference:
            break
    else:
        raise PageError(f"{origin}: {reason}; detected {best.encoding} but the bytes do not decode with it")
    share = _han_or_ascii_share(text)
    if share < float(cfg["min_decoded_han_share"]):
        raise PageError(
            f"{origin}: {reason}; decoding as {codec} gives only {share:.0%} Han/ASCII characters, "
            "not Chinese text"
        )
    return text, codec
