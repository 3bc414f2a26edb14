"""ROUGE against small examples computed by hand (clipped counts, not sets)."""

from __future__ import annotations

import pytest

from builders.evaluate.rouge import lcs_length, rouge, rouge_l, rouge_n, units


def f(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


def test_rouge1_clips_repeated_units() -> None:
    # candidate 猫猫猫狗 vs reference 猫狗狗: matches = min(3,1) for 猫 + min(1,2) for 狗 = 2.
    # Set counting would also give 2 here, so see the next test for the difference.
    s = rouge_n(list("猫猫猫狗"), list("猫狗狗"), 1)
    assert s.precision == pytest.approx(2 / 4)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f == pytest.approx(f(2 / 4, 2 / 3))


def test_clipped_counts_differ_from_set_counts() -> None:
    # 算力算力 vs 算力算力: clipped unigram overlap 4 (P = R = 1); set counting would give 2/2 over
    # 4 units and report P = R = 0.5.
    s = rouge_n(list("算力算力"), list("算力算力"), 1)
    assert (s.precision, s.recall, s.f) == (1.0, 1.0, 1.0)
    # 算算算 vs 算: clipped overlap 1 -> P = 1/3, R = 1
    s = rouge_n(list("算算算"), list("算"), 1)
    assert s.precision == pytest.approx(1 / 3) and s.recall == 1.0


def test_rouge2_by_hand() -> None:
    # cand 英伟达芯片 bigrams: 英伟 伟达 达芯 芯片 (4); ref 英伟达的芯片: 英伟 伟达 达的 的芯 芯片 (5)
    # overlap: 英伟 伟达 芯片 = 3 -> P 3/4, R 3/5
    s = rouge_n(list("英伟达芯片"), list("英伟达的芯片"), 2)
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(3 / 5)
    assert s.f == pytest.approx(f(3 / 4, 3 / 5))


def test_rouge_l_by_hand() -> None:
    # LCS(ABCBDAB, BDCABA) = 4 (e.g. BCBA), the textbook example.
    assert lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    s = rouge_l(list("ABCBDAB"), list("BDCABA"))
    assert s.precision == pytest.approx(4 / 7) and s.recall == pytest.approx(4 / 6)
    # 算力短缺加剧 vs 短缺的算力: LCS = 算力 or 短缺 = 2
    assert lcs_length(list("算力短缺加剧"), list("短缺的算力")) == 2


def test_empty_and_disjoint() -> None:
    assert rouge_n([], list("abc"), 1).f == 0.0
    assert rouge_l(list("甲乙"), list("丙丁")).f == 0.0
    assert rouge_n(list("甲"), list("甲"), 2).f == 0.0  # no bigrams at all


def test_character_units_drop_punctuation_and_keep_latin_runs() -> None:
    assert units("英伟达A100，GPU 紧缺！", "char") == ["英", "伟", "达", "a100", "gpu", "紧", "缺"]
    # identical up to punctuation and case -> perfect score
    scores = rouge("英伟达GPU紧缺。", "英伟达 gpu 紧缺", "char")
    assert scores["rouge1"].f == 1.0 and scores["rougeL"].f == 1.0


def test_word_level_uses_domain_dictionary() -> None:
    words = units("英伟达的昇腾对手", "word")
    assert "英伟达" in words and "昇腾" in words
    # 英伟达芯片 vs 英伟达: words [英伟达, 芯片] vs [英伟达] -> P 1/2, R 1
    s = rouge("英伟达芯片", "英伟达", "word")["rouge1"]
    assert s.precision == pytest.approx(0.5) and s.recall == 1.0


def test_unknown_level_is_an_error() -> None:
    with pytest.raises(ValueError):
        units("x", "byte")
