"""One source of truth: JSON Schema → Features → Arrow, and the written files agree."""

from __future__ import annotations

from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.schema import CONFIGS, features, load_schema, record_errors
from builders.stats import parquet_files

_ARROW_OK = {
    "string": pa.types.is_string,
    "integer": pa.types.is_integer,
    "number": pa.types.is_floating,
    "boolean": pa.types.is_boolean,
    "array": lambda t: pa.types.is_list(t) or pa.types.is_large_list(t),
    "object": pa.types.is_struct,
}


def _check(node: dict, arrow_type: pa.DataType, where: str) -> None:
    kind = node["type"]
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "string" and "x-hf-dtype" in node:  # a temporal column: ISO 8601 in JSON
        assert datasets.Value(node["x-hf-dtype"]).pa_type == arrow_type, where
        assert node["format"] == ("date" if pa.types.is_date(arrow_type) else "date-time"), where
        assert pa.types.is_date(arrow_type) or arrow_type.tz, f"{where}: a timestamp needs a time zone"
        return
    assert _ARROW_OK[kind](arrow_type), f"{where}: JSON {kind} vs Arrow {arrow_type}"
    if kind == "array":
        _check(node["items"], arrow_type.value_type, f"{where}[]")
    if kind == "object":
        names = [arrow_type.field(i).name for i in range(arrow_type.num_fields)]
        assert names == list(node["properties"]), where
        for name, sub in node["properties"].items():
            _check(sub, arrow_type.field(name).type, f"{where}.{name}")


@pytest.mark.parametrize("config", CONFIGS)
def test_json_schema_features_and_arrow_agree(config: str) -> None:
    schema = load_schema(config)
    arrow = features(config).arrow_schema
    assert arrow.names == list(schema["properties"]) == schema["required"]
    for name, node in schema["properties"].items():
        _check(node, arrow.field(name).type, name)
    # Round trip: Features rebuilt from the Arrow schema are the same Features.
    assert datasets.Features.from_arrow_schema(arrow) == features(config)


@pytest.mark.parametrize("config", CONFIGS)
def test_every_written_record_validates(built_dataset: Path, config: str) -> None:
    n = 0
    for path in parquet_files(built_dataset, config).values():
        assert pq.read_schema(path).equals(features(config).arrow_schema, check_metadata=False)
        for row in pq.read_table(path).to_pylist():
            assert list(record_errors(config, row)) == []
            n += 1
    assert n > 0


def test_schema_rejects_a_broken_record() -> None:
    good = {
        "document_id": "abc", "split": "train", "document_is_spun": False, "line_number": 3, "raw_text": "x",
        "location": "body>div#main>p", "label": "boilerplate", "reason": "navigation", "gold_label": None,
    }
    assert list(record_errors("lines", good)) == []
    assert any("label" in e for e in record_errors("lines", {**good, "label": "sports"}))
    assert any("gold_label" in e for e in record_errors("lines", {**good, "gold_label": "junk"}))
    assert any("extra" in e for e in record_errors("lines", {**good, "extra": 1}))


def _labelled(node: dict, where: str) -> list[str]:
    """Every column (or member) holding labels: integers would be ClassLabels, strings an enum."""
    found = []
    if "x-hf-class-label" in node:
        found.append(where)
    for name, sub in (node.get("properties") or {}).items():
        found += _labelled(sub, f"{where}.{name}" if where else name)
    if isinstance(node.get("items"), dict):
        found += _labelled(node["items"], f"{where}[]")
    return found


@pytest.mark.parametrize("config", CONFIGS)
def test_labels_are_strings_from_a_closed_list(config: str) -> None:
    """Labels read by name in pandas / DuckDB / Polars: no ClassLabel integers anywhere."""
    assert _labelled(load_schema(config), "") == []
    named = {"documents": ["script", "topics"], "paragraphs": ["script"], "lines": ["label"]}.get(config, [])
    for column in named:
        node = load_schema(config)["properties"][column]
        node = node.get("items", node)
        assert node["type"] == "string" and len(node["enum"]) >= 3, column
        assert features(config)[column] in (datasets.Value("string"), datasets.List(datasets.Value("string")))


def test_one_version_for_builders_and_data(repo_root: Path) -> None:
    import tomllib

    from builders import __version__
    from builders.config import dataset_version

    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == dataset_version() == project["version"]
    assert f"## [{__version__}]" in (repo_root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert all("builder_version" not in load_schema(c)["properties"] for c in CONFIGS)


def test_published_at_round_trips_through_datasets_and_arrow() -> None:
    import datetime as dt

    from builders.export.rows import published_at

    when, precision = published_at("2024-03-08T06:00+08:00")
    assert (when.isoformat(), precision) == ("2024-03-08T06:00:00+08:00", "minute")
    day, precision = published_at("2024-03-08")
    assert (day.isoformat(), precision) == ("2024-03-08T00:00:00+08:00", "day")
    utc, _ = published_at("2024-03-07T22:00:00+00:00")
    feats = datasets.Features({"published_at": features("documents")["published_at"]})
    ds = datasets.Dataset.from_dict({"published_at": [when, utc, None]}, features=feats)
    back = ds["published_at"]
    assert back[0] == when and back[0].utcoffset() == dt.timedelta(hours=8)
    assert back[1] == utc and back[1].isoformat() == "2024-03-08T06:00:00+08:00"  # same instant, shown in +08:00
    assert back[2] is None
    assert datasets.Features.from_arrow_schema(ds.data.schema) == feats
