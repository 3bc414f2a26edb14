"""Ingest: sources.yaml + raw bytes → Documents with one Line per raw line."""

from __future__ import annotations

from collections.abc import Iterator

from builders.config import Paths
from builders.ingest.decode import decode_bytes
from builders.ingest.sources import load_sources
from builders.record import Document, Line, Source


def split_lines(text: str) -> list[Line]:
    """One Line per ``\\n``-separated line (1-based numbers; blank lines included)."""
    return [Line(number=i, raw=raw, text=raw) for i, raw in enumerate(text.split("\n"), start=1)]


def read_document(paths: Paths, source: Source) -> Document:
    path = paths.corpus / source.file
    text, encoding = decode_bytes(path.read_bytes(), path, source.charset)
    fmt, meta, html = "text", {}, None
    try:
        from builders.ingest.html import html_to_text, looks_like_html
    except ImportError:  # html support lands with the cleaning stage
        looks_like_html = None  # type: ignore[assignment]
    if looks_like_html is not None and looks_like_html(text):
        html = text
        text, meta = html_to_text(text)
        fmt = "html"
    doc = Document(
        id=source.id,
        source=source,
        raw_sha256=source.sha256,
        encoding=encoding,
        format=fmt,
        raw_text=text,
        html_meta=meta,
        html=html,
    )
    doc.lines = split_lines(text)
    return doc


def read_corpus(paths: Paths) -> Iterator[Document]:
    """Documents in id order; sources.yaml is checked against raw/ before the first one."""
    for source in load_sources(paths):
        yield read_document(paths, source)
