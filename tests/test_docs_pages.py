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
