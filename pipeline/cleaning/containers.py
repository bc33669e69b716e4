"""Seed files that hold other documents: gzip-compressed seeds, WARC crawls and JSON Lines exports.

Pure: a file's name and bytes in, its records out. A plain page is one record without a number; a WARC
or JSON Lines file gives every record its 1-based position in the file, which becomes `FILE#N`. A record
that is no page (a WARC request, a 404, an image, a JSON line without text) comes out rejected with the
reason, so that every record is accounted for exactly once.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.documents import Code, Refused

logging.getLogger("warcio").setLevel(logging.ERROR)  # its record warnings are ours to report, as rejections

WARC_SUFFIXES = (".warc",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
PAGE_RECORDS = ("response", "resource")


class Unreadable(Refused):
    """The container as a whole cannot be read (corrupt gzip, not a WARC file, larger than allowed)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One document of a seed file, or why it is none; `number` is None for a plain (single) page."""

    number: int | None
    data: bytes = b""
    kind: str | None = None  # "html" or "text" when the container says; None: decided from the name and bytes
    url: str | None = None
    fetched: str | None = None
    title: str | None = None
    date: str | None = None
    rejected: str | None = None
    code: Code | None = None  # the rejection's kind, with `rejected`


def is_container(name: str) -> bool:
    """Whether a seed file of this name may hold several documents (then its records are numbered)."""
    inner = name.lower().removesuffix(".gz")
    return inner.endswith(WARC_SUFFIXES + JSONL_SUFFIXES)


def records(name: str, data: bytes, max_bytes: int) -> Iterator[Record]:
    """The documents a seed file holds, in file order; raises Unreadable when the file cannot be read."""
    lower = name.lower()
    if lower.endswith(".gz"):
        data, lower = gunzip(data, max_bytes), lower.removesuffix(".gz")
    if lower.endswith(WARC_SUFFIXES):
        yield from warc_records(data, max_bytes)
    elif lower.endswith(JSONL_SUFFIXES):
        yield from jsonl_records(data)
    else:
        yield Record(None, data, kind=_kind_of_name(lower))


def _kind_of_name(lower: str) -> str | None:
    """A compressed page's format by its inner name ("story.html.gz" is HTML); None lets the bytes decide."""
    return "html" if lower.endswith((".html", ".htm", ".xhtml", ".shtml")) else None


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """The decompressed bytes of every gzip member (WARC.gz files are one member per record), at most
    `max_bytes`: a small file that inflates past the limit is refused, not unpacked into memory."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inflated = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise Unreadable(Code.DAMAGED, f"corrupt gzip file: {err}") from None
    if len(inflated) > max_bytes:
        raise Unreadable(Code.TOO_LARGE, f"larger than the size limit once decompressed (max_bytes {max_bytes})")
    return inflated


def warc_records(data: bytes, max_bytes: int) -> Iterator[Record]:
    """Every record of a WARC file: `response` and `resource` records of HTML or plain text with a 2xx
    status are pages; the rest are rejected with what they are."""
    if data.lstrip()[:5] != b"WARC/":  # warcio would read anything as the older ARC format
        raise Unreadable(Code.DAMAGED, "not a readable WARC file: it does not begin with a WARC/1.x record")
    found: list[Record] = []
    damage: Exception | None = None
    with contextlib.redirect_stderr(io.StringIO()):  # warcio prints its warnings straight to the terminal
        try:
            for number, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=1):
                found.append(_warc_record(number, record, max_bytes))
        except ArchiveLoadFailed as err:
            damage = Unreadable(Code.DAMAGED, f"not a readable WARC file: {err}")
        except Exception as err:  # a damaged record: the records read before it stand
            damage = Unreadable(Code.DAMAGED, f"unreadable from here on: {type(err).__name__}: {err}")
    yield from found
    if damage is not None:
        raise damage


def _warc_record(number: int, record: object, max_bytes: int) -> Record:
    headers = record.rec_headers
    url, fetched = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")
    if record.rec_type not in PAGE_RECORDS:
        return Record(number, url=url, fetched=fetched, rejected=f"WARC {record.rec_type} record (not a page)",
                      code=Code.NOT_A_PAGE)
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if not status.startswith("2"):
            return Record(number, url=url, fetched=fetched, rejected=f"HTTP status {status} (not a page)",
                          code=Code.HTTP_STATUS)
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = headers.get_header("Content-Type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES + TEXT_TYPES:
        return Record(number, url=url, fetched=fetched,
                      rejected=f"content type {media or 'unknown'} (not a page)", code=Code.CONTENT_TYPE)
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return Record(number, url=url, fetched=fetched, rejected=f"larger than the size limit (max_bytes {max_bytes})",
                      code=Code.TOO_LARGE)
    return Record(number, body, kind="html" if media in HTML_TYPES else "text", url=url, fetched=fetched)


def jsonl_records(data: bytes) -> Iterator[Record]:
    """One record per non-blank line of a JSON Lines export (Scrapy's feed exports, for one), with `html`
    or `text` and optionally `url`, `title` and `date`; a line without either is rejected."""
    number = 0
    for line in data.splitlines():
        if not line.strip():
            continue
        number += 1
        try:
            item = json.loads(line)
        except ValueError as err:
            yield Record(number, rejected=f"invalid JSON: {err}", code=Code.INVALID_JSON)
            continue
        if not isinstance(item, dict):
            yield Record(number, rejected="not a JSON object", code=Code.INVALID_JSON)
            continue
        fields = {key: value if isinstance(value, str) and value.strip() else None
                  for key, value in ((k, item.get(k)) for k in ("url", "title", "date"))}
        for kind in ("html", "text"):
            if isinstance(item.get(kind), str) and item[kind].strip():
                yield Record(number, item[kind].encode("utf-8"), kind=kind, **fields)
                break
        else:
            yield Record(number, url=fields["url"], rejected="no 'html' or 'text' field with content",
                         code=Code.NO_TEXT)
