"""The five development seeds clean exactly as the foundation issue specifies."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.cleaning import language
from pipeline.cleaning.clean import clean
from tests.conftest import kept


def nonblank(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def cleaned(config, seed_bytes):
    return {name[:3]: kept(clean(name, data, config)) for name, data in seed_bytes.items()}


@pytest.fixture(scope="module")
def originals(seed_bytes):
    return {name[:3]: nonblank(data.decode("utf-8")) for name, data in seed_bytes.items()}


def removed_texts(document) -> list[str]:
    return [r["text"] for r in document.metadata["removed"]]


def test_000_date_prefix_becomes_created_and_every_paragraph_stays(cleaned, originals):
    doc = cleaned["000"]
    assert doc.created == "2025-07-10"
    assert doc.text.startswith("Azerbaijani President Ilham Aliyev")
    assert "date 2025-07-10" not in doc.text
    assert nonblank(doc.text)[1:] == originals["000"][1:]
    assert [r["rule"] for r in doc.metadata["removed"]] == ["date-prefix"]


def test_001_title_byline_and_related_list(cleaned, originals):
    doc = cleaned["001"]
    lines = nonblank(doc.text)
    assert doc.metadata["title"] == "Aliyev, Pashinyan Report Progress on Border and Peace Talks"
    assert doc.created == "2025-07-10"
    assert lines[0].startswith("Azerbaijani diplomatic sources say the latest meeting")
    assert sum(line.startswith("- ") for line in lines) == 3
    assert lines[-1].startswith("The latest meeting in Abu Dhabi")
    gone = removed_texts(doc)
    for text in ("July 10, 2025Clash Report", "ClashReport", "Sources:", "Related Topics", "Related News",
                 "Congolese Army Destroys Plane Rebels Claim Was Carrying Aid", "Asia-Pasific", "August 2025"):
        assert text in gone
        assert text not in lines
    body = originals["001"][originals["001"].index("ClashReport") + 1 : originals["001"].index("Sources:")]
    assert lines[1:] == body


def test_002_everything_kept(cleaned, originals):
    doc = cleaned["002"]
    assert nonblank(doc.text) == originals["002"]
    assert "Long-standing tension" in nonblank(doc.text)
    assert doc.metadata["removed"] == []
    assert doc.metadata["title"] is None


def test_003_chrome_banners_and_accessibility_removed(cleaned, originals):
    doc = cleaned["003"]
    assert doc.metadata["title"] == "In Pursuit of Peace: Aliyev-Pashinyan's Meeting in the Emirates"
    rules = {r["text"]: r["class"] for r in doc.metadata["removed"]}
    assert rules["[Skip to Content]"] == "navigation"
    assert rules["Subscribe to our web page"] == "subscribe"
    banners = [text for text, cls in rules.items() if cls == "banner"]
    assert len(banners) == 2 and all("+995" in text for text in banners)
    assert any(r["rule"] == "invisible-line" for r in doc.metadata["removed"])
    assert rules["OTHER / ARTICLE"] == "navigation"
    assert rules["The website accessibility instruction"] == "accessibility"
    lines = nonblank(doc.text)
    assert lines[0].startswith("The recent negotiations between the leaders")
    assert lines[-1].startswith("Still, the direct talks in Abu Dhabi")
    start = originals["003"].index(doc.metadata["title"]) + 1
    end = originals["003"].index("The website accessibility instruction")
    assert lines == originals["003"][start:end]
    for heading in ("The Premises of the Negotiation Phase", "Three Key Issues on the Negotiation Table",
                    "Strategic Takeaways from the Latest Round", "South Caucasus Transformation", "***"):
        assert heading in lines


def test_004_eleven_paragraphs_and_nothing_from_hashtags_on(cleaned, originals):
    doc = cleaned["004"]
    assert doc.metadata["title"] == "Leaders of Azerbaijan and Armenia reach no breakthrough on decades-long conflict"
    lines = nonblank(doc.text)
    assert len(lines) == 11
    assert lines == originals["004"][1:12]
    tail = originals["004"][originals["004"].index("Hashtags") :]
    assert set(tail) <= set(removed_texts(doc))
    assert "Related Articles" in removed_texts(doc)


def test_every_removal_names_a_rule_and_class(cleaned):
    for doc in cleaned.values():
        for removal in doc.metadata["removed"]:
            assert removal["rule"] and removal["class"] and isinstance(removal["line"], int)


def test_seed_ids_are_distinct_and_stable(config, seed_bytes, cleaned):
    ids = {doc.id for doc in cleaned.values()}
    assert len(ids) == 5
    name = sorted(seed_bytes)[0]
    assert kept(clean(name, seed_bytes[name], config)).id == cleaned["000"].id


def test_the_five_seeds_are_english(cleaned):
    assert {doc.metadata["language"] for doc in cleaned.values()} == {"en"}
    assert all(doc.metadata["language_score"] >= language.CONFIDENT for doc in cleaned.values())


@pytest.mark.parametrize("width", [64, 72, 78])
def test_a_seed_saved_hard_wrapped_keeps_its_words_and_date(cleaned, config, seed_bytes, width):
    """The same scrapes saved by a tool that wraps lines and sets blocks apart with a blank line (html2text,
    lynx -dump): not a word of the article lost or added, the same date; the date prefix of 000 is found
    though its line is now wrapped."""
    for name, data in seed_bytes.items():
        wrapped = "\n\n".join("\n".join(textwrap.wrap(line, width))
                              for line in data.decode("utf-8").split("\n") if line.strip())
        doc = kept(clean(name, wrapped.encode(), config))
        assert doc.text.split() == cleaned[name[:3]].text.split(), name
        assert doc.created == cleaned[name[:3]].created, name


def test_a_seed_scraped_with_another_sites_chrome_cleans_to_the_same_article(cleaned, config, seed_bytes):
    """The same story re-scraped from a site with other chrome around it: menus and a newsletter call above
    (the date field "date 2025-07-10" of 000 no longer on the first line), related stories and a footer
    below. The article's words and date are those of the seed alone."""
    above = "Skip to content\nHome\nNews\nSubscribe to our newsletter\n"
    below = ("\nRelated Articles\nSomething else happened in another country today\nShare\n"
             "© 2025 Other Outlet. All rights reserved.\n")
    for name, data in seed_bytes.items():
        doc = kept(clean(name, (above + data.decode("utf-8") + below).encode(), config))
        assert doc.text.split() == cleaned[name[:3]].text.split(), name
        assert doc.created == cleaned[name[:3]].created, name
