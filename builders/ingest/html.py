"""HTML pages: visible text with one line per block element, and the page's meta tags.

Parsing uses selectolax (Lexbor backend; maintained, fast, tolerant of broken markup). The
labeller then treats the extracted lines exactly like a plain-text page; the meta tags feed
metadata (builders/enrich/metadata.py).
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements whose text is never shown.
INVISIBLE = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head")
# Elements that start a new line (HTML block-level and list / table structure).
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "option", "caption", "legend",
    }
)  # fmt: skip
# Meta tags worth keeping (name or property, lowercase).
META_KEYS = (
    "og:title", "og:site_name", "og:description", "og:type", "og:url", "og:published_time",
    "article:published_time", "article:modified_time", "article:author", "article:section",
    "article:tag", "author", "description", "keywords", "publishdate", "pubdate", "publish_date",
    "date", "dc.date", "dc.date.issued", "dc.creator", "dc.publisher", "dc.title", "sitename",
    "site_name", "application-name", "twitter:title", "source", "mediaid", "weibo: article:create_at",
)  # fmt: skip

_DOCTYPE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
_BLOCK_TAG = re.compile(
    r"<(?:p|div|br|li|h[1-6]|table|tr|td|body|meta|title|span|a|ul|article|section)\b[^>]*>", re.I
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # HTML white space; NBSP and U+3000 are left to the repairs


def looks_like_html(text: str) -> bool:
    """True for an HTML document (doctype / <html> / <head> at the start, or dense markup).

    A plain-text page with a stray ``</p>`` or two is not HTML: the repairs remove those."""
    head = text[:4096]
    if _DOCTYPE.match(head):
        return True
    tags = _BLOCK_TAG.findall(head)
    if len(tags) < 5:
        return False
    markup = sum(len(t) for t in tags)
    return markup >= 0.05 * len(head.strip())


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style") or ""
    return bool(_HIDDEN_STYLE.search(style))


def _walk(node: LexborNode, out: list[str], pre: bool = False) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            # Source line breaks are white space, except inside <pre>.
            out.append(text if pre else _SPACES.sub(" ", text))
        elif tag in ("-comment", "!doctype") or tag in INVISIBLE:
            pass
        elif tag == "br":
            out.append("\n")
        elif tag == "img":
            pass  # alt text is not visible text
        elif not _hidden(child):
            block = tag in BLOCK
            if block:
                out.append("\n")
            _walk(child, out, pre or tag in ("pre", "textarea"))
            if block:
                out.append("\n")
        child = child.next


def _meta(tree: LexborHTMLParser) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = tree.css_first("title")
    if title is not None:
        text = _SPACES.sub(" ", title.text(deep=True) or "").strip()
        if text:
            meta["title"] = text
    wanted = set(META_KEYS)
    for node in tree.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        value = _SPACES.sub(" ", attrs.get("content") or "").strip()
        if key and value and (key in wanted or key == "datepublished") and key not in meta:
            meta[key] = value
    time_node = tree.css_first("time[datetime]")
    if time_node is not None:
        value = (time_node.attributes.get("datetime") or "").strip()
        if value:
            meta.setdefault("time:datetime", value)
    return dict(sorted(meta.items()))


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """(visible text, meta tags). One line per block element; inline elements stay on their
    line; script / style / noscript / template and hidden elements are dropped."""
    tree = LexborHTMLParser(html)
    root: Any = tree.body if tree.body is not None else tree.root
    parts: list[str] = []
    if root is not None:
        _walk(root, parts)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    return text, _meta(tree)
