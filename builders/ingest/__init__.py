"""Ingest: sources.yaml + raw bytes → Documents holding the decoded page (text or HTML).

The extract stage (builders/extract) turns the decoded page into lines / blocks."""

from __future__ import annotations

from collections.abc import Iterator

from builders.config import Paths
from builders.ingest.decode import decode_bytes
from builders.ingest.html import looks_like_html
from builders.ingest.sources import load_sources
from builders.record import Document, Source


def read_document(paths: Paths, source: Source) -> Document:
    path = paths.corpus / source.file
    text, encoding = decode_bytes(path.read_bytes(), path, source.charset)
    html = looks_like_html(text)
    return Document(
        id=source.id,
        source=source,
        raw_sha256=source.sha256,
        encoding=encoding,
        format="html" if html else "text",
        raw_text=text,
        html=text if html else None,  # the decoded page: extract reads it (blocks, metadata candidates)
    )


def read_corpus(paths: Paths) -> Iterator[Document]:
    """Documents in id order; sources.yaml is checked against raw/ before the first one."""
    for source in load_sources(paths):
        yield read_document(paths, source)
