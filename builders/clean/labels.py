"""Line labels: content / boilerplate / spam, each with a reason code.

Three passes (docs/cleaning.md has the details and the reason codes):

1. Local: every line on its own — vocabulary (disclaimers, ICP numbers, toolbars, spam),
   shape (terminal punctuation after closing quotes, length, share of Han characters,
   separators, counters, dates) and cross-corpus repetition.
2. Lists: runs of short items held together by list furniture (bullets, "source 浏览 N",
   user names, relative times, vote buttons) are link lists or comment widgets, even where an
   item reads like prose (a teaser cut with "...").
3. Context: the page is cut into blocks at hard boundaries (menus, disclaimers, list runs, ...);
   the block with the most prose is the article, from its first prose line after the title to
   its last prose line. Inside it, short unpunctuated lines are section headings (content);
   outside it everything is boilerplate. The title line is found near the top and labelled
   boilerplate ("title"); later lines that repeat it are "duplicated-title".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from builders.clean.patterns import (
    BULLETS,
    CLOSERS,
    COUNTER_RE,
    CRUMB_SEPARATORS_RE,
    DATE_RE,
    HAN_RE,
    NAV_SEPARATORS_RE,
    NUMBER_RE,
    RELATIVE_TIME_RE,
    TERMINAL,
    TOKEN_SPLIT_RE,
    USERNAME_RE,
    Vocabulary,
    simplified,
)
from builders.clean.repair import END_MARKER_RE
from builders.record import Block

# Kinds of line after the local pass.
BLANK, SPAM, BOILER, META, PROSE, SHORT, NUMBER = (
    "blank",
    "spam",
    "boiler",
    "meta",
    "prose",
    "short",
    "number",
)

# Boilerplate reasons that end a block of text: what follows them is a different part of the page.
HARD_REASONS = frozenset(
    {
        "navigation",
        "breadcrumb",
        "disclaimer",
        "copyright",
        "licence-icp",
        "related-links",
        "comment-widget",
        "share-toolbar",
        "keywords-line",
        "repeated-across-corpus",
        # DOM signals of HTML blocks (builders/extract; label_dom below)
        "outside-main",
        "link-dense",
        "site-header",
        "site-footer",
        "sidebar",
        "ad",
        "app-promotion",
    }
)
# Furniture that sits *between* paragraphs inside an HTML article's container (a toolbar, an
# app banner, an ad, a link line): labelled boilerplate, but the article goes on after it.
SOFT_IN_MAIN = frozenset({"share-toolbar", "app-promotion", "ad", "link-dense", "image-caption", "site-header"})
# Landmark elements → reason of the blocks inside them.
LANDMARK_REASONS = {"nav": "navigation", "header": "site-header", "footer": "site-footer", "aside": "sidebar"}
# Reasons of lines that may carry a byline date / name (metadata reads them).
BYLINE_REASONS = frozenset({"byline", "view-counter"})


@dataclass
class LineView:
    """What the labeller knows about one line."""

    index: int  # position in doc.lines
    text: str  # NFKC-normalised, stripped (full-width digits and letters folded)
    chars: int  # characters without whitespace
    han_share: float
    terminal: bool  # ends with sentence-final punctuation (after closing quotes/brackets)
    truncated: bool  # ends with "..." / "…": a teaser cut short
    kind: str = SHORT
    reason: str = "short-fragment"
    list_item: bool = False
    soft: bool = False  # furniture inside an HTML page's main container: not an article boundary

    @property
    def hard(self) -> bool:
        return self.kind in (BOILER, META) and self.reason in HARD_REASONS and not self.soft


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def view(index: int, text: str) -> LineView:
    norm = normalise(text)
    compact = "".join(norm.split())
    chars = len(compact)
    han = len(HAN_RE.findall(compact))
    tail = norm.rstrip(CLOSERS + " ")
    truncated = tail.endswith(("...", "。。。")) or (tail.endswith("…") and not tail.endswith("……"))
    terminal = bool(tail) and tail[-1] in TERMINAL and not truncated
    return LineView(
        index=index,
        text=norm,
        chars=chars,
        han_share=han / chars if chars else 0.0,
        terminal=terminal,
        truncated=truncated,
    )


def _tokens(text: str) -> list[str]:
    return [t for t in TOKEN_SPLIT_RE.split(text.lower()) if t]


def _widget_reason(text: str, vocab: Vocabulary) -> str | None:
    """share-toolbar / comment-widget when the line is made only of buttons (and numbers)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    toolbar, vote = vocab.words("toolbar_words"), vocab.words("vote_words")
    words = [t for t in tokens if not t.isdigit()]
    if not words or not all(t in toolbar or t in vote for t in words):
        return None
    return "comment-widget" if any(t in vote for t in words) else "share-toolbar"


def _sentence(lv: LineView, cfg: Mapping[str, Any]) -> bool:
    """A long punctuated sentence: what a menu or a site's own notice never is."""
    return lv.terminal and lv.chars >= int(cfg["long_line_chars"]) and ("，" in lv.text or "," in lv.text)


# What a publication date has and an event's schedule lacks: a year or a clock time.
_STAMP = re.compile(r"(?:19|20)\d{2}|\d{1,2}:\d{2}")

# Quoted words ("…", 「…」): reported speech, not the page speaking for itself.
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")


def _is_disclaimer(lv: LineView, text: str, body: str, vocab: Vocabulary, cfg: Mapping[str, Any]) -> bool:
    """A line opening with a disclaimer label, or holding a disclaimer phrase outside quotes,
    unless it is a sentence of reporting: one phrase in a long sentence that does not speak
    of the site itself (本网 / 本站 ...) is news about the matter ("平台因未经授权转载被判赔")."""
    if lv.chars > int(cfg["disclaimer_max_chars"]):
        return False
    if _labelled(body, vocab.starts("disclaimer_start", body)):
        return True
    own = _QUOTED.sub("", text)
    hits = len(vocab.found("disclaimer_phrases", own))
    if not hits:
        return False
    return hits >= 2 or not _sentence(lv, cfg) or vocab.has("site_self", own)


def _is_navigation(lv: LineView, text: str, vocab: Vocabulary, cfg: Mapping[str, Any]) -> bool:
    if vocab.has("navigation_strong", text):
        # "市民下载客户端即可办理……。": a sentence about an app, not a menu
        return not _sentence(lv, cfg)
    segments = [s for s in NAV_SEPARATORS_RE.split(text) if s]
    if len(segments) >= int(cfg["nav_min_segments"]):
        mean = sum(len(s) for s in segments) / len(segments)
        if mean <= float(cfg["nav_max_mean_segment"]) and not lv.terminal:
            return True
    # Space-separated menus ("首页 新闻 财经 科技"): every token a menu word.
    tokens = text.split()
    nav_words = vocab.words("navigation_words")
    return len(tokens) >= int(cfg["nav_min_segments"]) and all(t.lower() in nav_words for t in tokens)


def _is_breadcrumb(lv: LineView, text: str, vocab: Vocabulary, cfg: Mapping[str, Any]) -> bool:
    if vocab.has("breadcrumb", text) and lv.chars <= int(cfg["byline_max_chars"]):
        return True
    segments = [s for s in CRUMB_SEPARATORS_RE.split(lv.text) if s]
    if len(segments) >= 3 and any(sep in lv.text for sep in (">", "›", "»")):
        return max(len(s) for s in segments) <= int(cfg["nav_max_mean_segment"]) and not lv.terminal
    return False


def _is_byline(lv: LineView, text: str, vocab: Vocabulary, cfg: Mapping[str, Any]) -> bool:
    # A byline is never a sentence: "记者：竹编还有市场吗？" is an interview's question.
    if lv.chars > int(cfg["byline_max_chars"]) or text.endswith(("。", "？", "?", "！", "!")):
        return False
    if DATE_RE.search(text):
        return True
    label = vocab.starts("byline_labels", text.lstrip("(（【["))
    if label is not None:
        rest = text.lstrip("(（【[")[len(label) :].lstrip()
        if label in ("时间", "日期") and not _STAMP.search(rest):
            return False  # "时间：3月10日上午9点": an event's schedule (no year, no hh:mm), not the byline
        # "文/何伊然", "来源：新华社", "记者 张三": the label is followed by a separator or a name.
        if rest[:1] in ("/", ":", "|", "丨", "｜") or (
            label in vocab.words("byline_labels") and lv.chars <= 20
        ):
            return label != "文" or rest[:1] in ("/", ":", "|", "丨", "｜")
    # "作者: X" inside a line of byline fields
    return any(f" {label}:" in f" {text}" or f" {label}/" in f" {text}" for label in ("作者", "来源"))


def _labelled(text: str, label: str | None) -> bool:
    """The line opens with ``label`` used as a label ("声明：", "【免责声明】"), not as a word of
    a sentence ("声明称，美联储……")."""
    return label is not None and text[len(label) :][:1] in ("", ":", "：", " ", "】", "]", ")", "）", "|", "丨", "｜")


def _strip_bullet(text: str) -> tuple[bool, str]:
    if text and text[0] in BULLETS and (len(text) == 1 or text[1] == " "):
        return True, text[1:].strip()
    return False, text


def classify_local(lv: LineView, vocab: Vocabulary, cfg: Mapping[str, Any]) -> LineView:
    """Kind and tentative reason of one line, looking at nothing else."""
    if not lv.text:
        lv.kind, lv.reason = BLANK, "blank"
        return lv
    text = simplified(lv.text)  # shape is read from lv, words from the Simplified form
    spam = vocab.spam_score(text)
    prose_like = lv.terminal and lv.chars >= int(cfg["long_line_chars"])
    if spam >= int(cfg["spam_prose_min_score"] if prose_like else cfg["spam_min_score"]):
        lv.kind, lv.reason = SPAM, "injected-spam"
        return lv

    def boiler(reason: str, kind: str = BOILER) -> LineView:
        lv.kind, lv.reason = kind, reason
        return lv

    short_line = lv.chars <= int(cfg["disclaimer_max_chars"])
    bulleted, rest = _strip_bullet(text)
    if bulleted:
        if not rest:
            return boiler("list-marker", META)
        # "- caffycat", "- 4 小时前", "- 支持": furniture of a feed or a comment widget
        furniture = RELATIVE_TIME_RE.match(rest) or _widget_reason(rest, vocab) or USERNAME_RE.match(rest)
        if len(rest) <= 24 and furniture and not (lv.terminal and lv.chars >= int(cfg["long_line_chars"])):
            return boiler("comment-widget", META)
        text = rest
    if _is_breadcrumb(lv, text, vocab, cfg):
        return boiler("breadcrumb")
    if short_line and vocab.has("licence_icp", text):
        return boiler("licence-icp")
    if (short_line and vocab.has("copyright", text) and not lv.terminal) or vocab.has("copyright", text[:12]):
        return boiler("copyright")
    body = text.lstrip("(（【[ ")
    if _is_disclaimer(lv, text, body, vocab, cfg):
        return boiler("disclaimer")
    if lv.chars <= int(cfg["widget_max_chars"]):
        widget = _widget_reason(text, vocab)
        if widget:
            return boiler(widget, META if widget == "comment-widget" else BOILER)
    if _is_navigation(lv, text, vocab, cfg):
        return boiler("navigation")
    header = text.rstrip(":：>》»›→ ")
    if lv.chars <= 14 and vocab.starts("related_header", header) and not lv.terminal:
        return boiler("related-links")
    if lv.chars <= 20 and vocab.has("comment_header", header) and not lv.terminal:
        return boiler("comment-widget")
    keyword_label = vocab.starts("keywords_label", text)
    if keyword_label and text[len(keyword_label) :].lstrip()[:1] in (":", "：", "") and lv.chars <= 80:
        return boiler("keywords-line")
    excerpt_label = vocab.starts("excerpt_label", text)
    if excerpt_label and not lv.terminal and lv.chars > len(excerpt_label) + 4:
        return boiler("excerpt")
    if lv.chars <= 12 and vocab.has("ad", text) and not lv.terminal:
        return boiler("ad")
    if lv.chars <= int(cfg["caption_max_chars"]) and _is_image_marker(text, vocab):
        return boiler("image-caption")
    if END_MARKER_RE.fullmatch(lv.text):
        return boiler("end-marker")
    if RELATIVE_TIME_RE.match(text):
        return boiler("comment-widget", META)
    if _is_byline(lv, text, vocab, cfg):
        return boiler("byline")
    if lv.chars <= int(cfg["counter_line_max_chars"]) and COUNTER_RE.search(text) and not lv.terminal:
        return boiler("view-counter", META)
    if NUMBER_RE.match(text):
        lv.kind, lv.reason = NUMBER, "view-counter"
        return lv
    han_ok = lv.han_share >= float(cfg["min_han_share"])
    if lv.terminal and lv.chars >= int(cfg["prose_min_chars"]) and han_ok:
        lv.kind, lv.reason = PROSE, "body"
    elif lv.chars >= int(cfg["long_line_chars"]) and han_ok and not lv.truncated:
        lv.kind, lv.reason = PROSE, "body"  # a paragraph that lost its full stop
    else:
        lv.kind, lv.reason = SHORT, "short-fragment"
    return lv


def dom_reason(lv: LineView, block: Block, cfg: Mapping[str, Any]) -> str | None:
    """Boilerplate reason from an HTML block's DOM signals, None when they say nothing.

    Class / id words and landmarks are those below the main container (builders/extract), so
    they describe the block, not the page around the article. A long, punctuated paragraph
    with few links inside the main container stays prose whatever its wrapper is called."""
    density = block.link_chars / lv.chars if lv.chars else 0.0
    strong_prose = lv.kind == PROSE and lv.chars >= int(cfg["long_line_chars"]) and density < 0.1
    if block.in_main and strong_prose:
        return None
    if block.words:
        return block.words[0] if len(block.words) == 1 else _first_word(block.words)
    if block.landmark in LANDMARK_REASONS:
        return LANDMARK_REASONS[block.landmark]
    if lv.chars and density >= float(cfg["link_dense_share"]):
        return "link-dense"
    if not block.in_main:
        return "outside-main"
    return None


# When a block sits under several kinds of furniture, the most specific name wins.
_WORD_ORDER = (
    "comment-widget", "share-toolbar", "related-links", "breadcrumb", "navigation", "ad", "app-promotion",
    "keywords-line", "copyright", "site-footer", "site-header", "sidebar",
)  # fmt: skip


def _first_word(words: Sequence[str]) -> str:
    return min(words, key=lambda w: _WORD_ORDER.index(w) if w in _WORD_ORDER else len(_WORD_ORDER))


def _is_image_marker(text: str, vocab: Vocabulary) -> bool:
    inner = text.strip("()（）[]【】 ")
    if not inner:
        return False
    marker = vocab.starts("image_marker", inner)
    if marker and (len(inner) <= 6 or inner[len(marker) :][:1] in (":", "：", " ", "/", "|", "丨")):
        return True
    # "(新华社记者 张三 摄)", "图/视觉中国"
    return (text[:1] in "(（" and inner.endswith(("摄", "攝"))) or inner.startswith(("图/", "圖/"))


def mark_lists(views: list[LineView], cfg: Mapping[str, Any]) -> None:
    """Link lists and comment feeds: short items next to list furniture (META lines)."""
    nonblank = [v for v in views if v.kind != BLANK]
    max_item = int(cfg["list_item_max_chars"])
    for pos, lv in enumerate(nonblank):
        if lv.kind in (META, SPAM) or lv.hard:
            continue
        prev_meta = pos > 0 and nonblank[pos - 1].kind == META
        next_meta = pos + 1 < len(nonblank) and nonblank[pos + 1].kind == META
        # A full sentence of article length is not a list item; a teaser cut with "..." is.
        sentence = lv.kind == PROSE and lv.terminal and lv.chars >= int(cfg["long_line_chars"])
        if (prev_meta or next_meta) and ((lv.chars <= max_item and not sentence) or lv.truncated):
            lv.list_item = True
    # Keep only runs (over non-blank lines) with enough items; a lone "-" is not a list.
    run: list[LineView] = []

    def close(run: list[LineView]) -> None:
        items = [v for v in run if v.list_item]
        furniture = len(run) - len(items)
        need = int(cfg["list_min_items"])
        # Enough items, or a few items held by plenty of furniture (a feed with vote buttons).
        if len(items) >= need or (items and furniture >= need):
            for v in items:
                v.kind, v.reason = BOILER, "related-links"
            for v in run:
                if v.kind == META and v.reason not in HARD_REASONS:
                    v.reason = v.reason if v.reason in ("comment-widget", "view-counter") else "related-links"
        else:
            for v in items:
                v.list_item = False

    for lv in nonblank:
        if lv.kind == META or lv.list_item:
            run.append(lv)
        else:
            close(run)
            run = []
    close(run)


@dataclass
class Layout:
    """Where the article is: indices into doc.lines (None when the page has no prose)."""

    start: int | None
    end: int | None
    title: int | None


def find_layout(views: list[LineView], cfg: Mapping[str, Any], meta_title: str | None = None) -> Layout:
    nonblank = [v for v in views if v.kind != BLANK]
    if not nonblank:
        return Layout(None, None, None)

    # Blocks: runs of non-blank lines between boundary lines.
    blocks: list[list[LineView]] = []
    gaps: list[list[LineView]] = [[]]  # boundary lines before each block
    current: list[LineView] = []
    for v in nonblank:
        # A bare bullet (list-marker) is not a boundary: a "-" section break must not cut the article.
        if v.hard:
            if current:
                blocks.append(current)
                gaps.append([])
                current = []
            gaps[-1].append(v)
        else:
            current.append(v)
    if current:
        blocks.append(current)

    def mass(block: list[LineView]) -> int:
        return sum(v.chars for v in block if v.kind == PROSE)

    if not blocks or max(mass(b) for b in blocks) == 0:
        title = _find_title(nonblank, None, cfg, meta_title)
        return Layout(None, None, title)
    main = max(range(len(blocks)), key=lambda i: (mass(blocks[i]), -i))
    first, last = main, main
    main_mass = mass(blocks[main])
    share = float(cfg["extend_min_share"])

    def joinable(gap: list[LineView], block: list[LineView]) -> bool:
        # One stray boundary line (an inline "相关阅读" box) between two prose blocks.
        if len(gap) > 1 or any(
            v.reason in ("comment-widget", "disclaimer", "copyright", "licence-icp") for v in gap
        ):
            return False
        return sum(1 for v in block if v.kind == PROSE) >= 2 and mass(block) >= share * main_mass

    while last + 1 < len(blocks) and joinable(gaps[last + 1], blocks[last + 1]):
        last += 1
    while first > 0 and joinable(gaps[first], blocks[first - 1]):
        first -= 1
    region = [v for b in blocks[first : last + 1] for v in b]
    start = _find_start(region, cfg)
    title = _find_title(nonblank, start, cfg, meta_title)
    if title is not None and start is not None and title >= start:
        start = _find_start([v for v in region if v.index > title], cfg)
    start = _extend_start(nonblank, start, title, cfg)
    end = max((v.index for v in region if v.kind == PROSE), default=None)
    if start is not None and end is not None and end < start:
        end = start
    return Layout(start, end, title)


def _extend_start(
    nonblank: Sequence[LineView], start: int | None, title: int | None, cfg: Mapping[str, Any]
) -> int | None:
    """Pull the start back over unpunctuated lead-in lines (an opening heading, a paragraph
    whose full stop was eaten by keyword stuffing); stop at furniture, numbers and the title."""
    if start is None:
        return None
    pos = next(i for i, v in enumerate(nonblank) if v.index == start)
    for v in reversed(nonblank[:pos]):
        if (
            v.kind != SHORT
            or v.list_item
            or (title is not None and v.index <= title)
            or v.chars < int(cfg["lead_in_min_chars"])
            or v.han_share < float(cfg["min_han_share"])
        ):
            break
        start = v.index
    return start


def _find_start(region: Sequence[LineView], cfg: Mapping[str, Any]) -> int | None:
    prose = [i for i, v in enumerate(region) if v.kind == PROSE]
    look, need = int(cfg["start_lookahead"]), int(cfg["start_min_prose"])
    for i in prose:
        ahead = region[i + 1 : i + 1 + look]
        if sum(1 for v in ahead if v.kind == PROSE) >= min(need, len(prose) - 1):
            return region[i].index
    return region[prose[0]].index if prose else None


@lru_cache(maxsize=1 << 14)  # the lines near a page's top repeat across a site's pages
def title_key(text: str) -> str:
    return "".join(ch for ch in normalise(text).lower() if ch.isalnum())


def _find_title(
    nonblank: Sequence[LineView], start: int | None, cfg: Mapping[str, Any], meta_title: str | None
) -> int | None:
    window = list(nonblank[: int(cfg["title_search_lines"])])
    if meta_title:
        key = title_key(meta_title)
        for v in window:
            line_key = title_key(v.text)
            if len(line_key) >= 2 and (line_key == key or (len(line_key) >= 4 and line_key in key)):
                return v.index
    lo, hi = int(cfg["title_min_chars"]), int(cfg["title_max_chars"])
    candidates = [
        v
        for v in window
        if v.kind in (PROSE, SHORT)
        and not v.list_item
        and lo <= v.chars <= hi
        and v.han_share >= float(cfg["min_han_share"])
        and not v.text.rstrip(CLOSERS).endswith(("。", ",", "，", ":", "：", "；", ";"))
        and (start is None or v.index <= start)
    ]
    if not candidates:
        return None
    pos = {v.index: i for i, v in enumerate(nonblank)}
    span = int(cfg["title_byline_window"])
    # The headline sits right above its byline: of the candidates followed by a byline within
    # the window, take the closest one (a site name or slogan further up loses).
    best: tuple[int, int] | None = None
    for v in candidates:
        following = nonblank[pos[v.index] + 1 : pos[v.index] + 1 + span]
        distance = next((d for d, w in enumerate(following) if w.reason in BYLINE_REASONS), None)
        if distance is not None and (best is None or distance <= best[0]):
            best = (distance, v.index)
    if best is not None:
        return best[1]
    # No byline: the first candidate after the last page-furniture line above the article.
    last_hard = max((v.index for v in window if v.hard and (start is None or v.index < start)), default=-1)
    after = [v for v in candidates if v.index > last_hard]
    return (after or candidates)[0].index


def assign_labels(views: list[LineView], layout: Layout, cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Final (label, reason) per line, from local kinds and the article layout."""
    out: list[tuple[str, str]] = []
    title_text = views[layout.title].text if layout.title is not None else None
    title_keys = set()
    if title_text:
        title_keys = {title_key(title_text), title_key(strip_title_tag(title_text, cfg))}
    heading_max = int(cfg["heading_max_chars"])
    for v in views:
        inside = layout.start is not None and layout.end is not None and layout.start <= v.index <= layout.end
        if v.kind == BLANK:
            out.append(("boilerplate", "blank"))
        elif v.kind == SPAM:
            out.append(("spam", v.reason))
        elif layout.title is not None and v.index == layout.title:
            out.append(("boilerplate", "title"))
        elif title_keys and v.index > layout.title and title_key(v.text) in title_keys:  # type: ignore[operator]
            out.append(("boilerplate", "duplicated-title"))
        elif v.kind in (BOILER, META):
            out.append(("boilerplate", v.reason))
        elif inside:
            if v.kind == PROSE:
                out.append(("content", "body"))
            elif v.kind == NUMBER or (v.chars <= heading_max and not any(m in v.text for m in "。！？!?")):
                out.append(("content", "section-heading"))
            else:
                out.append(("content", "body"))
        elif v.kind == NUMBER:
            out.append(("boilerplate", "view-counter"))
        elif v.list_item:
            out.append(("boilerplate", "related-links"))
        elif layout.start is not None and v.index < layout.start:
            out.append(("boilerplate", "page-header" if v.kind == PROSE else "short-fragment"))
        else:
            out.append(("boilerplate", "page-footer" if v.kind == PROSE else "short-fragment"))
    _caption_after_marker(views, out, cfg)
    _lone_captions(views, out, cfg)
    return out


def _lone_captions(views: list[LineView], out: list[tuple[str, str]], cfg: Mapping[str, Any]) -> None:
    """A photo caption left without its image: one unpunctuated line between two body paragraphs,
    as long as a sentence (``caption_min_chars``) and starting with a Han character. Section
    headings are shorter, come in pairs (heading + subheading), or carry a marker or quotes
    (▍..., “...”)."""
    nonblank = [v for v in views if v.kind != BLANK]
    least = int(cfg["caption_min_chars"])
    for before, v, after in zip(nonblank, nonblank[1:], nonblank[2:], strict=False):
        if (
            out[v.index] == ("content", "section-heading")
            and v.kind != NUMBER
            and v.chars >= least
            and HAN_RE.match(v.text)
            and out[before.index] == ("content", "body")
            and out[after.index] == ("content", "body")
        ):
            out[v.index] = ("boilerplate", "image-caption")


def _caption_after_marker(views: list[LineView], out: list[tuple[str, str]], cfg: Mapping[str, Any]) -> None:
    """The short unpunctuated line right after an image marker is the caption."""
    nonblank = [v for v in views if v.kind != BLANK]
    for a, b in pairwise(nonblank):
        if (
            out[a.index] == ("boilerplate", "image-caption")
            and out[b.index][0] == "content"
            and not b.terminal
            and b.chars <= int(cfg["caption_max_chars"])
        ):
            out[b.index] = ("boilerplate", "image-caption")


def strip_title_tag(text: str, cfg: Mapping[str, Any]) -> str:
    """Drop a column tag an aggregator appends after the headline: "...如何破解? 世界快消息"."""
    norm = text.strip()
    limit = int(cfg["title_tag_max_chars"])
    for i in range(len(norm) - 1, 0, -1):
        if norm[i] in "?!？！":
            tail = norm[i + 1 :]
            tag = tail.strip()
            if tail[:1].isspace() and tag and len(tag) <= limit and all(HAN_RE.match(ch) for ch in tag):
                return norm[: i + 1]
            break
    return norm
