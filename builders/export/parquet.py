"""Rows → validated, encoded Arrow tables → Parquet files laid out as on the Hub."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from builders.config import section
from builders.schema import features, validate_record

_ID_FIELDS = ("id", "document_id")


def _record_id(row: Mapping[str, Any]) -> str:
    base = next((str(row[k]) for k in _ID_FIELDS if k in row), "?")
    return f"{base}:{row['line_number']}" if "line_number" in row else base


def encode_rows(config: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Values cast by the Features (ClassLabel names → ids, if any), then JSON Schema validation
    of every row (temporal values in their ISO 8601 JSON form).

    Validation runs on the encoded row, i.e. exactly what is written, so a row that would
    break the published contract fails the build with the record id and field named."""
    feats = features(config)
    encoded = []
    for row in rows:
        try:
            enc = feats.encode_example(dict(row))
        except (ValueError, KeyError, TypeError) as exc:
            from builders.record import BuildError

            raise BuildError(f"{config} record {_record_id(row)!r} cannot be encoded: {exc}") from exc
        validate_record(config, enc, _record_id(row))
        encoded.append(enc)
    return encoded


def to_table(config: str, encoded: list[dict[str, Any]]) -> pa.Table:
    feats: datasets.Features = features(config)
    # The Features' Arrow schema carries the `huggingface` metadata, so `datasets` restores the
    # exact Features (timestamp time zone included) from a direct Parquet download.
    return pa.Table.from_pylist(encoded, schema=feats.arrow_schema)


def write_parquet(table: pa.Table, path: Path) -> None:
    cfg = section("export")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        path,
        compression=cfg["compression"],
        compression_level=int(cfg["compression_level"]),
        row_group_size=int(cfg["row_group_size"]),
        use_content_defined_chunking=True,  # Hub recommendation: dedupes well on Xet storage
        write_page_index=True,
        write_statistics=True,
    )


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A streaming writer with the same options as :func:`write_parquet`."""
    cfg = section("export")
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(
        path,
        schema,
        compression=cfg["compression"],
        compression_level=int(cfg["compression_level"]),
        use_content_defined_chunking=True,
        write_page_index=True,
        write_statistics=True,
    )
