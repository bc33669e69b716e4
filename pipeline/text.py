"""Words, sentences and scripts of a line: the text measures every stage shares. Pure, cached."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…。！？؟։।۔።][\"'”’»)\]]*$")
UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ASCII_LETTERS = re.compile(r"[A-Za-z]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A line is a paragraph by length alone once it has this many times the prose minimum of words.
PARAGRAPH_FACTOR = 3


@lru_cache(maxsize=1 << 16)
def words(line: str) -> int:
    """Words in a line; in scripts written without spaces (Chinese, Japanese), two characters count as one."""
    count = len(WORD.findall(line))
    return count if line.isascii() else count + len(UNSPACED.findall(line)) // 2


@lru_cache(maxsize=1 << 16)
def is_sentence(line: str) -> bool:
    """The line ends like a sentence ("…said.", "…?»")."""
    return bool(SENTENCE_END.search(line.rstrip()))


# A line reads as a sentence when it ends like one and has this many words, this many of them lower-case.
SENTENCE_WORDS, SENTENCE_LOWER_WORDS = 5, 3


@lru_cache(maxsize=1 << 16)
def reads_as_sentence(line: str) -> bool:
    """A sentence of prose, however short: it ends like a sentence and runs on in lower-case words ("By
    2030 the fleet will be electric."), unlike a label or byline ("By Jane Doe.", "Published 10 July 2025.")."""
    return (is_sentence(line) and words(line) >= SENTENCE_WORDS
            and sum(word.islower() for word in WORD.findall(line)) >= SENTENCE_LOWER_WORDS)


def is_prose(line: str, min_words: int) -> bool:
    """A line of article prose: enough words and a sentence ending, or long enough to be a paragraph."""
    count = words(line)
    return (count >= min_words and is_sentence(line)) or count >= PARAGRAPH_FACTOR * min_words


@cache
def char_script(ch: str) -> str:
    """The script of a letter as its Unicode name's first word, with the CJK family folded together."""
    name = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
    return "CJK" if name in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL") else name


def line_scripts(line: str) -> dict[str, int]:
    """Letters per script in a line (ASCII letters counted at C speed, the rest one by one)."""
    counts = {"LATIN": len(ASCII_LETTERS.findall(line))}
    if not line.isascii():
        for ch in NON_ASCII.findall(line):
            if ch.isalpha():
                script = char_script(ch)
                counts[script] = counts.get(script, 0) + 1
    return counts


def dominant(counts: dict[str, int]) -> str | None:
    """The script with the most letters, or None when there are none."""
    return max(counts, key=counts.__getitem__) if counts and max(counts.values()) else None


OPENING = tuple("([{“‘«„‚-–—/")
CLOSING = tuple(",.;:!?)]}»”’%…")
# A short piece after a longer line that stops mid-sentence is the rest of it (an inline link, an emphasis).
PIECE_WORDS = 3


def reflow(lines: list[str]) -> tuple[list[str], list[int]]:
    """Paragraphs a scrape broke into pieces (one line per text node: "We announced a public beta of",
    "Debusine", "repositories", "recently (") joined again, and for each resulting line the input line
    it starts at. Pieces join where a line stops mid-sentence and the next goes on (lower case, closing
    punctuation, or a short piece after a lower-case word); a join stands only if its paragraph ends like
    a sentence, so menus and lists stay apart."""
    out: list[str] = []
    origin: list[int] = []
    group: list[int] = []

    def close() -> None:
        joined = " ".join(lines[row].strip() for row in group)
        if len(group) > 1 and not (is_sentence(joined) or joined.endswith(":")):
            out.extend(lines[row] for row in group)
            origin.extend(group)
        elif group:
            out.append(joined if len(group) > 1 else lines[group[0]])
            origin.append(group[0])
        group.clear()

    for row, line in enumerate(lines):
        text = line.strip()
        if group and text and _continues(lines[group[-1]].strip(), text):
            group.append(row)
            continue
        close()
        group.append(row)
    close()
    return out, origin


def _continues(before: str, after: str) -> bool:
    """`after` goes on with the sentence `before` left unfinished."""
    if not before or is_sentence(before) or before.endswith(":"):
        return False
    return (after[0].islower() or after.startswith(CLOSING) or before.endswith(OPENING)
            or (before[-1].islower() and words(after) <= PIECE_WORDS and words(before) > PIECE_WORDS))
