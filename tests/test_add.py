"""`zhnews add`: pages and WARC files into a corpus, then a build of that corpus.

The WARC files are written here with warcio (gzip and plain), with the records a real crawl
holds besides pages: a request, a revisit, an image, a 404 and a second capture of one URL.
"""

from __future__ import annotations

import gzip
import re
import shutil
from io import BytesIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from builders import cli
from builders.config import Paths, default_paths
from builders.ingest.add import add_pages, append_entries
from builders.ingest.decode import decode_bytes
from builders.ingest.sources import load_sources
from builders.ingest.warc import Skipped, read_warc
from builders.publish.pages import source_link
from builders.record import BuildError

REPO = Path(__file__).resolve().parent.parent

ARTICLE = (
    "<html><head><title>寒武纪发布新一代训练芯片_算力观察</title></head><body>"
    "<nav>首页 | 新闻 | 科技</nav><h1>寒武纪发布新一代训练芯片</h1><p>来源：证券时报</p>"
    "<p>寒武纪周三发布新一代云端训练芯片，公司表示其算力较上一代提升一倍，已向多家互联网企业送样。</p>"
    "<p>分析人士认为，国产训练芯片的量产进度仍取决于先进制程产能。</p></body></html>"
)
URL = "https://news.example.org/2024/05/chip.html"
WARC_DATE = "2024-05-01T08:30:00Z"
TEXT_PAGE = (
    "国内算力租赁价格上涨\n2024-06-01 10:00  来源：第一财经\n"
    "记者了解到，受出口管制影响，高端GPU交付周期拉长，国内多家算力租赁企业上调了报价。\n"
    "业内人士表示，国产AI芯片正在加快替代，但软件生态建设仍需时间。\n"
)
HTML_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>昇腾出货量增长 - 科技日报网</title>'
    '<meta property="og:site_name" content="科技日报网"></head><body><article><h1>昇腾出货量增长</h1>'
    "<p>据供应链消息，昇腾芯片今年出货量同比增长明显，多家互联网公司加大采购。</p>"
    "<p>分析人士认为，国产算力芯片在推理场景的占比将继续提升。</p></article></body></html>"
)


def write_warc(path: Path, gzipped: bool) -> Path:
    """An HTML page in GBK whose only charset statement is the HTTP header, plus the records a
    crawl holds besides pages."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK", date: str = WARC_DATE) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
            )
            writer.write_record(record)

        request = StatusAndHeaders("GET /2024/05/chip.html HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record(URL, "request", payload=BytesIO(b""), http_headers=request))
        response(URL, ARTICLE.encode("gbk"), "text/html; charset=GB2312")
        response("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        response("https://news.example.org/gone.html", "<html>页面不存在</html>".encode(), "text/html", "404 Not Found")
        # The same URL captured again a day later with other bytes: the first capture wins.
        later = ARTICLE.replace("提升一倍", "提升两倍").encode("gbk")
        response(URL, later, "text/html; charset=gbk", date="2024-05-02T08:30:00Z")
        writer.write_record(
            writer.create_revisit_record(URL, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=URL, refers_to_date=WARC_DATE)
        )
    return path


@pytest.fixture()
def pages(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.txt").write_text(TEXT_PAGE, encoding="utf-8")
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    return {
        "text": folder / "page.txt",
        "html": folder / "page.html",
        "warc": write_warc(folder / "crawl.warc.gz", gzipped=True),
        "plain_warc": write_warc(folder / "crawl.warc", gzipped=False),
    }


def _paths(corpus: Path) -> Paths:
    base = default_paths()
    return Paths(corpus=corpus, schema=base.schema, docs=base.docs)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_warc_records_are_read_and_skipped_by_reason(pages: dict[str, Path]) -> None:
    """Catches: revisits or requests taken as pages, the status or media type not checked, the
    HTTP charset dropped, the raw HTTP block (headers) taken as the page."""
    for key in ("warc", "plain_warc"):
        items = list(read_warc(pages[key]))
        reasons = [i.reason for i in items if isinstance(i, Skipped)]
        found = [i for i in items if not isinstance(i, Skipped)]
        assert reasons == ["request", "not_html", "status_404", "revisit"], key
        assert [(p.url, p.retrieved, p.charset) for p in found] == [
            (URL, WARC_DATE, "gb2312"),
            (URL, "2024-05-02T08:30:00Z", "gbk"),
        ]
        assert found[0].data == ARTICLE.encode("gbk")


def test_add_then_build_carries_provenance(pages: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Catches: WARC-Date / URL not written to sources.yaml or not reaching the rows, the HTTP
    charset not reaching decode_bytes (the encoding would be the detected "gbk"), a second
    add that writes again, provenance counts missing from the card."""
    corpus = tmp_path / "fresh"
    argv = ["add", str(pages["text"]), str(pages["html"]), str(pages["warc"]), "--corpus", str(corpus)]
    assert cli.main([*argv, "--retrieved", "2024-06-02"]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("added ") for line in out.splitlines()) == 3
    assert "skipped 1 WARC record(s): duplicate_url" in out
    assert "skipped 1 WARC record(s): revisit" in out and "skipped 1 WARC record(s): not_html" in out

    sources = {s.url: s for s in load_sources(_paths(corpus))}  # the build's own checks pass
    assert len(sources) == 2 and len(load_sources(_paths(corpus))) == 3
    warc_source = sources[URL]
    assert warc_source.retrieved == WARC_DATE and warc_source.charset == "gb2312"
    assert warc_source.site == "算力观察"  # the <title> suffix, marked guessed:
    text = (corpus / "sources.yaml").read_text(encoding="utf-8")
    assert "guessed: [site, publisher]" in text and "publisher: 证券时报" in text

    # Adding the same bytes again changes nothing and says so.
    before = _tree(corpus)
    assert cli.main(argv) == 0
    again = capsys.readouterr().out
    assert again.count("unchanged: ") == 3 and "nothing added" in again
    assert _tree(corpus) == before

    out_dir = tmp_path / "dataset"
    assert cli.main(["build", "--corpus", str(corpus), "--out", str(out_dir), "--no-progress"]) == 0
    rows = [r for f in sorted((out_dir / "data" / "documents").glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
    by_url = {r["source"]["url"]: r for r in rows}
    assert len(rows) == 3
    warc_row = by_url[URL]
    assert warc_row["source"]["retrieved"] == WARC_DATE
    assert warc_row["source"]["site"] == "算力观察"
    # The HTTP charset decided the decoding (detection alone would have said "gbk").
    assert warc_row["source"]["encoding"] == "gb18030"
    assert "寒武纪周三发布新一代云端训练芯片" in warc_row["text"]
    plain = [r for r in rows if r["source"]["url"] is None]
    assert {r["source"]["retrieved"] for r in plain} == {"2024-06-02"}
    card = (out_dir / "README.md").read_text(encoding="utf-8")
    assert "| `source.url` | 1 | 3 |" in card and "| `source.retrieved` | 3 | 3 |" in card


def test_a_bad_file_leaves_the_corpus_untouched(pages: dict[str, Path], corpus_copy: Path, tmp_path: Path) -> None:
    """Catches: files moved into raw/ or sources.yaml written before every input was checked,
    the staging folder left behind."""
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    before = _tree(corpus_copy)
    with pytest.raises(BuildError, match=r"broken\.txt"):
        add_pages(_paths(corpus_copy), [pages["text"], pages["warc"], bad, pages["html"]])
    assert _tree(corpus_copy) == before  # sources.yaml byte-identical, no raw file, no staging left
    assert cli.main(["add", str(pages["html"]), str(tmp_path / "missing.html"), "--corpus", str(corpus_copy)]) == 2
    assert _tree(corpus_copy) == before


def test_append_keeps_comments_and_order(pages: dict[str, Path], corpus_copy: Path) -> None:
    """Catches: sources.yaml re-dumped (comments and folded licences lost), --site not taking
    precedence over the guess or still marked guessed."""
    old = (corpus_copy / "sources.yaml").read_text(encoding="utf-8")
    report = add_pages(_paths(corpus_copy), [pages["html"]], url="https://example.com/a", site="科技日报")
    new = (corpus_copy / "sources.yaml").read_text(encoding="utf-8")
    assert new.startswith(old) and new[len(old):].startswith("  - id: ")
    ids = [s.id for s in load_sources(_paths(corpus_copy))]
    assert report.added[0][0] in ids and len(ids) == old.count("\n  - id: ") + 1
    entry = report.added[0][2]
    assert entry["site"] == "科技日报" and "guessed" not in entry  # given, not guessed


def test_append_entries_into_other_layouts() -> None:
    """Catches: entries appended at the end of the file (after a later top-level key), a fixed
    indentation instead of the file's own, an empty flow list left unparseable."""
    entry = {"id": "x1", "file": "raw/x1.txt", "sha256": "0" * 64, "site": None, "publisher": None,
             "url": None, "retrieved": None, "licence": "note"}  # fmt: skip
    text = (
        "# head\nsources:\n    -   id: a\n        file: raw/a.txt  # the first\n"
        "        guessed: [site]\n# a comment on schema_version\nschema_version: 1\n"
    )
    new = append_entries(text, [entry], Path("s.yaml"))
    assert new.replace("    -   id: x1\n", "", 1).count("x1") == 1  # written once, in the items' style
    assert new.endswith("# a comment on schema_version\nschema_version: 1\n")
    assert "        guessed: [site]\n    -   id: x1\n        file: raw/x1.txt\n" in new
    empty = append_entries("schema_version: 1\nsources: []  # none yet\n", [entry], Path("s.yaml"))
    assert empty.startswith("schema_version: 1\nsources:\n  - id: x1\n") and empty.endswith("  # none yet\n")
    with pytest.raises(BuildError, match="flow style"):
        append_entries("sources: [{id: a}]\n", [entry], Path("s.yaml"))


def test_options_are_checked(pages: dict[str, Path], tmp_path: Path) -> None:
    paths = _paths(tmp_path / "c")
    with pytest.raises(BuildError, match="--url names one page"):
        add_pages(paths, [pages["text"], pages["html"]], url="https://example.com/")
    with pytest.raises(BuildError, match="not an http"):
        add_pages(paths, [pages["text"]], url="javascript:alert(1)")
    with pytest.raises(BuildError, match="ISO 8601"):
        add_pages(paths, [pages["text"]], retrieved="yesterday")
    assert not (tmp_path / "c").exists()


def test_damaged_warc_is_refused(tmp_path: Path, pages: dict[str, Path]) -> None:
    """Catches: warcio's quiet end at a cut-off gzip member taken as a complete crawl."""
    data = pages["warc"].read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    not_warc = tmp_path / "page.warc.gz"
    not_warc.write_bytes(gzip.compress(b"<html>not a warc</html>"))
    for path in (cut, not_warc):
        with pytest.raises(BuildError, match=re.escape(path.name)):
            add_pages(_paths(tmp_path / "c"), [path])
        assert not (tmp_path / "c").exists()


def test_sources_charset_and_guessed_are_validated(corpus_copy: Path) -> None:
    path = corpus_copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    first = "    licence: >-\n"
    path.write_text(text.replace(first, "    charset: no-such-codec\n" + first, 1), encoding="utf-8")
    with pytest.raises(BuildError, match="charset 'no-such-codec' is not a known text encoding"):
        load_sources(_paths(corpus_copy))
    path.write_text(text.replace(first, "    guessed: [licence]\n" + first, 1), encoding="utf-8")
    with pytest.raises(BuildError, match="guessed must be a list"):
        load_sources(_paths(corpus_copy))


def test_charset_hint_decides_only_when_it_fits() -> None:
    """Catches: the hint trusted blindly (ISO-8859-1 mojibake, Big5 on UTF-8 bytes) or ignored."""
    data = "英伟达发布新一代数据中心芯片，算力提升三倍。".encode("gbk")
    assert decode_bytes(data, Path("p"), "gb2312")[1] == "gb18030"
    assert decode_bytes(data, Path("p"), None)[1] == "gbk"  # detection, as before
    # A server default of ISO-8859-1 decodes any bytes, to mojibake: it is not trusted.
    assert decode_bytes(data, Path("p"), "iso-8859-1")[1] == "gbk"
    assert decode_bytes("纯文本".encode(), Path("p"), "big5")[1] == "utf-8"  # not Big5: falls back


def test_build_with_another_corpus_needs_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    assert cli.main(["build", "--corpus", str(corpus)]) == 2
    assert "needs --out" in capsys.readouterr().err
    assert not (corpus.parent / "build").exists()


def test_source_url_is_an_escaped_nofollow_link() -> None:
    link = source_link('https://example.com/a?b=1&c="><script>')
    assert link.startswith('<a href="https://example.com/a?b=1&amp;c=&quot;&gt;&lt;script&gt;"')
    assert 'rel="nofollow noopener"' in link and "<script>" not in link
    assert "<a " not in source_link("javascript:alert(1)")


def test_benchmark_warc_is_deterministic_and_imports(tmp_path: Path) -> None:
    from benchmarks.generate import generate_warc

    a = generate_warc(tmp_path / "a.warc.gz", 20)
    b = generate_warc(tmp_path / "b.warc.gz", 20)
    assert a.read_bytes() == b.read_bytes()
    report = add_pages(_paths(tmp_path / "c"), [a])
    assert len(report.added) == 20 and report.skipped == {"request": 20}
    sources = load_sources(_paths(tmp_path / "c"))
    assert {s.charset for s in sources} == {"utf-8", "gbk"}
    assert all(s.url and s.retrieved and s.site for s in sources)


def test_progress_defaults_to_the_terminal() -> None:
    assert cli.parser().parse_args(["build"]).progress is None
    assert cli.parser().parse_args(["build", "--no-progress"]).progress is False
