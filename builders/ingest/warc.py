"""WARC files → pages with their provenance (URL, retrieval time, HTTP charset).

A thin reader (:func:`read_warc`) over warcio and a pure per-record step
(:func:`process_record`), as datatrove's ``readers/warc.py`` does. A record becomes a page only
when it is a ``response`` with HTTP status 200 and an HTML media type; every other record is
skipped with a short, stable reason that the caller counts (``revisit``, ``not_html``,
``status_404``, ``request``, ``warcinfo`` ...). The payload is the HTTP body after warcio has
undone chunked transfer and gzip/deflate/brotli content encodings.

A file that is not a WARC at all (or is cut off) is a :class:`BuildError` naming the file and
the record where reading stopped: a crawl that cannot be read completely is refused as a
whole, never half-imported.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from builders.record import BuildError

# Media types of HTML pages (the HTTP Content-Type without its parameters).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class WarcPage:
    """One HTML response of a WARC file."""

    url: str
    retrieved: str | None  # WARC-Date, ISO 8601 UTC as the crawler wrote it
    charset: str | None  # the HTTP Content-Type charset, when it names a known codec
    data: bytes  # the HTTP body, transfer and content encodings undone
    origin: str  # "crawl.warc.gz: record N", for messages


@dataclass(frozen=True)
class Skipped:
    """A record that is not imported, and why (a short stable reason)."""

    reason: str
    origin: str


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lowercased, when Python knows the
    codec (a label no codec answers to is no hint at all)."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            label = value.strip().strip("\"'").lower()
            try:
                codecs.lookup(label)
            except LookupError:
                return None
            return label or None
    return None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def process_record(record: object, origin: str) -> WarcPage | str:
    """A page, or the reason the record is skipped."""
    rec_type = record.rec_type  # type: ignore[attr-defined]
    if rec_type != "response":
        return rec_type or "unknown"
    http = record.http_headers  # type: ignore[attr-defined]
    if http is None:  # a response of another protocol (dns:, ftp:)
        return "not_http"
    status = http.get_statuscode()
    if status != "200":
        return f"status_{status}"
    content_type = http.get_header("Content-Type")
    if media_type(content_type) not in HTML_TYPES:
        return "not_html"
    headers = record.rec_headers  # type: ignore[attr-defined]
    url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    retrieved = (headers.get_header("WARC-Date") or "").strip()
    if not url:
        return "no_url"
    data = record.content_stream().read()  # type: ignore[attr-defined]
    return WarcPage(url=url, retrieved=retrieved or None, charset=http_charset(content_type), data=data, origin=origin)


def _check_gzip(path: Path) -> None:
    with gzip.open(path, "rb") as fh:
        while fh.read(1 << 20):
            pass


def _check_plain_end(path: Path) -> None:
    """A record ends with CRLF CRLF (LF LF from lax writers): a file that does not was cut."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 4))
        tail = fh.read()
    if size and not (tail.endswith(b"\r\n\r\n") or tail.endswith(b"\n\n")):
        raise EOFError("the file does not end where a record ends (cut off?)")


def read_warc(path: Path) -> Iterator[WarcPage | Skipped]:
    """Every record of a ``.warc`` or ``.warc.gz`` file: a page, or why it is skipped."""
    number = 0
    try:
        # warcio ends quietly where a file is cut off inside a gzip member or a header block.
        if path.name.lower().endswith(".gz"):
            _check_gzip(path)
        else:
            _check_plain_end(path)
        with path.open("rb") as fh:
            for number, record in enumerate(ArchiveIterator(fh), start=1):
                origin = f"{path}: record {number}"
                page = process_record(record, origin)
                while record.raw_stream.read(1 << 16):  # the rest of the block, to see it complete
                    pass
                if record.raw_stream.limit:
                    raise EOFError(f"record {number} is cut off {record.raw_stream.limit} bytes before its end")
                yield Skipped(page, origin) if isinstance(page, str) else page
    except ArchiveLoadFailed as exc:
        raise BuildError(f"{path}: not a readable WARC file{_after(number)} ({exc.msg})") from exc
    except (EOFError, OSError, ValueError, zlib.error) as exc:  # cut-off gzip, damaged block (BadGzipFile is an OSError)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the environment (permissions, disk), not the input
        raise BuildError(f"{path}: damaged WARC file{_after(number)} ({exc})") from exc


def _after(number: int) -> str:
    return f" after record {number}" if number else ""
