"""Evaluation of the automatic summaries and topic labels against the curated gold.

All figures are in-sample for the seed pages unless marked leave-one-document-out (LOO): the
topic cue words were written by maintainers after reading the seed pages and their gold
annotations, so the in-sample topic figure is optimistic. LOO re-learns, without the held-out
document, everything that is learned from gold (the thresholds of the cue labeler; the whole
TF-IDF centroid baseline); it cannot undo the reading that went into the cue words.

Run: ``python -m builders.evaluate.annotations [--out FILE]`` (needs builders.pipeline).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from builders.annotate import method
from builders.annotate.curated import CuratedAnnotation
from builders.annotate.tokenize import content_words, idf_table
from builders.annotate.topics import TopicOptions, default_taxonomy, select_topics, topic_options
from builders.config import section
from builders.evaluate.rouge import LEVELS, rouge
from builders.record import Document

DIGITS = 4
METRICS = ("rouge1", "rouge2", "rougeL")
# Threshold grids searched by the LOO re-tuning (absolute score, share of the best score).
THRESHOLD_GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)
RELATIVE_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
CENTROID_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))

CUE_NOTE = (
    "Cue words of the topic labeler were written by the maintainers after reading the seed "
    "pages and writing their gold annotations, so the in-sample figure is optimistic. The LOO "
    "figure re-tunes the labeler's thresholds without the held-out document (the cue words stay "
    "as written); the centroid baseline learns everything from the other documents only."
)


def _r(x: float) -> float:
    return round(float(x), DIGITS)


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return _r(sum(vals) / len(vals)) if vals else 0.0


# --- summaries ---------------------------------------------------------------------------------


def automatic_zh_summaries(doc: Document) -> dict[str, str]:
    """{method id: zh-Hans text} of the document's automatic summaries, in their order."""
    return {
        s.method: s.text
        for s in doc.summaries
        if s.provenance == "automatic" and s.language == "zh" and s.script == "Hans"
    }


def evaluate_summaries(docs: Sequence[Document], curated: Mapping[str, CuratedAnnotation]) -> dict[str, Any]:
    per_doc: dict[str, dict[str, Any]] = {}
    methods: list[str] = []
    for doc in sorted(docs, key=lambda d: d.id):
        if doc.id not in curated:
            continue
        reference = curated[doc.id].summary_zh_hans
        entry: dict[str, Any] = {}
        for method_id, text in automatic_zh_summaries(doc).items():
            if method_id not in methods:
                methods.append(method_id)
            entry[method_id] = {
                "chars": len(text),
                **{
                    level: {m: _r(s.f) for m, s in rouge(text, reference, level).items()} for level in LEVELS
                },
            }
        per_doc[doc.id] = entry
    means: dict[str, Any] = {}
    for method_id in methods:
        rows = [e[method_id] for e in per_doc.values() if method_id in e]
        means[method_id] = {
            "documents": len(rows),
            "mean_chars": _mean(r["chars"] for r in rows),
            **{level: {m: _mean(r[level][m] for r in rows) for m in METRICS} for level in LEVELS},
        }
    lead_id, _ = method("lead3")
    ext_id, _ = method("extractive")
    comparison: dict[str, Any] = {}
    if lead_id in means and ext_id in means:
        both = [e for e in per_doc.values() if lead_id in e and ext_id in e]
        wins = sum(e[ext_id]["char"]["rougeL"] > e[lead_id]["char"]["rougeL"] for e in both)
        beats = means[ext_id]["char"]["rougeL"] > means[lead_id]["char"]["rougeL"]
        beats_word = means[ext_id]["word"]["rougeL"] > means[lead_id]["word"]["rougeL"]
        comparison = {
            "extractive_method": ext_id,
            "baseline": lead_id,
            "beats_baseline_rougeL_char": beats,
            "beats_baseline_rougeL_word": beats_word,
            "documents_won_rougeL_char": wins,
            "documents": len(both),
            "statement": (
                f"{ext_id} {'beats' if beats else 'does NOT beat'} {lead_id} on mean character-level "
                f"ROUGE-L F ({means[ext_id]['char']['rougeL']} vs {means[lead_id]['char']['rougeL']}; "
                f"better on {wins} of {len(both)} documents); on jieba word-level ROUGE-L F it "
                f"{'beats' if beats_word else 'does NOT beat'} it ({means[ext_id]['word']['rougeL']} vs "
                f"{means[lead_id]['word']['rougeL']})."
            ),
        }
    return {
        "reference": "curated zh-Hans summaries (maintainer-written, annotation-v1)",
        "measure": "F1 of ROUGE-1/2/L with clipped n-gram counts; char = Han characters and Latin "
        "runs as units, word = jieba words with the domain dictionary; punctuation dropped",
        "documents": len(per_doc),
        "methods": means,
        "comparison": comparison,
        "per_document": per_doc,
    }


# --- topics ------------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f)}


def set_metrics(
    predicted: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]], topic_order: Sequence[str]
) -> dict[str, Any]:
    """Micro and macro P/R/F1 of multi-label predictions. Macro averages over the topics that
    occur in the gold or the predictions (a topic nobody assigns has no defined F1)."""
    counts = {t: [0, 0, 0] for t in topic_order}  # tp, fp, fn
    for doc_id in sorted(gold):
        g, p = set(gold[doc_id]), set(predicted.get(doc_id, ()))
        for t in p & g:
            counts[t][0] += 1
        for t in p - g:
            counts[t][1] += 1
        for t in g - p:
            counts[t][2] += 1
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    per_topic = {t: prf(*c) | {"support": c[0] + c[2]} for t, c in counts.items() if any(c)}
    macro = {
        k: _mean(v[k] for v in per_topic.values()) for k in ("precision", "recall", "f1")
    }
    return {
        "micro": prf(tp, fp, fn),
        "macro": macro,
        "macro_topics": len(per_topic),
        "exact_match": _mean(
            float(set(predicted.get(d, ())) == set(gold[d])) for d in sorted(gold)
        ),
        "per_topic": per_topic,
    }


def _micro_f1(predicted: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]]) -> float:
    tp = fp = fn = 0
    for d, g in gold.items():
        gs, ps = set(g), set(predicted.get(d, ()))
        tp, fp, fn = tp + len(gs & ps), fp + len(ps - gs), fn + len(gs - ps)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _tune(
    candidates: Sequence[Any], predict: Callable[[Any], Mapping[str, Sequence[str]]], gold: Mapping
) -> Any:
    """The candidate with the best micro-F1 on ``gold``; ties go to the earliest candidate
    (candidates are ordered so that the configured setting comes first)."""
    best, best_f = candidates[0], -1.0
    for cand in candidates:
        f = _micro_f1(predict(cand), gold)
        if f > best_f + 1e-12:
            best, best_f = cand, f
    return best


def _scores_of(doc: Document) -> list[tuple[str, float]]:
    return [(t.topic, float(t.score)) for t in doc.topic_scores]


def _tfidf(text: str) -> dict[str, float]:
    idf, median = idf_table()
    counts = Counter(content_words(text, min_chars=2))
    vec = {w: c * idf.get(w, median) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {w: v / norm for w, v in vec.items()} if norm else {}


def _centroids(
    vectors: Mapping[str, dict[str, float]], gold: Mapping[str, Sequence[str]], doc_ids: Iterable[str]
) -> dict[str, dict[str, float]]:
    sums: dict[str, Counter[str]] = {}
    for d in doc_ids:
        for t in gold[d]:
            sums.setdefault(t, Counter()).update(vectors[d])
    out = {}
    for t, vec in sums.items():
        norm = math.sqrt(sum(v * v for v in vec.values()))
        out[t] = {w: v / norm for w, v in vec.items()} if norm else {}
    return out


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _centroid_predict(
    vector: Mapping[str, float], centroids: Mapping[str, Mapping[str, float]], threshold: float
) -> list[str]:
    scored = sorted(((_cos(vector, c), t) for t, c in centroids.items()), key=lambda x: (-x[0], x[1]))
    if not scored:
        return []
    return [t for s, t in scored if s >= threshold] or [scored[0][1]]


def evaluate_topics(docs: Sequence[Document], curated: Mapping[str, CuratedAnnotation]) -> dict[str, Any]:
    taxonomy = default_taxonomy()
    order = list(taxonomy.ids)
    options = topic_options(section("annotate")["topics"])
    topic_id, topic_version = method("topics")
    evaluated = sorted((d for d in docs if d.id in curated), key=lambda d: d.id)
    gold = {d.id: list(curated[d.id].topics) for d in evaluated}
    scores = {d.id: _scores_of(d) for d in evaluated}

    def cue_predict(opts: TopicOptions, ids: Iterable[str]) -> dict[str, list[str]]:
        return {d: select_topics(scores[d], opts) for d in ids}

    in_sample = cue_predict(options, gold)

    # LOO 1: re-tune the cue labeler's two thresholds on the other documents.
    grid = [(options.threshold, options.relative_threshold)] + [
        (a, r) for a in THRESHOLD_GRID for r in RELATIVE_GRID
    ]
    loo_cue: dict[str, list[str]] = {}
    chosen_thresholds: dict[str, list[float]] = {}
    for held in gold:
        train = {d: g for d, g in gold.items() if d != held}
        a, r = _tune(
            grid,
            lambda c, train=train: cue_predict(
                replace(options, threshold=c[0], relative_threshold=c[1]), train
            ),
            train,
        )
        chosen_thresholds[held] = [a, r]
        loo_cue[held] = select_topics(scores[held], replace(options, threshold=a, relative_threshold=r))

    # LOO 2: TF-IDF centroid per topic, learned from the other documents' gold (no cue words);
    # its similarity threshold is tuned by an inner leave-one-out on the training documents.
    vectors = {d.id: _tfidf(d.text_zh_hans) for d in evaluated}
    loo_centroid: dict[str, list[str]] = {}
    for held in gold:
        train_ids = [d for d in gold if d != held]

        def inner(th: float, train_ids: list[str] = train_ids) -> dict[str, list[str]]:
            out = {}
            for t in train_ids:
                cents = _centroids(vectors, gold, [x for x in train_ids if x != t])
                out[t] = _centroid_predict(vectors[t], cents, th)
            return out

        th = _tune(CENTROID_GRID, inner, {d: gold[d] for d in train_ids})
        loo_centroid[held] = _centroid_predict(vectors[held], _centroids(vectors, gold, train_ids), th)

    # Floor: predict the topics found in at least half of the other documents' gold sets.
    loo_prior: dict[str, list[str]] = {}
    for held in gold:
        freq = Counter(t for d, g in gold.items() if d != held for t in g)
        n_train = len(gold) - 1
        loo_prior[held] = [t for t in order if n_train and freq[t] * 2 >= n_train] or [
            freq.most_common(1)[0][0]
        ]

    return {
        "labeler": f"{topic_id}@{topic_version}",
        "documents": len(gold),
        "gold_labels": sum(len(g) for g in gold.values()),
        "note": CUE_NOTE,
        "settings": {
            "threshold": options.threshold,
            "relative_threshold": options.relative_threshold,
            "max_topics": options.max_topics,
            "strong_cue_weight": options.strong_cue_weight,
        },
        "in_sample": set_metrics(in_sample, gold, order),
        "loo_cue_thresholds": set_metrics(loo_cue, gold, order)
        | {"thresholds_chosen": chosen_thresholds},
        "loo_tfidf_centroid": set_metrics(loo_centroid, gold, order),
        "loo_prior_baseline": set_metrics(loo_prior, gold, order),
        "predictions": {
            d: {
                "gold": gold[d],
                "in_sample": in_sample[d],
                "loo_cue_thresholds": loo_cue[d],
                "loo_tfidf_centroid": loo_centroid[d],
            }
            for d in gold
        },
    }


def evaluate_annotations(docs: list[Document], curated: dict[str, CuratedAnnotation]) -> dict:
    """Summary ROUGE and topic P/R/F1 of the automatic annotators against the curated gold
    (JSON-serialisable; key order is fixed)."""
    return {
        "summaries": evaluate_summaries(docs, curated),
        "topics": evaluate_topics(docs, curated),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the JSON here (default: stdout)")
    args = parser.parse_args(argv)
    from builders.annotate.curated import load_curated
    from builders.config import default_paths
    from builders.pipeline import process_documents  # the lead's pipeline

    paths = default_paths()
    docs = process_documents(paths)
    curated = load_curated(paths.curated, {d.id for d in docs})
    text = json.dumps(evaluate_annotations(docs, curated), ensure_ascii=False, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
