"""Issue 9: statistics and the card read the written Parquet files one batch at a time; the
card lists at most ``card.documents_listed`` documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders.export import card
from builders.schema import class_names
from builders.stats import compute_stats, parquet_files

pytestmark = pytest.mark.slow


def _all(folder: Path, config: str) -> list[tuple[str, dict]]:
    return [(s, r) for s, p in parquet_files(folder, config).items() for r in pq.read_table(p).to_pylist()]


def test_streamed_stats_match_whole_tables(built_dataset: Path) -> None:
    stats = compute_stats(built_dataset)
    docs, paras, lines = (_all(built_dataset, c) for c in ("documents", "paragraphs", "lines"))
    assert stats["documents"] == len(docs) and stats["paragraphs"] == len(paras) and stats["lines"] == len(lines)
    assert stats["characters"] == sum(r["num_chars"] for _, r in docs)
    for config, rows, col in (("documents", docs, "text"), ("paragraphs", paras, "text"), ("lines", lines, "raw_text")):
        expect: dict[str, dict[str, int]] = {}
        for split, r in rows:
            e = expect.setdefault(split, {"rows": 0, "chars": 0})
            e["rows"] += 1
            e["chars"] += len(r[col])
        assert stats["per_split"][config] == expect
    names = class_names("documents", "topics")
    assert stats["topics"] == {n: sum(t == n for _, r in docs for t in r["topics"]) for n in names}
    reasons = Counter(f"{r['label']}:{r['reason']}" for _, r in lines if r["label"] != "content")
    assert stats["removed_reasons"] == dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    assert stats["doc_lengths"] == sorted(r["num_chars"] for _, r in docs)
    doc_script = {r["id"]: r["script"] for _, r in docs}
    line_rows = Counter((s, doc_script[r["document_id"]]) for s, r in lines)
    assert {(s, k): v["rows"] for s, per in stats["per_split_script"]["lines"].items() for k, v in per.items()} == line_rows


def test_card_lists_every_document_of_a_small_corpus(built_dataset: Path) -> None:
    text = card.render_card(built_dataset)
    ids = [r["id"] for _, r in _all(built_dataset, "documents")]
    for doc_id in ids:
        assert f"| `{doc_id}` |" in text
    assert "more: every document is listed" not in text


def test_card_lists_at_most_the_configured_number(built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card, "_documents_listed", lambda: 2)
    text = card.render_card(built_dataset)
    ids = sorted(r["id"] for _, r in _all(built_dataset, "documents"))
    listed = [i for i in ids if f"| `{i}` |" in text]
    assert listed == ids[:2]
    assert f"The first 2 documents by id, and {len(ids) - 2} more" in text
    assert text.index(f"`{ids[0]}`") < text.index(f"`{ids[1]}`")


def test_stats_do_not_depend_on_the_batch_size(built_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch size was cut for memory (issue 9); the figures must not notice."""
    import builders.stats as stats_module

    whole = compute_stats(built_dataset)
    monkeypatch.setattr(stats_module, "BATCH_ROWS", 7)
    assert compute_stats(built_dataset) == whole
