"""Any bytes in, correct Unicode out: the table in tests/data/decoding.json, each case an exact text."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  registers sloppy-windows-1252
import pytest

from pipeline.cleaning.decode import NotText, decode
from pipeline.cleaning.repair import repair
from pipeline.cleaning.rules import load_markup
from pipeline.config import RULES

MARKUP = load_markup(str(RULES))

CASES = json.loads((Path(__file__).parents[1] / "data" / "decoding.json").read_text())
BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE}


def case_bytes(case: dict) -> bytes:
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    text = case.get("source", case["text"])
    if "mojibake" in case:
        for _ in range(case["mojibake"]):
            text = text.encode("utf-8").decode("sloppy-windows-1252")
        return text.encode("utf-8")
    data = text.encode(case["encode"])
    if case.get("bom"):
        data = BOMS[case["encode"]] + data
    return data[: len(data) - case.get("cut", 0)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_decoding_case(case):
    data = case_bytes(case)
    if "reject" in case:
        with pytest.raises(NotText, match=case["reject"]):
            decode(data)
        return
    decoded = decode(data)
    assert repair(decoded.text).text == case.get("expect", case["text"])
    if "encoding" in case:
        assert decoded.encoding == case["encoding"]
    if "note" in case:
        assert any(case["note"] in note for note in decoded.notes)


MUST_NOT_CHANGE = [
    "“Curly quotes”, ‘single ones’, dashes – and — and an ellipsis…",
    "ﬁne ligatures and ＦＵＬＬＷＩＤＴＨ letters stay as typed",
    "Literal &lt;b&gt; in an HTML-escaped article stays escaped once",
    "Ελληνικά: η κυβέρνηση ανακοίνωσε νέα μέτρα.",
    "עברית: הממשלה הודיעה על צעדים חדשים.",
    "العربية: أعلنت الحكومة عن إجراءات جديدة.",
    "हिन्दी: सरकार ने नए उपायों की घोषणा की।",
    "中文：政府宣布了新措施。",
    "한국어: 정부가 새로운 조치를 발표했다.",
    "ქართული: მთავრობამ ახალი ზომები გამოაცხადა.",
    "Հայերեն՝ կառավարությունը հայտարարեց նոր միջոցառումներ։",
    "Azərbaycan: hökumət yeni tədbirlər elan etdi.",
    "Türkçe: Hükümet yeni önlemler açıkladı; İstanbul’da ağır şartlar.",
    "Français : « Le gouvernement a annoncé de nouvelles mesures. »",
    "Deutsch: Die Regierung kündigte neue Maßnahmen an.",
    "Emoji stay 👍🏽 and so do flags 🇬🇪",
]


@pytest.mark.parametrize("text", MUST_NOT_CHANGE)
def test_repair_leaves_correct_text_alone(text):
    result = repair(text, html="&lt;" in text)
    assert result.text == text
    assert result.steps == ()


def test_seeds_are_left_intact(seed_bytes):
    for data in seed_bytes.values():
        text = data.decode("utf-8")
        assert repair(text).text == text.replace("\r\n", "\n")


def test_html_entities_are_unescaped_once_in_html():
    from pipeline.cleaning.html_extract import extract

    page = extract("<html><body><article><p>Write &amp;lt;b&amp;gt; to get bold.</p></article></body></html>",
                   MARKUP)
    assert page.blocks == ["Write &lt;b&gt; to get bold."]
    assert repair(page.blocks[0], html=True).text == "Write &lt;b&gt; to get bold."


def test_a_stray_script_is_flagged_not_applied():
    text = "Hello Ð¿Ñ€Ð¸Ð²ÐµÑ‚ world and more English words in this line."
    result = repair(text)
    assert result.text == text
    assert result.steps and result.steps[0].startswith("flagged (not applied)")
