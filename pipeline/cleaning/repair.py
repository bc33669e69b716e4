"""Encoding repair with ftfy, configured for a corpus: fix what is broken, keep what the author typed.

Mojibake, control characters and line breaks are fixed and the text is NFC-normalised; curly quotes,
ligatures and character widths are left as written (never NFKC). A repair that would bring a script into
a line that no other line of the document uses, on a minority of that line, is flagged, not applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import ftfy
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS

from pipeline.cleaning.text import line_scripts, visible

TEXT = ftfy.TextFixerConfig(
    unescape_html="auto",
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization="NFC",
    explain=True,
)
# In HTML the parser already unescaped entities once; a literal "&lt;" in an article must survive.
HTML = TEXT._replace(unescape_html=False)
# Lines that need ftfy's attention: anything beyond plain printable ASCII, or an entity.
SUSPECT = re.compile(r"[^\t\n\x20-\x7e]|&")
REDECODE = "redecode:sloppy-windows-1252/utf-8"
# What ftfy acts on besides mojibake: control characters, C1 controls, odd line breaks, lone surrogates.
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# ftfy's mojibake patterns match at most 7 characters (its longest is a 5-letter Cyrillic sequence, any
# character and a letter); a window this wide on each side of a non-ASCII run holds any match touching it.
MOJIBAKE_REACH = 12
FIXABLE = re.compile(f"[{re.escape(''.join(map(chr, CONTROL_CHARS)))}\x80-\x9f\r\x85\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class Repaired:
    """Repaired text and the repairs made (ftfy's step names, ours, and flagged repairs not applied)."""

    text: str
    steps: tuple[str, ...]


def repair(text: str, html: bool = False) -> Repaired:
    """Fix text line by line (as ftfy.fix_text does), collecting an explanation of every change."""
    config = HTML if html else TEXT
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    changes: dict[int, tuple[str, list[str]]] = {}
    for index, line in enumerate(lines):
        if SUSPECT.search(line):
            fixed, steps = fix_line(line, config)
            if fixed != line:
                changes[index] = (fixed, steps)
    applied: dict[str, None] = {}
    usage: Counter | None = None
    for index, (fixed, steps) in changes.items():
        before, after = line_scripts(lines[index]), line_scripts(fixed)
        new = [script for script, n in after.items() if n and not before.get(script)]
        if new and usage is None:  # which scripts the repaired document uses, line by line (needed rarely)
            usage = Counter(script for i, line in enumerate(lines)
                            for script, n in line_scripts(changes[i][0] if i in changes else line).items() if n)
        letters = sum(after.values()) or 1
        stray = [script for script in new if usage[script] == 1 and after[script] / letters < 0.5]
        if stray:
            applied[f"flagged (not applied): line {index}: {'+'.join(steps)} would bring in {'+'.join(stray)}"] = None
            continue
        lines[index] = fixed
        applied.update(dict.fromkeys(steps))
    return Repaired("\n".join(lines), tuple(applied))


def fix_line(line: str, config: ftfy.TextFixerConfig) -> tuple[str, list[str]]:
    """ftfy's fixes for one line, then any mojibake its heuristic let through, then invisible characters
    (soft hyphens, zero-width spaces and joiners where no script needs them, bidirectional marks)."""
    fixed, explanation = (line, None) if untouched(line, config) else ftfy.fix_and_explain(line, config)
    steps = [step.parameter if step.action == "apply" else f"{step.action}:{step.parameter}"
             for step in explanation or ()]
    for _ in range(3):  # up to three layers of UTF-8 read as windows-1252
        redecoded = redecode(fixed)
        if redecoded is None:
            break
        fixed = redecoded
        steps.append(REDECODE)
    without = visible(fixed)
    if without != fixed:
        steps.append("remove_invisible")
    return without, steps


def untouched(line: str, config: ftfy.TextFixerConfig) -> bool:
    """True when ftfy would return the line as it is, found without running it: most non-ASCII lines are
    just curly quotes and dashes, and ftfy's full pass costs several times more than these checks."""
    return not ((config.unescape_html and "&" in line) or FIXABLE.search(line) or looks_bad(line)
                or not unicodedata.is_normalized("NFC", line))


def looks_bad(line: str) -> bool:
    """ftfy.badness.is_bad, with its regex run only around the line's non-ASCII characters: every pattern
    of it needs one, and none spans more than MOJIBAKE_REACH characters on either side of it, so the
    answer is the same while a line of plain typography costs a few short searches instead of a long one."""
    start = end = -1
    for run in NON_ASCII_RUN.finditer(line):
        left, right = max(0, run.start() - MOJIBAKE_REACH), run.end() + MOJIBAKE_REACH
        if left <= end:  # overlaps the window so far: widen it
            end = right
            continue
        if end >= 0 and BADNESS_RE.search(line, start, end):
            return True
        start, end = left, right
    return end >= 0 and BADNESS_RE.search(line, start, end) is not None


def redecode(line: str) -> str | None:
    """The line's UTF-8 bytes that were read as windows-1252, decoded again; None unless that is certain.

    ftfy's badness heuristic passes some scripts' mojibake as plausible text (Armenian "Õ€Õ¡..."). Three or
    more multi-byte sequences that decode strictly are not an accident.
    """
    if line.isascii():
        return None
    try:
        decoded = line.encode("sloppy-windows-1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return decoded if len(line) - len(decoded) >= 3 else None
