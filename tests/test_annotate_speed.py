"""The fast annotate paths give the results of the straightforward ones: one segmentation per
sentence shared by TextRank and keywords, numpy TextRank against the pure-Python reference it
replaced, and the on-disk cache of jieba's prefix dictionary and IDF table. Texts are made here
from a seeded generator (no seed-page strings)."""

from __future__ import annotations

import math
import os
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import diskcache
from builders.annotate import (
    annotate_document,
    automatic_summaries,
    sentence_options,
    textrank_options,
)
from builders.annotate.keywords import extract_keywords
from builders.annotate.segmented import segment_text
from builders.annotate.sentences import Sentence, han_len
from builders.annotate.summarize import (
    TIE_DECIMALS,
    SentenceOptions,
    TextRankOptions,
    candidate_sentences,
    similarity_matrix,
    textrank,
    textrank_scores,
)
from builders.annotate.tokenize import content_words, idf_table, segment
from tests.test_annotate_seeds import make_document, to_hant

WORDS = [
    "算力",
    "芯片",
    "英伟达",
    "华为",
    "昇腾",
    "寒武纪",
    "供应",
    "紧缺",
    "价格",
    "上涨",
    "国产",
    "替代",
    "数据中心",
    "训练",
    "推理",
    "大模型",
    "出口",
    "管制",
    "订单",
    "产能",
    "服务器",
    "租赁",
    "市场",
    "企业",
    "表示",
    "认为",
    "今年",
    "明显",
    "增加",
    "需求",
    "云计算",
    "智算中心",
    "显卡",
    "交付",
    "GPU",
    "A100",
    "H20",
    "AI",
    "3.5%",
    "2024年",
    "10万",
    "的",
    "了",
    "和",
    "在",
    "是",
    "也",
]
ENDS = ["。", "！", "？", "；", "……", "。”", "！」", "?", ";"]


def make_text(rng: random.Random, paragraphs: int = 6) -> str:
    """A made-up article: headings, captions, quotes, Latin, numbers, odd spacing."""
    out = []
    for p in range(paragraphs):
        if rng.random() < 0.3:
            out.append("".join(rng.choices(WORDS, k=rng.randint(2, 5))))  # a heading
        sentences = []
        for _ in range(rng.randint(1, 5)):
            words = rng.choices(WORDS, k=rng.randint(3, 18))
            sep = rng.choice(["", "", "", " ", "，"])
            body = sep.join(words)
            if rng.random() < 0.2:
                body = "“" + body
            sentences.append(body + rng.choice(ENDS))
        joiner = rng.choice(["", "", "\n", " "])
        out.append(joiner.join(sentences))
        if p == 1 and rng.random() < 0.5:
            out.append(out[-1])  # a repeated paragraph (re-posts, furniture)
    return "\n\n".join(out)


# --- the reference TextRank (the pure-Python version the numpy one replaced) ---------------------


def _ref_vectors(sentences: Sequence[Sentence]) -> list[dict[str, float]]:
    idf, median = idf_table()
    vectors = []
    for s in sentences:
        counts = Counter(content_words(s.text))
        vec = {w: c * idf.get(w, median) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        vectors.append({w: v / norm for w, v in vec.items()} if norm else {})
    return vectors


def _ref_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def ref_scores(sentences: Sequence[Sentence], options: TextRankOptions) -> list[float]:
    n = len(sentences)
    vectors = _ref_vectors(sentences)
    weights = [[_ref_cosine(vectors[i], vectors[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    out_sum = [sum(row) for row in weights]
    prior = [1.0 / (i + 1) for i in range(n)]
    lam = options.position_prior
    teleport = [(1 - lam) / n + lam * p / sum(prior) for p in prior]
    d = options.damping
    scores = [1.0 / n] * n
    for _ in range(options.iterations):
        dangling = sum(scores[j] for j in range(n) if out_sum[j] == 0.0)
        new = []
        for i in range(n):
            incoming = sum(weights[j][i] / out_sum[j] * scores[j] for j in range(n) if out_sum[j] > 0.0)
            new.append((1 - d) * teleport[i] + d * (incoming + dangling * teleport[i]))
        delta = sum(abs(a - b) for a, b in zip(new, scores, strict=True))
        scores = new
        if delta < options.tolerance:
            break
    return scores


def ref_textrank(text: str, options: TextRankOptions, sopts: SentenceOptions) -> str:
    candidates = candidate_sentences(text, sopts)
    if not candidates:
        return ""
    # Ties at TIE_DECIMALS, as in textrank (the old code broke them on float noise).
    scores = [round(x, TIE_DECIMALS) for x in ref_scores(candidates, options)]
    vectors = _ref_vectors(candidates)
    ranked = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for i in ranked:
        size = han_len(candidates[i].text)
        if used + size > options.char_budget:
            continue
        if any(
            round(_ref_cosine(vectors[i], vectors[j]), TIE_DECIMALS) > options.max_redundancy for j in chosen
        ):
            continue
        chosen.append(i)
        used += size
    if not chosen:
        chosen = [ranked[0]]
    return "".join(candidates[i].text for i in sorted(chosen))


# --- one segmentation per sentence ---------------------------------------------------------------

CHARS = "算力芯片英伟达华为昇腾的了和AIGPUa1 .%-+#&_，。！？；…”’」』）)】》\"'“（\n　\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CHARS, max_size=80))
def test_sentence_tokens_concatenate_to_the_text_tokens(text: str) -> None:
    assert list(segment_text(text).words()) == segment(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CHARS, max_size=120), st.booleans())
def test_cutting_piece_by_piece_equals_jieba_on_the_whole_text(text: str, hmm: bool) -> None:
    from builders.annotate import tokenize

    whole = tuple(t for t in tokenize._tokenizer().lcut(text, HMM=hmm) if t.strip())
    assert tokenize._cut_uncached(text, hmm) == whole


@pytest.mark.parametrize("seed", range(12))
def test_shared_segmentation_gives_the_separate_results(seed: int) -> None:
    text = make_text(random.Random(seed)).strip()
    seg = segment_text(text)
    assert list(seg.words()) == segment(text)
    assert extract_keywords(text, 10, 2, tokens=list(seg.words())) == extract_keywords(text, 10, 2)
    sopts, topts = sentence_options(), textrank_options()
    assert automatic_summaries(text, segmented=seg) == automatic_summaries(text)
    assert textrank(text, topts, sopts, segmented=seg) == textrank(text, topts, sopts)


def test_annotate_document_matches_the_standalone_functions() -> None:
    text = make_text(random.Random(99), paragraphs=10).strip()
    doc = annotate_document(make_document("speed_doc", text), None, to_hant)
    assert doc.keywords == extract_keywords(text, 10, 2)
    assert doc.summary_zh_hans == textrank(text, textrank_options(), sentence_options())


# --- numpy TextRank against the reference --------------------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_textrank_equals_the_reference(seed: int) -> None:
    rng = random.Random(1000 + seed)
    text = make_text(rng, paragraphs=rng.randint(1, 14)).strip()
    sopts = SentenceOptions()
    options = TextRankOptions(
        char_budget=rng.choice([40, 120, 200]),
        position_prior=rng.choice([0.0, 0.3]),
        max_redundancy=rng.choice([0.3, 0.5, 0.9]),
    )
    cands = candidate_sentences(text, sopts)
    new, ref = textrank_scores(cands, options), ref_scores(cands, options)
    assert len(new) == len(ref)
    assert max((abs(a - b) for a, b in zip(new, ref, strict=True)), default=0.0) < 1e-12
    assert textrank(text, options, sopts) == ref_textrank(text, options, sopts)


def test_similarity_matrix_is_the_cosine_of_tfidf_vectors() -> None:
    text = make_text(random.Random(5), paragraphs=8)
    cands = candidate_sentences(text, SentenceOptions())
    sim = similarity_matrix([content_words(s.text) for s in cands])
    vectors = _ref_vectors(cands)
    n = len(cands)
    assert sim.shape == (n, n)
    assert np.array_equal(sim, sim.T) and not np.diag(sim).any()
    for i in range(n):
        for j in range(n):
            if i != j:
                assert sim[i, j] == pytest.approx(_ref_cosine(vectors[i], vectors[j]), abs=1e-12)


def test_similarity_matrix_in_small_steps_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long pages sum the word pairs a few words at a time: same matrix up to rounding."""
    from builders.annotate import summarize

    text = make_text(random.Random(8), paragraphs=12)
    words = [content_words(s.text) for s in candidate_sentences(text, SentenceOptions())]
    whole = similarity_matrix(words)
    monkeypatch.setattr(summarize, "MAX_PAIRS", 5)
    steps = similarity_matrix(words)
    assert np.array_equal(steps, steps.T) and not np.diag(steps).any()
    assert np.allclose(whole, steps, rtol=0, atol=1e-14)
    assert np.count_nonzero(whole) > 20


def test_similarity_of_sentences_without_content_words_is_zero() -> None:
    sim = similarity_matrix([[], ["芯片", "算力"], ["芯片"], []])
    assert not sim[0].any() and not sim[:, 3].any()
    assert sim[1, 2] > 0


def test_power_iteration_stops_at_the_tolerance() -> None:
    cands = candidate_sentences(make_text(random.Random(3), paragraphs=10), SentenceOptions())
    converged = textrank_scores(cands, TextRankOptions(iterations=1000, tolerance=0.0))
    early = textrank_scores(cands, TextRankOptions(iterations=1000, tolerance=1e-10))
    loose = textrank_scores(cands, TextRankOptions(iterations=1000, tolerance=0.5))
    assert max(abs(a - b) for a, b in zip(converged, early, strict=True)) < 1e-9
    assert max(abs(a - b) for a, b in zip(converged, loose, strict=True)) > 1e-6  # stopped early


def test_textrank_on_a_long_page_is_vectorised(monkeypatch: pytest.MonkeyPatch) -> None:
    """400 sentences: what keeps this cheap is the shape of the work, not a stopwatch (the time is
    measured in ``benchmarks/textrank_speed.py``). The similarity matrix is built once and not at
    all when it is passed in; each power-iteration step is one matrix-vector product (two
    ``math.fsum`` reductions of n floats per step, never a Python loop over the n^2 edges); and
    the iteration converges in far fewer steps than its cap."""
    from builders.annotate import summarize

    rng = random.Random(11)
    text = "\n\n".join(make_text(rng, paragraphs=8) for _ in range(20))
    cands = candidate_sentences(text, SentenceOptions())
    words = [content_words(s.text) for s in cands]
    n = len(cands)
    assert n > 300
    options = TextRankOptions()

    calls = {"similarity": 0, "fsum": 0, "fsum_items": 0}
    real_similarity, real_fsum = summarize.similarity_matrix, math.fsum

    def counting_similarity(w: Sequence[Sequence[str]]) -> np.ndarray:
        calls["similarity"] += 1
        return real_similarity(w)

    def counting_fsum(values: Iterable[float]) -> float:
        items = list(values)
        calls["fsum"] += 1
        calls["fsum_items"] += len(items)
        return real_fsum(items)

    monkeypatch.setattr(summarize, "similarity_matrix", counting_similarity)
    textrank_scores(cands, options, words=words)
    assert calls["similarity"] == 1

    calls.update(similarity=0)
    similarity = real_similarity(words)
    monkeypatch.setattr(summarize.math, "fsum", counting_fsum)
    scores = textrank_scores(cands, options, similarity=similarity)
    monkeypatch.undo()
    assert calls["similarity"] == 0
    # One fsum for the prior, then two per step (dangling mass, L1 change).
    steps = (calls["fsum"] - 1) / 2
    assert steps == int(steps) and 1 <= steps < options.iterations / 2, steps
    assert calls["fsum_items"] <= n * (1 + 2 * steps)  # O(n) Python-level work per step
    assert len(scores) == n and abs(sum(scores) - 1.0) < 1e-6


# --- disk cache ----------------------------------------------------------------------------------


def _counting_build(calls: list[int], value: object):
    def build() -> object:
        calls.append(1)
        return value

    return build


def test_disk_cache_builds_once_then_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path / "c"))
    calls: list[int] = []
    value = ({"算": 1, "算力": 3}, 4)
    for _ in range(3):
        assert diskcache.cached_build("t", b"dict", _counting_build(calls, value), lambda v: True) == value
    assert len(calls) == 1
    files = list((tmp_path / "c").iterdir())
    assert len(files) == 1 and files[0].name.startswith("t-")
    # Other source bytes: another key, built again.
    assert diskcache.cached_build("t", b"dict2", _counting_build(calls, ({}, 0)), lambda v: True) == ({}, 0)
    assert len(calls) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "invalid"])
def test_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    value = ({"w": 1}, 1)
    diskcache.cached_build("t", b"src", lambda: value, lambda v: True)
    path = diskcache.cache_path("t", b"src")
    assert path is not None and path.exists()
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[:-5])
    elif damage == "flip":
        path.write_bytes(blob[:-3] + bytes([blob[-3] ^ 1]) + blob[-2:])
    elif damage == "garbage":
        path.write_bytes(b"not a cache file")
    calls: list[int] = []
    valid = (lambda v: False) if damage == "invalid" else (lambda v: True)
    assert diskcache.cached_build("t", b"src", _counting_build(calls, value), valid) == value
    assert calls == [1]


def test_unwritable_or_disabled_cache_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv(diskcache.CACHE_ENV, str(blocker / "sub"))
    assert diskcache.cached_build("t", b"x", lambda: (1, 2), lambda v: True) == (1, 2)
    for off in ("", "off", "0"):
        monkeypatch.setenv(diskcache.CACHE_ENV, off)
        assert diskcache.cache_dir() is None
        assert diskcache.cached_build("t", b"x", lambda: (3, 4), lambda v: True) == (3, 4)


def test_cache_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(diskcache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.cache_dir() == tmp_path / "zhnews"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert diskcache.cache_dir() == tmp_path / "home" / ".cache" / "zhnews"


def test_cached_prefix_dictionary_equals_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prefix dictionary that the conversion's and the annotators' tokenizers read from the
    disk cache is what jieba builds from its bundled dictionary, and a second read is a copy of
    its own (the annotators add their user words to theirs)."""
    import io

    import jieba

    from builders.textscript import words

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    tok = jieba.Tokenizer()
    with tok.get_dict_file() as fh:
        data = fh.read()
    fresh = jieba.Tokenizer.gen_pfdict(io.BytesIO(data))
    built = words.prefix_dict()
    assert os.listdir(tmp_path)
    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", staticmethod(lambda f: pytest.fail("not read from the cache")))
    loaded = words.prefix_dict()
    assert built == fresh == loaded
    loaded[0]["一个新词"] = 1
    assert "一个新词" not in words.prefix_dict()[0]


def test_repeated_sentence_ties_go_to_the_first_copy() -> None:
    """Plain TextRank gives a repeated sentence the same score twice: the earlier copy is chosen
    (B then sits after it), never the later one because of float noise."""
    a = "英伟达GPU供应紧缺，算力价格上涨明显。"
    b = "国产芯片企业迎来替代机会，订单增加。"
    c = "数据中心算力需求增加，GPU价格上涨。"
    options = TextRankOptions(char_budget=han_len(a) + han_len(b), position_prior=0.0)
    assert textrank(a + b + a + c, options, SentenceOptions()) == a + b
