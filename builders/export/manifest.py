"""manifest.json: the dataset version and the sha256 of every build input and output file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import __version__
from builders.config import CONFIG_FILE, REPO_ROOT, Paths, dataset_version, section
from builders.export.atomic import OutputKind
from builders.ingest.sources import sha256_file

MANIFEST = "manifest.json"


def is_dataset_folder(folder: Path) -> bool:
    """A folder this tool wrote: its manifest.json names this dataset and lists its outputs."""
    try:
        with (folder / MANIFEST).open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):  # missing, unreadable, not UTF-8 or not JSON: not ours
        return False
    return isinstance(data, dict) and data.get("name") == section("dataset")["name"] and isinstance(data.get("outputs"), dict)


DATASET = OutputKind("dataset folder", is_dataset_folder)


def input_files(paths: Paths) -> list[Path]:
    """Everything the records depend on: corpus, schema and the builders' settings."""
    files: list[Path] = []
    for root in (paths.corpus, paths.schema):
        files.extend(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    files.append(CONFIG_FILE)
    changelog = REPO_ROOT / "CHANGELOG.md"  # feeds the card and Croissant's datePublished
    if changelog.is_file():
        files.append(changelog)
    return sorted(set(files))


def _rel(path: Path, paths: Paths) -> str:
    for base, label in ((paths.corpus, "corpus"), (paths.schema, "schema"), (REPO_ROOT, "")):
        try:
            rel = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
        return f"{label}/{rel}" if label else rel
    return path.name


def file_entry(path: Path) -> dict[str, Any]:
    return {"sha256": sha256_file(path), "bytes": path.stat().st_size}


def build_manifest(out_dir: Path, paths: Paths, extra: dict[str, Any]) -> dict[str, Any]:
    outputs = {
        p.relative_to(out_dir).as_posix(): file_entry(p)
        for p in sorted(out_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    inputs = {_rel(p, paths): file_entry(p) for p in input_files(paths)}
    return {
        "name": extra.get("name"),
        "version": dataset_version(),
        "builder_version": __version__,
        **{k: v for k, v in extra.items() if k != "name"},
        "inputs": dict(sorted(inputs.items())),
        "outputs": outputs,
    }


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    # Streamed: the same text as json.dumps, without the whole text (one entry per raw file) and
    # the list of its pieces in memory.
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, sort_keys=False)
    with (out_dir / MANIFEST).open("w", encoding="utf-8") as fh:
        for chunk in encoder.iterencode(manifest):
            fh.write(chunk)
        fh.write("\n")
