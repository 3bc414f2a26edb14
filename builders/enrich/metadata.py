"""Title, publication time, publisher and author, each with the rule that produced it.

Runs after cleaning, so it knows which line is the title and which lines are bylines. Every
value comes from the page itself (HTML meta tags or its text); sources.yaml is not consulted,
so the evaluation against the maintainers' gold measures extraction. Unknown stays
``Field(None, None)``: nothing is guessed (a date without a year stays unknown).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from itertools import pairwise

from builders.clean.labels import strip_title_tag
from builders.clean.patterns import DATE_RE, simplified
from builders.config import section
from builders.record import Document, Field, Line

CHINA_OFFSET = "+08:00"  # pages from the PRC, Taiwan and Hong Kong all publish in UTC+8

_TITLE_SPLIT = re.compile(r"\s*(?:_|\s[-|–—]\s|\|)\s*")
_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate",
    "publish_date", "dc.date.issued", "dc.date", "date", "time:datetime",
)  # fmt: skip
_META_AUTHOR_KEYS = ("author", "article:author", "dc.creator")
_META_PUBLISHER_KEYS = ("og:site_name", "dc.publisher", "sitename", "site_name", "application-name")
# Where a name ends: brackets, separators, sentence punctuation, or the next byline label.
_NAME_END = r"[)）\]】|丨｜,，;；。!！?？:：/]"
_NEXT_LABEL = r"(?:\s+(?:编辑|责任编辑|责编|来源|作者|记者|摄影|摄|通讯员|发布时间|时间|日期|校对|审核)\b)"
# Labels in Simplified; lines are matched in their Simplified form (Traditional pages too).
_SOURCE_RE = re.compile(
    r"(?:^|[\s(（【\[])(?:来源|稿源|出处|转载自|转自|本文来源|文章来源)\s*[:/：|丨]\s*(?P<name>[^\s(（].*)"
)
_AUTHOR_RE = re.compile(
    r"(?:^|[\s(（【\[])(?:(?P<label>文|撰文|作者|撰稿|执笔|文字|采写|本报记者|本刊记者|记者)\s*(?:[:/：|丨]\s*|\s+)"
    r"|(?P<reporter>(?:本报|本刊|中央社)?记者)(?=[\u4e00-\u9fff]{2,4}\s*[/:：]))"  # 記者王小明／台北報導
    r"(?P<name>[^\s(（/].*)"
)
_REPORTER_PAREN_RE = re.compile(r"[(（](?:本报)?(?:记者|通讯员)\s*(?P<name>[^()（）]{2,24})[)）]")
_POSTED_RE = re.compile(r"^(?:发表于|发布于|发帖于|楼主\s*发表于)")
_SITE_BEFORE_RE = re.compile(
    r"^(?P<name>[^\d\s:：|]{2,20}?)\s*(?:\d{4}\s*[-/.年]|\d[\d,.]*\s*[万]?\s*人?\s*(?:阅读|浏览|围观|点击))"
)
_DISCLAIMER_SITE_RES = (
    re.compile(r"不代表(?P<name>[A-Za-z0-9.\-\u4e00-\u9fff]{2,30}?)(?:的)?(?:观点|立场)"),
    re.compile(r"^(?P<name>[A-Za-z0-9.\-\u4e00-\u9fff]{2,30}?)\s*系信息发布平台"),
)
_DATELINE_OUTLET_RES = (
    re.compile(r"^[(（]?《(?P<name>[^》]{2,20})》.{0,10}?\d{1,2}月\d{1,2}日(?:电|讯)"),  # 《X》8月11日讯
    re.compile(r"^【(?P<name>[^】]{2,10}?)(?:专讯|快讯|讯)】"),  # 【明報專訊】
)
# "经济观察报 记者 王晨 春节过后，...": outlet, reporter and the first words of the lead.
_LEAD_REPORTER_RE = re.compile(r"^(?:\S{2,12}\s*)?(?:本报|本刊)?记者\s+(?P<name>[\u4e00-\u9fff]{2,4})\s")
# "2024年02月26日 07:50 经济观察报": a byline of just a date and one name.
_SITE_AFTER_DATE_RE = re.compile(r"^\s*(?P<name>[A-Za-z0-9\u4e00-\u9fff.]{2,16})\s*$")
_DATELINE_DATE_RE = re.compile(r"(?P<year>(?:19|20)\d{2})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:电|讯)")
_TIME_AFTER_RE = re.compile(
    r"\s*(?:星期|周|週|礼拜|禮拜)[一二三四五六日天]\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
_GENERIC_SITES = {"本网", "本站", "本平台", "本报", "本刊", "本公众号", "本文", "作者", "作者本人"}
_BYLINE_REASONS = ("byline", "view-counter")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _clean_name(raw: str) -> str | None:
    name = re.split(_NAME_END, raw, maxsplit=1)[0]
    name = re.split(_NEXT_LABEL, name, maxsplit=1)[0]
    name = DATE_RE.split(name, maxsplit=1)[0]
    name = name.strip(" 　\t-—_·/")
    if not name or len(name) > 24 or name in _GENERIC_SITES or name.isdigit():
        return None
    return name


def _original_slice(original: str, simple: str, start: int, value: str) -> str:
    """The matched span in the original script (t2s keeps positions: one char for one)."""
    if len(original) == len(simple):
        return original[start : start + len(value)]
    return value


def parse_datetime(text: str) -> str | None:
    """ISO 8601 from a date (and time) in a page; +08:00 when the time has no offset, a bare
    date when there is no time; None when there is no valid date with a year."""
    norm = _nfkc(text)
    match = DATE_RE.search(norm)
    if not match:
        return None
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    hour_s, minute_s, second_s = match["hour"], match["minute"], match["second"]
    if hour_s is None:
        # "2024年3月8日 星期五 06:00": a weekday between date and time
        later = _TIME_AFTER_RE.match(norm, match.end())
        if later is None:
            return day.isoformat()
        hour_s, minute_s, second_s = later["hour"], later["minute"], later["second"]
    hour, minute = int(hour_s), int(minute_s)
    second = int(second_s) if second_s is not None else None
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        return day.isoformat()
    stamp = f"{day.isoformat()}T{hour:02d}:{minute:02d}"
    if second is not None:
        stamp += f":{second:02d}"
    offset = match["offset"] if match["hour"] is not None else None
    if offset is None:
        offset = CHINA_OFFSET
    elif offset == "Z":
        offset = "+00:00"
    elif ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    return stamp + offset


def _lines(doc: Document, reasons: Iterable[str]) -> list[Line]:
    wanted = set(reasons)
    return [line for line in doc.lines if line.reason in wanted]


def _header(doc: Document) -> list[Line]:
    """Lines above the first content line (the page header)."""
    out = []
    for line in doc.lines:
        if line.label == "content":
            break
        out.append(line)
    return out


def _first_content(doc: Document, n: int = 2) -> list[Line]:
    return [line for line in doc.lines if line.label == "content"][:n]


def extract_title(doc: Document) -> Field:
    for key in ("og:title", "twitter:title", "dc.title"):
        value = doc.html_meta.get(key, "").strip()
        if value:
            return Field(value, f"html-meta:{key}")
    titles = _lines(doc, ["title"])
    if titles:
        line = titles[0]
        value = line.text.strip()
        # The column tag is found on the raw line (the repairs may close the space before it).
        raw = _nfkc(line.raw)
        tag = raw[len(strip_title_tag(raw, section("cleaning"))) :].strip()
        if tag and value.endswith(tag):
            value = value[: -len(tag)].rstrip()
        if value:
            return Field(value, "title-line")
    value = doc.html_meta.get("title", "").strip()
    if value:
        # "<headline>_<channel>_<site>" / "<headline> - <site>": the headline is the first part.
        head = _TITLE_SPLIT.split(value)[0].strip()
        return Field(head or value, "html-meta:title")
    return Field()


def extract_published_at(doc: Document) -> Field:
    for key in _META_DATE_KEYS:
        value = doc.html_meta.get(key)
        if value:
            parsed = parse_datetime(value)
            if parsed:
                return Field(parsed, f"html-meta:{key}")
    header = _header(doc)
    for line in header:
        if line.reason in _BYLINE_REASONS:
            parsed = parse_datetime(line.text)
            if parsed:
                return Field(parsed, "byline-date")
    for line in _first_content(doc):
        match = _DATELINE_DATE_RE.search(_nfkc(line.text))
        if match:
            parsed = parse_datetime(match.group(0))
            if parsed:
                return Field(parsed, "dateline-regex")
    for line in _lines(doc, ["byline"]):  # a "发布时间" line below the article
        parsed = parse_datetime(line.text)
        if parsed:
            return Field(parsed, "byline-date")
    return Field()


def _source_label(doc: Document) -> str | None:
    for line in _lines(doc, ["byline"]):
        original = _nfkc(line.text)
        simple = simplified(original)
        match = _SOURCE_RE.search(simple)
        if match:
            name = _clean_name(_original_slice(original, simple, match.start("name"), match["name"]))
            if name:
                return name
    return None


def extract_publisher(doc: Document) -> Field:
    name = _source_label(doc)
    if name:
        return Field(name, "source-label")
    for key in _META_PUBLISHER_KEYS:
        value = doc.html_meta.get(key, "").strip()
        if value:
            return Field(value, f"html-meta:{key}")
    for line in _header(doc):
        if line.reason not in _BYLINE_REASONS:
            continue
        original = _nfkc(line.text)
        match = _SITE_BEFORE_RE.match(simplified(original))
        if match and not _POSTED_RE.match(simplified(original)):
            name = _clean_name(original[: len(match["name"])])
            if name and not re.search(r"(?:发表|发布|更新|时间|日期)", simplified(name)):
                return Field(name, "byline-site")
    for line in _header(doc):
        if line.reason != "byline":
            continue
        original = _nfkc(line.text)
        match = DATE_RE.search(original)
        rest = original[match.end() :] if match and match.start() == 0 else ""
        after = _SITE_AFTER_DATE_RE.match(rest) if rest else None
        if after and not re.search(r"(?:星期|周|週|发布|更新)", simplified(after["name"])):
            name = _clean_name(after["name"])
            if name and not name.isascii():
                return Field(name, "byline-site")
    for line in _first_content(doc):
        original = _nfkc(line.text)
        simple = simplified(original)
        for pattern in _DATELINE_OUTLET_RES:
            match = pattern.match(simple)
            if match:
                return Field(
                    _original_slice(original, simple, match.start("name"), match["name"]), "dateline-outlet"
                )
    for line in _lines(doc, ["disclaimer"]):
        original = _nfkc(line.text)
        simple = simplified(original)
        for pattern in _DISCLAIMER_SITE_RES:
            match = pattern.search(simple)
            if match:
                name = _clean_name(_original_slice(original, simple, match.start("name"), match["name"]))
                if name:
                    return Field(name, "disclaimer-site")
    return Field()


def extract_author(doc: Document, publisher: str | None) -> Field:
    for key in _META_AUTHOR_KEYS:
        value = doc.html_meta.get(key, "").strip()
        if value and not value.startswith(("http://", "https://")) and value != publisher:
            return Field(value, f"html-meta:{key}")
    candidates: list[tuple[str, str]] = []
    for line in _lines(doc, ["byline"]):
        original = _nfkc(line.text)
        simple = simplified(original)
        for match in _AUTHOR_RE.finditer(simple):
            name = _clean_name(_original_slice(original, simple, match.start("name"), match["name"]))
            label = match["label"] or match["reporter"]
            rule = "reporter-label" if "记者" in label else "byline-author"
            if name:
                candidates.append((name, rule))
    for line in _first_content(doc):
        original = _nfkc(line.text)
        simple = simplified(original)
        match = _REPORTER_PAREN_RE.search(simple) or _LEAD_REPORTER_RE.match(simple)
        if match:
            name = _clean_name(_original_slice(original, simple, match.start("name"), match["name"]))
            if name:
                candidates.append((name, "dateline-reporter"))
    # A byline "作者" that names the publisher is the publishing account, not a person.
    for name, rule in candidates:
        if name != publisher:
            return Field(name, rule)
    # Forum layout: the poster's name on the line right above "发表于 <date>".
    header = [line for line in _header(doc) if line.raw.strip()]
    for above, line in pairwise(header):
        if _POSTED_RE.match(simplified(_nfkc(line.text))) and above.reason not in ("title",):
            name = _clean_name(_nfkc(above.text))
            if name and len(name) <= 20:
                return Field(name, "poster-line")
    return Field()


def extract_metadata(doc: Document) -> Document:
    doc.title = extract_title(doc)
    doc.published_at = extract_published_at(doc)
    doc.publisher = extract_publisher(doc)
    doc.author = extract_author(doc, doc.publisher.value)
    return doc


__all__ = ["extract_metadata", "parse_datetime"]
