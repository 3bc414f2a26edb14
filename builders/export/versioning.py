"""Semantic versions of the *data*, and the build check that the version says what changed.

Rules (docs/releases.md, CHANGELOG.md), applied to records identified by ``release.record_keys``:

* **major**: a published record changed, disappeared or moved to another split; a column
  (or config) disappeared or changed type;
* **minor**: only additions: new records, new columns, new configs, class names appended;
* **patch**: the same records, repackaged (card text, metadata, Parquet layout);
* none: byte-identical outputs.

The previous release is the manifest committed under ``releases/<version>/manifest.json``
(written by ``zhnews publish``), with its per-record fingerprints: ``records/<config>.tsv.gz``
next to it (see :func:`record_fingerprints`), so the comparison needs neither the old Parquet
files nor the network. ``manifest.json`` itself keeps only per config and split the counts and
digests (a hundred thousand pages are millions of records: too many for a JSON object that is
loaded whole). With no committed release (the very first build) there is nothing to compare
with.

Memory stays flat as the corpus grows: rows are read one Parquet batch at a time, and the
(key, split, hash) triples are sorted on disk (sorted runs, then a merge), never all in memory.
"""

from __future__ import annotations

import contextlib
import enum
import gzip
import hashlib
import heapq
import io
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.config import REPO_ROOT, dataset_version, section
from builders.record import BuildError
from builders.schema import CONFIGS, features, json_form
from builders.stats import iter_rows, parquet_files

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# Per-record hashes are truncated: they detect changes between two builds, they are not an
# integrity check (the files' full sha256 in the manifest is); 64 bits leave no practical
# chance of a collision hiding a change.
_RECORD_HASH_CHARS = 16
# Per-record fingerprints: one line "key<TAB>split<TAB>hash" per record, sorted by key.
RECORDS_DIR = "records"
_RUN_RECORDS = 200_000  # triples sorted in memory at a time (~40 MB); longer lists merge from disk


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
    # deterministic in CPython), whatever the dict order or the locale. Temporal values hash
    # in their ISO 8601 JSON form.
    return json.dumps(json_form(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def record_key(config: str, row: Mapping[str, Any]) -> str:
    keys = section("release")["record_keys"][config]
    return ":".join(str(row[k]) for k in keys)


def record_hash(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    return hashlib.sha256(_canonical({c: row.get(c) for c in columns})).hexdigest()[:_RECORD_HASH_CHARS]


def _hashed_columns(config: str) -> list[str]:
    ignore = set(section("release").get("fingerprint_ignore") or [])
    return [c for c in features(config) if c not in ignore]


def _digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


Triple = tuple[str, str, str]  # (record key, split, record hash)


def _write_run(triples: list[Triple], folder: Path, n: int) -> Path:
    path = folder / f"run-{n:05d}.tsv"
    triples.sort()
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(f"{k}\t{s}\t{d}\n" for k, s, d in triples)
    return path


def _read_triples(path: Path, opener: Any = open) -> Iterator[Triple]:
    with opener(path, "rt", encoding="utf-8", newline="\n") as fh:
        for line in fh:
            key, split, digest = line.rstrip("\n").rsplit("\t", 2)
            yield key, split, digest


def _sorted_records(out_dir: Path, config: str, columns: Sequence[str], scratch: Path) -> Iterator[Triple]:
    """(key, split, hash over ``columns``) of every record of a config, sorted by key: sorted
    runs of :data:`_RUN_RECORDS` written to ``scratch``, then merged."""
    keys = list(section("release")["record_keys"][config])
    runs: list[Path] = []
    buffer: list[Triple] = []
    for split, row in iter_rows(out_dir, config, [*keys, *columns]):
        buffer.append((record_key(config, row), split, record_hash(row, columns)))
        if len(buffer) >= _RUN_RECORDS:
            runs.append(_write_run(buffer, scratch, len(runs)))
            buffer = []
    if not runs:
        buffer.sort()
        yield from buffer
        return
    if buffer:
        runs.append(_write_run(buffer, scratch, len(runs)))
    del buffer
    yield from heapq.merge(*(_read_triples(p) for p in runs))


def records_path(config: str) -> str:
    """Where a config's per-record fingerprints are, relative to the dataset folder."""
    return f"{RECORDS_DIR}/{config}.tsv.gz"


@contextlib.contextmanager
def _gzip_writer(path: Path) -> Iterator[io.TextIOWrapper]:
    # mtime=0 and no file name in the header: the same records always give the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        yield text
        text.flush()
        text.detach()


def record_fingerprints(out_dir: Path) -> dict[str, Any]:
    """Per config: hashed columns, their Features, per split the record count and digests of
    the sorted record keys and of the sorted (key, hash) pairs; every record's split and hash
    go to ``records/<config>.tsv.gz`` (written into ``out_dir``; its path, record count and
    sha256 are returned). Computed from the written Parquet files, like the card's statistics."""
    from builders.ingest.sources import sha256_file

    out: dict[str, Any] = {}
    for config in CONFIGS:
        files = parquet_files(out_dir, config)
        if not files:
            continue
        columns = _hashed_columns(config)
        feats = features(config).to_dict()
        ids: dict[str, Any] = {}
        pairs: dict[str, Any] = {}
        counts: dict[str, int] = {}
        rel = records_path(config)
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        total = 0
        partial = target.with_name(target.name + ".partial")  # replaced in one step when complete
        with tempfile.TemporaryDirectory(prefix="zhnews-records-") as scratch, _gzip_writer(partial) as fh:
            last: Triple | None = None
            for key, split, digest in _sorted_records(out_dir, config, columns, Path(scratch)):
                if last is not None and last[0] == key:
                    raise BuildError(f"{config}: record key {key!r} occurs twice ({last[1]} and {split})")
                last = (key, split, digest)
                fh.write(f"{key}\t{split}\t{digest}\n")
                if split not in counts:
                    ids[split], pairs[split], counts[split] = hashlib.sha256(), hashlib.sha256(), 0
                # The same digests as sorting each split's keys: the stream is in key order.
                ids[split].update(f"{key}\n".encode())
                pairs[split].update(f"{key}\t{digest}\n".encode())
                counts[split] += 1
                total += 1
        partial.replace(target)
        splits = {
            split: {"records": counts[split], "ids_sha256": ids[split].hexdigest(), "records_sha256": pairs[split].hexdigest()}
            for split in files
            if split in counts
        }
        out[config] = {
            "key": list(section("release")["record_keys"][config]),
            "columns": columns,
            "features": {c: feats[c] for c in columns},
            "splits": splits,
            "records_file": {"path": rel, "records": total, "sha256": sha256_file(target)},
        }
    return out


def _previous_triples(old: Mapping[str, Any], config: str, release_dir: Path | None) -> Iterator[Triple]:
    """A released config's (key, split, hash), sorted by key: from its records file (checked
    against the sha256 its manifest recorded), or from an older manifest's inline ``records``."""
    if isinstance(old.get("records"), Mapping):  # manifests before the records files
        for key, value in sorted(old["records"].items()):
            split, digest = value.rsplit(":", 1)
            yield key, split, digest
        return
    entry = old.get("records_file") or {}
    if release_dir is None or "path" not in entry:
        raise BuildError(f"{config}: the previous release's manifest has no record fingerprints")
    path = release_dir / str(entry["path"])
    from builders.ingest.sources import sha256_file

    if not path.is_file():
        raise BuildError(f"{path}: record fingerprints of the previous release are missing")
    if sha256_file(path) != entry.get("sha256"):
        raise BuildError(f"{path}: sha256 does not match the release's manifest")
    yield from _read_triples(path, gzip.open)


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


class _Found:
    """How many keys of one kind, and the smallest few (the streams are in key order)."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[str] = []

    def add(self, key: str) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(key)

    def __str__(self) -> str:
        shown = ", ".join(self.first)
        return shown + (f" (+{self.count - len(self.first)} more)" if self.count > len(self.first) else "")


def _merge_join(old: Iterator[Triple], now: Iterator[Triple], config: str) -> dict[str, _Found]:
    """Removed, moved, changed and added keys of two key-sorted streams."""
    found = {k: _Found() for k in ("removed", "moved", "changed", "added")}
    a, b = next(old, None), next(now, None)
    last_now: str | None = None
    while a is not None or b is not None:
        if b is not None and b[0] == last_now:
            raise BuildError(f"{config}: record key {b[0]!r} occurs twice")
        if b is None or (a is not None and a[0] < b[0]):
            found["removed"].add(a[0])  # type: ignore[index]
            a = next(old, None)
            continue
        if a is None or b[0] < a[0]:
            found["added"].add(b[0])
        elif a[1] != b[1]:
            found["moved"].add(a[0])
        elif a[2] != b[2]:
            found["changed"].add(a[0])
        if a is not None and a[0] == b[0]:
            a = next(old, None)
        last_now = b[0]
        b = next(now, None)
    return found


def compare(
    previous: Mapping[str, Any],
    out_dir: Path,
    outputs: Mapping[str, Any] | None = None,
    release_dir: Path | None = None,
) -> Change:
    """The change from a previous release's manifest to the built folder ``out_dir``.

    ``release_dir`` is the folder of the previous manifest (its ``records/`` files are read
    from there). ``outputs`` are the current files' manifest entries (path → {sha256, bytes});
    when given, any difference from the previous outputs means at least a patch."""
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
        with tempfile.TemporaryDirectory(prefix="zhnews-records-") as scratch:
            found = _merge_join(
                _previous_triples(old, config, release_dir),
                _sorted_records(out_dir, config, shared, Path(scratch)),
                config,
            )
        if found["removed"].count:
            change.need(Level.MAJOR, f"{config}: {found['removed'].count} records removed: {found['removed']}")
        if found["moved"].count:
            change.need(Level.MAJOR, f"{config}: {found['moved'].count} records moved between splits: {found['moved']}")
        if found["changed"].count and not missing:
            change.need(Level.MAJOR, f"{config}: {found['changed'].count} records changed: {found['changed']}")
        if found["added"].count:
            change.need(Level.MINOR, f"{config}: {found['added'].count} records added: {found['added']}")
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
    change = compare(previous, out_dir, outputs, prev_path.parent)
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
    """Commit-ready copy of a published folder's manifest and its per-record fingerprints:
    ``releases/<version>/manifest.json`` and ``releases/<version>/records/*.tsv.gz``.

    Refuses to overwrite a different manifest of the same version (a release is immutable)."""
    releases = releases or releases_dir()
    manifest = dataset / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    version = str(data["version"])
    parse_version(version)
    target = releases / version / MANIFEST
    if target.is_file() and target.read_bytes() != manifest.read_bytes():
        raise BuildError(f"{target}: a different manifest of release {version} is already recorded")
    # The fingerprint files first: a recorded manifest always has its records next to it.
    for config, entry in sorted((data.get("records") or {}).items()):
        rel = (entry.get("records_file") or {}).get("path")
        if not rel:
            continue
        src, dst = dataset / rel, releases / version / rel
        if not src.is_file():
            raise BuildError(f"{src}: record fingerprints of {config} missing from {dataset}")
        if dst.is_file():
            if dst.read_bytes() != src.read_bytes():
                raise BuildError(f"{dst}: different record fingerprints of release {version} are already recorded")
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(manifest, target)
    return target
