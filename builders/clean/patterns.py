"""Vocabulary and regular expressions of the line labeller.

Word lists live in reviewable data files next to this module (``line_patterns.yaml``,
``spam_terms.txt``), written in Simplified script; every entry is expanded with OpenCC to its
Traditional forms at load time, so one list serves zh-Hans and zh-Hant pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from builders.textscript.convert import plain

HERE = Path(__file__).resolve().parent
PATTERNS_FILE = HERE / "line_patterns.yaml"
SPAM_FILE = HERE / "spam_terms.txt"

# Closing quotes and brackets that may follow the sentence-final mark: 。” ！） ?」
CLOSERS = "”’\"'）)】」』》〉]｝}"
TERMINAL = "。！？!?；;…．."
BULLETS = "-–—•·*●○■□◆◇▪▸►"

_DATE = (
    r"(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(?P<hour>\d{1,2})\s*[:：时時]\s*(?P<minute>\d{2})"
    r"(?:\s*[:：分]\s*(?P<second>\d{2})秒?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?)?"
)
DATE_RE = re.compile(_DATE)
# "3 天前", "4 小时前", "前天 19:48", "刚刚": the timestamps of comment widgets and feeds.
RELATIVE_TIME_RE = re.compile(
    r"^(?:\d+\s*(?:秒|分钟|分鐘|小时|小時|个?小时|天|日|周|週|个月|個月|月|年)\s*前"
    r"|刚刚|剛剛|昨天|前天|今天|昨日|前日|今日)"
    r"(?:\s*\d{1,2}:\d{2})?$"
)
# "浏览 13346", "12464人阅读", "阅读(85)", "0人已围观", "很赞哦!(185)"
COUNTER_RE = re.compile(
    r"(?:\d[\d,.]*\s*[万萬wk]?\s*(?:人|次)?\s*(?:已|在)?\s*"
    r"(?:阅读|閱讀|浏览|瀏覽|围观|圍觀|点击|點擊|评论|評論|播放|观看|觀看|收藏|点赞|點讚|参与|參與)"
    r"|(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|播放|围观|圍觀|阅读量|閱讀量|点赞|點讚)\s*(?:量|数|數|次数)?"
    r"\s*[:：(（]?\s*\d[\d,.]*\s*[万萬wk]?"
    r"|(?:赞|讚|喜欢|喜歡|顶|頂|好评|好評)[哦啊呀!！]*\s*[(（]\s*\d+\s*[)）])"
)
NUMBER_RE = re.compile(r"^[\d,.\s]{1,12}$")
USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{2,23}$")
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
NAV_SEPARATORS_RE = re.compile(r"\s*[|｜¦]\s*")
CRUMB_SEPARATORS_RE = re.compile(r"\s*(?:>|＞|›|»|→|/)\s*")
TOKEN_SPLIT_RE = re.compile(r"[\s|｜¦/:：,，、·•()（）\[\]【】<>《》\-–—_]+")


@dataclass(frozen=True)
class Vocabulary:
    lists: dict[str, tuple[str, ...]]
    spam: tuple[tuple[str, int], ...]

    @cached_property
    def _alternations(self) -> dict[str, re.Pattern[str] | None]:
        # One regex per list, longest terms first: ``search`` tells whether any term occurs,
        # ``match`` gives the longest term the text starts with (alternatives are tried in order).
        return {
            name: re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True)))) if terms else None
            for name, terms in self.lists.items()
        }

    def has(self, name: str, text: str) -> bool:
        pattern = self._alternations[name]
        return pattern is not None and pattern.search(text.lower()) is not None

    def hits(self, name: str, text: str) -> int:
        low = text.lower()
        return sum(1 for term in self.lists[name] if term in low)

    def found(self, name: str, text: str) -> set[str]:
        """The distinct terms found in ``text``, longest first at each place (a term inside a
        longer one found there is not counted again)."""
        pattern = self._alternations[name]
        return set(pattern.findall(text.lower())) if pattern is not None else set()

    def starts(self, name: str, text: str) -> str | None:
        """The longest term ``text`` starts with (lists are sorted longest first)."""
        pattern = self._alternations[name]
        match = pattern.match(text.lower()) if pattern is not None else None
        return match.group() if match else None

    def words(self, name: str) -> frozenset[str]:
        return frozenset(self.lists[name])

    @cached_property
    def _spam_longest_first(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.spam, key=lambda tw: -len(tw[0])))  # stable: ties keep their order

    def spam_score(self, text: str) -> int:
        low = text.lower()
        score = 0
        seen: set[str] = set()
        # Longest terms first, so "久久精品" is not also counted as "精品".
        for term, weight in self._spam_longest_first:
            if term in low and not any(term in longer for longer in seen):
                score += weight
                seen.add(term)
        return score


def _variants(term: str) -> set[str]:
    out = {term.lower()}
    if HAN_RE.search(term):
        for config in ("s2t", "s2tw", "s2hk", "t2s"):
            out.add(plain(config)(term).lower())
    return out


def simplified(text: str) -> str:
    """The line in Simplified script, for vocabulary matching only (variants such as 簽/籤 and
    為/爲 all fold to one form, which expanding the word lists alone would miss).

    Plain OpenCC t2s through :func:`builders.textscript.convert.plain`, which converts each distinct
    clause once and leaves clauses without a convertible character alone."""
    if not HAN_RE.search(text):
        return text
    return str(plain("t2s")(text))


@cache
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    lists: dict[str, tuple[str, ...]] = {}
    for name, terms in data.items():
        expanded: set[str] = set()
        for term in terms:
            expanded |= _variants(str(term))
        lists[name] = tuple(sorted(expanded, key=lambda t: (-len(t), t)))
    spam: dict[str, int] = {}
    for raw in SPAM_FILE.read_text(encoding="utf-8").splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        weight, term = raw.split(maxsplit=1)
        for variant in _variants(term):
            spam[variant] = max(spam.get(variant, 0), int(weight))
    return Vocabulary(lists=lists, spam=tuple(sorted(spam.items())))
