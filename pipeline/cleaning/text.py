"""Words, sentences and scripts of a line: the text measures every stage shares. Pure, cached."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pipeline.cleaning.dates import split_date_prefix

SURROGATE = re.compile("[\ud800-\udfff]")

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…。！？؟։।۔።][\"'”’»)\]]*$")
UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ASCII_LETTERS = re.compile(r"[A-Za-z]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Characters that show nothing and break search and matching ("Wäh\u00adrend" is not "Während"): soft
# hyphens, zero-width spaces, word joiners, byte-order marks, bidirectional marks, embeddings and isolates.
INVISIBLE_CHARS, JOINERS = "\u00ad\u200b\u200e\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069", "\u200c\u200d"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Zero-width joiners and non-joiners shape Arabic, Persian, Indic scripts and emoji; between letters of the
# Latin, Greek or Cyrillic scripts (below U+0590) or spaces they only break words.
JOINER = re.compile(f"(?<=[\x00-\u058f])[{JOINERS}]+(?=[\x00-\u058f])|^[{JOINERS}]+|[{JOINERS}]+$")
HIDDEN = re.compile(f"[{INVISIBLE_CHARS}{JOINERS}]")  # either kind
# A line is a paragraph by length alone once it has this many times the prose minimum of words.
PARAGRAPH_FACTOR = 3


@lru_cache(maxsize=1 << 16)
def visible(text: str) -> str:
    """The text without invisible characters (INVISIBLE; joiners where no script needs them). All of them lie
    beyond ASCII: an ASCII text is returned as it is, unsearched, and a text without any, searched once."""
    return text if text.isascii() or not HIDDEN.search(text) else JOINER.sub("", INVISIBLE.sub("", text))


@lru_cache(maxsize=1 << 16)
def words(line: str) -> int:
    """Words in a line; in scripts written without spaces (Chinese, Japanese), two characters count as one.
    Cached: every stage counts the same lines."""
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
# Hard-wrapped text breaks its lines at one width between MIN_WRAP and MAX_WRAP characters; WRAPPED_LINES
# or more of them end within WRAP_SLACK characters of it.
MIN_WRAP, MAX_WRAP, WRAPPED_LINES, WRAP_SLACK = 40, 100, 5, 15


def reflow(lines: list[str]) -> tuple[list[str], list[int]]:
    """Paragraphs a scrape broke into pieces (one line per text node: "We announced a public beta of",
    "Debusine", "repositories", "recently (") joined again, and for each resulting line the input line
    it starts at. Pieces join where a line stops mid-sentence and the next goes on (lower case, closing
    punctuation, or a short piece after a lower-case word), and in hard-wrapped text where the next line's
    first word would not have fitted on the line; a join stands only if its paragraph ends like a sentence,
    so menus and lists stay apart."""
    out: list[str] = []
    origin: list[int] = []
    group: list[int] = []
    width = wrap_width(lines)

    def close() -> None:
        joined = _join([lines[row].strip() for row in group])
        if len(group) > 1 and not (is_sentence(joined) or joined.endswith(":")):
            out.extend(lines[row] for row in group)
            origin.extend(group)
        elif group:
            out.append(joined if len(group) > 1 else lines[group[0]])
            origin.append(group[0])
        group.clear()

    for row, line in enumerate(lines):
        text = line.strip()
        if group and text and (_continues(lines[group[-1]].strip(), text) or _wrapped(lines[group[-1]], text, width)):
            group.append(row)
            continue
        close()
        group.append(row)
    close()
    return out, origin


def wrap_width(lines: list[str]) -> int | None:
    """The width a text was hard-wrapped at (html2text, lynx -dump, e-mail), or None: its longest line of
    at most MAX_WRAP characters, when WRAPPED_LINES or more lines end near it and lines longer than it (URLs)
    hold under a tenth of the text. A scrape's paragraphs run far longer, one to a line."""
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    width = max((length for length in lengths if length <= MAX_WRAP), default=0)
    near = sum(width - WRAP_SLACK <= length <= width for length in lengths)
    over = sum(length for length in lengths if length > width)
    return width if width >= MIN_WRAP and near >= WRAPPED_LINES and over * 10 < sum(lengths) else None


def _wrapped(before: str, after: str, width: int | None) -> bool:
    """In text wrapped at `width`, `before` is full and `after`'s first word did not fit on it: one
    paragraph, whatever case the next line starts in (German nouns) or punctuation the line ends with."""
    before = before.rstrip()
    return width is not None and len(before) >= width - WRAP_SLACK \
        and len(before) + 1 + len(after.split()[0]) > width


def _join(pieces: list[str]) -> str:
    """Pieces of one paragraph joined by spaces; a word broken after its hyphen ("quinta-", "feira") whole."""
    joined = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        broken = len(joined) > 1 and joined.endswith("-") and joined[-2].isalpha() and piece[:1].isalpha()
        joined += piece if broken else " " + piece
    return joined


def _continues(before: str, after: str) -> bool:
    """`after` goes on with the sentence `before` left unfinished (a line opening with a date field, "date
    2025-07-10 ...", starts a record of its own)."""
    if not before or is_sentence(before) or before.endswith(":"):
        return False
    return (after[0].islower() or after.startswith(CLOSING) or before.endswith(OPENING)
            or (before[-1].islower() and words(after) <= PIECE_WORDS and words(before) > PIECE_WORDS)) \
        and not split_date_prefix(after)[0]


def has_surrogates(text: str) -> bool:
    """Whether a string holds lone surrogates, which cannot be written as UTF-8 (JSON can decode them)."""
    return SURROGATE.search(text) is not None


def writable(text: str) -> str:
    """The string with its lone surrogates (an emoji cut in half by truncation: "\\ud83d") replaced with
    U+FFFD, so that it can be written as UTF-8."""
    return SURROGATE.sub("\ufffd", text)
