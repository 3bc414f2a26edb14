"""The record contract: JSON Schema files in ``schema/`` are the single source of truth.

The Hugging Face ``Features`` (and through them the Arrow schema written into every Parquet
file) are *derived* from the JSON Schema, using two annotations the JSON Schema vocabulary
lacks:

* ``x-hf-dtype`` on numbers: the Arrow width (``int32``, ``int64``, ``float32``, ``float64``);
  on strings: a temporal Arrow type (``timestamp[ms, tz=+08:00]``, ``date32``). The JSON form
  of such a value (what the schema validates, what JSON Lines would hold) is its ISO 8601
  string; the row builders and Arrow hand over ``datetime`` / ``date`` objects, which
  :func:`json_form` turns into that string before validation;
* ``x-enum: {"$names": "topics.yaml"}`` on strings: the ``enum`` is the ids of the topic
  taxonomy (append-only), so the taxonomy file stays the one list of topics;
* ``x-hf-class-label`` on integers: ClassLabel names, inline or ``{"$names": "topics.yaml"}``.
  No column uses it since data version 1.0.0: labels are strings with an ``enum`` (readable
  by name in pandas, DuckDB, Polars and the Hub viewer; Parquet's dictionary encoding stores
  them as small integers anyway). Class-label integers get their ``minimum``/``maximum`` from
  the names, so validation and Features cannot disagree about the range.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import datasets
import jsonschema
import yaml

from builders.config import default_paths
from builders.record import BuildError

# Every config of the dataset: one ``schema/<config>.schema.json`` and one ``data/<config>/`` each.
CONFIGS = ("documents", "paragraphs", "lines", "repairs")


def schema_dir() -> Path:
    return default_paths().schema


@cache
def topic_ids(schema_root: Path | None = None) -> tuple[str, ...]:
    """Topic ids in ClassLabel order, from ``schema/topics.yaml``."""
    path = (schema_root or schema_dir()) / "topics.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    ids = tuple(str(t["id"]) for t in data["topics"])
    if len(set(ids)) != len(ids):
        raise BuildError(f"{path}: duplicate topic ids")
    return ids


def _resolve_names(spec: Any, root: Path) -> list[str]:
    if isinstance(spec, list):
        return [str(x) for x in spec]
    if isinstance(spec, Mapping) and spec.get("$names") == "topics.yaml":
        return list(topic_ids(root))
    raise ValueError(f"unsupported x-hf-class-label value: {spec!r}")


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("type", [])
    return list(kind) if isinstance(kind, list) else [kind]


def _resolve(node: Any, root: Path) -> Any:
    """Copy of a schema node with class-label names resolved and their range filled in."""
    if isinstance(node, dict):
        out = {k: _resolve(v, root) for k, v in node.items()}
        if "x-enum" in out:
            out["enum"] = _resolve_names(node["x-enum"], root) + ([None] if "null" in _types(node) else [])
        if "x-hf-class-label" in out:
            names = _resolve_names(node["x-hf-class-label"], root)
            out["x-hf-class-label"] = names
            out["minimum"] = 0
            out["maximum"] = len(names) - 1
        return out
    if isinstance(node, list):
        return [_resolve(v, root) for v in node]
    return node


@cache
def load_schema(config: str, schema_root: Path | None = None) -> dict[str, Any]:
    """The resolved JSON Schema of one config (cached; deep-copy before changing it)."""
    root = schema_root or schema_dir()
    path = root / f"{config}.schema.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BuildError(f"{path}: cannot read the JSON Schema ({exc})") from exc
    jsonschema.Draft202012Validator.check_schema(raw)
    return _resolve(raw, root)


def _feature(node: Mapping[str, Any]) -> Any:
    kind = node["type"]
    if isinstance(kind, list):  # ["string", "null"]: nullability is not part of Features
        kind = next(k for k in kind if k != "null")
    if "x-hf-class-label" in node:
        return datasets.ClassLabel(names=list(node["x-hf-class-label"]))
    if kind == "string":
        return datasets.Value(node.get("x-hf-dtype", "string"))
    if kind == "integer":
        return datasets.Value(node.get("x-hf-dtype", "int64"))
    if kind == "number":
        return datasets.Value(node.get("x-hf-dtype", "float64"))
    if kind == "boolean":
        return datasets.Value("bool")
    if kind == "array":
        return datasets.List(_feature(node["items"]))
    if kind == "object":
        return {name: _feature(sub) for name, sub in node["properties"].items()}
    raise ValueError(f"no Features mapping for JSON Schema type {kind!r}")


def features(config: str, schema_root: Path | None = None) -> datasets.Features:
    """HF Features derived from the config's JSON Schema (property order is column order)."""
    sch = load_schema(config, schema_root)
    return datasets.Features({name: _feature(sub) for name, sub in sch["properties"].items()})


def class_names(config: str, column: str, schema_root: Path | None = None) -> list[str]:
    """The label names of a top-level column (or of the items of a list column), in schema
    order: its ``enum`` (null left out), or its ClassLabel names."""
    node = load_schema(config, schema_root)["properties"][column]
    if node.get("type") == "array":
        node = node["items"]
    if "x-hf-class-label" in node:
        return list(node["x-hf-class-label"])
    return [str(v) for v in node["enum"] if v is not None]


def json_form(value: Any) -> Any:
    """A row as JSON would hold it: ``datetime`` / ``date`` values (temporal columns, as built
    and as read back from Arrow) become ISO 8601 strings, the form the JSON Schema describes."""
    if isinstance(value, dict):
        return {k: json_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_form(v) for v in value]
    if isinstance(value, dt.date):  # datetime is a date subclass
        return value.isoformat()
    return value


@cache
def _validator(config: str, schema_root: Path | None) -> jsonschema.protocols.Validator:
    sch = copy.deepcopy(load_schema(config, schema_root))
    return jsonschema.Draft202012Validator(sch)


def record_errors(config: str, record: Mapping[str, Any], schema_root: Path | None = None) -> Iterator[str]:
    """Human-readable schema violations of one record: ``field.path: message``."""
    for err in sorted(_validator(config, schema_root).iter_errors(json_form(record)), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.absolute_path) or "(record)"
        yield f"{where}: {err.message}"


def validate_record(config: str, record: Mapping[str, Any], record_id: str, schema_root: Path | None = None) -> None:
    """Raise a BuildError naming the config, record and field when a record breaks its schema."""
    errors = list(record_errors(config, record, schema_root))
    if errors:
        shown = "; ".join(e[:300] for e in errors[:5])
        more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
        raise BuildError(f"{config} record {record_id!r} breaks schema/{config}.schema.json: {shown}{more}")
