"""Issue 6: the docs site, built from the written dataset and driven in headless Chromium.

The main site is built from the session's real dataset (``built_dataset``; set
``ZHNEWS_DOCS_TEST_DATASET=/path/to/dataset`` to reuse a folder you built yourself). A second site
is built from a one-document dataset whose every text field carries HTML, Markdown and template
payloads: it must build, show the payloads as text and run nothing.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from builders.publish.site import build_site
from builders.schema import class_names

REPO = Path(__file__).resolve().parent.parent
# Screenshots for a person to look at stay outside the repository.
ARTIFACTS = Path(os.environ.get("ZHNEWS_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "zhnews-test-artifacts")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every payload must appear on the page as literal text, and none may run.
PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="/pwned.png" onerror="window.__pwned=2">',
    "{{ config }}",
    "{% raw %}",
    "{# note #}",
    "[click me](javascript:alert(1))",
    "</td></tr></table></div>",
]
HEADING_PAYLOAD = "## 英伟达 heading injected"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(request: pytest.FixtureRequest) -> Path:
    env = os.environ.get("ZHNEWS_DOCS_TEST_DATASET")
    if env:
        return Path(env)
    return request.getfixturevalue("built_dataset")


@pytest.fixture(scope="module")
def site(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    build_site(dataset, out)
    return out


def _injection_document() -> Any:
    from builders.record import Document, Field, Line, Paragraph, Repair, Source, Summary, TopicScore

    payload = " ".join(PAYLOADS)
    raw_lines = [
        f"标题 {PAYLOADS[0]}",
        "首页 | 新闻 | 科技 | 财经",
        f"英伟达GPU供不应求，算力紧缺。{PAYLOADS[1]}",
        HEADING_PAYLOAD,
        f"点击购买显卡 {PAYLOADS[6]} 加微信",
        f"正文第二段：{payload}",
    ]
    labels = [
        ("boilerplate", "title"),
        ("boilerplate", "nav-menu"),
        ("content", "body"),
        ("content", "body"),
        ("spam", "spam-terms"),
        ("content", "body"),
    ]
    lines = [
        Line(i + 1, t, t, lab, rea) for i, (t, (lab, rea)) in enumerate(zip(raw_lines, labels, strict=True))
    ]
    text = "\n\n".join(line.text for line in lines if line.label == "content")
    paragraphs = [Paragraph(i, p, p, p, "Hans") for i, p in enumerate(text.split("\n\n"))]
    source = Source(
        "inj_001",
        "raw/inj_001.txt",
        "0" * 64,
        f"site {PAYLOADS[0]}",
        f"pub {PAYLOADS[4]}",
        "javascript:alert(1)",
        None,
        f"licence {PAYLOADS[3]}",
    )
    return Document(
        id="inj_001",
        source=source,
        raw_sha256="0" * 64,
        encoding="utf-8",
        format="text",
        raw_text="\n".join(raw_lines),
        lines=lines,
        repairs=[Repair("html-tag", 3, PAYLOADS[1], "", "text-rules")],
        title=Field(f"标题 {PAYLOADS[0]} {PAYLOADS[3]}", "test"),
        published_at=Field("2024-11-07T08:00:00+08:00", "test"),
        publisher=Field(f"出版 {PAYLOADS[1]}", "test"),
        author=Field(PAYLOADS[6], "test"),
        text=text,
        text_spun=f"旋转 {payload}",
        text_zh_hans=text,
        text_zh_hant=text,
        title_zh_hans=f"标题 {PAYLOADS[0]}",
        title_zh_hant=f"標題 {PAYLOADS[0]}",
        paragraphs=paragraphs,
        script="Hans",
        script_evidence={"han_chars": 10, "t2s_changed_share": 0.0, "s2t_changed_share": 0.3},
        conversion={
            "library": "x",
            "library_version": "0",
            "to_hans": "t2s",
            "to_hant": "s2tw",
            "phrase_table": "0",
        },
        quality={"spin_score": 0.1, "is_spun": True, "near_duplicate_ids": []},
        summaries=[
            Summary("zh", "Hans", f"摘要 {payload}", "lead3", "1.0", "automatic"),
            Summary("zh", "Hant", f"摘要 {PAYLOADS[0]}", "lead3", "1.0", "automatic"),
            Summary(
                "en", "Latn", f"summary {PAYLOADS[7]}", "curated", "annotation-v1", "curated", "2026-11-23"
            ),
        ],
        summary_source="lead3",
        topics=["gpu_supply"],
        topics_source="automatic",
        topic_scores=[TopicScore("gpu_supply", 2.5, "cue-lexicon@1.0")],
        keywords=[PAYLOADS[0], "算力", PAYLOADS[3]],
        split="train",
        split_rule="hash",
    )


def write_dataset(docs: list[Any], out: Path) -> Path:
    """A dataset folder written exactly as export does (validated rows, Features, card)."""
    from builders.export.card import write_card
    from builders.export.parquet import encode_rows, to_table, write_parquet
    from builders.export.rows import config_rows
    from builders.schema import CONFIGS

    per_doc = [config_rows(d, lambda _n: None) for d in docs]
    for config in CONFIGS:
        rows = [r for made in per_doc for r in made[config]]
        write_parquet(
            to_table(config, encode_rows(config, rows)),
            out / "data" / config / "train-00000-of-00001.parquet",
        )
    write_card(out)
    return out


@pytest.fixture(scope="module")
def injection_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("injection")
    dataset = write_dataset([_injection_document()], base / "dataset")
    evaluation = base / "evaluation.json"
    evaluation.write_text(
        json.dumps(
            {
                "cleaning": {
                    "summary": f"F1 0.9 {PAYLOADS[0]}",
                    "per_document": [{"id": "inj_001", "f1": 0.9, "note": PAYLOADS[1]}],
                },
                PAYLOADS[3]: {"value": 1},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    site = base / "site"
    build_site(dataset, site, evaluation=evaluation)
    return site


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@functools.cache
def _serve(root: str) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright import sync_api
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make test` (installs Debian's chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console errors, page errors, failed requests and dialogs recorded."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        p = self.page
        p.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        p.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        p.on("requestfailed", lambda r: self.errors.append(f"failed request: {r.url} {r.failure}"))
        p.on(
            "response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
        )
        p.on("request", lambda r: self.requests.append(r.url))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        p.on("dialog", on_dialog)

    def goto(self, path: str) -> Any:
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


def _pages(site: Path) -> list[str]:
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
    )


# --- static checks (no browser) ----------------------------------------------------------------


def test_site_has_generated_pages(site: Path, dataset: Path) -> None:
    ids = _parquet_sql(dataset, "documents", "SELECT id FROM t ORDER BY id")
    for page in (
        "card",
        "statistics",
        "documents",
        "evaluation",
        "changelog",
        "schema",
        "quickstart",
        "method",
    ):
        assert (site / page / "index.html").is_file(), page
    for (doc_id,) in ids:
        assert (site / "documents" / doc_id / "index.html").is_file(), doc_id
    assert "not available" in (site / "evaluation" / "index.html").read_text(encoding="utf-8")
    assert list((site / "assets" / "charts").glob("*.svg"))


def test_site_is_offline(site: Path) -> None:
    external = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 5, pages  # the loop below must have pages to check
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not external.search(html), page
        assert '<meta charset="utf-8">' in html.lower(), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


def test_no_glyph_without_a_font(site: Path) -> None:
    """Emoji and other symbols beyond the Basic Multilingual Plane have no glyph in the fonts the
    site relies on (🤗 showed as a box): none may appear in a page's text."""
    for page in site.rglob("*.html"):
        text = HTMLParser(page.read_text(encoding="utf-8")).body.text()
        odd = sorted({c for c in text if ord(c) >= 0x1F000})
        assert not odd, (page, odd)


def test_search_index_has_one_entry_per_document_titled_by_its_headline(site: Path, dataset: Path) -> None:
    """Document pages enter the search index once (English face), titled by the headline, with the
    article text and every alias of their entities; their tables (repairs, metadata, raw lines)
    and the Chinese face's copy stay out."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = dict(_parquet_sql(dataset, "documents", "SELECT id, title FROM t"))
    entries: dict[str, list[dict]] = {}
    for doc in index["docs"]:
        m = re.match(r"^(zh/)?documents/([^/#]+)/", doc["location"])
        if m:
            entries.setdefault(doc["location"].split("#")[0], []).append(doc)
    assert set(entries) == {f"documents/{i}/" for i in titles}
    for location, docs in entries.items():
        doc_id = location.split("/")[1]
        assert len(docs) == 1, (location, [d["location"] for d in docs])
        title = html.unescape(docs[0]["title"].replace("\u200b", ""))
        assert " ".join(title.split()) == " ".join((titles[doc_id] or doc_id).split())
        flat = html.unescape(docs[0]["text"]).replace("\u200b", "").replace(" ", "")
        assert "kindlinebeforeafter" not in flat and "languagescriptmethod" not in flat


def test_search_index_segments_chinese(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"][0] == "zh"
    assert "\\u200b" in index["config"]["separator"]
    tokens = {
        t for doc in index["docs"] for t in re.split(r"[\s\u200b\-]+", doc["title"] + " " + doc["text"])
    }
    # Whole words, so that a typed query (which is not segmented) matches them.
    assert {"英伟达", "算力"} <= tokens
    located = {d["location"].split("#")[0] for d in index["docs"] if "英伟达" in d["text"]}
    assert any(loc.startswith("documents/") and loc != "documents/" for loc in located)


def _parquet_sql(dataset: Path, config: str, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW t AS SELECT * FROM "
        f"read_parquet('{(dataset / 'data' / config).as_posix()}/*.parquet', filename=true)"
    )
    return con.execute(sql).fetchall()


def _table(site: Path, table_id: str) -> list[list[str]]:
    tree = HTMLParser((site / "statistics" / "index.html").read_text(encoding="utf-8"))
    table = tree.css_first(f"table#{table_id}")
    assert table is not None, table_id
    return [[td.text(strip=True) for td in tr.css("td")] for tr in table.css("tbody tr")]


def test_statistics_equal_independent_figures(site: Path, dataset: Path) -> None:
    """Every figure on the statistics page, recomputed from the Parquet files with DuckDB."""

    topic_names = class_names("documents", "topics")
    label_names = class_names("lines", "label")

    docs = _parquet_sql(dataset, "documents", "SELECT count(*), sum(length(text)) FROM t")[0]
    paras = _parquet_sql(dataset, "paragraphs", "SELECT count(*) FROM t")[0][0]
    lines = _parquet_sql(dataset, "lines", "SELECT count(*), count(*) FILTER (WHERE label <> 'content') FROM t")[0]
    overview = dict((r[0], r[1]) for r in _table(site, "stats-overview"))
    assert int(overview["documents"]) == docs[0]
    assert int(overview["paragraphs"]) == paras
    assert int(overview["raw lines (non-blank)"]) == lines[0]
    assert int(overview["characters of clean text"]) == docs[1]
    assert float(overview["share of raw lines removed"]) == pytest.approx(lines[1] / lines[0], abs=1e-5)

    expected = set()
    for config, col in (("documents", "text"), ("paragraphs", "text"), ("lines", "raw_text")):
        for split, n, chars in _parquet_sql(
            dataset, config, f"SELECT split, count(*), sum(length({col})) FROM t GROUP BY split"
        ):
            expected.add((config, split, str(n), str(chars)))
    assert {tuple(r) for r in _table(site, "stats-per-split")} == expected

    per_script = {
        (s, str(n), str(p), str(c))
        for s, n, p, c in _parquet_sql(
            dataset,
            "documents",
            "SELECT script, count(*), sum(num_paragraphs), sum(length(text)) FROM t GROUP BY script",
        )
    }
    assert {tuple(r) for r in _table(site, "stats-per-script")} == per_script

    by_script = {tuple(r) for r in _table(site, "stats-per-split-script")}
    for split, s, n in _parquet_sql(
        dataset, "paragraphs", "SELECT split, script, count(*) FROM t GROUP BY ALL"
    ):
        assert any(r[:4] == ("paragraphs", split, s, str(n)) for r in by_script)

    topic_counts = dict(
        _parquet_sql(
            dataset, "documents", "SELECT tp, count(*) FROM (SELECT unnest(topics) AS tp FROM t) GROUP BY tp"
        )
    )
    shown = {r[0]: int(r[3]) for r in _table(site, "stats-topics")}
    assert shown == {name: topic_counts.get(name, 0) for name in topic_names}

    labels = dict(_parquet_sql(dataset, "lines", "SELECT label, count(*) FROM t GROUP BY label"))
    assert {r[0]: int(r[1]) for r in _table(site, "stats-line-labels")} == {
        n: labels.get(n, 0) for n in label_names
    }
    reasons = {
        f"{lab}:{reason}": n
        for lab, reason, n in _parquet_sql(
            dataset, "lines", "SELECT label, reason, count(*) FROM t WHERE label <> 'content' GROUP BY ALL"
        )
    }
    assert {r[0]: int(r[1]) for r in _table(site, "stats-removed-reasons")} == reasons

    flags = _parquet_sql(
        dataset,
        "documents",
        "SELECT count(*) FILTER (WHERE quality.is_spun), count(*) FILTER (WHERE quality.is_stuffed), "
        "count(*) FILTER (WHERE len(quality.near_duplicate_ids) > 0) FROM t",
    )[0]
    assert {r[0]: int(r[1]) for r in _table(site, "stats-flags")} == dict(
        zip(["spun", "stuffed", "with_near_duplicates"], flags, strict=True)
    )

    repairs = dict(_parquet_sql(dataset, "repairs", "SELECT kind, count(*) FROM t GROUP BY ALL"))
    if repairs:
        assert {r[0]: int(r[1]) for r in _table(site, "stats-repairs")} == repairs

    lengths = {r[0]: r[1:] for r in _table(site, "stats-lengths")}
    lo, hi = _parquet_sql(dataset, "documents", "SELECT min(length(text)), max(length(text)) FROM t")[0]
    assert (int(lengths["documents"][0]), int(lengths["documents"][3])) == (lo, hi)


def test_injection_site_escapes_everything(injection_site: Path) -> None:
    """No payload survives as markup anywhere in the HTML of the injection site."""
    for page in injection_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in html, page
        assert "<img src=x" not in html and '<img src="/pwned.png"' not in html, page
        assert 'href="javascript:' not in html, page
    doc = (injection_site / "documents" / "inj_001" / "index.html").read_text(encoding="utf-8")
    visible = HTMLParser(doc).body.text()
    for payload in PAYLOADS:
        assert payload in visible, payload
    assert HEADING_PAYLOAD in visible  # a Markdown heading in the text stays a line of text
    assert not HTMLParser(doc).css_first("h2#英伟达-heading-injected")


# --- browser -------------------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_loads_cleanly(site: Path, browser: Any) -> None:
    base = _serve(str(site))
    watched = Watched(browser, base)
    pages = _pages(site)
    assert len(pages) >= 10
    # Every page, but at most 20 document pages (they share one template) to bound the time.
    docs = [p for p in pages if re.match(r"^(zh/)?documents/.", p)]
    pages = [p for p in pages if p not in docs[20:]]
    watched.close()
    # Four tabs load at once: each page's wait for network idle (~1 s) overlaps the others'.
    tabs = [Watched(browser, base) for _ in range(4)]
    problems: dict[str, list[str]] = {}
    for start in range(0, len(pages), len(tabs)):
        batch = list(zip(tabs, pages[start : start + len(tabs)], strict=False))
        for tab, path in batch:
            tab.errors.clear()
            tab.page.goto(base + path, wait_until="commit")
        for tab, path in batch:
            tab.page.wait_for_load_state("load")
            tab.page.wait_for_load_state("networkidle")
            assert tab.page.locator("meta[charset]").count() == 1, path
            assert tab.page.locator("h1").count() >= 1, path
            if tab.errors:
                problems[path] = list(tab.errors)
    outside = [u for t in tabs for u in t.requests if not u.startswith(base) and not u.startswith("data:")]
    for tab in tabs:
        tab.close()
    assert not problems, problems
    assert not outside, outside


@pytest.mark.browser
def test_charts_are_visible_and_screenshots(site: Path, browser: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watched = Watched(browser, _serve(str(site)))
    page = watched.goto("")
    page.screenshot(path=str(ARTIFACTS / "docs-home.png"), full_page=True)
    page = watched.goto("statistics/")
    charts = page.locator("img.zh-chart")
    assert charts.count() >= 8
    for i in range(charts.count()):
        img = charts.nth(i)
        img.scroll_into_view_if_needed()
        loaded = img.evaluate("el => el.complete && el.naturalWidth > 0 && el.naturalHeight > 0")
        box = img.bounding_box()
        assert loaded and box and box["width"] > 100 and box["height"] > 50, img.get_attribute("src")
    page.screenshot(path=str(ARTIFACTS / "docs-statistics.png"), full_page=True)
    assert not watched.errors, watched.errors
    watched.close()


def _search(watched: Watched, query: str) -> list[str]:
    page = watched.goto("")
    box = page.locator("input.md-search__input")
    box.focus()
    box.fill(query)
    box.press("End")  # Material reads the query on key events; fill() alone sends none
    meta = page.locator(".md-search-result__meta")
    # The meta line changes from its placeholder once the worker has answered.
    page.wait_for_function(
        "el => el && /\\d|No matching/.test(el.textContent)", arg=meta.element_handle(), timeout=15_000
    )
    results = page.locator(".md-search-result__item")
    return [results.nth(i).inner_text() for i in range(results.count())]


@pytest.mark.browser
def test_search_finds_chinese_terms(site: Path, browser: Any) -> None:
    watched = Watched(browser, _serve(str(site)))
    for query in ("英伟达", "算力"):
        found = _search(watched, query)
        assert found, f"search for {query} found nothing"
        links = watched.page.locator(".md-search-result__link")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert any("documents/" in h for h in hrefs), (query, hrefs)
    assert not _search(watched, "zzqxjvwkq")  # the search can also find nothing
    assert not watched.errors, watched.errors
    watched.close()


@pytest.mark.browser
def test_document_browser_shows_every_title(site: Path, dataset: Path, browser: Any) -> None:
    rows = _parquet_sql(dataset, "documents", "SELECT id, title FROM t ORDER BY id")
    watched = Watched(browser, _serve(str(site)))
    listing = watched.goto("documents/").locator("article").inner_text()
    for doc_id, title in rows:
        assert doc_id in listing
        if title:
            assert " ".join(title.split()) in " ".join(listing.split()), title
    for n, (doc_id, title) in enumerate(rows):
        page = watched.goto(f"documents/{doc_id}/")
        heading = page.locator("h1.zh-doc-title").inner_text()
        assert " ".join((title or doc_id).split()) == " ".join(heading.split())
        raw = page.locator("#doc-raw-page tbody tr")
        expected = _parquet_sql(
            dataset,
            "lines",
            f"SELECT count(*), count(*) FILTER (WHERE label <> 'content') FROM t WHERE document_id = '{doc_id}'",
        )[0]
        assert raw.count() == expected[0]
        assert page.locator("#doc-raw-page tr.zh-line:not(.zh-content) .zh-mark").count() == expected[1]
        if n == 0:
            page.screenshot(path=str(ARTIFACTS / "docs-document.png"), full_page=True)
    assert not watched.errors, watched.errors
    watched.close()


@pytest.mark.browser
def test_injection_payloads_render_as_text(injection_site: Path, browser: Any) -> None:
    watched = Watched(browser, _serve(str(injection_site)))
    for path in ("documents/inj_001/", "documents/", "card/", "evaluation/", "statistics/"):
        page = watched.goto(path)
        assert page.evaluate("window.__pwned") is None, path
        # text_content: folded blocks (<details>) count; the payload must be there as text.
        body = page.locator("body").text_content() or ""
        if path == "documents/inj_001/":
            for payload in PAYLOADS:
                assert payload in body, payload
        if path == "evaluation/":
            assert PAYLOADS[0] in body and PAYLOADS[1] in body
    # Search results show indexed payload text without running it.
    assert _search(watched, "onerror")
    watched.page.wait_for_timeout(300)
    assert watched.page.evaluate("window.__pwned") is None
    assert not watched.dialogs, watched.dialogs
    assert not any(u.endswith(("/x", "/pwned.png")) for u in watched.requests), watched.requests
    assert not watched.errors, watched.errors
    watched.close()


# --- issue 22: entities, aliases, two faces ------------------------------------------------------


def _doc_ids(hrefs: list[str]) -> list[str]:
    """Document ids of result links, in order, once each (either face)."""
    ids: list[str] = []
    for h in hrefs:
        m = re.search(r"(?:^|/)documents/([A-Za-z0-9][A-Za-z0-9_.-]*)/", h.split("?")[0].split("#")[0])
        if m and m.group(1) not in ids:
            ids.append(m.group(1))
    return ids


def _result_links(watched: Watched, query: str, start: str = "") -> list[str]:
    page = watched.goto(start)
    box = page.locator("input.md-search__input")
    box.focus()
    box.fill(query)
    box.press("End")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "el => el && /\\d|No matching|没有/.test(el.textContent)", arg=meta.element_handle(), timeout=15_000
    )
    links = page.locator(".md-search-result__item > .md-search-result__link")
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def _entity_docs(dataset: Path, entity: str) -> set[str]:
    rows = _parquet_sql(dataset, "documents", "SELECT id, entities FROM t")
    return {doc_id for doc_id, ents in rows if any(e["id"] == entity for e in ents)}


@pytest.mark.browser
def test_aliases_of_nvidia_find_the_same_documents(site: Path, dataset: Path, browser: Any) -> None:
    """輝達 (Taiwan), 英偉達 (Hong Kong), 英伟达 (mainland) and NVIDIA: one entity, one result set,
    in both faces; the set is every document tagged nvidia."""
    expected = _entity_docs(dataset, "nvidia")
    assert expected
    watched = Watched(browser, _serve(str(site)))
    for start in ("", "zh/"):
        found = {q: set(_doc_ids(_result_links(watched, q, start))) for q in ("輝達", "英偉達", "英伟达", "NVIDIA")}
        assert all(ids == expected for ids in found.values()), (start, found, expected)
    assert not watched.errors, watched.errors
    assert all(u.startswith(watched.base) or u.startswith("data:") for u in watched.requests)
    watched.close()


@pytest.mark.browser
def test_person_query_finds_exactly_the_documents_that_contain_it(site: Path, dataset: Path, browser: Any) -> None:
    """黃仁勳 (Traditional) returns the documents whose text holds it in either script: 黃仁勳 in
    the zh-Hant text, or its Simplified form 黄仁勋 in the zh-Hans text; no other document."""
    from builders.textscript.convert import get_converter

    query = "黃仁勳"
    hans = get_converter().to_hans(query)
    rows = _parquet_sql(dataset, "documents", "SELECT id, text, text_zh_hans, text_zh_hant FROM t")
    expected = {d for d, text, zh_hans, zh_hant in rows if query in zh_hant or query in text or hans in zh_hans}
    assert expected and len(expected) < len(rows)  # a query that can also miss
    watched = Watched(browser, _serve(str(site)))
    assert set(_doc_ids(_result_links(watched, query))) == expected
    assert not watched.errors, watched.errors
    watched.close()


@pytest.mark.browser
def test_first_result_for_a_company_is_a_document_titled_by_its_headline(
    site: Path, dataset: Path, browser: Any
) -> None:
    titles = dict(_parquet_sql(dataset, "documents", "SELECT id, title FROM t"))
    watched = Watched(browser, _serve(str(site)))
    for query in ("英伟达", "华为", "AMD", "寒武纪"):
        hrefs = _result_links(watched, query)
        assert hrefs and _doc_ids(hrefs[:1]), (query, hrefs[:3])
        first = watched.page.locator(".md-search-result__item").first
        title = first.locator("h1").inner_text().replace("\u200b", "")
        doc_id = _doc_ids(hrefs[:1])[0]
        assert " ".join(title.split()) == " ".join((titles[doc_id] or doc_id).split()), (query, title)
        # The snippet is article text or a summary, never table cells run together.
        snippet = first.inner_text()
        assert "languagescriptmethod" not in snippet.replace(" ", "") and "kindlinebeforeafter" not in snippet
    assert not watched.errors, watched.errors
    watched.close()


@pytest.mark.browser
def test_document_pages_fit_and_list_entities_with_aliases(site: Path, dataset: Path, browser: Any) -> None:
    rows = _parquet_sql(dataset, "documents", "SELECT id, entities FROM t ORDER BY id")
    watched = Watched(browser, _serve(str(site)))
    for doc_id, entities in rows:
        for face in ("", "zh/"):
            page = watched.goto(f"{face}documents/{doc_id}/")
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height < 6000, (face, doc_id, height)
            shown = page.locator(".zh-doc-entities .zh-entity")
            assert shown.count() == len(entities)
            for i, ent in enumerate(entities):
                assert shown.nth(i).get_attribute("data-entity") == ent["id"]
                text = shown.nth(i).inner_text()
                assert all(form in text for form in ent["forms"]), (doc_id, ent)
    # The list of documents fits a laptop screen: no horizontal scrolling, topics and entities shown.
    page = watched.goto("documents/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    header = page.locator("#doc-list thead").inner_text()
    assert "Topics" in header and "Entities" in header
    assert page.locator("#doc-list tbody tr").count() == len(rows)
    assert not watched.errors, watched.errors
    watched.close()


@pytest.mark.browser
def test_language_switch_leads_to_the_same_page(site: Path, dataset: Path, browser: Any) -> None:
    (doc_id,) = _parquet_sql(dataset, "documents", "SELECT min(id) FROM t")[0]
    watched = Watched(browser, _serve(str(site)))
    for path in (f"documents/{doc_id}/", "statistics/", "card/", "entities/", "documents/", ""):
        page = watched.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        page.locator(".md-select").first.hover()
        page.locator('a.md-select__link[hreflang="zh"]').click()
        page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        assert page.url == watched.base + "zh/" + path, (path, page.url)
        assert page.locator("html").get_attribute("lang") == "zh"
        page.locator(".md-select").first.hover()
        page.locator('a.md-select__link[hreflang="en"]').click()
        page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        assert page.url == watched.base + path, (path, page.url)
    assert not watched.errors, watched.errors
    assert all(u.startswith(watched.base) or u.startswith("data:") for u in watched.requests)
    watched.close()
