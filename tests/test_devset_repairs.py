"""Repair precision on pages that need no repair: the development set's 20 real news pages
(../shared/devset/, decoded correctly, no mojibake). Only the documented normalisations
(whitespace, width, punctuation) may fire; no GBK, keyword-stuffing or spin repair, and no spin
score above the spun threshold.

The pages are read with the development set's own visible-text reader (vistext.py), not with the
builders' HTML extraction, so this tests the repair functions alone; every visible line is
repaired, and lines with at least 20 Han characters stand in for the content lines."""

from __future__ import annotations

import importlib.util
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from builders.clean.repair import repair_line
from builders.clean.spin import _cfg, han_count, process_spin
from builders.record import Line

DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"
NORMALISATIONS = {"whitespace", "width", "punctuation"}


@cache
def vistext() -> ModuleType:
    reader = DEVSET / "vistext.py"
    if not reader.exists():
        pytest.fail(f"{reader}: the development set is missing (expected ../shared/devset/ beside the repository)")
    spec = importlib.util.spec_from_file_location("devset_vistext", reader)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages() -> list[Path]:
    found = sorted((DEVSET / "pages").glob("*.html"))
    return found


@pytest.mark.parametrize("page", pages() or [pytest.param(None, marks=pytest.mark.skip)], ids=lambda p: p.stem if p else "none")
def test_no_repair_fires_on_a_sound_page(page: Path) -> None:
    text = vistext().load(page)["text_visible"]
    kinds: Counter[str] = Counter()
    changed: list[tuple[str, str, str]] = []
    content: list[Line] = []
    others: list[str] = []
    for number, raw in enumerate(text.split("\n"), 1):
        fixed, log = repair_line(raw, number)
        kinds.update(r.kind for r in log)
        changed += [(r.kind, r.before, r.after) for r in log if r.kind not in NORMALISATIONS]
        if han_count(fixed) >= 20:
            content.append(Line(number, raw, fixed))
        elif fixed.strip():
            others.append(fixed)
    assert content, "no content line read"
    # as the pipeline does: the page's other lines are read as evidence of stuffing
    result = process_spin(content, others)
    changed += [(r.kind, r.before, r.after) for r in result.repairs]
    assert changed == []
    assert not result.is_spun and not result.is_stuffed
    assert result.spin_score <= float(_cfg()["spin_threshold"])


def test_the_development_set_is_there() -> None:
    if not DEVSET.exists():
        pytest.fail(f"{DEVSET}: missing; the repository reaches shared data only as ../shared/")
    assert len(pages()) == 20
