"""Properties over generated input: cleaning never raises, and cleaning a cleaned text changes nothing."""

from __future__ import annotations

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
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
