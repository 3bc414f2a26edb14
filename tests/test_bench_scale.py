"""Issue 9: what the parent process holds must not grow with the corpus beyond compact
per-document records. These tests build crawls themselves (many tiny pages) and measure
allocations with tracemalloc, so they fail when a step goes back to holding whole structures."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
import yaml

from builders.config import Paths, default_paths
from builders.ingest.sources import load_sources
from builders.record import BuildError


def _crawl(root: Path, n: int, extra: str = "") -> Paths:
    raw = root / "corpus" / "raw"
    raw.mkdir(parents=True)
    entries = []
    for i in range(n):
        data = f"第{i}篇 新闻 正文。\n".encode()
        name = f"{i:06d}.txt"
        (raw / name).write_bytes(data)
        entries.append({
            "id": f"p{i:06d}", "file": f"raw/{name}", "sha256": hashlib.sha256(data).hexdigest(),
            "site": f"site{i % 7}.example", "publisher": f"发布者{i % 7}", "url": f"https://site{i % 7}.example/{i}",
            "retrieved": "2025-01-02T03:04:05+08:00", "licence": "publisher's copyright; research use",
        })
    text = yaml.safe_dump({"schema_version": 1, "sources": entries}, allow_unicode=True, sort_keys=False)
    (root / "corpus" / "sources.yaml").write_text(text + extra, encoding="utf-8")
    base = default_paths()
    return Paths(corpus=root / "corpus", schema=base.schema, docs=base.docs)


def _peak(paths: Paths) -> tuple[int, int]:
    tracemalloc.start()
    try:
        sources = load_sources(paths)
        return len(sources), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_sources_yaml_is_read_entry_by_entry(tmp_path: Path) -> None:
    """Loading the whole YAML file built ~11 KB of nodes and marks per entry (1.15 GB at
    100,000 pages); entry by entry, what stays is the Source records (well under 2 KB each)."""
    n = 3000
    paths = _crawl(tmp_path, n)
    count, peak = _peak(paths)
    assert count == n
    assert peak / n < 2500, f"{peak / n:.0f} bytes per entry"
    sources = load_sources(paths)
    assert [s.id for s in sources] == sorted(s.id for s in sources)
    # Repeated strings are shared between entries.
    assert sources[0].licence is sources[1].licence
    assert sources[0].site is sources[7].site


def test_streamed_sources_equal_a_whole_file_load(tmp_path: Path) -> None:
    paths = _crawl(tmp_path, 50)
    data = yaml.safe_load(paths.sources.read_text(encoding="utf-8"))
    got = load_sources(paths)
    assert [(s.id, s.file, s.sha256, s.site, s.publisher, s.url, s.retrieved, s.licence) for s in got] == [
        (e["id"], e["file"], e["sha256"], e["site"], e["publisher"], e["url"], e["retrieved"], e["licence"])
        for e in sorted(data["sources"], key=lambda e: e["id"])
    ]


def test_top_level_key_after_the_list_is_still_checked(tmp_path: Path) -> None:
    paths = _crawl(tmp_path, 20, extra="sources_extra: 1\n")
    with pytest.raises(BuildError, match=r"unknown top-level keys \['sources_extra'\]"):
        load_sources(paths)


def test_repeated_top_level_key_is_refused(tmp_path: Path) -> None:
    paths = _crawl(tmp_path, 3, extra="schema_version: 2\n")
    with pytest.raises(BuildError, match="key 'schema_version' appears twice"):
        load_sources(paths)


def test_yaml_anchors_still_work(tmp_path: Path) -> None:
    """An entry may reuse a value anchored in an earlier one (plain YAML semantics)."""
    paths = _crawl(tmp_path, 2)
    text = paths.sources.read_text(encoding="utf-8")
    text = text.replace("licence: publisher's copyright; research use", "licence: &lic publisher's copyright; research use", 1)
    head, tail = text.rsplit("licence: publisher's copyright; research use", 1)
    paths.sources.write_text(head + "licence: *lic" + tail, encoding="utf-8")
    assert {s.licence for s in load_sources(paths)} == {"publisher's copyright; research use"}
