"""Scraped text is untrusted: everything from the corpus goes through these before it is
rendered into Markdown (the dataset card, the docs site)."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
# Jinja / template syntax: MkDocs macros or Hub renderers must never see live delimiters.
_TEMPLATE = re.compile(r"(\{\{|\}\}|\{%|%\}|\{#|#\})")


def md_inline(text: str | None, empty: str = "—") -> str:
    """Escape text for one inline Markdown span (a table cell, a list item)."""
    if text is None or not str(text).strip():
        return empty
    flat = " ".join(str(text).split())
    escaped = html.escape(flat, quote=True)
    escaped = _TEMPLATE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(1)), escaped)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def html_text(text: str | None) -> str:
    """Escape text for an HTML element body (keeps line breaks as they are)."""
    if text is None:
        return ""
    escaped = html.escape(str(text), quote=True)
    return _TEMPLATE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(1)), escaped)
