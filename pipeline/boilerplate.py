"""Lines in, labels out: which lines of a page are boilerplate, and which rule or signal says so.

Two kinds of evidence. Rules (rules.toml) name chrome phrases in many languages. Structure finds what no
phrase list can: the main block of prose (chrome clusters at the head and tail of a page), banners in
another script carrying a phone number, runs of headline and date lines, bylines and breadcrumbs.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from re import _constants as sre  # the standard regex parser: rules read as trees
from re import _parser

from pipeline import metadata

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…。！？؟։।۔።][\"'”’»)\]]*$")
EDGE_PUNCT = " \t[](){}|•·«»:;,.…-–—_*#>›<‹/\\\"'“”‘’!?"
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{6,}\d(?!\w)")
BREADCRUMB = re.compile(r"^[^.!?/|>»›]{1,40}(\s[/|>»›]\s[^.!?/|>»›]{1,40})+$")
UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ASCII_LETTERS = re.compile(r"[A-Za-z]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# "_", the one word character EDGE_PUNCT strips, and the letters whose case folding changes where words split
# ("İ" folds to "i" and a combining dot): a line without them has as many words as its casefolded key.
RECOUNT = re.compile("[_\u0130\u01f0\u0345\u0390\u03b0\u1e96-\u1e99\u1f50\u1f52\u1f54\u1f56\u1fb6\u1fb7"
                     "\u1fc6\u1fc7\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2-\u1fe4\u1fe6\u1fe7\u1ff6\u1ff7]")
BULLET = re.compile(r"^\s*([-–•*▪●◦·]|\d{1,2}[.)])\s+")
DEFAULT_MAX_WORDS = 8
# Structural scores for finding the main block: prose counts by its words, chrome lines count against.
SHORT_LINE_PENALTY = 3.0
MEDIUM_LINE_PENALTY = 1.0
# Dates or "x ago" lines at most this many lines apart belong to one list of stories or comments.
STORY_PERIOD = 5
# A "cut" marker (Related, Comments ...) ends the article only in its tail: after at least this many words
# of body prose, and either after more of the main block's prose than follows it, or right before more chrome.
MIN_BODY_WORDS = 40


@dataclass(frozen=True)
class Rule:
    """One named boilerplate rule from rules.toml; `needs`: literals one of which every match contains."""

    name: str
    cls: str
    action: str
    pattern: re.Pattern
    max_words: int
    needs: frozenset[str] | None = None
    finder: re.Pattern | None = None  # the needs as one regex: one search is cheaper than a test for each

    def could_match(self, key: str) -> bool:
        """False when the casefolded line lacks every literal the rule needs: no regex search is needed."""
        # "ı" is the one letter case-insensitive matching equates and casefold keeps
        return self.finder is None or self.finder.search(key.replace("ı", "i")) is not None


@dataclass(frozen=True)
class Label:
    """Why a line was removed: the rule or structural signal, and its class."""

    rule: str
    cls: str


@dataclass(frozen=True, eq=False)
class Rules:
    """The rules of a file, and the largest word limit among them: longer lines need no search at all.
    Compared and hashed by identity (`load_rules` makes one per file), so caches keyed by it stay cheap."""

    rules: tuple[Rule, ...]
    longest: int

    @cached_property
    def fitting(self) -> tuple[tuple[Rule, ...], ...]:
        """By word count up to `longest`: the rules (in order) whose limit a line of that many words fits."""
        return tuple(tuple(rule for rule in self.rules if count <= rule.max_words) for count in range(self.longest + 1))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


@cache
def load_rules(path: str) -> Rules:
    """Parse and compile the rules file; raises ValueError naming the bad rule."""
    rules = []
    for entry in tomllib.loads(Path(path).read_text())["rule"]:
        try:
            if entry["action"] not in ("drop", "cut"):
                raise ValueError(f"action must be 'drop' or 'cut', not {entry['action']!r}")
            pattern = re.compile("|".join(f"(?:{p})" for p in entry["patterns"]), re.IGNORECASE)
            parts = [needed(p) for p in entry["patterns"]]
            needs = None if None in parts else frozenset().union(*parts)
            finder = re.compile("|".join(map(re.escape, sorted(needs, key=len, reverse=True)))) if needs else None
            rules.append(Rule(entry["name"], entry["class"], entry["action"], pattern,
                              entry.get("max_words", DEFAULT_MAX_WORDS), needs, finder))
        except (KeyError, re.error, ValueError) as err:
            raise ValueError(f"rule {entry.get('name', '?')!r} in {path}: {err}") from err
    return Rules(tuple(rules), max((rule.max_words for rule in rules), default=0))


@lru_cache(maxsize=1 << 16)
def words(line: str) -> int:
    """Words in a line; in scripts written without spaces (Chinese, Japanese), two characters count as one."""
    count = len(WORD.findall(line))
    return count if line.isascii() else count + len(UNSPACED.findall(line)) // 2


@lru_cache(maxsize=1 << 16)
def is_sentence(line: str) -> bool:
    return bool(SENTENCE_END.search(line.rstrip()))


def is_prose(line: str, min_words: int) -> bool:
    """A line of article prose: enough words and a sentence ending, or long enough to be a paragraph."""
    count = words(line)
    return (count >= min_words and is_sentence(line)) or count >= 3 * min_words


def match_rule(line: str, rules: Rules) -> Rule | None:
    """The first rule whose pattern matches the trimmed line and whose word limit the line fits."""
    key = line.strip(EDGE_PUNCT).casefold()
    count = words(key) if RECOUNT.search(line) else words(line)  # words(line) is cached: is_prose counted it
    return _match_key(key, count, rules) if key and count <= rules.longest else None


@lru_cache(maxsize=1 << 16)
def _match_key(key: str, count: int, rules: Rules) -> Rule | None:
    """Cached: a site's menus, banners and footers recur on every page it serves. A rule's regex runs
    only on lines holding one of the literals it needs (one search for them is many times cheaper)."""
    return next((rule for rule in rules.fitting[count] if rule.could_match(key) and rule.pattern.search(key)), None)


def needed(pattern: str) -> frozenset[str] | None:
    """Lowercase literals of which every case-insensitive match of `pattern` in a casefolded line contains
    at least one, read off the pattern's parse tree (None when no such set is found)."""
    return _needed(_parser.parse(pattern, re.IGNORECASE))


def _needed(items: Iterable) -> frozenset[str] | None:
    """For a sequence: its best requirement among its literal runs and its required sub-parts."""
    best: frozenset[str] | None = None
    run = ""
    for op, value in [*items, (None, None)]:
        if op is sre.LITERAL and _plain(chr(value)):
            run += chr(value).lower()
            continue
        found = [frozenset([run])] if run else []
        run = ""
        if op is sre.SUBPATTERN:
            found.append(_needed(value[3]))
        elif op is sre.BRANCH:
            options = [_needed(branch) for branch in value[1]]
            found.append(None if None in options else frozenset().union(*options))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] >= 1:
            found.append(_needed(value[2]))
        elif op is sre.IN and all(kind is sre.LITERAL and _plain(chr(c)) for kind, c in value):
            found.append(frozenset(chr(c).lower() for _, c in value))
        for option in found:
            if option and (best is None or min(map(len, option)) > min(map(len, best))):
                best = option
    return best


def _plain(ch: str) -> bool:
    """A letter that matches case-insensitively exactly what its lowercase form matches after casefold."""
    low = ch.lower()
    return len(low) == 1 and (low.isascii() or (low == low.casefold() and low.upper().lower() == low))


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
    return max(counts, key=counts.__getitem__) if counts and max(counts.values()) else None


def main_block(lines: list[str], claimed: list[bool], prose_min_words: int) -> tuple[int, int]:
    """Bounds [start, end) of the densest run of prose: the maximum-sum segment of per-line scores.

    Prose lines score their word count; short non-sentence lines (menus, link lists) and lines a rule or
    signal already claimed score against.
    """
    best, best_start, best_end = 0.0, 0, 0
    total, start = 0.0, 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        count = words(line)
        if claimed[index] or not (is_prose(line, prose_min_words) or (is_sentence(line) and count >= 3)):
            score = -(SHORT_LINE_PENALTY if count < 4 else MEDIUM_LINE_PENALTY)
        else:
            score = float(count) if is_prose(line, prose_min_words) else 0.0
        if total <= 0:
            total, start = 0.0, index
        total += score
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return _extend(lines, claimed, best_start, best_end)


def _extend(lines: list[str], skip: list[bool], start: int, end: int) -> tuple[int, int]:
    """Grow a block over the short sentences that border it ("The mayor resigned on Monday.")."""
    if start >= end:
        return start, end
    while (row := _next_nonblank(lines, start, -1)) is not None and not skip[row] and _short_sentence(lines[row]):
        start = row
    while (row := _next_nonblank(lines, end - 1, 1)) is not None and not skip[row] and _short_sentence(lines[row]):
        end = row + 1
    return start, end


def _short_sentence(line: str) -> bool:
    return is_sentence(line) and words(line) >= 3


def classify(lines: list[str], rules: Rules, prose_min_words: int = 8,
             trim: bool = True) -> list[Label | None]:
    """A label for every line that is boilerplate, None for every line kept.

    `trim` drops what lies outside the densest run of prose; HTML, whose main element was already found
    from the markup, may keep its short edges (lists, subheadings)."""
    labels: list[Label | None] = [None] * len(lines)
    prose = [is_prose(line, prose_min_words) for line in lines]
    cuts: list[tuple[int, Rule]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            if not line.isascii():  # a blank that holds no-break or other invisible spaces
                labels[index] = Label("invisible-line", "whitespace")
            continue
        rule = match_rule(line, rules)
        if rule:
            labels[index] = Label(rule.name, rule.cls)
            if rule.action == "cut":
                cuts.append((index, rule))
    _mark_repeats(lines, labels, prose)
    _mark_banners(lines, labels)
    _mark_shapes(lines, labels, prose)
    _mark_date_lists(lines, labels, prose)
    _mark_story_lists(lines, labels, prose)
    start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
    body = [words(line) if prose[row] and labels[row] is None else 0 for row, line in enumerate(lines)]
    for index, rule in cuts:
        before, after = sum(body[start:index]), sum(body[index:end])
        stacked = _chrome_follows(lines, labels, index) and _running_prose(lines, labels, prose, index) <= before
        tail = after <= before or stacked
        if index >= start and before >= MIN_BODY_WORDS and tail:
            for row in range(index, len(lines)):
                labels[row] = Label(rule.name, rule.cls) if lines[row] else None
            break
        _mark_box(lines, labels, index, Label(rule.name, rule.cls))
    if cuts:  # the block may have lost lines to a cut or a box: find it again, as a second pass would
        start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
    for index, line in enumerate(lines):
        if trim and labels[index] is None and line.strip() and not start <= index < end:
            labels[index] = Label("outside-main-block", "structure")
    return labels


def _chrome_follows(lines: list[str], labels: list[Label | None], index: int, look: int = 8) -> bool:
    """More chrome soon after a marker (another section, a dateline, "x minutes ago", share buttons):
    stacked page sections after the article, not an inline box inside it."""
    following = [row for row in range(index + 1, len(lines)) if lines[row].strip()][:look]
    return any(labels[row] is not None for row in following)


def _running_prose(lines: list[str], labels: list[Label | None], prose: list[bool], index: int) -> int:
    """Words of the prose after `index` that runs on for two or more paragraphs, as an article does; teasers
    and comments stand one at a time between chrome. Short unclaimed fragments (link text) do not break a run."""
    total, run, run_words = 0, 0, 0
    for row in range(index + 1, len(lines) + 1):
        line = lines[row] if row < len(lines) else ""
        if row < len(lines) and (not line.strip() or (labels[row] is None and not prose[row] and words(line) <= 3)):
            continue
        if row < len(lines) and prose[row] and labels[row] is None:
            run, run_words = run + 1, run_words + words(line)
            continue
        total += run_words if run >= 2 else 0
        run, run_words = 0, 0
    return total


def _mark_repeats(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Short lines that recur three or more times in one page next to other chrome: button groups
    ("Share", "Pin", "Download" under every teaser). Repeated table cells inside content stay."""
    counts: dict[str, int] = {}
    for row, line in enumerate(lines):
        if line.strip() and not prose[row]:
            counts[line.strip().casefold()] = counts.get(line.strip().casefold(), 0) + 1
    repeated = [row for row, line in enumerate(lines)
                if counts.get(line.strip().casefold(), 0) >= 3 and words(line) and words(line) <= 4 and not prose[row]]
    changed = True
    while changed:
        changed = False
        for row in repeated:
            if labels[row] is None and any(
                other is not None and labels[other] is not None
                for other in (_next_nonblank(lines, row, -1), _next_nonblank(lines, row, 1))
            ):
                labels[row] = Label("repeated-in-page", "navigation")
                changed = True


def _mark_banners(lines: list[str], labels: list[Label | None]) -> None:
    """Lines in another script than the document's, carrying a phone number or beside such a line."""
    if not PHONE.search("\n".join(lines)):  # every banner carries a number (none spans a line break)
        return
    scripts = [line_scripts(line) for line in lines]
    totals: dict[str, int] = {}
    for counts in scripts:
        for script, count in counts.items():
            totals[script] = totals.get(script, 0) + count
    main = dominant(totals)
    foreign = [bool(line.strip()) and dominant(s) not in (None, main) for line, s in zip(lines, scripts, strict=True)]
    for index, line in enumerate(lines):
        if foreign[index] and labels[index] is None and _has_phone(line):
            labels[index] = Label("foreign-script-banner", "banner")
            for step in (-1, 1):  # the rest of the banner: adjacent foreign-script lines, blanks between
                other = index + step
                while 0 <= other < len(lines) and (foreign[other] or not lines[other].strip()):
                    if foreign[other] and labels[other] is None:
                        labels[other] = Label("foreign-script-banner", "banner")
                    other += step


def _has_phone(line: str) -> bool:
    return any(sum(ch.isdigit() for ch in m.group()) >= 8 for m in PHONE.finditer(line))


def _mark_shapes(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Breadcrumbs, date lines, and short fragments stuck to a byline in the head of the page."""
    byline_rows = []
    for index, line in enumerate(lines):
        if labels[index] is not None or prose[index] or not line.strip():
            continue
        text = line.strip()
        if BREADCRUMB.match(text) and words(text) <= 8:
            labels[index] = Label("breadcrumb", "navigation")
        elif metadata.is_date_line(text):
            labels[index] = Label("dateline", "byline")
            byline_rows.append(index)
    if not byline_rows:
        return
    head_limit = _nth_prose(prose, 3)
    for row in byline_rows:
        if row > head_limit:
            continue
        for step in (-1, 1):
            other = _next_nonblank(lines, row, step)
            if other is None or labels[other] is not None or prose[other]:
                continue
            text = lines[other].strip()
            if words(text) <= 3 and not is_sentence(text) and not BULLET.match(text) and other != 0:
                labels[other] = Label("byline-fragment", "byline")


def _mark_date_lists(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Runs of three or more non-prose lines holding two or more dates: headline lists, not article."""
    run: list[int] = []
    for index in [*range(len(lines)), len(lines)]:
        if index < len(lines) and (not lines[index].strip() or not prose[index]):
            if lines[index].strip():
                run.append(index)
            continue
        if len(run) >= 3 and sum(metadata.has_date(lines[row]) or labels[row] == Label("time-ago", "byline")
                                 for row in run) >= 2:
            for row in run:
                if labels[row] is None:
                    labels[row] = Label("headline-list", "related")
        run = []


def _mark_box(lines: list[str], labels: list[Label | None], index: int, label: Label) -> None:
    """An inline box: the headlines listed right under a section marker that did not end the article."""
    for row in range(index + 1, len(lines)):
        text = lines[row].strip()
        if not text:
            continue
        if labels[row] is not None or not (metadata.is_headline(text) and text[0].isupper()):
            return
        labels[row] = label


def _mark_story_lists(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Lists of stories or comments: three or more dates or "x ago" lines recurring every few lines, each
    with a headline, teaser or comment around it. Dated article sections (a timeline) are protected by
    requiring times of day or relative times ("2h ago"), or a place in the last half of the page's prose."""
    rows = [row for row in range(len(lines)) if lines[row].strip()]
    position = {row: rank for rank, row in enumerate(rows)}
    dated = [row for row in rows if labels[row] is not None and labels[row].rule in ("dateline", "time-ago")]
    half = sum(words(lines[row]) for row in rows if prose[row]) / 2
    seen, prose_before = 0, {}
    for row in rows:
        prose_before[row] = seen
        seen += words(lines[row]) if prose[row] else 0
    clusters: list[list[int]] = []
    for row in dated:
        if clusters and position[row] - position[clusters[-1][-1]] <= STORY_PERIOD:
            clusters[-1].append(row)
        else:
            clusters.append([row])
    for cluster in clusters:
        if len(cluster) < 3:
            continue
        stamped = all(labels[row].rule == "time-ago" or metadata.TIME.search(lines[row]) for row in cluster)
        if not stamped and prose_before[cluster[0]] < half:
            continue
        period = min(position[b] - position[a] for a, b in itertools.pairwise(cluster))
        first = position[cluster[0]]
        while first > 0 and position[cluster[0]] - first < period - 1 and not _in_prose_run(rows, prose, first - 1):
            first -= 1
        first = rows[first]
        last = rows[min(len(rows) - 1, position[cluster[-1]] + period - 1)]
        for row in range(first, last + 1):
            if labels[row] is None and lines[row].strip():
                labels[row] = Label("story-list", "related")


def _in_prose_run(rows: list[int], prose: list[bool], rank: int) -> bool:
    """The rank-th non-blank line is prose following prose: a paragraph of a body, not a lone teaser."""
    return rank > 0 and prose[rows[rank]] and prose[rows[rank - 1]]


def _nth_prose(prose: list[bool], n: int) -> int:
    seen = 0
    for index, is_p in enumerate(prose):
        seen += is_p
        if seen >= n:
            return index
    return len(prose)


def _next_nonblank(lines: list[str], row: int, step: int) -> int | None:
    other = row + step
    while 0 <= other < len(lines):
        if lines[other].strip():
            return other
        other += step
    return None
