"""Evaluation of the automatic stages against the maintainers' curated gold."""

from __future__ import annotations

from typing import Any

from builders.config import Paths


def run_evaluation(paths: Paths) -> dict[str, Any]:
    """Run the pipeline in memory and compare with corpus/curated (figures are in-sample for
    the seed pages: the rules were written by people who had read them)."""
    from builders.annotate.curated import load_curated
    from builders.evaluate.annotations import evaluate_annotations
    from builders.evaluate.cleaning import evaluate_cleaning
    from builders.pipeline import process_documents

    docs = process_documents(paths)
    curated = load_curated(paths.curated, {d.id for d in docs})
    from builders.evaluate.devset import evaluate_devset

    return {
        "cleaning": evaluate_cleaning(docs, paths.curated),
        "annotations": evaluate_annotations(docs, curated),
        # Real HTML pages of other sites (tests/fixtures/devset), scored on what the build produced.
        "devset": evaluate_devset(),
    }
