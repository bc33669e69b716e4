"""Encoding repair with ftfy, configured for a corpus: fix what is broken, keep what the author typed.

Mojibake, control characters and line breaks are fixed and the text is NFC-normalised; curly quotes,
ligatures and character widths are left as written (never NFKC). A repair that would bring a script into
a line that no other line of the document uses, on a minority of that line, is flagged, not applied.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import ftfy

from pipeline.boilerplate import line_scripts

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
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
# Lines that need ftfy's attention: anything beyond plain printable ASCII, or an entity.
SUSPECT = re.compile(r"[^\t\n\x20-\x7e]|&")
REDECODE = "redecode:sloppy-windows-1252/utf-8"


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
    """ftfy's fixes for one line, then any mojibake its heuristic let through, then zero-width characters."""
    fixed, explanation = ftfy.fix_and_explain(line, config)
    steps = [step.parameter if step.action == "apply" else f"{step.action}:{step.parameter}"
             for step in explanation or ()]
    for _ in range(3):  # up to three layers of UTF-8 read as windows-1252
        redecoded = redecode(fixed)
        if redecoded is None:
            break
        fixed = redecoded
        steps.append(REDECODE)
    without = ZERO_WIDTH.sub("", fixed)
    if without != fixed:
        steps.append("remove_zero_width")
    return without, steps


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
