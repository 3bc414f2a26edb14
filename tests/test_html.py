"""HTML input: visible text one line per block, meta tags, then the same labelling as text."""

from __future__ import annotations

from builders.clean import clean_document
from builders.enrich.metadata import extract_metadata
from builders.extract import extract_document
from builders.extract.html import html_to_text
from builders.ingest.html import looks_like_html
from builders.record import Document, Source

ARTICLE_P = (
    "多家云服务商近日上调了高端算力租赁价格，业内人士表示，训练芯片供不应求的局面预计将持续到明年下半年。",
    "记者走访发现，部分中小企业已开始尝试混合使用国产加速卡，以降低成本并缓解交付周期过长带来的压力。",
    "分析人士认为，推理需求的快速增长正在改变算力市场的结构，能效比将成为采购决策中越来越重要的指标。",
)

PAGE = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>算力租赁涨价潮来袭_科技频道_东方快讯网</title>
<meta property="og:title" content="算力租赁涨价潮来袭">
<meta property="og:site_name" content="东方快讯网">
<meta property="article:published_time" content="2024-02-29T16:05:00+08:00">
<meta name="author" content="陈晓">
<meta name="keywords" content="算力,租赁,GPU">
<script>window.__data = {{"title": "不可见"}};</script>
<style>.hidden {{ display: none }}</style>
</head>
<body>
<header><nav><a href="/">首页</a> | <a href="/tech">科技</a> | <a href="/fin">财经</a> |
<a href="/auto">汽车</a></nav></header>
<main><article>
<h1>算力租赁涨价潮来袭</h1>
<div class="meta"><span>2024-02-29 16:05</span> <span>来源：东方快讯网</span></div>
<p>{ARTICLE_P[0]}</p>
<p>{ARTICLE_P[1][:10]}<a href="/x">{ARTICLE_P[1][10:20]}</a><b>{ARTICLE_P[1][20:]}</b></p>
<figure><img src="a.jpg" alt="配图说明不可见"><figcaption>（图片来源：东方IC）</figcaption></figure>
<p>{ARTICLE_P[2]}</p>
<noscript>请启用JavaScript</noscript>
<template><p>模板内容不可见</p></template>
<div style="display:none">隐藏的推广文字</div>
</article></main>
<footer><p>Copyright © 2024 东方快讯网 版权所有</p><p>沪ICP备12345678号</p></footer>
</body></html>
"""


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("<html><body><p>一</p></body></html>")
    fragment = "<div><p>一段</p><p>二段</p><p>三段</p><br><p>四段</p></div>"
    assert looks_like_html(fragment)
    # a plain-text page with a stray tag (as in real crawl output) is not HTML
    assert not looks_like_html("第一段正文。</p>\n第二段正文，提到<b>加粗</b>。\n第三段。")
    assert not looks_like_html("价格 < 100 元且 > 50 元的产品。")


def test_html_to_text_blocks_and_invisible_parts() -> None:
    text, meta = html_to_text(PAGE)
    lines = text.split("\n")
    assert "算力租赁涨价潮来袭" in lines
    # inline elements (a, b) stay on their paragraph's line
    assert ARTICLE_P[1] in lines
    assert ARTICLE_P[0] in lines and ARTICLE_P[2] in lines
    for invisible in ("不可见", "请启用JavaScript", "模板内容", "隐藏的推广文字", "display"):
        assert invisible not in text
    assert meta["og:title"] == "算力租赁涨价潮来袭"
    assert meta["title"] == "算力租赁涨价潮来袭_科技频道_东方快讯网"
    assert meta["article:published_time"] == "2024-02-29T16:05:00+08:00"
    assert meta["author"] == "陈晓" and meta["og:site_name"] == "东方快讯网"
    assert list(meta) == sorted(meta)  # stable order


def test_br_splits_lines() -> None:
    text, _ = html_to_text("<html><body><div>第一行<br>第二行<br/>第三行</div></body></html>")
    assert text.split("\n") == ["第一行", "第二行", "第三行"]


def _html_doc(html: str) -> Document:
    source = Source("h1", "raw/h1.html", "0" * 64, None, None, None, None, "test page")
    doc = Document(
        id="h1",
        source=source,
        raw_sha256="0" * 64,
        encoding="utf-8",
        format="html",
        raw_text=html,
    )
    return extract_document(doc)


def test_html_page_is_labelled_and_meta_feeds_metadata() -> None:
    doc = extract_metadata(clean_document(_html_doc(PAGE), {}, 1))
    by_text = {line.raw: (line.label, line.reason) for line in doc.lines}
    assert by_text["首页 | 科技 | 财经 | 汽车"] == ("boilerplate", "navigation")
    assert by_text["算力租赁涨价潮来袭"] == ("boilerplate", "title")
    assert by_text["（图片来源：东方IC）"] == ("boilerplate", "image-caption")
    assert by_text["Copyright © 2024 东方快讯网 版权所有"][0] == "boilerplate"
    assert doc.text.split("\n\n") == list(ARTICLE_P)
    # The extract stage gives the metadata candidates (builders/extract/metadata.py): the h1
    # agreeing with <title>, the article:published_time meta, the 来源 line, the author meta.
    assert (doc.title.value, doc.title.rule) == ("算力租赁涨价潮来袭", "h1~title-tag")
    assert (doc.published_at.value, doc.published_at.rule) == (
        "2024-02-29T16:05:00+08:00",
        "meta:article:published_time",
    )
    # 来源 on the page outranks og:site_name; here they agree
    assert (doc.publisher.value, doc.publisher.rule) == ("东方快讯网", "source-label")
    assert (doc.author.value, doc.author.rule) == ("陈晓", "meta:author")


def test_html_title_tag_without_og_title_matches_the_headline_line() -> None:
    page = PAGE.replace('<meta property="og:title" content="算力租赁涨价潮来袭">', "")
    doc = extract_metadata(clean_document(_html_doc(page), {}, 1))
    # <title> carries channel and site; the headline line on the page is the title
    assert doc.title.value == "算力租赁涨价潮来袭"
    assert [line.reason for line in doc.lines if line.raw == "算力租赁涨价潮来袭"] == ["title"]


def test_source_line_breaks_are_white_space_but_pre_keeps_them() -> None:
    html = "<html><body><p>第一句\n接着写，\n  同一段。</p><pre>代码一\n代码二</pre></body></html>"
    text, _ = html_to_text(html)
    assert text.split("\n") == ["第一句 接着写， 同一段。", "代码一", "代码二"]
