"""Pages whose article a first reading misses: one shown only inside <noscript>, and one whose container a
class hint names as furniture ("paywall-modal") while other prose on the page outweighs it."""

from __future__ import annotations

from pipeline.cleaning.clean import clean
from pipeline.config import Config
from pipeline.documents import Document

STORY = ("Sono almeno nove le femmine di orso che si sono riprodotte quest'anno nel parco nazionale, e sedici i "
         "cuccioli contati durante le sessioni di osservazione in contemporanea dei volontari.")
OTHER = ("Our partners and we use cookies to store and access information on your device to show you adverts "
         "and measure how well they work, and you can change your choices at any time in the settings.")


def kept(markup: str) -> Document:
    document = clean("a.html", markup.encode(), Config.load())
    assert isinstance(document, Document), document
    return document


def test_an_article_shown_only_without_javascript_is_read_from_its_noscript():
    document = kept(f"<html><body><div id='app'></div><noscript><h1>Orsi</h1><p>{STORY}</p><p>{STORY}</p>"
                    "</noscript></body></html>")
    assert STORY in document.text


def test_a_noscript_fallback_beside_the_article_is_not_text():
    document = kept(f"<html><body><noscript><p>Please enable JavaScript to view the comments powered by our "
                    f"widget provider.</p></noscript><article><p>{STORY}</p><p>{STORY}</p></article></body></html>")
    assert "enable JavaScript" not in document.text and STORY in document.text


def test_an_article_in_a_container_a_hint_names_as_furniture_is_read_again_by_element_names():
    document = kept(f"<html><body><div class='paywall-modal'><p>{STORY}</p><p>{STORY}</p></div>"
                    f"<footer><p>{OTHER}</p><p>{OTHER}</p><p>{OTHER}</p></footer></body></html>")
    assert STORY in document.text and OTHER not in document.text
