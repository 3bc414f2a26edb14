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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise

from builders.clean.labels import strip_title_tag
from builders.clean.patterns import DATE_RE, HAN_RE, simplified, vocabulary
from builders.config import section
from builders.record import Document, Field, Line, MetaCandidate

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
# A time after the date that DATE_RE leaves out: behind a weekday (2024年3月8日 星期五 06:00)
# and / or a half-day word, as Taiwan and Hong Kong pages write the 12-hour clock
# (2024年3月8日 週五 下午3:15).
_TIME_AFTER_RE = re.compile(
    r"\s*(?:[(（]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?\s*)?(?P<half>上午|早上|凌晨|中午|下午|傍晚|晚上)?\s*"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
_PM_WORDS = ("下午", "傍晚", "晚上")
_AM_PM_RE = re.compile(r"\s*(?P<ampm>[AaPp])\.?[Mm]\b")
# Taiwan's Minguo calendar: year 1 is 1912 (民國113年 = 2024). Only with 民國 before the year:
# a bare 113年 is a count of years.
_MINGUO_RE = re.compile(r"民[國国]\s*(?P<year>\d{2,3})\s*年")
_FRACTION = re.compile(r"(\d{1,2}:\d{2}:\d{2})[.,]\d{1,9}")
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
    # Fractional seconds ("…T00:21:04.000Z") would hide the offset from DATE_RE.
    norm = _FRACTION.sub(r"\1", _nfkc(text))
    norm = _MINGUO_RE.sub(lambda m: f"{1911 + int(m['year'])}年", norm)
    match = DATE_RE.search(norm)
    if not match:
        return None
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    hour_s, minute_s, second_s = match["hour"], match["minute"], match["second"]
    half = None
    if hour_s is None:
        # "2024年3月8日 星期五 06:00", "2024年1月12日（星期五） 11:45", "2024年3月8日 下午3:15":
        # a weekday (bracketed or not) or a half-day word between date and time
        later = _TIME_AFTER_RE.match(norm, match.end())
        if later is None:
            return day.isoformat()
        hour_s, minute_s, second_s, half = later["hour"], later["minute"], later["second"], later["half"]
        end = later.end()
    else:
        end = match.end()
    hour, minute = int(hour_s), int(minute_s)
    ampm = _AM_PM_RE.match(norm, end)
    if ampm is not None:
        half = "下午" if ampm["ampm"] in "Pp" else "上午"
    if half is not None and hour > 12:
        return day.isoformat()  # 下午15:00 contradicts itself: the date alone is sure
    if half in _PM_WORDS and hour < 12:
        hour += 12
    elif half == "中午" and hour < 11:
        hour += 12  # 中午1:00 is 13:00; 中午12:30 is 12:30
    elif half in ("上午", "早上", "凌晨") and hour == 12:
        hour = 0
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


# --------------------------------------------------------------------------------------------
# HTML pages: choose among the candidates of builders/extract/metadata.py. The precedence is
# documented in docs/cleaning.md ("Metadata precedence"); in short, structured data first, then
# the visible lines next to the headline, and every value keeps the rule that produced it.

CHINA = timezone(timedelta(hours=8))
_WS = re.compile(r"\s+")
# Separators between a headline and the site / channel names in <title> and og:title.
_SEP_CHARS = "_|｜-–—:：·•»>/\\,，()（）[]【】<>《》~"
_SEGMENT_SPLIT = re.compile(r"\s*(?:[_|｜¦·•»]|--+|\s[-–—:]\s|[-–—](?=\S)|::)\s*")
_SITE_WORD = re.compile(
    r"(?:网|網|报|報|新闻|新聞|日报|日報|时报|時報|电视台|電視台|电视|電視|社|周刊|週刊|杂志|雜誌|"
    r"频道|頻道|TV|News|NEWS|\.com|\.cn|\.net|\.tw|\.hk)$"
)
_CORPORATE = re.compile(
    r"[\s,，]*(?:Inc\.?|Ltd\.?|Co\.,? ?Ltd\.?|Corp\.?|Corporation|Limited|LLC|GmbH|有限公司|股份有限公司)$", re.I
)
_ACCOUNT_SUFFIX = re.compile(r"(?:微信公众号|微信公号|公众号|官方微信|微信号|官方账号|官网|客户端|APP|App)$")
# Labels (Simplified; lines are matched in their Simplified form).
_SOURCE_WORDS = r"(?:稿件来源|新闻来源|本文来源|文章来源|信息来源|内容来源|来源|稿源|出处|转载自|转自)"
# A label with a colon may follow anything ("12:11来源：..."); without one it must start a
# line or follow a separator ("| 来源CSDN |").
_SOURCE_LABEL = re.compile(
    rf"{_SOURCE_WORDS}\s*[:：]\s*|(?:^|(?<=[\s(（【\[|丨｜,，])){_SOURCE_WORDS}(?!于|自)\s*[/|丨]?\s*"
)
_EDITOR_LABEL = re.compile(
    r"(?:责任编辑|值班编辑|实习编辑|编辑|责编|校对|审核|审校|终审|监制|排版|美编|统筹|摄影|摄像|图片|视频|制图|设计)"
    r"\s*(?:[:：/|丨]\s*|\s+)"
)
_AUTHOR_WORDS = r"(?:本报记者|本刊记者|特约记者|实习记者|首席记者|记者|作者|撰文|撰稿|执笔|采写)"
# "文/X", "文字：X" need their separator ("文章标签" is not a byline).
_AUTHOR_LABEL = re.compile(
    rf"(?<!责任)(?<!编辑)(?:{_AUTHOR_WORDS}|文字|文)\s*[:：]\s*"
    r"|(?:^|(?<=[\s(（【\[|丨｜,，]))(?:文字|文)\s*[/／]\s*"
    r"|(?<=[\u4e00-\u9fff])记者\s+(?=[\u4e00-\u9fff]{2,4}(?:$|[\s、,，]))"  # 澎湃新闻记者 张三
    rf"|(?:^|(?<=[\s(（【\[|丨｜,，])){_AUTHOR_WORDS}"
    r"\s*(?:[/／|丨]\s*|\s+|(?=[\u4e00-\u9fff]{2,4}(?:$|[\s|丨｜/／,，)）】])))"
)
# Where a run of names ends: the next label, a date, brackets, sentence punctuation.
_NAMES_END = re.compile(
    r"(?:责任编辑|编辑|责编|校对|审核|来源|作者|记者|摄影|摄像|通讯员|发布时间|时间|日期|阅读|浏览|地区|报道|报导"
    r"|[|丨｜()（）\[\]【】。;；!！?？:：/／╱]|(?:19|20)\d{2}\s*[-/.年])"
)
_NAME_SPLIT = re.compile(r"\s*(?:[、,，&＆;；]|\s和\s|\s及\s|\s+)\s*")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*){0,3}$")
_NOT_NAMES = {
    "本报", "本刊", "记者", "编辑", "责编", "作者", "综合", "整合", "报道", "报导", "综合报道", "摄影", "通讯员",
    "实习生", "来源", "网友", "佚名", "匿名", "未知", "小编", "本网", "本站", "评论", "分享", "原创", "转载",
    "综合外电", "外电", "编译", "图文", "文字", "新闻", "发布", "更新", "admin", "Admin", "特约", "实习",
}  # fmt: skip
# Desks, outlets and roles, not persons (Simplified forms).
_OUTLET_END = re.compile(
    r"(?:网|报|社|台|中心|新闻|频道|编辑部|工作室|研究院|公司|集团|部|组|评论员|观察员|通讯员|研究员|实习生|编辑|记者)$"
)
_REPORTER_PREFIX = re.compile(r"^(?:本报|本刊|特约|实习|首席)?(?:记者|通讯员)\s*")
# "中国……研究部部长、研究员徐占忱": a description whose last words are a job title and the name.
_TITLE_THEN_NAME = re.compile(
    r"(?:研究员|教授|讲师|主任|部长|院长|所长|主编|总监|博士|分析师|经济学家|专家|学者|记者|律师|会长|理事长)"
    r"(?P<name>[\u4e00-\u9fff]{2,3})$"
)
# 【陳怡妏╱綜合外電報導】, 【財訊快報／陳孟朔】: outlet or name, slash, name or desk.
_BRACKET_BYLINE = re.compile(r"^[【\[]\s*(?P<a>[^】\]／/╱]{2,12})\s*[／/╱]\s*(?P<b>[^】\]]{2,16})[】\]]")
# "彭佳芸 黃翊真 報導": names right before 报道.
_NAMES_REPORT = re.compile(r"(?P<names>(?:[\u4e00-\u9fff]{2,4}\s+)*[\u4e00-\u9fff]{2,4})\s*(?:报道|报导)")
# "李立達／台北": a name and a place (a line of its own).
_NAME_PLACE = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,4})\s*[／/╱]\s*[\u4e00-\u9fff]{2,4}(?:报道|报导)?$")
# "（记者 李贺 摄）", "新华社记者 李贺 摄": a photo credit names a photographer, not the author.
_PHOTO_CREDIT = re.compile(r"[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})*\s*摄(?:影)?(?:$|[)）】\s。])")
# "（中央社記者王小明台北5日電）": a reporter, a place and a day.
_AGENCY_DATELINE = re.compile(
    r"[(（][^()（）]{0,6}?记者\s*(?P<name>[\u4e00-\u9fff]{2,3})\s*[\u4e00-\u9fff]{2,3}\s*\d{1,2}\s*日\s*(?:电|讯)"
)
_SIGNATURE = re.compile(r"[。！？!?”」][(（](?P<name>[\u4e00-\u9fff]{2,4})[)）]$")
_NOT_SIGNATURE = {"完", "全文完", "待续", "未完待续", "资料图", "图片", "本报讯", "评论员", "本报评论员"}
_UPDATE_LABEL = re.compile(r"更新|修改|编辑于|最后|update", re.I)
_EPOCH = re.compile(r"1\d{9}(?:\d{3})?")
_COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
_PROSE_END = re.compile(r"[。！？!?…][”’\"'）)」』]*$")
_KICKER_MAX = 7  # a column kicker before the headline: up to six characters and a separator
_HEADER_MAX_LINES = 20  # a byline sits within this many lines below the headline
# A character of every editor label in both scripts: lines without one skip the conversion.
_EDITOR_HINT = re.compile(r"[编編校审審监監排统統摄攝图圖视視制製设設]")
_EDITOR_LINE_MAX = 120  # editor credits are short lines; longer ones are prose
_BODY_GAP = 3  # more non-paragraph lines in a row than this end the article (captions, subheads
#               and an image credit are at most three)
_TAIL_LINES = 8
_ABOVE_LINES = 2  # ... or within this many lines after the article's last paragraph


def _key(text: str) -> str:
    """Comparison form: NFKC, no white space (the devset's scoring form)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def to_china_time(stamp: str) -> str:
    """An ISO date-time with offset, expressed in +08:00 (a bare date is returned unchanged)."""
    if "T" not in stamp:
        return stamp
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    local = moment.astimezone(CHINA)
    seconds = len(stamp.split("T", 1)[1].split("+")[0].split("-")[0]) > 5
    return local.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M") + CHINA_OFFSET


def _find_loose(haystack: str, needle: str) -> re.Match[str] | None:
    """``needle`` in ``haystack`` ignoring white space on either side (NFKC both)."""
    chars = [re.escape(c) for c in _key(needle)]
    if not chars:
        return None
    return re.search(r"\s*".join(chars), unicodedata.normalize("NFKC", haystack))


def _segments(text: str) -> list[str]:
    return [s.strip() for s in _SEGMENT_SPLIT.split(text) if s and s.strip()]


def _bounded(ref: str, key: str) -> int:
    """How ``key`` sits in ``ref`` (both comparison forms): 3 equal, 2 a prefix ending at a
    separator, 1 a later segment (the site's name is usually last), 0 not at segment bounds."""
    if not key or key not in ref:
        return 0
    if ref == key:
        return 3
    start = ref.find(key)
    while start >= 0:
        end = start + len(key)
        left = start == 0 or ref[start - 1] in _SEP_CHARS
        right = end == len(ref) or ref[end] in _SEP_CHARS
        if left and right:
            return 2 if start == 0 else 1
        start = ref.find(key, start + 1)
    return 0


class _LazySimple:
    """The lines' NFKC + Simplified forms, converted on first use (most lines are never read)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.cache: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        if i not in self.cache:
            self.cache[i] = simplified(_nfkc(self.lines[i]))
        return self.cache[i]


class _Page:
    """The candidates of one page, indexed for the choosers."""

    def __init__(self, candidates: list[MetaCandidate]) -> None:
        self.cands = candidates
        self.lines = [c.value for c in candidates if c.field == "line"]
        self.line_rule = [c.rule for c in candidates if c.field == "line"]
        self.simple = _LazySimple(self.lines)
        self.keys = [_key(t) for t in self.lines]
        self.prose = [self._is_prose(t, k) for t, k in zip(self.lines, self.keys, strict=True)]
        self.headline: int | None = None
        self._zones: tuple[int | None, tuple[range, range, range]] | None = None

    def of(self, field: str) -> list[MetaCandidate]:
        return [c for c in self.cands if c.field == field]

    @staticmethod
    def _is_prose(text: str, key: str) -> bool:
        n = len(key)
        if n < 12:
            return False
        han = len(HAN_RE.findall(text))
        if han < 0.3 * n:
            return False
        if n < 60 and DATE_RE.search(key):
            return False  # a date line with a byline, not a paragraph
        return n >= 40 or bool(_PROSE_END.search(text))

    def body_start(self) -> int | None:
        """The first paragraph below the headline: a prose line with more prose right after."""
        start = (self.headline + 1) if self.headline is not None else 0
        for i in range(start, len(self.lines)):
            if self.prose[i] and (any(self.prose[i + 1 : i + 5]) or len(self.keys[i]) >= 80):
                return i
        return None

    def body_end(self, start: int) -> int:
        """The article's last paragraph: the prose run from ``start`` ends at a disclaimer, a
        related-news or comment header, or more than ``_BODY_GAP`` other lines in a row."""
        words = vocabulary()
        last, gap = start, 0
        for i in range(start + 1, len(self.lines)):
            text = self.lines[i]
            short = len(self.keys[i]) <= 20
            if (
                words.has("disclaimer_phrases", text)
                or words.starts("disclaimer_start", text)
                or (short and (words.has("related_header", text) or words.has("comment_header", text)))
            ):
                break
            if self.prose[i]:
                last, gap = i, 0
            else:
                gap += 1
                if gap > _BODY_GAP:
                    break
        return last

    def above(self) -> range:
        """The short lines right above the headline (some pages put the byline first)."""
        if self.headline is None:
            return range(0)
        return range(max(0, self.headline - _ABOVE_LINES), self.headline)

    def zones(self) -> tuple[range, range, range]:
        """(header lines between headline and body, first body lines, lines around the end)."""
        if self._zones is None or self._zones[0] != self.headline:
            self._zones = (self.headline, self._compute_zones())
        return self._zones[1]

    def _compute_zones(self) -> tuple[range, range, range]:
        body = self.body_start()
        if self.headline is not None:
            top = self.headline + 1
            stop = body if body is not None else top + _HEADER_MAX_LINES
            header = range(top, min(stop, top + _HEADER_MAX_LINES))
        elif body is not None:
            header = range(max(0, body - 6), body)
        else:
            header = range(0)
        if body is None:
            return header, range(0), range(0)
        end = self.body_end(body)
        first = range(body, min(body + 2, len(self.lines)))
        tail = range(max(body, end - 1), min(end + 1 + _TAIL_LINES, len(self.lines)))
        return header, first, tail


# ---- title ----------------------------------------------------------------------------------


def _site_names(page: _Page) -> set[str]:
    names = set()
    for c in page.of("publisher"):
        if c.rule in ("meta:og:site_name", "meta:application-name") or c.rule.startswith("json-ld:publisher"):
            names.add(_key(c.value))
            names.update(_key(s) for s in _segments(c.value))
    return {n for n in names if n}


def _title_segments(page: _Page, title: str | None) -> set[str]:
    """The segments of <title> / og:title beside the headline: channel and site names."""
    out: set[str] = set()
    for c in page.of("title"):
        if c.rule not in ("title-tag", "meta:og:title", "meta:title"):
            continue
        rest = [c.value]
        if title:
            found = _find_loose(c.value, title)
            if found is None:
                continue
            norm = unicodedata.normalize("NFKC", c.value)
            rest = [norm[: found.start()], norm[found.end() :]]
        out.update(_key(seg) for part in rest for seg in _segments(part))
    return {s for s in out if s}


def choose_title(page: _Page) -> Field:
    """The heading (or visible line) that best matches <title> / og:title / JSON-LD headline
    (GNE's idea: the page's own headline is what its <title> starts with); else those
    references with the site's suffix split off."""
    refs = [c for c in page.of("title")]
    ref_keys = [(_key(c.value), c.rule) for c in refs]
    segmented = [len(_segments(c.value)) >= 2 for c in refs]
    sites = _site_names(page)
    best: tuple[tuple[int, ...], int, str] | None = None
    for i, key in enumerate(page.keys):
        rule = page.line_rule[i]
        if len(key) < 4 or key in sites:
            continue
        scores = [(_bounded(ref, key), ref_rule) for ref, ref_rule in ref_keys]
        matched = [s for s, _ in scores if s]
        if not matched:
            continue
        is_heading = 1 if rule.startswith("h") or rule.startswith("itemprop") else 0
        # A full or prefix match beats a middle segment; then a line outside menus and footers
        # (a penalty, not a ban: some sites wrap the whole page in a "main-nav" box); then a
        # heading beats other text; then the longest (the headline, not a channel name); then
        # agreement of several references.
        furniture = rule.endswith(":furniture")
        if furniture and not any(sc >= 2 and seg for (sc, _), seg in zip(scores, segmented, strict=True)):
            # In a menu or logo box, only a line that starts a "headline - site" reference
            # counts: a bare <title> there is the site's name, a later segment a channel.
            continue
        rank = (int(max(matched) >= 2), int(not furniture), is_heading, len(key), len(matched), -i)
        if best is None or rank > best[0]:
            first_ref = next(r for s, r in scores if s)
            best = (rank, i, f"{rule}~{first_ref}")
    if best is not None:
        _, i, rule = best
        page.headline = i
        return _without_kicker(page.lines[i], rule, refs)
    h1 = next(
        (c for c in page.of("heading") if c.rule == "h1" and len(_key(c.value)) >= 4 and _key(c.value) not in sites),
        None,
    )
    for prefer in ("json-ld:headline", "meta:og:title", "meta:twitter:title", "title-tag", "meta:title"):
        for c in refs:
            if c.rule != prefer:
                continue
            if h1 is not None and prefer in ("title-tag", "meta:title") and len(_segments(c.value)) < 2:
                continue  # a bare <title> no heading matches is the site's name: the h1 is better
            value = _strip_site_suffix(c.value, sites)
            if value:
                page.headline = _locate(page, value)
                return Field(value, c.rule + ":split" if value != c.value else c.rule)
    if h1 is not None:
        page.headline = h1.pos
        return Field(h1.value, "h1")
    return Field()


def _without_kicker(line: str, rule: str, refs: list[MetaCandidate]) -> Field:
    """The visible headline without a short column kicker ("快讯｜", "独家：") that the page's
    structured headline (JSON-LD, og:title) leaves out: the structured one is the headline."""
    key = _key(line)
    for c in refs:
        if c.rule not in ("json-ld:headline", "meta:og:title"):
            continue
        ref = _key(c.value)
        extra = len(key) - len(ref)
        if 0 < extra <= _KICKER_MAX and key.endswith(ref) and key[extra - 1] in _SEP_CHARS:
            return Field(c.value.strip(), f"{rule}:kicker~{c.rule}")
    return Field(line, rule)


def _strip_site_suffix(value: str, sites: set[str]) -> str:
    parts = _segments(value)
    if len(parts) <= 1:
        return value.strip()
    kept = [p for p in parts if _key(p) not in sites and not _SITE_WORD.search(p)] or parts
    for part in kept:
        if len(_key(part)) >= 4:
            return part
    return kept[0]


def _locate(page: _Page, value: str) -> int | None:
    key = _key(value)
    return page.keys.index(key) if key in page.keys else None


# ---- dates ----------------------------------------------------------------------------------


def _parse_date(text: str) -> str | None:
    parsed = parse_datetime(text)
    return to_china_time(parsed) if parsed else None


def _date_candidates(page: _Page) -> list[tuple[int, str, str]]:
    """(tier, value in +08:00, rule), best tier first; within a tier, page order."""
    header, first, tail = page.zones()
    out: list[tuple[int, str, str]] = []
    for c in page.of("published_at"):
        if c.pos >= 0:
            continue  # marked elements are read with the lines below
        value = _parse_date(c.value)
        if value is None and c.rule.startswith("script:") and _EPOCH.fullmatch(c.value):
            # a Unix time stamp (seconds or milliseconds) in a template variable
            seconds = int(c.value[:10])
            value = datetime.fromtimestamp(seconds, CHINA).strftime("%Y-%m-%dT%H:%M:%S") + CHINA_OFFSET
        if value:
            tier = 5 if c.rule.startswith("script:") else 0
            out.append((tier, value, c.rule))
    marked: dict[int, MetaCandidate] = {}
    for c in page.of("published_at"):
        if c.pos >= 0:
            marked.setdefault(c.pos, c)
    for i in header:
        value = _parse_date(marked[i].value) if i in marked else None
        if value:
            out.append((1, value, marked[i].rule))
            continue
        value = _parse_date(_before_update(page, i))
        if value:
            out.append((1, value, "header-date"))
    for i in first:
        match = _DATELINE_DATE_RE.search(_nfkc(page.lines[i]))
        if match:
            value = _parse_date(match.group(0))
            if value:
                out.append((2, value, "dateline-regex"))
    if page.headline is not None:
        for i in page.above():
            value = _parse_date(page.lines[i])
            if value and len(_key(page.lines[i])) <= 40:
                out.append((3, value, "above-headline-date"))
    for i in tail:
        if re.search(r"(?:发布|发表|时间|日期)", page.simple[i]):
            value = _parse_date(_before_update(page, i))
            if value:
                out.append((4, value, "tail-date"))
    for c in marked.values():  # itemprop=datePublished elsewhere on the page: a last resort
        if c.rule == "itemprop:datepublished":
            value = _parse_date(c.value)
            if value:
                out.append((5, value, c.rule))
    for c in page.of("title"):
        if c.rule == "title-tag":
            for seg in _segments(c.value):
                match = _COMPACT_DATE.fullmatch(seg)
                if match:
                    value = _parse_date(f"{match['y']}-{match['m']}-{match['d']}")
                    if value:
                        out.append((6, value, "title-tag-date"))
    out.sort(key=lambda item: item[0])
    return out


def _before_update(page: _Page, i: int) -> str:
    """The line up to an update label ("发布 2024-05-10 06:58 更新 2024-05-11": the first)."""
    match = _UPDATE_LABEL.search(page.simple[i])
    return page.lines[i] if match is None else _nfkc(page.lines[i])[: match.start()]


def choose_published_at(page: _Page) -> Field:
    """The best-ranked date; when it has no time, a candidate of the same day that has one."""
    cands = _date_candidates(page)
    if not cands:
        return Field()
    _, value, rule = cands[0]
    if "T" not in value:
        for _, other, other_rule in cands[1:]:
            if "T" in other and other[:10] == value:
                return Field(other, f"{other_rule}+{rule}")
    return Field(value, rule)


# ---- publisher ------------------------------------------------------------------------------


def _outlet(raw: str) -> str | None:
    """A publisher name from a label's remainder or a meta value: label, link text, dates and
    disclaimers cut off; corporate and account suffixes dropped."""
    text = _nfkc(raw)
    simple = simplified(text)
    match = _SOURCE_LABEL.match(simple)
    if match:
        text, simple = text[match.end() :], simple[match.end() :]
    cut = _NAMES_END.search(simple)
    if cut:
        text = text[: cut.start()]
    text = text.strip(" -—_·/|")
    tokens = text.split()
    if not tokens:
        return None
    name = tokens[0]
    for token in tokens[1:]:  # "BBC News", "TVBS 新聞": Latin words stay together
        if name.isascii() and (token.isascii() or _SITE_WORD.search(token)):
            name += " " + token
        else:
            break
    name = _CORPORATE.sub("", name).strip()
    name = _ACCOUNT_SUFFIX.sub("", name).strip() or name
    if not name or len(name) > 30 or name in _GENERIC_SITES or name.isdigit() or "://" in name:
        return None
    if not HAN_RE.search(name) and not re.search(r"[A-Za-z]{2}", name):
        return None
    return name


def _title_site_segment(page: _Page, title: str | None) -> str | None:
    refs = [c.value for c in page.of("title") if c.rule in ("title-tag", "meta:og:title", "meta:title")]
    for ref in refs:
        rest = [ref]
        if title:
            found = _find_loose(ref, title)
            if found is None:
                continue
            norm = unicodedata.normalize("NFKC", ref)
            rest = [norm[found.end() :], norm[: found.start()]]
        segs = [s for part in rest for s in _segments(part)]
        segs = [s for s in segs if len(_key(s)) >= 2 and not _key(s).isdigit()]
        if not segs:
            continue
        for seg in segs:
            if _SITE_WORD.search(seg):
                return seg
        return segs[0]
    return None


def choose_publisher(page: _Page, title: str | None) -> Field:
    header, first, tail = page.zones()
    cands = page.of("publisher")
    marked: dict[int, MetaCandidate] = {}
    for c in cands:
        if c.pos >= 0:
            marked.setdefault(c.pos, c)

    def labelled(lines: range, rule: str) -> Field | None:
        for i in lines:
            match = _SOURCE_LABEL.search(page.simple[i])
            if match:
                name = _outlet(_original_slice(_nfkc(page.lines[i]), page.simple[i], match.end(), page.simple[i][match.end() :]))
                if name:
                    return Field(name, rule)
            if i in marked:
                name = _outlet(marked[i].value)
                if name:
                    return Field(name, marked[i].rule)
        return None

    for c in cands:
        if c.rule == "meta:source":
            name = _outlet(c.value)
            if name:
                return Field(name, c.rule)
    found = (
        labelled(header, "source-label")
        or labelled(page.above(), "source-label-above")
        or labelled(tail, "source-label-after")
    )
    if found:
        return found
    for c in cands:
        if c.rule.startswith("json-ld:publisher"):
            name = _outlet(c.value)
            if name:
                return Field(name, "json-ld:publisher")
    for i in first:
        original = _nfkc(page.lines[i])
        simple = page.simple[i]
        for pattern in (*_DATELINE_OUTLET_RES, _BRACKET_BYLINE):
            match = pattern.match(simple)
            if match is None:
                continue
            if pattern is _BRACKET_BYLINE:
                a = match["a"].strip()
                if not _OUTLET_END.search(a):
                    continue
                value = _original_slice(original, simple, match.start("a"), a)
            else:
                if match["name"] in _GENERIC_SITES:
                    continue  # 【本報訊】: "this paper", not a name
                value = _original_slice(original, simple, match.start("name"), match["name"])
            return Field(value, "dateline-outlet")
    for c in cands:
        if c.rule == "meta:og:site_name":
            name = _outlet(_segments(c.value)[0] if _segments(c.value) else c.value)
            if name:
                return Field(name, c.rule)
    segment = _title_site_segment(page, title)
    if segment:
        name = _outlet(segment)
        if name:
            return Field(name, "title-tag-site")
    for rule in ("script:source", "meta:mediaid", "meta:dc.publisher", "meta:publisher", "meta:application-name"):
        for c in cands:
            if c.rule == rule:
                name = _outlet(c.value)
                if name:
                    return Field(name, rule)
    return Field()


# ---- authors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NotAuthors:
    """Comparison keys that are never an author: editors, the publisher and the site's names;
    ``sites`` (longer than two characters) also rule out a name that starts one (网易 of
    网易新闻: the site, not a person)."""

    names: frozenset[str]
    sites: frozenset[str]

    def __contains__(self, key: object) -> bool:
        return key in self.names


def _editors(page: _Page) -> set[str]:
    """Names given as editors, proof-readers, photographers anywhere on the page."""
    out: set[str] = {_key(c.value) for c in page.of("editor")}
    for i, line in enumerate(page.lines):
        if len(line) > _EDITOR_LINE_MAX or not _EDITOR_HINT.search(line):
            continue
        simple = page.simple[i]
        for match in _EDITOR_LABEL.finditer(simple):
            rest = _nfkc(line)[match.end() :]
            for name in _split_names(rest, simple[match.end() :]):
                out.add(_key(name))
    return out


def _split_names(original: str, simple: str | None = None) -> list[str]:
    """Names at the start of ``original`` (up to the next label / date / bracket)."""
    simple = simplified(original) if simple is None else simple
    lead = len(simple) - len(simple.lstrip(" 　/／"))
    original, simple = original[lead:], simple[lead:]
    prefix = _REPORTER_PREFIX.match(simple)
    if prefix:
        original, simple = original[prefix.end() :], simple[prefix.end() :]
    cut = _NAMES_END.search(simple)
    text = original[: cut.start()] if cut else original
    if cut and cut.group() in ":：" and text[-1:].strip():
        # "周立新　点击数：1386": the word glued to the colon labels the next field
        rest = re.sub(r"\S+$", "", text)
        if rest.strip():
            text = rest
    tokens = [t for t in _NAME_SPLIT.split(text.strip(" 　/／")) if t]
    names: list[str] = []
    pending = ""
    for token in tokens:  # "方 敏": one-character tokens are a name written with padding
        if len(token) == 1 and HAN_RE.match(token):
            pending += token
            continue
        if pending:
            names.append(pending)
            pending = ""
        names.append(token)
    if pending:
        names.append(pending)
    return names


def _person(raw: str, banned: _NotAuthors) -> str | None:
    name = _nfkc(raw).strip(" 　·-—/／[]【】()（）")
    prefix = _REPORTER_PREFIX.match(simplified(name))  # 記者 / 本報記者 in either script
    if prefix:
        name = name[prefix.end() :]
    simple = simplified(name)
    if not name or simple in _NOT_NAMES or _key(name) in banned:
        return None
    if _HAN_NAME.match(name):
        # a desk or outlet, or the start of the site's own name (网易 of 网易新闻)
        if _OUTLET_END.search(simple) or any(site.startswith(_key(name)) for site in banned.sites):
            return None
        return name
    if _LATIN_NAME.match(name) and len(name) <= 30:
        return name
    return None


def _persons(raws: list[str], banned: _NotAuthors) -> list[str]:
    out: list[str] = []
    for raw in raws:
        name = _person(raw, banned)
        if name and name not in out:
            out.append(name)
    return out


def _line_authors(original: str, simple: str, banned: _NotAuthors, strict: bool) -> tuple[list[str], str]:
    """Reporters named on one line and the rule; ``strict`` asks the label to open the line."""
    if _PHOTO_CREDIT.search(simple) and len(simple) <= 60:
        return [], ""  # a caption's photo credit
    for match in _AUTHOR_LABEL.finditer(simple):
        before = simple[: match.start()]
        if strict and (len(before) > 20 or re.search(r"[。！？!?]", before)):
            continue  # a label inside running prose ("据记者 X 介绍") is not a byline
        rest_o, rest_s = original[match.end() :], simple[match.end() :]
        names = _persons(_split_names(rest_o, rest_s), banned)
        if not names:
            described = _TITLE_THEN_NAME.search(re.split(r"[)）】]", rest_s, maxsplit=1)[0])
            if described:
                names = _persons([_original_slice(original, simple, match.end() + described.start("name"), described["name"])], banned)
        if names:
            label = simple[match.start() : match.end()]
            return names, "reporter-label" if "记者" in label else "byline-author"
    match = _BRACKET_BYLINE.match(simple)
    if match:
        a, b = match["a"].strip(), match["b"].strip()
        if re.search(r"(?:报道|报导)$", b):
            names = _persons([original[match.start("a") : match.start("a") + len(a)]], banned)
        else:
            names = _persons([original[match.start("b") : match.start("b") + len(b)]], banned)
        if names:
            return names, "bracket-byline"
    if not strict:
        match = _REPORTER_PAREN_RE.search(simple)
        if match:
            names = _persons(_split_names(_original_slice(original, simple, match.start("name"), match["name"])), banned)
            if names:
                return names, "dateline-reporter"
        match = _NAMES_REPORT.search(simple)
        if match:
            names = _persons(original[match.start("names") : match.end("names")].split(), banned)
            if names:
                return names, "names-report"
        match = _NAME_PLACE.match(simple)
        if match:
            names = _persons([original[: len(match["name"])]], banned)
            if names:
                return names, "name-place"
    return [], ""


def choose_author(page: _Page, publisher: str | None, title: str | None) -> Field:
    sites = _site_names(page) | _title_segments(page, title)
    if publisher:
        sites.add(_key(publisher))
    banned = _NotAuthors(frozenset(_editors(page) | sites), frozenset(s for s in sites if len(s) > 2))
    return _choose_author(page, banned)


def _choose_author(page: _Page, banned: _NotAuthors) -> Field:
    header, first, tail = page.zones()
    cands = page.of("author")

    def joined(names: list[str], rule: str) -> Field:
        return Field("、".join(names), rule)

    # JSON-LD: every Person (or plain name) of the article; "李立達／台北" drops the place.
    raws = [
        re.split(r"\s*[／/╱]\s*", _nfkc(c.value))[0]
        for c in cands
        if c.rule.startswith("json-ld:author") and not c.rule.endswith("Organization")
    ]
    names = _persons(raws, banned)
    if names:
        return joined(names, "json-ld:author")
    for c in cands:
        if c.rule == "itemprop:author":
            names = _persons(_split_names(_nfkc(c.value)), banned)
            if names:
                return joined(names, c.rule)
    marked: dict[int, MetaCandidate] = {}
    for c in cands:
        if c.pos >= 0 and c.rule == "class:author":
            marked.setdefault(c.pos, c)
    for i in header:
        names, rule = _line_authors(_nfkc(page.lines[i]), page.simple[i], banned, strict=False)
        if names:
            return joined(names, rule)
        if i in marked and not _EDITOR_LABEL.search(simplified(marked[i].value)):
            names = _persons(_split_names(_nfkc(marked[i].value)), banned)
            if names:
                return joined(names, "class:author")
    for i in first:
        original, simple = _nfkc(page.lines[i]), page.simple[i]
        for pattern in (_AGENCY_DATELINE, _REPORTER_PAREN_RE, _LEAD_REPORTER_RE):
            match = pattern.search(simple)
            if match:
                names = _persons(_split_names(_original_slice(original, simple, match.start("name"), match["name"])), banned)
                if names:
                    return joined(names, "dateline-reporter")
        match = _BRACKET_BYLINE.match(simple)
        if match:
            names, rule = _line_authors(original, simple, banned, strict=True)
            if names:
                return joined(names, rule)
    for lines, suffix in ((page.above(), "-above"), (tail, "-after")):
        for i in lines:
            names, rule = _line_authors(_nfkc(page.lines[i]), page.simple[i], banned, strict=True)
            if names:
                return joined(names, rule + suffix)
    for c in cands:
        if c.rule.startswith("meta:") and "://" not in c.value:
            names = _persons([c.value], banned)
            if names:
                return joined(names, c.rule)
    for i in tail:
        match = _SIGNATURE.search(_nfkc(page.lines[i]))
        if match and simplified(match["name"]) not in _NOT_SIGNATURE:
            names = _persons([match["name"]], banned)
            if names:
                return joined(names, "signature")
    return Field()


def extract_html_metadata(doc: Document) -> Document:
    page = _Page(doc.meta_candidates)
    doc.title = choose_title(page)
    doc.published_at = choose_published_at(page)
    doc.publisher = choose_publisher(page, doc.title.value)
    doc.author = choose_author(page, doc.publisher.value, doc.title.value)
    return doc


def extract_metadata(doc: Document) -> Document:
    """Title, date, publisher, author: from the extract stage's candidates for an HTML page,
    from the labelled lines for a plain-text page."""
    if doc.meta_candidates:
        return extract_html_metadata(doc)
    doc.title = extract_title(doc)
    doc.published_at = extract_published_at(doc)
    doc.publisher = extract_publisher(doc)
    doc.author = extract_author(doc, doc.publisher.value)
    return doc


__all__ = ["extract_metadata", "parse_datetime"]
