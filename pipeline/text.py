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
