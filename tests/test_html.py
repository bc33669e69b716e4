"""HTML extraction on fixtures that mimic common layouts, metadata, and hostile markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import clean
from pipeline.documents import Document, Rejection
from pipeline.html import extract, looks_like_html
from tests.conftest import kept

PAGES = Path(__file__).parent / "data" / "html"

LAYOUTS = {
    "semantic.html": (
        ["reopened to traffic on Tuesday morning", "A long wait for drivers", "Heavy lorries remain banned",
         "celebration at the bridge on Saturday"],
        ["Council approves new budget", "All rights reserved", "Sport", "The bridge at dawn", "By Anna Weber"],
    ),
    "wordpress.html": (
        ["best sourdough loaf", "same starter", "remarkable depth of flavour", "award ceremony"],
        ["Share this", "Congratulations, the best bread", "Farmers market", "Proudly powered", "Contact"],
    ),
    "related_long.html": (
        ["extend the harbour wall", "spawning grounds", "take about three years"],
        ["Airport runway", "resurface it", "Ferry operator", "stranded in the evenings"],
    ),
    "cookie_comments.html": (
        ["zwölf Kilometer neue Radwege", "vier Millionen Euro", "Wegfall von Parkplätzen"],
        ["Cookies", "Endlich!", "Lieferwagen", "Kommentare"],
    ),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_keeps_the_article_and_drops_the_rest(config, name):
    must, must_not = LAYOUTS[name]
    document = kept(clean(name, (PAGES / name).read_bytes(), config))
    assert document is not None
    for text in must:
        assert text in document.text, text
    for text in must_not:
        assert text not in document.text, text
    assert document.metadata["format"] == "html"


def test_semantic_page_metadata(config):
    document = kept(clean("semantic.html", (PAGES / "semantic.html").read_bytes(), config))
    assert document.metadata["title"] == "Bridge reopens after two years of repairs"
    assert document.created == "2024-03-05"
    assert document.metadata["language"] == "en-GB"
    assert document.metadata["url"] == "https://courier.example/news/bridge-reopens"
    assert not document.text.startswith("Bridge reopens")
    assert {"rule": "title", "class": "metadata"}.items() <= document.metadata["removed"][0].items()


def test_json_ld_headline_and_date(config):
    document = kept(clean("wordpress.html", (PAGES / "wordpress.html").read_bytes(), config))
    assert document.metadata["title"] == "Local bakery wins national prize"
    assert document.created == "2023-11-02"


def test_title_falls_back_to_title_tag_without_site_suffix():
    page = extract("<html><head><title>Storm closes schools – Daily Planet</title></head><body><p>x</p></body></html>")
    assert page.title == "Storm closes schools"


def test_time_element_gives_the_date():
    page = extract('<html><body><article><time datetime="2021-09-30T12:00">Sept 30</time><p>Text.</p></article>'
                   "</body></html>")
    assert page.created == "2021-09-30"


def test_hidden_elements_and_comments_are_skipped():
    page = extract('<html><body><article><p>Visible paragraph of the article text here.</p>'
                   '<p hidden>Hidden one</p><p style="display: none">Also hidden</p>'
                   '<div aria-hidden="true">Screen readers skip this</div><!-- a comment --></article></body></html>')
    assert page.blocks == ["Visible paragraph of the article text here."]


def test_script_rendered_page_falls_back_to_json_ld_article_body():
    body = "First paragraph of the story, long enough to count.\\nSecond paragraph with more detail on it."
    page = extract('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                   f'"articleBody": "{body}"}}</script></head><body><div id="app"></div></body></html>')
    assert page.blocks == ["First paragraph of the story, long enough to count.",
                           "Second paragraph with more detail on it."]


def test_deeply_nested_markup_does_not_crash(config):
    depth = 10_000
    markup = "<html><body>" + "<div>" * depth + "<p>" + "Deep text in a very nested page, still an article. " * 5 \
        + "</p>" + "</div>" * depth + "</body></html>"
    outcome = clean("deep.html", markup.encode(), config)
    assert isinstance(outcome, Document | Rejection)


def test_multi_megabyte_page(config):
    paragraph = "<p>" + "The council met again to discuss the budget for the coming year in detail. " * 4 + "</p>"
    markup = "<html><body><article>" + paragraph * 8000 + "</article></body></html>"
    assert len(markup) > 2_000_000
    document = kept(clean("big.html", markup.encode(), config))
    assert document is not None and document.metadata["words"] > 100_000


def test_page_without_text_is_rejected_with_a_reason(config):
    outcome = clean("empty.html", b"<html><head><title>Nothing</title></head><body><img src=x></body></html>", config)
    assert isinstance(outcome, Rejection) and "too short" in outcome.reason


def test_unclosed_and_malformed_markup(config):
    markup = "<html><body><article><p>First paragraph of a page whose markup is broken but readable enough." \
             "<p>Second paragraph <b>never closes its bold <i>or italics and goes on for a while longer." \
             "<div><p>Third paragraph inside an unclosed div, the parser must still recover it."
    document = kept(clean("broken.html", markup.encode(), config))
    assert "Third paragraph" in document.text and "Second paragraph" in document.text


def test_non_latin_page(config):
    markup = ('<html lang="ka"><head><meta charset="utf-8"><title>სიახლე</title></head><body><article>'
              "<p>საქართველოს პარლამენტმა დღეს მიიღო კანონი, რომელიც ადგილობრივი თვითმმართველობის რეფორმას ეხება.</p>"
              "<p>კანონის მიხედვით, მუნიციპალიტეტებს მეტი უფლებამოსილება ექნებათ ბიუჯეტის განკარგვაში.</p>"
              "</article></body></html>")
    document = kept(clean("ka.html", markup.encode(), config))
    assert document.metadata["language"] == "ka" and "პარლამენტმა" in document.text


def test_sniffing():
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("  <html lang='en'>")
    assert not looks_like_html("Plain text about <b> tags in prose.")
