"""ftfy repairs broken text and leaves correct text as written."""

from __future__ import annotations

from pipeline.repair import repair


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
