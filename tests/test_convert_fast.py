"""The fast conversion paths give exactly what converting with stock OpenCC gives.

References are computed here with a fresh ``opencc.OpenCC(config).convert`` of the installed
reimplemented binding (no cache, no skipping), character by character where the old code did so.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.clean import patterns, repair
from builders.clean.patterns import simplified
from builders.enrich import script
from builders.textscript.convert import (
    REIMPLEMENTED,
    SegmentedOpenCC,
    WordSegmentedOpenCC,
    opencc_binding,
    plain,
    reimplemented_chain,
    single_char_changes,
)
from tests.test_convert import SIMPLIFIED_SEEDS, TRADITIONAL_SEEDS, clean_seed_text

REPO = Path(__file__).resolve().parent.parent
CONFIGS = ("t2s", "s2t", "s2tw", "s2hk")



def test_references_come_from_the_reimplemented_binding() -> None:
    """Every reference below is stock opencc-python-reimplemented (the design card's table source);
    if another binding were installed in its place, this fails instead of the file skipping."""
    assert opencc_binding()[0] == REIMPLEMENTED


@cache
def reference(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config).convert


def raw_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((REPO / "corpus/raw").glob("*.txt")):
        lines.extend(path.read_text("utf-8").splitlines())
    return lines


@cache
def pieces() -> list[str]:
    """Phrase keys and values of both directions, single-character keys, separators and other
    text: random concatenations of them make phrases overlap and compete."""
    rng = random.Random(7)
    out: list[str] = []
    for config in ("t2s", "s2t"):
        chain = reimplemented_chain(config)
        assert chain is not None
        for _, _, table in chain[0]:
            items = sorted(table.items())
            for key, value in rng.sample(items, min(400, len(items))):
                out += [key, value.split(" ")[0]]
    out += [*list("，。、：；！？ \u3000-.…“”（）《》\n"), "AI", "GPU 2024", "的", "了", "着", "马", "系", "乾"]
    return out


texts = st.lists(st.sampled_from(pieces()), max_size=30).map("".join)
random_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FFF), max_size=60)


# --------------------------------------------------------------------------- plain()


@pytest.mark.parametrize("config", CONFIGS)
def test_plain_equals_stock_opencc_on_seed_lines(config: str) -> None:
    convert = plain(config)
    assert isinstance(convert, SegmentedOpenCC)
    for line in raw_lines():
        assert convert(line) == reference(config)(line), line
        assert convert(line) == reference(config)(line), line  # cached the second time


@settings(max_examples=300, deadline=None)
@given(text=texts | random_text, config=st.sampled_from(CONFIGS))
def test_plain_equals_stock_opencc_on_random_text(text: str, config: str) -> None:
    assert plain(config)(text) == reference(config)(text)


def test_segments_without_key_characters_are_not_converted() -> None:
    convert = plain("t2s")
    assert isinstance(convert, SegmentedOpenCC)
    assert convert.key_starts.isdisjoint("的是在AI")
    assert "國" in convert.key_starts
    assert convert("的是在AI，國家") == "的是在AI，国家"


@pytest.mark.parametrize("config", CONFIGS)
def test_single_char_changes_equal_converting_each_character(config: str) -> None:
    changes = single_char_changes(config)
    convert = reference(config)
    chain = reimplemented_chain(config)
    assert chain is not None
    keys = {k for stage in chain for _, _, table in stage for k in table if len(k) == 1}
    assert changes == {c: convert(c) for c in sorted(keys) if convert(c) != c}
    # Characters that are no one-character key are never changed on their own.
    rng = random.Random(3)
    for c in (chr(rng.randrange(0x4E00, 0xA000)) for _ in range(3000)):
        assert (convert(c) != c) == (c in changes), c


# --------------------------------------------------------------------------- script evidence


def _paragraphs() -> list[str]:
    out: list[str] = []
    for doc_id in SIMPLIFIED_SEEDS + TRADITIONAL_SEEDS:
        text = clean_seed_text(doc_id)
        out += [text, *text.split("\n\n")]
    return out + raw_lines()


def reference_changed_han(text: str, config: str) -> int:
    """The definition (the code before tables): convert the whole text, compare position by position."""
    other = script.valid_characters()["Hans" if config == "t2s" else "Hant"]
    converted = reference(config)(text)
    assert len(converted) == len(text)
    return sum(1 for a, b in zip(text, converted, strict=True) if a != b and a not in other and script.HAN.match(a))


@pytest.mark.parametrize("config", script.EVIDENCE_CONFIGS)
def test_evidence_counts_equal_converting_on_seeds(config: str) -> None:
    assert script.evidence_table(config) is not None  # the table path is what is tested
    for text in _paragraphs():
        assert script._changed_han(text, config) == reference_changed_han(text, config), text


@settings(max_examples=400, deadline=None)
@given(text=texts | random_text, config=st.sampled_from(script.EVIDENCE_CONFIGS))
def test_evidence_counts_equal_converting_on_random_text(text: str, config: str) -> None:
    assert script._changed_han(text, config) == reference_changed_han(text, config)


def test_character_kept_inside_a_phrase_is_not_evidence() -> None:
    # 着 alone becomes 著 under s2t, but the phrase 关系着 keeps it: counting every 着 (what a
    # plain character table would do) is wrong here, so the table marks 着 "sometimes".
    table = script.evidence_table("s2t")
    assert table is not None and "着" in table.sometimes and "关" in table.always
    text = "两国关系着实重要，关系着未来。我看着他"
    naive = sum(1 for c in text if c in table.always or c in table.sometimes)
    assert script._changed_han(text, "s2t") == reference_changed_han(text, "s2t") < naive


def test_script_counts_on_hand_made_text() -> None:
    assert script.script_counts("國家發展") == (4, 2, 0)  # 家 and 展 are shared
    assert script.script_counts("国家发展") == (4, 0, 2)
    assert script.script_counts("AI 2024") == (0, 0, 0)


# --------------------------------------------------------------------------- cleaning


def test_looks_hant_and_char_score_equal_per_character_conversion() -> None:
    t2s, s2t = reference("t2s"), reference("s2t")

    def looks_hant(text: str) -> bool:
        return sum(1 for c in text if repair.is_han(c) and t2s(c) != c) >= 2

    for text in [*_paragraphs(), "國", "國家", "国家", "乾隆", "", "abc"]:
        assert repair._looks_hant(text) == looks_hant(text), text
    chars = {c for text in _paragraphs() for c in text} | set("國乾干著着後后髮发")
    for c in sorted(chars):
        if repair.is_han(c):
            level = repair._gb2312_level(t2s(c)) or repair._gb2312_level(c)
            assert repair._char_score(c) == {1: 1.0, 2: 0.2}.get(level, -1.0), c
            simp = s2t(c) != c and t2s(c) == c
            assert (c in repair._s2t_chars() and c not in repair._t2s_chars()) == simp, c


@settings(max_examples=200, deadline=None)
@given(text=texts | random_text)
def test_looks_hant_on_random_text(text: str) -> None:
    t2s = reference("t2s")
    assert repair._looks_hant(text) == (sum(1 for c in text if repair.is_han(c) and t2s(c) != c) >= 2)


@settings(max_examples=200, deadline=None)
@given(text=texts | random_text)
def test_simplified_equals_stock_t2s(text: str) -> None:
    assert simplified(text) == (reference("t2s")(text) if patterns.HAN_RE.search(text) else text)


def test_converters_pickle_without_their_caches() -> None:
    import pickle

    from builders.textscript.convert import get_converter

    conv = get_converter()
    assert conv.to_hant("国家发展") == "國家發展"
    blob = pickle.dumps(conv)
    assert "國家發展".encode() not in blob and "国家发展".encode() not in blob
    again = pickle.loads(blob)
    assert again.to_hant("国家发展") == "國家發展" and again.info() == conv.info()
    assert pickle.loads(pickle.dumps(plain("t2s"))) is plain("t2s")


@pytest.mark.parametrize("config", ["t2s", "s2tw"])
def test_long_texts_bypass_the_caches_with_the_same_result(config: str) -> None:
    from builders.textscript.convert import CACHE_MAX_CHARS, get_converter

    rng = random.Random(5)
    long_text = "".join(rng.choice(pieces()) for _ in range(3 * CACHE_MAX_CHARS))
    no_separators = "".join(c for c in long_text if c not in "，。、：；！？ 　-.…“”（）《》\n")
    for text in (long_text, no_separators):
        assert len(text) > CACHE_MAX_CHARS
        assert plain(config)(text) == reference(config)(text)
    conv = get_converter()
    for direction, convert in (("hans", conv.to_hans), ("hant", conv.to_hant)):
        # The converter applies phrases by words (WordSegmentedOpenCC): a fresh one, same result.
        words = WordSegmentedOpenCC(conv.configs[direction])
        want = conv.tables[direction].apply(long_text, words)
        assert convert(long_text) == want


# --------------------------------------------------------------------------- ChainConverter


def _key_compositions(config: str, n: int, seed: int) -> list[str]:
    """Strings made of the chain's keys, fragments of keys and common characters, so that keys
    overlap, nest and compete for the same characters."""
    chain = reimplemented_chain(config)
    assert chain is not None
    keys = sorted({k for group in chain for _, _, table in group for k in table})
    multi = [k for k in keys if len(k) > 1]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            if r < 0.5:
                key = rng.choice(multi)
                a = rng.randrange(len(key))
                parts.append(key[a : rng.randint(a + 1, len(key))] if rng.random() < 0.3 else key)
            elif r < 0.8:
                parts.append(rng.choice(keys))
            else:
                parts.append(rng.choice("的了是在AZ12"))
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("config", ["t2s", "s2t", "s2tw", "s2hk", "s2twp", "tw2sp", "tw2s"])
def test_chain_converter_equals_the_binding_on_competing_keys(config: str) -> None:
    import opencc

    from builders.textscript.convert import ChainConverter

    cc = opencc.OpenCC(config)
    fast = ChainConverter(cc._dict_chain_data)
    segments = _key_compositions(config, 1500, seed=11)
    segments += [s for line in raw_lines() for s in cc.split_chars_re.split(line)[::2]]
    expected = [cc._convert(s, cc._dict_chain_data) for s in segments]
    assert [fast(s) for s in segments] == expected
    assert sum(1 for s, e in zip(segments, expected, strict=True) if s != e) > 1000  # it converts
