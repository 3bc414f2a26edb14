"""HTML page → blocks with DOM signals, and the page's meta tags.

Parsing uses selectolax (Lexbor backend; maintained, fast, tolerant of broken markup). Invisible
parts go first (script, style, noscript, template, svg, hidden elements). A *block* is the
visible text a block-level element holds itself (its inline descendants included, nested
blocks not), cut at ``<br>``. Each block carries the signals the cleaning stage weighs beside
its text rules (docs/cleaning.md, "Block signals"):

- ``path``: a CSS-like location (``body>div#main>div.article>p``), exported with the lines;
- ``landmark``: the nearest ``article`` / ``main`` / ``nav`` / ``header`` / ``footer`` /
  ``aside`` (or ARIA role) around it;
- ``words``: boilerplate categories named by class and id words around it (``nav``,
  ``footer``, ``share``, ``related``, pinyin ``xgxw`` ...; builders/config.yaml);
- ``link_chars`` (link density), ``heading`` level, ``bold``;
- ``in_main``: inside the *main container*, the element whose blocks hold the most punctuated
  prose outside links (scored like Readability: a text block's score goes to its container and
  half of it to the container's parent), or one of its siblings scoring nearly as well.

The walk is a loop over the tree (no recursion), so deep nesting cannot overflow the stack; a
page nested deeper than ``extract.max_depth`` is refused with that reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from builders.config import section
from builders.record import Block, PageError

# Elements whose text is never shown (select / option: drop-down menus of other sites).
INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "title",
     "select", "option", "textarea", "math"}
)  # fmt: skip
# Elements that start a new block (HTML block-level and list / table structure).
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        "caption", "legend",
    }
)  # fmt: skip
# Text-bearing leaves: their score goes to the element that holds them (a <p>'s container is
# its parent); a <div> with text of its own is a container itself (paragraphs cut by <br>).
LEAVES = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote", "pre", "figcaption",
     "caption", "address", "summary", "legend"}
)  # fmt: skip
LANDMARKS = frozenset({"article", "main", "nav", "header", "footer", "aside"})
ROLES = {
    "navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
    "main": "main", "article": "article",
}  # fmt: skip
BOLD = frozenset({"strong", "b"})
# Meta tags worth keeping (name or property, lowercase).
META_KEYS = (
    "og:title", "og:site_name", "og:description", "og:type", "og:url", "og:published_time",
    "article:published_time", "article:modified_time", "article:author", "article:section",
    "article:tag", "author", "description", "keywords", "publishdate", "pubdate", "publish_date",
    "date", "dc.date", "dc.date.issued", "dc.creator", "dc.publisher", "dc.title", "sitename",
    "site_name", "application-name", "twitter:title", "source", "mediaid", "weibo: article:create_at",
)  # fmt: skip

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # HTML white space; NBSP and U+3000 are left to the repairs
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9_-]")
PROSE_PUNCT = "，。；！？、"


def _config() -> Mapping[str, Any]:
    return section("extract")


@cache
def _word_categories() -> dict[str, str]:
    """class / id word → boilerplate category (builders/config.yaml, extract.class_words)."""
    out: dict[str, str] = {}
    for category, words in _config()["class_words"].items():
        for word in words:
            out[str(word).lower()] = str(category)
    return out


def class_words(value: str) -> list[str]:
    """Words of a class / id attribute: split at non-alphanumerics and camelCase, lowercase,
    trailing digits dropped ("newsList2" → news, list)."""
    words = _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower())
    return [w.rstrip("0123456789") for w in words if w.rstrip("0123456789")]


def _categories(attrs: Mapping[str, str | None]) -> frozenset[str]:
    table = _word_categories()
    found = {table[w] for key in ("class", "id") for w in class_words(attrs.get(key) or "") if w in table}
    return frozenset(found)


def _segment(tag: str, attrs: Mapping[str, str | None]) -> str:
    ident = _SEGMENT_CHARS.sub("", (attrs.get("id") or "").strip())[:40]
    if ident:
        return f"{tag}#{ident}"
    classes = [_SEGMENT_CHARS.sub("", c)[:40] for c in (attrs.get("class") or "").split()[:2]]
    return tag + "".join(f".{c}" for c in classes if c)


def _hidden(attrs: Mapping[str, str | None]) -> bool:
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


@dataclass
class _Element:
    parent: int  # index into the element list (-1 for the root)
    tag: str
    segment: str
    words: frozenset[str]
    landmark: str  # its own landmark ("" when it is none)


@dataclass
class _Frame:
    element: int
    block: bool
    pre: bool
    link: bool
    bold: bool


@dataclass
class RawBlock:
    text: str
    element: int  # the block-level element that holds the text
    link_chars: int
    bold: bool


@dataclass
class _Walk:
    elements: list[_Element] = field(default_factory=list)
    blocks: list[RawBlock] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    pieces: list[tuple[str, bool, bool]] = field(default_factory=list)  # (text, in link, bold)

    def owner(self) -> int:
        for frame in reversed(self.frames):
            if frame.block:
                return frame.element
        return self.frames[0].element

    def flush(self, element: int) -> None:
        if not self.pieces:
            return
        text = _SPACES.sub(" ", "".join(p for p, _, _ in self.pieces)).strip()
        if text:
            link = sum(len("".join(p.split())) for p, in_link, _ in self.pieces if in_link)
            plain = [p for p, _, bold in self.pieces if not bold and p.strip()]
            self.blocks.append(RawBlock(text, element, link, bold=not plain))
        self.pieces = []


def _walk(root: LexborNode, max_depth: int) -> _Walk:
    w = _Walk()
    w.elements.append(_Element(-1, root.tag or "body", root.tag or "body", frozenset(), ""))
    w.frames.append(_Frame(0, True, False, False, False))

    def enter(node: LexborNode, tag: str, attrs: Mapping[str, str | None]) -> None:
        parent = w.frames[-1]
        role = ROLES.get((attrs.get("role") or "").strip().lower(), "")
        landmark = tag if tag in LANDMARKS else role
        w.elements.append(_Element(parent.element, tag, _segment(tag, attrs), _categories(attrs), landmark))
        block = tag in BLOCK
        if block:
            w.flush(w.owner())
        w.frames.append(
            _Frame(
                len(w.elements) - 1,
                block,
                parent.pre or tag in ("pre", "textarea"),
                parent.link or tag == "a",
                parent.bold or tag in BOLD,
            )
        )
        if len(w.frames) > max_depth:
            raise PageError(f"elements nested more than {max_depth} deep (extract.max_depth)")

    def leave() -> None:
        frame = w.frames.pop()
        if frame.block:
            w.flush(frame.element)

    node = root.child
    while node is not None:
        tag = node.tag or ""
        descend = False
        if tag == "-text":
            text = node.text_content or ""
            frame = w.frames[-1]
            if frame.pre:  # source line breaks are white space, except inside <pre>
                for i, part in enumerate(text.split("\n")):
                    if i:
                        w.flush(w.owner())
                    w.pieces.append((part, frame.link, frame.bold))
            else:
                w.pieces.append((_SPACES.sub(" ", text), frame.link, frame.bold))
        elif tag == "br":
            w.flush(w.owner())
        elif tag.startswith(("-", "!")) or tag in INVISIBLE or tag == "img":
            pass  # comments, doctype, invisible elements; alt text is not visible text
        else:
            attrs = node.attributes
            if not _hidden(attrs):
                enter(node, tag, attrs)
                if node.child is not None:
                    descend = True
                else:
                    leave()
        if descend:
            node = node.child
            continue
        # Next sibling, or climb (leaving the elements whose children are done).
        while node is not None and node.next is None:
            if len(w.frames) == 1:
                node = None
                break
            leave()
            node = node.parent
        if node is not None:
            node = node.next
    while len(w.frames) > 1:
        leave()
    w.flush(w.frames[0].element)
    return w


def _chains(elements: list[_Element]) -> list[tuple[int, ...]]:
    """Per element, the element indices from the root down to it."""
    chains: list[tuple[int, ...]] = []
    for i, element in enumerate(elements):
        chains.append((*chains[element.parent], i) if element.parent >= 0 else (i,))
    return chains


def prose_score(text: str, chars: int, link_chars: int) -> float:
    """Readability-style weight of a block as article text: punctuated prose outside links."""
    cfg = _config()
    if chars < int(cfg["score_min_chars"]) or link_chars > float(cfg["score_max_link_density"]) * chars:
        return 0.0
    punct = sum(text.count(c) for c in PROSE_PUNCT)
    if punct == 0:
        return 0.0
    return 1.0 + punct + min(chars / 100.0, 3.0)


def main_elements(w: _Walk, chains: list[tuple[int, ...]]) -> set[int]:
    """The main container and its siblings that score nearly as well (empty: no prose)."""
    cfg = _config()
    n = len(w.elements)
    penalised = frozenset(cfg["container_penalty_words"])
    penalty = float(cfg["container_penalty"])
    score = [0.0] * n
    chars = [0] * n
    links = [0] * n
    for block in w.blocks:
        size = len("".join(block.text.split()))
        for e in chains[block.element]:
            chars[e] += size
            links[e] += block.link_chars
        s = prose_score(block.text, size, block.link_chars)
        if not s:
            continue
        host = block.element
        if w.elements[host].tag in LEAVES and w.elements[host].parent >= 0:
            host = w.elements[host].parent
        score[host] += s
        # A teaser in a related-news box or a comment does not lift the box's parent either.
        if w.elements[host].parent >= 0 and not (w.elements[host].words | w.elements[block.element].words) & penalised:
            score[w.elements[host].parent] += s / 2

    def final(e: int) -> float:
        # A comment thread or a related-news box full of punctuated teasers is not the article:
        # an element whose own class / id words say so keeps only a fraction of its score.
        weight = penalty if w.elements[e].words & penalised else 1.0
        return weight * score[e] * (1.0 - (links[e] / chars[e] if chars[e] else 0.0))

    best = max(range(n), key=lambda e: (final(e), -e))
    if final(best) <= 0:
        return set()
    keep = {best}
    parent = w.elements[best].parent
    share = float(cfg["sibling_min_share"])
    if parent >= 0:
        for e in range(n):
            if e == best or w.elements[e].parent != parent or final(e) <= 0 or w.elements[e].words & penalised:
                continue
            # A sibling scoring nearly as well, or holding a real paragraph of its own (a lead
            # paragraph in a box of its own above the article's container).
            prose = chars[e] >= int(cfg["sibling_min_chars"]) and links[e] < 0.25 * chars[e]
            if final(e) >= share * final(best) or prose:
                keep.add(e)
    return keep


def extract_blocks(tree: LexborHTMLParser) -> list[tuple[str, Block]]:
    """(visible text, signals) per block, in document order."""
    root: Any = tree.body if tree.body is not None else tree.root
    if root is None:
        return []
    w = _walk(root, int(_config()["max_depth"]))
    chains = _chains(w.elements)
    main = main_elements(w, chains)
    out: list[tuple[str, Block]] = []
    for block in w.blocks:
        chain = chains[block.element]
        # No main container (no punctuated prose anywhere): the DOM says nothing about where
        # the article is, every block counts as inside it.
        cut = max((i for i, e in enumerate(chain) if e in main), default=-1) if main else 0
        # Words and landmarks count below the main container only: a page wrapped in
        # <div class="main-nav-page"> does not make its article navigation.
        below = chain[cut + 1 :] if cut >= 0 else chain[1:]
        words: set[str] = set()
        for e in below:
            words |= w.elements[e].words
        landmark = next((w.elements[e].landmark for e in reversed(below) if w.elements[e].landmark), "")
        element = w.elements[block.element]
        tag = element.tag
        out.append(
            (
                block.text,
                Block(
                    path=">".join(w.elements[e].segment for e in chain),
                    tag=tag,
                    landmark=landmark,
                    words=tuple(sorted(words)),
                    link_chars=block.link_chars,
                    heading=int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else 0,
                    in_main=cut >= 0,
                    bold=block.bold,
                ),
            )
        )
    return out


def meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
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


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})\b[^>]*?(/?)>")
# Elements that never hold children or close themselves when a sibling opens: not counted.
_NO_DEPTH = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
     "track", "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd", "html", "head", "body"}
)  # fmt: skip


def markup_depth(html: str) -> int:
    """Deepest nesting of the markup, estimated from the tags as written (one regex pass).

    The parser's own tree building slows down quadratically with depth (Lexbor took over two
    minutes on 100,000 nested <div>s), so absurd nesting is refused before parsing."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        name = name.lower()
        if name in _NO_DEPTH or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def parse(html: str) -> LexborHTMLParser:
    """The page's tree; PageError when the markup nests deeper than extract.max_markup_depth."""
    limit = int(_config()["max_markup_depth"])
    depth = markup_depth(html)
    if depth > limit:
        raise PageError(f"markup nested about {depth} elements deep, more than {limit} (extract.max_markup_depth)")
    return LexborHTMLParser(html)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """(visible text one line per block, meta tags): a convenience for tests and tools."""
    tree = parse(html)
    return "\n".join(text for text, _ in extract_blocks(tree)), meta_tags(tree)
