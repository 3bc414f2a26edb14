"""Issue 7: the version must say what changed relative to the previous release's manifest."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders import pipeline
from builders.export import versioning
from builders.export.versioning import (
    Level,
    bump_level,
    check_version,
    next_version,
    record_fingerprints,
    record_release,
)
from builders.record import BuildError
from builders.schema import features
from builders.stats import parquet_files
from tests.conftest import tree_digest

pytestmark = pytest.mark.slow


@pytest.fixture()
def released(built_dataset: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the build, recorded as release 0.1.0 in a private releases/ folder."""
    folder = tmp_path / "work"
    shutil.copytree(built_dataset, folder)
    releases = tmp_path / "releases"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = "0.1.0"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    record_release(folder, releases)
    return folder, releases


def _rewrite(folder: Path, config: str, change: Callable[[dict[str, list[dict]]], None]) -> None:
    """Apply ``change`` to {split: rows} of a config and write the shards back."""
    files = parquet_files(folder, config)
    rows = {s: pq.read_table(p).to_pylist() for s, p in files.items()}
    change(rows)
    for split, path in files.items():
        pq.write_table(pa.Table.from_pylist(rows[split], schema=features(config).arrow_schema), path)


def test_versions() -> None:
    assert bump_level("0.1.0", "0.1.0") == Level.NONE
    assert bump_level("0.1.0", "0.1.1") == Level.PATCH
    assert bump_level("0.1.3", "0.2.0") == Level.MINOR
    assert bump_level("0.9.9", "1.0.0") == Level.MAJOR
    assert next_version("1.4.2", Level.MINOR) == "1.5.0"
    assert next_version("1.4.2", Level.MAJOR) == "2.0.0"
    with pytest.raises(BuildError, match="older than"):
        bump_level("1.0.0", "0.9.0")
    with pytest.raises(BuildError, match=r"MAJOR\.MINOR\.PATCH"):
        bump_level("1.0", "1.0.1")


def test_first_build_is_never_blocked(built_dataset: Path, tmp_path: Path) -> None:
    assert check_version(built_dataset, version="0.1.0", releases=tmp_path / "none") is None
    (tmp_path / "empty").mkdir()
    assert check_version(built_dataset, version="0.1.0", releases=tmp_path / "empty") is None


def _triples(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def test_fingerprints_cover_every_record(built_dataset: Path) -> None:
    manifest = json.loads((built_dataset / "manifest.json").read_text(encoding="utf-8"))
    fp = record_fingerprints(built_dataset)  # rewrites records/ with the same bytes
    assert manifest["records"] == fp
    for config, per in manifest["rows"].items():
        entry = fp[config]["records_file"]
        assert entry["path"] == f"records/{config}.tsv.gz"
        # The records file is an output like the Parquet files: listed, with its sha256.
        assert manifest["outputs"][entry["path"]]["sha256"] == entry["sha256"]
        triples = _triples(built_dataset / entry["path"])
        assert len(triples) == entry["records"] == sum(per.values())
        keys = [t[0] for t in triples]
        assert keys == sorted(set(keys))  # sorted by key, each key once
        assert {s: v["records"] for s, v in fp[config]["splits"].items()} == per
        assert {s: sum(t[1] == s for t in triples) for s in per} == per
        assert all(len(t[2]) == 16 for t in triples)
    # Only aggregates stay in manifest.json: no per-record entries.
    assert all("records" not in v for v in manifest["records"].values())


def test_release_records_are_checked(released: tuple[Path, Path]) -> None:
    folder, releases = released
    recorded = releases / "0.1.0" / "records" / "documents.tsv.gz"
    assert recorded.is_file()
    recorded.write_bytes(gzip.compress(b"x\ttrain\t0000000000000000\n"))
    with pytest.raises(BuildError, match="sha256 does not match the release's manifest"):
        check_version(folder, version="0.1.0", releases=releases)
    recorded.unlink()
    with pytest.raises(BuildError, match="record fingerprints of the previous release are missing"):
        check_version(folder, version="0.1.0", releases=releases)


def test_inline_records_of_older_manifests_still_compare(released: tuple[Path, Path]) -> None:
    """Releases recorded before the records files carried every record in manifest.json."""
    folder, releases = released
    path = releases / "0.1.0" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for entry in manifest["records"].values():
        rel = entry.pop("records_file")["path"]
        entry["records"] = {k: f"{s}:{d}" for k, s, d in _triples(releases / "0.1.0" / rel)}
    shutil.rmtree(releases / "0.1.0" / "records")
    first = next(iter(manifest["records"]["lines"]["records"]))
    del manifest["records"]["lines"]["records"][first]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BuildError, match=rf"lines: 1 records added: {first}"):
        check_version(folder, version="0.1.1", releases=releases)


def test_unchanged_records_need_no_bump(released: tuple[Path, Path]) -> None:
    folder, releases = released
    change = check_version(folder, version="0.1.0", releases=releases)
    assert change is not None and change.level == Level.NONE


def test_changed_record_needs_major(released: tuple[Path, Path]) -> None:
    folder, releases = released

    def edit(rows: dict[str, list[dict]]) -> None:
        first = next(iter(rows.values()))
        first[0]["text"] += "。"

    _rewrite(folder, "documents", edit)
    for version in ("0.1.0", "0.1.1", "0.2.0"):
        with pytest.raises(
            BuildError, match=r"need a major bump \(at least 1\.0\.0\).*documents: 1 records changed"
        ):
            check_version(folder, version=version, releases=releases)
    assert check_version(folder, version="1.0.0", releases=releases).level == Level.MAJOR


def test_added_record_needs_minor(released: tuple[Path, Path]) -> None:
    folder, releases = released

    def add(rows: dict[str, list[dict]]) -> None:
        split = next(iter(rows))
        extra = dict(rows[split][-1])
        extra["line_number"] = 10**6
        rows[split].append(extra)

    _rewrite(folder, "lines", add)
    with pytest.raises(BuildError, match=r"need a minor bump \(at least 0\.2\.0\).*lines: 1 records added"):
        check_version(folder, version="0.1.1", releases=releases)
    assert check_version(folder, version="0.2.0", releases=releases).level == Level.MINOR


def test_removed_or_moved_record_needs_major(released: tuple[Path, Path]) -> None:
    folder, releases = released

    def move(rows: dict[str, list[dict]]) -> None:
        splits = list(rows)
        row = rows[splits[0]].pop(0)
        row["split"] = splits[1]
        rows[splits[1]].append(row)

    _rewrite(folder, "paragraphs", move)
    with pytest.raises(BuildError, match="paragraphs: 1 records moved between splits"):
        check_version(folder, version="0.2.0", releases=releases)

    def remove(rows: dict[str, list[dict]]) -> None:
        next(iter(rows.values())).pop()

    _rewrite(folder, "lines", remove)
    with pytest.raises(BuildError, match="lines: 1 records removed"):
        check_version(folder, version="0.9.0", releases=releases)


def test_repackaging_needs_patch_only_to_publish(released: tuple[Path, Path]) -> None:
    folder, releases = released
    (folder / "README.md").write_text((folder / "README.md").read_text(encoding="utf-8") + "\nfixed a typo\n")
    outputs = versioning.output_entries(folder)
    # Same version: the build passes (with a warning) - publishing would be refused by the tag.
    assert check_version(folder, version="0.1.0", releases=releases, outputs=outputs).level == Level.PATCH
    assert check_version(folder, version="0.1.1", releases=releases, outputs=outputs).level == Level.PATCH


def test_version_older_than_a_release_is_refused(released: tuple[Path, Path]) -> None:
    folder, releases = released
    with pytest.raises(BuildError, match=r"older than the released 0\.1\.0"):
        check_version(folder, version="0.0.9", releases=releases)


def test_release_record_is_immutable(released: tuple[Path, Path]) -> None:
    folder, releases = released
    assert record_release(folder, releases) == releases / "0.1.0" / "manifest.json"  # same bytes: fine
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["rows"] = {}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BuildError, match="already recorded"):
        record_release(folder, releases)


def test_build_fails_when_records_changed_but_version_did_not(
    built_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: a release whose records differ from this build's blocks the build at the
    same version and leaves the previous output untouched."""
    from builders.config import dataset_version
    from builders.ingest.sources import sha256_file

    releases = tmp_path / "releases"
    manifest = json.loads((built_dataset / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["records"]["documents"]["records_file"]
    triples = _triples(built_dataset / entry["path"])
    key, split, digest = triples[0]
    triples[0] = [key, split, "0" * len(digest)]
    shutil.copytree(built_dataset / "records", releases / dataset_version() / "records")
    recorded = releases / dataset_version() / entry["path"]
    recorded.write_bytes(gzip.compress("".join("\t".join(t) + "\n" for t in triples).encode()))
    entry["sha256"] = sha256_file(recorded)
    (releases / dataset_version() / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(versioning, "releases_dir", lambda: releases)

    out = tmp_path / "out"
    shutil.copytree(built_dataset, out)
    before = tree_digest(out)
    with pytest.raises(BuildError, match=rf"documents: 1 records changed: {key}"):
        pipeline.build(out)
    assert tree_digest(out) == before
