"""The zhnews command line: exit codes and messages (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.cli import main


def test_cli_build_and_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    assert main(["build", "--out", str(out)]) == 0
    assert "built" in capsys.readouterr().out
    assert main(["validate"]) == 0
    assert main(["validate", "--dataset", str(out)]) == 0


def test_cli_validate_reports_a_broken_record(built_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built_dataset, copy)
    path = next((copy / "data" / "lines").glob("train-*.parquet"))
    table = pq.read_table(path)
    labels = table.column("label").to_pylist()
    labels[0] = 9  # outside the ClassLabel range
    table = table.set_column(table.schema.get_field_index("label"), table.schema.field("label"), pa.array(labels, pa.int64()))
    pq.write_table(table, path)
    assert main(["validate", "--dataset", str(copy)]) == 1
    err = capsys.readouterr().err
    assert path.name in err and "label" in err


def test_cli_reports_input_errors_with_exit_code_2(corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus_copy / "sources.yaml").write_text("sources: [\n", encoding="utf-8")
    assert main(["build", "--out", str(tmp_path / "x"), "--corpus", str(corpus_copy)]) == 2
    err = capsys.readouterr().err
    assert "sources.yaml" in err and "malformed YAML" in err
