"""Checks that need no build (inputs) and checks of a built folder (every written record)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import yaml

from builders.annotate.curated import load_curated
from builders.clean.gold import load_gold
from builders.config import Paths
from builders.ingest.sources import load_sources
from builders.record import BuildError
from builders.schema import CONFIGS, features, record_errors


def validate_inputs(paths: Paths) -> tuple[int, list[str]]:
    """(pages, problems): every page decoded and extracted, every curated file loaded, and every
    problem found listed (not only the first). Faults of sources.yaml against raw/ (which stop a
    build before anything is read) raise BuildError, listing all of them."""
    from builders.pipeline import read_stage

    sources = load_sources(paths)
    problems: list[str] = []
    for source in sources:
        doc, rejected = read_stage(paths, source)
        if doc is None:
            assert rejected is not None
            problems.append(f"{paths.corpus / source.file}: {rejected.reason} (stage {rejected.stage}; the build sets it aside)")
            continue
        try:
            load_gold(paths.curated, doc.id, len(doc.lines), [line.raw for line in doc.lines])
        except BuildError as exc:
            problems.append(str(exc))
    try:
        load_curated(paths.curated, {s.id for s in sources})
    except BuildError as exc:
        problems.append(str(exc))
    return len(sources), problems


def _card_configs(dataset: Path) -> dict[str, dict[str, str]]:
    text = (dataset / "README.md").read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    return {c["config_name"]: {f["split"]: f["path"] for f in c["data_files"]} for c in meta.get("configs", [])}


def validate_dataset(dataset: Path) -> list[str]:
    """Every problem found in a built folder, each naming file, record and field."""
    problems: list[str] = []
    if not (dataset / "README.md").is_file():
        return [f"{dataset}: README.md (dataset card) is missing"]
    declared = _card_configs(dataset)
    for config in CONFIGS:
        if config not in declared:
            problems.append(f"{dataset}/README.md: config {config!r} not declared")
            continue
        expected_schema = features(config).arrow_schema
        for split, rel in declared[config].items():
            path = dataset / rel
            if not path.is_file():
                problems.append(f"{path}: declared for {config}/{split} but missing")
                continue
            table = pq.read_table(path)
            if not table.schema.equals(expected_schema, check_metadata=False):
                problems.append(f"{path}: Arrow schema differs from schema/{config}.schema.json")
                continue
            for i, row in enumerate(table.to_pylist()):
                for err in record_errors(config, row):
                    problems.append(f"{path}: row {i} ({row.get('id') or row.get('document_id')}): {err}")
            if table.num_rows == 0:
                problems.append(f"{path}: declared split {split!r} has no rows")
    return problems
