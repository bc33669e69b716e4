"""Reader comments: kept apart in metadata.comments when asked for, one by one with author and date, never in
the text, never the comment form."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.cleaning.clean import clean
from pipeline.config import Config, SettingsError
from pipeline.documents import Document

STORY = ("The city council voted on Tuesday to expand the tram network to the northern districts, a plan that "
         "has divided residents for more than a decade. Supporters said the line would cut commuting times in "
         "half, while opponents warned that construction would close dozens of shops along the route.")
BLOG = (f"<html><head><title>Tram plan approved</title></head><body><article><h1>Tram plan approved</h1>"
        f"<p>{STORY}</p><p>{STORY}</p></article>"
        "<div id='comments' class='comments-area'><h2>2 Comments</h2><ol class='comment-list'>"
        "<li id='comment-11' class='comment'><article class='comment-body'><footer class='comment-meta'>"
        "<b class='fn'>Gabi</b> <span>says:</span> <time datetime='2024-03-05T10:00'>March 5</time></footer>"
        "<div class='comment-content'><p>Finally some good news for the north of the city.</p></div>"
        "<ol class='children'><li id='comment-12' class='comment'><article class='comment-body'>"
        "<footer class='comment-meta'><b class='fn'>Tom Berg</b> says:</footer>"
        "<div class='comment-content'><p>We will see when the first tram runs.</p></div></article></li></ol>"
        "</article></li></ol>"
        "<div id='respond' class='comment-respond'><h3>Leave a Reply</h3><form class='comment-form'>"
        "<p class='comment-form-comment'><textarea>Write your comment here</textarea></p></form></div>"
        "</div></body></html>").encode()
FORUM = (f"<html><body><article><h1>Tram plan approved</h1><p>{STORY}</p><p>{STORY}</p></article>"
         "<section class='kommentare'><div id='kommentar-7'><span class='author'>Max</span>"
         "<p>Endlich fährt die Bahn auch zu uns in den Norden.</p></div></section></body></html>").encode()


def with_comments(on: bool) -> Config:
    config = Config.load()
    return dataclasses.replace(config, extract=dataclasses.replace(config.extract, comments=on))


def test_comments_go_to_metadata_one_by_one_with_author_and_date_and_never_into_text():
    document = clean("a.html", BLOG, with_comments(True))
    assert isinstance(document, Document)
    assert document.metadata["comments"] == [
        {"text": "Finally some good news for the north of the city.", "author": "Gabi", "date": "2024-03-05"},
        {"text": "We will see when the first tram runs.", "author": "Tom Berg"}]
    assert "good news" not in document.text and "Write your comment" not in document.text


def test_off_by_default_and_comments_still_stay_out_of_the_text():
    document = clean("a.html", BLOG, Config.load())
    assert isinstance(document, Document)
    assert "comments" not in document.metadata and "good news" not in document.text


def test_numbered_comment_items_without_a_body_element_in_another_language():
    document = clean("a.html", FORUM, with_comments(True))
    assert isinstance(document, Document)
    assert document.metadata["comments"] == [{"text": "Endlich fährt die Bahn auch zu uns in den Norden.",
                                              "author": "Max"}]
    assert "Endlich" not in document.text


def test_the_setting_must_be_a_boolean(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[extract]\ncomments = "yes"\n')
    with pytest.raises(SettingsError, match=r"extract\.comments' must be bool"):
        Config.load(settings)
