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
from builders.publish.i18n import tr
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


# A document page shows about this many characters of the article, the rest folded under "read
# on": at 1280 px wide that keeps every document page under 6,000 px tall, however long the
# article (the folded text is still in the page, so the search finds it).
VISIBLE_TEXT_CHARS = 2400


def article_html(text: str, lang: str, visible_chars: int = VISIBLE_TEXT_CHARS, more: str = "read on") -> str:
    """Clean text as escaped paragraphs; paragraphs after the first ``visible_chars`` characters
    go into a collapsed block."""
    paras = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    shown, total = 0, 0
    for p in paras:
        if total >= visible_chars:
            break
        total += len(p)
        shown += 1
    head = "\n\n".join(paras[:shown])
    rest = "\n\n".join(paras[shown:])
    out = paragraphs_html(head, lang)
    if rest:
        out += (
            f'<details class="zh-details zh-read-on"><summary>{more} ({len(rest)})</summary>\n'
            + paragraphs_html(rest, lang).rstrip("\n")
            + "\n</details>\n"
        )
    return out


def front_matter(title: str, hide: Sequence[str] = (), search: bool = True) -> str:
    # Titles are ours (never corpus text); json.dumps makes a valid YAML double-quoted scalar.
    # ``hide``: Material's navigation / toc sidebars (wide tables and long texts get the width);
    # ``search=False`` keeps the page out of the search index.
    hidden = "hide:\n" + "".join(f"  - {h}\n" for h in hide) if hide else ""
    excluded = "" if search else "search:\n  exclude: true\n"
    return f"---\ntitle: {json.dumps(title)}\n{hidden}{excluded}---\n\n"


# --- statistics -----------------------------------------------------------------------------


def statistics_page(
    stats: Mapping[str, Any],
    charts: Sequence[Chart],
    topics: Sequence[Mapping[str, Any]],
    version: str,
    gazetteer: Mapping[str, Any] | None = None,
    lang: str = "en",
) -> str:
    chart = {c.file: c for c in charts}
    gazetteer = gazetteer or {}

    def t(text: str) -> str:
        return tr(text, lang)

    def h(*names: str) -> list[str]:
        return [t(n) for n in names]

    def img(name: str) -> str:
        c = chart.get(name)
        return f"![{md_inline(c.title)}](assets/charts/{c.file}){{ .zh-chart }}\n" if c else ""

    total_lines = stats["lines"] or 1
    topic_info = {t["id"]: t for t in topics}
    parts = [
        front_matter(t("Statistics")),
        f"# {t('Statistics')}\n\n",
        f"由版本 **{html_text(version)}** 写出的 Parquet 文件在构建时计算；图表来自同一组数字。字数为正文"
        "（`documents.text`、`paragraphs.text`）或原始行（`lines.raw_text`）的 Unicode 码位数。\n\n"
        if lang == "zh"
        else f"Computed from the written Parquet files of version **{html_text(version)}** at build time; "
        "charts are drawn from the same figures. Characters are Unicode code points of the clean "
        "text (`documents.text`, `paragraphs.text`) or of the raw line (`lines.raw_text`).\n\n",
        f"## {t('Overview')} {{ #overview }}\n\n",
        html_table(
            h("figure", "value"),
            [
                ["documents", cell(stats["documents"])],
                ["paragraphs", cell(stats["paragraphs"])],
                ["raw lines (non-blank)", cell(stats["lines"])],
                ["characters of clean text", cell(stats["characters"])],
                ["share of raw lines removed", cell(stats["removed_line_share"])],
                *([f"documents with <code>source.{html_text(k)}</code>", cell(n)] for k, n in stats["provenance"].items()),
            ],
            "stats-overview",
        ),
        f"\n## {t('Rows and characters per config and split')} {{ #per-split }}\n\n",
        html_table(
            h("config", "split", "rows", "characters"),
            [
                [cell(c), cell(s), cell(e["rows"]), cell(e["chars"])]
                for c, per in stats["per_split"].items()
                for s, e in per.items()
            ],
            "stats-per-split",
        ),
        "\n" + img("rows-per-split.svg"),
        f"\n## {t('Per config, split and script')} {{ #per-split-script }}\n\n",
        "Lines take the script of their document.\n\n",
        html_table(
            h("config", "split", "script", "rows", "characters"),
            [
                [cell(c), cell(s), cell(sc), cell(e["rows"]), cell(e["chars"])]
                for c, per in stats["per_split_script"].items()
                for s, by in per.items()
                for sc, e in by.items()
            ],
            "stats-per-split-script",
        ),
        f"\n## {t('Scripts')} {{ #scripts }}\n\n",
        html_table(
            h("script", "documents", "paragraphs", "characters"),
            [
                [cell(s), cell(e["documents"]), cell(e["paragraphs"]), cell(e["chars"])]
                for s, e in stats["per_script"].items()
            ],
            "stats-per-script",
        ),
        "\n" + img("script.svg"),
        f"\n## {t('Topics')} {{ #topics }}\n\n",
        "Documents per topic of the [taxonomy](taxonomy.md) (a document may have several).\n\n",
        html_table(
            [t("topic"), "中文", "English", t("documents")],
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
        f"\n## {t('Entities')} {{ #entities data-search-exclude }}\n\n",
        "每个实体（[实体词表](entities.md)）出现的文档数。\n\n"
        if lang == "zh"
        else "Documents per entity of the [gazetteer](entities.md) (companies, chips, people, models).\n\n",
        html_table(
            h("entity", "type", "English", "zh-Hans", "zh-Hant", "documents"),
            [
                [
                    f"<code>{cell(ident)}</code>",
                    cell(t(gazetteer[ident].type) if ident in gazetteer else None),
                    cell(gazetteer[ident].en if ident in gazetteer else None),
                    cell(gazetteer[ident].zh_hans if ident in gazetteer else None),
                    cell(gazetteer[ident].zh_hant if ident in gazetteer else None),
                    cell(n),
                ]
                for ident, n in stats.get("entities", {}).items()
            ],
            "stats-entities",
        ),
        "\n" + img("entities.svg"),
        f"\n## {t('Length distributions')} {{ #lengths }}\n\n",
        html_table(
            h("config", "min", "median", "mean", "max"),
            [
                [cell(c), *(cell(v[k]) for k in ("min", "median", "mean", "max"))]
                for c, v in stats["length_summary"].items()
            ],
            "stats-lengths",
        ),
        "\n" + img("document-lengths.svg") + "\n" + img("paragraph-lengths.svg"),
        f"\n## {t('Lines removed and why')} {{ #removed }}\n\n",
        "Every non-blank raw line has a label (`content`, `boilerplate`, `spam`) and a reason code; "
        "see [cleaning](cleaning.md). Shares are of all raw lines.\n\n",
        html_table(
            h("label", "lines", "share"),
            [[cell(k), cell(v), cell(round(v / total_lines, 4))] for k, v in stats["line_labels"].items()],
            "stats-line-labels",
        ),
        "\n" + img("line-labels.svg") + "\n",
        html_table(
            ["label:reason", t("lines"), t("share")],
            [
                [f"<code>{cell(k)}</code>", cell(v), cell(round(v / total_lines, 4))]
                for k, v in stats["removed_reasons"].items()
            ],
            "stats-removed-reasons",
        ),
        "\n" + img("removed-reasons.svg"),
        f"\n## {t('Quality flags')} {{ #flags }}\n\n",
        html_table(
            h("flag", "documents"),
            [[cell(k), cell(v)] for k, v in stats["flags"].items()],
            "stats-flags",
        ),
        f"\n## {t('Repairs')} {{ #repairs }}\n\n",
        "Every change to the text is logged, one row per change, in the `repairs` config; "
        "see [repairs](repairs.md).\n\n",
        html_table(
            h("kind", "count"),
            [[f"<code>{cell(k)}</code>", cell(v)] for k, v in stats["repairs"].items()],
            "stats-repairs",
        )
        if stats["repairs"]
        else "No repairs were needed.\n",
        "\n" + img("repairs.svg"),
    ]
    return "".join(parts)


# --- documents ------------------------------------------------------------------------------


def date_text(value: Any, chars: int = 16) -> str:
    """A publication time as text, to the minute ("2024-11-07 08:00"): the column holds an ISO
    string or a timestamp, depending on the schema version."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:chars].replace("T", " ")


def label_name(names: Sequence[str], value: Any) -> str:
    """A class label's name, whether the row stores the integer or the name itself."""
    return value if isinstance(value, str) else names[value]


def entity_names(entity: Any) -> list[str]:
    """Every name of a gazetteer entity (an :class:`~builders.annotate.entities.Entity`), plus the
    zh-Hant spelling of its Simplified name: what a reader may type into the search box."""
    return list(entity.names()) if entity is not None else []


def _entity_chips(doc: Mapping[str, Any], gazetteer: Mapping[str, Any], lang: str, limit: int | None = None) -> str:
    """Entities as chips: the display name, then every alias (all of them are indexed by the
    search, so 輝達, 英偉達, 英伟达 and NVIDIA find the same documents)."""
    chips = []
    for e in (doc.get("entities") or [])[:limit]:
        info = gazetteer.get(e["id"])
        # The gazetteer's names, then any form as written that is none of them (騰訊云).
        names = list(dict.fromkeys([*entity_names(info), *e["forms"]]))
        main = (info.zh_hans if lang == "zh" else info.en) if info is not None else names[0]
        rest = [n for n in names if n != main]
        chips.append(
            f'<span class="zh-entity zh-entity-{html_attr(e["type"])}" data-entity="{html_attr(e["id"])}" '
            f'title="{html_attr(tr(e["type"], lang))} · {e["count"]}">'
            f"<b>{html_text(main)}</b>"
            + (f' <span class="zh-aliases">{html_text(" · ".join(rest))}</span>' if rest else "")
            + "</span>"
        )
    return " ".join(chips)


def documents_index(
    docs: Sequence[Mapping[str, Any]],
    scripts: Sequence[str],
    topic_names: Sequence[str],
    gazetteer: Mapping[str, Any] | None = None,
    topics: Sequence[Mapping[str, Any]] = (),
    lang: str = "en",
) -> str:
    """One compact row per document: headline (linked), date, publisher, script, topics and the
    entities most mentioned. Searchable content lives on the document pages, not here."""
    gazetteer = gazetteer or {}
    topic_info = {t["id"]: t for t in topics}
    rows = []
    for d in docs:
        topic_cells = " ".join(
            f'<span class="zh-topic">{html_text(topic_info.get(n, {}).get("zh_hans" if lang == "zh" else "en") or n)}</span>'
            for n in (label_name(topic_names, t) for t in d["topics"])
        )
        ents = []
        for e in (d.get("entities") or [])[:6]:
            info = gazetteer.get(e["id"])
            ents.append(html_text((info.zh_hans if lang == "zh" else info.en) if info is not None else e["id"]))
        title = html_text(d["title"]) or html_text(d["id"])
        rows.append(
            [
                f'<a href="{html_attr(d["id"])}/" lang="{SCRIPT_LANG.get(label_name(scripts, d["script"]), "zh")}">{title}</a>'
                f'<br><code class="zh-doc-id">{html_text(d["id"])}</code>',
                cell(date_text(d["published_at"], 10) or None),
                cell(d["publisher"]),
                cell(label_name(scripts, d["script"])),
                topic_cells or cell(None),
                ", ".join(ents) or cell(None),
            ]
        )
    header = [tr(h, lang) for h in ("title", "published at", "publisher", "script", "Topics", "Entities")]
    intro = (
        "每篇文档一页：摘要、实体（含全部别名）、主题、两种字形的正文，以及标出删除行的原始网页。\n\n"
        if lang == "zh"
        else "One page per document: summary, entities (with all their aliases), topics, the clean text "
        "in both scripts, and the raw page with every removed line marked.\n\n"
    )
    return "".join(
        [
            front_matter(tr("Documents", lang), hide=("navigation", "toc")),
            f"# {tr('Documents', lang)}\n\n",
            intro,
            '<div class="zh-doc-list" data-search-exclude markdown="0">\n',
            html_table(header, rows, "doc-list", cls="zh-table zh-doc-list-table"),
            "</div>\n",
        ]
    )


class Html(str):
    """A value already rendered as safe HTML (made from escaped parts), put in a cell as is."""


def source_link(url: str | None) -> str:
    """The URL as an escaped link that passes no ranking and no window handle to the site
    (``rel="nofollow noopener"``); a URL of any other scheme (``javascript:``) stays text."""
    if url is None:
        return cell(None)
    if not re.match(r"^https?://", url, re.I):
        return html_text(url)
    return f'<a href="{html_attr(url)}" rel="nofollow noopener">{html_text(url)}</a>'


def _kv(rows: Sequence[tuple[str, Any]], table_id: str | None = None) -> str:
    return html_table(
        ["field", "value"],
        [[html_text(k), v if isinstance(v, Html) else cell(v)] for k, v in rows],
        table_id,
        cls="zh-table zh-kv",
    )


def _excluded(heading: str, anchor: str) -> str:
    """An h2 whose whole section stays out of the search index (tables of metadata, repairs and
    raw lines would otherwise outrank the article text)."""
    return f"\n## {heading} {{ #{anchor} data-search-exclude }}\n\n"


def _fold(label: str, body: str, open_: bool = False) -> str:
    """A collapsed block (keeps document pages short; the content stays in the page)."""
    return f'<details class="zh-details"{" open" if open_ else ""}><summary>{label}</summary>\n{body}</details>\n'


def _repairs_block(repairs: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Counts by kind, and the full log in a collapsed table (it can run to hundreds of rows)."""
    if not repairs:
        return f"<p>{tr('No repairs.', lang)}</p>\n"
    counts: dict[str, int] = {}
    for r in repairs:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    summary = html_table(
        [tr("kind", lang), tr("count", lang)],
        [[f"<code>{cell(k)}</code>", cell(n)] for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "doc-repair-counts",
    )
    table = html_table(
        [tr(h, lang) for h in ("kind", "line", "before", "after")],
        [
            [
                f"<code>{cell(r['kind'])}</code>",
                cell(r["line"]),
                f"<del>{cell(r['before'])}</del>",
                f"<ins>{cell(r['after'])}</ins>",
            ]
            for r in repairs
        ],
        "doc-repairs",
    )
    return (
        summary
        + f'\n<details class="zh-details"><summary>{tr("show the table", lang)} ({len(repairs)})</summary>\n'
        + table
        + "</details>\n"
    )


def document_page(
    doc: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    scripts: Sequence[str],
    topic_names: Sequence[str],
    line_labels: Sequence[str],
    topics: Sequence[Mapping[str, Any]],
    gazetteer: Mapping[str, Any] | None = None,
    lang: str = "en",
    repairs: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """One document. The part above the first heading is what the search indexes (the headline
    as the result title; summary, entities with every alias, topics, the text in both scripts);
    every section below it (tables) is excluded from the search and compact: long tables fold."""
    if not SAFE_ID.match(doc["id"]):
        raise ValueError(f"document id {doc['id']!r} is not a safe file name")
    gazetteer = gazetteer or {}
    script = label_name(scripts, doc["script"])
    lang_tag = SCRIPT_LANG.get(script, "zh")
    other = "Hant" if script == "Hans" else "Hans"
    rules = doc["metadata_rules"]
    topic_info = {t["id"]: t for t in topics}
    src = doc["source"]
    q = doc["quality"]
    repairs = list(repairs if repairs is not None else doc.get("repairs") or [])
    hide = ' data-search-exclude'

    best = doc.get(f"summary_zh_{script.lower()}") if script in ("Hans", "Hant") else doc.get("summary_zh_hans")
    summary_en = doc.get("summary_en")
    topic_names_shown = [label_name(topic_names, t) for t in doc["topics"]]
    topic_line = " ".join(
        f'<span class="zh-topic">{html_text(topic_info.get(n, {}).get("zh_hans") or n)}'
        f' / {html_text(topic_info.get(n, {}).get("en") or n)}</span>'
        for n in topic_names_shown
    )
    # Keywords in the document's own script (older folders have one zh-Hans list, `keywords`).
    shown = doc.get("keywords_zh_hant") if script == "Hant" else doc.get("keywords_zh_hans")
    keywords = " ".join(f'<span class="zh-keyword">{html_text(k)}</span>' for k in (shown or doc.get("keywords") or []))
    entities = _entity_chips(doc, gazetteer, lang)
    date = date_text(doc["published_at"])
    bar = " · ".join(
        x
        for x in (
            f"<code>{html_text(doc['id'])}</code>",
            html_text(date),
            html_text(doc["publisher"]),
            html_text(SCRIPT_LANG.get(script, script)),
            html_text(f"{doc['split']}"),
            f'<a href="../">{tr("all documents", lang)}</a>',
        )
        if x
    )

    def label(text: str) -> str:
        return f'<span class="zh-label"{hide}>{tr(text, lang)}</span> '

    top = [
        f'<h1 class="zh-doc-title" id="doc-title" lang="{lang_tag}">'
        f"{html_text(doc['title']) or html_text(doc['id'])}</h1>\n\n",
        f'<p class="zh-doc-bar"{hide}>{bar}</p>\n\n',
        f'<p class="zh-doc-summary" lang="{lang_tag}">{label("Summary")}{html_text(best)}</p>\n\n' if best else "",
        f'<p class="zh-doc-summary" lang="en">{label("Summary")}{html_text(summary_en)}</p>\n\n'
        if summary_en
        else "",
        f'<p class="zh-doc-entities">{label("Entities")}{entities}</p>\n\n' if entities else "",
        f'<p class="zh-doc-topics">{label("Topics")}{topic_line}</p>\n\n' if topic_line else "",
        f'<p class="zh-keywords">{label("Keywords")}{keywords}</p>\n\n' if keywords else "",
        article_html(doc["text"], lang_tag, more=tr("read on", lang)),
        f'\n<details class="zh-details zh-other-script"><summary{hide}>{tr("Text in the other script", lang)} '
        f"({SCRIPT_LANG[other]})</summary>\n"
        + paragraphs_html(doc[f"text_zh_{other.lower()}"], SCRIPT_LANG[other]).rstrip("\n")
        + "\n</details>\n",
    ]

    summaries = html_table(
        [tr(h, lang) for h in ("language", "script", "method", "version", "provenance", "created", "summary")],
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
            f"<code>{cell(n)}</code>",
            cell(topic_info.get(n, {}).get("zh_hans")),
            cell(topic_info.get(n, {}).get("en")),
        ]
        for n in topic_names_shown
    ]
    score_rows = [
        [f"<code>{cell(label_name(topic_names, s['topic']))}</code>", cell(s["score"]), cell(s["method"])]
        for s in doc["topic_scores"]
    ]
    entity_rows = [
        [
            f"<code>{cell(e['id'])}</code>",
            cell(tr(e["type"], lang)),
            cell(list(e["forms"])),
            cell(e["count"]),
            cell(entity_names(gazetteer.get(e["id"]))),
        ]
        for e in doc.get("entities") or []
    ]
    meta = _kv(
        [
            ("id", doc["id"]),
            ("split", f"{doc['split']} ({doc['split_rule']})"),
            ("title", doc["title"]),
            ("title (zh-Hans)", doc["title_zh_hans"]),
            ("title (zh-Hant)", doc["title_zh_hant"]),
            ("published at", date_text(doc["published_at"], 25) or None),
            ("published at: precision", doc.get("published_at_precision")),
            ("publisher", doc["publisher"]),
            ("author", doc["author"]),
            ("script", script),
            ("characters / paragraphs", f"{doc['num_chars']} / {doc['num_paragraphs']}"),
            ("raw lines kept / non-blank", f"{doc['num_content_lines']} / {doc['num_raw_lines']}"),
        ],
        "doc-metadata",
    )
    rule_table = html_table(
        ["field", "rule"], [[html_text(k), cell(v)] for k, v in rules.items()], cls="zh-table zh-kv"
    )
    quality = _kv([(k, v) for k, v in q.items()], "doc-quality")
    source = _kv(
        [
            ("file", src["file"]),
            ("sha256", src["sha256"]),
            ("encoding / format", f"{src['encoding']} / {src['format']}"),
            ("site", src["site"]),
            ("url", Html(source_link(src["url"]))),
            ("retrieved", src["retrieved"]),
            ("licence", src["licence"]),
            *((f"conversion {k}", v) for k, v in doc["conversion"].items()),
            *((f"script evidence {k}", v) for k, v in doc["script_evidence"].items()),
        ],
        "doc-source",
    )

    raw_rows = []
    for line in lines:
        lab = label_name(line_labels, line["label"])
        gold = line["gold_label"]
        gold = label_name(line_labels, gold) if gold is not None and not isinstance(gold, str) else gold
        mark = "" if lab == "content" else f'<span class="zh-mark">{html_text(lab)} · {html_text(line["reason"])}</span>'
        disagree = (
            ' <span class="zh-gold" title="gold label differs">gold: ' + html_text(gold) + "</span>"
            if gold and gold != lab
            else ""
        )
        raw_rows.append(
            f'<tr class="zh-line zh-{html_attr(lab)}" data-label="{html_attr(lab)}" '
            f'data-reason="{html_attr(line["reason"])}">'
            f'<td class="zh-ln">{line["line_number"]}</td><td class="zh-lab">{mark}{disagree}</td>'
            f'<td class="zh-raw">{html_text(line["raw_text"])}</td></tr>'
        )
    removed = sum(1 for line in lines if label_name(line_labels, line["label"]) != "content")
    raw_view = (
        f'<details class="zh-details"><summary>{tr("show the raw page", lang)} ({len(lines)})</summary>\n'
        f'<table class="zh-table zh-raw-page" id="doc-raw-page" lang="{lang_tag}">\n'
        "<thead><tr><th>line</th><th>removed as · reason</th><th>raw text</th></tr></thead>\n<tbody>\n"
        + "\n".join(raw_rows)
        + "\n</tbody></table>\n</details>\n"
    )
    spun = (
        _excluded(tr("Spun original", lang), "spun")
        + "The text as published, before the synonym swaps were restored.\n\n"
        + f'<details class="zh-details"><summary>{tr("show the spun text", lang)}</summary>\n'
        + paragraphs_html(doc["text_spun"], lang_tag).rstrip("\n")
        + "\n</details>\n"
        if doc["text_spun"]
        else ""
    )
    raw_note = (
        f"全部 {len(lines)} 个非空原始行，其中 {removed} 行从正文中删除，并标出标签和原因。\n\n"
        if lang == "zh"
        else f"Every non-blank raw line as crawled; {removed} of {len(lines)} were removed from the clean "
        "text and are marked with their label and reason (a differing maintainer gold label is shown too).\n\n"
    )
    return "".join(
        [
            # One search result per document: the Chinese face's copy (same text) stays out of the
            # index, which both faces share.
            front_matter(f"{tr('Document', lang)} {doc['id']}", hide=("navigation", "toc"), search=lang == "en"),
            *top,
            _excluded(tr("Entities", lang), "entities"),
            _fold(
                f"{tr('show the table', lang)} ({len(entity_rows)})",
                html_table(
                    [tr(h, lang) for h in ("entity", "type", "forms found", "mentions", "names and aliases")],
                    entity_rows,
                    "doc-entities",
                ),
            )
            if entity_rows
            else f"<p>{tr('No entity of the gazetteer.', lang)}</p>\n",
            _excluded(tr("Summaries", lang), "summaries"),
            f"Best summary chosen from method `{md_inline(doc['summary_source'])}`; "
            "every summary lists its provenance "
            "(`curated`: written by the maintainers; `automatic`: method and version).\n\n",
            _fold(f"{tr('show the table', lang)} ({len(doc['summaries'])})", summaries),
            _excluded(tr("Topics and keywords", lang), "topics"),
            f"Topics (source: `{md_inline(doc['topics_source'])}`):\n\n",
            html_table(["topic", "中文", "English"], topic_rows, "doc-topics")
            if topic_rows
            else f"<p>{tr('No topic.', lang)}</p>\n",
            "\nTopic scores:\n\n",
            _fold(
                f"{tr('show the table', lang)} ({len(score_rows)})",
                html_table(["topic", "score", "method"], score_rows, "doc-topic-scores"),
            )
            if score_rows
            else f"<p>{tr('No scores.', lang)}</p>\n",
            _excluded(tr("Metadata", lang), "metadata"),
            _fold(tr("show the table", lang), meta + "\nRules that produced the metadata values:\n\n" + rule_table),
            spun,
            _excluded(tr("Quality", lang), "quality"),
            _fold(tr("show the table", lang), quality),
            _excluded(tr("Repairs", lang), "repairs"),
            _repairs_block(repairs, lang),
            _excluded(tr("Source", lang), "source"),
            _fold(tr("show the table", lang), source),
            _excluded(tr("Raw page", lang), "raw"),
            raw_note,
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


def _get(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]... or None when any step is missing or not an object."""
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _num(value: Any) -> str:
    return cell(value) if isinstance(value, int | float) and not isinstance(value, bool) else cell(None)


def evaluation_headlines(result: Any) -> dict[str, list[list[Any]]]:
    """The headline figures of an evaluation JSON as table rows (raw values), by table name:
    cleaning per label, metadata accuracy, summaries (ROUGE), topics (micro P / R / F1 per
    setting). A table whose figures are missing from the JSON is left out."""
    tables: dict[str, list[list[Any]]] = {}
    per_label = _get(result, "cleaning", "lines", "per_label")
    rows = [
        [label, *(_get(v, k) for k in ("precision", "recall", "f1", "support"))]
        for label, v in (per_label or {}).items()
        if isinstance(v, Mapping)
    ]
    removed = _get(result, "cleaning", "lines", "removed")
    if isinstance(removed, Mapping):
        rows.append(["removed (boilerplate + spam)", *(_get(removed, k) for k in ("precision", "recall", "f1", "support"))])
    if rows:
        tables["cleaning"] = rows
    meta = _get(result, "cleaning", "metadata")
    if isinstance(meta, Mapping):
        rows = [[k, _get(v, "correct"), _get(v, "total"), _get(v, "accuracy")] for k, v in meta.items() if isinstance(v, Mapping)]
        if rows:
            tables["metadata"] = rows
    methods = _get(result, "annotations", "summaries", "methods")
    if isinstance(methods, Mapping):
        rows = [
            [name, _get(v, "mean_chars"), *(_get(v, unit, r) for unit in ("char", "word") for r in ("rouge1", "rouge2", "rougeL"))]
            for name, v in methods.items()
            if isinstance(v, Mapping)
        ]
        if rows:
            tables["summaries"] = rows
    topics = _get(result, "annotations", "topics")
    if isinstance(topics, Mapping):
        rows = [
            [name, *(_get(v, "micro", k) for k in ("precision", "recall", "f1")), _get(v, "exact_match")]
            for name, v in topics.items()
            if isinstance(_get(v, "micro"), Mapping)
        ]
        if rows:
            tables["topics"] = rows
    # The development set of real HTML pages (builders/evaluate/devset.py): ours beside
    # trafilatura's committed figures, then page by page (1 = right, 0 = wrong).
    devset = _get(result, "devset")
    if isinstance(devset, Mapping) and isinstance(devset.get("totals"), Mapping):
        keys = ("refused", "body_kept", "boiler_removed", "title", "date", "publisher", "authors")
        rows = [["this project", *(_get(devset, "totals", k) for k in keys)]]
        other = devset.get("trafilatura")
        if isinstance(other, Mapping) and isinstance(other.get("totals"), Mapping):
            rows.append([f"trafilatura {other.get('version', '')}", *(_get(other, "totals", k) for k in keys)])
        tables["devset"] = rows
        pages = devset.get("pages")
        if isinstance(pages, list):
            tables["devset_pages"] = [
                [
                    str(r.get("file", "")),
                    r.get("body_kept"),
                    r.get("boiler_removed"),
                    r.get("boiler_total"),
                    *(int(bool(r.get(k))) for k in ("title", "date", "publisher", "authors")),
                ]
                for r in pages
                if isinstance(r, Mapping)
            ]
    return tables


EVALUATION_TABLES = {
    "cleaning": ("Cleaning: raw lines against the gold labels", ["label", "precision", "recall", "F1", "support"]),
    "metadata": ("Metadata against the gold values", ["field", "correct", "total", "accuracy"]),
    "summaries": (
        "Summaries against the curated ones (ROUGE F1)",
        ["method", "mean chars", "char R-1", "char R-2", "char R-L", "word R-1", "word R-2", "word R-L"],
    ),
    "topics": ("Topics against the gold labels (micro averages)", ["setting", "precision", "recall", "F1", "exact match"]),
    "devset": (
        "Development set: 20 real HTML pages of 20 sites (in-sample)",
        ["extractor", "refused", "body kept (of 100)", "boilerplate removed (of 150)", "title (of 20)",
         "date (of 20)", "publisher (of 20)", "authors (of 16)"],
    ),
    "devset_pages": (
        "Development set, page by page (1 = right)",
        ["page", "body kept (of 5)", "boilerplate removed", "boilerplate snippets", "title", "date", "publisher", "authors"],
    ),
}
EVALUATION_TABLES_ZH = {
    "cleaning": "清洗：原始行与人工标注对比",
    "metadata": "元数据与人工标注对比",
    "summaries": "摘要与人工摘要对比（ROUGE F1）",
    "topics": "主题与人工标注对比（微平均）",
    "devset": "开发集：20 个网站的 20 个真实 HTML 网页（样本内）",
    "devset_pages": "开发集逐页结果（1 = 正确）",
}


def evaluation_page(
    result: Any | None,
    source_note: str,
    lang: str = "en",
    charts: Sequence[Chart] = (),
    download: str | None = None,
) -> str:
    """Headline tables and charts of the evaluation JSON, the JSON as a download, and every
    figure (rendered generically: nested objects → headings, lists of objects → tables) folded."""
    out = [front_matter(tr("Evaluation", lang)), f"# {tr('Evaluation', lang)}\n\n"]
    if result is None:
        out.append(
            '<p class="zh-not-available"><strong>Evaluation: not available.</strong> '
            "No evaluation file was given to "
            "this build; run <code>zhnews evaluate --json FILE</code> and build the site with "
            "<code>--evaluation FILE</code>.</p>\n"
        )
        return "".join(out)
    out.append(
        f"由 `zhnews evaluate` 得出（{html_text(source_note)}），与维护者的人工标注对比。五篇种子网页上的数字是样本内的："
        "清洗规则和主题提示词是读过这些网页的人写的。\n\n"
        if lang == "zh"
        else f"Figures from `zhnews evaluate` ({html_text(source_note)}), measured against the maintainers' gold "
        "annotations. Figures on the seed pages are in-sample: the cleaning rules and topic cues were "
        "written by people who had read them.\n\n"
    )
    if download:
        out.append(
            f'<p><a class="md-button" href="{html_attr(download)}" download>{tr("Download the JSON", lang)}</a></p>\n\n'
        )
    summary = _get(result, "cleaning", "summary")
    if isinstance(summary, str):
        out.append(f"<p><strong>{html_text(summary)}</strong></p>\n\n")
    statement = _get(result, "annotations", "summaries", "comparison", "statement")
    if isinstance(statement, str):
        out.append(f"<p>{html_text(statement)}</p>\n\n")
    chart = {c.file: c for c in charts}
    for name, rows in evaluation_headlines(result).items():
        title, header = EVALUATION_TABLES[name]
        heading = EVALUATION_TABLES_ZH[name] if lang == "zh" else title
        out.append(f"## {heading} {{ #{name} }}\n\n")
        out.append(
            html_table(
                [html_text(h) for h in header],
                [[html_text(str(r[0])), *(_num(v) for v in r[1:])] for r in rows],
                f"eval-{name}",
            )
        )
        c = chart.get(f"eval-{name}.svg")
        if c is not None:
            out.append(f"\n![{md_inline(c.title)}](assets/charts/{c.file}){{ .zh-chart }}\n")
        out.append("\n")
    note = _get(result, "annotations", "topics", "note")
    if isinstance(note, str):
        out.append(f"<p>{html_text(note)}</p>\n\n")
    out.append(f"## {'全部数字' if lang == 'zh' else 'All figures'} {{ #all data-search-exclude }}\n\n")
    out.append('<details class="zh-details"><summary>every figure of the JSON, as tables</summary>\n\n')
    _json_block(result, 3, out)
    out.append("</details>\n")
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


CARD_ZH = """本页是数据集在 Hugging Face Hub 上的 `README.md`（数据卡）。下面先用中文概述，英文原文在后。

- **内容**：关于 AI 算力短缺（GPU、英伟达与 AMD、国产 AI 芯片、大模型）的中文新闻，每篇都有原字形正文以及简体
  （zh-Hans）和繁体（zh-Hant）两种字形的正文。
- **三个配置**：`documents`（每篇文章一行：正文、元数据及其规则、摘要、主题、关键词、实体、质量信号、修复记录、来源）、
  `paragraphs`（每段一行，两种字形）、`lines`（每个非空原始行一行，带自动标签、原因和人工标注）。
- **标注来源**：人工摘要和人工主题标注注明 `curated`；自动方法注明方法和版本；实体来自人工整理的
  [实体词表](entities.md)。
- **划分**：train / validation / test，由文档组（含近似重复）的哈希决定，同一组不会跨划分。
- **许可**：文章版权归原发布者所有，仅供非商业研究；标注、数据结构和代码采用 Apache-2.0。
- **局限**：规模很小；种子网页上的评测数字是样本内的。

"""


def card_page(readme: str, lang: str = "en") -> str:
    """The dataset card: the YAML metadata (escaped, collapsed) and the Markdown body as written;
    the Chinese face puts a Chinese summary first and keeps the English body out of the search
    (the English face indexes it once)."""
    meta, body = "", readme
    if readme.startswith("---\n"):
        end = readme.find("\n---\n", 4)
        if end != -1:
            meta, body = readme[4:end], readme[end + 5 :]
    # The body is Markdown made by builders/export/card.py with corpus values through md_inline; raw
    # HTML is never expected there, so any tag is shown as text rather than trusted.
    body = neutralise_html(body)
    body = re.sub(r"^# .*$", "", body.strip(), count=1, flags=re.M).strip()
    if lang == "zh":
        body = '<div class="zh-card-body" lang="en" data-search-exclude markdown="1">\n\n' + body + "\n\n</div>"
    intro = CARD_ZH if lang == "zh" else "The same content as the dataset's `README.md` on the Hugging Face Hub.\n\n"
    return (
        front_matter(tr("Data card", lang))
        + f"# {tr('Data card', lang)}\n\n"
        + intro
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
        "validated against them before anything is written. Labels are strings from a closed list "
        "(`enum`), so they read by name in every tool.\n\n",
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
