"""Script identification (Hans / Hant / mixed) and the zh-Hans / zh-Hant forms of documents."""

from __future__ import annotations

import pytest

from builders.enrich.script import apply_scripts, identify_script
from builders.record import Document, Field, Paragraph, Source
from builders.textscript.convert import get_converter
from tests.test_convert import SIMPLIFIED_SEEDS, TRADITIONAL_SEEDS, clean_seed_text

SPAM_HEADER = "首页 国产 亚洲 小说图片，高清视频，久久精品国产，在线观看，免费下载，最新资讯"


@pytest.mark.parametrize("doc_id", SIMPLIFIED_SEEDS)
def test_simplified_seeds_are_hans(doc_id: str) -> None:
    script, ev = identify_script(clean_seed_text(doc_id))
    assert script == "Hans"
    assert ev["han_chars"] > 500
    assert ev["t2s_changed_share"] < 0.01 < 0.2 < ev["s2t_changed_share"]


@pytest.mark.parametrize("doc_id", TRADITIONAL_SEEDS)
def test_traditional_seed_is_hant(doc_id: str) -> None:
    text = clean_seed_text(doc_id)
    script, ev = identify_script(text)
    assert script == "Hant"
    assert ev["s2t_changed_share"] < 0.01 < 0.2 < ev["t2s_changed_share"]
    # The evidence is the share of Han characters, so it does not depend on the text's length.
    assert identify_script(text + "\n" + text)[1]["t2s_changed_share"] == pytest.approx(
        ev["t2s_changed_share"], abs=1e-6
    )


def test_converted_seed_flips_script() -> None:
    conv = get_converter()
    text = clean_seed_text(SIMPLIFIED_SEEDS[1])
    assert identify_script(conv.to_hant(text))[0] == "Hant"
    assert identify_script(conv.to_hans(clean_seed_text(TRADITIONAL_SEEDS[0])))[0] == "Hans"


def test_hand_made_mixed_text() -> None:
    hans = "人工智能芯片公司英伟达市值先后超过苹果、微软，登顶全球市值第一的公司。"
    hant = "中國科技大廠都希望能早點拿到芯片，聽證會備受全球矚目，影響著公司的命運。"
    script, ev = identify_script(hans + "\n" + hant)
    assert script == "mixed"
    assert ev["t2s_changed_share"] > 0.05 and ev["s2t_changed_share"] > 0.05
    assert identify_script(hans)[0] == "Hans"
    assert identify_script(hant)[0] == "Hant"


def test_one_stray_character_does_not_make_text_mixed() -> None:
    # 昇 (in 昇腾) is a Simplified character that OpenCC t2s changes anyway.
    assert identify_script("华为昇腾芯片在国产算力中占有重要地位，需求旺盛。")[0] == "Hans"
    # A Simplified copy with a few Traditional characters left is still Simplified.
    text = "随着需求增长，国内云服务厂商加紧采购算力设备，" * 10 + "這個"
    assert identify_script(text)[0] == "Hans"


def test_han_less_and_shared_only_text_gets_the_default() -> None:
    assert identify_script("") == (
        "Hans",
        {"han_chars": 0, "t2s_changed_share": 0.0, "s2t_changed_share": 0.0},
    )
    assert identify_script("NVIDIA H100 GPU, 2024-06-20")[0] == "Hans"
    script, ev = identify_script("大家好")  # same in both scripts
    assert script == "Hans" and ev == {"han_chars": 3, "t2s_changed_share": 0.0, "s2t_changed_share": 0.0}
    assert identify_script("國家")[0] == "Hant"  # short, but only Traditional evidence


def _doc(text: str, title: str | None) -> Document:
    source = Source(
        id="t1",
        file="raw/t1.txt",
        sha256="0" * 64,
        site=None,
        publisher=None,
        url=None,
        retrieved=None,
        licence="test",
    )
    doc = Document(
        id="t1",
        source=source,
        raw_sha256="0" * 64,
        encoding="utf-8",
        format="text",
        raw_text=SPAM_HEADER + "\n" + text,
    )
    doc.text = text
    doc.title = Field(title, "test")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    doc.paragraphs = [Paragraph(index=i, text=b) for i, b in enumerate(blocks)]
    return doc


def test_apply_scripts_on_a_traditional_page_with_a_simplified_spam_header() -> None:
    body = clean_seed_text(TRADITIONAL_SEEDS[0])
    # The raw page (spam header included) must not decide: only doc.text is looked at.
    doc = apply_scripts(_doc(body, "華人內卷大模型"))
    conv = get_converter()
    assert doc.script == "Hant"
    assert set(doc.script_evidence) == {"han_chars", "t2s_changed_share", "s2t_changed_share"}
    # Traditional text reaches its zh-Hant form through zh-Hans: standard Taiwan forms throughout
    assert doc.text_zh_hans == conv.to_hans(body) and doc.text_zh_hant == conv.to_hant(conv.to_hans(body))
    assert "黃仁勛" in body and "黃仁勛" not in doc.text_zh_hant and "黃仁勳" in doc.text_zh_hant
    assert "沖擊" in body and "沖擊" not in doc.text_zh_hant
    assert doc.title_zh_hans == "华人内卷大模型" and doc.title_zh_hant == "華人內卷大模型"
    assert doc.conversion == conv.info()
    assert doc.paragraphs and all(p.text_zh_hans and p.text_zh_hant for p in doc.paragraphs)
    assert {p.script for p in doc.paragraphs} <= {"Hant"} | {"Hans"}
    assert sum(p.script == "Hant" for p in doc.paragraphs) > 0.9 * len(doc.paragraphs)


def test_apply_scripts_per_paragraph_and_no_title() -> None:
    text = "英伟达市值超过苹果和微软，成为全球市值最高的公司。\n\n2024\n\n中國科技大廠都希望能早點拿到芯片。"
    doc = apply_scripts(_doc(text, None))
    assert doc.script == "mixed"
    assert [p.script for p in doc.paragraphs] == ["Hans", "Hans", "Hant"]  # "2024": default, not mixed
    assert doc.title_zh_hans is None and doc.title_zh_hant is None
    assert doc.paragraphs[2].text_zh_hans == "中国科技大厂都希望能早点拿到芯片。"
    assert doc.paragraphs[0].text_zh_hant == "英偉達市值超過蘋果和微軟，成為全球市值最高的公司。"


def test_paragraph_without_evidence_inherits_document_script() -> None:
    text = "中國科技大廠都希望能早點拿到芯片，聽證會備受全球矚目。\n\n大家好"
    doc = apply_scripts(_doc(text, "標題"))
    assert doc.script == "Hant"
    assert [p.script for p in doc.paragraphs] == ["Hant", "Hant"]
