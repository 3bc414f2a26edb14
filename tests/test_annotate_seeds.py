"""annotate_document on the five seed pages, with Documents made here (independent of the
clean/enrich stages): content lines chosen by hand, blank-line paragraphs, Simplified text via
OpenCC t2s for the Traditional page.

``python -m tests.test_annotate_seeds`` prints the evaluation JSON for these stand-in documents
(the real figures come from ``python -m builders.evaluate.annotations`` on the built pipeline).
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path

import opencc
import pytest
import yaml

from builders.annotate import annotate_document
from builders.annotate.curated import CuratedAnnotation, load_curated
from builders.annotate.sentences import han_len
from builders.annotate.topics import default_taxonomy
from builders.record import Document, Source

REPO = Path(__file__).resolve().parent.parent
# 1-based inclusive line ranges of article text in each raw page (titles and page chrome out).
CONTENT_LINES = {
    "000_ffead13b8aaa8742": (9, 89),
    "001_848fc20b8f012d60": (7, 27),
    "002_c5d5ffc0dd5a85b7": (7, 41),
    "003_6642e0c49b93c3a4": (2, 25),
    "004_697f46d78217372b": (9, 147),
}


@cache
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_hant(text: str) -> str:
    return _cc("s2t").convert(text)


def to_hans(text: str) -> str:
    return _cc("t2s").convert(text)


def make_document(doc_id: str, text_hans: str, file: str | None = None) -> Document:
    raw = text_hans.encode("utf-8")
    source = Source(
        id=doc_id,
        file=file or f"raw/{doc_id}.txt",
        sha256=hashlib.sha256(raw).hexdigest(),
        site=None,
        publisher=None,
        url=None,
        retrieved=None,
        licence="test",
    )
    return Document(
        id=doc_id,
        source=source,
        raw_sha256=source.sha256,
        encoding="utf-8",
        format="text",
        raw_text=text_hans,
        text=text_hans,
        text_zh_hans=text_hans,
        text_zh_hant=to_hant(text_hans),
    )


def seed_documents() -> list[Document]:
    entries = yaml.safe_load((REPO / "corpus" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    docs = []
    for entry in entries:
        lines = (REPO / "corpus" / entry["file"]).read_text(encoding="utf-8").splitlines()
        first, last = CONTENT_LINES[entry["id"]]
        body = "\n\n".join(line.strip() for line in lines[first - 1 : last] if line.strip())
        docs.append(make_document(entry["id"], to_hans(body), entry["file"]))
    return docs


@cache
def annotated_seeds() -> tuple[list[Document], dict[str, CuratedAnnotation]]:
    docs = seed_documents()
    curated = load_curated(REPO / "corpus" / "curated", {d.id for d in docs})
    return [annotate_document(d, curated.get(d.id), to_hant) for d in docs], curated


def test_every_seed_has_a_curated_annotation() -> None:
    _, curated = annotated_seeds()
    assert sorted(curated) == sorted(CONTENT_LINES)


@pytest.mark.parametrize("doc_id", sorted(CONTENT_LINES))
def test_seed_annotations_complete(doc_id: str) -> None:
    docs, curated = annotated_seeds()
    doc = next(d for d in docs if d.id == doc_id)
    forms = {(s.language, s.script, s.method) for s in doc.summaries}
    for lang, script in (("zh", "Hans"), ("zh", "Hant"), ("en", "Latn")):
        assert (lang, script, "curated") in forms
    for method_id in ("lead3", "textrank"):
        assert ("zh", "Hans", method_id) in forms
        assert ("zh", "Hant", method_id) in forms
    assert doc.summary_source == "curated"
    assert doc.summary_zh_hans == curated[doc_id].summary_zh_hans
    assert doc.summary_zh_hant == to_hant(curated[doc_id].summary_zh_hans)
    assert doc.summary_en == curated[doc_id].summary_en
    assert doc.topics == list(curated[doc_id].topics) and doc.topics_source == "curated"
    known = set(default_taxonomy().ids)
    assert doc.topic_scores and all(t.topic in known and t.score > 0 for t in doc.topic_scores)
    assert [t.score for t in doc.topic_scores] == sorted((t.score for t in doc.topic_scores), reverse=True)
    assert all(t.method == "cue-lexicon@1.0" for t in doc.topic_scores)
    assert doc.keywords and len(doc.keywords) == len(set(doc.keywords))
    for s in doc.summaries:
        if s.provenance == "automatic":
            assert s.created is None and s.text
            if s.method == "textrank" and s.script == "Hans":
                assert han_len(s.text) <= 200  # the budget counts non-space characters
        else:
            assert s.created == "2026-11-23"


def test_textrank_keeps_document_order_on_seeds() -> None:
    from builders.annotate.sentences import split_sentences

    docs, _ = annotated_seeds()
    for doc in docs:
        summary = next(s.text for s in doc.summaries if s.method == "textrank" and s.script == "Hans")
        positions = [doc.text_zh_hans.find(sent) for sent in split_sentences(summary)]
        assert all(p >= 0 for p in positions), doc.id
        assert positions == sorted(positions), doc.id


def test_seed_without_curated_gets_automatic_labels() -> None:
    doc = seed_documents()[2]
    out = annotate_document(doc, None, to_hant)
    assert out.summary_source == "textrank"
    assert out.summary_en is None
    assert out.topics_source == "cue-lexicon" and out.topics
    assert {s.provenance for s in out.summaries} == {"automatic"}


def test_annotation_is_deterministic() -> None:
    a = annotate_document(seed_documents()[4], None, to_hant)
    b = annotate_document(seed_documents()[4], None, to_hant)
    assert a.summaries == b.summaries and a.topic_scores == b.topic_scores and a.keywords == b.keywords


def test_evaluation_on_seeds_is_json_and_complete() -> None:
    from builders.evaluate.annotations import evaluate_annotations

    docs, curated = annotated_seeds()
    report = evaluate_annotations(docs, curated)
    text = json.dumps(report, ensure_ascii=False)
    assert json.loads(text) == report
    assert json.dumps(evaluate_annotations(docs, curated), ensure_ascii=False) == text  # deterministic
    assert set(report["summaries"]["methods"]) == {"lead3", "textrank"}
    assert report["summaries"]["documents"] == 5
    assert "beats" in report["summaries"]["comparison"]["statement"]
    for key in ("in_sample", "loo_cue_thresholds", "loo_tfidf_centroid", "loo_prior_baseline"):
        assert 0.0 <= report["topics"][key]["micro"]["f1"] <= 1.0
    assert "after reading the seed" in report["topics"]["note"]


if __name__ == "__main__":
    from builders.evaluate.annotations import evaluate_annotations

    docs, curated = annotated_seeds()
    json.dump(evaluate_annotations(docs, curated), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
