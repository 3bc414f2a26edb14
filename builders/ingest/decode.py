"""Bytes → text. Strict UTF-8 first; other encodings only when detection is confident.

Every refusal is a BuildError naming the file and the reason, so a maintainer who drops a
broken page into ``corpus/raw/`` learns exactly what is wrong with it.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from builders.config import section
from builders.record import BuildError

# Encodings we accept from detection: the ones Chinese pages are really published in.
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936", "hz", "utf_16", "utf_8"}


def _han_or_ascii_share(text: str) -> float:
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return 0.0
    good = sum(1 for c in letters if c.isascii() or "CJK" in unicodedata.name(c, "") or _is_cjk_punct(c))
    return good / len(letters)


def _is_cjk_punct(char: str) -> bool:
    code = ord(char)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x206F


def decode_bytes(data: bytes, origin: Path) -> tuple[str, str]:
    """Return (text, encoding name). Line endings are normalised to ``\\n``."""
    cfg = section("ingest")
    if len(data) > int(cfg["max_page_bytes"]):
        raise BuildError(f"{origin}: page is {len(data)} bytes, over the limit of {cfg['max_page_bytes']}")
    if not data.strip():
        raise BuildError(f"{origin}: page is empty or whitespace only")

    text: str | None = None
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", origin), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", origin), "utf-16"
    elif b"\x00" in data:
        # NUL bytes without a BOM: UTF-16 without BOM, or a binary file.
        text, encoding = _detect(data, origin, reason="contains NUL bytes")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, encoding = _detect(data, origin, reason="is not valid UTF-8")

    if "\x00" in text:
        raise BuildError(f"{origin}: contains NUL characters (binary file?)")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 200):
        raise BuildError(f"{origin}: {controls} control characters: looks like a binary file")
    if not text.strip():
        raise BuildError(f"{origin}: page is empty or whitespace only")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > int(cfg["max_line_chars"]):
        raise BuildError(
            f"{origin}: a line of {longest} characters is over the limit of {cfg['max_line_chars']}"
        )
    return text, encoding


def _strict(data: bytes, codec: str, origin: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BuildError(f"{origin}: declared {codec} by its BOM but byte {exc.start} is invalid") from exc


def _detect(data: bytes, origin: Path, reason: str) -> tuple[str, str]:
    cfg = section("ingest")
    best = from_bytes(data).best()
    if best is None:
        raise BuildError(f"{origin}: {reason} and no encoding could be detected (binary file?)")
    name = best.encoding.lower().replace("-", "_")
    if name not in _CHINESE_ENCODINGS:
        raise BuildError(f"{origin}: {reason}; detected {best.encoding}, which is not an accepted Chinese encoding")
    if best.chaos > float(cfg["max_decode_chaos"]):
        raise BuildError(f"{origin}: {reason}; {best.encoding} detected with too little confidence (chaos {best.chaos:.2f})")
    text = str(best)
    if _han_or_ascii_share(text) < float(cfg["min_decoded_han_share"]):
        raise BuildError(f"{origin}: {reason}; decoding as {best.encoding} does not give Chinese text")
    return text, name
