"""ftfy repairs broken text and leaves correct text as written."""

from __future__ import annotations

import ftfy
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.repair import HTML, MOJIBAKE_NEEDS, TEXT, could_be_bad, looks_bad, repair, untouched


def test_mojibake_is_fixed_and_explained():
    broken = "The caf\u00c3\u00a9 was \u00e2\u20ac\u0153open\u00e2\u20ac\u009d"
    result = repair(broken)
    assert result.text == "The café was “open”"
    assert result.steps


def test_typography_is_kept():
    text = "“Quotes” — dashes – and ﬁ ligatures and ＡＢＣ full width stay."
    assert repair(text).text == text
    assert repair(text).steps == ()


def test_entities_unescaped_in_plain_text_but_not_in_html():
    assert repair("Fish &amp; chips").text == "Fish & chips"
    assert repair("Use &lt;b&gt; tags", html=True).text == "Use &lt;b&gt; tags"


def test_zero_width_and_control_characters_removed():
    result = repair("a\u200bb\x07c")
    assert result.text == "abc"
    assert "remove_zero_width" in result.steps


def test_line_breaks_normalised():
    assert repair("one\r\ntwo\rthree").text == "one\ntwo\nthree"


# Characters ftfy's mojibake heuristic knows, plus plain ASCII, other scripts and controls: the fast path
# must agree with ftfy on all of them.
MOJIBAKE_ALPHABET = "".join(sorted(set("".join(MOJIBAKE_CATEGORIES.values())) - set("-"))) + "ÃÂâ€™œžŸ"
ALPHABET = st.sampled_from([*MOJIBAKE_ALPHABET, *"abcxyzABC .,!?&<>'\"0123", "\u00a0", "\x85", "\x1b", "\ufeff",
                            "e\u0301", "Ω", "Ж", "ب", "中", "😀", "ï¬\x81"])


@settings(max_examples=600, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_fast_path_agrees_with_ftfy(line):
    assert looks_bad(line) == is_bad(line)
    for config in (TEXT, HTML):
        if untouched(line, config):
            assert ftfy.fix_and_explain(line, config).text == line


def test_typography_alone_never_runs_the_mojibake_regex():
    assert all(MOJIBAKE_NEEDS)  # every pattern of ftfy's regex needs some non-ASCII character
    assert not could_be_bad("\u2018\u2019\u201c\u201d\u2013\u2014\u2026")
    assert could_be_bad("\u00c3\u00a9") and could_be_bad("\u00e2\u20ac\u2122")


def test_curly_quotes_skip_ftfy_but_mojibake_does_not():
    assert untouched("He said \u2019no\u2019 \u2014 twice\u2026", TEXT)
    assert not untouched("He said \u00e2\u20ac\u2122no", TEXT)
    assert not untouched("Fish &amp; chips", TEXT) and untouched("Fish &amp; chips", HTML)
    assert not untouched("cafe\u0301", TEXT)  # not NFC
