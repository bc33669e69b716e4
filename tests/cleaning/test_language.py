"""Language identification: fastText decides where it is sure, py3langid where it is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cleaning import language

ARTICLES = json.loads((Path(__file__).parent.parent / "data" / "must_not_remove.json").read_text(encoding="utf-8"))
# fastText's lite model reads this lead as Russian with probability 0.31; py3langid reads it as English.
UNSURE = ("BUFFALO, N.Y. — Hours before Zach Parise’s two-goal performance Tuesday, Wild coach Bruce Boudreau "
          "stood outside the dressing room")


@pytest.mark.parametrize("code", sorted(ARTICLES["articles"]))
def test_each_test_article_is_identified_in_its_language(code):
    found, score = language.identify("\n\n".join(ARTICLES["articles"][code]))
    assert found == code
    assert language.CONFIDENT <= score <= 1


def test_where_fasttext_is_unsure_py3langid_decides():
    answer = language.detector().detect(" ".join(UNSURE.split()), model="lite", k=1)[0]
    assert answer["score"] < language.CONFIDENT and answer["lang"] != "en"
    assert language.identify(UNSURE) == language.identify(UNSURE[: language.SAMPLE_CHARS])
    assert language.identify(UNSURE)[0] == language.identifier().classify(UNSURE)[0] == "en"


def test_only_the_samples_are_read():
    text = "Die Regierung hat am Dienstag neue Regeln für den Verkehr in der Stadt beschlossen. " * 20
    tail = " This is the part of the text that no model ever reads, however long it goes on." * 200
    assert language.identify(text + tail) == language.identify(text)


def test_a_text_with_no_letters_still_gets_an_answer():
    found, score = language.identify("12 345 -- 67")
    assert isinstance(found, str) and found and 0 <= score <= 1
