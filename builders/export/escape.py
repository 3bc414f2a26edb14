"""Scraped text is untrusted: everything from the corpus goes through these before it is
rendered into Markdown (the dataset card, the docs site)."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-.!|>])")
# Characters written as numeric entities in Markdown (after backslash-escaping, so that no
# entity gets a backslash inside): braces break every template delimiter ({{ {% {#) for any
# template engine, and "~" (GFM strikethrough) because Python-Markdown, unlike CommonMark,
# does not unescape "\~".
_MD_ENTITIES = str.maketrans({"{": "&#123;", "}": "&#125;", "~": "&#126;"})
# Jinja / template syntax: MkDocs macros or Hub renderers must never see live delimiters.
_TEMPLATE = re.compile(r"(\{\{|\}\}|\{%|%\}|\{#|#\})")


def md_inline(text: str | None, empty: str = "—") -> str:
    """Escape text for one inline Markdown span (a table cell, a list item).

    HTML-escaped first, then every Markdown special character gets a backslash, then braces
    and tildes become entities. The order matters: a backslash-escaped ``#`` inside an entity
    (``&\\#123;``) shows as literal text in CommonMark renderers such as the Hub's."""
    if text is None or not str(text).strip():
        return empty
    flat = " ".join(str(text).split())
    escaped = html.escape(flat, quote=True)
    return _MD_SPECIAL.sub(r"\\\1", escaped).translate(_MD_ENTITIES)


def html_text(text: str | None) -> str:
    """Escape text for an HTML element body (keeps line breaks as they are)."""
    if text is None:
        return ""
    escaped = html.escape(str(text), quote=True)
    return _TEMPLATE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(1)), escaped)


def html_attr(text: str | None) -> str:
    """Escape text for a double-quoted HTML attribute value (same rules as element bodies)."""
    return html_text(text)
