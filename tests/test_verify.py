"""Issue 7: `zhnews verify` says exactly what is wrong with a dataset folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.cli import main
from builders.ingest.sources import sha256_file
from builders.schema import features
from builders.stats import parquet_files
from builders.verify import verify_dataset

pytestmark = pytest.mark.slow


@pytest.fixture()
def folder(built_dataset: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "download"
    shutil.copytree(built_dataset, dst)
    return dst


def _shard(folder: Path, config: str) -> tuple[str, Path]:
    path = next(iter(parquet_files(folder, config).values()))
    return path.relative_to(folder).as_posix(), path


def _refresh_manifest(folder: Path, rel: str) -> None:
    """Make the manifest agree with a rewritten file, so only the schema check can object."""
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    path = folder / rel
    manifest["outputs"][rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_built_folder_verifies(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify_dataset(folder) == []
    # Files the Hub and `hf download` add are not part of the release.
    (folder / ".gitattributes").write_text("*.parquet filter=lfs\n", encoding="utf-8")
    (folder / ".cache" / "huggingface").mkdir(parents=True)
    (folder / ".cache" / "huggingface" / "x.metadata").write_text("x", encoding="utf-8")
    assert verify_dataset(folder) == []
    assert main(["verify", str(folder)]) == 0
    assert "every file matches" in capsys.readouterr().out


def test_flipped_byte_is_caught(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rel, path = _shard(folder, "documents")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = verify_dataset(folder)
    assert any(p.startswith(f"{rel}: sha256 ") and "does not match manifest.json" in p for p in problems), (
        problems
    )
    # croissant.json names the old sha256 too
    assert any("croissant.json: sha256 of " + rel in p for p in problems), problems
    assert main(["verify", str(folder)]) == 1
    assert rel in capsys.readouterr().err


def test_missing_file_is_caught(folder: Path) -> None:
    rel, path = _shard(folder, "lines")
    path.unlink()
    problems = verify_dataset(folder)
    assert f"{rel}: missing (listed in manifest.json)" in problems
    assert any(p.startswith("README.md:") and rel in p for p in problems), problems


def test_extra_file_is_caught(folder: Path) -> None:
    (folder / "data" / "documents" / "notes.txt").write_text("hello", encoding="utf-8")
    assert "data/documents/notes.txt: extra file, not listed in manifest.json" in verify_dataset(folder)


def test_extra_column_is_caught(folder: Path) -> None:
    rel, path = _shard(folder, "paragraphs")
    table = pq.read_table(path)
    table = table.append_column("sentiment", pa.array([0.5] * table.num_rows, pa.float64()))
    pq.write_table(table, path)
    _refresh_manifest(folder, rel)
    problems = [p for p in verify_dataset(folder) if not p.startswith("croissant.json")]
    assert problems == [f"{rel}: extra columns not in schema/paragraphs.schema.json: sentiment"]


def test_missing_and_retyped_columns_are_caught(folder: Path) -> None:
    rel, path = _shard(folder, "lines")
    table = pq.read_table(path).drop_columns(["reason"])
    idx = table.schema.get_field_index("line_number")
    table = table.set_column(idx, "line_number", table.column("line_number").cast(pa.string()))
    pq.write_table(table, path)
    _refresh_manifest(folder, rel)
    problems = verify_dataset(folder)
    assert f"{rel}: missing columns required by schema/lines.schema.json: reason" in problems
    assert any(p.startswith(f"{rel}: column 'line_number' has type string") for p in problems), problems


def test_record_breaking_the_schema_is_caught(folder: Path) -> None:
    rel, path = _shard(folder, "documents")
    rows = pq.read_table(path).to_pylist()
    rows[0]["script"] = "Latn"  # a string column with a closed list of labels
    pq.write_table(pa.Table.from_pylist(rows, schema=features("documents").arrow_schema), path)
    _refresh_manifest(folder, rel)
    problems = verify_dataset(folder)
    assert any(
        p.startswith(f"{rel}: row 0 ({rows[0]['id']}): script:") and "is not one of" in p
        for p in problems
    ), problems


def test_missing_manifest_is_caught(folder: Path) -> None:
    (folder / "manifest.json").unlink()
    assert "manifest.json: missing" in verify_dataset(folder)


def test_flipped_footer_bytes_are_reported_as_corrupt(folder: Path) -> None:
    """Issue 20: a byte flipped inside the Parquet footer (Thrift metadata: schema, row groups,
    page offsets) never escapes ``verify`` as an exception; a damaged footer reads as "corrupt"
    with the file named. Mutation caught: narrowing check_parquet's except clause back to
    (OSError, ArrowException) lets a UnicodeDecodeError or Thrift error through."""
    from builders.verify import check_parquet

    rel, path = _shard(folder, "documents")
    original = path.read_bytes()
    footer_len = int.from_bytes(original[-8:-4], "little")
    start, end = len(original) - 8 - footer_len, len(original) - 8
    positions = list(range(start, end, max(1, footer_len // 40)))
    assert len(positions) >= 20, (footer_len, positions)
    outcomes: list[list[str]] = []
    for pos in positions:
        data = bytearray(original)
        data[pos] ^= 0xFF
        path.write_bytes(bytes(data))
        problems = check_parquet(folder, rel)  # must return, never raise
        assert all(p.startswith(f"{rel}: ") for p in problems), problems
        outcomes.append(problems)
    path.write_bytes(original)
    corrupt = [p for p in outcomes if any("corrupt: cannot be read as Parquet" in x for x in p)]
    assert corrupt, "no flipped footer byte was reported as corrupt"
