"""Tests of builders.clean.spin with documents the tests build themselves (and the seed pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders.clean.repair import repair_line
from builders.clean.spin import LEXICON_FILE, lexicon, process_spin
from builders.record import Line

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"

NORMAL = [
    "人工智能的发展离不开算力，大模型的训练需要大量的设备和服务器。",
    "我们看到，国内企业正在提高算力的部署效率，相关服务平台的进展很快。",
    "“我们急切地需要算力。”一家公司负责人对记者说，今年的消费电子市场很不景气。",
    "算力短缺的问题，得到了业内的广泛关注，也推动了国产芯片的发展。",
    "专家认为，人工智能芯片的生态建设仍然需要时间，很多企业还在观望。",
    "数据中心的基础设施投资持续增长，围绕算力网络的合作越来越多。",
]
# Spinner substitutions as a 伪原创 tool applies them (original -> spun), used to build a spun page.
SPIN = [("人工智能", "家养智能"), ("大模型", "大模子"), ("我们", "咱们"), ("发展", "睁开"), ("提高", "后退"),
        ("服务器", "效率器"), ("服务平台", "效率平台"), ("设备", "配置装备部署"),
        ("消费", "破费"), ("认为", "以为"), ("很多", "良多"), ("今年", "往年"),
        ("基础设施", "根基配置装备部署"), ("围绕", "环抱"), ("算力网络", "算力收集"),
        ("对记者说", "对于记者说")]


def lines_of(texts: list[str]) -> list[Line]:
    return [Line(number=i + 1, raw=t, text=t) for i, t in enumerate(texts)]


def spun(text: str) -> str:
    for original, spun_form in sorted(SPIN, key=lambda p: -len(p[0])):
        text = text.replace(original, spun_form)
    return text


def test_lexicon_file_is_sorted_and_wellformed() -> None:
    rows = [r.split("\t") for r in LEXICON_FILE.read_text(encoding="utf-8").splitlines()
            if r and not r.startswith("#") and not r.startswith("spun\t")]
    assert all(len(r) == 6 and r[5] for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert len({r[0] for r in rows}) == len(rows)
    assert all(r[3] in ("yes", "no", "context") for r in rows)
    assert "家" in lexicon()


def test_normal_text_not_flagged_and_unchanged() -> None:
    res = process_spin(lines_of(NORMAL))
    assert not res.is_spun and not res.is_stuffed
    assert res.texts == {i + 1: t for i, t in enumerate(NORMAL)}
    assert res.repairs == [] and res.spun_texts == {}
    assert res.spin_score < 3.0


def test_spun_text_flagged_and_restored() -> None:
    texts = [spun(t) for t in NORMAL]
    assert texts != NORMAL
    res = process_spin(lines_of(texts))
    assert res.is_spun and res.spin_score > 10
    assert res.spun_texts == {i + 1: t for i, t in enumerate(texts)}
    restored = list(res.texts.values())
    assert restored == NORMAL
    kinds = {r.kind for r in res.repairs}
    assert kinds == {"spin-restore"}
    assert any(r.before == "家养智能" and r.after == "人工智能" for r in res.repairs)


def test_ambiguous_forms_not_restored_outside_context() -> None:
    extra = ["对于这个问题，以及相关的效率和妨碍，各方看法不一。", "他睁开眼睛。"]
    texts = [spun(t) for t in NORMAL] + extra
    res = process_spin(lines_of(texts))
    assert res.is_spun
    assert res.texts[len(texts) - 1] == extra[0]
    assert res.texts[len(texts)] == "他睁开眼睛。"


def stuff(texts: list[str], word: str) -> list[str]:
    """Insert ``word`` as a stuffing tool does: after clause breaks and at line ends."""
    out = []
    for t in texts:
        t = t.replace("，", "，" + word, 1).replace("。", "。" + word, 1)
        out.append(t)
    return out


def test_keyword_stuffing_removed() -> None:
    body = [*NORMAL, "芯片企业的产品，已经在市场上站稳了脚跟。", "这是一个漫长的过程。"]
    texts = stuff(body, "饥渴")
    res = process_spin(lines_of(texts))
    assert res.is_stuffed and res.stuffed_keywords == ["饥渴"]
    assert "饥渴" not in "".join(res.texts.values())
    assert list(res.texts.values()) == body
    assert {r.kind for r in res.repairs} == {"keyword-stuffing"}


def test_topic_word_not_removed() -> None:
    # 算力 is the topic of every line (after breaks, at line starts, around 的) but never inserted.
    texts = [*NORMAL, "算力需求无处不在，算力供给相对有限。", "他认为未来算力是融合的，算力既来自云端。"]
    res = process_spin(lines_of(texts))
    assert not res.is_stuffed
    assert res.texts == {i + 1: t for i, t in enumerate(texts)}


def seed_lines(name: str) -> list[Line]:
    path = next(RAW.glob(f"{name}_*.txt"))
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        text, _ = repair_line(raw, n)
        if sum(1 for c in text if "\u4e00" <= c <= "\u9fff") >= 20:
            out.append(Line(n, raw, text))
    return out


@pytest.mark.parametrize("name", ["001", "002", "003", "004"])
def test_normal_seeds_not_flagged(name: str) -> None:
    lines = seed_lines(name)
    res = process_spin(lines)
    assert not res.is_spun and not res.is_stuffed
    assert res.texts == {line.number: line.text for line in lines}


def test_spun_seed_flagged_restored_and_destuffed() -> None:
    res = process_spin(seed_lines("000"))
    assert res.is_spun and res.is_stuffed
    assert set(res.stuffed_keywords) == {"算力", "饥渴"}
    text = "".join(res.texts.values())
    for spun_form in ("家养智能", "大模子", "配置装备部署", "咱们", "睁开"):
        assert spun_form not in text
    assert "饥渴”" in text  # the quoted genuine use stays
    assert text.count("饥渴") == 1 + text.count("“饥渴”") - 1
    assert "。饥渴" not in text and "是饥渴" not in text


# --------------------------------------------------------------------------- fast paths


def _stuffed_pages(n: int, seed: int) -> list[list[str]]:
    """Pages of normal sentences with keywords inserted the ways a stuffing tool inserts them
    (after a break, doubled around 的, quoted, wedged), self-overlapping keywords included."""
    import random

    rng = random.Random(seed)
    keywords = ["饥渴", "算力", "哈哈", "哈哈哈", "芯片国产", "大模型"]
    pages = []
    for _ in range(n):
        out = []
        for sentence in rng.sample(NORMAL, rng.randint(2, len(NORMAL))):
            chars = list(sentence)
            for _ in range(rng.randint(0, 5)):
                k, style, pos = rng.choice(keywords), rng.random(), rng.randint(0, len(chars))
                chars[pos:pos] = list(k + "的" + k if style < 0.2 else "。" + k + "。" if style < 0.5
                                      else "“" + k + "”" if style < 0.6 else k)
            out.append("".join(chars))
        pages.append(out)
    return pages


def test_candidate_keywords_are_found_without_counting_every_ngram() -> None:
    """find_stuffing only weighs n-grams from _structural_ngrams: every n-gram that has an orphan
    or doubled occurrence (the condition for a keyword) must be among them, with its count."""
    from builders.clean import spin

    max_n = int(spin._cfg()["stuffing_max_ngram"])
    checked = 0
    for texts in _stuffed_pages(300, seed=5) + [[ln.text for ln in seed_lines(n)] for n in ("000", "001", "002", "003", "004")]:
        joined = "\n".join(texts)
        counts: dict[str, int] = {}
        for run in spin._HAN_RUN.findall(joined):
            for n in range(2, max_n + 1):
                for s in range(len(run) - n + 1):
                    counts[run[s : s + n]] = counts.get(run[s : s + n], 0) + 1
        found = spin._structural_ngrams(texts, max_n)
        for w, c in counts.items():
            structural = any(spin._structural(texts[k], w, i) in spin._STRUCTURAL for k, i in spin._occurrences(texts, w))
            if structural:
                assert w in found, w
                assert spin._overlapping_count(joined, w) == c
                checked += 1
    assert checked > 300


def test_lexicon_scan_is_the_longest_match_at_each_position() -> None:
    from builders.clean.spin import _scan

    table = lexicon()
    texts = [spun(t) for t in NORMAL] + NORMAL + [ln.text for n in ("000", "001", "004") for ln in seed_lines(n)]
    hits = 0
    for text in texts:
        expected, i = [], 0
        while i < len(text):
            entry = next((e for e in table.get(text[i], ()) if text.startswith(e.spun, i)), None)
            if entry is None:
                i += 1
                continue
            expected.append((i, entry))
            i += len(entry.spun)
        assert _scan(text) == expected
        hits += len(expected)
    assert hits > 100


# --------------------------------------------------------------------------- seed 000, read by hand

# Spun forms of seed 000, listed by reading the page (substrings of its spun text, or unnatural
# strings a restoration leaves). Restoration is measured by how many are still in the text.
SEED000_SPUN_FORMS = [
    "家养智能", "大模子", "配置装备部署", "咱们", "睁开", "展现", "遥想", "产物", "搜罗", "根基", "营业",
    "处置", "良多", "全天下", "宣告", "经营商", "后退", "以为", "反对于", "合计", "泛起", "特意", "开拓",
    "下场", "往年", "条记本", "艰深", "融会", "概况", "妄想", "独创", "强盛", "以是", "信托", "能耐", "挨近",
    "开始进", "纷纭", "确定水平", "效率器", "总司理", "象征着", "着实", "致使", "履历", "知足", "摆布",
    "零星", "环抱", "策略", "机缘", "真个", "患上", "明天", "群集", "平明", "中间", "妨碍", "偏偏", "比力",
    "缔造", "服从", "不人能", "缩短", "显明", "次若是", "其后", "合适用于", "无意分会", "一本正直",
    "横三竖四", "答单", "磨炼", "挪移", "唯逐个家", "削减", "可有可无", "亘古未有", "告竣", "大名目",
    "实施副总裁", "效率商", "严正", "至关", "光阴", "重大化", "建议人", "聘用请", "好比", "传教会", "建树",
    "自动于", "给以", "歪斜", "封锁了大门", "谈判", "思虑", "拦阻", "巨匠", "逾越", "布景", "退让", "肉体",
    "财富", "老本", "破费", "总体", "对于AI", "对于计算", "对于所有人", "对于人工智能", "近对于折",
    "对于算力", "对于中国", "对于三大", "对于其", "对于能源", "退出", "当初", "条件早提", "出现出",
    "多少多家", "效率千", "一门第态", "种种", "强人", "相助力", "感应", "惟独", "波及", "天下移动", "速率",
    "数据的发生", "亲自感受", "代表性的", "需求发达", "庞漂亮", "即将", "备货缺少", "生涯", "加倍人所知",
    "抵达", "揭示", "愿望", "团聚", "颔首", "抉择", "规画", "教学AI", "定单", "遇上", "使命", "一劳永逸",
    "奔流", "怪异", "详尽", "需务", "普通可", "以前短短", "衍生", "情景", "关连", "深信", "相融合",
    "中外洋乡", "配置多重", "追寻前纷", "时事", "整其", "趋向", "智慧都市", "不断受", "不断相当", "方案效率",
    "突进场景", "在以前",
]
# Measured: 37 of these are still in the restored text (57 with the lexicon before issue 18; 167
# are in the spun text); the target of 10 is not met: most of what is left has no
# general, context-safe original (退出 = 推出 or 出席, 妨碍 = 开展 or 进展, 当初 = 当前 ...).
SEED000_MAX_FORMS_LEFT = 37
# Restorations that would change a fact (the original is another word than the frequent one).
FACT_CHANGING = ["中央处理器", "成本市场", "即将消费", "芯片消费的庞大", "推出 MWC", "出席 MWC"]


def test_seed000_spun_forms_left_and_no_fact_changed() -> None:
    res = process_spin(seed_lines("000"))
    text = "\n".join(res.texts.values())
    spun_text = "\n".join(res.spun_texts.values())
    assert sum(f in spun_text for f in SEED000_SPUN_FORMS) >= 160  # the list describes this page
    left = [f for f in SEED000_SPUN_FORMS if f in text]
    assert len(left) <= SEED000_MAX_FORMS_LEFT, left
    assert [f for f in FACT_CHANGING if f in text] == []
    # Ambiguous originals stay as the spinner wrote them (and are counted in the residual score).
    assert "老本市场" in text and "即将破费" in text and "中间处理器" in text
    assert 0 < res.residual_spin_score < 1.0 < res.spin_score  # measured: 0.64 of 69.2


def test_ambiguous_spun_forms_are_restored_only_by_context() -> None:
    texts = [spun(t) for t in NORMAL] + ["芯片破费量很大，但生产跟不上，即将破费。", "它的老本以亿美元计，老本市场很热。"]
    res = process_spin(lines_of(texts))
    assert res.is_spun
    restored = list(res.texts.values())
    assert restored[-2] == "芯片消费量很大，但生产跟不上，即将破费。"
    assert restored[-1] == "它的成本以亿美元计，老本市场很热。"
