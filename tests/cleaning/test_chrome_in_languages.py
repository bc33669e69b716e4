"""A news page's chrome in eight languages goes, as plain text and as HTML, and the article stays whole;
hard-wrapped, it comes back whole too.

Each page wraps the article of its language from tests/data/must_not_remove.json in the chrome of
tests/data/chrome_by_language.json: a cookie notice, a menu, byline and dateline, share buttons, a related
list, comments and a footer, as a scrape and as the elements sites use for them.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from pipeline.cleaning.clean import clean
from tests.conftest import kept

DATA = Path(__file__).parents[1] / "data"
ARTICLES = json.loads((DATA / "must_not_remove.json").read_text(encoding="utf-8"))["articles"]
CHROME = json.loads((DATA / "chrome_by_language.json").read_text(encoding="utf-8"))["pages"]


def as_text(title: str, article: list[str], chrome: dict) -> str:
    """The page as a scrape keeps it: every text node on its own line."""
    related, comments = chrome["related"], chrome["comments"]
    return "\n".join([chrome["cookie"], *chrome["nav"], title, chrome["byline"], chrome["date"], *article,
                      *chrome["share"], related["heading"], *related["items"], comments["heading"],
                      *comments["items"], *chrome["footer"]])


def as_page(title: str, article: list[str], chrome: dict) -> str:
    """The page as HTML: the chrome in the elements sites use for it."""
    links = "".join(f"<a href='/{n}'>{item}</a>" for n, item in enumerate(chrome["nav"]))
    share = "".join(f"<a href='#'>{item}</a> " for item in chrome["share"])
    related = "".join(f"<li><a href='/r{n}'>{item}</a></li>" for n, item in enumerate(chrome["related"]["items"]))
    comments = "".join(f"<p>{item}</p>" for item in chrome["comments"]["items"])
    footer = "".join(f"<a href='/f'>{item}</a> " for item in chrome["footer"][:-1])
    return (f"<html><body><p>{chrome['cookie']}</p><nav>{links}</nav><main><h1>{title}</h1><div class='meta'>"
            f"<span>{chrome['byline']}</span> <time>{chrome['date']}</time></div>"
            + "".join(f"<p>{paragraph}</p>" for paragraph in article)
            + f"<div>{share}</div></main><section><h2>{chrome['related']['heading']}</h2><ul>{related}</ul>"
            f"</section><section><h3>{chrome['comments']['heading']}</h3>{comments}</section><footer>{footer}"
            f"<p>{chrome['footer'][-1]}</p></footer></body></html>")


@pytest.mark.parametrize("form", ["text", "html"])
@pytest.mark.parametrize("language", sorted(CHROME))
def test_the_chrome_goes_and_the_article_stays(language, form, config):
    article, chrome = ARTICLES[language], CHROME[language]
    title = article[0].split(",")[0][:60]
    page = as_text(title, article, chrome) if form == "text" else as_page(title, article, chrome)
    document = kept(clean(f"story.{'txt' if form == 'text' else 'html'}", page.encode(), config))
    assert document.text.split("\n") == article
    assert document.created == "2024-03-12"


@pytest.mark.parametrize("width", [60, 72, 78])
@pytest.mark.parametrize("language", sorted(CHROME))
def test_a_hard_wrapped_article_comes_back_whole(language, width, config):
    """A scrape saved by html2text or lynx -dump: every paragraph broken at one width, blank lines between."""
    article = ARTICLES[language]
    page = "\n\n".join("\n".join(textwrap.wrap(paragraph, width)) for paragraph in article)
    paragraphs = kept(clean("story.txt", page.encode(), config)).text.split("\n\n")
    assert paragraphs == article
