"""Static charts of the statistics, drawn at build time with matplotlib.

Charts are SVG with every glyph converted to a path (``svg.fonttype = "path"``): the browser
needs no font, so Chinese labels render the same everywhere, and the files are byte-stable
(fixed hash salt, no date metadata). A CJK font must exist at build time; without one
matplotlib would draw empty boxes, so the build stops with a message saying what to install.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from builders.record import BuildError

# Characters every chart label font must have (topic names, script names, reasons).
_PROBE = "中文算力英伟达國產晶片供應"


@dataclass(frozen=True)
class Chart:
    file: str  # file name inside the charts folder
    title: str  # caption (English; also the alt text)


def _has_glyphs(path: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in _PROBE)


def _fc_list_files() -> list[str]:
    """Font files fontconfig says cover Chinese (empty when fc-list is missing)."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def _preference(path: str) -> tuple[int, int, str]:
    # Sans before serif, regular weight before bold: chart labels are small.
    name = Path(path).name.lower()
    return ("sans" not in name, "bold" in name or "black" in name or "light" in name, name)


@cache
def find_cjk_font() -> str:
    """Family name of an installed font with Chinese glyphs (registered with matplotlib)."""
    candidates = _fc_list_files()
    candidates += [f.fname for f in font_manager.fontManager.ttflist if "cjk" in f.name.lower()]
    for path in sorted(set(candidates), key=_preference):
        if not Path(path).is_file() or not _has_glyphs(path):
            continue
        font_manager.fontManager.addfont(path)
        # A .ttc holds one face per region; the Simplified Chinese one has the corpus's glyph forms.
        faces = sorted({f.name for f in font_manager.fontManager.ttflist if f.fname == path})
        for suffix in (" SC", " CN", " TC"):
            preferred = [n for n in faces if n.endswith(suffix)]
            if preferred:
                return preferred[0]
        return font_manager.FontProperties(fname=path).get_name()
    raise BuildError(
        "no font with Chinese glyphs found (checked `fc-list :lang=zh` and matplotlib's font list); "
        "charts would show empty boxes. Install one, e.g. `apt-get install fonts-noto-cjk`."
    )


def _style() -> dict[str, Any]:
    return {
        "font.family": [find_cjk_font(), "DejaVu Sans"],
        "svg.fonttype": "path",
        "svg.hashsalt": "zhnews-docs",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "font.size": 10,
    }


def _save(fig: plt.Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)


def _barh(labels: list[str], values: list[float], xlabel: str, path: Path, color: str = "#3f6fb5") -> None:
    height = max(1.6, 0.32 * len(labels) + 0.9)
    fig, ax = plt.subplots(figsize=(7.5, height))
    positions = list(range(len(labels)))
    ax.barh(positions, values, color=color)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    for y, v in zip(positions, values, strict=True):
        ax.annotate(f"{v:g}", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    if not labels:
        ax.text(0.5, 0.5, "none", transform=ax.transAxes, ha="center", va="center")
    _save(fig, path)


def _grouped(groups: list[str], series: dict[str, list[float]], ylabel: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    n = max(1, len(series))
    width = 0.8 / n
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width=width, label=name)
        ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    _save(fig, path)


def _histogram(values: Sequence[int], xlabel: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    if len(values):
        data = np.asarray(values, dtype=np.int64)  # what matplotlib makes of a list of ints
        bins = min(30, max(5, len(np.unique(data))))
        ax.hist(data, bins=bins, color="#5a9b6b", edgecolor="white")
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count")
    _save(fig, path)


# The entities chart shows the most frequent ones only (a gazetteer can hold hundreds).
TOP_ENTITIES = 25


def render_charts(
    stats: dict[str, Any],
    out_dir: Path,
    topic_labels: dict[str, str],
    entity_labels: dict[str, str] | None = None,
) -> list[Chart]:
    """Draw every chart of the statistics page into ``out_dir``; return them in page order.

    ``topic_labels`` maps topic id → the label to show (e.g. "GPU供应与价格 gpu_supply");
    ``entity_labels`` entity id → label (e.g. "英伟达 NVIDIA")."""
    entity_labels = entity_labels or {}
    charts: list[Chart] = []
    with plt.rc_context(_style()):
        splits = list(dict.fromkeys(s for per in stats["per_split"].values() for s in per))
        _grouped(
            splits,
            {
                config: [per.get(s, {}).get("rows", 0) for s in splits]
                for config, per in stats["per_split"].items()
            },
            "rows",
            out_dir / "rows-per-split.svg",
        )
        charts.append(Chart("rows-per-split.svg", "Rows per config and split"))

        scripts = list(stats["per_script"])
        _grouped(
            scripts,
            {
                "documents": [stats["per_script"][s]["documents"] for s in scripts],
                "paragraphs": [stats["per_script"][s]["paragraphs"] for s in scripts],
            },
            "rows",
            out_dir / "script.svg",
        )
        charts.append(Chart("script.svg", "Documents and paragraphs per script"))

        topics = [(t, n) for t, n in stats["topics"].items()]
        _barh(
            [topic_labels.get(t, t) for t, _ in topics],
            [n for _, n in topics],
            "documents",
            out_dir / "topics.svg",
        )
        charts.append(Chart("topics.svg", "Documents per topic (主题分布)"))

        entities = list(stats.get("entities", {}).items())[:TOP_ENTITIES]
        _barh(
            [entity_labels.get(e, e) for e, _ in entities],
            [n for _, n in entities],
            "documents",
            out_dir / "entities.svg",
            color="#2f8f8a",
        )
        charts.append(Chart("entities.svg", f"Documents per entity, the {TOP_ENTITIES} most frequent (实体)"))

        _histogram(stats["doc_lengths"], "characters per document", out_dir / "document-lengths.svg")
        charts.append(Chart("document-lengths.svg", "Document length distribution (characters)"))
        _histogram(stats["paragraph_lengths"], "characters per paragraph", out_dir / "paragraph-lengths.svg")
        charts.append(Chart("paragraph-lengths.svg", "Paragraph length distribution (characters)"))

        labels = stats["line_labels"]
        _barh(list(labels), list(labels.values()), "raw lines", out_dir / "line-labels.svg", color="#b5803f")
        charts.append(Chart("line-labels.svg", "Raw lines by label"))
        reasons = stats["removed_reasons"]
        _barh(
            list(reasons),
            list(reasons.values()),
            "removed lines",
            out_dir / "removed-reasons.svg",
            color="#b5523f",
        )
        charts.append(Chart("removed-reasons.svg", "Removed lines by label and reason"))

        repairs = stats["repairs"]
        _barh(list(repairs), list(repairs.values()), "repairs", out_dir / "repairs.svg", color="#7a5ab5")
        charts.append(Chart("repairs.svg", "Repairs by kind"))
    return charts


def render_evaluation_charts(tables: dict[str, list[list[Any]]], out_dir: Path) -> list[Chart]:
    """Charts of the evaluation page's headline tables (rows as made by
    ``builders.publish.pages.evaluation_headlines``): F1 per cleaning label, ROUGE per summary
    method, topic micro P / R / F1 per setting."""
    charts: list[Chart] = []

    def nums(values: list[Any]) -> list[float]:
        return [float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0 for v in values]

    with plt.rc_context(_style()):
        if "cleaning" in tables:
            rows = tables["cleaning"]
            _grouped(
                [str(r[0]) for r in rows],
                {"precision": nums([r[1] for r in rows]), "recall": nums([r[2] for r in rows]), "F1": nums([r[3] for r in rows])},
                "score",
                out_dir / "eval-cleaning.svg",
            )
            charts.append(Chart("eval-cleaning.svg", "Cleaning: precision, recall and F1 per label"))
        if "summaries" in tables:
            rows = tables["summaries"]
            names = ["char R-1", "char R-2", "char R-L", "word R-1", "word R-2", "word R-L"]
            _grouped(
                names,
                {str(r[0]): nums(r[2:8]) for r in rows},
                "ROUGE F1",
                out_dir / "eval-summaries.svg",
            )
            charts.append(Chart("eval-summaries.svg", "Summaries: ROUGE F1 per method"))
        if "topics" in tables:
            rows = tables["topics"]
            _grouped(
                [str(r[0]) for r in rows],
                {"precision": nums([r[1] for r in rows]), "recall": nums([r[2] for r in rows]), "F1": nums([r[3] for r in rows])},
                "micro average",
                out_dir / "eval-topics.svg",
            )
            charts.append(Chart("eval-topics.svg", "Topics: micro precision, recall and F1 per setting"))
    return charts
