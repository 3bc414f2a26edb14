"""Read and check ``corpus/sources.yaml`` against the files in ``corpus/raw/``.

The build refuses to run when the two disagree: a raw file without an entry, an entry without
a file, a sha256 mismatch, duplicate ids, unknown or repeated keys, or a path that leaves
``corpus/``. The rest of the corpus folder is checked too: no symlink may point outside it, and
every curated file must belong to a document of sources.yaml (a typo in a file name would
otherwise drop the maintainers' work silently).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from builders.config import Paths
from builders.record import BuildError, Source

REQUIRED_KEYS = ("id", "file", "sha256", "site", "publisher", "url", "retrieved", "licence")
# charset: the HTTP charset a crawl recorded (a decoding hint); guessed: which of site /
# publisher `zhnews add` guessed from the page rather than was given.
OPTIONAL_KEYS = ("charset", "guessed")
GUESSABLE = ("site", "publisher")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
SHA_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _NoRepeatedKeys:
    """Refuses a key repeated in one mapping: plain YAML keeps the last value silently, which
    hides copy-and-paste mistakes in sources.yaml."""

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
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_NoRepeatedKeys, yaml.SafeLoader):
    """SafeLoader (no Python objects) without repeated keys."""


def malformed_yaml(path: Path, exc: yaml.YAMLError) -> BuildError:
    """One error line for a YAML syntax error: the file, the line where PyYAML stopped, why."""
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}" if mark is not None else ""
    return BuildError(f"{path}:{where} malformed YAML ({getattr(exc, 'problem', exc)})")


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
        raise malformed_yaml(path, exc) from exc


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


def parse_entry(raw: Any, index: int, origin: Path) -> Source:
    """One entry of sources.yaml (index ``index``), its keys and values checked; its file is not."""
    if not isinstance(raw, dict):
        raise BuildError(f"{origin}: sources[{index}] must be a mapping")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
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
    charset = raw.get("charset")
    if charset is not None and not _known_codec(charset):
        raise BuildError(f"{origin}: source {doc_id!r} charset {charset!r} is not a known text encoding")
    guessed = raw.get("guessed", [])
    if (
        not isinstance(guessed, list)
        or not all(isinstance(g, str) and g in GUESSABLE for g in guessed)
        or len(set(guessed)) != len(guessed)
    ):
        raise BuildError(f"{origin}: source {doc_id!r} guessed must be a list of distinct names from {list(GUESSABLE)}")
    # Sites, publishers and licence notes repeat across a crawl's entries: one string each.
    return Source(
        id=doc_id,
        file=raw["file"],
        sha256=raw["sha256"],
        site=_shared(raw["site"]),
        publisher=_shared(raw["publisher"]),
        url=raw["url"],
        retrieved=raw["retrieved"],
        licence=sys.intern(" ".join(raw["licence"].split())),
        charset=_shared(charset),
    )


def _known_codec(label: Any) -> bool:
    if not isinstance(label, str) or not label:
        return False
    try:
        codecs.lookup(label)
    except LookupError:
        return False
    return True


def _shared(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


class _StrictCLoader(_NoRepeatedKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same rules as :class:`_StrictLoader` on libyaml's parser (when installed): far
    faster on a crawl's 100,000 entries."""


def _compose(loader: Any, event: yaml.Event, anchors: dict[str, yaml.Node]) -> yaml.Node:
    """One node from the event stream (PyYAML's composer, for one subtree only): an entry of
    sources.yaml is composed, constructed and dropped before the next is read, so the node
    graph of the whole file (marks included) is never in memory."""
    node: yaml.Node
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        return anchors[event.anchor]
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    elif isinstance(event, yaml.SequenceStartEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.SequenceNode, None, event.implicit)
        items: list[yaml.Node] = []
        node = yaml.SequenceNode(tag, items, event.start_mark, None, flow_style=event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(_compose(loader, loader.get_event(), anchors))
        node.end_mark = loader.get_event().end_mark
        return node
    elif isinstance(event, yaml.MappingStartEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.MappingNode, None, event.implicit)
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        node = yaml.MappingNode(tag, pairs, event.start_mark, None, flow_style=event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        while not loader.check_event(yaml.MappingEndEvent):
            key = _compose(loader, loader.get_event(), anchors)
            pairs.append((key, _compose(loader, loader.get_event(), anchors)))
        node.end_mark = loader.get_event().end_mark
        return node
    else:
        raise yaml.composer.ComposerError(None, None, f"unexpected {type(event).__name__}", event.start_mark)
    if event.anchor is not None:
        anchors[event.anchor] = node
    return node


def _construct(loader: Any, node: yaml.Node) -> Any:
    return loader.construct_document(node)  # resets the constructor's caches after each entry


def stream_sources(path: Path) -> Iterator[tuple[int, Any]]:
    """(index, raw entry) of ``sources:`` in ``sources.yaml``, one entry at a time, with the
    rules of :func:`load_yaml` (safe tags only, no repeated key in a mapping, syntax errors
    with their line) and the file's shape checked (one mapping with a ``sources`` list and
    only known top-level keys)."""
    shape = f"{path}: expected a mapping with a 'sources' list"
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"{path}: cannot read ({exc.strerror})") from exc
    with fh:
        loader = _StrictCLoader(fh)
        try:
            anchors: dict[str, yaml.Node] = {}
            loader.get_event()  # StreamStart
            if loader.check_event(yaml.StreamEndEvent):
                raise BuildError(shape)
            loader.get_event()  # DocumentStart
            if not loader.check_event(yaml.MappingStartEvent):
                _construct(loader, _compose(loader, loader.get_event(), anchors))  # tag errors first
                raise BuildError(shape)
            loader.get_event()
            keys: set[Any] = set()
            found = False
            while not loader.check_event(yaml.MappingEndEvent):
                key_node = _compose(loader, loader.get_event(), anchors)
                key = _construct(loader, key_node)
                if isinstance(key, (str, int, float, bool)) or key is None:
                    if key in keys:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                        )
                    keys.add(key)
                if key == "sources" and loader.check_event(yaml.SequenceStartEvent):
                    start = loader.get_event()
                    if start.tag not in (None, "!", "tag:yaml.org,2002:seq"):
                        raise yaml.constructor.ConstructorError(
                            None, None, f"unexpected tag {start.tag!r} on the sources list", start.start_mark
                        )
                    found = True
                    index = 0
                    while not loader.check_event(yaml.SequenceEndEvent):
                        yield index, _construct(loader, _compose(loader, loader.get_event(), anchors))
                        index += 1
                    loader.get_event()
                    continue
                value = _construct(loader, _compose(loader, loader.get_event(), anchors))
                if key == "sources":
                    raise BuildError(shape)
                del value
            loader.get_event()  # MappingEnd
            loader.get_event()  # DocumentEnd
            if not loader.check_event(yaml.StreamEndEvent):
                raise BuildError(f"{path}: expected one YAML document")
            unknown = sorted(str(k) for k in keys - {"schema_version", "sources"})
            if unknown:
                raise BuildError(f"{path}: unknown top-level keys {unknown}")
            if not found:
                raise BuildError(shape)
        except UnicodeDecodeError as exc:
            raise BuildError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        except yaml.YAMLError as exc:
            raise malformed_yaml(path, exc) from exc
        finally:
            loader.dispose()


def _checked(paths: Paths, raw: Any, index: int, raw_real: Path, seen: set[str], files: dict[str, str]) -> Source:
    """One entry, validated, its file found directly in raw/ with the recorded sha256."""
    origin = paths.sources
    entry = parse_entry(raw, index, origin)
    if entry.id in seen:
        raise BuildError(f"{origin}: duplicate id {entry.id!r}")
    seen.add(entry.id)
    path = resolve_inside(paths.corpus, entry.file, f"source {entry.id!r} file", origin)
    if path.parent != raw_real:
        raise BuildError(f"{origin}: source {entry.id!r} file {entry.file!r} must be directly in raw/")
    key = str(path)
    if key in files:
        raise BuildError(f"{origin}: sources {files[key]!r} and {entry.id!r} name the same file")
    files[key] = entry.id
    if not path.is_file():
        raise BuildError(f"{origin}: source {entry.id!r}: file {entry.file!r} does not exist")
    actual = sha256_file(path)
    if actual != entry.sha256:
        raise BuildError(
            f"{paths.corpus / entry.file}: sha256 {actual} does not match sources.yaml ({entry.sha256})"
        )
    return entry


def load_sources(paths: Paths) -> list[Source]:
    """All source entries, checked against the raw files (sorted by id).

    ``sources.yaml`` is read entry by entry (see :func:`stream_sources`): only the list of
    :class:`Source` records is kept, whatever the number of pages."""
    origin = paths.sources
    if not origin.is_file():
        raise BuildError(f"{origin}: file not found")
    raw_real = paths.raw.resolve()
    entries: list[Source] = []
    seen: set[str] = set()
    files: dict[str, str] = {}  # resolved path (as text: Path objects are ~10x larger) -> id
    # Problems of entries are raised once the whole file has parsed (a YAML syntax error or a
    # wrong top-level key anywhere is reported first, as a whole-file load did), all of them:
    # one per line, the first line naming the first problem.
    problems: list[BuildError] = []
    for index, raw in stream_sources(origin):
        try:
            entries.append(_checked(paths, raw, index, raw_real, seen, files))
        except BuildError as exc:
            problems.append(exc)

    raw_dir = paths.raw
    if not raw_dir.is_dir():
        problems.append(BuildError(f"{raw_dir}: raw folder does not exist"))
    else:
        for child in sorted(raw_dir.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_symlink() and str(child.resolve()) not in files:
                problems.append(BuildError(f"{child}: symlink in raw/ without a sources.yaml entry"))
            elif str(child.resolve()) not in files:
                problems.append(BuildError(f"{child}: raw file has no entry in {origin.name}"))
    if problems:
        raise problems[0] if len(problems) == 1 else BuildError("\n".join(str(p) for p in problems))
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
