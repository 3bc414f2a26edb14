"""Issue 18 in the built data: the residual spin score is exported, spun documents are flagged
in every config, keywords exist in both scripts, and the card counts spun documents and says
what restoration means."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from builders.annotate.keywords import keywords_in_hant
from builders.config import section
from builders.stats import iter_rows


def _documents(out: Path) -> list[dict[str, Any]]:
    columns = ["id", "text_zh_hans", "text_zh_hant", "keywords_zh_hans", "keywords_zh_hant", "quality"]
    return [row for _split, row in iter_rows(out, "documents", columns)]


def test_keywords_in_hant_take_the_aligned_span_else_convert() -> None:
    """Mutation caught: the keyword converted on its own although the aligned text is there."""
    never = lambda word: "?" * len(word)  # noqa: E731 - a converter that must not be used
    assert keywords_in_hant(["发言", "台上"], "他在台上发言", "他在臺上發言", never) == ["發言", "臺上"]
    # Lengths differ (no alignment) or the keyword is not in the text: converted on its own.
    assert keywords_in_hant(["发言"], "他在台上发言。", "他在臺上發言", lambda w: w.upper()) == ["发言".upper()]
    assert keywords_in_hant(["GPU"], "他在台上发言", "他在臺上發言", lambda w: w + "!") == ["GPU!"]


def test_keywords_exist_in_both_scripts(built_dataset: Path) -> None:
    docs = _documents(built_dataset)
    assert any(d["keywords_zh_hans"] != d["keywords_zh_hant"] for d in docs)
    for d in docs:
        hans, hant = d["keywords_zh_hans"], d["keywords_zh_hant"]
        assert hans and len(hans) == len(hant), d["id"]
        for a, b in zip(hans, hant, strict=True):
            assert a in d["text_zh_hans"] and b in d["text_zh_hant"], (d["id"], a, b)
            assert len(a) == len(b), (d["id"], a, b)


def test_residual_spin_score_is_exported(built_dataset: Path) -> None:
    threshold = float(section("repairs")["spin_threshold"])
    docs = _documents(built_dataset)
    spun = [d for d in docs if d["quality"]["is_spun"]]
    assert spun, "seed 000 is spun"
    for d in docs:
        q = d["quality"]
        assert 0.0 <= q["spin_score_residual"] <= q["spin_score"] + 1e-9, d["id"]
        if not q["is_spun"]:
            assert q["spin_score_residual"] == q["spin_score"], d["id"]
    for d in spun:
        # Restoration leaves at most a trace the lexicon still knows.
        assert d["quality"]["spin_score_residual"] < threshold < d["quality"]["spin_score"], d["id"]


def test_spun_documents_are_flagged_in_every_config(built_dataset: Path) -> None:
    """Mutation caught: a config's flag left False (or taken from another document)."""
    flag = {d["id"]: d["quality"]["is_spun"] for d in _documents(built_dataset)}
    assert sum(flag.values()) >= 1
    for config in ("paragraphs", "lines", "repairs"):
        seen: dict[str, set[bool]] = defaultdict(set)
        for _split, row in iter_rows(built_dataset, config, ["document_id", "document_is_spun"]):
            seen[row["document_id"]].add(row["document_is_spun"])
        assert seen, config
        for doc_id, values in seen.items():
            assert values == {flag[doc_id]}, (config, doc_id)
        assert any(flag[d] for d in seen), config


def test_card_counts_spun_documents_and_explains_restoration(built_dataset: Path) -> None:
    card = (built_dataset / "README.md").read_text(encoding="utf-8")
    docs = _documents(built_dataset)
    n_spun = sum(d["quality"]["is_spun"] for d in docs)
    assert f"{n_spun} of {len(docs)} documents are flagged as spun" in card
    assert "*restoration* means" in card and "spin_score_residual" in card
    for d in docs:
        listed = f"| `{d['id'].replace('_', chr(92) + '_')}` |" in card
        assert listed == (d["quality"]["is_spun"] or d["quality"]["is_stuffed"]), d["id"]
