"""Encoding repair with ftfy, configured for a corpus: fix what is broken, keep what the author typed.

Mojibake, control characters and line breaks are fixed and the text is NFC-normalised; curly quotes,
ligatures and character widths are left as written (never NFKC). A repair that would bring a script into
a line that no other line of the document uses, on a minority of that line, is flagged, not applied.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce
from re import _constants as sre
from re import _parser

import ftfy
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS

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
# What ftfy acts on besides mojibake: control characters, C1 controls, odd line breaks, lone surrogates.
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
    """ftfy's fixes for one line, then any mojibake its heuristic let through, then zero-width characters."""
    fixed, explanation = (line, None) if untouched(line, config) else ftfy.fix_and_explain(line, config)
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


def untouched(line: str, config: ftfy.TextFixerConfig) -> bool:
    """True when ftfy would return the line as it is, found without running it: most non-ASCII lines are
    just curly quotes and dashes, and ftfy's full pass costs several times more than these checks."""
    return not ((config.unescape_html and "&" in line) or FIXABLE.search(line) or looks_bad(line)
                or not unicodedata.is_normalized("NFC", line))


def looks_bad(line: str) -> bool:
    """ftfy.badness.is_bad, with its regex run only when the line holds the characters one of its patterns needs
    (plain typography, curly quotes and dashes, never satisfies any)."""
    return could_be_bad(MOJIBAKE_CHARS.intersection(line)) and bool(BADNESS_RE.search(line))


def could_be_bad(chars: Iterable[str]) -> bool:
    """Whether some alternative of ftfy's regex finds, among these characters, one of each set it needs."""
    return _covers(reduce(operator.or_, map(CHAR_BITS.__getitem__, chars), 0))


@lru_cache(maxsize=4096)
def _covers(found: int) -> bool:
    return any(found & mask == mask for mask in ALTERNATIVE_BITS)


def _requirements(regex: re.Pattern) -> list[list[frozenset[str]]]:
    """Per alternative of a regex, the sets of non-ASCII characters a match must hold one of each of,
    read off its parse tree (an alternative with none can always match)."""
    items = _parser.parse(regex.pattern, regex.flags).data
    if regex.flags & re.IGNORECASE:
        return [[]]
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    return [[chars for op, value in branch if (chars := _non_ascii(op, value))] for branch in branches]


def _non_ascii(op: object, value: object) -> frozenset[str] | None:
    """The characters a single-character item matches, when it matches only non-ASCII ones."""
    if op is sre.LITERAL:
        codes = [value]
    elif op is sre.IN and all(kind in (sre.LITERAL, sre.RANGE) for kind, _ in value):
        codes = [c for kind, item in value for c in ([item] if kind is sre.LITERAL else range(item[0], item[1] + 1))]
    else:
        return None
    return frozenset(map(chr, codes)) if codes and min(codes) > 127 else None


def _bits(needs: list[list[frozenset[str]]]) -> tuple[dict[str, int], list[int]]:
    """One bit per required set: each character's bits (the sets holding it), each alternative's bits."""
    sets = [chars for alternative in needs for chars in alternative]
    char_bits: dict[str, int] = {}
    for bit, chars in enumerate(sets):
        for ch in chars:
            char_bits[ch] = char_bits.get(ch, 0) | 1 << bit
    masks, bit = [], 0
    for alternative in needs:
        masks.append(sum(1 << (bit + k) for k in range(len(alternative))))
        bit += len(alternative)
    return char_bits, masks


MOJIBAKE_NEEDS = _requirements(BADNESS_RE)
CHAR_BITS, ALTERNATIVE_BITS = _bits(MOJIBAKE_NEEDS)
MOJIBAKE_CHARS = frozenset(CHAR_BITS)


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
