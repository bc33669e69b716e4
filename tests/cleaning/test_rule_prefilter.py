"""The rules' prefilter searches most patterns case-sensitively in the casefolded key: it must agree with a
case-insensitive search of each pattern wherever that search would run."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cleaning.rules import Prefilter, _caseless, load_rules
from pipeline.config import RULES

TRICKY = "iıİIkKKsſSσςΣßẞµμǆǅǄÿŸ"


def test_ignorecase_equates_no_two_casefolded_letters_but_i_and_dotless_i():
    """What makes a case-sensitive search of a casefolded key exact (with "ı" read as "i"), over all of
    Unicode: two distinct fixed points of casefold that IGNORECASE treats as one share an upper- or a
    lower-case form (re compares lower-case forms, plus the letters that share an upper-case one)."""
    fixed = [chr(code) for code in range(sys.maxunicode + 1)
             if not 0xD800 <= code < 0xE000 and chr(code).casefold() == chr(code)]
    groups: dict[str, set[str]] = {}
    for char in fixed:
        for form in {char.upper(), char.lower()}:
            groups.setdefault(form, set()).add(char)
    equated = {frozenset((a, b)) for group in groups.values() for a in group for b in group
               if a != b and re.fullmatch(re.escape(a), b, re.IGNORECASE)}
    assert equated == {frozenset("iı")}


def test_what_reads_the_same_case_sensitively():
    assert all(_caseless(p) for p in ["^(share|teilen)$", "[a-z]+ \\d{2}", "[^0-9]", "[]a-z]", "[a-]",
                                       "x\\.y", "\\bçerez politikası\\b", "(?:a|b)\\s+(?!c)"])
    assert not any(_caseless(p) for p in ["Share", "(?i)share", "straße", "կարդացեք նաև", "[à-ÿ]", "[ā-ž]",
                                          "[a^-z]", "[\\b-z]", "\\u00e9", "\\x41", "(a)\\1",
                                          "\\N{LATIN SMALL LETTER A}", "(?P<name>a)"])


def test_the_shipped_rules_are_almost_all_searched_case_sensitively():
    patterns = [pattern for rule in load_rules(str(RULES)) for pattern in rule.patterns]
    assert sum(not _caseless(pattern) for pattern in patterns) <= 2


PIECES = ["ı", "i", "I", "s", "ſ", "k", "[a-z]", "[^a-z]", "[ik]", "[ı]", "ß", "ss", "σ", "ς", "\\w", "\\b",
          "é", "É", "[à-ÿ]", "[ā-ž]", "ÿ", "^", "x", " ", "(?:i|ı)", "[0-9]"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join), min_size=1, max_size=4),
       st.text(alphabet=TRICKY + "abcxé É0 ", max_size=12))
def test_the_prefilter_finds_exactly_what_a_case_insensitive_search_finds(patterns, line):
    key = line.casefold()
    expected = any(re.search(p, key, re.IGNORECASE) for p in patterns)
    assert Prefilter.of(patterns).may_match(key) == expected
