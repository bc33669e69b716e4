"""Bytes to text: BOMs, UTF-8, declared and detected charsets, truncation, binaries."""

from __future__ import annotations

import codecs

import pytest

from pipeline.cleaning.decode import NotText, best_latin, decode

FRENCH = "Le président a déclaré être prêt à négocier, même si la forêt brûle encore près de la côte."
POLISH = "Zażółć gęślą jaźń: łódź płynęła po rzece, a świt był chłodny i mglisty nad miastem."


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"Plain ASCII text.", "Plain ASCII text.", "utf-8"),
        (codecs.BOM_UTF8 + "Café au lait".encode(), "Café au lait", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "Grüße aus Köln".encode("utf-16-le"), "Grüße aus Köln", "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Grüße aus Köln".encode("utf-16-be"), "Grüße aus Köln", "utf-16-be"),
        (FRENCH.encode("cp1252"), FRENCH, "cp1252"),
        (POLISH.encode("cp1250"), POLISH, "cp1250"),
    ],
)
def test_decodes(data, text, encoding):
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding == encoding


def test_declared_charset_wins_over_detection():
    page = '<html><head><meta charset="windows-1251"></head><body>Привет, мир</body></html>'
    decoded = decode(page.encode("cp1251"))
    assert decoded.encoding == "cp1251" and "Привет" in decoded.text


def test_truncated_multibyte_character_keeps_the_rest():
    decoded = decode("Tbilisi — თბილისი".encode()[:-1])
    assert decoded.text == "Tbilisi — თბილის"
    assert decoded.notes and "truncated" in decoded.notes[0]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (b"text\x00with\x00many\x00nul\x00bytes\x00", "NUL"),
    ],
)
def test_not_text_is_refused_with_a_reason(data, reason):
    with pytest.raises(NotText, match=reason):
        decode(data)


def test_cp1252_preferred_over_cp1250_unless_proven():
    assert best_latin(FRENCH.encode("cp1252")) == "cp1252"
    assert best_latin(POLISH.encode("cp1250")) == "cp1250"


def test_a_utf16_declaration_on_bytes_without_nuls_is_read_as_browsers_do():
    page = ('<html><head><meta charset="utf-16"></head><body><p>Le café était fermé à Noël, '
            "dit-il à l'équipe.</p></body></html>").encode("cp1252")
    page += b" " * (len(page) % 2)  # an even length: the bytes would decode as UTF-16 without error
    decoded = decode(page)
    assert "café était fermé à Noël" in decoded.text and decoded.encoding != "utf-16"
