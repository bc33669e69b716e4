"""The title of a plain-text scrape: the headline-shaped line the article's opening is about, not a menu label
or a related story's headline standing nearer the body."""

from __future__ import annotations

from pipeline.cleaning.clean import clean
from pipeline.config import Config
from pipeline.documents import Document

BODY = ("The city council voted on Tuesday to expand the tram network to the northern districts, a plan that "
        "has divided residents for more than a decade.\n"
        "Supporters said the new tram line would cut commuting times in half, while opponents warned that "
        "construction would close dozens of shops along the route.")


def title_and_text(*lines: str) -> tuple[str | None, str]:
    document = clean("a.txt", "\n".join(lines).encode(), Config.load())
    assert isinstance(document, Document), document
    return document.metadata["title"], document.text


def test_the_headline_the_body_is_about_wins_over_a_nearer_teaser():
    title, text = title_and_text("Home", "News", "Council approves tram network expansion to northern districts",
                                 "Share this story", "Weather: storms expected over the weekend in the region",
                                 BODY)
    assert title == "Council approves tram network expansion to northern districts"
    assert text == BODY


def test_a_headline_opening_the_body_is_its_title_and_leaves_the_text():
    title, text = title_and_text("Council approves tram network expansion to the northern districts", BODY)
    assert title == "Council approves tram network expansion to the northern districts"
    assert text == BODY

