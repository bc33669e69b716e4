"""Title and publication date from the text of a page.

Dates come from a leading `date YYYY-MM-DD` field, ISO dates, or written dates such as "July 10, 2025"
or "10 juillet 2025"; the title is the headline-like line just above the article's first paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january jan januar janvier enero январь января ocak yanvar იანვარი հունվար",
            "february feb februar février febrero февраль февраля şubat fevral თებერვალი փետրվար",
            "march mar märz mars marzo март марта mart მარტი մարտ",
            "april apr avril abril апрель апреля nisan aprel აპრილი ապրիլ",
            "may mai mayo май мая mayıs მაისი մայիս",
            "june jun juni juin junio июнь июня haziran iyun ივნისი հունիս",
            "july jul juli juillet julio июль июля temmuz iyul ივლისი հուլիս",
            "august aug août agosto август августа ağustos avqust აგვისტო օգոստոս",
            "september sep sept septembre septiembre сентябрь сентября eylül sentyabr სექტემბერი սեպտեմբեր",
            "october oct oktober octobre octubre октябрь октября ekim oktyabr ოქტომბერი հոկտեմբեր",
            "november nov novembre noviembre ноябрь ноября kasım noyabr ნოემბერი նոյեմբեր",
            "december dec dezember décembre diciembre декабрь декабря aralık dekabr დეკემბერი դեկտեմբեր",
        ],
        start=1,
    )
    for name in names.split()
}
MONTH = "(" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
MONTH_DAY_YEAR = re.compile(rf"(?<!\w){MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+(?:de\s+)?{MONTH}\s+(?:de\s+)?(\d{{4}})(?!\d)", re.IGNORECASE)
DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
MONTH_YEAR = re.compile(rf"(?<!\w){MONTH}\s+(\d{{4}})(?!\d)", re.IGNORECASE)
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\b|\b(?:utc|gmt|[ecmp][sd]t)\b", re.IGNORECASE)
DATE_PREFIX = re.compile(
    r"^\s*(?:date|published|posted|datum|fecha)?\s*:?\s*(\d{4}-\d{2}-\d{2})\b[\s:|-]*", re.IGNORECASE
)
WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
YEAR = re.compile(r"\d{4}")  # every full date and month-and-year form holds one: lines without need no search
HEADLINE_END = re.compile(r"[.,;:]$")
UPDATED = re.compile(r"updated|modified|revised|reviewed|aktualisiert|geändert|mis à jour|modifié|actualizado|"
                     r"modificado|aggiornat|bijgewerkt|обновлено|изменено|güncellen|zaktualizowano", re.IGNORECASE)


def valid_date(year: int, month: int, day: int) -> str | None:
    """The ISO form of a calendar date, or None when there is no such day."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first full calendar date written in `text`, as ISO YYYY-MM-DD."""
    if not YEAR.search(text):
        return None
    found: list[tuple[int, str]] = []
    for pattern, order in ((ISO, "ymd"), (MONTH_DAY_YEAR, "mdy"), (DAY_MONTH_YEAR, "dmy"), (DOTTED, "dmy")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"]
            month_number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."), 0)
            iso = valid_date(int(parts["y"]), month_number, int(parts["d"]))
            if iso:
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else None


@lru_cache(maxsize=1 << 16)  # datelines and menus recur across a site's pages
def has_date(text: str) -> bool:
    """A full date or a month-and-year ("July 2025")."""
    return bool(YEAR.search(text)) and (find_date(text) is not None or MONTH_YEAR.search(text) is not None)


@lru_cache(maxsize=1 << 16)
def is_date_line(text: str) -> bool:
    """A line that is mostly a date or timestamp, possibly with a short source name: a dateline."""
    if not DIGIT.search(text):  # every date and time has a digit
        return False
    rest, found = text, 0
    for pattern in (ISO, MONTH_DAY_YEAR, DAY_MONTH_YEAR, DOTTED, MONTH_YEAR, TIME):
        rest, count = pattern.subn(" ", rest)
        found += count
    return bool(found) and len(WORD.findall(rest)) <= 4 and not rest.rstrip().endswith((".", "!", "?"))


def split_date_prefix(line: str) -> tuple[str, str | None, str]:
    """Split a leading `date 2025-07-10` field off a line: (prefix, ISO date or None, rest). A bare date
    that a lower-case word goes on from is the subject of a sentence ("2025-07-10 was the hottest day")."""
    match = DATE_PREFIX.match(line)
    if not match or not valid_date(*map(int, match.group(1).split("-"))):
        return "", None, line
    rest = line[match.end():]
    if not match.group(0).strip()[0].isalpha() and rest[:1].islower():
        return "", None, line
    return match.group(0), match.group(1), rest


def is_headline(line: str) -> bool:
    """Headline shape: 3 to 25 words, not ending like a sentence or a label, not all lower-case."""
    text = line.strip()
    count = len(WORD.findall(text))
    return 3 <= count <= 25 and not HEADLINE_END.search(text) and text != text.lower()


def shown_dates(lines: list[str], max_words: int = 20) -> set[str]:
    """The full dates a page's short lines (bylines, datelines) show a reader as its date: not those
    marked as an update ("Updated June 18, 2025")."""
    return set(_shown(lines, max_words))


def first_shown_date(lines: list[str], max_words: int = 20) -> str | None:
    """The first of them: the date of a page that says nothing else of its date (its dateline may sit in
    page furniture, such as the header, that the text path does not read for a date)."""
    return next(_shown(lines, max_words), None)


def _shown(lines: list[str], max_words: int) -> Iterator[str]:
    for row, line in enumerate(lines):
        if len(WORD.findall(line)) <= max_words and (iso := find_date(line)):
            label = lines[row - 1] if row and len(WORD.findall(lines[row - 1])) <= 3 else ""  # "Updated:" above it
            if not UPDATED.search(line) and not UPDATED.search(label):
                yield iso


# Dates a page gives without saying they are the article's: the first <time> element may be a related story's
# or a comment's, a date in the URL an archive's. They count only where the markup declares no publication.
WEAK_SOURCES = ("<time datetime>", "the URL")


def choose_date(published: list[tuple[str, str]], modified: list[tuple[str, str]], lines: list[str],
                dateline: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The date a page is presented with, and where it came from: the first date its markup states
    (publication before modification) that the page's `lines` also show its readers; else the markup's
    first publication date; else a date line of the text (`dateline`: date and where)."""
    shown = shown_dates(lines) if published or modified else set()
    declared = [iso for name, iso in published if name not in WEAK_SOURCES]
    for name, iso in [*published, *modified]:
        if name in WEAK_SOURCES and declared and iso not in declared:
            continue  # a <time> of a related story or a comment, not of the article the page declares
        if iso in shown:
            return iso, f"{name}, shown on the page"
    if published:
        name, iso = next(((n, d) for n, d in published if n not in WEAK_SOURCES), published[0])
        return iso, name
    return dateline
