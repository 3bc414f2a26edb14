"""Tests of builders.clean.repair: every case is built here, so each fails if its feature goes."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.clean.repair import LEXICON_DIR, is_pinyin_note, pinyin_syllables, repair_line

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u3000\u200b\ufeff\ufffd\u3100-\u312f\ue000-\uf8ff]"
)


def fixed(text: str) -> str:
    return repair_line(text, 1)[0]


def kinds(text: str) -> list[str]:
    return [r.kind for r in repair_line(text, 1)[1]]


def shifted_gbk(text: str) -> str:
    """What a decoder one byte out of step makes of ``text``: the run starts with the trail byte
    of a lost character and its last lead byte is left over (then lost, like the seed's "?")."""
    data = text.encode("gbk")[:-1]
    for lost in range(0x81, 0xFF):
        try:
            return (bytes([lost]) + data).decode("gbk")
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"no shifted decoding for {text!r}")


# ----------------------------------------------------------------------------- pinyin notes

@pytest.mark.parametrize(("raw", "want"), [
    ("設(shè)為書簽", "設為書簽"),
    ("華人內(nèi)卷大模型", "華人內卷大模型"),
    ("業(yè)務(wù)增長", "業務增長"),
    ("这是设（shè）置", "这是设置"),
    ("中國(zhōng guó)人", "中國人"),
])
def test_pinyin_notes_removed(raw: str, want: str) -> None:
    text, log = repair_line(raw, 7)
    assert text == want
    assert {r.kind for r in log} == {"pinyin-note"}
    assert all(r.line == 7 for r in log)
    assert re.search("[(（][a-zü\u00e0-\u01dc ]+[)）]", log[0].before) and log[0].after in want


@pytest.mark.parametrize("raw", [
    "现场可编程门阵列(FPGA)、张量处理单元(TPU)",
    "卡(即GPU)的数量",
    "理念——Open(software approach)、Proven(AI capability)",
    "《科创板日报》8月11日讯(记者 黄心怡)",
    "项目(a)和项目(b)",
    "这个词(long)不是拼音",
    "法国人(Pétain)",
])
def test_real_parentheses_kept(raw: str) -> None:
    assert "pinyin-note" not in kinds(raw)
    out = fixed(raw)
    inner = re.findall(r"[(（]([^()（）]*)[)）]", raw)
    for body in inner:
        assert body in out


def test_pinyin_note_needs_tone_mark_and_inventory() -> None:
    assert is_pinyin_note("shè") and is_pinyin_note("zhōng guó")
    assert not is_pinyin_note("she")  # no tone mark: could be English
    assert not is_pinyin_note("café")  # not a syllable
    assert not is_pinyin_note("GPU")


def test_syllable_file_matches_pypinyin() -> None:
    from pypinyin.pinyin_dict import pinyin_dict
    expected = {unicodedata.normalize("NFC", p.strip()) for v in pinyin_dict.values() for p in v.split(",")}
    assert expected <= pinyin_syllables() | {""}
    assert (LEXICON_DIR / "pinyin_syllables.tsv").exists()


# ----------------------------------------------------------------------------- GBK out of step

@pytest.mark.parametrize(
    "original", ["通用算力中心", "市场供应确实紧缺", "当前算力资源较为", "字節跳動創始人", "人工智能的市場"]
)
def test_gbk_run_after_lost_char_is_realigned(original: str) -> None:
    garbled = shifted_gbk(original)
    assert garbled[1:] != original[:-1]
    # The line is in the original's script: realigned bytes are written in the line's script.
    from builders.textscript.convert import plain

    prefix = "英偉達表示" if plain("t2s")(original) != original else "英伟达表示"
    raw = f"{prefix}?(wéi){garbled}?,"
    text, log = repair_line(raw, 3)
    assert original[:-1] in text
    assert garbled[1:3] not in text
    assert "?" not in text and "wéi" not in text
    assert "gbk-realign" in [r.kind for r in log]
    assert "gbk-remove" in [r.kind for r in log]


def test_gbk_seed_like_runs() -> None:
    # The lost lead byte of 為 (its trail byte starts the run) and the lost trail byte of 。 at
    # the paragraph end are recovered from context (变为 is a word; a clause ends there).
    assert fixed("使之轉(zhuǎn)變?yōu)橥ㄓ盟懔χ行摹?/p>") == "使之轉變為通用算力中心。"
    line = "但蘇媽顯然不會放棄,“我們?nèi)蕴幱贏I生命周期的非常早的階段!”"
    # 仍 is decided by the page itself (仍處于 elsewhere in the document); without it, a gap.
    text, log = repair_line(line, 5, context=line + "\n市場仍處于調整期")
    assert "我們仍處於AI生命周期" in text and "蕴" not in text
    # the realigned bytes are Simplified on a Traditional line: written in the line's script,
    # and the log says exactly what the text has
    assert any(r.kind == "gbk-realign" and r.after == "仍處於A" for r in log)
    assert "我們〓處於AI" in fixed(line)
    assert fixed("當(dāng)?shù)貢r間6月13日") == "當地時間6月13日"
    assert fixed("英偉達首席財務官科萊特?克雷斯表示") == "英偉達首席財務官科萊特·克雷斯表示"


@pytest.mark.parametrize("original", ["推理算力需求或远高于", "卡孰優孰劣一直"])
def test_gbk_run_without_marker_is_found_by_its_junk(original: str) -> None:
    garbled = shifted_gbk(original)
    assert re.search("[\u3100-\u312f\u0370-\u03ff\u2500-\u257f]", garbled), garbled  # tell-tale chars
    text, log = repair_line("他说" + garbled + "。", 1)
    assert "gbk-realign" in [r.kind for r in log]
    assert original[1:-1] in text
    assert not re.search("[\u3100-\u312f\u0370-\u03ff\u2500-\u257f]", text)


def test_unrecoverable_junk_is_removed_and_flagged() -> None:
    text, log = repair_line("芯片ㄓㄔ供应\ufffd紧张\ue000", 1)
    assert text == "芯片供应紧张"
    assert "gbk-remove" in [r.kind for r in log]


def test_genuine_question_mark_and_middle_dot_untouched() -> None:
    assert fixed("山姆·奧爾特曼表示") == "山姆·奧爾特曼表示"
    assert "gbk" not in " ".join(kinds("再也沒機會了嗎?"))


# ----------------------------------------------------------------------------- whitespace, HTML

def test_whitespace() -> None:
    assert fixed("\u3000\u3000中国科技大厂\u00a0都希望  。") == "中国科技大厂 都希望。"
    assert fixed("芯片\u200b短缺\ufeff") == "芯片短缺"
    assert fixed("  袁辉称  ,这是") == "袁辉称，这是"
    assert fixed("CEO ,该公司") == "CEO，该公司"
    assert fixed("A\x00B\x07C") == "ABC"
    assert "whitespace" in kinds("\u00a0文本")


def test_html() -> None:
    assert fixed("算力中心</p>") == "算力中心"
    assert fixed("第一行<br>第二行<br/>") == "第一行第二行"
    assert fixed('<span class="x">芯片</span>') == "芯片"
    assert fixed("AT&amp;T 与 &lt;b&gt;") == "AT&T 与"
    assert fixed("价格&nbsp;上涨") == "价格 上涨"
    assert "html-entity" in kinds("a&amp;b") and "html-tag" in kinds("a</p>")
    assert fixed("x < y and y > z") == "x < y and y > z"  # not tags


def test_latin1_mojibake() -> None:
    assert fixed("ä¸­æ–‡新闻") == "中文新闻"
    assert fixed("café résumé") == "café résumé"


# ----------------------------------------------------------------------------- punctuation

@pytest.mark.parametrize(("raw", "want"), [
    ("您现在的位置是:六脉", "您现在的位置是：六脉"),
    ("算力“饥渴”,十年为期?", "算力“饥渴”，十年为期？"),
    ("比例大概在3:7。", "比例大概在3:7。"),
    ("发布于 07:40:20", "发布于 07:40:20"),
    ("星火认知大模型1.5版本", "星火认知大模型1.5版本"),
    ("MCU(微操作单元)为例", "MCU（微操作单元）为例"),
    ("理念Open(software approach)", "理念Open(software approach)"),
    ("需求井喷。。", "需求井喷。"),
    ("很赞哦!(185)", "很赞哦！（185）"),
    ("获\"见义勇为\"称号", "获“见义勇为”称号"),
    ("１２３ＧＰＵ芯片", "123GPU芯片"),
    ("通用型CPU,GPU以并行", "通用型CPU，GPU以并行"),  # a Latin pair inside Han text
    ("Intel, AMD and Arm", "Intel, AMD and Arm"),
    ("交由时间给出答案。(完)", "交由时间给出答案。"),  # end marker
    ("结束了。【完】", "结束了。"),
    ("數據中心;客戶端", "數據中心；客戶端"),
])
def test_punctuation_policy(raw: str, want: str) -> None:
    assert fixed(raw) == want


# ----------------------------------------------------------------------------- properties

@pytest.mark.parametrize("raw", [
    "設(shè)為書簽 Ctrl+D",
    "使之轉(zhuǎn)變?yōu)橥ㄓ盟懔χ行摹?/p>",
    "AT&amp;amp;T  ,  测试&amp;lt;p&amp;gt;",
    "  “咱们急切地需要算力  。饥渴”",
])
def test_idempotent_examples(raw: str) -> None:
    once, _ = repair_line(raw, 1)
    twice, log = repair_line(once, 1)
    assert twice == once and log == []


_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("設(shè)為?yōu)橥ㄓ盟懔χ行摹</p>&amp;nbsp; ,:;!?。，“”()（）")),
        st.sampled_from(["\u00a0", "\u3000", "\u200b"]),
    ),
    max_size=80,
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(_text)
def test_property_never_raises_no_controls_idempotent(raw: str) -> None:
    text, log = repair_line(raw, 1)
    assert isinstance(text, str)
    assert not FORBIDDEN.search(text)
    assert not any(r.kind == "repair-error" for r in log)
    again, log2 = repair_line(text, 1)
    assert again == text and log2 == []


def test_seed_004_gbk_runs_whole_and_logged_as_written() -> None:
    """Seed 004: the three characters lost at GBK runs come back (地, 為, 仍), the lost middle dot
    too, no "?" or gap mark is left, and every GBK log entry says what the text has."""
    from pathlib import Path

    raw = next((Path(__file__).resolve().parents[1] / "corpus" / "raw").glob("004_*.txt")).read_text("utf-8")
    texts, logs = [], []
    for number, line in enumerate(raw.split("\n"), 1):
        text, log = repair_line(line, number, context=raw)
        texts.append(text)
        logs += [(r, text) for r in log if r.kind.startswith("gbk")]
    clean = "\n".join(texts)
    for want in ("當地時間6月13日", "使之轉變為通用算力中心。", "我們仍處於AI生命周期", "科萊特·克雷斯"):
        assert want in clean
    assert "?" not in clean and "\u3013" not in clean
    realigned = [(r, text) for r, text in logs if r.kind in ("gbk-realign", "gbk-lost-char")]
    assert len(realigned) == 5 and all(r.after in text for r, text in realigned)


@pytest.mark.parametrize(
    "line",
    [
        "①训练②推理③微调",  # circled numbers as list markers (GBK debris elsewhere)
        "⑴训练⑵推理⑶部署",
        "㈠概况㈡分析",
        "ⅰ训练ⅱ推理",
        "主要用途：①大模型训练；②推理服务。",
    ],
)
def test_list_markers_of_sound_text_are_not_gbk_debris(line: str) -> None:
    """Mutation caught: list markers counted in the garbled share again (a short enumerated line
    reads as 6/9 common characters and its markers are removed as gbk-remove)."""
    text, repairs = repair_line(line, 1)
    assert text == line and repairs == []


def test_list_markers_out_of_order_still_mark_a_shifted_run() -> None:
    """系信息发布平台 shifted one byte reads 佅敌畔⒎⒉计教: its markers ⒎⒉ count down, so they are
    debris, not a list. Mutation caught: every list marker left out of the garbled share."""
    garbled = shifted_gbk("系信息发布平台")
    assert "⒎⒉" in garbled
    text, log = repair_line("他说" + garbled + "。", 1)
    assert "gbk-realign" in [r.kind for r in log] and "信息发布平" in text


def test_full_width_decimal_point_goes_with_its_digits() -> None:
    """Mutation caught: the width repair without the decimal point (２．５ became 2．5)."""
    text, repairs = repair_line("Ｈ１００售价约２．５万美元，同比增长１２．３４％。", 1)
    assert text.startswith("H100售价约2.5万美元，同比增长12.34")
    assert {r.kind for r in repairs} == {"width"}
    # A full stop after a word is no decimal point.
    assert repair_line("型号为ＡＢＣ．", 1)[0] == "型号为ABC．"
