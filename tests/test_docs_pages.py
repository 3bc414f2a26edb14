"""Issue 6, fast checks of the page generators and escaping (no site build, no browser)."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.export.escape import html_text, md_inline
from builders.publish import pages
from builders.record import BuildError
from builders.stats import charts

MD = ["tables", "attr_list", "md_in_html", "toc"]
# Single characters that mean something to Markdown, HTML or Jinja, plus Han and plain ones;
# the pairs ({{, {%, %}, ...) arise from adjacent draws.
TRICKY = st.text(
    alphabet=st.sampled_from([*"<>&\"'`*_{}[]()#+-.!|~\\%/= \n", "英", "伟", "达", "a", "1"]), max_size=40
)


def _cell_text(text: str) -> str:
    out = markdown.markdown(f"| h |\n|---|\n| {md_inline(text)} |", extensions=MD)
    m = re.search(r"<td>(.*)</td>", out, re.S)
    assert m, out
    assert "<" not in m.group(1).replace("<code>", "").replace("</code>", "") or "&lt;" in m.group(1)
    return html.unescape(m.group(1))


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_md_inline_shows_exactly_the_text(text: str) -> None:
    if not text.strip():
        assert md_inline(text) == "—"
        return
    rendered = _cell_text(text)
    assert rendered == " ".join(text.split())
    assert "{{" not in md_inline(text) and "{%" not in md_inline(text)  # no live template delimiter


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_html_blocks_show_exactly_the_text(text: str) -> None:
    block = pages.paragraphs_html(text, "zh-Hans")
    out = markdown.markdown("intro\n\n" + block + "\nafter", extensions=MD)
    assert "{{" not in block and "{%" not in block
    assert out.rstrip().endswith("<p>after</p>")  # the block did not swallow or break what follows
    body = re.sub(r"<br>", "\n", out)
    shown = html.unescape(re.sub(r"<[^>]+>", "", body))
    for para in re.split(r"\n\s*\n", text):
        for line in para.split("\n"):
            assert line.strip() in shown


def test_html_text_escapes_markup_and_templates() -> None:
    assert html_text("<script>{{ x }}{% y %}</script>") == (
        "&lt;script&gt;&#123;&#123; x &#125;&#125;&#123;&#37; y &#37;&#125;&lt;/script&gt;"
    )


def test_neutralise_html_keeps_code() -> None:
    src = "a <b>bold</b> `<i>` and\n```\n<script>x</script>\n```\n<img src=x onerror=alert(1)>"
    out = pages.neutralise_html(src)
    assert "&lt;b>" in out and "`<i>`" in out and "<script>x</script>" in out and "&lt;img" in out
    rendered = markdown.markdown(out, extensions=["pymdownx.superfences"])
    assert "<img" not in rendered and "<b>" not in rendered


def test_card_page_hides_no_content_and_runs_no_html() -> None:
    readme = "---\nlicense: other\n---\n\n# Name\n\nText with <script>alert(1)</script> and `code <x>`.\n"
    out = pages.card_page(readme)
    assert out.startswith('---\ntitle: "Data card"')
    assert "license: other" in out and "&lt;script>" in out and "`code <x>`" in out


def test_evaluation_page_generic_and_not_available() -> None:
    assert "not available" in pages.evaluation_page(None, "")
    result = {
        "cleaning": {"summary": "<b>ok</b>", "per_label": {"content": {"f1": 0.9}, "spam": {"f1": 1.0}}},
        "rows": [{"id": "a", "x": 1}, {"id": "b", "y": [1, 2]}],
    }
    out = pages.evaluation_page(result, "e.json")
    rendered = markdown.markdown(out.split("---\n", 2)[2], extensions=MD)
    assert "&lt;b&gt;ok&lt;/b&gt;" in rendered and "<b>ok" not in rendered
    assert rendered.count("<table") >= 3 and "0.9" in rendered


def test_document_page_refuses_unsafe_ids() -> None:
    with pytest.raises(ValueError, match="safe file name"):
        pages.document_page({"id": "../x"}, [], ["Hans"], [], [], [])


def test_missing_cjk_font_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    charts.find_cjk_font.cache_clear()
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    monkeypatch.setattr(charts.font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(BuildError, match="fonts-noto-cjk"):
            charts.find_cjk_font()
    finally:
        charts.find_cjk_font.cache_clear()


def test_cjk_font_has_chinese_glyphs() -> None:
    name = charts.find_cjk_font()
    path = charts.font_manager.findfont(
        charts.font_manager.FontProperties(family=name), fallback_to_default=False
    )
    assert charts._has_glyphs(path)


# --- issue 22: evaluation page, document page, two faces ------------------------------------------

EVAL = {
    "cleaning": {
        "summary": "5 documents <b>x</b>",
        "lines": {
            "per_label": {"content": {"precision": 0.9, "recall": 1.0, "f1": 0.95, "support": 10}},
            "removed": {"precision": 1.0, "recall": 0.8, "f1": 0.89, "support": 5},
        },
        "metadata": {"title": {"correct": 4, "total": 5, "accuracy": 0.8}},
    },
    "annotations": {
        "summaries": {"methods": {"lead3": {"mean_chars": 120.0, "char": {"rouge1": 0.3, "rouge2": 0.2, "rougeL": 0.25},
                                            "word": {"rouge1": 0.2, "rouge2": 0.1, "rougeL": 0.15}}}},
        "topics": {"note": "in-sample", "in_sample": {"micro": {"precision": 0.7, "recall": 0.6, "f1": 0.65}, "exact_match": 0.2}},
    },
}


def test_evaluation_page_has_headline_tables_charts_and_download(tmp_path) -> None:
    tables = pages.evaluation_headlines(EVAL)
    assert set(tables) == {"cleaning", "metadata", "summaries", "topics"}
    assert tables["cleaning"][0] == ["content", 0.9, 1.0, 0.95, 10]
    assert tables["topics"] == [["in_sample", 0.7, 0.6, 0.65, 0.2]]
    made = charts.render_evaluation_charts(tables, tmp_path)
    assert [c.file for c in made] == ["eval-cleaning.svg", "eval-summaries.svg", "eval-topics.svg"]
    assert all((tmp_path / c.file).stat().st_size > 1000 for c in made)
    for lang in ("en", "zh"):
        text = pages.evaluation_page(EVAL, "evaluation.json, sha256 0", lang, made, "assets/evaluation.json")
        out = markdown.markdown(text.split("---\n", 2)[2], extensions=[*MD, "pymdownx.details"])
        assert 'href="assets/evaluation.json" download' in out
        for name in tables:
            assert f'id="eval-{name}"' in out
        assert out.count('class="zh-chart"') == 3
        assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    # A JSON without the expected figures still renders (no headline tables, no crash).
    assert "eval-" not in pages.evaluation_page({"other": {"value": 1}}, "x", "en")


def test_document_page_folds_long_text_and_tables() -> None:
    long_text = "\n\n".join("英伟达" + "芯片供应紧张。" * 40 for _ in range(30))
    html_out = pages.article_html(long_text, "zh-Hans")
    head, _, rest = html_out.partition("<details")
    assert rest and head.count("<p>") < 30  # the rest is folded ...
    assert html_out.count("<p>") == 30  # ... but still in the page (the search indexes it)
