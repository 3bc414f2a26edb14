"""Issue 22: the gazetteer (schema/entities.yaml) and the entities of every document.

Units on texts made here (word boundaries, scripts, the 輝達-only document through the script and
annotate stages), and checks on the built dataset: every entity found is in the document's text
in one of its forms, on a word boundary, and the card counts documents per entity."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from builders.annotate import annotate_document
from builders.annotate.entities import (
    ENTITY_TYPES,
    WORD_FREQ,
    EntityMatcher,
    default_gazetteer,
    default_matcher,
    has_han,
    is_latin,
    load_gazetteer,
)
from builders.annotate.tokenize import segment_knowing
from builders.enrich.script import apply_scripts
from builders.record import BuildError, Paragraph
from builders.stats import compute_stats
from builders.textscript.convert import get_converter
from tests.test_annotate_seeds import make_document

REPO = Path(__file__).resolve().parent.parent
TO_HANS = get_converter().to_hans


def found(text: str) -> dict[str, tuple[list[str], int]]:
    """{entity id: (forms, count)} of a text in any script, as the annotate stage finds them."""
    hans = TO_HANS(text)
    return {e.id: (e.forms, e.count) for e in default_matcher().find(hans, text)}


# --- the gazetteer ---------------------------------------------------------------------------


def test_gazetteer_has_provenance_and_every_name() -> None:
    raw = yaml.safe_load((REPO / "schema" / "entities.yaml").read_text(encoding="utf-8"))
    assert raw["created"] and raw["authors"] and raw["sources"]
    gaz = default_gazetteer()
    ids = [e.id for e in gaz.entities]
    assert len(ids) == len(set(ids)) >= 50
    assert {e.type for e in gaz.entities} == set(ENTITY_TYPES)
    for e in gaz.entities:
        assert e.en and e.zh_hans and e.zh_hant, e.id
    by_id = gaz.by_id()
    assert {"英伟达", "英偉達", "輝達", "NVIDIA"} <= set(by_id["nvidia"].names())
    assert {"黄仁勋", "黃仁勳", "Jensen Huang"} <= set(by_id["jensen-huang"].names())
    for ident in ("huawei", "huawei-ascend", "cambricon", "amd", "intel", "tsmc", "nvidia-h20", "amd-mi300",
                  "huawei-ascend-910b", "lisa-su", "chatgpt", "ernie-bot", "qwen"):
        assert ident in by_id, ident


def test_every_han_name_is_one_token() -> None:
    """The matcher's tokenizer knows every name: a name standing alone is one jieba token."""
    matcher = default_matcher()
    for e in default_gazetteer().entities:
        for form in e.names():
            if has_han(form) and "·" not in form:
                hans = TO_HANS(form)
                assert matcher.boundaries(hans) == [0, len(hans)], (e.id, form)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("- {id: X, type: company, en: a, zh_hans: 甲, zh_hant: 甲}", "lower-case"),
        ("- {id: x, type: fruit, en: a, zh_hans: 甲, zh_hant: 甲}", "type"),
        ("- {id: x, type: company, en: a, zh_hans: 甲}", "no zh_hant"),
        ("- {id: x, type: company, en: a, zh_hans: 甲乙, zh_hant: 甲乙}\n"
         "- {id: y, type: company, en: b, zh_hans: 甲乙, zh_hant: 甲乙}", "belongs to both"),
    ],
)
def test_bad_gazetteer_names_file_and_reason(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text("entities:\n" + "\n".join("  " + line for line in body.splitlines()) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(str(path)) + ".*" + problem):
        load_gazetteer(path)


# --- matching ------------------------------------------------------------------------------------


def test_word_boundaries_in_han_text() -> None:
    assert "nvidia" not in found("英国和美国的芯片出口")  # 英 of 英国 is not 英伟达
    assert found("英国和英伟达的芯片")["nvidia"] == (["英伟达"], 1)
    assert "hygon" not in found("上海光源是一台同步辐射装置")  # 海光 across 上海 / 光源
    assert "nvidia" not in found("光輝達到頂峰")  # 輝達 across 光輝 / 達到


def test_latin_names_on_ascii_boundaries() -> None:
    hits = found("H1000和H100X都不是H100，H100芯片才是；MI300X与MI300A")
    assert hits["nvidia-h100"] == (["H100"], 2)
    assert hits["amd-mi300"] == (["MI300X", "MI300A"], 2)
    assert "nvidia-h20" not in found("H200 供货")
    assert "nvidia-h200" in found("H200 供货")


def test_compound_tokens_and_longest_match() -> None:
    hits = found("华为昇腾910B出货")
    assert hits["huawei"] == (["华为"], 1)
    assert hits["huawei-ascend-910b"] == (["昇腾910B"], 1)
    assert "huawei-ascend" not in hits  # inside the longer chip name


def test_one_entity_in_every_script() -> None:
    for text in ("英伟达发布新芯片", "英偉達發佈新晶片", "輝達發表新晶片", "NVIDIA发布新芯片", "辉达发布新芯片"):
        assert "nvidia" in found(text), text
    assert found("黃仁勛說")["jensen-huang"] == (["黃仁勛"], 1)
    assert found("黃仁勳表示")["jensen-huang"] == (["黃仁勳"], 1)


def test_a_document_mentioning_only_huida_is_tagged_nvidia() -> None:
    """A Traditional (Taiwan) text through the script and annotate stages: 輝達 becomes 英伟达 in
    zh-Hans (a phrase-table entry that changes the length), and the entity keeps the form as
    written."""
    text = "輝達今日發表新一代人工智慧晶片，輝達執行長表示供貨將在明年改善。\n\n分析師認為台灣供應鏈受惠。"
    assert "英偉達" not in text and "NVIDIA" not in text and "英伟达" not in text
    doc = make_document("huida_only", text)
    doc.paragraphs = [Paragraph(i, p) for i, p in enumerate(text.split("\n\n"))]
    apply_scripts(doc)
    assert doc.script == "Hant"
    assert len(doc.text_zh_hans) != len(doc.text)  # 輝達 -> 英伟达
    annotate_document(doc, None, get_converter().to_hant)
    tags = {e.id: e for e in doc.entities}
    assert tags["nvidia"].forms == ["輝達"] and tags["nvidia"].count == 2
    assert tags["nvidia"].type == "company"


def test_matcher_without_offsets_reports_simplified_forms() -> None:
    gaz = default_gazetteer()
    matcher = EntityMatcher(gaz, TO_HANS)  # no alignment: lengths differ, forms stay Simplified
    hans = TO_HANS("輝達晶片")
    assert matcher.find(hans, "輝達晶片")[0].forms == ["英伟达"]


# --- the built dataset ----------------------------------------------------------------------------


def _documents(dataset: Path) -> list[dict]:
    rows: list[dict] = []
    for path in sorted((dataset / "data" / "documents").glob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def _on_boundary(form: str, doc: dict, compound: re.Pattern[str], words: tuple[str, ...]) -> bool:
    """Some occurrence of the form in the text lies on a word boundary: of the project's jieba
    tokenizer knowing the gazetteer's names (``words``)."""
    if is_latin(form):
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", doc["text"]) is not None
    hans, text = TO_HANS(form), doc["text_zh_hans"]
    edges, pos, tokens = set(), 0, []
    for tok in segment_knowing(text, words, WORD_FREQ):
        start = text.index(tok, pos)
        pos = start + len(tok)
        edges.update((start, pos))
        tokens.append((start, pos, tok))
    for m in re.finditer(re.escape(hans), text):
        if m.start() in edges and m.end() in edges:
            return True
        # inside one token made only of gazetteer names (华为昇腾)
        if any(s <= m.start() and m.end() <= e and compound.fullmatch(t) for s, e, t in tokens):
            return True
    return False


def test_built_entities_are_in_the_text_on_word_boundaries(built_dataset: Path) -> None:
    gaz = default_gazetteer().by_id()
    hans_forms = {i: {TO_HANS(f) for f in e.names()} for i, e in gaz.items()}
    every = sorted({f for forms in hans_forms.values() for f in forms if has_han(f)}, key=len, reverse=True)
    compound = re.compile("(?:" + "|".join(map(re.escape, every)) + ")+")
    words = tuple(sorted(f for f in every if len(f) >= 2))
    docs = _documents(built_dataset)
    tagged = 0
    for doc in docs:
        for ent in doc["entities"]:
            tagged += 1
            assert ent["id"] in gaz and ent["type"] == gaz[ent["id"]].type
            assert ent["forms"] and ent["count"] >= len(ent["forms"])
            for form in ent["forms"]:
                assert form in doc["text"], (doc["id"], ent["id"], form)
                assert form in gaz[ent["id"]].names() or TO_HANS(form) in hans_forms[ent["id"]], (ent, form)
                assert _on_boundary(form, doc, compound, words), (doc["id"], ent["id"], form)
    assert tagged >= len(docs)
    by_id = {d["id"]: {e["id"] for e in d["entities"]} for d in docs}
    # Every seed is about NVIDIA, in Simplified (英伟达) or Traditional (英偉達) script.
    assert all("nvidia" in ids for ids in by_id.values())


def test_card_counts_documents_per_entity(built_dataset: Path) -> None:
    docs = _documents(built_dataset)
    expected: dict[str, int] = {}
    for doc in docs:
        for ident in {e["id"] for e in doc["entities"]}:
            expected[ident] = expected.get(ident, 0) + 1
    assert compute_stats(built_dataset)["entities"] == dict(sorted(expected.items(), key=lambda kv: (-kv[1], kv[0])))
    card = (built_dataset / "README.md").read_text(encoding="utf-8")
    for ident, n in expected.items():
        assert re.search(rf"^\| `{re.escape(ident)}` \|.*\| {n} \|$", card, re.M), ident
