"""Units of the annotate stage on texts made here: sentences, jieba, summaries, topics,
keywords, the curated loader and annotate_document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import opencc
import pytest
import yaml

from builders.annotate import annotate_document
from builders.annotate.curated import load_curated
from builders.annotate.keywords import extract_keywords
from builders.annotate.sentences import sentences_of, split_sentences
from builders.annotate.summarize import SentenceOptions, TextRankOptions, lead_n, textrank
from builders.annotate.tokenize import segment
from builders.record import BuildError
from tests.test_annotate_seeds import make_document, to_hant

REPO = Path(__file__).resolve().parent.parent
T2S = opencc.OpenCC("t2s").convert

# A made-up article (no seed text): headings, a caption and six sentences.
ARTICLE = "\n\n".join(
    [
        "出口管制升级",
        "美国商务部宣布对华出口管制新规，限制高端AI芯片对华出口。多家芯片企业表示将申请许可证。",
        "（资料图片）",
        "分析人士认为，新规将进一步加剧国内GPU供应紧缺，部分型号已经买不到。",
        "国产芯片厂商则迎来替代机会，寒武纪和昇腾的订单明显增加。“我们的产能已经排满。”一位负责人说。",
        "业内人士提醒，国产芯片的软件生态仍需时间完善。",
    ]
)


# --- sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“够了。”然后走了。", ["他说：“够了。”", "然后走了。"]),
        ("真的吗？！是的……好吧；再见", ["真的吗？！", "是的……", "好吧；", "再见"]),
        ("第一段。\n\n第二段（注释。）结束。", ["第一段。", "第二段（注释。）", "结束。"]),
        ('他说："好。"然后呢', ['他说："好。"', "然后呢"]),
        ("价格为3.5万元。", ["价格为3.5万元。"]),
        ("《标题》。「引语！」后文", ["《标题》。", "「引语！」", "后文"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentences_know_their_paragraph_and_termination() -> None:
    sents = sentences_of("标题\n\n正文一句。正文二句")
    assert [(s.paragraph, s.terminated) for s in sents] == [(0, False), (1, True), (1, False)]


# --- jieba -------------------------------------------------------------------------------------


def test_domain_words_stay_whole() -> None:
    words = segment("英伟达与华为昇腾争夺算力市场，寒武纪跟进")
    for term in ("英伟达", "算力", "寒武纪"):
        assert term in words
    assert any("昇腾" in w for w in words)
    assert "伟达" not in words


def test_jieba_writes_only_to_its_cache_folder(tmp_path: Path) -> None:
    """Segmentation in fresh processes leaves TMPDIR empty; the prefix dictionary goes to the user
    cache folder ($XDG_CACHE_HOME/zhnews), and a second process reads it with the same result."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    xdg = tmp_path / "xdg"
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(xdg))
    env.pop("ZHNEWS_CACHE_DIR", None)
    code = "from builders.annotate.tokenize import segment; print('|'.join(segment('英伟达的算力')))"
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "英伟达|的|算力"
        assert list(tmp.iterdir()) == []
        assert [p.name.split("-")[0] for p in (xdg / "zhnews").iterdir()] == ["jieba"]


# --- summaries ---------------------------------------------------------------------------------


def test_lead3_skips_headings_and_captions() -> None:
    lead = lead_n(ARTICLE, 3, SentenceOptions())
    assert lead.startswith("美国商务部宣布")
    assert "出口管制升级" not in lead and "资料图片" not in lead
    assert lead.endswith("部分型号已经买不到。")


@pytest.mark.parametrize("budget", [40, 60, 100, 200])
def test_textrank_respects_budget_and_order(budget: int) -> None:
    summary = textrank(ARTICLE, TextRankOptions(char_budget=budget), SentenceOptions())
    assert 0 < len(summary) <= budget
    positions = [ARTICLE.index(s) for s in split_sentences(summary)]
    assert positions == sorted(positions)


def test_textrank_returns_one_sentence_when_nothing_fits() -> None:
    summary = textrank(ARTICLE, TextRankOptions(char_budget=5), SentenceOptions())
    assert summary in split_sentences(ARTICLE)


def test_textrank_drops_near_repeats() -> None:
    text = "英伟达GPU供应紧缺，价格上涨。英伟达GPU供应紧缺，价格持续上涨。国产芯片迎来机会。"
    summary = textrank(text, TextRankOptions(char_budget=200, max_redundancy=0.5), SentenceOptions())
    assert summary.count("供应紧缺") == 1


# --- topics and keywords through annotate_document ----------------------------------------------


def test_automatic_topics_on_a_made_up_page() -> None:
    doc = annotate_document(make_document("t1", ARTICLE), None, to_hant)
    assert doc.topics_source == "cue-lexicon"
    assert doc.topics[0] in {"export_controls", "domestic_chips"}
    assert {"export_controls", "domestic_chips"} <= set(doc.topics)
    assert "novel_computing" not in doc.topics and "talent" not in doc.topics
    assert doc.summary_source == "textrank" and doc.summary_en is None
    assert doc.summary_zh_hant == to_hant(doc.summary_zh_hans)


def test_traditional_page_is_labelled_through_its_simplified_form() -> None:
    hant = "光子晶片與量子計算被視為新型算力。團隊表示，光子計算中試線明年建成，可突破摩爾定律的物理極限。"
    doc = annotate_document(make_document("t2", T2S(hant)), None, to_hant)
    assert doc.topics[0] == "novel_computing"


def test_off_topic_page_gets_no_guessed_topic() -> None:
    text = "本场足球比赛在周日晚间举行。主队凭借下半场的进球取胜，球迷在看台上欢呼。"
    doc = annotate_document(make_document("t3", text), None, to_hant)
    assert doc.topics == [] and doc.topic_scores == []
    assert doc.topics_source != "curated"


def test_keywords_are_deterministic_and_domain_aware() -> None:
    a = extract_keywords(ARTICLE, 8)
    assert a == extract_keywords(ARTICLE, 8)
    assert len(a) == 8 and len(set(a)) == 8
    assert "出口管制" in a
    assert all(len(w) >= 2 for w in a)


def test_empty_text_is_a_build_error() -> None:
    with pytest.raises(BuildError, match="no Simplified text"):
        annotate_document(make_document("t4", "  "), None, to_hant)


# --- curated loader ------------------------------------------------------------------------------

GOOD = {
    "provenance": {"made_by": "maintainers", "created": "2026-11-23", "guideline": "annotation-v1"},
    "summary_zh_hans": "美国商务部发布对华出口管制新规，限制高端AI芯片出口。" * 4,
    "summary_en": "The US tightened export controls on AI chips to China.",
    "topics": ["export_controls", "domestic_chips"],
}


def write(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_curated_loads_and_takes_precedence(tmp_path: Path) -> None:
    write(tmp_path / "annotations", "t5", GOOD)
    curated = load_curated(tmp_path, {"t5", "t6"})
    assert set(curated) == {"t5"}
    ann = curated["t5"]
    assert ann.topics == ("export_controls", "domestic_chips") and ann.created == "2026-11-23"
    doc = annotate_document(make_document("t5", ARTICLE), ann, to_hant)
    assert doc.topics == ["export_controls", "domestic_chips"] and doc.topics_source == "curated"
    assert doc.summary_source == "curated" and doc.summary_en == GOOD["summary_en"]
    curated_forms = {(s.language, s.script) for s in doc.summaries if s.provenance == "curated"}
    assert curated_forms == {("zh", "Hans"), ("zh", "Hant"), ("en", "Latn")}
    assert all(s.created == "2026-11-23" for s in doc.summaries if s.provenance == "curated")
    assert doc.topic_scores  # automatic scores are kept next to the curated labels


@pytest.mark.parametrize(
    ("name", "mutate", "reason"),
    [
        ("nodoc", lambda d: None, "unknown document id"),
        ("t5", lambda d: d.update(topics=["gpu_supply", "weather"]), "unknown topic id"),
        ("t5", lambda d: d.pop("summary_en"), "missing fields"),
        ("t5", lambda d: d.update(notes="x"), "unknown keys"),
        ("t5", lambda d: d["provenance"].pop("guideline"), "missing provenance"),
        ("t5", lambda d: d["provenance"].update(created="23/11/2026"), "not an ISO 8601 date"),
        ("t5", lambda d: d.update(summary_zh_hans="太短。"), "characters"),
        ("t5", lambda d: d.update(summary_en="英伟达 is short of GPUs"), "Han characters"),
        ("t5", lambda d: d.update(topics=[]), "non-empty list"),
    ],
)
def test_curated_errors_name_file_and_reason(tmp_path: Path, name: str, mutate, reason: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(GOOD, allow_unicode=True))
    mutate(data)
    path = write(tmp_path / "annotations", name, data)
    with pytest.raises(BuildError, match=reason) as err:
        load_curated(tmp_path, {"t5"})
    assert str(path) in str(err.value)


def test_repository_curated_annotations_are_valid() -> None:
    ids = {p.stem for p in (REPO / "corpus" / "raw").glob("*.txt")}
    curated = load_curated(REPO / "corpus" / "curated", ids)
    assert set(curated) == ids
    from builders.textscript.convert import get_converter  # plain OpenCC t2s would turn 昇腾 into 升腾

    to_hans = get_converter().to_hans
    for ann in curated.values():
        assert to_hans(ann.summary_zh_hans) == ann.summary_zh_hans  # written in Simplified script
        assert ann.made_by == "maintainers" and ann.guideline == "annotation-v1"
