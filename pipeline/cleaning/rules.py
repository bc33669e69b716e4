"""The boilerplate rules of rules.toml: load, validate, compile, and match them against a line.

A rule names a chrome phrase (in many languages) with a class and an action. Matching is cached by the
line's folded key, since a site's menus and footers recur on every page it serves.
"""

from __future__ import annotations

import re
import string
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cleaning.text import reads_as_sentence, words
from pipeline.config import RULES

if TYPE_CHECKING:
    from bs4 import Tag

EDGE_PUNCT = " \t[](){}|•·«»:;,.…-–—_*#>›<‹/\\\"'“”‘’!?"
# "_", the one word character EDGE_PUNCT strips, and the letters whose case folding changes where words split
# ("İ" folds to "i" and a combining dot): a line without them has as many words as its casefolded key.
RECOUNT = re.compile("[_\u0130\u01f0\u0345\u0390\u03b0\u1e96-\u1e99\u1f50\u1f52\u1f54\u1f56\u1fb6\u1fb7"
                     "\u1fc6\u1fc7\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2-\u1fe4\u1fe6\u1fe7\u1ff6\u1ff7]")
DEFAULT_MAX_WORDS = 8
ACTIONS = ("drop", "cut", "box")


@dataclass(frozen=True)
class Rule:
    """One named boilerplate rule from rules.toml."""

    name: str
    cls: str
    action: str
    pattern: re.Pattern
    max_words: int
    description: str
    patterns: tuple[str, ...]  # the file's expressions, which `pattern` joins
    sentences: bool = True  # False: never matches a line that reads as a sentence ("By 2030 the fleet ...")
    subheading: bool = False  # True: a matching line standing alone between paragraphs of prose is kept


@dataclass(frozen=True, eq=False)
class Rules:
    """The rules of a file, and the largest word limit among them: longer lines need no search at all.
    Compared and hashed by identity (`load_rules` makes one per file), so caches keyed by it stay cheap."""

    rules: tuple[Rule, ...]
    longest: int

    @cached_property
    def fitting(self) -> tuple[tuple[tuple[Rule, ...], Prefilter | None], ...]:
        """Per word count (0 .. longest): the rules whose word limit a line of that many words fits, and all
        their patterns in one prefilter: a few searches tell whether any of them can match."""
        table = []
        for count in range(self.longest + 1):
            fit = tuple(rule for rule in self.rules if count <= rule.max_words)
            try:
                either = Prefilter.of([pattern for rule in fit for pattern in rule.patterns])
            except re.error:  # patterns that cannot share one expression (a repeated group name): test each
                either = None
            table.append((fit, either))
        return tuple(table)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


# A key is casefolded: its letters are fixed points of casefold, and among those IGNORECASE equates only "i"
# and the dotless "ı" (a test checks all of Unicode). So a pattern whose literal characters are all fixed
# points matches a key, "ı" read as "i", case-sensitively exactly where it matches with IGNORECASE, two to
# three times faster. Escapes that name a class or a punctuation mark, and ranges of ASCII lower-case
# letters or digits, keep that so; any other escape, range or inline flag leaves a pattern to IGNORECASE.
DOTLESS = str.maketrans("ı", "i")
CASELESS_ESCAPES = frozenset("bBwWsSdD" + string.punctuation + " ")
INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")
RANGE_ENDS = (string.ascii_lowercase, string.digits)


@dataclass(frozen=True)
class Prefilter:
    """Patterns joined into a few expressions that rule out, in one search each, a key none of them can
    match: those anchored at the start (tried at the start only) apart from the rest, and those that read
    the same case-sensitively (searched in the key with "ı" as "i") apart from the others."""

    anchored: re.Pattern
    loose: re.Pattern
    anchored_ignoring_case: re.Pattern | None
    loose_ignoring_case: re.Pattern | None

    @classmethod
    def of(cls, patterns: list[str]) -> Prefilter:
        """The prefilter of `patterns`; re.error when they cannot share one expression."""
        exact = [p.translate(DOTLESS) for p in patterns if _caseless(p)]
        other = [p for p in patterns if not _caseless(p)]
        return cls(_alternation([p for p in exact if _anchored(p)], flags=0),
                   _alternation([p for p in exact if not _anchored(p)], flags=0),
                   _alternation([p for p in other if _anchored(p)]) if other else None,
                   _alternation([p for p in other if not _anchored(p)]) if other else None)

    def may_match(self, key: str) -> bool:
        """Whether any of the patterns can match the casefolded key."""
        dotless = key.translate(DOTLESS) if "ı" in key else key
        return bool(self.anchored.match(dotless) or self.loose.search(dotless)
                    or (self.anchored_ignoring_case and self.anchored_ignoring_case.match(key))
                    or (self.loose_ignoring_case and self.loose_ignoring_case.search(key)))


@cache  # each pattern is asked about once per word count of the `fitting` table
def _caseless(pattern: str) -> bool:
    """The pattern matches a casefolded key (with "ı" as "i") case-sensitively exactly where it matches it
    with IGNORECASE: every literal character is a fixed point of casefold, every escape a class or a
    punctuation mark, every range one of ASCII lower-case letters or digits, and no inline flag."""
    if INLINE_FLAGS.search(pattern):
        return False
    index, in_class, opened = 0, False, 0  # opened: where the open class's members start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if pattern[index + 1 : index + 2] not in CASELESS_ESCAPES:
                return False
            index += 2
            continue
        if char.casefold() != char:
            return False
        if in_class and index > opened and char == "-" and pattern[index + 1 : index + 2] not in ("]", ""):
            low, high = pattern[index - 1], pattern[index + 1]  # a range ("\\" as its high end fails the test)
            if pattern[index - 2 : index - 1] == "\\" or not any(low in ends and high in ends for ends in RANGE_ENDS):
                return False
        if in_class:
            in_class = char != "]" or index == opened
        elif char == "[":
            in_class, opened = True, index + 1 + (pattern[index + 1 : index + 2] == "^")
        index += 1
    return True


def _alternation(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    """One expression (case-insensitive unless `flags` say otherwise) matching where any of `patterns`
    does (none: never matches)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", flags)


@cache
def _anchored(pattern: str) -> bool:
    """The pattern can only match at the start of a line: it begins with ^ and has no | outside groups
    and character classes (a lexical scan; a property test checks the prefilter against every rule)."""
    if not pattern.startswith("^"):
        return False
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return False
        index += 1
    return True


# Lines a vetted pattern must get through quickly: runs of one kind of character then a stop, which drive a
# nested quantifier ("(a+)+$", "(\\w+\\s?)*$") into catastrophic backtracking. Lengths grow until a search
# is slow, so the trial itself never hangs: exponential patterns show on short lines, polynomial ones on long.
TRIAL_PIECES = ("a", " ", "0", "ab", "a ", "-", ".", "é", "a.", "\t")
TRIAL_LENGTHS = (8, 12, 16, 20, 24, 250, 500, 1000, 2000)
TRIAL_SECONDS = 0.1  # a sound pattern takes microseconds on these lines (a shipped one, 20 ms on the longest)
SHIPPED = str(RULES)


def vet(pattern: re.Pattern) -> str | None:
    """Why a pattern cannot be run on every line of a corpus (it backtracks catastrophically), or None."""
    for piece in TRIAL_PIECES:
        for length in TRIAL_LENGTHS:
            line = (piece * length)[:length] + "\x00!"
            started = time.perf_counter()
            pattern.search(line)
            if (took := time.perf_counter() - started) > TRIAL_SECONDS:
                return (f"it backtracks catastrophically: {took:.2f} s to search a line of {length} "
                        f"characters ({piece!r} repeated)")
    return None


def _read(path: str) -> dict:
    """The rules file's TOML; ValueError naming the file when it cannot be read as TOML."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"rules file {path} cannot be read as TOML: {err}") from None


@contextmanager
def _naming(what: str, entry: dict, path: str) -> Iterator[None]:
    """A bad entry of the rules file raises ValueError naming it and the file."""
    try:
        yield
    except (KeyError, re.error, ValueError, TypeError) as err:
        raise ValueError(f"{what} {entry.get('name', '?')!r} in {path}: {err}") from err


def _vetted(pattern: re.Pattern, path: str) -> re.Pattern:
    """The pattern, unless it backtracks catastrophically (the shipped file's are vetted by a test)."""
    if path != SHIPPED and (problem := vet(pattern)):
        raise ValueError(problem)
    return pattern


@cache
def load_rules(path: str) -> Rules:
    """Parse, compile and vet the rules file; raises ValueError naming the bad rule."""
    rules = []
    for entry in _read(path).get("rule", []):
        with _naming("rule", entry, path):
            if entry["action"] not in ACTIONS:
                raise ValueError(f"action must be 'drop', 'cut' or 'box', not {entry['action']!r}")
            pattern = _vetted(_alternation(entry["patterns"]), path)
            flags = {key: entry[key] for key in ("sentences", "subheading") if key in entry}
            if any(not isinstance(value, bool) for value in flags.values()):
                raise ValueError("sentences and subheading must be true or false")
            rules.append(Rule(entry["name"], entry["class"], entry["action"], pattern,
                              entry.get("max_words", DEFAULT_MAX_WORDS), entry["description"],
                              tuple(entry["patterns"]), **flags))
    loaded = Rules(tuple(rules), max((rule.max_words for rule in rules), default=0))
    _ = loaded.fitting  # compiled now: processes forked later (Luigi's workers) inherit it
    return loaded


def match_rule(line: str, rules: Rules) -> Rule | None:
    """The first rule whose pattern matches the trimmed line and whose word limit the line fits; a rule
    that spares sentences (`sentences = false`) passes over a line that reads as one."""
    key = line.strip(EDGE_PUNCT).casefold()
    count = words(key) if RECOUNT.search(line) else words(line)  # words(line) is cached: is_prose counted it
    if not key or count > rules.longest:
        return None
    rule = _match_key(key, count, rules, False)
    if rule is not None and not rule.sentences and reads_as_sentence(line):
        rule = _match_key(key, count, rules, True)
    return rule


@lru_cache(maxsize=1 << 16)
def _match_key(key: str, count: int, rules: Rules, sentence: bool) -> Rule | None:
    """Cached: a site's menus, banners and footers recur on every page it serves. Most lines match no rule,
    and for them one search of the combined pattern replaces a search per rule. With `sentence`, rules
    that spare sentences are passed over."""
    fit, either = rules.fitting[count]
    if either is not None and not either.may_match(key):
        return None
    return next((rule for rule in fit if (rule.sentences or not sentence) and rule.pattern.search(key)), None)


@dataclass(frozen=True)
class MarkupRule:
    """One named markup rule from rules.toml: HTML elements that are page furniture, by name or by a hint
    in their class or id."""

    name: str
    cls: str
    description: str
    tags: frozenset[str]
    hints: re.Pattern | None
    unless_inside: frozenset[str]
    unless_holding: tuple[str, ...]
    weak: bool


@dataclass(frozen=True, eq=False)
class Markup:
    """The markup rules of a file, what names content (and so overrides a hint), and the prose a weak
    hint's element may hold and still go."""

    rules: tuple[MarkupRule, ...]
    content_hints: re.Pattern
    weak_max_prose: int
    hidden_max_prose: int

    def by_tag(self, name: str) -> MarkupRule | None:
        return next((rule for rule in self.rules if name in rule.tags), None)

    def by_hint(self, hints: str) -> MarkupRule | None:
        """The first hint rule matching an element's class and id, unless they also name content."""
        return _by_hint(self, hints) if hints.strip() else None


def element_hints(element: Tag) -> str:
    """An element's class and id as one string: what markup hints are searched in."""
    return f"{element.get('class') or ''} {element.get('id') or ''}"


@lru_cache(maxsize=1 << 14)
def _by_hint(markup: Markup, hints: str) -> MarkupRule | None:
    """Cached: a site repeats its class names on every page and in every list item."""
    if markup.content_hints.search(hints):
        return None
    return next((rule for rule in markup.rules if rule.hints is not None and rule.hints.search(hints)), None)


@cache
def load_markup(path: str) -> Markup:
    """The [[markup]] rules of the rules file; raises ValueError naming the bad rule."""
    data = _read(path)
    rules = []
    for entry in data.get("markup", []):
        with _naming("markup rule", entry, path):
            hints = re.compile("|".join(f"(?:{p})" for p in entry["hints"]), re.IGNORECASE) \
                if entry.get("hints") else None
            if hints is None and not entry.get("tags"):
                raise ValueError("a markup rule needs tags or hints")
            rules.append(MarkupRule(entry["name"], entry["class"], entry["description"],
                                    frozenset(entry.get("tags", ())), hints,
                                    frozenset(entry.get("unless_inside", ())), tuple(entry.get("unless_holding", ())),
                                    bool(entry.get("weak", False))))
    try:
        content = re.compile(data.get("content_hints", "(?!)"), re.IGNORECASE)
    except re.error as err:
        raise ValueError(f"content_hints in {path}: {err}") from err
    return Markup(tuple(rules), content, int(data.get("weak_max_prose", 0)), int(data.get("hidden_max_prose", 0)))


@cache
def tag_markup(path: str) -> Markup:
    """The markup rules that go by element name alone (<nav>, <footer>, <aside> ...) and those taking out
    reader comments, without the other class and id hints: the second reading of a page whose hints took
    its article for furniture (reader comments stay out of the text in every reading)."""
    markup = load_markup(path)
    return Markup(tuple(rule for rule in markup.rules if rule.hints is None or rule.cls == "comments"),
                  markup.content_hints, markup.weak_max_prose, markup.hidden_max_prose)


@cache
def descriptions(path: str) -> dict[str, str]:
    """What every rule, markup rule and structural signal of the rules file removes, by name, in one line."""
    data = _read(path)
    found = {entry["name"]: entry.get("description", "") for entry in (*data.get("markup", []), *data.get("rule", []))}
    return {**found, **{name: str(text) for name, text in data.get("signals", {}).items()}}


PAGE_CLASSES = ("product", "service", "collection", "listing", "forum", "documentation", "error", "wall", "teaser")
RULE_CLASSES = ("error", "wall", "teaser")  # decided by phrases alone, and searched only where they can decide
PLACES = ("line", "title", "url")
UPPER = re.compile(r"(?<!\\)[A-Z]")  # an upper-case letter that is not an escape (\W, \S, \D, \B)


@dataclass(frozen=True)
class PageSignal:
    """One [[page]] phrase of rules.toml: text that tells a page's type (an add-to-basket button, a
    pagination bar, "Page not found"), searched in each line, the title or the URL, casefolded. Patterns
    anchored at the start (^...) are matched at the start only, which is what keeps them cheap."""

    name: str
    cls: str
    description: str
    where: str
    anchored: re.Pattern | None
    loose: re.Pattern | None
    max_words: int

    def matches(self, key: str) -> bool:
        return bool((self.anchored and self.anchored.match(key)) or (self.loose and self.loose.search(key)))


@dataclass(frozen=True, eq=False)
class PageSignals:
    """The [[page]] phrases by place, and each place's anchored patterns in one expression (one match rules
    out most lines)."""

    signals: tuple[PageSignal, ...]

    @cached_property
    def by_place(self) -> dict[str, tuple[PageSignal, ...]]:
        return {where: tuple(s for s in self.signals if s.where == where) for where in PLACES}

    @cached_property
    def anchored(self) -> dict[str, re.Pattern]:
        """Per place, all its anchored patterns in one expression, for `match`."""
        return {where: _alternation([s.anchored.pattern for s in found if s.anchored], flags=0)
                for where, found in self.by_place.items()}

    @lru_cache(maxsize=64)  # noqa: B019 - one object per rules file, cached for the run
    def of(self, where: str, classes: tuple[str, ...]) -> tuple[PageSignal, ...]:
        """The phrases of a place and of `classes`."""
        return tuple(s for s in self.by_place[where] if s.cls in classes)

    @lru_cache(maxsize=64)  # noqa: B019
    def loose_of(self, where: str, classes: tuple[str, ...]) -> tuple[PageSignal, ...]:
        """... those of them with unanchored patterns, which the place's anchored expression cannot rule out."""
        return tuple(s for s in self.of(where, classes) if s.loose)

    @lru_cache(maxsize=64)  # noqa: B019
    def longest(self, where: str, classes: tuple[str, ...]) -> int:
        """The most words a phrase of a place and of `classes` looks at."""
        return max((s.max_words for s in self.of(where, classes)), default=0)

    @lru_cache(maxsize=64)  # noqa: B019
    def pinned_words(self, where: str, classes: tuple[str, ...]) -> int:
        """The most words an anchored phrase of a place and of `classes` looks at."""
        return max((s.max_words for s in self.of(where, classes) if s.anchored), default=0)


@cache
def page_signals(path: str) -> PageSignals:
    """The [[page]] phrases of the rules file; raises ValueError naming the bad one."""
    signals = []
    for entry in _read(path).get("page", []):
        with _naming("page phrase", entry, path):
            if entry["class"] not in PAGE_CLASSES:
                raise ValueError(f"class must be one of {', '.join(PAGE_CLASSES)}, not {entry['class']!r}")
            where = entry.get("where", "line")
            if where not in PLACES:
                raise ValueError(f"where must be one of {', '.join(PLACES)}, not {where!r}")
            patterns = list(entry["patterns"])
            if any(UPPER.search(p) for p in patterns):
                raise ValueError("write patterns in lower case: the text they search is casefolded")
            pinned, free = [p for p in patterns if _anchored(p)], [p for p in patterns if not _anchored(p)]
            anchored = _vetted(_alternation(pinned, flags=0), path) if pinned else None
            loose = _vetted(_alternation(free, flags=0), path) if free else None
            signals.append(PageSignal(entry["name"], entry["class"], entry["description"], where, anchored, loose,
                                      int(entry.get("max_words", 12 if where == "line" else 40))))
    loaded = PageSignals(tuple(signals))
    _ = loaded.anchored  # compiled now: forked workers inherit them
    return loaded
