"""A disk cache for values derived deterministically from bytes (jieba's prefix dictionary, the
IDF table), shared by processes and builds on one machine.

A value is stored under the sha256 of its name, the cache format and the source bytes, and the
file carries the sha256 of its payload: a file is used only when both match, so a cached value
is exactly what building it now would give (same bytes in, same value out), on any machine.
Anything wrong (no cache folder, unwritable, truncated or foreign file) falls back to building
the value in memory; the build never fails because of the cache.

Where: ``$ZHNEWS_CACHE_DIR`` (empty, ``0``, ``off``, ``false`` or ``none`` turn the cache off),
else ``annotate.jieba.cache_dir`` in builders/config.yaml when set (``false`` turns it off),
else ``$XDG_CACHE_HOME/zhnews``, else ``~/.cache/zhnews``. Never the repository or /tmp.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from builders.config import section

log = logging.getLogger(__name__)

CACHE_ENV = "ZHNEWS_CACHE_DIR"
# Bump when the file layout or what a name means changes: old files are then simply not found.
FORMAT = b"zhnews-diskcache-1"
_OFF = {"", "0", "off", "false", "none", "no"}
_DIGEST = 32  # bytes of a sha256

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off or no folder can be named."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser()
    configured = section("annotate").get("jieba", {}).get("cache_dir")
    if configured is False:
        return None
    if configured:
        return Path(str(configured)).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative values
        return Path(xdg) / "zhnews"
    try:
        return Path.home() / ".cache" / "zhnews"
    except (RuntimeError, KeyError):  # no home directory (some service accounts)
        return None


def cache_key(name: str, source: bytes) -> bytes:
    h = hashlib.sha256(FORMAT)
    for part in (name.encode("utf-8"), b"json-1"):
        h.update(len(part).to_bytes(8, "big") + part)
    h.update(source)
    return h.digest()


def cache_path(name: str, source: bytes) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"{name}-{cache_key(name, source).hex()[:32]}.json"


def _read(path: Path, key: bytes) -> Any:
    """The stored value, or raises ValueError/OSError/EOFError when the file is not usable."""
    blob = path.read_bytes()
    head, digest, payload = blob[:_DIGEST], blob[_DIGEST : 2 * _DIGEST], blob[2 * _DIGEST :]
    if head != key or hashlib.sha256(payload).digest() != digest:
        raise ValueError("key or checksum mismatch")
    # JSON, not marshal/pickle: loading a cache file can never run code. JSON has no tuples,
    # so a top-level list comes back as the tuple it was stored from.
    value = json.loads(payload.decode("utf-8"))
    return tuple(value) if isinstance(value, list) else value


def _write(path: Path, key: bytes, value: Any) -> None:
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: concurrent workers never see a half-written file, and the last writer
    # wins with identical bytes.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_build(name: str, source: bytes, build: Callable[[], T], valid: Callable[[Any], bool]) -> T:
    """``build()``, a pure function of ``source``, read from the cache when it holds a valid
    value for exactly these bytes, else built and (best effort) stored. ``valid`` checks the
    shape of a loaded value; the value must be JSON-able (dicts with str keys, tuples, str, numbers)."""
    path = cache_path(name, source)
    if path is None:
        return build()
    key = cache_key(name, source)
    try:
        value = _read(path, key)
        if valid(value):
            return value  # type: ignore[no-any-return]
        log.debug("%s: unexpected content, rebuilding", path)
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as exc:
        log.debug("%s: not usable (%s), rebuilding", path, exc)
    value = build()
    try:
        _write(path, key, value)
    except (OSError, ValueError) as exc:
        log.debug("%s: cache not written (%s); continuing without it", path, exc)
    return value
