"""Properties over generated input: cleaning never raises, and cleaning a cleaned text changes nothing.

The examples are derandomized (the same 150 every run), so that CI's verdict is the code's, not the draw's;
counterexamples random exploration found are kept in KNOWN_FAILURES until fixed.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cleaning.clean import clean, clean_lines
from pipeline.documents import Document, Rejection

WORDS = st.sampled_from(
    "the minister said on Monday that talks would continue Related News Share Comments July 2025 Africa "
    "Subscribe Home © 2024 +995 577 07 05 63 საერთო ცხელი ხაზი Привет мир peace border agreement".split()
)
LINE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(WORDS, min_size=0, max_size=30),
    st.sampled_from(["", ".", ":", "?", "…", " /"]),
)
DOCUMENT = st.lists(LINE, min_size=0, max_size=40)
FAST = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
THE = "the the the the the the the the the the the the the the the."
# Scrapes that a second cleaning changes, found by random exploration: a removed line ("Subscribe.",
# "Comments.") between pieces lets them join into a copy of a later line, or a copy's removal changes where
# the comments marker stands, which only a second pass sees.
KNOWN_FAILURES = [
    ["the the the the the the the the the.", "the the", "Subscribe.", "the the the the the the.",
     "the the the the the the the the."],
    [THE, "the", "", THE, "Comments.", "the the the the the the the the."],
]


@FAST
@given(st.text())
def test_clean_lines_never_raises_on_any_text(config, text):
    clean_lines(text.split("\n"), config)


@FAST
@given(st.binary(max_size=2000))
def test_clean_never_raises_on_any_bytes(config, data):
    outcome = clean("fuzz.txt", data, config)
    assert isinstance(outcome, Document | Rejection)


@FAST
@given(DOCUMENT)
def test_cleaning_is_idempotent(config, lines):
    once = clean_lines(lines, config).text
    twice = clean_lines(once.split("\n"), config)
    assert twice.text == once


@pytest.mark.xfail(strict=True, reason="known: cleaning these scrapes twice removes one more line (see KNOWN_FAILURES)")
@pytest.mark.parametrize("lines", KNOWN_FAILURES)
def test_known_non_idempotent_scrapes(config, lines):
    once = clean_lines(lines, config).text
    assert clean_lines(once.split("\n"), config).text == once
