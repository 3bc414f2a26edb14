"""Metadata candidates of an HTML page: every place a title, date, author or publisher may be
stated, each with its value, the rule (source) it came from and where it sits on the page.

A pure function of the decoded HTML (or a parsed selectolax tree). Nothing is chosen here:
builders/enrich/metadata.py weighs the candidates by a documented precedence (docs/cleaning.md,
"Metadata precedence"). Sources, in the order a reader of the code meets them:

- structured data: JSON-LD (``NewsArticle`` / ``Article`` / ... also inside ``@graph`` and
  lists), OpenGraph and ``article:*`` meta, Dublin Core, ``itemprop``, ``name=publishdate``
  and the like, ``<time datetime>``;
- headings and visible text: one ``line`` candidate per visible block with its position
  (``pos``, 0-based in document order) and ``h1``..``h6`` when the line is inside a heading;
  elements whose class or id names the field (author, byline, source, pubtime, date ...), so a
  byline marked up as ``<span class="author">`` is found without a label word;
- ``<title>`` and inline script variables (``source: '...'``, ``publishdate = '...'``), which
  some Chinese CMS templates use instead of meta tags.

Only markup conventions appear here (attribute names, schema.org types, class-name words); the
Chinese vocabulary of bylines lives with the chooser.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from builders.record import MetaCandidate

# Elements whose text is never shown (head is read separately for <title> and meta).
INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "select"}
)
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "option", "caption", "legend",
    }
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Containers whose headings are site furniture, never the article's headline.
FURNITURE = frozenset({"nav", "footer", "aside", "menu"})
# class / id / role words of site furniture (menus, footers, breadcrumbs, logos, side bars),
# pinyin abbreviations included: a heading inside them is never the headline.
_FURNITURE_WORDS = re.compile(
    r"(?:^|[^a-z])(?:nav|navbar|navigation|menu|footer|foot|breadcrumb|crumbs?|sidebar|side-bar|logo|"
    r"copyright|daohang|dh)(?:$|[^a-z])",
    re.I,
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# schema.org types whose headline / dates / author describe the page's article.
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|NewsArticle|Report|LiveBlogPosting)$")
# Meta names (name / property / itemprop, lower-cased) per field. Dates: publication, never
# modification or expiry.
_META_TITLE = {"og:title", "twitter:title", "title", "dc.title", "headline", "name"}
_META_DATE = re.compile(
    r"^(?:article:published(?:_time)?|og:published_time|og:release_date|og:time|datepublished|"
    r"publishdate|publish_date|publish-date|publishtime|publish_time|pubdate|pubtime|"
    r"publication_date|release_date|dc\.date|dc\.date\.issued|dcterms\.created|dcterms\.issued|"
    r"dcterms\.date|date|sailthru\.date|parsely-pub-date|weibo:\s*article:create_at|"
    r"datecreated|created|article\.published)$"
)
_META_AUTHOR = {"author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author",
                "parsely-author", "byline"}  # fmt: skip
_META_PUBLISHER = {"og:site_name", "source", "dc.publisher", "dcterms.publisher", "publisher",
                   "application-name", "mediaid", "sitename", "site_name", "site"}  # fmt: skip
# class / id words that mark a field ("pub_time", "author_baidu", "sourceTitleText", "byline").
_CLASS_FIELD = (
    ("author", re.compile(r"(?:^|[^a-z])(?:author|byline|writer|reporter|zuozhe|jizhe)", re.I)),
    ("publisher", re.compile(r"(?:^|[^a-z])(?:source|laiyuan|publisher|media-?name)", re.I)),
    ("published_at", re.compile(r"(?:^|[^a-z])(?:pub-?_?time|pub-?_?date|publish|time|date|shijian|riqi)", re.I)),
)
_CLASS_NOT = re.compile(r"editor|update|modif|comment|reply", re.I)
_CLASS_MAX_CHARS = 60  # a byline element is short; longer ones are containers of the article
# Inline script variables of CMS templates: `source: '...'`, `var publishdate = "..."`.
_JS_VAR = re.compile(
    r"""["']?(?P<key>source|publishdate|pubdate|pubtime|publishtime|publish_time|newstime|"""
    r"""releasetime|release_time|createtime)["']?\s*[:=]\s*["'](?P<value>[^"'\n]{2,40})["']""",
    re.I,
)
_JS_FIELD = {"source": "publisher"}


def _text(value: Any) -> str:
    """White space collapsed; values that are not text (JSON-LD objects, lists) give ""."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return _SPACES.sub(" ", str(value)).strip()


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


class _Walker:
    """Visible text split into lines (one per block), remembering where marked elements start
    and end as character offsets into the joined text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        # (kind, rule, start, end, value): value None means the element's visible text
        self.spans: list[tuple[str, str, int, int, str | None]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def walk(self, root: LexborNode) -> None:
        """Depth-first over the visible elements, with an explicit stack (deeply nested markup
        must not exhaust Python's recursion limit)."""
        # Work items: a node to enter (with its furniture flag), or the close of an element.
        stack: list[tuple[LexborNode, bool] | _Close] = [(c, False) for c in reversed(_children(root))]
        while stack:
            item = stack.pop()
            if isinstance(item, _Close):
                end = self.size
                if item.block:
                    self.add("\n")
                for kind, rule, value in item.marks:
                    self.spans.append((kind, rule, item.start, end, value))
                continue
            node, furniture = item
            tag = node.tag
            if tag == "-text":
                self.add(_SPACES.sub(" ", node.text_content or ""))
            elif tag == "br":
                self.add("\n")
            elif tag in ("-comment", "!doctype", "img") or tag in INVISIBLE or tag is None or _hidden(node):
                continue
            else:
                inner, marks = _marks(node, tag, furniture)
                block = tag in BLOCK
                if block:
                    self.add("\n")
                stack.append(_Close(self.size, block, marks))
                stack.extend((c, inner) for c in reversed(_children(node)))


@dataclass(frozen=True)
class _Close:
    start: int
    block: bool
    marks: list[tuple[str, str, str | None]]


def _children(node: LexborNode) -> list[LexborNode]:
    out = []
    child = node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def _marks(node: LexborNode, tag: str, furniture: bool) -> tuple[bool, list[tuple[str, str, str | None]]]:
    """(furniture flag for the children, the fields this element marks)."""
    attrs = node.attributes
    words = " ".join(v for v in (attrs.get("class"), attrs.get("id"), attrs.get("role")) if v)
    inner = furniture or tag in FURNITURE or bool(words and _FURNITURE_WORDS.search(words))
    marks: list[tuple[str, str, str | None]] = []
    if inner and not furniture:
        marks.append(("furniture", "furniture", None))
    if tag in HEADINGS:
        marks.append(("heading", tag + (":furniture" if inner else ""), None))
    if words and not _CLASS_NOT.search(words):
        for field, pattern in _CLASS_FIELD:
            if pattern.search(words):
                marks.append((field, "class:" + field, None))
                break
    itemprop = (attrs.get("itemprop") or "").strip().lower()
    if itemprop in ("author", "headline", "datepublished"):
        field = {"author": "author", "headline": "heading", "datepublished": "published_at"}[itemprop]
        marks.append((field, "itemprop:" + itemprop, attrs.get("datetime") or attrs.get("content")))
    elif tag == "time" and attrs.get("datetime"):
        marks.append(("published_at", "time-datetime", attrs.get("datetime")))
    return inner, marks


def _lines(joined: str) -> tuple[list[str], list[int], list[int]]:
    """Non-empty lines with the offsets where each starts and ends in the joined text."""
    lines: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    offset = 0
    for raw in joined.split("\n"):
        text = _text(raw)
        if text:
            lines.append(text)
            starts.append(offset)
            ends.append(offset + len(raw))
        offset += len(raw) + 1
    return lines, starts, ends


def _visible(tree: LexborHTMLParser) -> Iterator[MetaCandidate]:
    root: Any = tree.body if tree.body is not None else tree.root
    if root is None:
        return
    walker = _Walker()
    walker.walk(root)
    joined = "".join(walker.parts)
    lines, starts, ends = _lines(joined)
    headings: dict[int, str] = {}
    furniture: set[int] = set()
    marked: list[MetaCandidate] = []
    for kind, rule, start, end, value in walker.spans:
        pos = bisect_right(ends, start)  # the line holding the span's first character
        if kind == "furniture":
            furniture.update(range(pos, bisect_left(starts, end)))
            continue
        text = _text(value) if value is not None else _text(joined[start:end])
        if not text:
            continue
        if kind == "heading":
            # Every line inside the heading is a candidate (<h1>headline<br>subtitle</h1>),
            # and the whole heading too when it has several.
            for i in range(pos, bisect_left(starts, end)):
                headings.setdefault(i, rule.removesuffix(":furniture"))
            marked.append(MetaCandidate("heading", text, rule, pos))
        elif len(text) <= _CLASS_MAX_CHARS:
            marked.append(MetaCandidate(kind, text, rule, pos))
    for i, text in enumerate(lines):
        yield MetaCandidate("line", text, headings.get(i, "text") + (":furniture" if i in furniture else ""), i)
    yield from sorted(marked, key=lambda c: (c.pos, len(c.value), c.field, c.rule))


def _jsonld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_items(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _jsonld_items(data["@graph"])
        yield data


def _types(item: dict[str, Any]) -> list[str]:
    value = item.get("@type", [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _names(value: Any) -> Iterator[tuple[str, str]]:
    """(name, schema type) of a JSON-LD person / organisation value (string, object or list)."""
    if isinstance(value, list):
        for item in value:
            yield from _names(item)
    elif isinstance(value, dict):
        name = _text(value.get("name"))
        if name:
            yield name, (_types(value) or ["Thing"])[0]
    elif isinstance(value, str) and _text(value):
        yield _text(value), "Text"


def _jsonld(tree: LexborHTMLParser) -> Iterator[MetaCandidate]:
    for script in tree.css('script[type="application/ld+json"]'):
        raw = script.text(deep=True) or ""
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue  # malformed JSON-LD is common; the other sources remain
        for item in _jsonld_items(data):
            if not any(_ARTICLE_TYPE.search(t) for t in _types(item)):
                continue
            headline = _text(item.get("headline") or item.get("name"))
            if headline:
                yield MetaCandidate("title", headline, "json-ld:headline")
            for key in ("datePublished", "dateCreated"):
                value = _text(item.get(key))
                if value:
                    yield MetaCandidate("published_at", value, f"json-ld:{key}")
            for name, kind in _names(item.get("author")):
                yield MetaCandidate("author", name, f"json-ld:author:{kind}")
            for name, kind in _names(item.get("publisher")):
                yield MetaCandidate("publisher", name, f"json-ld:publisher:{kind}")


def _meta(tree: LexborHTMLParser) -> Iterator[MetaCandidate]:
    title = tree.css_first("title")
    if title is not None:
        text = _text(title.text(deep=True))
        if text:
            yield MetaCandidate("title", text, "title-tag")
    for node in tree.css("meta"):
        attrs = node.attributes
        key = _text(attrs.get("property") or attrs.get("name") or attrs.get("itemprop")).lower()
        value = _text(attrs.get("content"))
        if not key or not value:
            continue
        rule = f"meta:{key}"
        if key in _META_TITLE:
            yield MetaCandidate("title", value, rule)
        elif _META_DATE.match(key):
            yield MetaCandidate("published_at", value, rule)
        elif key in _META_AUTHOR:
            yield MetaCandidate("author", value, rule)
        elif key in _META_PUBLISHER:
            yield MetaCandidate("publisher", value, rule)
        elif key == "editor":
            yield MetaCandidate("editor", value, rule)


def _scripts(tree: LexborHTMLParser) -> Iterator[MetaCandidate]:
    for script in tree.css("script"):
        kind = (script.attributes.get("type") or "").lower()
        if kind and "javascript" not in kind:
            continue
        seen: set[str] = set()
        for match in _JS_VAR.finditer(script.text(deep=True) or ""):
            key = match["key"].lower()
            if key in seen:  # the first assignment is the page's own; later ones are lists
                continue
            seen.add(key)
            value = _text(match["value"])
            if value:
                yield MetaCandidate(_JS_FIELD.get(key, "published_at"), value, f"script:{key}")


def metadata_candidates(page: str | LexborHTMLParser) -> list[MetaCandidate]:
    """All metadata candidates of a page, in a fixed order: structured data, <title> and meta,
    script variables, then visible lines and marked elements by position."""
    tree = LexborHTMLParser(page) if isinstance(page, str) else page
    out: list[MetaCandidate] = []
    out.extend(_jsonld(tree))
    out.extend(_meta(tree))
    out.extend(_scripts(tree))
    out.extend(_visible(tree))
    return out


__all__ = ["metadata_candidates"]
