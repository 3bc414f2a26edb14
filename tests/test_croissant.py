"""Issue 7: croissant.json validates with mlcroissant, every record set loads with the same
rows as the Parquet files, and our own required-property check catches omissions."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders.export.croissant import REQUIRED, missing_required
from builders.schema import CONFIGS
from builders.stats import parquet_files

pytestmark = pytest.mark.slow


def _meta(dataset: Path) -> dict:
    return json.loads((dataset / "croissant.json").read_text(encoding="utf-8"))


def test_required_properties_present(built_dataset: Path) -> None:
    meta = _meta(built_dataset)
    assert missing_required(meta) == []
    manifest = json.loads((built_dataset / "manifest.json").read_text(encoding="utf-8"))
    assert meta["version"] == manifest["version"]
    assert isinstance(meta["@context"], dict) and meta["conformsTo"] == "http://mlcommons.org/croissant/1.1"


@pytest.mark.parametrize("key", REQUIRED)
def test_missing_required_property_is_reported(built_dataset: Path, key: str) -> None:
    meta = copy.deepcopy(_meta(built_dataset))
    meta.pop(key)
    assert any(repr(key) in p for p in missing_required(meta))


def test_every_shard_is_a_file_object_with_its_sha256(built_dataset: Path) -> None:
    from builders.ingest.sources import sha256_file

    objects = {
        o["contentUrl"]: o for o in _meta(built_dataset)["distribution"] if o["@type"] == "cr:FileObject"
    }
    shards = {
        p.relative_to(built_dataset).as_posix(): p
        for c in CONFIGS
        for p in parquet_files(built_dataset, c).values()
    }
    assert set(objects) == set(shards)
    for rel, path in shards.items():
        assert objects[rel]["sha256"] == sha256_file(path)
        assert not objects[rel]["contentUrl"].startswith(("/", "http"))


def test_mlcroissant_validate_passes(built_dataset: Path) -> None:
    exe = Path(sys.executable).with_name("mlcroissant")
    proc = subprocess.run(
        [str(exe), "validate", "--jsonld", str(built_dataset / "croissant.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=built_dataset.parent,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "error" not in (proc.stdout + proc.stderr).lower()


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k.rsplit("/", 1)[-1]: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value


def _iso(value):
    """Temporal values of either side in one form: mlcroissant reads sc:Date as a midnight
    Timestamp without zone, Parquet as a date; timestamps with a zone compare as ISO 8601."""
    import datetime as dt

    import pandas as pd

    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_mlcroissant_loads_every_record_set_with_the_parquet_rows(built_dataset: Path) -> None:
    import mlcroissant as mlc
    ds = mlc.Dataset(jsonld=str(built_dataset / "croissant.json"))
    for config in CONFIGS:
        expected = [
            r for p in parquet_files(built_dataset, config).values() for r in pq.read_table(p).to_pylist()
        ]
        records = [_plain(r) for r in ds.records(record_set=config)]
        assert len(records) == len(expected), config
        # Order is the FileSet's (sorted paths); compare as multisets keyed by canonical JSON.
        key = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False, default=_iso)  # noqa: E731
        got = sorted(key({k.rsplit("/", 1)[-1]: v for k, v in r.items()}) for r in records)
        want = sorted(key(r) for r in expected)
        assert got == want, config
    assert "repairs" in CONFIGS
    splits = {_plain(r)["name"] for r in ds.records(record_set="splits")}
    assert splits == {s for c in CONFIGS for s in parquet_files(built_dataset, c)}
