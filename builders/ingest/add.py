"""``zhnews add``: pages and WARC files into a corpus folder, with their provenance.

Each page is copied into ``raw/`` under an id derived from its bytes (the first 16 hex digits
of its sha256, lengthened only if another page already holds that prefix) and gets a
``sources.yaml`` entry appended after the last one, so the file's comments, order and layout
stay as the maintainers wrote them. ``site`` and ``publisher`` are either given (``--site``) or
guessed from the page, and a guessed value is listed under ``guessed:`` so that nobody takes it
for a checked fact.

All or nothing: every input is read, decoded with the build's own rules and staged first; only
when all of them passed are the staged files moved into ``raw/`` and the new ``sources.yaml``
renamed over the old one (the files first: a crash in between leaves raw files without entries,
which the build refuses by name and a second ``zhnews add`` completes). Adding bytes the corpus
already holds changes nothing.

WARC files (``.warc``, ``.warc.gz``) are read record by record (builders/ingest/warc.py): HTML
responses become pages with ``url``, ``retrieved`` (WARC-Date) and ``charset`` (the HTTP charset,
a decoding hint); other records are skipped and counted by reason. A crawl always holds some
junk, so inside a WARC a page that does not decode, or whose URL the corpus (or an earlier
record) already has, is skipped and counted too: the first capture of a URL wins, and
replacing a page means deleting its entry first. A file given by itself that fails stops the
whole batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from builders.config import Paths, section
from builders.ingest.decode import decode_bytes
from builders.ingest.html import looks_like_html
from builders.ingest.sources import parse_entry, stream_sources
from builders.ingest.warc import Skipped, is_warc, read_warc
from builders.record import BuildError

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: ~10x faster
ID_DIGITS = 16  # 64 bits of the sha256: a prefix collision is lengthened, never overwritten
NEW_SOURCES_HEADER = (
    "# One entry per raw page in raw/, written by `zhnews add` (which keeps edits and comments).\n"
    "# guessed: the fields `zhnews add` guessed from the page rather than was given.\n"
    "schema_version: 1\n"
    "sources:\n"
)
_SITE_META = ("og:site_name", "application-name", "sitename", "site_name")
_PUBLISHER_META = ("dc.publisher", "article:publisher", "source")
# "来源：新华社" in a byline; the name stops at white space or punctuation.
_SOURCE_LINE = re.compile(r"(?:来源|來源|稿源)\s*[:：]\s*([^\s<>|，,。;；:：/（）()\[\]【】\"']{2,30})")
# Separators between an article's title and its site's name in <title>.
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜–—]|\s-\s|－)\s*")
_HTML_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.I | re.S)


@dataclass(frozen=True)
class Page:
    """One page to add: its bytes and what is known of where it came from."""

    data: bytes
    origin: str  # the file, or "crawl.warc.gz: record N"
    url: str | None = None
    retrieved: str | None = None
    charset: str | None = None
    from_warc: bool = False


@dataclass
class AddReport:
    added: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (id, origin, entry)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (origin, id already holding the bytes)
    skipped: Counter[str] = field(default_factory=Counter)  # WARC records, by reason
    skipped_example: dict[str, str] = field(default_factory=dict)  # reason -> first origin (and why)
    sources: Path | None = None

    def skip(self, reason: str, example: str) -> None:
        self.skipped[reason] += 1
        self.skipped_example.setdefault(reason, example)

    def lines(self) -> list[str]:
        out = []
        for doc_id, origin, entry in self.added:
            notes = [f"{k} {entry[k]!r}" + (" (guessed)" if k in entry.get("guessed", []) else "")
                     for k in ("site", "publisher") if entry[k]]
            if entry["url"]:
                notes.append(f"url {entry['url']}")
            out.append(f"added {doc_id} ({entry['file']}) from {origin}" + (": " + ", ".join(notes) if notes else ""))
        for origin, doc_id in self.unchanged:
            out.append(f"unchanged: {origin} is already in the corpus as {doc_id}")
        for reason, n in sorted(self.skipped.items()):
            out.append(f"skipped {n} WARC record(s): {reason} (first: {self.skipped_example[reason]})")
        if not self.added:
            out.append(f"nothing added; {self.sources} is unchanged")
        else:
            out.append(f"{len(self.added)} page(s) added to {self.sources}")
        return out


def checked_retrieved(value: str) -> str:
    """An ISO 8601 date or date-time, as given."""
    try:
        (datetime if "T" in value or " " in value else date).fromisoformat(value)
    except ValueError as exc:
        raise BuildError(f"--retrieved {value!r}: not an ISO 8601 date or date-time ({exc})") from exc
    return value


def checked_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BuildError(f"--url {value!r}: not an http(s) URL")
    return value


def _pages(inputs: Sequence[Path], url: str | None, retrieved: str | None, report: AddReport) -> Iterator[Page]:
    for path in inputs:
        if not path.is_file():
            raise BuildError(f"{path}: file not found")
        if is_warc(path):
            for item in read_warc(path):
                if isinstance(item, Skipped):
                    report.skip(item.reason, item.origin)
                    continue
                yield Page(item.data, item.origin, item.url, item.retrieved, item.charset, from_warc=True)
        else:
            yield Page(path.read_bytes(), str(path), url, retrieved)


def _existing(paths: Paths) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """(id -> sha256, sha256 -> id, urls) of the corpus's sources.yaml, each entry checked."""
    ids: dict[str, str] = {}
    shas: dict[str, str] = {}
    urls: set[str] = set()
    if not paths.sources.exists():
        return ids, shas, urls
    for index, raw in stream_sources(paths.sources):
        entry = parse_entry(raw, index, paths.sources)
        ids[entry.id] = entry.sha256
        shas.setdefault(entry.sha256, entry.id)
        if entry.url:
            urls.add(entry.url)
    return ids, shas, urls


def _meta_values(head: str) -> dict[str, str]:
    """name/property -> content of the <meta> tags (first of each), lowercased keys."""
    out: dict[str, str] = {}
    for tag in _HTML_META.findall(head):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        value = " ".join(html.unescape(attrs.get("content") or "").split())
        if key and value:
            out.setdefault(key, value)
    return out


def guess_site_publisher(text: str, is_html: bool, url: str | None) -> tuple[str | None, str | None]:
    """Best guesses from the page itself: the site from its meta tags, the suffix of its
    <title> or its URL's host; the publisher from its meta tags or a 来源： line. None when
    the page does not say."""
    site = publisher = None
    if is_html:
        head = text[:65536]
        meta = _meta_values(head)
        site = next((meta[k] for k in _SITE_META if k in meta), None)
        publisher = next((meta[k] for k in _PUBLISHER_META if k in meta), None)
        if site is None and (title := _TITLE.search(head)):
            parts = [p for p in _TITLE_SPLIT.split(" ".join(html.unescape(title.group(1)).split())) if p]
            if len(parts) >= 2 and 2 <= len(parts[-1]) <= 30:
                site = parts[-1]
    if publisher is None and (line := _SOURCE_LINE.search(text[:20000])):
        publisher = line.group(1)
    if site is None and url:
        host = urlsplit(url).hostname or ""
        site = host.removeprefix("www.") or None
    return site, publisher


def _new_id(sha: str, taken: dict[str, str]) -> str:
    for digits in range(ID_DIGITS, 65, 4):
        candidate = sha[:digits]
        if candidate not in taken:
            return candidate
    raise BuildError(f"sha256 {sha} is already an id of another page")  # needs equal sha256s


def render_entry(entry: dict[str, Any], dash_col: int, key_col: int) -> str:
    """One block-style list item, indented as the file's existing items are."""
    scalars = {k: v for k, v in entry.items() if not isinstance(v, list)}
    body = yaml.dump(scalars, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    lines = body.rstrip("\n").split("\n")
    # Lists (guessed) on one line, in flow style, as a maintainer would write them.
    lines += [f"{k}: [{', '.join(v)}]" for k, v in entry.items() if isinstance(v, list)]
    first = " " * dash_col + "-" + " " * (key_col - dash_col - 1) + lines[0]
    return "\n".join([first, *(" " * key_col + line if line else line for line in lines[1:])]) + "\n"


def _skip(event: Any, events: Iterator[Any]) -> None:
    """Consume the rest of the node that ``event`` starts."""
    depth = 1 if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) else 0
    while depth:
        event = next(events)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def append_entries(text: str, entries: list[dict[str, Any]], origin: Path) -> str:
    """``text`` (a sources.yaml) with ``entries`` appended to its ``sources`` list, every other
    byte kept: comments, order, quoting and the other top-level keys."""
    shape = BuildError(f"{origin}: expected a mapping with a 'sources' list")
    events = iter(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    event = next(events)
    while isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
        event = next(events)
    if not isinstance(event, yaml.MappingStartEvent):
        raise shape
    start = None
    while start is None:
        key = next(events)
        if isinstance(key, yaml.MappingEndEvent):
            raise shape
        if isinstance(key, yaml.ScalarEvent) and key.value == "sources":
            start = next(events)
            if not isinstance(start, yaml.SequenceStartEvent):
                raise shape
        else:
            _skip(key, events)
            _skip(next(events), events)
    # Walk the list: where its first item starts, where its last scalar or flow collection
    # ends (a block collection "ends" at the next token, past any comment that follows it).
    first_item = None
    last_end = start.end_mark.index
    flow: list[bool] = []
    for event in events:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if not flow and first_item is None:
                first_item = event
            flow.append(bool(event.flow_style))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            if not flow:
                end = event
                break
            if flow.pop():
                last_end = max(last_end, event.end_mark.index)
        else:
            if not flow and first_item is None:
                first_item = event
            last_end = max(last_end, event.end_mark.index)
    if start.flow_style:
        if first_item is not None:
            raise BuildError(f"{origin}: the sources list is written in flow style ([...]); write it as a block list")
        block = "".join(render_entry(e, 2, 4) for e in entries)
        return text[: start.start_mark.index].rstrip(" ") + "\n" + block.rstrip("\n") + text[end.end_mark.index :]
    dash_col, key_col = 2, 4
    if first_item is not None:
        line_start = text.rfind("\n", 0, first_item.start_mark.index) + 1
        before = text[line_start : first_item.start_mark.index].rstrip()
        if before.endswith("-"):
            dash_col, key_col = len(before) - 1, first_item.start_mark.column
    cut = last_end if last_end > 0 and text[last_end - 1] == "\n" else text.find("\n", last_end) + 1
    if cut == 0:  # no newline after the last item: the file ends there
        text, cut = text + "\n", len(text) + 1
    block = "".join(render_entry(e, dash_col, key_col) for e in entries)
    return text[:cut] + block + text[cut:]


def _atomic_write(path: Path, text: str) -> Path:
    """The new content in a temporary file beside ``path`` (renamed over it by the caller)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if path.exists():
        shutil.copymode(path, tmp)
    else:
        os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def add_pages(
    paths: Paths,
    inputs: Sequence[Path],
    *,
    url: str | None = None,
    retrieved: str | None = None,
    licence: str | None = None,
    site: str | None = None,
) -> AddReport:
    """Add ``inputs`` (pages and WARC files) to the corpus at ``paths.corpus``; all or nothing."""
    report = AddReport(sources=paths.sources)
    plain = [p for p in inputs if not is_warc(p)]
    if url is not None:
        checked_url(url)
        if len(plain) != 1:
            raise BuildError(f"--url names one page; {len(plain)} page files were given (WARC records carry their own)")
    if retrieved is not None:
        checked_retrieved(retrieved)
        if not plain:
            raise BuildError("--retrieved is for page files; WARC records carry their own WARC-Date")
    if licence is not None and not licence.strip():
        raise BuildError("--licence must not be empty")
    if site is not None and not site.strip():
        raise BuildError("--site must not be empty")
    licence_text = " ".join((licence or str(section("add")["licence"])).split())

    ids, shas, urls = _existing(paths)
    created = [d for d in (paths.corpus, paths.raw) if not d.exists()]  # removed again on failure
    paths.raw.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".zhnews-add-", dir=paths.raw))
    committed = False
    try:
        staged: list[tuple[Path, Path]] = []  # (staged file, final file)
        entries: list[dict[str, Any]] = []
        for page in _pages(inputs, url, retrieved, report):
            sha = hashlib.sha256(page.data).hexdigest()
            if sha in shas:
                report.unchanged.append((page.origin, shas[sha]))
                continue
            if page.url and page.url in urls:
                if not page.from_warc:
                    raise BuildError(f"{page.origin}: --url {page.url} is already in {paths.sources.name}")
                report.skip("duplicate_url", f"{page.origin} ({page.url})")
                continue
            try:
                text, _ = decode_bytes(page.data, Path(page.origin), page.charset)
            except BuildError as exc:
                if not page.from_warc:
                    raise
                report.skip("undecodable", str(exc))
                continue
            is_html = looks_like_html(text)
            doc_id = _new_id(sha, ids)
            name = f"{doc_id}.{'html' if is_html else 'txt'}"
            guessed_site, publisher = guess_site_publisher(text, is_html, page.url)
            guessed = [k for k, v in (("site", None if site else guessed_site), ("publisher", publisher)) if v]
            entry: dict[str, Any] = {
                "id": doc_id,
                "file": f"raw/{name}",
                "sha256": sha,
                "site": site.strip() if site else guessed_site,
                "publisher": publisher,
                "url": page.url,
                "retrieved": page.retrieved,
                "licence": licence_text,
            }
            if page.charset:
                entry["charset"] = page.charset
            if guessed:
                entry["guessed"] = guessed
            parse_entry(entry, len(ids), paths.sources)  # the build's own checks, before anything moves
            final = paths.raw / name
            if final.exists() and final.read_bytes() != page.data:  # a file dropped in by hand
                raise BuildError(f"{final}: exists with other bytes and no sources.yaml entry; move it away first")
            (staging / name).write_bytes(page.data)
            staged.append((staging / name, final))
            entries.append(entry)
            ids[doc_id] = sha
            shas[sha] = doc_id
            if page.url:
                urls.add(page.url)
            report.added.append((doc_id, page.origin, entry))
        if entries:
            _commit(paths, staged, entries)
            committed = True
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created if not committed else []):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty


def _commit(paths: Paths, staged: list[tuple[Path, Path]], entries: list[dict[str, Any]]) -> None:
    """Write the new sources.yaml beside the old one, check it parses to the old entries plus
    the new ones, then move the raw files and rename it into place."""
    origin = paths.sources
    old = origin.read_text(encoding="utf-8") if origin.exists() else None
    new = append_entries(old, entries, origin) if old is not None else NEW_SOURCES_HEADER + "".join(
        render_entry(e, 2, 4) for e in entries
    )
    tmp = _atomic_write(origin, new)
    try:
        tail = [raw for _, raw in stream_sources(tmp)][-len(entries):]
        if tail != entries:
            raise BuildError(f"{origin}: appending the new entries would not read back as written (file layout not understood)")
        for src, dst in staged:
            os.replace(src, dst)
        os.replace(tmp, origin)
    finally:
        tmp.unlink(missing_ok=True)
    for folder in (paths.raw, paths.corpus):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)  # the renames themselves are durable
        finally:
            os.close(fd)
