"""The evaluation's metrics on two- and three-document fixtures whose values are computed by
hand (issue 24): a metric that returned a constant, swapped precision and recall, or counted
sets instead of clipped n-grams fails here. Expected values are literals worked out in the
comments, never taken from the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders.annotate import method
from builders.annotate.curated import CuratedAnnotation
from builders.evaluate.annotations import evaluate_summaries, set_metrics
from builders.evaluate.cleaning import _scores
from builders.record import Document, Source, Summary

TOL = 1e-4  # the report rounds to 4 decimals


def _doc(doc_id: str, summaries: dict[str, str]) -> Document:
    source = Source(doc_id, f"raw/{doc_id}.txt", "0" * 64, None, None, None, None, "test")
    doc = Document(id=doc_id, source=source, raw_sha256="0" * 64, encoding="utf-8", format="text", raw_text="")
    doc.summaries = [
        Summary(language="zh", script="Hans", text=text, method=m, method_version="1", provenance="automatic")
        for m, text in summaries.items()
    ]
    return doc


def _curated(doc_id: str, summary: str) -> CuratedAnnotation:
    return CuratedAnnotation(doc_id, summary, "", (), "test", "2026-01-01", "test", Path("x.yaml"))


def test_topic_metrics_by_hand() -> None:
    gold = {"a": ["x", "y"], "b": ["y"], "c": ["z"]}
    predicted = {"a": ["x"], "b": ["y", "z"], "c": ["z"]}
    # x: tp 1 (a)                -> P 1, R 1, F 1
    # y: tp 1 (b), fn 1 (a)      -> P 1, R 1/2, F 2/3
    # z: tp 1 (c), fp 1 (b)      -> P 1/2, R 1, F 2/3
    # micro: tp 3, fp 1, fn 1    -> P 3/4, R 3/4, F 3/4
    # macro F: (1 + 2/3 + 2/3) / 3 = 7/9; exact match: only c -> 1/3
    m = set_metrics(predicted, gold, ["x", "y", "z", "unused"])
    assert m["micro"] == pytest.approx({"precision": 0.75, "recall": 0.75, "f1": 0.75}, abs=TOL)
    assert m["per_topic"]["y"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}, abs=TOL)
    assert m["per_topic"]["z"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1}, abs=TOL)
    assert m["macro"]["f1"] == pytest.approx(7 / 9, abs=TOL)
    assert m["macro"]["precision"] == pytest.approx(5 / 6, abs=TOL)
    assert m["macro"]["recall"] == pytest.approx(5 / 6, abs=TOL)
    assert m["macro_topics"] == 3  # "unused" occurs nowhere: no F1 defined, not averaged
    assert m["exact_match"] == pytest.approx(1 / 3, abs=TOL)


def test_line_removal_metrics_by_hand() -> None:
    pairs = [  # (gold, predicted)
        ("content", "content"),
        ("boilerplate", "boilerplate"),
        ("boilerplate", "content"),  # missed removal
        ("spam", "boilerplate"),  # removed, under another label
        ("content", "spam"),  # content removed
    ]
    s = _scores(pairs)
    # removed (boilerplate or spam): gold {2,3,4}, predicted {2,4,5}: tp 2, fp 1, fn 1
    assert (s["removed"]["precision"], s["removed"]["recall"]) == pytest.approx((2 / 3, 2 / 3), abs=TOL)
    assert s["removed"]["f1"] == pytest.approx(2 / 3, abs=TOL)
    assert (s["removed"]["support"], s["removed"]["predicted"]) == (3, 3)
    # content kept: gold {1,5}, predicted {1,3}: tp 1, fp 1, fn 1
    assert (s["content"]["precision"], s["content"]["recall"]) == pytest.approx((0.5, 0.5), abs=TOL)
    # boilerplate label: tp 1 (2), fp 1 (4), fn 1 (3); spam label: tp 0, fp 1, fn 1
    assert s["per_label"]["boilerplate"]["f1"] == pytest.approx(0.5, abs=TOL)
    assert s["per_label"]["spam"]["f1"] == 0.0
    assert s["accuracy"] == pytest.approx(2 / 5, abs=TOL)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


def test_summary_rouge_by_hand() -> None:
    lead, _ = method("lead3")
    ext, _ = method("extractive")
    docs = [
        _doc("d1", {lead: "英伟达的芯片", ext: "芯片"}),
        _doc("d2", {lead: "算力", ext: "算力短缺"}),
    ]
    curated = {"d1": _curated("d1", "英伟达芯片"), "d2": _curated("d2", "算力短缺")}
    report = evaluate_summaries(docs, curated)
    assert report["documents"] == 2
    char = {d: {m: report["per_document"][d][m]["char"] for m in (lead, ext)} for d in ("d1", "d2")}
    # d1 lead 英伟达的芯片 vs 英伟达芯片: unigrams 5 of 6 / 5 of 5; bigrams 英伟 伟达 芯片 = 3 of 5 / of 4;
    # LCS 英伟达芯片 = 5
    assert char["d1"][lead]["rouge1"] == pytest.approx(f1(5 / 6, 1.0), abs=TOL)
    assert char["d1"][lead]["rouge2"] == pytest.approx(f1(3 / 5, 3 / 4), abs=TOL)
    assert char["d1"][lead]["rougeL"] == pytest.approx(f1(5 / 6, 1.0), abs=TOL)
    # d1 textrank 芯片: unigrams 2 of 2 / of 5; bigram 芯片 1 of 1 / of 4
    assert char["d1"][ext]["rouge1"] == pytest.approx(f1(1.0, 2 / 5), abs=TOL)
    assert char["d1"][ext]["rouge2"] == pytest.approx(f1(1.0, 1 / 4), abs=TOL)
    # d2 lead 算力 vs 算力短缺: P 1, R 1/2; textrank equal to the reference: 1
    assert char["d2"][lead]["rougeL"] == pytest.approx(f1(1.0, 0.5), abs=TOL)
    assert char["d2"][ext] == pytest.approx({"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}, abs=TOL)
    # means over the two documents, and the comparison made from them
    lead_l = (f1(5 / 6, 1.0) + f1(1.0, 0.5)) / 2  # 0.78788
    ext_l = (f1(1.0, 2 / 5) + 1.0) / 2  # 0.78571
    assert report["methods"][lead]["char"]["rougeL"] == pytest.approx(lead_l, abs=2 * TOL)
    assert report["methods"][ext]["char"]["rougeL"] == pytest.approx(ext_l, abs=2 * TOL)
    assert report["methods"][lead]["mean_chars"] == 4.0  # (6 + 2) / 2
    cmp = report["comparison"]
    assert cmp["beats_baseline_rougeL_char"] is False  # 0.7857 < 0.7879
    assert cmp["documents_won_rougeL_char"] == 1  # d2 only
    assert "does NOT beat" in cmp["statement"]
