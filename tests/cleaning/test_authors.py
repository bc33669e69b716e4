"""Bylines: the author from the page's markup or from its byline lines, in HTML and in text scrapes, never a
site name, a role or a link label."""

from __future__ import annotations

import json

import pytest

from pipeline.cleaning import authors
from pipeline.cleaning.clean import clean
from pipeline.config import Config
from pipeline.documents import Document

STORY = ("The city council voted on Tuesday to expand the tram network to the northern districts, a plan that "
         "has divided residents for more than a decade. Supporters said the line would cut commuting times in "
         "half, while opponents warned that construction would close dozens of shops along the route.")


def page(head: str = "", byline: str = "") -> bytes:
    return (f"<html><head><title>Tram plan approved</title>{head}</head><body><article><h1>Tram plan approved</h1>"
            f"{byline}<p>{STORY}</p><p>{STORY}</p></article></body></html>").encode()


def ld(author: object) -> str:
    data = {"@type": "NewsArticle", "headline": "Tram plan approved", "author": author}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def author_of(data: bytes, path: str = "a.html") -> tuple[str | None, str | None]:
    document = clean(path, data, Config.load())
    assert isinstance(document, Document), document
    return document.metadata["author"], document.metadata["author_source"]


def test_json_ld_authors_are_joined_and_an_organisation_is_one_only_when_no_person_is_named():
    people = [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Max Muster"}]
    assert author_of(page(ld(people))) == ("Jane Doe, Max Muster", "JSON-LD author")
    publisher = ld({"@type": "NewsMediaOrganization", "name": "The Daily Courier"})
    assert author_of(page(publisher, '<p class="byline">By Anna Berg</p>')) == ("Anna Berg", "byline line")
    company = ld({"@type": "Organization", "name": "Morgan & Morgan"})
    assert author_of(page(company)) == ("Morgan & Morgan", "JSON-LD organisation")


def test_the_article_of_a_json_ld_graph_names_the_author_when_its_web_page_carries_the_date():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "headline": "Tram plan approved", "author": {"name": "Jane Doe", "@id": "#jane"}},
        {"@type": "WebPage", "datePublished": "2025-05-03", "name": "Tram plan approved"},
        {"@type": "Organization", "name": "The Daily Courier", "author": {"name": "Not A Person"}}]}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert author_of(page(head)) == ("Jane Doe", "JSON-LD author")


def test_a_profile_url_in_meta_gives_way_to_the_byline_and_its_date_is_cut_off():
    head = '<meta property="article:author" content="https://www.facebook.com/dailycourier">'
    byline = '<div class="byline">By Jane Doe and Max Muster | May 3, 2025</div>'
    assert author_of(page(head, byline)) == ("Jane Doe, Max Muster", "byline line")


@pytest.mark.parametrize("opening", ["Von Max Muster", "By Jane Doe", "Par Claire Martin", "Autor: Jan Nowak"])
def test_a_text_scrape_takes_its_byline_line_in_any_language(opening):
    name = opening.split(" ", 1)[1].removeprefix(" ")
    text = f"Tram plan approved\n{opening}\n{STORY}\n\n{STORY}\n".encode()
    assert author_of(text, "a.txt") == (name, "byline line")


def test_the_site_name_is_dropped_from_several_names_but_an_author_field_may_name_the_site_alone():
    site = '<meta property="og:site_name" content="CNN">'
    assert author_of(page(site + '<meta name="author" content="Rob Picheta, CNN">')) == ("Rob Picheta", "<meta> author")
    blog = '<meta property="og:site_name" content="Rick Steves">'
    assert author_of(page(blog + ld("Rick Steves"))) == ("Rick Steves", "JSON-LD author")


@pytest.mark.parametrize("line", ["Senior Reporter", "View all posts by Jane Doe", "About the Author",
                                  "https://example.com/jane", "@janedoe", "3 May 2025", "Published 3 May 2025"])
def test_never_a_role_a_link_label_a_handle_or_a_date(line):
    assert authors.split_names(line) == []


def test_no_author_is_none_from_nowhere():
    assert author_of(page()) == (None, None)


def test_a_company_in_the_author_field_gives_way_to_a_person_in_the_byline_and_stands_when_none_does():
    head = '<meta name="author" content="Hanns-Seidel-Stiftung e.V.">'
    assert author_of(page(head, '<p class="byline">Von Uta Staschewski</p>')) == ("Uta Staschewski", "byline line")
    assert author_of(page(head)) == ("Hanns-Seidel-Stiftung e.V", "<meta> author")


@pytest.mark.parametrize(("line", "name"), [("Von David Hutzler, dpa", "David Hutzler"),
                                            ("Quelle: Agence France-Presse", "Agence France-Presse"),
                                            ("vom Krimiblogger", "Krimiblogger")])
def test_an_agency_code_after_the_name_is_dropped_and_a_source_line_names_its_source(line, name):
    assert authors.split_names(line, capitalised=True) == [name]


def test_a_written_by_label_names_the_line_right_under_it_and_a_sign_off_counts_below_the_article():
    label = '<div class="byline"><p>Written by</p><p>Jane Doe</p></div>'
    assert author_of(page(byline=label)) == ("Jane Doe", "byline line")
    apart = '<div class="byline"><p>Written by</p></div><div class="cta"><p>Schedule Your Free Consultation</p></div>'
    assert author_of(page(byline=apart))[0] != "Schedule Your Free Consultation"
    long_story = "".join(f"<p>{STORY}</p>" for _ in range(25))
    signed = (f"<html><head><title>Tram plan approved</title></head><body><article><h1>Tram plan approved</h1>"
              f"{long_story}<p class=\"byline\">Written by Max Muster</p></article></body></html>").encode()
    assert author_of(signed) == ("Max Muster", "byline line")


@pytest.mark.parametrize("line", ["Written by Dan Pantelo average reading time:", "Last Modified"])
def test_a_reading_time_or_a_label_is_no_name(line):
    assert authors.split_names(line, capitalised=True) == []


def test_an_element_whose_class_names_the_author_counts_last_and_never_in_the_page_furniture():
    box = '<div class="post-meta"><span class="text__author">Jane Doe</span></div>'
    assert author_of(page(byline=box)) == ("Jane Doe", "author class")
    aside = ('<html><head><title>Tram plan approved</title></head><body><aside><span class="author">Max Muster'
             f'</span></aside><article><h1>Tram plan approved</h1><p>{STORY}</p><p>{STORY}</p></article></body></html>')
    assert author_of(aside.encode()) == (None, None)
    commenter = '<div class="comment-author">Max Muster</div>'
    assert author_of(page(byline=commenter)) == (None, None)
    both = '<p class="byline">By Anna Berg</p><span class="author-name">Max Muster</span>'
    assert author_of(page(byline=both)) == ("Anna Berg", "byline line")


@pytest.mark.parametrize("line", ["Author", "Artikel von", "Fact Checked", "Datum"])
def test_a_label_alone_is_no_name(line):
    assert authors.split_names(line, capitalised=True) == []
