"""Bytes to text: byte-order mark, strict UTF-8, a declared charset, then charset-normalizer.

Binary files are refused with a reason instead of being decoded into noise.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from pipeline.documents import Code, Refused

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
# Single-byte Latin code pages charset-normalizer confuses with each other on short texts; we choose
# among LATIN_CODE_PAGES by the letters the bytes become.
LATIN_FAMILY = frozenset(("cp1250", "cp1252", "cp1254", "cp1257", "latin-1", "iso8859-2", "iso8859-3", "iso8859-4",
                          "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16",
                          "mac-roman", "mac-latin2", "cp850", "cp775"))
LATIN_CODE_PAGES = ("cp1252", "cp1250", "cp1254", "cp1257")
COMMON_LETTERS = frozenset(
    "éèêëàâäçîïôöûüùÿñáíóúãõßæøåœÉÈÊÀÂÄÇÎÔÖÛÜÑÁÍÓÚÃÕÆØÅŒ"  # western European
    "ąćęłńśźżčďěňřšťůžőűĺľŕĄĆĘŁŃŚŹŻČĎĚŇŘŠŤŮŽŐŰ"  # central European
    "şığŞİĞ"  # Turkish
    "āēīūļķņģėįųĀĒĪŪĻĶŅĢĖĮŲ"  # Baltic
)
PUNCTUATION = frozenset("€‚„…†‡‰‹›‘’“”•–—™¡¢£¥§©«®°±·»¿ \u00a0")
# Declared names that browsers read as windows-1252 (WHATWG Encoding Standard).
AS_CP1252 = frozenset(("latin-1", "iso8859-1", "ascii", "us-ascii"))
# Share of C0 control characters (other than tab and line breaks) above which decoded bytes are not text;
# C1 controls are left to repair: they are what mojibake leaves behind.
CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.02
MIN_CONTROLS = 8


class NotText(Refused):
    """The bytes are not a text document (empty or binary); the message is the rejection reason."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding the bytes were in, and anything lost on the way."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode(data: bytes) -> Decoded:
    """Decode seed bytes; raise NotText for empty or binary input."""
    if not data.strip():
        raise NotText(Code.EMPTY, "empty or whitespace-only file")
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise NotText(Code.BINARY, f"binary file ({kind})")
    for bom, encoding in BOMS:
        if data.startswith(bom):  # the mark names the encoding: bytes that break it are replaced, and counted
            try:
                return _checked(_decode_keep_truncated(data[len(bom) :], encoding))
            except UnicodeDecodeError:
                text = data[len(bom) :].decode(encoding, errors="replace")
                note = f"replaced {text.count(chr(0xFFFD))} undecodable byte(s) with U+FFFD"
                return _checked(Decoded(text, encoding, (note,)))
    if data.count(0) * 100 > len(data):
        if encoding := bomless_utf16(data):
            try:
                return _checked(Decoded(data.decode(encoding), encoding, ("UTF-16 without byte-order mark",)))
            except UnicodeDecodeError:
                pass
        raise NotText(Code.BINARY, "binary file (NUL bytes)")
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
        raise NotText(Code.BINARY, "binary file (no character encoding fits)")
    encoding = codecs.lookup(best.encoding).name
    if encoding in LATIN_FAMILY:
        encoding = best_latin(data)
    text = data.decode(encoding, errors="replace")
    lost = text.count("\ufffd")
    notes = ("detected",) + ((f"replaced {lost} undecodable byte(s) with U+FFFD",) if lost else ())
    return _checked(Decoded(text, encoding, notes))


def bomless_utf16(data: bytes, sample: int = 65_536) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes sit on one side of the byte pairs only, as the high
    bytes of ASCII-range characters (spaces, digits, punctuation, Latin letters) do in UTF-16 text; binary
    data scatters its NULs over both sides."""
    head = data[: sample - sample % 2]
    if len(data) % 2 or len(head) < 4:
        return None
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 0.1 * pairs and even <= 0.01 * pairs:
        return "utf-16-le"
    if even >= 0.1 * pairs and odd <= 0.01 * pairs:
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML <meta> or XML declaration names in the first 4 KiB, if Python knows it, read the
    way browsers read it (the HTML standard): latin-1 and ascii as windows-1252, and a UTF-16 or UTF-32
    declaration, which bytes without NULs cannot be in (the text declaring it is ASCII), as UTF-8."""
    match = DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    if found.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return "cp1252" if found in AS_CP1252 else found


def best_latin(data: bytes) -> str:
    """The single-byte Latin code page under which the high bytes read as the most common letters.

    charset-normalizer often calls French cp1252 text cp1250 (ê becomes ę) and Turkish text cp1252 (ş
    becomes þ); common letters settle it, and another code page must beat cp1252 by a margin: cp1252 is
    preferred unless the text proves otherwise.
    """
    high = bytes(sorted({b for b in data if b >= 0x80}))
    counts = {b: data.count(b) for b in high}

    def letter_score(ch: str) -> int:
        return 1 if ch in COMMON_LETTERS else 0 if ch.isalpha() or ch in PUNCTUATION else -2

    def plausibility(encoding: str) -> int:
        text = high.decode(encoding, errors="replace")
        return sum(counts[byte] * letter_score(ch) for byte, ch in zip(high, text, strict=True))

    margin = max(2, sum(counts.values()) // 10)
    scores = {name: plausibility(name) - (0 if name == "cp1252" else margin) for name in LATIN_CODE_PAGES}
    return max(LATIN_CODE_PAGES, key=lambda name: (scores[name], name == "cp1252"))


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
    sample = decoded.text[:100_000]
    controls = len(CONTROLS.findall(sample))
    if controls > max(MIN_CONTROLS, MAX_CONTROL_SHARE * len(sample)):
        raise NotText(Code.BINARY, "binary file (control characters)")
    return decoded
