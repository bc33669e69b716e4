"""Dates and titles from text."""

from __future__ import annotations

import pytest

from pipeline.metadata import (
    choose_date,
    find_date,
    has_date,
    is_date_line,
    is_headline,
    shown_dates,
    split_date_prefix,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("July 10, 2025Clash Report", "2025-07-10"),
        ("Published 2025-07-10 by the desk", "2025-07-10"),
        ("10 July 2025", "2025-07-10"),
        ("Jul. 4th, 2023", "2023-07-04"),
        ("10 juillet 2025", "2025-07-10"),
        ("3 de mayo de 2021", "2021-05-03"),
        ("14 марта 2024", "2024-03-14"),
        ("12.08.2025", "2025-08-12"),
        ("No date here, only 2025 as a number.", None),
        ("February 30, 2024", None),
        ("July 2025", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso


def test_month_year_counts_as_a_date_for_lists_only():
    assert has_date("August 2025") and find_date("August 2025") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("July 10, 2025Clash Report", True),
        ("November 18, 2019 11:03 PM", True),
        ("August 2025", True),
        ("The treaty was signed on July 10, 2025, after long talks in Geneva.", False),
        ("Long-standing tension", False),
    ],
)
def test_is_date_line(line, expected):
    assert is_date_line(line) is expected


def test_split_date_prefix():
    assert split_date_prefix(" date 2025-07-10 Azerbaijani President") == (" date 2025-07-10 ", "2025-07-10",
                                                                           "Azerbaijani President")
    assert split_date_prefix("Azerbaijani President") == ("", None, "Azerbaijani President")
    assert split_date_prefix("2025-13-40 is not a date")[1] is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Aliyev, Pashinyan Report Progress on Border and Peace Talks", True),
        ("In Pursuit of Peace: Aliyev-Pashinyan's Meeting in the Emirates", True),
        ("Peace talks between the leaders took place in Abu Dhabi on Thursday.", False),
        ("Sources:", False),
        ("all lower case words here", False),
        ("Hi", False),
    ],
)
def test_is_headline(line, expected):
    assert is_headline(line) is expected


def test_the_declared_date_the_page_shows_is_chosen_and_an_update_is_not_shown():
    published, modified = [("JSON-LD datePublished", "2024-01-05")], [("JSON-LD dateModified", "2024-03-09")]
    assert choose_date(published, modified, ["By Ann Lee", "March 9, 2024"], (None, None)) == \
        ("2024-03-09", "JSON-LD dateModified, shown on the page")
    assert choose_date(published, modified, ["Last updated:", "March 9, 2024"], (None, None)) == \
        ("2024-01-05", "JSON-LD datePublished")
    assert choose_date([], [], ["March 9, 2024"], ("2024-03-09", "dateline (line 0)")) == \
        ("2024-03-09", "dateline (line 0)")
    assert shown_dates(["Updated on June 18, 2025 at 12:35 PM", "5 January 2024"]) == {"2024-01-05"}


def test_a_time_element_that_disagrees_with_the_declared_publication_is_another_storys():
    published = [("<time datetime>", "2025-09-17"), ("JSON-LD datePublished", "2025-07-20")]
    shown = ["September 17, 2025", "July 20, 2025"]
    assert choose_date(published, [], shown, (None, None)) == ("2025-07-20", "JSON-LD datePublished, shown on the page")
    assert choose_date(published, [], [], (None, None)) == ("2025-07-20", "JSON-LD datePublished")
    alone = [("<time datetime>", "2025-09-17")]  # with nothing declared, the page's <time> is its date
    assert choose_date(alone, [], shown, (None, None)) == ("2025-09-17", "<time datetime>, shown on the page")
