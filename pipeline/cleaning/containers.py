"""Seed files that hold other documents: gzip-compressed seeds, WARC crawls and JSON Lines exports.

Pure: a file's name and bytes in, its records out, one at a time (a crawl's records are never all held in
memory). A plain page is one record without a number; a WARC or JSON Lines file gives every record its
1-based position in the file, which becomes `FILE#N`. A record that is no page (a WARC request, a 404, an
image, a JSON line without text, a line that is no JSON) comes out rejected with the reason, and the file
goes on: every record is accounted for exactly once.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.cleaning.seed_names import JSONL_SUFFIXES, WARC_SUFFIXES, is_html
from pipeline.cleaning.text import has_surrogates, writable
from pipeline.documents import Code, Refused

logging.getLogger("warcio").setLevel(logging.ERROR)  # its record warnings are ours to report, as rejections

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
PAGE_RECORDS = ("response", "resource")
# Content encodings whose records are read: warcio inflates gzip and deflate with zlib. It reads br too when
# the brotli package is installed, but fails on current brotli releases (a Decompressor without
# unused_data) and would lose the rest of the crawl: br is named as unsupported whatever is installed.
READABLE_ENCODINGS = ("", "identity", "none", "gzip", "deflate")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # JSON Lines' line ends; never U+2028, which str.splitlines also splits on
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass(frozen=True, slots=True)
class Limits:
    """What reading a seed file may cost: `max_bytes` a record (and a file once decompressed), `budget` the
    bytes of all of a container's records together (content encodings inflated); and which fields of an
    export's objects hold what, each a list of names tried in order (Scrapy writes `body`, others
    `content`)."""

    max_bytes: int
    budget: int
    html: Sequence[str] = ("html",)
    text: Sequence[str] = ("text",)
    url: Sequence[str] = ("url",)
    title: Sequence[str] = ("title",)
    date: Sequence[str] = ("date",)


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
    notes: tuple[str, ...] = field(default=())  # what reading it had to mend (lone surrogates replaced)


def records(name: str, data: bytes, limits: Limits) -> Iterator[Record]:
    """The documents a seed file holds, in file order, one at a time; raises Unreadable when the file (or
    the rest of it) cannot be read."""
    lower = name.lower()
    if lower.endswith(".gz"):
        data, lower = gunzip(data, limits.max_bytes), lower.removesuffix(".gz")
    if lower.endswith(WARC_SUFFIXES):
        yield from warc_records(data, limits)
    elif lower.endswith(JSONL_SUFFIXES):
        yield from jsonl_records(data, limits)
    else:
        yield Record(None, data, kind="html" if is_html(lower) else None)  # else the bytes decide


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


def warc_records(data: bytes, limits: Limits) -> Iterator[Record]:
    """Every record of a WARC file, read one at a time: `response` and `resource` records of HTML or plain
    text with a 2xx status are pages; the rest are rejected with what they are. Once the records' bytes
    pass the container's budget, the rest are rejected unread."""
    if data.lstrip()[:5] != b"WARC/":  # warcio would read anything as the older ARC format
        raise Unreadable(Code.DAMAGED, "not a readable WARC file: it does not begin with a WARC/1.x record")
    archive, number, spent = iter(ArchiveIterator(io.BytesIO(data))), 0, 0
    while True:
        with contextlib.redirect_stderr(io.StringIO()):  # warcio prints its warnings straight to the terminal
            try:
                record = next(archive, None)
                if record is None:
                    return
                number += 1
                found = _warc_record(number, record, limits.max_bytes, limits.budget - spent)
            except ArchiveLoadFailed as err:
                raise Unreadable(Code.DAMAGED, f"not a readable WARC file: {err}") from None
            except Exception as err:  # a damaged record: the records read before it stand
                raise Unreadable(Code.DAMAGED, f"unreadable from here on: {type(err).__name__}: {err}") from None
        spent += len(found.data)
        yield found


def _warc_record(number: int, record: object, max_bytes: int, remaining: int) -> Record:
    """A WARC record as a page, or why it is none; its content is read only up to the smaller of `max_bytes`
    and the container's `remaining` budget."""
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
    encoding = ((record.http_headers.get_header("Content-Encoding") if record.http_headers else None) or "").lower()
    if encoding.strip() not in READABLE_ENCODINGS:
        return Record(number, url=url, fetched=fetched, code=Code.CONTENT_ENCODING,
                      rejected=f"content encoding {encoding.strip()} not supported")
    if remaining <= 0:
        return Record(number, url=url, fetched=fetched, code=Code.TOO_LARGE,
                      rejected="past the container's byte budget (max_container_bytes)")
    body = record.content_stream().read(min(max_bytes, remaining) + 1)
    if len(body) > remaining:
        return Record(number, url=url, fetched=fetched, code=Code.TOO_LARGE,
                      rejected="past the container's byte budget (max_container_bytes)")
    if len(body) > max_bytes:
        return Record(number, url=url, fetched=fetched, rejected=f"larger than the size limit (max_bytes {max_bytes})",
                      code=Code.TOO_LARGE)
    return Record(number, body, kind="html" if media in HTML_TYPES else "text", url=url, fetched=fetched)


def jsonl_records(data: bytes, limits: Limits) -> Iterator[Record]:
    """One record per non-blank line of a JSON Lines export (Scrapy's feed exports, for one): its page from
    the first of the `html` or `text` fields `limits` names (a list of strings is paragraphs), and the
    `url`, `title` and `date` fields where present. A line that is no JSON object, nests too deeply, or has
    no page is that record's rejection; the lines after it are read all the same. UTF-16 and UTF-32 files
    (with a byte-order mark) are read as such."""
    text = _text_of_export(data)
    number = spent = 0
    for line in LINE_BREAK.split(text):
        if not line.strip():
            continue
        number += 1
        spent += len(line)
        if spent > limits.budget:
            yield Record(number, rejected="past the container's byte budget (max_container_bytes)",
                         code=Code.TOO_LARGE)
            continue
        try:
            item = json.loads(line)
        except RecursionError:
            yield Record(number, rejected="invalid JSON: nested too deeply", code=Code.INVALID_JSON)
            continue
        except ValueError as err:
            yield Record(number, rejected=f"invalid JSON: {err}", code=Code.INVALID_JSON)
            continue
        if not isinstance(item, dict):
            yield Record(number, rejected="not a JSON object", code=Code.INVALID_JSON)
            continue
        yield _export_record(number, item, limits)


def _text_of_export(data: bytes) -> str:
    """An export's text: UTF-8 unless a byte-order mark names UTF-16 or UTF-32; bytes that break the
    encoding are replaced (each line stands alone: a broken one is that record's problem)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _export_record(number: int, item: dict, limits: Limits) -> Record:
    """One export object as a record; strings are made writable (lone surrogates, an emoji cut in half by
    truncation, replaced with U+FFFD, and noted)."""
    mended: list[str] = []
    fields = {name: _field(item, keys, mended) for name, keys in
              (("url", limits.url), ("title", limits.title), ("date", limits.date))}
    for kind, keys in (("html", limits.html), ("text", limits.text)):
        if page := _field(item, keys, mended, paragraphs=True):
            notes = (f"replaced lone surrogates in the export's {', '.join(mended)} with U+FFFD",) if mended else ()
            kind = kind if kind == "text" or "<" in page else "text"  # Scrapy's `body` may be plain text
            return Record(number, page.encode("utf-8"), kind=kind, notes=notes, **fields)
    names = ", ".join(f"'{key}'" for key in (*limits.html, *limits.text))
    return Record(number, url=fields["url"], rejected=f"no field with content among {names}", code=Code.NO_TEXT)


def _field(item: dict, keys: Sequence[str], mended: list[str], paragraphs: bool = False) -> str | None:
    """The first of `keys` holding a string with content (or, for a page, a list of strings: paragraphs
    joined by blank lines; for other fields, the list's first string), made writable."""
    for key in keys:
        value = item.get(key)
        if isinstance(value, list):
            strings = [part for part in value if isinstance(part, str) and part.strip()]
            value = "\n\n".join(strings) if paragraphs else next(iter(strings), None)
        if isinstance(value, str) and value.strip():
            if has_surrogates(value):
                mended.append(key)
            return writable(value)
    return None
