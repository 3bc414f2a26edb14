"""Fast row encoding and validation: same results as ``builders.export.parquet.encode_rows``.

Profiling the build showed ``encode_rows`` taking most of the per-document time: ``jsonschema``
walks the schema anew for every row (about 0.75 ms a row) and ``Features.encode_example``
deep-copies the row and looks up the feature type of every value (about 0.3 ms). Here both are
compiled once per config:

* the encoder is a tree of closures built from the ``Features`` (derived from the JSON Schema,
  as before) that applies exactly the rules of ``datasets.features.encode_nested_example``:
  dict keys in schema order, missing keys → None, ``Value`` casts (``int``/``float``/``str``/
  ``bool``), ``ClassLabel`` names → ids with the range check, ``datetime`` / ``date`` objects
  of temporal columns handed to Arrow as they are, and a list encoded element-wise
  only when its first non-empty element changes on encoding. A value of a type other than the
  plain JSON ones (numpy scalars, tuples, ...) sends the row to ``Features.encode_example``;
* validation compiles the same ``schema/<config>.schema.json`` (resolved by
  ``builders.schema.load_schema``) with fastjsonschema. When it rejects a row, ``jsonschema``
  validates that row again and decides: its message (config, record id, field) is the one
  raised, and a row it accepts passes. So the contract and the error messages are exactly those
  of ``builders.schema.validate_record``; only the common, valid case is faster. Rows with
  temporal columns are validated in their JSON form (``builders.schema.json_form``), as there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

import datasets

from builders.record import BuildError
from builders.schema import features, json_form, load_schema, validate_record

_PLAIN = (str, int, float, bool, type(None))
_TEMPORAL = (dt.datetime, dt.date)
Encoder = Callable[[Any], Any]


class _NotPlain(Exception):
    """A value the compiled encoder does not handle: use ``Features.encode_example``."""


def _is_plain(obj: Any) -> bool:
    kind = type(obj)
    if kind in _PLAIN or kind in _TEMPORAL:
        return True
    if kind is list:
        return all(_is_plain(o) for o in obj)
    if kind is dict:
        return all(type(k) is str and _is_plain(v) for k, v in obj.items())
    return False


def _non_null_non_empty(obj: Any, schema: Any) -> bool:
    """``datasets.features._check_non_null_non_empty_recursive`` for plain values."""
    if obj is None:
        return False
    if type(obj) is list and isinstance(schema, (datasets.List, datasets.LargeList)):
        return _non_null_non_empty(obj[0], schema.feature) if obj else False
    return True


def _compile(feature: Any) -> tuple[Encoder, bool]:
    """(encoder, changes_values) for one feature; mirrors ``encode_nested_example``."""
    if isinstance(feature, dict):
        subs = [(k, _compile(v)[0]) for k, v in feature.items()]

        def enc_dict(obj: Any) -> Any:
            if obj is None:
                return None
            if type(obj) is not dict:
                raise _NotPlain
            return {k: sub(obj.get(k)) for k, sub in subs}

        return enc_dict, True
    if isinstance(feature, (datasets.List, datasets.LargeList)):
        sub = feature.feature
        inner, _ = _compile(sub)

        def enc_list(obj: Any) -> Any:
            if obj is None:
                return None
            if type(obj) is not list:
                raise _NotPlain
            if not obj:
                return []
            first = obj[0]
            for first in obj:  # the first non-null, non-empty element (or the last one)
                if _non_null_non_empty(first, sub):
                    break
            try:
                changed = bool(inner(first) != first)
            except ValueError:  # as datasets does: the row then fails validation, not encoding
                changed = False
            if changed:
                return [inner(o) for o in obj]
            if not all(_is_plain(o) for o in obj):  # kept as they are: must be plain values
                raise _NotPlain
            return list(obj)

        return enc_list, True
    if isinstance(feature, datasets.ClassLabel):
        return (lambda obj: None if obj is None else feature.encode_example(obj)), True
    if isinstance(feature, datasets.Value):
        cast: Callable[[Any], Any]
        pa_type = feature.pa_type
        import pyarrow as pa

        if pa.types.is_boolean(pa_type):
            cast = bool
        elif pa.types.is_integer(pa_type):
            cast = int
        elif pa.types.is_floating(pa_type):
            cast = float
        elif pa.types.is_string(pa_type) or pa.types.is_large_string(pa_type) or pa.types.is_string_view(pa_type):
            cast = str
        elif pa.types.is_timestamp(pa_type) or pa.types.is_date(pa_type):
            # datetime / date objects go to Arrow as they are; anything else (a string) is kept
            # too, so that validation names the field rather than the encoder failing.
            def enc_temporal(obj: Any) -> Any:
                if type(obj) not in _PLAIN and type(obj) not in _TEMPORAL:
                    raise _NotPlain
                return obj

            return enc_temporal, False
        else:
            raise _NotPlain

        def enc_value(obj: Any) -> Any:
            if obj is None:
                return None
            if type(obj) not in _PLAIN:
                raise _NotPlain
            return cast(obj)

        return enc_value, True
    raise _NotPlain


@cache
def _encoder(config: str) -> Encoder:
    return _compile(dict(features(config)))[0]


@cache
def _features(config: str) -> datasets.Features:
    return features(config)


@cache
def _has_temporal(config: str) -> bool:
    import pyarrow as pa

    def temporal(t: pa.DataType) -> bool:
        if pa.types.is_timestamp(t) or pa.types.is_date(t):
            return True
        if pa.types.is_struct(t):
            return any(temporal(f.type) for f in t)
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return temporal(t.value_type)
        return False

    return any(temporal(f.type) for f in features(config).arrow_schema)


def _strip(node: Any) -> Any:
    """The schema without annotations fastjsonschema does not know (x-hf-*, $schema, $id)."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not k.startswith(("x-", "$"))}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


@cache
def _validator(config: str) -> Callable[[Any], Any]:
    import fastjsonschema

    schema = {"$schema": "http://json-schema.org/draft-07/schema#", **_strip(load_schema(config))}
    # Formats are not asserted by builders.schema (no format checker), so not here either.
    return fastjsonschema.compile(schema, use_formats=False, use_default=False)


def _record_id(row: Mapping[str, Any]) -> str:
    base = next((str(row[k]) for k in ("id", "document_id") if k in row), "?")
    return f"{base}:{row['line_number']}" if "line_number" in row else base


def encode_row(config: str, row: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return _encoder(config)(row if type(row) is dict else dict(row))
    except _NotPlain:
        return _features(config).encode_example(dict(row))


def encode_rows(config: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Drop-in for ``builders.export.parquet.encode_rows`` (same rows, same errors)."""
    import fastjsonschema

    validate = _validator(config)
    encoded = []
    for row in rows:
        try:
            enc = encode_row(config, row)
        except (ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"{config} record {_record_id(row)!r} cannot be encoded: {exc}") from exc
        try:
            validate(json_form(enc) if _has_temporal(config) else enc)
        except fastjsonschema.JsonSchemaException:
            # jsonschema decides, and words the error exactly as the rest of the builders do.
            validate_record(config, enc, _record_id(row))
        encoded.append(enc)
    return encoded
