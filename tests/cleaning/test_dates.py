"""Dates and titles from text."""

from __future__ import annotations

import pytest

from pipeline.cleaning.dates import (
    all_date_readings,
    date_readings,
    find_date,
    has_date,
    is_date_line,
    is_headline,
    shown_dates,
    split_date_prefix,
    url_date,
)
from pipeline.cleaning.title_and_date import choose_date


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
        ("5 İyun 2023", "2023-06-05"),
        ("12.08.2025", "2025-08-12"),
        ("Published: 2025.12.17 |", "2025-12-17"),
        ("citation 2019/1/22", "2019-01-22"),
        ("2/24/2026", "2026-02-24"),
        ("4/24/2000 12:00:00 AM", "2000-04-24"),
        ("By FlowGuard on 04-ago-2021 5:11:10", "2021-08-04"),
        ("26. září 2019", "2019-09-26"),
        ("3 maart 2024", "2024-03-03"),
        ("2 czerwca 2023", "2023-06-02"),
        ("14. Okt. 2025", "2025-10-14"),
        ("2025年12月17日", "2025-12-17"),
        ("version 2024.1.2.3", None),
        ("No date here, only 2025 as a number.", None),
        ("February 30, 2024", None),
        ("July 2025", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso


def test_a_numeric_date_that_reads_both_ways_has_two_readings_the_local_custom_first():
    assert date_readings("3/4/2025") == ("2025-03-04", "2025-04-03")  # slashes: month first, as in the US
    assert date_readings("09.10.2024") == ("2024-10-09", "2024-09-10")  # dots: day first
    assert date_readings("13.10.2024") == ("2024-10-13",) and date_readings("2025-03-04") == ("2025-03-04",)
    assert list(all_date_readings("May 21, 2025April 24, 2025")) == ["2025-05-21", "2025-04-24"]
    # a page showing 09.10.2024 shows the 10 September its markup declares, whichever way it writes it
    assert choose_date([("JSON-LD datePublished", "2024-09-10")], [], ["09.10.2024"], (None, None)) == \
        ("2024-09-10", "JSON-LD datePublished, shown on the page")


def test_a_table_row_is_no_dateline():
    assert is_date_line("1/1/2013") and not is_date_line("1/1/2013\t+13.1%")


def test_month_year_counts_as_a_date_for_lists_only():
    assert has_date("August 2025") and find_date("August 2025") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("July 10, 2025Clash Report", True),
        ("November 18, 2019 11:03 PM", True),
        ("March 12, 2024 2:30 p.m.", True),  # the dots of "p.m." do not end a sentence
        ("Updated at 1:23 p.m. ET", True),
        ("Par Marie Dupont 12 mars 2024 à 14h30", True),
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
    torn = [("JSON-LD datePublished", "2025-11-29"), ("article:published_time", "2025-08-08"), *alone]
    assert choose_date(torn, [], ["Published September 17, 2025"], (None, None)) == \
        ("2025-09-17", "<time datetime>, shown on the page")  # the declarations disagree: the page shows which


@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.example/2023/07/14/bridge-repair/", "2023-07-14"),
    ("https://news.example/2023-7-4-bridge", "2023-07-04"),
    ("https://news.example/world/2023/oct/03/bridge", "2023-10-03"),
    ("https://news.example/blog/2023/October/03/bridge", "2023-10-03"),
    ("https://xeber.example/2023/İyun/05/korpu", "2023-06-05"),  # "İ" lower-cases to two characters
    ("https://news.example/2023/02/30/no-such-day/", None),
    ("https://news.example/2023/07/bridge/", None),  # a month's archive, no day
    ("https://news.example/articles/20230714", None),
    (None, None),
])
def test_url_date(url, expected):
    assert url_date(url) == expected
