"""Semantic versions of the *data*, and the build check that the version says what changed.

Rules (docs/releases.md, CHANGELOG.md), applied to records identified by ``release.record_keys``:

* **major**: a published record changed, disappeared or moved to another split; a column
  (or config) disappeared or changed type;
* **minor**: only additions: new records, new columns, new configs, class names appended;
* **patch**: the same records, repackaged (card text, metadata, Parquet layout);
* none: byte-identical outputs.

The previous release is the manifest committed under ``releases/<version>/manifest.json``
(written by ``zhnews publish``). ``manifest.json`` carries per-record fingerprints (see
:func:`record_fingerprints`) so the comparison needs neither the old Parquet files nor the
network. With no committed release (the very first build) there is nothing to compare with.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from builders.config import REPO_ROOT, dataset_version, section
from builders.record import BuildError
from builders.schema import CONFIGS, features
from builders.stats import parquet_files

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# Per-record hashes are truncated: they detect changes between two builds, they are not an
# integrity check (the files' full sha256 in the manifest is); 64 bits leave no practical
# chance of a collision hiding a change.
_RECORD_HASH_CHARS = 16


class Level(enum.IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


@dataclass
class Change:
    level: Level = Level.NONE
    reasons: list[str] = field(default_factory=list)

    def need(self, level: Level, reason: str) -> None:
        self.level = max(self.level, level)
        self.reasons.append(f"{level.name.lower()}: {reason}")


# --- versions ---------------------------------------------------------------------------------


def parse_version(version: str) -> tuple[int, int, int]:
    m = _SEMVER.match(version.strip())
    if not m:
        where = "dataset.version in builders/config.yaml"
        raise BuildError(f"version {version!r} is not MAJOR.MINOR.PATCH ({where})")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def bump_level(previous: str, current: str) -> Level:
    """How much ``current`` says relative to ``previous`` (raises when it goes backwards)."""
    old, new = parse_version(previous), parse_version(current)
    if new < old:
        raise BuildError(f"version {current} is older than the released {previous}")
    if new == old:
        return Level.NONE
    if new[0] > old[0]:
        return Level.MAJOR
    if new[1] > old[1]:
        return Level.MINOR
    return Level.PATCH


def next_version(version: str, level: Level) -> str:
    major, minor, patch = parse_version(version)
    if level == Level.MAJOR:
        return f"{major + 1}.0.0"
    if level == Level.MINOR:
        return f"{major}.{minor + 1}.0"
    if level == Level.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


# --- fingerprints -----------------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    # sort_keys and fixed separators: the same row always gives the same bytes (float repr is
    # deterministic in CPython), whatever the dict order or the locale.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def record_key(config: str, row: Mapping[str, Any]) -> str:
    keys = section("release")["record_keys"][config]
    return ":".join(str(row[k]) for k in keys)


def record_hash(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    return hashlib.sha256(_canonical({c: row.get(c) for c in columns})).hexdigest()[:_RECORD_HASH_CHARS]


def _hashed_columns(config: str) -> list[str]:
    ignore = set(section("release").get("fingerprint_ignore") or [])
    return [c for c in features(config) if c not in ignore]


def _read_rows(out_dir: Path, config: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for split, path in parquet_files(out_dir, config).items():
        for row in pq.read_table(path).to_pylist():
            yield split, row


def _digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


def record_fingerprints(out_dir: Path) -> dict[str, Any]:
    """Per config: hashed columns, their Features, per split the record count and digests of
    the sorted record keys and of the sorted (key, hash) pairs, and every record's split and
    hash. Computed from the written Parquet files, like the card's statistics."""
    out: dict[str, Any] = {}
    for config in CONFIGS:
        files = parquet_files(out_dir, config)
        if not files:
            continue
        columns = _hashed_columns(config)
        feats = features(config).to_dict()
        records: dict[str, str] = {}
        per_split: dict[str, list[tuple[str, str]]] = {}
        for split, row in _read_rows(out_dir, config):
            key = record_key(config, row)
            if key in records:
                raise BuildError(f"{config}: record key {key!r} occurs twice ({records[key]} and {split})")
            digest = record_hash(row, columns)
            records[key] = f"{split}:{digest}"  # one short line per record in manifest.json
            per_split.setdefault(split, []).append((key, digest))
        splits = {}
        for split, pairs in per_split.items():
            pairs.sort()
            splits[split] = {
                "records": len(pairs),
                "ids_sha256": _digest(k for k, _ in pairs),
                "records_sha256": _digest(f"{k}\t{d}" for k, d in pairs),
            }
        out[config] = {
            "key": list(section("release")["record_keys"][config]),
            "columns": columns,
            "features": {c: feats[c] for c in columns},
            "splits": splits,
            "records": dict(sorted(records.items())),
        }
    return out


# --- comparison -------------------------------------------------------------------------------


def _feature_change(old: Any, new: Any) -> Level:
    """NONE when equal, MINOR when only ClassLabel names were appended, else MAJOR."""
    if old == new:
        return Level.NONE
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return Level.MAJOR
        level = Level.NONE
        for key in old:
            if key == "names" and isinstance(old[key], list) and isinstance(new[key], list):
                if new[key][: len(old[key])] != old[key]:
                    return Level.MAJOR
                level = max(level, Level.MINOR)
            else:
                level = max(level, _feature_change(old[key], new[key]))
        return level
    return Level.MAJOR


def _sample(keys: Iterable[str], n: int = 5) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:n])
    return shown + (f" (+{len(keys) - n} more)" if len(keys) > n else "")


def compare(previous: Mapping[str, Any], out_dir: Path, outputs: Mapping[str, Any] | None = None) -> Change:
    """The change from a previous release's manifest to the built folder ``out_dir``.

    ``outputs`` are the current files' manifest entries (path → {sha256, bytes}); when given,
    any difference from the previous outputs means at least a patch."""
    change = Change()
    old_records: Mapping[str, Any] = previous.get("records") or {}
    if not old_records:
        raise BuildError("the previous release's manifest has no record fingerprints ('records')")
    current_feats = {c: features(c).to_dict() for c in CONFIGS}
    for config, old in old_records.items():
        files = parquet_files(out_dir, config)
        if not files:
            change.need(Level.MAJOR, f"config {config!r} was removed")
            continue
        old_columns = list(old["columns"])
        missing = [c for c in old_columns if c not in current_feats[config]]
        if missing:
            change.need(Level.MAJOR, f"{config}: columns removed: {', '.join(missing)}")
        for column in old_columns:
            if column in missing:
                continue
            level = _feature_change(old["features"].get(column), current_feats[config][column])
            if level:
                change.need(level, f"{config}.{column}: type changed" if level == Level.MAJOR
                            else f"{config}.{column}: class names appended")
        added_columns = [c for c in _hashed_columns(config) if c not in old_columns]
        if added_columns:
            change.need(Level.MINOR, f"{config}: columns added: {', '.join(added_columns)}")
        # Current records hashed over the *previous* column set, so an added column does not
        # make every existing record look changed.
        shared = [c for c in old_columns if c not in missing]
        now: dict[str, tuple[str, str]] = {}
        for split, row in _read_rows(out_dir, config):
            now[record_key(config, row)] = (split, record_hash(row, shared))
        old_map = {k: tuple(v.rsplit(":", 1)) for k, v in old["records"].items()}
        removed = [k for k in old_map if k not in now]
        moved = {k for k in old_map if k in now and now[k][0] != old_map[k][0]}
        changed = [k for k in old_map if k in now and k not in moved and now[k][1] != old_map[k][1]]
        added = [k for k in now if k not in old_map]
        if removed:
            change.need(Level.MAJOR, f"{config}: {len(removed)} records removed: {_sample(removed)}")
        if moved:
            change.need(Level.MAJOR, f"{config}: {len(moved)} records moved between splits: {_sample(moved)}")
        if changed and not missing:
            change.need(Level.MAJOR, f"{config}: {len(changed)} records changed: {_sample(changed)}")
        if added:
            change.need(Level.MINOR, f"{config}: {len(added)} records added: {_sample(added)}")
    for config in CONFIGS:
        if config not in old_records and parquet_files(out_dir, config):
            change.need(Level.MINOR, f"config {config!r} was added")
    if outputs is not None:
        old_outputs = previous.get("outputs") or {}
        differ = sorted(
            p for p in set(old_outputs) | set(outputs)
            if (old_outputs.get(p) or {}).get("sha256") != (outputs.get(p) or {}).get("sha256")
        )
        if differ:
            change.need(Level.PATCH, f"files differ from the release: {_sample(differ)}")
    return change


# --- releases ---------------------------------------------------------------------------------


def releases_dir() -> Path:
    return REPO_ROOT / str(section("release")["releases_dir"])


def released_versions(releases: Path) -> dict[str, Path]:
    """version → committed manifest, for every ``releases/<version>/manifest.json``."""
    found: dict[str, Path] = {}
    if not releases.is_dir():
        return found
    for child in releases.iterdir():
        manifest = child / MANIFEST
        if child.is_dir() and manifest.is_file() and _SEMVER.match(child.name):
            found[child.name] = manifest
    return found


def previous_release(version: str, releases: Path) -> tuple[str, Path] | None:
    """The release to compare with: ``version`` itself when it was released (a rebuild), else
    the newest release before it; None before the first release."""
    versions = released_versions(releases)
    if not versions:
        return None
    current = parse_version(version)
    if version in versions:
        return version, versions[version]
    older = [v for v in versions if parse_version(v) < current]
    if not older:
        newest = max(versions, key=parse_version)
        raise BuildError(f"version {version} is older than the released {newest} ({releases})")
    best = max(older, key=parse_version)
    return best, versions[best]


def check_version(
    out_dir: Path,
    *,
    version: str | None = None,
    releases: Path | None = None,
    outputs: Mapping[str, Any] | None = None,
) -> Change | None:
    """Fail (BuildError) when the built records changed more than the version bump says.

    Returns the change found, or None when no release exists yet (the first build)."""
    version = version or dataset_version()
    releases = releases or releases_dir()
    found = previous_release(version, releases)
    if found is None:
        parse_version(version)
        return None
    prev_version, prev_path = found
    previous = json.loads(prev_path.read_text(encoding="utf-8"))
    change = compare(previous, out_dir, outputs)
    said = bump_level(prev_version, version)
    if said >= change.level:
        return change
    if said == Level.NONE and change.level == Level.PATCH:
        # The same records rebuilt with different bytes (another machine, a card edit):
        # publishing would need a new version, but building must stay possible.
        log.warning("version %s is released and the files differ from it; publish needs a patch "
                    "release (%s)", version, "; ".join(change.reasons))
        return change
    need = next_version(prev_version, change.level)
    raise BuildError(
        f"version {version} says {said.name.lower()} relative to the release {prev_version} "
        f"({prev_path}), but the records need a {change.level.name.lower()} bump (at least {need}): "
        + "; ".join(change.reasons[:8])
        + ". Bump dataset.version in builders/config.yaml and add a CHANGELOG.md entry."
    )


def output_entries(out_dir: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file of a built folder but the manifest (manifest layout)."""
    from builders.ingest.sources import sha256_file

    return {
        p.relative_to(out_dir).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(out_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def check_release(out_dir: Path, releases: Path | None = None) -> dict[str, Any]:
    """The pipeline's entry point: fingerprints for the manifest, after the version check."""
    fingerprints = record_fingerprints(out_dir)
    check_version(out_dir, releases=releases, outputs=output_entries(out_dir))
    return fingerprints


def record_release(dataset: Path, releases: Path | None = None) -> Path:
    """Commit-ready copy of a published folder's manifest: ``releases/<version>/manifest.json``.

    Refuses to overwrite a different manifest of the same version (a release is immutable)."""
    releases = releases or releases_dir()
    manifest = dataset / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    version = str(data["version"])
    parse_version(version)
    target = releases / version / MANIFEST
    if target.is_file():
        if target.read_bytes() == manifest.read_bytes():
            return target
        raise BuildError(f"{target}: a different manifest of release {version} is already recorded")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest, target)
    return target
