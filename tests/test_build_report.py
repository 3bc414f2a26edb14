"""Issue 9: the build report says where the parent's memory peak was reached."""

from __future__ import annotations

from pathlib import Path

from benchmarks.generate import generate
from builders import pipeline
from tests.test_parallel import _paths


def test_report_notes_the_peak_after_every_step(tmp_path: Path) -> None:
    report = pipeline.build(tmp_path / "out", _paths(generate(tmp_path / "crawl", 6, seed=5)), workers=1)
    steps = list(report.peak_mb_after)
    for step in ("sources", "index", "process", "near-duplicates+split", "export: parquet documents", "export: card", "export"):
        assert step in steps, step
    values = list(report.peak_mb_after.values())
    assert values == sorted(values), "ru_maxrss only grows: the steps must be recorded in order"
    assert values[-1] > 50  # MB: a Python process with pyarrow loaded is far above this
