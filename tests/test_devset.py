"""Issue 17: the development set of 20 real HTML pages (tests/fixtures/devset) builds, and the
body / boilerplate figures stay at what the extract and clean stages reach on it.

The figures are in-sample (the rules were written by people who had looked at these pages);
the thresholds guard against regressions, they do not measure generality.
"""

from __future__ import annotations

from typing import Any

import pytest

from builders.evaluate.devset import DEVSET, evaluate_devset, load_gold, score_page


@pytest.fixture(scope="module")
def devset() -> dict[str, Any]:
    return evaluate_devset()


def test_every_devset_page_builds(devset: dict[str, Any]) -> None:
    assert devset["rejected"] == []
    assert devset["totals"]["refused"] == 0
    assert devset["totals"]["pages"] == len(load_gold()) == 20


def test_body_kept_and_boilerplate_removed(devset: dict[str, Any]) -> None:
    t = devset["totals"]
    assert t["body_kept"] >= 0.98 * t["body_total"], t
    assert t["boiler_removed"] >= 0.95 * t["boiler_total"], t


def test_scorer_can_fail() -> None:
    gold = load_gold(DEVSET)[0]
    everything = " ".join([gold["body_first"], gold["body_last"], *gold["body_keep"], *gold["boiler"]])
    row = score_page(gold, {"text": everything, "title": gold["title"] + "_网", "published": "2024-05-10"})
    assert row["body_kept"] == 5 and row["boiler_removed"] == 0
    assert not row["title"] and not row["date"] and not row["publisher"]
    assert score_page(gold, None)["refused"]


def test_docs_evaluation_page_shows_the_devset_beside_trafilatura(devset: dict[str, Any]) -> None:
    """Mutation caught: the devset tables left out of the docs' evaluation headlines."""
    from builders.publish.pages import evaluation_headlines, evaluation_page

    tables = evaluation_headlines({"devset": devset})
    assert tables["devset"][0][0] == "this project"
    assert tables["devset"][1][0].startswith("trafilatura ")
    assert len(tables["devset_pages"]) == 20
    page = evaluation_page({"devset": devset}, "test")
    assert "Development set, page by page" in page and "01_people_henan_growth.html" in page
