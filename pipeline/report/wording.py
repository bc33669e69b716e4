"""Plain words for what the records hold, shared by the report and `explain`: repairs, counts, line numbers."""

from __future__ import annotations

import re

from pipeline.cleaning.repair import REDECODE

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a terminal obeys instead of showing (ESC, OSC, BEL...)

# ftfy's step names and ours, as a reader would say them.
STEPS = {
    "unescape_html": "HTML entities unescaped",
    "fix_c1_controls": "C1 control characters replaced",
    "remove_control_chars": "control characters removed",
    "remove_terminal_escapes": "terminal escapes removed",
    "fix_latin_ligatures": "ligatures split",
    "fix_character_width": "full-width characters narrowed",
    "fix_line_breaks": "line breaks normalised",
    "fix_surrogates": "surrogate pairs joined",
    "decode_inconsistent_utf8": "mixed UTF-8 mojibake repaired",
    "restore_byte_a0": "no-break spaces restored",
    "replace_lossy_sequences": "lost characters marked",
    "normalization": "Unicode normalised (NFC)",
    REDECODE: "mojibake repaired (UTF-8 read as windows-1252)",
    "remove_invisible": "invisible characters removed (soft hyphens, zero-width, bidi marks)",
}


def repair(step: str, encoding: str) -> str:
    """One entry of `metadata.repairs` in words: "cp1252 bytes decoded", "mojibake repaired (...)"."""
    if step == "detected":
        return f"{encoding} bytes decoded (encoding detected)"
    if step == "declared charset":
        return f"{encoding} bytes decoded (as the page declares)"
    action, _, parameter = step.partition(":")
    if action == "encode" and parameter:
        return f"mojibake repaired (text had been read as {parameter.removeprefix('sloppy-')})"
    if action == "decode" and parameter:
        return f"then decoded as {parameter}"
    return STEPS.get(step, step)


def repairs(steps: list[str], encoding: str) -> str:
    """All of a document's repairs in words, or "none"."""
    return "; ".join(repair(step, encoding) for step in steps) or "none"


def count(number: int, thing: str, things: str | None = None) -> str:
    """ "1 line", "2 lines" """
    return f"{number} {thing if number == 1 else things or thing + 's'}"


def printable(text: str) -> str:
    """Text safe to print to a terminal: control characters (ESC, the C1 set, BEL...) shown as escapes, so
    that a file name or a scraped line cannot move the cursor, retitle the window or hide what follows."""
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def page_type(meta: dict) -> str:
    """A document's page type in words: "listing page (0.91; article 0.04): 12 x read-more, ..."."""
    if "page_type" not in meta:
        return "page type not recorded (cleaned before page typing)"
    cut = ", cut off by a paywall" if meta.get("truncated") else ""
    signals = "; ".join(meta.get("page_type_signals", []))
    return (f"{meta['page_type']} page ({meta['page_type_score']:.2f}; article {meta.get('article_score', 0):.2f})"
            f"{cut}: {signals}")
