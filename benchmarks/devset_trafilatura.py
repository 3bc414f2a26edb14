"""Trafilatura on the development set, scored with the rules of ``zhnews evaluate``.

Trafilatura is a benchmark dependency only (never a build dependency). Run it from a separate
install so the build's environment stays as locked, e.g.::

    pip install --target /tmp/traf trafilatura==2.3.1
    PYTHONPATH=/tmp/traf:. python benchmarks/devset_trafilatura.py   # writes benchmarks/devset_trafilatura.json

Pages are passed as *bytes* (trafilatura detects the charset itself; given text decoded as UTF-8
it loses the GB2312 and Big5 pages), with the date wanted to the second (htmldate underneath
gives the date alone otherwise). Title, date, publisher (sitename) and authors come from its
metadata; the body is its extracted text. The JSON is committed; `zhnews evaluate` and the docs'
evaluation page show it beside our figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builders.evaluate.devset import DEVSET, TRAFILATURA_JSON, load_gold, score_page, table_line, totals  # noqa: E402

OPTIONS = {
    "with_metadata": True,
    "date_extraction_params": {"outputformat": "%Y-%m-%dT%H:%M:%S", "extensive_search": True, "original_date": True},
}


def main() -> int:
    import trafilatura

    rows = []
    for gold in load_gold(DEVSET):
        data = (DEVSET / "raw" / gold["file"]).read_bytes()
        doc = trafilatura.bare_extraction(data, **OPTIONS)
        result = None
        if doc is not None:
            result = {
                "text": doc.text or "",
                "title": doc.title,
                "published": doc.date,
                "publisher": doc.sitename,
                "author": [a.strip() for a in (doc.author or "").split(";") if a.strip()] or None,
            }
        rows.append(score_page(gold, result))
    out = {
        "extractor": "trafilatura",
        "version": trafilatura.__version__,
        "options": OPTIONS,
        "input": "page bytes",
        "totals": totals(rows),
        "pages": rows,
    }
    TRAFILATURA_JSON.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table_line(f"trafilatura {trafilatura.__version__}", out["totals"]))
    print(f"wrote {TRAFILATURA_JSON.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
