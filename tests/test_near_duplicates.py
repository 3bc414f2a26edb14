"""Near-duplicate detection with MinHash / LSH over script-normalised character n-grams."""

from __future__ import annotations

import pickle

import pytest

from builders.enrich.near_duplicates import NearDuplicateIndex, normalise, shingles
from builders.textscript.convert import get_converter
from tests.test_convert import SIMPLIFIED_SEEDS, TRADITIONAL_SEEDS, clean_seed_text

SEEDS = SIMPLIFIED_SEEDS + TRADITIONAL_SEEDS


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {doc_id: clean_seed_text(doc_id) for doc_id in SEEDS}


def _copies(seeds: dict[str, str]) -> dict[str, str]:
    base = seeds["001_848fc20b8f012d60"]
    paragraphs = base.split("\n\n")
    return {
        # The same article republished with another site's header and footer.
        "copy-new-frame": "您现在的位置：首页 > 科技 > 正文\n\n"
        + base
        + "\n\n免责声明：本文来自网络，版权归原作者所有。\n\n上一篇：下一篇：",
        # The same article converted to Traditional script (Taiwan forms).
        "copy-traditional": get_converter().to_hant(base),
        # Lightly edited: one paragraph dropped, punctuation and spacing changed.
        "copy-edited": "\n\n".join(paragraphs[:3] + paragraphs[4:]).replace("，", ", ").replace("。", ". "),
    }


def test_copies_are_found_and_distinct_articles_are_not(seeds: dict[str, str]) -> None:
    index = NearDuplicateIndex()
    for key, text in {**seeds, **_copies(seeds)}.items():
        index.add(key, text)
    groups = index.groups()
    family = ["001_848fc20b8f012d60", "copy-edited", "copy-new-frame", "copy-traditional"]
    for key in family:
        assert groups[key] == [k for k in family if k != key], key
    for key in SEEDS:
        if key not in family:
            assert groups[key] == [], key


def test_same_topic_different_articles_are_not_duplicates(seeds: dict[str, str]) -> None:
    # Two reports on the same theme (AI compute shortage) share vocabulary but are not copies.
    index = NearDuplicateIndex()
    index.add("a", seeds["002_c5d5ffc0dd5a85b7"])
    index.add("b", seeds["003_6642e0c49b93c3a4"])
    assert index.similarity("a", "b") < 0.1
    assert index.groups() == {"a": [], "b": []}


def test_paragraph_level_and_empty_texts() -> None:
    index = NearDuplicateIndex()
    p = "英伟达市值达到3.34万亿美元，超越微软成为全球市值最高的公司。"
    index.add("d1-p0", p)
    index.add("d2-p3", "英偉達市值達到3.34萬億美元，超越微軟成為全球市值最高的公司！")
    index.add("d3-p1", "国产芯片仍缺生态加持，互联网大厂加码订购。")
    index.add("d4-p0", "——")  # nothing to compare: never a duplicate
    index.add("d5-p0", "————")
    assert index.groups() == {"d1-p0": ["d2-p3"], "d2-p3": ["d1-p0"], "d3-p1": [], "d4-p0": [], "d5-p0": []}


def test_deterministic_and_order_independent(seeds: dict[str, str]) -> None:
    texts = {**seeds, **_copies(seeds)}
    first, second = NearDuplicateIndex(), NearDuplicateIndex()
    for key in sorted(texts):
        first.add(key, texts[key])
    for key in sorted(texts, reverse=True):
        second.add(key, texts[key])
    assert first.groups() == second.groups()
    assert first.signature(seeds[SEEDS[0]]) == second.signature(seeds[SEEDS[0]])


def test_index_keeps_signatures_not_texts(seeds: dict[str, str]) -> None:
    index = NearDuplicateIndex()
    text = seeds["000_ffead13b8aaa8742"]
    index.add("k", text)
    blob = pickle.dumps(index._signatures)
    assert len(blob) < 128 * 8 + 200
    assert text[:20].encode() not in pickle.dumps(index.__dict__)


def test_duplicate_key_and_bad_threshold() -> None:
    index = NearDuplicateIndex()
    index.add("k", "文本")
    with pytest.raises(ValueError, match="twice"):
        index.add("k", "文本")
    with pytest.raises(ValueError, match="threshold"):
        NearDuplicateIndex(threshold=0.0)


def test_threshold_is_respected() -> None:
    base = "".join(f"第{i}段：算力需求增长，国产芯片加速替代，云厂商扩大采购。" for i in range(30))
    edited = base[: len(base) // 2] + "".join(f"另一篇文章第{i}句讲的是完全不同的事情。" for i in range(15))
    loose, strict = NearDuplicateIndex(threshold=0.2), NearDuplicateIndex(threshold=0.9)
    for index in (loose, strict):
        index.add("a", base)
        index.add("b", edited)
    assert 0.2 <= loose.similarity("a", "b") < 0.9
    assert loose.groups()["a"] == ["b"]
    assert strict.groups()["a"] == []


def test_normalise_and_shingles() -> None:
    assert normalise("ＡＩ 算力，GPU！") == "ai算力gpu"
    assert normalise("輝達", get_converter().to_hans) == "英伟达"
    assert shingles("abc", 5) == {"abc"}
    assert shingles("", 5) == set()
    assert len(shingles("abcdefg", 5)) == 3
