"""ftfy repairs broken text and leaves correct text as written."""

from __future__ import annotations

import ftfy
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cleaning.repair import HTML, TEXT, looks_bad, repair, untouched


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
    assert "remove_invisible" in result.steps


def test_soft_hyphens_bidi_marks_and_stray_joiners_go_but_joiners_a_script_needs_stay():
    result = repair("Wäh\u00adrend \u200eder\u200f Sitzung\u2066 sa\u200dgte er")
    assert result.text == "Während der Sitzung sagte er"
    assert "remove_invisible" in result.steps
    persian = "می\u200cخواهم"  # the non-joiner is part of Persian spelling
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # an emoji sequence
    assert repair(persian).text == persian and repair(family).text == family


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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.lists(ALPHABET, min_size=1, max_size=8).map("".join)),
                max_size=6))
def test_windowed_search_finds_mojibake_anywhere_in_a_long_line(pieces):
    """Mojibake and typography at any distance from each other, apart or close: windows must not miss."""
    line = "".join("x" * gap + piece for gap, piece in pieces)
    assert looks_bad(line) == is_bad(line)
    assert looks_bad("Ã©") and looks_bad(f"{'word ' * 40}GÃ¢â‚¬Â™s") and looks_bad("ГўВЂВќa")
    assert not looks_bad(f"{'word ' * 40}\u2018quoted\u2019 \u2014 dash\u2026")


def test_curly_quotes_skip_ftfy_but_mojibake_does_not():
    assert untouched("He said \u2019no\u2019 \u2014 twice\u2026", TEXT)
    assert not untouched("He said \u00e2\u20ac\u2122no", TEXT)
    assert not untouched("Fish &amp; chips", TEXT) and untouched("Fish &amp; chips", HTML)
    assert not untouched("cafe\u0301", TEXT)  # not NFC
