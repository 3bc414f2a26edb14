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
        "document_id": "abc", "split": "train", "line_number": 3, "raw_text": "x",
        "location": "body>div#main>p", "label": 1, "reason": "navigation", "gold_label": None,
    }
    assert list(record_errors("lines", good)) == []
    assert any("label" in e for e in record_errors("lines", {**good, "label": 7}))
    assert any("gold_label" in e for e in record_errors("lines", {**good, "gold_label": "junk"}))
    assert any("extra" in e for e in record_errors("lines", {**good, "extra": 1}))
