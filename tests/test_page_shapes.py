"""Page shapes the development set does not cover (tests/fixtures/page_shapes): hand-written
pages (old table layouts, <br>-cut bodies, inline fragments, GB2312 / Big5 declared only by
<meta http-equiv>, a JSON-LD-only byline, pagination, comments inside the article, zh-Hant
bylines, Chinese date forms, AMP, a print version, an interview, a list body, stories quoting disclaimers or naming an app, a Hong Kong byline, an event notice), built in memory through the real stages and
scored with the devset's rules (builders/evaluate/devset.py).

The figures are in-sample too: nine rules were added after these pages were first
scored (the unit tests below name them). Mutations caught are named per test.
"""

from __future__ import annotations

from typing import Any

import pytest

from builders.evaluate.devset import REPO_ROOT, evaluate_devset, load_gold
from tests.test_metadata_html import PARAGRAPHS, meta_of, page

SHAPES = REPO_ROOT / "tests" / "fixtures" / "page_shapes"


@pytest.fixture(scope="module")
def shapes() -> dict[str, Any]:
    return evaluate_devset(SHAPES)


def test_every_shape_builds_with_its_legacy_encoding(shapes: dict[str, Any]) -> None:
    """Mutation caught: the <meta http-equiv> charset ignored (GB2312 / Big5 bytes refused or
    decoded as something else, so their body sentences are lost)."""
    gold = load_gold(SHAPES)
    assert len(gold) == len(shapes["pages"]) == 19
    assert shapes["rejected"] == [] and shapes["totals"]["refused"] == 0
    legacy = {g["file"] for g in gold if g["encoding"] != "utf-8"}
    assert legacy == {"04_gbk_meta.html", "05_big5_meta.html"}
    for row in shapes["pages"]:
        if row["file"] in legacy:
            assert row["body_kept"] == row["body_total"] == 5, row


def test_body_kept_and_boilerplate_removed_on_every_shape(shapes: dict[str, Any]) -> None:
    """Mutation caught: any extract / clean change that loses a body sentence of one shape
    (a <td> or <br>-cut body, <span> fragments) or keeps a menu, comment or related list."""
    misses = [(m["file"], m["kind"], m["snippet"]) for m in shapes["misses"]]
    assert misses == []
    t = shapes["totals"]
    assert (t["body_kept"], t["body_total"], t["boiler_removed"], t["boiler_total"]) == (95, 95, 100, 100)


def test_metadata_of_every_shape(shapes: dict[str, Any]) -> None:
    """Mutation caught: title, date, publisher or author chosen wrongly on one shape."""
    wrong = [
        (row["file"], key, row["values"])
        for row in shapes["pages"]
        for key in ("title", "date", "publisher", "authors")
        if not row[key] and (key != "authors" or row["has_author"])
    ]
    assert wrong == []
    t = shapes["totals"]
    assert (t["title"], t["date"], t["publisher"], t["authors"], t["authors_total"]) == (19, 19, 19, 16, 16)


def test_a_column_kicker_the_structured_headline_leaves_out_is_dropped() -> None:
    """Mutation caught: ``_without_kicker`` returning the visible line unchanged ("快讯｜..."
    as the title when JSON-LD's headline has no kicker). Without structured data the visible
    heading stays as written (no word list guesses what a kicker is)."""
    jsonld = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "算力之困何时解"}</script>'
    body = "<h1>独家｜算力之困何时解</h1>" + PARAGRAPHS
    doc = meta_of(page("<title>独家｜算力之困何时解_某某财经</title>" + jsonld, body))
    assert doc.title.value == "算力之困何时解"
    assert doc.title.rule.endswith("kicker~json-ld:headline")
    plain = meta_of(page("<title>独家｜算力之困何时解_某某财经</title>", body))
    assert plain.title.value == "独家｜算力之困何时解"
    # a longer lead segment is a headline of its own, not a kicker
    long_lead = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "何时解"}</script>'
    doc = meta_of(page("<title>算力之困持续整整一年｜何时解_某某财经</title>" + long_lead, "<h1>算力之困持续整整一年｜何时解</h1>" + PARAGRAPHS))
    assert doc.title.value == "算力之困持续整整一年｜何时解"


def test_a_label_glued_to_a_colon_after_the_author_is_not_a_name() -> None:
    """Mutation caught: ``_split_names`` keeping the word before the next colon ("周立新、点击数"
    from "作者：周立新　点击数：1386")."""
    body = "<h1>算力之困何时解</h1><div>2024-05-08 10:00　来源：某某日报　作者：周立新　点击数：1386</div>" + PARAGRAPHS
    doc = meta_of(page("<title>算力之困何时解_某某网</title>", body))
    assert doc.author.value == "周立新"
    two = "<h1>算力之困何时解</h1><div>2024-05-08 10:00　作者：周立新 王芳　人气：20</div>" + PARAGRAPHS
    assert meta_of(page("<title>算力之困何时解_某某网</title>", two)).author.value == "周立新、王芳"


def test_this_papers_dateline_is_not_a_publisher() -> None:
    """Mutation caught: the dateline-outlet rule accepting 【本報訊】 (publisher "本報"); the
    <title>'s site segment is the publisher then."""
    body = "<h1>港區舊樓活化計劃首批單位落成</h1><p>【本報訊】由市區重建部門推動的舊樓活化計劃，首批共96個單位昨日正式落成，預計下月開始接受申請。</p>" + PARAGRAPHS
    doc = meta_of(page("<title>港區舊樓活化計劃首批單位落成 - 南灣日報</title>", body))
    assert doc.publisher.value == "南灣日報"


def test_an_interview_question_after_a_reporter_label_is_body() -> None:
    """Mutation caught: ``_is_byline`` accepting a line that ends in a question mark ("记者：
    竹编还有市场吗？" dropped as a byline, so an interview loses its questions). A real byline
    after the headline stays one."""
    from builders.clean import label_lines
    from builders.record import Line

    texts = [
        "非遗传承人谈竹编手艺的新生",
        "记者：钱晓光",
        "编者按：竹编是当地流传数百年的传统手艺，本报记者近日专访了一位市级非遗代表性传承人。",
        "记者：现在塑料制品这么多，竹编还有市场吗？",
        "方德胜：前些年确实很难，订单越来越少。这几年我们开始做竹编灯罩、茶具收纳盒，反而卖到了外地。",
        "记者：有年轻人愿意学吗？",
        "方德胜：去年我们在职业学校开了兴趣班，报名的有四十多个学生，比我想象的多。",
    ]
    lines = [Line(i, t, t) for i, t in enumerate(texts, 1)]
    label_lines(lines)
    got = {line.text: (line.label, line.reason) for line in lines}
    assert got["记者：现在塑料制品这么多，竹编还有市场吗？"][0] == "content"
    assert got["记者：有年轻人愿意学吗？"][0] == "content"
    assert got["记者：钱晓光"] == ("boilerplate", "byline")


def _labels(texts: list[str]) -> dict[str, tuple[str, str]]:
    from builders.clean import label_lines
    from builders.record import Line

    lines = [Line(i, t, t) for i, t in enumerate(texts, 1)]
    label_lines(lines)
    return {line.text: (line.label, line.reason) for line in lines}


LEAD = "网络转载须经授权 一批侵权案件集中宣判"
STORY = [
    "据统计，该院去年共受理网络著作权案件3100余件，其中文字作品类案件占四成以上，同比增长两成。",
    "法院提醒，平台应当建立转载审核机制，对来源不明的稿件及时核实，避免承担侵权责任。",
]


def test_disclaimer_phrases_quoted_or_reported_in_a_story_are_body() -> None:
    """Mutations caught: disclaimer phrases searched in quoted words too (``_QUOTED`` not
    removed), or one phrase in a long reporting sentence taken as the site's notice (the
    ``_sentence`` / ``site_self`` condition of ``_is_disclaimer`` dropped). The site's own
    notices stay disclaimers: labelled, short, or speaking of 本网 / 本站."""
    quoted = "其中一起案件中，某资讯平台在文末标注“本文转载自网络，如有侵权请联系删除”，法院认为，这类声明不能免除平台的审查义务。"
    reported = "4月26日，市互联网法院集中宣判了12起涉网络文章著作权纠纷案件，涉案平台均因未经授权转载他人作品被判承担赔偿责任。"
    own_long = "凡本网注明来源为其他媒体的作品，均为转载，目的在于传递更多信息，并不代表本网赞同其观点，也不对其真实性负责。"
    got = _labels([LEAD, quoted, reported, *STORY, "本文转载自网络，如有侵权请联系删除", own_long, "声明：此类稿件不代表本网观点。"])
    assert got[quoted][0] == "content"
    assert got[reported][0] == "content"
    assert got["本文转载自网络，如有侵权请联系删除"] == ("boilerplate", "disclaimer")
    assert got[own_long] == ("boilerplate", "disclaimer")
    assert got["声明：此类稿件不代表本网观点。"] == ("boilerplate", "disclaimer")


def test_a_sentence_about_an_app_is_not_a_menu() -> None:
    """Mutation caught: ``_is_navigation`` returning True for any line with a strong menu
    phrase (下载客户端), so a news sentence about an app is dropped as navigation; a short
    promotion line with the same phrase stays boilerplate."""
    sentence = "8月15日，全省统一的政务服务平台新版正式上线。市民在手机上下载客户端或关注官方公众号，即可办理社保查询等业务。"
    got = _labels(["政务服务平台上线新版 八成事项可掌上办", sentence, *STORY, "设为首页 下载客户端"])
    assert got[sentence][0] == "content"
    assert got["设为首页 下载客户端"] == ("boilerplate", "navigation")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024年1月12日（星期五） 11:45", "2024-01-12T11:45+08:00"),
        ("2024年1月12日(週五)11:45", "2024-01-12T11:45+08:00"),
        ("2024年1月12日 星期五 11:45", "2024-01-12T11:45+08:00"),
        ("2024年1月12日（星期五）", "2024-01-12"),
    ],
)
def test_a_weekday_in_brackets_between_date_and_time(raw: str, expected: str) -> None:
    """Mutation caught: ``_TIME_AFTER_RE`` without the optional brackets (the time after
    "（星期五）" lost, the date alone kept)."""
    from builders.enrich.metadata import parse_datetime

    assert parse_datetime(raw) == expected


def test_an_event_schedule_inside_the_story_is_not_a_byline() -> None:
    """Mutation caught: ``_is_byline`` taking every 时间： / 日期： line as a byline ("时间：3月10日
    上午9点" of an event notice dropped); a labelled date with a year or a clock time stays one."""
    got = _labels([LEAD, STORY[0], "开幕式安排如下：", "时间：3月10日上午9点", "地点：市图书馆一楼报告厅", STORY[1]])
    assert got["时间：3月10日上午9点"][0] == "content"
    got = _labels([LEAD, "时间：2024-03-05 09:00", *STORY])
    assert got["时间：2024-03-05 09:00"] == ("boilerplate", "byline")
