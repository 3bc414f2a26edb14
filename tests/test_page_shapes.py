"""Page shapes the development set does not cover (tests/fixtures/page_shapes): hand-written
pages (old table layouts, <br>-cut bodies, inline fragments, GB2312 / Big5 declared only by
<meta http-equiv>, a JSON-LD-only byline, pagination, comments inside the article, zh-Hant
bylines, Chinese date forms, AMP, a print version), built in memory through the real stages and
scored with the devset's rules (builders/evaluate/devset.py).

The figures are in-sample too: three chooser rules were added after these pages were first
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
    assert len(gold) == len(shapes["pages"]) == 12
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
    assert (t["body_kept"], t["body_total"], t["boiler_removed"], t["boiler_total"]) == (60, 60, 73, 73)


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
    assert (t["title"], t["date"], t["publisher"], t["authors"], t["authors_total"]) == (12, 12, 12, 10, 10)


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
