"""Bytes to text: byte-order mark, strict UTF-8, a declared charset, then charset-normalizer.

Binary files are refused with a reason instead of being decoded into noise.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"PK\x03\x04", "zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x00\x18ftyp", "MP4 media"),
    (b"\x00\x00\x00\x20ftyp", "MP4 media"),
    (b"wOFF", "web font"),
    (b"SQLite format 3\x00", "SQLite database"),
)
DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Share of control characters (other than tab and line breaks) above which decoded bytes are not text.
MAX_CONTROL_SHARE = 0.02


class NotText(ValueError):
    """The bytes are not a text document; the message is the rejection reason."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding the bytes were in, and anything lost on the way."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode(data: bytes) -> Decoded:
    """Decode seed bytes; raise NotText for empty or binary input."""
    if not data.strip():
        raise NotText("empty or whitespace-only file")
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise NotText(f"binary file ({kind})")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(_decode_keep_truncated(data[len(bom) :], encoding))
    if data.count(0) * 100 > len(data):
        raise NotText("binary file (NUL bytes)")
    try:
        return _checked(_decode_keep_truncated(data, "utf-8"))
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared:
        try:
            return _checked(Decoded(data.decode(declared), declared, ("declared charset",)))
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise NotText("binary file (no character encoding fits)")
    encoding = codecs.lookup(best.encoding).name
    if encoding in ("cp1250", "iso8859-2") and reads_as_cp1252(data):
        encoding = "cp1252"
    return _checked(Decoded(data.decode(encoding, errors="replace"), encoding, ("detected",)))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML <meta> or XML declaration names in the first 4 KiB, if Python knows it."""
    match = DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def reads_as_cp1252(data: bytes) -> bool:
    """True unless some byte is a letter in cp1250 but not in cp1252 (Polish ł, Czech ř ...).

    charset-normalizer often calls French or German cp1252 text cp1250 (ê becomes ę); this guards that.
    """
    for byte in {b for b in data if b >= 0x80}:
        as_1252 = bytes([byte]).decode("cp1252", errors="replace")
        as_1250 = bytes([byte]).decode("cp1250", errors="replace")
        if as_1250.isalpha() and not as_1252.isalpha():
            return False
    return True


def _decode_keep_truncated(data: bytes, encoding: str) -> Decoded:
    """Strict decode that tolerates only a character cut off at the very end, dropping its bytes."""
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as err:
        if err.end < len(data) - 1 or err.start < len(data) - 4:
            raise
        dropped = len(data) - err.start
        text = data[: err.start].decode(encoding)
        return Decoded(text, encoding, (f"dropped {dropped} trailing byte(s) of a truncated character",))


def _checked(decoded: Decoded) -> Decoded:
    """Refuse decoded text that is mostly control characters: a binary file that happened to decode."""
    text = decoded.text
    controls = sum(1 for ch in text[:100_000] if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    if controls > MAX_CONTROL_SHARE * min(len(text), 100_000):
        raise NotText("binary file (control characters)")
    return decoded
