"""Extract: a decoded page → one Line per block of visible text (with DOM signals for HTML), the
page's meta tags and its metadata candidates (builders/extract/metadata.py), between ingest
(bytes → text) and clean (labels).

HTML pages are parsed into blocks (builders/extract/html.py); plain-text pages keep one line
per text line, without DOM signals. Limits apply here, to visible text, never to markup: a
block (or line) longer than ``ingest.max_line_chars`` or a page with too little Chinese text
is refused with a :class:`PageError` naming the reason; the pipeline sets such a page aside.
"""

from __future__ import annotations

import re

from builders.config import section
from builders.record import Document, Line, PageError

HAN_RANGES = (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"), ("\uf900", "\ufaff"))
# One character class, matched in C: the per-character Python loop it replaces was a quarter of
# the per-page CPU of a build (benchmarks/stage_profile.py, 1,000 generated pages).
HAN_CHAR = re.compile("[" + "".join(f"{lo}-{hi}" for lo, hi in HAN_RANGES) + "]")


def han_count(text: str) -> int:
    return len(HAN_CHAR.findall(text))


def split_lines(text: str) -> list[Line]:
    """One Line per ``\\n``-separated line (1-based numbers; blank lines included)."""
    return [Line(number=i, raw=raw, text=raw) for i, raw in enumerate(text.split("\n"), start=1)]


def _check_limits(doc: Document) -> None:
    limit = int(section("ingest")["max_line_chars"])
    what = "block" if doc.format == "html" else "line"
    for line in doc.lines:
        if len(line.raw) > limit:
            where = f" ({line.block.path})" if line.block is not None else ""
            raise PageError(
                f"{doc.source.file}: {what} {line.number}{where} has {len(line.raw)} characters of visible text, "
                f"over the limit of {limit} (ingest.max_line_chars)"
            )
    need = int(section("extract")["min_han_chars"])
    han = sum(han_count(line.raw) for line in doc.lines)
    if han < need:
        raise PageError(
            f"{doc.source.file}: no Chinese text ({han} Han characters of visible text, fewer than {need}; "
            "extract.min_han_chars)"
        )


def extract_document(doc: Document, *, metadata: bool = True) -> Document:
    """Fill doc.lines (and for HTML doc.html_meta and, unless ``metadata`` is False,
    doc.meta_candidates); doc.raw_text becomes the visible text. The line-index pass needs only
    the lines, so it skips the candidates (a second walk of the tree per page)."""
    if doc.format == "html":
        from builders.extract.html import extract_blocks, meta_tags, parse
        from builders.extract.metadata import metadata_candidates

        if doc.html is None:
            doc.html = doc.raw_text
        try:
            tree = parse(doc.html)
            blocks = extract_blocks(tree)
            doc.html_meta = meta_tags(tree)
            if metadata and not doc.meta_candidates:  # one parse for the blocks and the candidates
                doc.meta_candidates = metadata_candidates(tree)
        except PageError as exc:
            raise PageError(f"{doc.source.file}: {exc}") from exc
        except RecursionError as exc:  # the parser itself on absurd nesting
            raise PageError(f"{doc.source.file}: HTML nested too deeply to parse") from exc
        doc.lines = [Line(number=i, raw=text, text=text, block=block) for i, (text, block) in enumerate(blocks, 1)]
        doc.raw_text = "\n".join(line.raw for line in doc.lines)
    else:
        doc.lines = split_lines(doc.raw_text)
    _check_limits(doc)
    return doc


__all__ = ["extract_document", "han_count", "split_lines"]
