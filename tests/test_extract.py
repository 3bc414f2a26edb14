"""Issue 17: HTML blocks with DOM signals (builders/extract) and how the labeller uses them.

The pages are written for these tests (no site's markup or text copied); each checks one of the
failure classes named in the issue.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from builders.clean import clean_document, label_lines
from builders.extract import extract_document
from builders.extract.html import class_words, extract_blocks, markup_depth, parse
from builders.record import Document, Source

P = (
    "国家统计局今天发布数据显示，上月规模以上工业增加值同比增长百分之五点六，增速比前一个月有所加快。",
    "分行业看，高技术制造业增加值增长较快，其中集成电路和服务器制造的产量增幅都超过了两成。",
    "专家表示，随着一系列稳增长政策持续发力，工业生产有望在今后几个月保持平稳回升的态势。",
)


def _doc(html: str) -> Document:
    source = Source("t", "raw/t.html", "0" * 64, None, None, None, None, "test")
    doc = Document(id="t", source=source, raw_sha256="0" * 64, encoding="utf-8", format="html", raw_text=html)
    return extract_document(doc)


def _labels(html: str, counts: dict[int, int] | None = None, n_docs: int = 1) -> dict[str, tuple[str, str]]:
    doc = clean_document(_doc(html), counts or {}, n_docs)
    return {line.raw: (line.label, line.reason) for line in doc.lines}


def test_class_words_split_camel_case_and_digits() -> None:
    assert class_words("newsList2 share-bar xgxw_box") == ["news", "list", "share", "bar", "xgxw", "box"]


def test_blocks_carry_path_landmark_words_links_and_main() -> None:
    html = (
        "<html><body><nav id='topnav'><a href='/'>首页</a><a href='/a'>财经</a></nav>"
        f"<div id='main'><div class='article-body'><h1>工业生产加快回升</h1><p>{P[0]}</p><p>{P[1]}</p></div>"
        "<div class='share-bar'>分享到 微信</div></div>"
        "<div class='xgxw'><ul><li><a href='/1'>另一条新闻的标题在这里</a></li></ul></div></body></html>"
    )
    blocks = dict(extract_blocks(parse(html)))
    nav = blocks["首页财经"]
    assert nav.landmark == "nav" and nav.words == ("navigation",) and not nav.in_main
    assert nav.link_chars == 4
    first = blocks[P[0]]
    assert first.in_main and first.path == "body>div#main>div.article-body>p" and first.words == ()
    assert blocks["工业生产加快回升"].heading == 1
    assert blocks["分享到 微信"].words == ("share-toolbar",)
    assert blocks["另一条新闻的标题在这里"].words == ("related-links",)


def test_toolbar_and_app_promotion_between_paragraphs_are_not_headings() -> None:
    html = (
        f"<html><body><div class='content'><p>{P[0]}</p>"
        "<div class='app-download'>打开客户端 看更多精彩</div>"
        f"<p>{P[1]}</p><div class='tools'><a href='#'>收藏</a> <a href='#'>打印本页</a></div>"
        f"<p><strong>后市展望</strong></p><p>{P[2]}</p></div></body></html>"
    )
    labels = _labels(html)
    assert labels["打开客户端 看更多精彩"] == ("boilerplate", "app-promotion")
    assert labels["收藏 打印本页"][0] == "boilerplate"
    assert labels["后市展望"] == ("content", "section-heading")
    assert all(labels[p] == ("content", "body") for p in P)


def test_a_whole_article_in_one_paragraph_is_body() -> None:
    teaser = "相关报道：" + "另一家公司公布了季度业绩，营收同比增长，利润率有所提高，" * 3 + "详情点击查看。"
    html = (
        "<html><body><div class='head'><h1>午间公告汇总</h1><p>2024-05-06 12:11 来源：测试网</p></div>"
        f"<div class='txt'><p>{P[0]}{P[1]}</p></div>"
        f"<div class='recommend'><p>{teaser}</p></div></body></html>"
    )
    labels = _labels(html)
    assert labels[P[0] + P[1]] == ("content", "body")
    assert labels[teaser][0] == "boilerplate"


def test_a_long_comment_thread_is_not_the_article() -> None:
    comments = "".join(
        f"<div class='comment-item'><p>网友{i}：我觉得这个数据很有意思，说明经济正在慢慢恢复，希望以后越来越好，大家觉得呢？</p></div>"
        for i in range(12)
    )
    html = f"<html><body><article><p>{P[0]}</p><p>{P[1]}</p></article><div id='comments'>{comments}</div></body></html>"
    doc = clean_document(_doc(html), {}, 1)
    assert doc.text.split("\n\n") == [P[0], P[1]]


def test_own_date_line_is_not_repeated_across_corpus() -> None:
    """Line keys fold digits to 0: every page's date line has the same key. It stays a byline."""
    from builders.clean import line_key

    date_line = "2024-05-06 12:11 来源：测试网"
    html = f"<html><body><h1>工业生产加快回升</h1><p>{date_line}</p><article><p>{P[0]}</p><p>{P[1]}</p></article></body></html>"
    doc = _doc(html)
    key = line_key(date_line)
    assert key is not None
    label_lines(doc.lines, {key: 50}, 50)
    assert {line.raw: line.reason for line in doc.lines}[date_line] == "byline"


def test_markup_depth_counts_nesting_not_void_or_self_closing_tags() -> None:
    assert markup_depth("<div><div><br><img src=x><p>a<p>b</div></div>") == 2
    assert markup_depth("<div>" * 50 + "</div>" * 50) == 50


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0xFB00) | st.characters(max_codepoint=0x7F)))
@example("\u4e00\u9fff\u3400\u4dbf\uf900\ufaff\u33ff\u4dc0\ufb00 a")
def test_han_count_counts_the_three_han_blocks(text: str) -> None:
    """The regex count equals the definition (every character of the three blocks, ends included)."""
    from builders.extract import HAN_RANGES, han_count

    assert han_count(text) == sum(1 for c in text if any(lo <= c <= hi for lo, hi in HAN_RANGES))
