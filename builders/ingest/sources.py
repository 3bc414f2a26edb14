"""Read and check ``corpus/sources.yaml`` against the files in ``corpus/raw/``.

The build refuses to run when the two disagree: a raw file without an entry, an entry without
a file, a sha256 mismatch, duplicate ids, unknown or repeated keys, or a path that leaves
``corpus/``. The rest of the corpus folder is checked too: no symlink may point outside it, and
every curated file must belong to a document of sources.yaml (a typo in a file name would
otherwise drop the maintainers' work silently).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import yaml

from builders.config import Paths
from builders.record import BuildError, Source

REQUIRED_KEYS = ("id", "file", "sha256", "site", "publisher", "url", "retrieved", "licence")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
SHA_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader (no Python objects) that refuses a key repeated in one mapping: plain YAML
    keeps the last value silently, which hides copy-and-paste mistakes in sources.yaml."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path) -> Any:
    """Safe-load a YAML file; any syntax error becomes a BuildError naming the file and line."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_StrictLoader)  # a SafeLoader subclass: no Python objects
    except FileNotFoundError as exc:
        raise BuildError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise BuildError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise BuildError(f"{path}:{where} malformed YAML ({getattr(exc, 'problem', exc)})") from exc


def resolve_inside(base: Path, relative: str, what: str, origin: Path) -> Path:
    """Resolve ``relative`` under ``base`` and refuse anything that escapes it (``..``,
    absolute paths, symlinks pointing outside)."""
    if not relative or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        raise BuildError(f"{origin}: {what} {relative!r} must be a relative path inside {base.name}/")
    base_real = base.resolve()
    target = (base / relative).resolve()
    if target != base_real and base_real not in target.parents:
        raise BuildError(f"{origin}: {what} {relative!r} points outside {base.name}/")
    return target


def _entry(raw: Any, index: int, origin: Path) -> Source:
    if not isinstance(raw, dict):
        raise BuildError(f"{origin}: sources[{index}] must be a mapping")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS))
    if unknown:
        raise BuildError(f"{origin}: sources[{index}] has unknown keys {unknown}")
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise BuildError(f"{origin}: sources[{index}] misses keys {missing}")
    doc_id = raw["id"]
    if not isinstance(doc_id, str) or not ID_PATTERN.match(doc_id):
        raise BuildError(f"{origin}: sources[{index}] id {doc_id!r} must match {ID_PATTERN.pattern}")
    for key in ("file", "sha256", "licence"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise BuildError(f"{origin}: source {doc_id!r} field {key!r} must be a non-empty string")
    if not SHA_PATTERN.match(raw["sha256"]):
        raise BuildError(f"{origin}: source {doc_id!r} sha256 must be 64 lowercase hex digits")
    for key in ("site", "publisher", "url", "retrieved"):
        if raw[key] is not None and not isinstance(raw[key], str):
            raise BuildError(f"{origin}: source {doc_id!r} field {key!r} must be a string or null")
    return Source(
        id=doc_id,
        file=raw["file"],
        sha256=raw["sha256"],
        site=raw["site"],
        publisher=raw["publisher"],
        url=raw["url"],
        retrieved=raw["retrieved"],
        licence=" ".join(raw["licence"].split()),
    )


def load_sources(paths: Paths) -> list[Source]:
    """All source entries, checked against the raw files (sorted by id)."""
    origin = paths.sources
    data = load_yaml(origin)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise BuildError(f"{origin}: expected a mapping with a 'sources' list")
    unknown = sorted(set(data) - {"schema_version", "sources"})
    if unknown:
        raise BuildError(f"{origin}: unknown top-level keys {unknown}")
    entries = [_entry(raw, i, origin) for i, raw in enumerate(data["sources"])]

    seen: dict[str, int] = {}
    files: dict[Path, str] = {}
    for entry in entries:
        if entry.id in seen:
            raise BuildError(f"{origin}: duplicate id {entry.id!r}")
        seen[entry.id] = 1
        path = resolve_inside(paths.corpus, entry.file, f"source {entry.id!r} file", origin)
        if path.parent != paths.raw.resolve():
            raise BuildError(f"{origin}: source {entry.id!r} file {entry.file!r} must be directly in raw/")
        if path in files:
            raise BuildError(f"{origin}: sources {files[path]!r} and {entry.id!r} name the same file")
        files[path] = entry.id
        if not path.is_file():
            raise BuildError(f"{origin}: source {entry.id!r}: file {entry.file!r} does not exist")
        actual = sha256_file(path)
        if actual != entry.sha256:
            raise BuildError(
                f"{paths.corpus / entry.file}: sha256 {actual} does not match sources.yaml ({entry.sha256})"
            )

    raw_dir = paths.raw
    if not raw_dir.is_dir():
        raise BuildError(f"{raw_dir}: raw folder does not exist")
    for child in sorted(raw_dir.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_symlink() and child.resolve() not in files:
            raise BuildError(f"{child}: symlink in raw/ without a sources.yaml entry")
        if child.resolve() not in files:
            raise BuildError(f"{child}: raw file has no entry in {origin.name}")
    check_corpus_tree(paths, set(seen))
    return sorted(entries, key=lambda e: e.id)


# Curated subfolders whose files are named ``<document id>.yaml``.
CURATED_SUBDIRS = ("cleaning", "annotations")


def check_corpus_tree(paths: Paths, ids: set[str]) -> None:
    """Refuse symlinks that leave corpus/ and curated files of documents that do not exist."""
    base = paths.corpus.resolve()
    for root, dirs, files in os.walk(paths.corpus, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(root) / name
            if path.is_symlink():
                target = path.resolve()
                if target != base and base not in target.parents:
                    where = f"{paths.corpus.name}/ (to {os.readlink(path)})"
                    raise BuildError(f"{path}: symlink points outside {where}")
    for sub in CURATED_SUBDIRS:
        folder = paths.curated / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.suffix not in (".yaml", ".yml"):
                continue
            if path.stem not in ids:
                raise BuildError(
                    f"{path}: curated file for unknown document id {path.stem!r} "
                    f"(no such id in {paths.sources.name})"
                )
