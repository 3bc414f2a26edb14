"""Tests of builders.clean.spin with documents the tests build themselves (and the seed pages)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from builders.clean import spin as spin_module
from builders.clean.repair import repair_line
from builders.clean.spin import LEXICON_FILE, lexicon, process_spin
from builders.record import Line

RAW = Path(__file__).resolve().parents[1] / "corpus" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

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
    assert len({(r[0], r[1]) for r in rows}) == len(rows)
    assert all(r[3] in ("yes", "no", "context") for r in rows)
    # A form with several originals (老本 = 成本 or 资本) is decided by context alone: every row of
    # it has a guard, none is restored unconditionally or on frequency.
    forms = Counter(r[0] for r in rows)
    assert all(r[3] == "context" and r[4] for r in rows if forms[r[0]] > 1)
    assert all(r[4] for r in rows if r[3] == "context")
    assert "家" in lexicon()  # and every guard compiles, its word classes defined


def test_word_classes_are_wellformed_and_used() -> None:
    from builders.clean.spin import CLASSES_FILE, word_classes

    classes = word_classes()
    rows = [r.split("\t") for r in CLASSES_FILE.read_text(encoding="utf-8").splitlines()
            if r and not r.startswith("#") and not r.startswith("class\t")]
    assert all(len(r) == 3 and r[2] for r in rows) and len(classes) == len(rows)
    assert all(len(set(words)) == len(words) and all(words) for words in classes.values())
    used = LEXICON_FILE.read_text(encoding="utf-8") + Path(spin_module.__file__).read_text(encoding="utf-8")
    assert [c for c in classes if not any(f"{q}{c}{q2}" in used for q, q2 in ("{}", "''", '""'))] == []


def test_a_guard_naming_an_unknown_word_class_is_refused_with_the_file_named() -> None:
    from builders.clean.spin import MARK, compile_guard

    assert compile_guard("个@|@{EVENT}的").search("这个" + MARK + "财富")
    with pytest.raises(ValueError, match=r"spinner\.tsv: unknown word class \{NO_SUCH\}"):
        compile_guard("@{NO_SUCH}")


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


def test_stuffed_keyword_wedged_into_a_phrase_is_removed_by_its_grammar() -> None:
    # A found keyword between a modifier in 的 and its head, where the frame rejects a noun: an
    # adverbial 更好的 before a verb, an event measure word before a fixed event term. Where the
    # keyword reads as a modifier (以并行的算力处理, 提供更好的算力支持) it stays.
    body = [*NORMAL, "芯片企业的产品，已经在市场上站稳了脚跟。", "这是一个漫长的过程。"]
    wedged = ["它也更好的饥渴处理图像。", "人工智能可能开启新一轮的饥渴工业革命。"]
    genuine = ["显卡以并行的饥渴处理图像。", "云厂商提供更好的饥渴支持。"]
    res = process_spin(lines_of(stuff(body, "饥渴") + wedged + genuine))
    assert res.is_stuffed and res.stuffed_keywords == ["饥渴"]
    out = list(res.texts.values())
    assert out[len(body):] == ["它也更好的处理图像。", "人工智能可能开启新一轮的工业革命。", *genuine]
    assert {(r.before, r.after) for r in res.repairs} >= {("的饥渴处", "的处"), ("的饥渴工", "的工")}
    # the frames never find a keyword by themselves: without the stuffing, nothing is removed
    res = process_spin(lines_of(body + wedged + genuine))
    assert not res.is_stuffed and res.repairs == []


def test_doubled_noun_removed_only_in_a_stuffed_document() -> None:
    body = [*NORMAL, "芯片企业的产品，已经在市场上站稳了脚跟。", "这是一个漫长的过程。"]
    extra = ["他喊出了国内国内企业的需求。", "这是非常非常早的阶段，大家看看看看。"]
    res = process_spin(lines_of(stuff(body, "饥渴") + extra))
    assert res.is_stuffed
    assert list(res.texts.values())[-2:] == ["他喊出了国内企业的需求。", extra[1]]
    res = process_spin(lines_of(body + extra))
    assert not res.is_stuffed and list(res.texts.values())[-2:] == extra


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


def seed000_stuffed() -> list[tuple[str, str]]:
    rows = (FIXTURES / "seed000_stuffed.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(r.split("\t")) for r in rows if r and not r.startswith("#") and not r.startswith("with\t")]


@pytest.mark.parametrize("teaser", ["content", "evidence"])
def test_every_stuffed_insertion_of_seed000_is_removed(teaser: str) -> None:
    # The page's 简介 teaser repeats the lead unstuffed. Read as a content line (as here) or, as
    # the pipeline labels it, as one of the page's other lines, it attests the lead's sequences.
    lines = seed_lines("000")
    lead = [ln for ln in lines if ln.text.lstrip().startswith("简介")]
    assert len(lead) == 1
    if teaser == "content":
        res = process_spin(lines)
    else:
        res = process_spin([ln for ln in lines if ln not in lead], [lead[0].text])
    text = "".join(t.replace("\n", "") for t in res.texts.values())
    rows = seed000_stuffed()
    assert len(rows) == 16
    assert [w for w, _ in rows if w in text] == []
    assert [w for w, without in rows if without not in text] == []
    assert len([r for r in res.repairs if r.kind == "keyword-stuffing"]) == 16


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
            expected.append((i, entry.spun))
            i += len(entry.spun)
        assert _scan(text) == expected
        hits += len(expected)
    assert hits > 100


# --------------------------------------------------------------------------- seed 000, read by hand

# Spun forms of seed 000, listed by reading the page (substrings of its spun text, or unnatural
# strings a restoration leaves). Restoration is measured by how many are still in the text.
SEED000_SPUN_FORMS = [f for f in (FIXTURES / "seed000_spun_forms.txt").read_text(encoding="utf-8").splitlines()
                      if f and not f.startswith("#")]
# Measured: 14 of these are still in the restored text (57 with the lexicon before issue 18, 37
# before the context guards of word_classes.tsv; 167 are in the spun text). The target of
# 10 is not met: what is left has no original that a general guard decides (中间处理器 = 中央 or
# 核心, 破费 = 消费, 生产 or 需求, 初妨碍, 教学AI, 中外洋乡, 追寻前纷 ...).
SEED000_MAX_FORMS_LEFT = 14
# Restorations that would change a fact (the original is another word than the frequent one, or
# the other reading of an ambiguous form): 中间处理器 is not the CPU, 老本市场 is the capital
# market, 破费 here is not consumption, 退出 before a conference is attending it (出席), not a
# launch, and 当初 in a present frame is 当前.
FACT_CHANGING = ["中央处理器", "成本市场", "即将消费", "立即消费", "芯片消费的庞大", "推出 MWC",
                 "推出这场", "退出 MWC", "退出这场", "当初由", "不是当初的"]


def test_seed000_spun_forms_left_and_no_fact_changed() -> None:
    res = process_spin(seed_lines("000"))
    text = "\n".join(res.texts.values())
    spun_text = "\n".join(res.spun_texts.values())
    assert sum(f in spun_text for f in SEED000_SPUN_FORMS) >= 160  # the list describes this page
    left = [f for f in SEED000_SPUN_FORMS if f in text]
    assert len(left) <= SEED000_MAX_FORMS_LEFT, left
    assert [f for f in FACT_CHANGING if f in text] == []
    # Ambiguous originals stay as the spinner wrote them where no guard decides (and are counted
    # in the residual score); where one does, the guard's original is there.
    assert "立即破费" in text and "中间处理器" in text and "初妨碍" in text
    assert "资本市场" in text and "出席 MWC" in text and "出席这场聚会" in text
    assert 0 < res.residual_spin_score < 1.0 < res.spin_score  # measured: 0.32 of 69.8


def test_restoration_never_touches_numbers_or_latin_names() -> None:
    # A fact carried by a number or a Latin-script name (MWC, GPU, 170, 2022) is never restored:
    # the spun and the restored text hold the same runs of digits and Latin letters, line by line.
    res = process_spin(seed_lines("000"))
    runs = re.compile(r"[0-9A-Za-z.%]+")
    assert {n: runs.findall(t) for n, t in res.spun_texts.items()} == {n: runs.findall(t) for n, t in res.texts.items()}
    restores = [r for r in res.repairs if r.kind == "spin-restore"]
    assert len(restores) > 300 and not any(runs.search(r.before + r.after) for r in restores)


def test_ambiguous_spun_forms_are_restored_only_by_context() -> None:
    texts = [spun(t) for t in NORMAL] + ["芯片破费量很大，但生产跟不上，即将破费。", "它的老本以亿美元计，老本市场很热。"]
    res = process_spin(lines_of(texts))
    assert res.is_spun
    restored = list(res.texts.values())
    assert restored[-2] == "芯片消费量很大，但生产跟不上，即将破费。"
    assert restored[-1] == "它的成本以亿美元计，资本市场很热。"


# Sentences for the context guards: (spun sentence, expected restoration). Each spun form appears
# once where its guard decides the original and once where it must stay (a genuine use).
GUARDED = [
    ("近期退出上海通信大会的企业很多。", "近期出席上海通信大会的企业很多。"),
    ("他当场退出了会议。", "他当场退出了会议。"),
    ("该公司去年退出新款手机。", "该公司去年推出新款手机。"),
    ("该公司去年退出手机市场。", "该公司去年退出手机市场。"),
    ("这一市场当初由三家企业主导。", "这一市场当前由三家企业主导。"),
    ("当初我们决定进入这一市场。", "当初我们决定进入这一市场。"),
    ("老本市场打开了大门，政策和老本都在倾斜。", "资本市场打开了大门，政策和资本都在倾斜。"),
    ("他只会吃老本。", "他只会吃老本。"),
    ("全球的大模型，近对于折在中国。", "全球的大模型，近一半在中国。"),
    ("商场里的衣服打对折。", "商场里的衣服打对折。"),
    ("包括种种强人都涌入进来。", "包括各种人才都涌入进来。"),
    ("她是一位女强人。", "她是一位女强人。"),
    ("要搭建整其中国的网络。", "要搭建整个中国的网络。"),
    ("公司正在调整其中国业务。", "公司正在调整其中国业务。"),
    ("数据的发生越来越快。", "数据的产生越来越快。"),
    ("事故的发生令人震惊。", "事故的发生令人震惊。"),
    ("一家人终于团聚了。", "一家人终于团聚了。"),
    ("这场团聚的发起人是他。", "这场聚会的发起人是他。"),
    ("有需要就能即将破费。", "有需要就能立即破费。"),
    ("新品即将上市。", "新品即将上市。"),
    ("赶上是早晚的使命。", "赶上是早晚的事。"),
    ("这是我们的使命。", "这是我们的使命。"),
    ("行业正在爆发一劳永逸的变更。", "行业正在爆发翻天覆地的变化。"),
    ("没有一劳永逸的办法。", "没有一劳永逸的办法。"),
    ("我们颇为深信这一点。", "我们颇为相信这一点。"),
    ("我们深信这一点。", "我们深信这一点。"),
    ("惟独不波及先进工艺的，都能做到。", "只要不涉及先进工艺的，都能做到。"),
    ("洪水波及三个省。", "洪水波及三个省。"),
    ("与对方妨碍战略合作。", "与对方开展战略合作。"),
    ("这会妨碍双方合作。", "这会妨碍双方合作。"),
    ("成为效率千行百业的基础设施。", "成为服务千行百业的基础设施。"),
    ("提高效率是关键。", "提高效率是关键。"),
    ("这个财富也在经历变局。", "这个产业也在经历变局。"),
    ("他积累了大量财富。", "他积累了大量财富。"),
    ("算力在以前有了提高。", "算力在过去有了提高。"),
    ("在以前的工作中，他很努力。", "在以前的工作中，他很努力。"),
    ("希望算力可能像水电同样。", "希望算力可能像水电一样。"),
    ("他和我们同样重视。", "他和我们同样重视。"),
]


def test_context_guards_decide_the_original_and_keep_genuine_uses() -> None:
    extra = [s for s, _ in GUARDED]
    res = process_spin(lines_of([spun(t) for t in NORMAL] + extra))
    assert res.is_spun
    restored = list(res.texts.values())[len(NORMAL):]
    assert [(s, r) for (s, want), r in zip(GUARDED, restored, strict=True) if r != want] == []
    # every change is logged, spun form -> original
    logged = {(r.before, r.after) for r in res.repairs if r.line > len(NORMAL)}
    assert ("退出", "出席") in logged and ("退出", "推出") in logged and ("老本", "资本") in logged


def test_summaries_of_seed000_are_free_of_spun_forms_and_stuffed_keywords() -> None:
    from builders.annotate import automatic_summaries

    res = process_spin(seed_lines("000"))
    text = "\n".join(res.texts.values())
    removed = [r.before for r in res.repairs if r.kind == "keyword-stuffing"]
    assert len(removed) >= 15
    for summary in automatic_summaries(text).values():
        assert summary
        assert [f for f in SEED000_SPUN_FORMS if f in summary] == []
        assert [b for b in removed if b in summary] == []
        assert all(summary[m.start() - 1] == "“" for m in re.finditer("饥渴", summary))
