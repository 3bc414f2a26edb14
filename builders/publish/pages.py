"""Markdown pages of the docs site generated from the written dataset (pure functions of rows).

Every string that comes from the corpus, the evaluation JSON or the card goes through
:mod:`builders.export.escape`. Corpus text is emitted inside raw HTML blocks (escaped with
``html_text``; Python-Markdown leaves raw HTML blocks alone, so Markdown and template syntax in
the text stays inert) or, in Markdown tables, through ``md_inline``. Corpus text never becomes
a page *title*: MkDocs themes print titles unescaped (Material's ``striptags`` even unescapes
entities), so document pages are titled by their id, which the schema restricts to
``[A-Za-z0-9_.-]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from builders.export.escape import html_attr, html_text, md_inline
from builders.stats.charts import Chart

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
SCRIPT_LANG = {"Hans": "zh-Hans", "Hant": "zh-Hant", "mixed": "zh"}


# --- HTML helpers -------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One table cell's HTML: numbers as they are, None as an em dash, the rest escaped."""
    if value is None:
        return '<span class="zh-none">—</span>'
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) if value else '<span class="zh-none">—</span>'
    if isinstance(value, Mapping):
        return html_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return html_text(value)


def html_table(
    header: Sequence[str], rows: Iterable[Sequence[str]], table_id: str | None = None, cls: str = "zh-table"
) -> str:
    """A raw HTML table on one line per row (no blank lines: the block stays one HTML block).

    Header and cells must already be HTML (use :func:`cell`)."""
    ident = f' id="{html_attr(table_id)}"' if table_id else ""
    out = [
        f'<table class="{cls}"{ident}>',
        "<thead><tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr></thead>",
        "<tbody>",
    ]
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "\n".join(out) + "\n"


def paragraphs_html(text: str, lang: str) -> str:
    """Clean text (paragraphs separated by blank lines) as escaped <p> elements."""
    paras = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    body = "\n".join("<p>" + "<br>".join(html_text(line) for line in p.split("\n")) + "</p>" for p in paras)
    return f'<div class="zh-text" lang="{lang}">\n{body or "<p><em>(empty)</em></p>"}\n</div>\n'


def front_matter(title: str) -> str:
    # Titles are ours (never corpus text); json.dumps makes a valid YAML double-quoted scalar.
    return f"---\ntitle: {json.dumps(title)}\n---\n\n"


# --- statistics -----------------------------------------------------------------------------


def statistics_page(
    stats: Mapping[str, Any], charts: Sequence[Chart], topics: Sequence[Mapping[str, Any]], version: str
) -> str:
    chart = {c.file: c for c in charts}

    def img(name: str) -> str:
        c = chart[name]
        return f"![{md_inline(c.title)}](assets/charts/{c.file}){{ .zh-chart }}\n"

    total_lines = stats["lines"] or 1
    topic_info = {t["id"]: t for t in topics}
    parts = [
        front_matter("Statistics"),
        "# Statistics\n\n",
        f"Computed from the written Parquet files of version **{html_text(version)}** at build time; "
        "charts are drawn from the same figures. Characters are Unicode code points of the clean "
        "text (`documents.text`, `paragraphs.text`) or of the raw line (`lines.raw_text`).\n\n",
        "## Overview { #overview }\n\n",
        html_table(
            ["figure", "value"],
            [
                ["documents", cell(stats["documents"])],
                ["paragraphs", cell(stats["paragraphs"])],
                ["raw lines (non-blank)", cell(stats["lines"])],
                ["characters of clean text", cell(stats["characters"])],
                ["share of raw lines removed", cell(stats["removed_line_share"])],
            ],
            "stats-overview",
        ),
        "\n## Rows and characters per config and split { #per-split }\n\n",
        html_table(
            ["config", "split", "rows", "characters"],
            [
                [cell(c), cell(s), cell(e["rows"]), cell(e["chars"])]
                for c, per in stats["per_split"].items()
                for s, e in per.items()
            ],
            "stats-per-split",
        ),
        "\n" + img("rows-per-split.svg"),
        "\n## Per config, split and script { #per-split-script }\n\n",
        "Lines take the script of their document.\n\n",
        html_table(
            ["config", "split", "script", "rows", "characters"],
            [
                [cell(c), cell(s), cell(sc), cell(e["rows"]), cell(e["chars"])]
                for c, per in stats["per_split_script"].items()
                for s, by in per.items()
                for sc, e in by.items()
            ],
            "stats-per-split-script",
        ),
        "\n## Scripts { #scripts }\n\n",
        html_table(
            ["script", "documents", "paragraphs", "characters"],
            [
                [cell(s), cell(e["documents"]), cell(e["paragraphs"]), cell(e["chars"])]
                for s, e in stats["per_script"].items()
            ],
            "stats-per-script",
        ),
        "\n" + img("script.svg"),
        "\n## Topics { #topics }\n\n",
        "Documents per topic of the [taxonomy](taxonomy.md) (a document may have several).\n\n",
        html_table(
            ["topic", "中文", "English", "documents"],
            [
                [
                    f"<code>{cell(t)}</code>",
                    cell(topic_info.get(t, {}).get("zh_hans")),
                    cell(topic_info.get(t, {}).get("en")),
                    cell(n),
                ]
                for t, n in stats["topics"].items()
            ],
            "stats-topics",
        ),
        "\n" + img("topics.svg"),
        "\n## Length distributions { #lengths }\n\n",
        html_table(
            ["config", "min", "median", "mean", "max"],
            [
                [cell(c), *(cell(v[k]) for k in ("min", "median", "mean", "max"))]
                for c, v in stats["length_summary"].items()
            ],
            "stats-lengths",
        ),
        "\n" + img("document-lengths.svg") + "\n" + img("paragraph-lengths.svg"),
        "\n## Lines removed and why { #removed }\n\n",
        "Every non-blank raw line has a label (`content`, `boilerplate`, `spam`) and a reason code; "
        "see [cleaning](cleaning.md). Shares are of all raw lines.\n\n",
        html_table(
            ["label", "lines", "share"],
            [[cell(k), cell(v), cell(round(v / total_lines, 4))] for k, v in stats["line_labels"].items()],
            "stats-line-labels",
        ),
        "\n" + img("line-labels.svg") + "\n",
        html_table(
            ["label:reason", "lines", "share"],
            [
                [f"<code>{cell(k)}</code>", cell(v), cell(round(v / total_lines, 4))]
                for k, v in stats["removed_reasons"].items()
            ],
            "stats-removed-reasons",
        ),
        "\n" + img("removed-reasons.svg"),
        "\n## Quality flags { #flags }\n\n",
        html_table(
            ["flag", "documents"],
            [[cell(k), cell(v)] for k, v in stats["flags"].items()],
            "stats-flags",
        ),
        "\n## Repairs { #repairs }\n\n",
        "Every change to the text is logged per document (`documents.repairs`); "
        "see [repairs](repairs.md).\n\n",
        html_table(
            ["kind", "count"],
            [[f"<code>{cell(k)}</code>", cell(v)] for k, v in stats["repairs"].items()],
            "stats-repairs",
        )
        if stats["repairs"]
        else "No repairs were needed.\n",
        "\n" + img("repairs.svg"),
    ]
    return "".join(parts)


# --- documents ------------------------------------------------------------------------------


def documents_index(
    docs: Sequence[Mapping[str, Any]], scripts: Sequence[str], topic_names: Sequence[str]
) -> str:
    lines = [
        front_matter("Documents"),
        "# Documents\n\n",
        "One page per document: metadata with the rule that produced each value, summaries with "
        "their provenance, topics, keywords, the clean text in both scripts and the raw page with "
        "every removed line marked.\n\n",
        "| id | split | script | title | publisher | published at | topics |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in docs:
        topics = ", ".join(md_inline(topic_names[t]) for t in d["topics"]) or "—"
        lines.append(
            f"| [{md_inline(d['id'])}]({d['id']}.md) | {md_inline(d['split'])} "
            f"| {md_inline(scripts[d['script']])} | {md_inline(d['title'])} | {md_inline(d['publisher'])} "
            f"| {md_inline(d['published_at'])} | {topics} |"
        )
    return "\n".join(lines) + "\n"


def _kv(rows: Sequence[tuple[str, Any]], table_id: str | None = None) -> str:
    return html_table(
        ["field", "value"], [[html_text(k), cell(v)] for k, v in rows], table_id, cls="zh-table zh-kv"
    )


def document_page(
    doc: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    scripts: Sequence[str],
    topic_names: Sequence[str],
    line_labels: Sequence[str],
    topics: Sequence[Mapping[str, Any]],
) -> str:
    """One document: metadata, summaries, topics, keywords, both scripts, the raw page."""
    if not SAFE_ID.match(doc["id"]):
        raise ValueError(f"document id {doc['id']!r} is not a safe file name")
    script = scripts[doc["script"]]
    other = "Hant" if script == "Hans" else "Hans"
    rules = doc["metadata_rules"]
    topic_info = {t["id"]: t for t in topics}
    src = doc["source"]
    q = doc["quality"]

    meta = _kv(
        [
            ("id", doc["id"]),
            ("split", f"{doc['split']} ({doc['split_rule']})"),
            ("title", doc["title"]),
            ("title (zh-Hans)", doc["title_zh_hans"]),
            ("title (zh-Hant)", doc["title_zh_hant"]),
            ("published at", doc["published_at"]),
            ("publisher", doc["publisher"]),
            ("author", doc["author"]),
            ("script", script),
            ("characters / paragraphs", f"{doc['num_chars']} / {doc['num_paragraphs']}"),
            ("raw lines kept / non-blank", f"{doc['num_content_lines']} / {doc['num_raw_lines']}"),
            ("builder version", doc["builder_version"]),
        ],
        "doc-metadata",
    )
    rule_table = html_table(
        ["field", "rule"], [[html_text(k), cell(v)] for k, v in rules.items()], cls="zh-table zh-kv"
    )
    summaries = html_table(
        ["language", "script", "method", "version", "provenance", "created", "summary"],
        [
            [
                cell(s["language"]),
                cell(s["script"]),
                cell(s["method"]),
                cell(s["method_version"]),
                cell(s["provenance"]),
                cell(s["created"]),
                f'<span lang="{html_attr(SCRIPT_LANG.get(s["script"], s["language"]))}">'
                f"{cell(s['text'])}</span>",
            ]
            for s in doc["summaries"]
        ],
        "doc-summaries",
    )
    topic_rows = [
        [
            f"<code>{cell(topic_names[t])}</code>",
            cell(topic_info.get(topic_names[t], {}).get("zh_hans")),
            cell(topic_info.get(topic_names[t], {}).get("en")),
        ]
        for t in doc["topics"]
    ]
    score_rows = [
        [f"<code>{cell(topic_names[s['topic']])}</code>", cell(s["score"]), cell(s["method"])]
        for s in doc["topic_scores"]
    ]
    keywords = " ".join(f'<span class="zh-keyword">{html_text(k)}</span>' for k in doc["keywords"]) or "—"
    quality = _kv([(k, v) for k, v in q.items()], "doc-quality")
    source = _kv(
        [
            ("file", src["file"]),
            ("sha256", src["sha256"]),
            ("encoding / format", f"{src['encoding']} / {src['format']}"),
            ("site", src["site"]),
            ("url", src["url"]),
            ("retrieved", src["retrieved"]),
            ("licence", src["licence"]),
            *((f"conversion {k}", v) for k, v in doc["conversion"].items()),
            *((f"script evidence {k}", v) for k, v in doc["script_evidence"].items()),
        ],
        "doc-source",
    )
    repairs = (
        html_table(
            ["kind", "line", "before", "after"],
            [
                [
                    f"<code>{cell(r['kind'])}</code>",
                    cell(r["line"]),
                    f"<del>{cell(r['before'])}</del>",
                    f"<ins>{cell(r['after'])}</ins>",
                ]
                for r in doc["repairs"]
            ],
            "doc-repairs",
        )
        if doc["repairs"]
        else "<p>No repairs.</p>\n"
    )

    raw_rows = []
    for line in lines:
        label = line_labels[line["label"]]
        gold = line["gold_label"]
        mark = (
            ""
            if label == "content"
            else f'<span class="zh-mark">{html_text(label)} · {html_text(line["reason"])}</span>'
        )
        disagree = (
            ' <span class="zh-gold" title="gold label differs">gold: ' + html_text(gold) + "</span>"
            if gold and gold != label
            else ""
        )
        raw_rows.append(
            f'<tr class="zh-line zh-{html_attr(label)}" data-label="{html_attr(label)}" '
            f'data-reason="{html_attr(line["reason"])}">'
            f'<td class="zh-ln">{line["line_number"]}</td><td class="zh-lab">{mark}{disagree}</td>'
            f'<td class="zh-raw">{html_text(line["raw_text"])}</td></tr>'
        )
    removed = sum(1 for line in lines if line_labels[line["label"]] != "content")
    raw_view = (
        f'<table class="zh-table zh-raw-page" id="doc-raw-page" lang="{SCRIPT_LANG[script]}">\n'
        "<thead><tr><th>line</th><th>removed as · reason</th><th>raw text</th></tr></thead>\n<tbody>\n"
        + "\n".join(raw_rows)
        + "\n</tbody></table>\n"
    )
    spun = (
        "\n## Spun original { #spun }\n\nThe text as published, before the synonym swaps were restored.\n\n"
        + '<details class="zh-details"><summary>show the spun text</summary>\n'
        + paragraphs_html(doc["text_spun"], SCRIPT_LANG[script]).rstrip("\n")
        + "\n</details>\n"
        if doc["text_spun"]
        else ""
    )
    return "".join(
        [
            front_matter(f"Document {doc['id']}"),
            f'<h1 class="zh-doc-title" lang="{SCRIPT_LANG[script]}">'
            f"{html_text(doc['title']) or html_text(doc['id'])}</h1>\n\n",
            f"Document `{doc['id']}` · [all documents](index.md)\n\n",
            "## Metadata { #metadata }\n\n",
            meta,
            "\nRules that produced the metadata values:\n\n",
            rule_table,
            "\n## Summaries { #summaries }\n\n",
            f"Best summary chosen from method `{md_inline(doc['summary_source'])}`; "
            "every summary lists its provenance "
            "(`curated`: written by the maintainers; `automatic`: method and version).\n\n",
            summaries,
            "\n## Topics and keywords { #topics }\n\n",
            f"Topics (source: `{md_inline(doc['topics_source'])}`):\n\n",
            html_table(["topic", "中文", "English"], topic_rows, "doc-topics")
            if topic_rows
            else "<p>No topic.</p>\n",
            "\nTopic scores:\n\n",
            html_table(["topic", "score", "method"], score_rows, "doc-topic-scores")
            if score_rows
            else "<p>No scores.</p>\n",
            f'\nKeywords:\n\n<p class="zh-keywords">{keywords}</p>\n',
            f"\n## Clean text ({SCRIPT_LANG[script]}, original script) {{ #text }}\n\n",
            paragraphs_html(doc["text"], SCRIPT_LANG[script]),
            f"\n## Clean text in the other script ({SCRIPT_LANG[other]}) {{ #text-other }}\n\n",
            paragraphs_html(doc[f"text_zh_{other.lower()}"], SCRIPT_LANG[other]),
            spun,
            "\n## Quality { #quality }\n\n",
            quality,
            "\n## Repairs { #repairs }\n\n",
            repairs,
            "\n## Source { #source }\n\n",
            source,
            "\n## Raw page { #raw }\n\n",
            f"Every non-blank raw line as crawled; {removed} of {len(lines)} were removed "
            "from the clean text and "
            "are marked with their label and reason (a differing maintainer gold label is shown too).\n\n",
            raw_view,
        ]
    )


# --- evaluation, changelog, card, schema ------------------------------------------------------


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, str | int | float | bool)


def _record(v: Any) -> bool:
    """An object of scalars (or lists of scalars): one table row."""
    return (
        isinstance(v, Mapping)
        and bool(v)
        and all(_scalar(x) or (isinstance(x, list) and all(_scalar(y) for y in x)) for x in v.values())
    )


def _json_block(value: Any, depth: int, out: list[str]) -> None:
    if isinstance(value, Mapping) and value and all(_record(v) for v in value.values()):
        # {name: {metric: value}} (per label, per document ...): one table, a row per name.
        columns = list(dict.fromkeys(k for v in value.values() for k in v))
        rows = [[html_text(k), *(cell(v.get(c)) for c in columns)] for k, v in value.items()]
        out.append(html_table(["", *(html_text(c) for c in columns)], rows))
        out.append("\n")
    elif isinstance(value, Mapping):
        scalars = [
            (k, v)
            for k, v in value.items()
            if _scalar(v) or (isinstance(v, list) and all(_scalar(x) for x in v))
        ]
        if scalars:
            out.append(
                html_table(
                    ["name", "value"], [[html_text(k), cell(v)] for k, v in scalars], cls="zh-table zh-kv"
                )
            )
            out.append("\n")
        for k, v in value.items():
            if (k, v) in scalars:
                continue
            level = min(depth, 6)
            out.append(f"{'#' * level} {md_inline(str(k))}\n\n")
            _json_block(v, depth + 1, out)
    elif isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
        columns = list(dict.fromkeys(k for x in value for k in x))
        out.append(
            html_table([html_text(c) for c in columns], [[cell(x.get(c)) for c in columns] for x in value])
        )
        out.append("\n")
    else:
        out.append(f"<p>{cell(value)}</p>\n\n")


def evaluation_page(result: Any | None, source_note: str) -> str:
    """Any evaluation JSON, rendered generically (nested objects → headings, lists of objects → tables)."""
    out = [front_matter("Evaluation"), "# Evaluation\n\n"]
    if result is None:
        out.append(
            '<p class="zh-not-available"><strong>Evaluation: not available.</strong> '
            "No evaluation file was given to "
            "this build; run <code>zhnews evaluate --json FILE</code> and build the site with "
            "<code>--evaluation FILE</code>.</p>\n"
        )
        return "".join(out)
    out.append(
        f"Figures from `zhnews evaluate` ({html_text(source_note)}), "
        "measured against the maintainers' gold annotations.\n\n"
    )
    _json_block(result, 2, out)
    out.append('\n<details class="zh-details"><summary>raw JSON</summary>\n<pre><code>')
    out.append(html_text(json.dumps(result, ensure_ascii=False, indent=2)).replace("\n", "&#10;"))
    out.append("</code></pre>\n</details>\n")
    return "".join(out)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def neutralise_html(markdown: str) -> str:
    """Markdown with every tag-like ``<`` outside code turned into ``&lt;`` (raw HTML shows as text).

    Code fences and code spans are left alone: Markdown already escapes them."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            continue
        if fenced:
            out.append(line)
            continue
        pieces, last = [], 0
        for m in _CODE_SPAN.finditer(line):
            pieces.append(_TAG_START.sub("&lt;", line[last : m.start()]))
            pieces.append(m.group(0))
            last = m.end()
        pieces.append(_TAG_START.sub("&lt;", line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


def changelog_page(text: str | None) -> str:
    if text is None:
        return front_matter("Changelog") + "# Changelog\n\nNo releases yet.\n"
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    # Maintainer-written Markdown: rendered as Markdown, but raw HTML in it shows as text.
    body = neutralise_html(body)
    return front_matter("Changelog") + "# Changelog\n\n" + body.strip() + "\n"


def card_page(readme: str) -> str:
    """The dataset card: the YAML metadata (escaped, collapsed) and the Markdown body as written."""
    meta, body = "", readme
    if readme.startswith("---\n"):
        end = readme.find("\n---\n", 4)
        if end != -1:
            meta, body = readme[4:end], readme[end + 5 :]
    # The body is Markdown made by builders/export/card.py with corpus values through md_inline; raw
    # HTML is never expected there, so any tag is shown as text rather than trusted.
    body = neutralise_html(body)
    body = re.sub(r"^# .*$", "# Data card", body.strip(), count=1, flags=re.M)
    return (
        front_matter("Data card")
        + "The same content as the dataset's `README.md` on the Hugging Face Hub.\n\n"
        + '<details class="zh-details"><summary>Card metadata (YAML front matter)</summary>\n<pre><code>'
        + html_text(meta).replace("\n", "&#10;")
        + "</code></pre>\n</details>\n\n"
        + body
        + "\n"
    )


def _type(node: Mapping[str, Any]) -> str:
    t = node.get("type", "")
    types = t if isinstance(t, list) else [t]
    if "array" in types and isinstance(node.get("items"), Mapping):
        inner = node["items"]
        if "x-hf-class-label" in inner:
            return "list<class label>"
        return f"list<{_type(inner)}>"
    if "x-hf-class-label" in node:
        return "class label (int)"
    dtype = node.get("x-hf-dtype")
    return " | ".join(str(x) for x in types) + (f" ({dtype})" if dtype else "")


def _constraints(node: Mapping[str, Any]) -> str:
    parts = []
    target = node["items"] if isinstance(node.get("items"), Mapping) else node
    if "x-hf-class-label" in target:
        names = target["x-hf-class-label"]
        parts.append("labels: " + ", ".join(f"{i}={html_text(n)}" for i, n in enumerate(names)))
    for key in ("enum", "pattern", "minimum", "maximum", "format"):
        if key in target and not (key in ("minimum", "maximum") and "x-hf-class-label" in target):
            parts.append(f"{key}: <code>{html_text(json.dumps(target[key], ensure_ascii=False))}</code>")
    return "<br>".join(parts)


def _schema_rows(node: Mapping[str, Any], prefix: str, rows: list[list[str]]) -> None:
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        rows.append(
            [
                f"<code>{html_text(path)}</code>",
                html_text(_type(child)),
                "yes" if name in required else "no",
                html_text(child.get("description", "")),
                _constraints(child),
            ]
        )
        if child.get("type") == "object":
            _schema_rows(child, f"{path}.", rows)
        items = child.get("items")
        if isinstance(items, Mapping) and items.get("type") == "object":
            _schema_rows(items, f"{path}[].", rows)


def schema_page(schemas: Mapping[str, Mapping[str, Any]]) -> str:
    out = [
        front_matter("Schema reference"),
        "# Schema reference\n\n",
        "Generated from `schema/*.schema.json` (JSON Schema 2020-12), the single source of truth: the "
        "Hugging Face `Features` and the Parquet schema are derived from these files, and every row is "
        "validated against them before anything is written. Class labels are stored as integers; the "
        "names travel with the Parquet files (`huggingface` schema metadata).\n\n",
    ]
    for config, schema in schemas.items():
        rows: list[list[str]] = []
        _schema_rows(schema, "", rows)
        out.append(f"## `{config}` {{ #{config} }}\n\n")
        out.append(f"{md_inline(schema.get('description', ''), empty='')}\n\n")
        out.append(
            html_table(["field", "type", "required", "description", "constraints"], rows, f"schema-{config}")
        )
        out.append("\n")
    return "".join(out)
