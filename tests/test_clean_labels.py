"""Line labelling on pages the tests build themselves (other sites' layouts, both scripts).

The seed pages shaped the rules, so these pages deliberately use other menus, other comment
widgets, other disclaimers and Traditional script. Each test names the feature it needs; with
the feature removed the test fails.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.clean import clean_document, count_line_keys, label_lines, line_key
from builders.extract import split_lines
from builders.record import Document, Line, Source


def make_doc(
    text: str, doc_id: str = "t1", fmt: str = "text", meta: dict[str, str] | None = None
) -> Document:
    source = Source(doc_id, f"raw/{doc_id}.txt", "0" * 64, None, None, None, None, "test page")
    doc = Document(
        id=doc_id,
        source=source,
        raw_sha256="0" * 64,
        encoding="utf-8",
        format=fmt,
        raw_text=text,
        html_meta=meta or {},
    )
    doc.lines = split_lines(text)
    return doc


def labelled(text: str, **kwargs: object) -> dict[str, tuple[str, str]]:
    """raw line (stripped) -> (label, reason), for the non-empty lines of a page."""
    doc = clean_document(make_doc(text, **kwargs), {}, 1)  # type: ignore[arg-type]
    return {line.raw.strip(): (line.label, line.reason) for line in doc.lines if line.raw.strip()}


P1 = "据新华社报道，国内多家云计算企业近日表示，高端训练芯片的交付周期已延长到半年以上，部分客户转向国产。"
P2 = "业内人士分析认为，算力紧张的局面短期内难以缓解，数据中心的电力与散热条件也成为新的瓶颈，各地加快布局。"
P3 = "一位不愿具名的服务器厂商负责人告诉记者，今年以来订单量同比增长超过三倍，但关键部件仍需排队等待交货。"
P4 = "分析师指出，随着大模型应用从训练走向推理，市场对算力的需求结构正在发生变化，推理芯片的竞争将更加激烈。"

SIMPLIFIED_PORTAL = f"""首页 | 新闻 | 财经 | 科技 | 体育 | 娱乐 | 汽车
当前位置：首页 > 科技 > 正文

国产算力芯片迎来订单潮

2024年03月05日 09:30  来源：华夏日报  编辑：王五

{P1}

{P2}

订单排到明年

{P3}

{P4}

责任编辑：李四

相关阅读：
· 多地加快建设智算中心
· 服务器厂商三季度营收大增
· 芯片交付周期延长引发关注

Copyright © 2024 华夏日报社 版权所有
京ICP证030173号 京公网安备11000002000001号
"""


def test_simplified_portal_chrome_and_article() -> None:
    got = labelled(SIMPLIFIED_PORTAL)
    assert got["首页 | 新闻 | 财经 | 科技 | 体育 | 娱乐 | 汽车"] == ("boilerplate", "navigation")
    assert got["当前位置：首页 > 科技 > 正文"] == ("boilerplate", "breadcrumb")
    assert got["国产算力芯片迎来订单潮"] == ("boilerplate", "title")
    assert got["2024年03月05日 09:30  来源：华夏日报  编辑：王五"] == ("boilerplate", "byline")
    for para in (P1, P2, P3, P4):
        assert got[para] == ("content", "body")
    # a short unpunctuated line between paragraphs is a section heading, i.e. content
    assert got["订单排到明年"] == ("content", "section-heading")
    assert got["责任编辑：李四"][0] == "boilerplate"
    assert got["相关阅读："] == ("boilerplate", "related-links")
    assert got["· 多地加快建设智算中心"][0] == "boilerplate"
    assert got["Copyright © 2024 华夏日报社 版权所有"] == ("boilerplate", "copyright")
    assert got["京ICP证030173号 京公网安备11000002000001号"] == ("boilerplate", "licence-icp")


def test_clean_text_is_the_article_only() -> None:
    doc = clean_document(make_doc(SIMPLIFIED_PORTAL), {}, 1)
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0].startswith("据新华社报道")
    assert "订单排到明年" in paragraphs
    assert "国产算力芯片迎来订单潮" not in doc.text  # the title goes to the title field
    assert "相关阅读" not in doc.text and "ICP" not in doc.text
    for line in doc.lines:
        assert line.label in ("content", "boilerplate", "spam") and line.reason
        if not line.raw.strip():
            assert (line.label, line.reason) == ("boilerplate", "blank")
    for key in ("spin_score", "is_spun", "stuffing_score", "is_stuffed"):
        assert key in doc.quality


COMMENT_THREAD = f"""AI服务器价格一月内上涨三成

发布时间：2024-05-12 14:02

{P1}

{P2}

{P3}

网友评论
算力观察员
这篇文章说得很对，我们公司也在排队等卡，已经等了两个多月了。
2小时前
回复
点赞 12
techfan_88
国产芯片加油，希望明年能看到更多替代方案落地，生态是关键。
昨天 21:15
回复
点赞 3
小王同学
价格涨得太离谱了，中小企业根本用不起，只能租云上的算力。
3天前
回复
"""


def test_comment_thread_after_article_is_boilerplate() -> None:
    got = labelled(COMMENT_THREAD)
    assert got[P3] == ("content", "body")
    assert got["网友评论"] == ("boilerplate", "comment-widget")
    # comments are prose with full stops, but they are not the article
    for comment in (
        "这篇文章说得很对，我们公司也在排队等卡，已经等了两个多月了。",
        "国产芯片加油，希望明年能看到更多替代方案落地，生态是关键。",
        "价格涨得太离谱了，中小企业根本用不起，只能租云上的算力。",
    ):
        assert got[comment][0] == "boilerplate", comment
    for widget in ("2小时前", "回复", "昨天 21:15", "3天前", "techfan_88"):
        assert got[widget][0] == "boilerplate", widget


TRADITIONAL = """首頁 | 新聞 | 財經 | 科技 | 國際 | 生活
設為首頁 加入收藏

輝達新晶片供不應求 台廠加速擴產

2024-04-18 10:12 記者王小明／台北報導

人工智慧伺服器需求強勁，多家台灣代工廠表示，新一代繪圖處理器的訂單已排到明年第二季，產能吃緊的狀況短期內難以改善。

業者指出，散熱模組與電源供應器同樣出現缺料，供應鏈正在擴建新廠，預計下半年陸續投產，以因應雲端業者的採購需求。

法人分析，今年伺服器出貨量可望成長兩成以上，相關供應鏈營收也將同步受惠，但須留意地緣政治帶來的不確定性。

延伸閱讀
．伺服器代工廠營收創新高
．散熱族群股價齊揚
．雲端業者擴大資本支出

免責聲明：本文僅供參考，不構成投資建議。
"""


def test_traditional_page() -> None:
    got = labelled(TRADITIONAL)
    assert got["首頁 | 新聞 | 財經 | 科技 | 國際 | 生活"] == ("boilerplate", "navigation")
    assert got["設為首頁 加入收藏"] == ("boilerplate", "navigation")
    assert got["輝達新晶片供不應求 台廠加速擴產"] == ("boilerplate", "title")
    assert got["2024-04-18 10:12 記者王小明／台北報導"] == ("boilerplate", "byline")
    contents = [k for k, v in got.items() if v[0] == "content"]
    assert len(contents) == 3 and all(c.endswith("。") for c in contents)
    assert got["延伸閱讀"] == ("boilerplate", "related-links")
    assert got["．散熱族群股價齊揚"][0] == "boilerplate"
    assert got["免責聲明：本文僅供參考，不構成投資建議。"] == ("boilerplate", "disclaimer")


FEED_TEASERS = f"""大模型训练成本再创新高

{P1}

{P2}

{P3}
-
某券商研报称，今年国内智算中心投资规模有望突破千亿元，带动服务器、光模块和液冷设备需求，相关公司订单 ...
- alice_w
- 5 分钟前
- 支持
- 反对
-
另据媒体报道，多家互联网公司正在与芯片厂商洽谈长期供货协议，以锁定明后两年的产能，部分合同金额 ...
- bob2024
- 1 小时前
- 支持
- 反对
"""


def test_teasers_in_a_feed_are_boilerplate_even_though_they_read_like_prose() -> None:
    got = labelled(FEED_TEASERS)
    teasers = [k for k in got if k.endswith("...")]
    assert len(teasers) == 2
    for teaser in teasers:
        assert got[teaser] == ("boilerplate", "related-links")
    assert got["- alice_w"] == ("boilerplate", "comment-widget")
    assert got["- 5 分钟前"][0] == "boilerplate"
    assert got[P3] == ("content", "body")


def test_injected_spam_line_inside_article() -> None:
    page = f"""芯片短缺持续

{P1}

澳门威尼斯人娱乐城 百家乐 真人视讯 注册送彩金

{P2}

澳门赌场收入回升，分析人士认为这与旅游业复苏有关，但对科技行业的影响有限，芯片供应仍是焦点。

{P3}
"""
    got = labelled(page)
    assert got["澳门威尼斯人娱乐城 百家乐 真人视讯 注册送彩金"] == ("spam", "injected-spam")
    # a news sentence that mentions a casino is not spam
    assert (
        got["澳门赌场收入回升，分析人士认为这与旅游业复苏有关，但对科技行业的影响有限，芯片供应仍是焦点。"][0]
        == "content"
    )
    assert got[P2] == ("content", "body")


def test_image_caption_after_marker() -> None:
    page = f"""数据中心扩建忙

{P1}

（图片来源：视觉中国）
工人正在安装服务器机柜

{P2}

{P3}
"""
    got = labelled(page)
    assert got["（图片来源：视觉中国）"] == ("boilerplate", "image-caption")
    assert got["工人正在安装服务器机柜"] == ("boilerplate", "image-caption")


def test_plain_article_loses_nothing() -> None:
    """No chrome at all: every paragraph stays (the labeller must not over-remove)."""
    page = f"{P1}\n{P2}\n{P3}\n{P4}\n"
    got = labelled(page)
    assert all(v == ("content", "body") for v in got.values())


def test_repeated_across_corpus_needs_the_index() -> None:
    furniture = "扫码关注华夏科技公众号 每日推送最新资讯"
    page = f"芯片订单大增\n\n{P1}\n\n{furniture}\n\n{P2}\n\n{P3}\n"
    lines = split_lines(page)
    key = line_key(furniture)
    assert key is not None
    # Without the index the line sits alone between paragraphs and reads as a heading or, being
    # as long as a sentence, a photo caption: nothing says it repeats ...
    label_lines(lines, {}, 10)
    assert [(x.label, x.reason) for x in lines if x.raw == furniture] == [("boilerplate", "image-caption")]
    # ... seen in 8 of 10 documents it is site furniture.
    lines = split_lines(page)
    label_lines(lines, {key: 8}, 10)
    assert [(x.label, x.reason) for x in lines if x.raw == furniture] == [
        ("boilerplate", "repeated-across-corpus")
    ]


def test_syndicated_prose_is_not_removed_for_repetition() -> None:
    page = f"标题在此\n\n{P1}\n\n{P2}\n\n{P3}\n"
    lines = split_lines(page)
    counts = {line_key(P1): 9}
    label_lines(lines, counts, 10)  # type: ignore[arg-type]
    assert [x.label for x in lines if x.raw == P1] == ["content"]


def test_duplicated_title_later_in_page() -> None:
    page = f"算力租赁价格翻倍\n\n{P1}\n\n{P2}\n\n{P3}\n\n算力租赁价格翻倍\n"
    got = Counter((x.label, x.reason) for x in clean_document(make_doc(page), {}, 1).lines if x.raw.strip())
    assert got[("boilerplate", "title")] == 1
    assert got[("boilerplate", "duplicated-title")] == 1


def test_line_key_normalisation() -> None:
    assert line_key("本站所有信息来自互联网，2023年") == line_key("本站所有信息来自互联网 2024年")
    assert line_key("Copyright 2020 ABC News") == line_key("copyright 2031 abc news!")
    assert line_key("分享") is None and line_key("   ") is None and line_key("194") is None
    key = line_key("一段足够长的文字用于计算哈希")
    assert key is not None and -(2**63) <= key < 2**63
    assert line_key("一段足够长的文字用于计算哈希") == key  # deterministic across calls


def test_count_line_keys_counts_documents_not_occurrences() -> None:
    line = "本网站所有内容均来自网络"
    a = make_doc(f"{line}\n{line}\n正文一。", "a")
    b = make_doc(f"{line}\n正文二。", "b")
    counts = count_line_keys([a, b])
    assert counts[line_key(line)] == 2  # type: ignore[index]


@pytest.mark.parametrize(
    "line",
    [
        "分享到：微信 微博 QQ空间",
        "保存 | 打印 | 关闭",
        "分享 收藏 打印",
        "赞(12) ",
        "阅读 3.2万",
        "浏览：1024",
    ],
)
def test_widget_and_counter_lines_outside_article(line: str) -> None:
    page = f"标题一则\n\n{P1}\n\n{P2}\n\n{P3}\n\n{line}\n"
    got = labelled(page)
    assert got[line.strip()][0] == "boilerplate"
    assert got[line.strip()][1] in ("share-toolbar", "view-counter", "comment-widget")


def test_lines_are_labelled_in_place_with_reasons() -> None:
    lines = [Line(1, "x", "x"), Line(2, "", ""), Line(3, P1, P1)]
    label_lines(lines)
    assert [x.label for x in lines] == ["boilerplate", "boilerplate", "content"]
    assert all(x.reason for x in lines)


WECHAT = """原创 张三 硬科技观察 2024-03-05 08:00 发表于北京
点击上方蓝字关注我们
英伟达财报背后：算力需求没有天花板
文｜张三
编辑｜李四
封面来源｜IC photo
英伟达最新一季财报显示，数据中心业务收入同比增长超过四倍，再次超出市场预期。
这一成绩的背后，是全球科技公司对训练算力近乎疯狂的采购。
一、需求从哪里来
大模型的参数规模仍在扩大，训练一次所需的算力每年翻几番。
1. 云厂商加大资本开支；
2. 企业自建智算中心；
二、供给何时缓解
业内普遍认为，先进封装产能是当前最大的瓶颈，扩产需要时间。
END
往期推荐
国产GPU的突围之路
算力租赁的生意经
阅读原文
"""


def test_wechat_style_article() -> None:
    got = labelled(WECHAT)
    # the headline, not the "follow us" slogan above it, is the title
    assert got["英伟达财报背后：算力需求没有天花板"] == ("boilerplate", "title")
    assert got["点击上方蓝字关注我们"][0] == "boilerplate"
    assert got["文｜张三"] == ("boilerplate", "byline") and got["编辑｜李四"] == ("boilerplate", "byline")
    assert got["封面来源｜IC photo"] == ("boilerplate", "image-caption")
    assert got["一、需求从哪里来"] == ("content", "section-heading")
    assert got["二、供给何时缓解"] == ("content", "section-heading")
    assert got["1. 云厂商加大资本开支；"] == ("content", "body")
    for tail in ("END", "往期推荐", "国产GPU的突围之路", "阅读原文"):
        assert got[tail][0] == "boilerplate", tail


HONG_KONG = """明報新聞網
首頁 > 經濟 > 科技
人工智能晶片荒 港企排隊等貨
2024年3月8日 星期五 06:00
【明報專訊】人工智能熱潮帶動晶片需求，本港多家數據中心營運商表示，高階圖形處理器的交貨期已延長至半年以上。
有業界人士透露，部分企業轉向租用雲端算力，但價格較去年上升約三成。
分析員認為，供應緊張情況最快要到明年才會紓緩。
相關新聞
港府推動數據中心發展
科技股全線造好
明報網站 ©版權所有 All rights reserved.
"""


def test_hong_kong_traditional_page() -> None:
    got = labelled(HONG_KONG)
    assert got["人工智能晶片荒 港企排隊等貨"] == ("boilerplate", "title")  # not the site name above
    assert got["首頁 > 經濟 > 科技"] == ("boilerplate", "breadcrumb")
    assert [k for k, v in got.items() if v[0] == "content"] == [
        line for line in HONG_KONG.split("\n") if line.endswith("。")
    ]
    assert got["相關新聞"] == ("boilerplate", "related-links")
    assert got["明報網站 ©版權所有 All rights reserved."] == ("boilerplate", "copyright")


def test_traditional_variant_characters_fold_before_matching() -> None:
    """書簽 / 書籤 and 為 / 爲 are variants OpenCC's s2t does not produce both of: the words
    are matched on the line's Simplified form, so either spelling is recognised."""
    page = f"設為書簽 | 加入最愛\n算力荒持續\n\n{P1}\n\n{P2}\n\n{P3}\n"
    got = labelled(page)
    assert got["設為書簽 | 加入最愛"] == ("boilerplate", "navigation")


_ALPHABET = "的一是了不人在有这个上们来到时大为中国年说生会家可发成算力芯片。，！？：“”（）-|> 09abX\n"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=400))
def test_any_text_gets_a_label_and_reason_per_line(text: str) -> None:
    doc = clean_document(make_doc(text), {}, 1)
    assert len(doc.lines) == text.count("\n") + 1
    for line in doc.lines:
        assert line.label in ("content", "boilerplate", "spam") and line.reason
    kept = [line.text.strip() for line in doc.lines if line.label == "content" and line.text.strip()]
    assert doc.text == "\n\n".join(kept)


def test_a_lone_dash_section_break_does_not_cut_the_article() -> None:
    page = f"算力观察\n\n{P1}\n\n{P2}\n\n-\n\n{P3}\n"
    got = labelled(page)
    assert got[P3] == ("content", "body")
    assert got["-"] == ("boilerplate", "list-marker")
