"""``zhnews verify DIR``: is a (downloaded) dataset folder exactly what was released?

Checks, each problem naming the file (and column, row, field) and what is wrong:

* every file listed in ``manifest.json`` exists with its sha256 and size; no file is there that
  the manifest does not list (hidden paths such as ``.gitattributes`` or the ``.cache/``
  folder of ``hf download`` are ignored: they belong to the Hub repository, not the release);
* every Parquet file has exactly the columns and types the JSON Schema (``schema/``) derives,
  and every record validates against it;
* the card declares every config's files, and they exist;
* ``croissant.json`` names the same sha256 as the files and has the required properties.

The schema is the checkout's: verify a download with the source at the release's tag.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from builders.export.croissant import CROISSANT, missing_required
from builders.ingest.sources import sha256_file
from builders.schema import CONFIGS, features, record_errors
from builders.stats import BATCH_ROWS

MANIFEST = "manifest.json"
MAX_ROW_PROBLEMS = 20  # per file: the first ones say what is wrong; thousands would drown them


def _files(dataset: Path) -> Iterator[str]:
    for p in sorted(dataset.rglob("*")):
        rel = p.relative_to(dataset)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield rel.as_posix()


def _load_json(path: Path, problems: list[str], label: str) -> Any:
    if not path.is_file():
        problems.append(f"{label}: missing")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{label}: not valid JSON ({exc})")
        return None


def check_files(dataset: Path, manifest: dict[str, Any]) -> list[str]:
    """Missing, changed and unlisted files, against the manifest's ``outputs``."""
    problems: list[str] = []
    outputs: dict[str, dict[str, Any]] = manifest.get("outputs") or {}
    if not outputs:
        return [f"{MANIFEST}: lists no output files"]
    for rel, entry in sorted(outputs.items()):
        path = dataset / rel
        if not path.is_file():
            problems.append(f"{rel}: missing (listed in {MANIFEST})")
            continue
        size = path.stat().st_size
        if "bytes" in entry and size != entry["bytes"]:
            problems.append(f"{rel}: {size} bytes, {MANIFEST} says {entry['bytes']}")
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            problems.append(f"{rel}: sha256 {digest} does not match {MANIFEST} ({entry.get('sha256')})")
    for rel in _files(dataset):
        if rel != MANIFEST and rel not in outputs:
            problems.append(f"{rel}: extra file, not listed in {MANIFEST}")
    return problems


def _type_name(t: pa.DataType) -> str:
    return str(t)


def _corrupt(rel: str, exc: Exception) -> str:
    reason = " ".join(str(exc).split())[:300] or type(exc).__name__
    return f"{rel}: corrupt: cannot be read as Parquet ({type(exc).__name__}: {reason})"


def check_parquet(dataset: Path, rel: str) -> list[str]:
    """Columns, types and records of one Parquet file against its config's JSON Schema."""
    parts = rel.split("/")
    if len(parts) < 3 or parts[0] != "data" or parts[1] not in CONFIGS:
        return [f"{rel}: Parquet file outside data/<config>/ (configs: {', '.join(CONFIGS)})"]
    config = parts[1]
    path = dataset / rel
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # a damaged footer: Arrow, Thrift and OS errors alike
        return [_corrupt(rel, exc)]
    expected = features(config).arrow_schema
    have = {f.name: f.type for f in schema}
    want = {f.name: f.type for f in expected}
    problems: list[str] = []
    extra = [c for c in have if c not in want]
    missing = [c for c in want if c not in have]
    if extra:
        problems.append(f"{rel}: extra columns not in schema/{config}.schema.json: {', '.join(extra)}")
    if missing:
        where = f"schema/{config}.schema.json"
        problems.append(f"{rel}: missing columns required by {where}: {', '.join(missing)}")
    for name in want:
        if name in have and not have[name].equals(want[name]):
            problems.append(
                f"{rel}: column {name!r} has type {_type_name(have[name])}, "
                f"schema/{config}.schema.json says {_type_name(want[name])}"
            )
    if not problems and list(have) != list(want):
        problems.append(f"{rel}: columns are in a different order than schema/{config}.schema.json")
    if problems:
        return problems
    shown = rows = 0
    try:
        # One batch at a time: a crawl's shards are larger than memory should need to be.
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                for err in record_errors(config, row):
                    shown += 1
                    if shown <= MAX_ROW_PROBLEMS:
                        rid = row.get("id") or row.get("document_id")
                        problems.append(f"{rel}: row {rows} ({rid}): {err}")
                rows += 1
    except Exception as exc:  # damaged page headers or data: any decoder error, even UTF-8's
        return [*problems, _corrupt(rel, exc)]
    if rows == 0:
        problems.insert(0, f"{rel}: no rows (a declared split with no rows cannot be loaded)")
    if shown > MAX_ROW_PROBLEMS:
        problems.append(f"{rel}: {shown - MAX_ROW_PROBLEMS} more record problems not shown")
    return problems


def check_card(dataset: Path) -> list[str]:
    path = dataset / "README.md"
    if not path.is_file():
        return ["README.md: dataset card missing"]
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return ["README.md: no YAML front matter"]
    try:
        meta = yaml.safe_load(text.split("---\n", 2)[1]) or {}
    except yaml.YAMLError as exc:
        return [f"README.md: front matter is not valid YAML ({exc})"]
    problems = []
    declared = {c.get("config_name"): c for c in meta.get("configs") or []}
    for config in CONFIGS:
        if config not in declared:
            problems.append(f"README.md: config {config!r} is not declared in configs:")
            continue
        for entry in declared[config].get("data_files") or []:
            declared_path, split = entry.get("path"), entry.get("split")
            if not (dataset / str(declared_path)).is_file():
                problems.append(f"README.md: {config}/{split} declares {declared_path}, which is missing")
    return problems


def check_croissant(dataset: Path, manifest: dict[str, Any] | None) -> list[str]:
    problems: list[str] = []
    meta = _load_json(dataset / CROISSANT, problems, CROISSANT)
    if not isinstance(meta, dict):
        return problems
    problems.extend(missing_required(meta))
    if manifest and str(meta.get("version")) != str(manifest.get("version")):
        problems.append(
            f"{CROISSANT}: version {meta.get('version')} differs from {MANIFEST} ({manifest.get('version')})"
        )
    for obj in meta.get("distribution") or []:
        if obj.get("@type") != "cr:FileObject":
            continue
        url = str(obj.get("contentUrl", ""))
        path = dataset / url
        if "://" in url:
            continue
        if not path.is_file():
            problems.append(f"{CROISSANT}: FileObject {url} does not exist")
        elif obj.get("sha256") != sha256_file(path):
            problems.append(f"{CROISSANT}: sha256 of {url} does not match the file")
    return problems


def verify_dataset(dataset: Path) -> list[str]:
    """Every problem of a dataset folder; empty when it is exactly what the manifest says."""
    if not dataset.is_dir():
        return [f"{dataset}: not a folder"]
    problems: list[str] = []
    manifest = _load_json(dataset / MANIFEST, problems, MANIFEST)
    if isinstance(manifest, dict):
        problems.extend(check_files(dataset, manifest))
    elif manifest is not None:
        problems.append(f"{MANIFEST}: expected a JSON object")
        manifest = None
    for rel in _files(dataset):
        if rel.endswith(".parquet"):
            problems.extend(check_parquet(dataset, rel))
    problems.extend(check_card(dataset))
    problems.extend(check_croissant(dataset, manifest))
    return problems
