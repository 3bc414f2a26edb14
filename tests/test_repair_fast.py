"""The fast path of the GBK step returns what the full scan returns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.clean import repair

REPO = Path(__file__).resolve().parent.parent


def test_junk_pattern_is_exactly_junk() -> None:
    for o in range(0x110000):
        c = chr(o)
        assert bool(repair._JUNK_RE.fullmatch(c)) == repair._junk(c), hex(o)


def _lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((REPO / "corpus/raw").glob("*.txt")):
        lines.extend(path.read_text("utf-8").splitlines())
    return lines


def _full_scan(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[repair.Change]]:
    with monkeypatch.context() as m:
        m.setattr(repair, "_JUNK_RE", re.compile(""))  # matches everywhere: never the fast path
        return repair._gbk(text)


def test_gbk_fast_path_on_seed_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_taken = 0
    for line in _lines():
        fast_taken += repair._JUNK_RE.search(line) is None and repair._LOST_RE.search(line) is None
        assert repair._gbk(line) == _full_scan(line, monkeypatch), line
    assert fast_taken > 100  # most lines take it


# Han, Latin with tone marks, junk, "?" and brackets: lost-character traces and shifted runs.
_ALPHABET = "算力芯片英伟达國際黃仁勳的是了?()（）ānǐhǎo ㄅㄆ\ue000\ufffd│αЖ①abc，。"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=30))
def test_gbk_fast_path_on_random_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as m:
        fast = repair._gbk(text)
        m.setattr(repair, "_JUNK_RE", re.compile(""))
        assert fast == repair._gbk(text)


def test_a_repeated_line_is_repaired_once_and_logged_with_each_line_number() -> None:
    line = "算力(suàn lì)紧张,厂商  加价!"
    first_text, first = repair.repair_line(line, 3)
    second_text, second = repair.repair_line(line, 9)
    uncached_text, uncached = repair._repair_text.__wrapped__(line)
    assert first_text == second_text == uncached_text
    assert [(r.kind, r.before, r.after) for r in first] == [(r.kind, r.before, r.after) for r in second] == list(uncached)
    assert {r.line for r in first} == {3} and {r.line for r in second} == {9}
    assert first  # the line does need repairs
