"""Real article lines that look like chrome are kept: no rule or signal may cut them out of an article.

tests/data/must_not_remove.json holds the lines (subheadings, datelines inside sentences, short quotes, list
items, headlines with chrome words) and an article per language; each line is placed in its article and
cleaned as a plain-text scrape and as an HTML page, as production cleans seeds.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from pipeline.cleaning.clean import clean
from tests.conftest import kept

TABLE = json.loads((Path(__file__).parents[1] / "data" / "must_not_remove.json").read_text(encoding="utf-8"))
CASES = TABLE["cases"]
TITLE = "Talks on the corridor resume"


def placed(case: dict) -> list[str]:
    """The article's paragraphs with the case's line among them: first, or between the 2nd and 3rd."""
    paragraphs = list(TABLE["articles"][case["language"]])
    paragraphs.insert(0 if case.get("where") == "first" else 2, case["line"])
    return paragraphs


def as_page(paragraphs: list[str], line: str) -> str:
    """An HTML article page: a short line stands in a subheading element, the rest in paragraphs."""
    body = "".join(f"<h2>{html.escape(p)}</h2>" if p == line and len(p.split()) <= 6 else f"<p>{html.escape(p)}</p>"
                   for p in paragraphs)
    return (f"<html><head><title>{TITLE}</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a>"
            f"</nav><article><h1>{TITLE}</h1>{body}</article><footer>Contact us</footer></body></html>")


def test_the_table_is_as_large_and_varied_as_promised():
    assert len(CASES) >= 150
    assert len({case["language"] for case in CASES}) >= 6
    assert all(case["language"] in TABLE["articles"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['language']}-{c['kind']}-{c['line'][:30]}" for c in CASES])
def test_a_line_of_an_article_is_kept(case, config):
    paragraphs = placed(case)
    text = kept(clean("story.txt", ("\n\n".join(paragraphs) + "\n").encode(), config)).text
    assert case["line"] in text.split("\n"), text
    page = kept(clean("story.html", as_page(paragraphs, case["line"]).encode(), config)).text
    assert case["line"] in page.split("\n"), page
    for paragraph in paragraphs:  # and nothing after it went with it
        assert paragraph in text and paragraph in page
