"""Annotate stage: summaries, topic labels and keywords, curated and automatic, with provenance.

Runs after the script stage (``doc.text_zh_hans`` is the clean Simplified text, paragraphs
separated by blank lines). Every value carries a method id and version from builders/config.yaml
(section ``annotate``). Automatic methods are deterministic and CPU-only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from builders.annotate import tokenize
from builders.annotate.curated import CuratedAnnotation, load_curated
from builders.annotate.entities import default_matcher
from builders.annotate.keywords import extract_keywords, keywords_in_hant
from builders.annotate.segmented import Segmented, segment_text
from builders.annotate.summarize import SentenceOptions, TextRankOptions, lead_n, textrank
from builders.annotate.topics import (
    Taxonomy,
    default_taxonomy,
    score_topics,
    select_topics,
    topic_options,
)
from builders.config import section
from builders.record import BuildError, Document, Summary, TopicScore

__all__ = [
    "CuratedAnnotation",
    "annotate_document",
    "automatic_summaries",
    "automatic_topics",
    "best_summary",
    "load_curated",
    "method",
    "warm_up",
]


def _config() -> Mapping[str, Any]:
    return section("annotate")


def method(name: str) -> tuple[str, str]:
    """(method id, version) of a configured method: curated, lead3, extractive, topics, keywords."""
    entry = _config()["methods"][name]
    return str(entry["id"]), str(entry["version"])


def sentence_options() -> SentenceOptions:
    cfg = _config()["sentences"]
    return SentenceOptions(int(cfg["heading_max_chars"]), int(cfg["min_sentence_chars"]))


def textrank_options() -> TextRankOptions:
    cfg = _config()["textrank"]
    return TextRankOptions(
        char_budget=int(cfg["char_budget"]),
        damping=float(cfg["damping"]),
        iterations=int(cfg["iterations"]),
        tolerance=float(cfg["tolerance"]),
        max_redundancy=float(cfg["max_redundancy"]),
        position_prior=float(cfg["position_prior"]),
    )


def automatic_summaries(text_hans: str, *, segmented: Segmented | None = None) -> dict[str, str]:
    """{method id: Simplified summary} of every automatic summary method, in config order.
    ``segmented`` (``segment_text(text_hans)``) reuses a segmentation already made."""
    opts = sentence_options()
    segmented = segmented if segmented is not None else segment_text(text_hans)
    lead_id, _ = method("lead3")
    ext_id, _ = method("extractive")
    return {
        lead_id: lead_n(text_hans, int(_config()["lead3"]["sentences"]), opts, segmented=segmented),
        ext_id: textrank(text_hans, textrank_options(), opts, segmented=segmented),
    }


def automatic_topics(
    text_hans: str, taxonomy: Taxonomy | None = None
) -> tuple[list[tuple[str, float]], list[str]]:
    """(scores highest first, selected ids) of the automatic topic labeler."""
    taxonomy = taxonomy or default_taxonomy()
    options = topic_options(_config()["topics"])
    scores = score_topics(text_hans, taxonomy, options)
    return scores, select_topics(scores, options)


def warm_up() -> None:
    """Load jieba's prefix dictionary, the IDF table and the taxonomy now. In a parent process
    before forking workers, the workers then share them instead of each loading them (~0.5 s)."""
    tokenize.warm_up()
    default_taxonomy()


def best_summary(doc: Document, language: str, script: str) -> str | None:
    """Text of the best summary in a language/script: the one of doc.summary_source, else None."""
    source = doc.summary_source
    for s in doc.summaries:
        if s.language == language and s.script == script and s.method == source:
            return s.text
    return None


def annotate_document(
    doc: Document,
    curated: CuratedAnnotation | None,
    to_hant: Callable[[str], str],
    *,
    taxonomy: Taxonomy | None = None,
) -> Document:
    """Fill summaries, summary_* fields, topic_scores, topics, topics_source, keywords and entities."""
    text = doc.text_zh_hans.strip()
    if not text:
        raise BuildError(f"{doc.source.file}: document {doc.id} has no Simplified text to annotate")
    taxonomy = taxonomy or default_taxonomy()
    cur_id, cur_version = method("curated")

    summaries: list[Summary] = []
    if curated is not None:
        if curated.doc_id != doc.id:
            raise BuildError(f"{curated.path}: annotation for {curated.doc_id!r} given to {doc.id!r}")
        version = curated.guideline or cur_version
        for lang, script, value in (
            ("zh", "Hans", curated.summary_zh_hans),
            ("zh", "Hant", to_hant(curated.summary_zh_hans)),
            ("en", "Latn", curated.summary_en),
        ):
            summaries.append(Summary(lang, script, value, cur_id, version, "curated", curated.created))
    # Segmented once: the summaries and the keywords use the same jieba tokens.
    segmented = segment_text(text)
    automatic = automatic_summaries(text, segmented=segmented)
    versions = {method(name)[0]: method(name)[1] for name in ("lead3", "extractive")}
    for method_id, value in automatic.items():
        if not value:
            continue
        for script, form in (("Hans", value), ("Hant", to_hant(value))):
            summaries.append(Summary("zh", script, form, method_id, versions[method_id], "automatic", None))
    doc.summaries = summaries

    ext_id, _ = method("extractive")
    source = cur_id if curated is not None else ext_id
    if not any(s.method == source for s in summaries):  # text too short for an extractive summary
        source = next((s.method for s in summaries), "")
    doc.summary_source = source
    doc.summary_zh_hans = best_summary(doc, "zh", "Hans")
    doc.summary_zh_hant = best_summary(doc, "zh", "Hant")
    doc.summary_en = curated.summary_en if curated is not None else None

    topic_id, topic_version = method("topics")
    tag = f"{topic_id}@{topic_version}"
    scores, selected = automatic_topics(text, taxonomy)
    doc.topic_scores = [TopicScore(tid, score, tag) for tid, score in scores]
    if curated is not None:
        doc.topics = list(curated.topics)
        doc.topics_source = cur_id
    else:
        # No cue matched at all (an off-topic page): no topic is better than a guessed one.
        doc.topics = selected
        doc.topics_source = topic_id

    kw = _config()["keywords"]
    doc.keywords = extract_keywords(
        text, int(kw["top_k"]), int(kw["min_word_chars"]), tokens=list(segmented.words())
    )
    doc.keywords_zh_hant = keywords_in_hant(doc.keywords, doc.text_zh_hans.strip(), doc.text_zh_hant.strip(), to_hant)
    # Matched in the Simplified text; surface forms read from the text in its own script.
    doc.entities = default_matcher().find(text, doc.text.strip())
    return doc
