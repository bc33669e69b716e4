"""Encoding repair with ftfy, configured for a corpus: fix what is broken, keep what the author typed.

Mojibake, control characters and line breaks are fixed and the text is NFC-normalised; curly quotes,
ligatures and character widths are left as written (never NFKC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ftfy

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


@dataclass(frozen=True)
class Repaired:
    """Repaired text and the repairs made, as ftfy names them."""

    text: str
    steps: tuple[str, ...]


def repair(text: str, html: bool = False) -> Repaired:
    """Fix text line by line (as ftfy.fix_text does), collecting ftfy's explanation of every change."""
    config = HTML if html else TEXT
    steps: dict[str, None] = {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if not SUSPECT.search(line):
            continue
        fixed, explanation = ftfy.fix_and_explain(line, config)
        for step in explanation or ():
            steps[f"{step.action}:{step.parameter}" if step.action != "apply" else step.parameter] = None
        without = ZERO_WIDTH.sub("", fixed)
        if without != fixed:
            steps["remove_zero_width"] = None
        lines[index] = without
    return Repaired("\n".join(lines), tuple(steps))
