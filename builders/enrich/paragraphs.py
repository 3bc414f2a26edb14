"""Paragraphs of the clean text: the unit of the ``paragraphs`` config and of conversion."""

from __future__ import annotations

from builders.record import PARAGRAPH_BREAK, Document, Paragraph


def split_paragraphs(doc: Document) -> Document:
    """Clean text keeps one paragraph per blank-line-separated block (cleaning joins content
    lines with a blank line), so paragraphs are exactly those blocks, in order."""
    blocks = [block.strip() for block in doc.text.split(PARAGRAPH_BREAK)]
    doc.paragraphs = [Paragraph(index=i, text=b) for i, b in enumerate(x for x in blocks if x)]
    return doc
