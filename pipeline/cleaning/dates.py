"""Title and publication date from the text of a page.

Dates come from a leading `date YYYY-MM-DD` field, ISO dates (also 2025/1/22, 2025.12.17), numeric dates
(12.08.2025, 3/4/2025: both readings kept where day and month may swap), CJK dates, or written dates such as
"July 10, 2025" or "10 juillet 2025"; the title is the headline-like line just above the article's first
paragraph.
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
            "january jan januar janvier janv enero ene gennaio janeiro januari jänner jän stycznia ledna "
            "январь января січня ocak yanvar იანვარი հունվար",
            "february feb februar février févr febrero febbraio fevereiro februari lutego února "
            "февраль февраля лютого şubat fevral თებერვალი փետրվար",
            "march mar märz mär mars marzo março maart marca března март марта березня mart მარტი մարտ",
            "april apr avril avr abril abr aprile kwietnia dubna апрель апреля квітня nisan aprel აპრილი ապრիլ",
            "may mai mayo maggio maio mei maj maja května май мая травня mayıs მაისი մայիս",
            "june jun juni juin junio giugno junho czerwca června июнь июня червня haziran iyun ივნისი հունիս",
            "july jul juli juillet juil julio luglio julho lipca července июль июля липня temmuz iyul ივლისი "
            "հուլիս",
            "august aug août agosto ago augustus augusti sierpnia srpna август августа серпня ağustos avqust "
            "აგვისტო օգոստոս",
            "september sep sept septembre septiembre setiembre settembre setembro września září сентябрь "
            "сентября вересня eylül sentyabr სექტემბერი սեպտեմբեր",
            "october oct oktober okt octobre octubre ottobre outubro października října октябрь октября жовтня "
            "ekim oktyabr ოქტომბერი հոկտեմբեր",
            "november nov novembre noviembre novembro listopada listopadu ноябрь ноября листопада kasım noyabr "
            "ნოემბერი նոյեմբեր",
            "december dec dezember dez décembre déc diciembre dic dicembre dezembro desember grudnia prosince "
            "декабрь декабря грудня aralık dekabr დეკემბერი դեկտեմբեր",
        ],
        start=1,
    )
    for name in names.split()
}
MONTH_NAMES = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
MONTH = rf"({MONTH_NAMES})\.?"
ISO = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|[-/.]\d)")  # also 2025/1/22, 2025.12.17
MONTH_DAY_YEAR = re.compile(rf"(?<![^\W\d]){MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:\.?\s+(?:de\s+)?|-){MONTH}(?:\s+(?:de\s+)?|-)(\d{{4}})(?!\d)",
                            re.IGNORECASE)  # also 04-ago-2021
CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
# Each form and the order of its parts (s: a separator); a numeric day and month may also be read swapped.
DATE_FORMS = ((ISO, "ysmd"), (MONTH_DAY_YEAR, "mdy"), (DAY_MONTH_YEAR, "dmy"), (DOTTED, "dmy"), (SLASHED, "mdy"),
              (CJK, "ymd"))
MONTH_YEAR = re.compile(rf"(?<!\w){MONTH}\s+(\d{{4}})(?!\d)", re.IGNORECASE)
# 2:30 p.m., 14:30, 14h30, UTC
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?(?!\w)|\b)|\b\d{1,2}h\d{2}\b"
                  r"|\b(?:utc|gmt|[ecmp][sd]t)\b", re.IGNORECASE)
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


# A permalink's date (/2023/07/14/, /2023/oct/03/): the day the site published the page, in its own time zone.
URL_DATE = re.compile(rf"/((?:19|20)\d{{2}})[/-](\d{{1,2}}|{MONTH_NAMES})[/-](\d{{1,2}})(?:/|$|[^\d])", re.IGNORECASE)


def url_date(url: str | None) -> str | None:
    """The publication date a page's URL carries as year/month/day, or None. A declared timestamp can fall a
    day off it (written in UTC); the permalink is the date the site and its readers go by."""
    if not url or not (match := URL_DATE.search(url)):
        return None
    year, month, day = match.groups()
    return valid_date(int(year), int(month) if month.isdigit() else month_number(month), int(day))


def month_number(name: str) -> int:
    """The month a name says (1-12), 0 for none; "İyun" lower-cases to "i̇yun", whose dot is not the name's."""
    return MONTHS.get(name.lower().replace("\u0307", "").rstrip("."), 0)


def find_date(text: str) -> str | None:
    """The first full calendar date written in `text`, as ISO YYYY-MM-DD."""
    readings = date_readings(text)
    return readings[0] if readings else None


def date_readings(text: str) -> tuple[str, ...]:
    """The first full calendar date written in `text` as ISO dates: one reading, or two for a numeric date
    whose day and month may be either way round (03/04/2025: month first, as in the US, then day first;
    09.10.2024: day first, then month first). A reading that is no calendar day is dropped (2/24/2026)."""
    return next(_dates_in(text), (0, ()))[1]


def all_date_readings(text: str) -> Iterator[str]:
    """The readings of every full date written in `text`, in order: a short line may show two
    ("May 21, 2025April 24, 2025": updated, then published)."""
    for _, readings in _dates_in(text):
        yield from readings


def _dates_in(text: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    if not YEAR.search(text):
        return
    found: list[tuple[int, tuple[str, ...]]] = []
    for pattern, order in DATE_FORMS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            year, month, day = int(parts["y"]), parts["m"], int(parts["d"])
            if not month.isdigit():
                readings = [valid_date(year, month_number(month), day)]
            elif pattern is ISO or pattern is CJK:
                readings = [valid_date(year, int(month), day)]
            else:
                readings = [valid_date(year, int(month), day), valid_date(year, day, int(month))]
            if unique := tuple(dict.fromkeys(filter(None, readings))):
                found.append((match.start(), unique))
    yield from sorted(found)


@lru_cache(maxsize=1 << 16)  # datelines and menus recur across a site's pages
def has_date(text: str) -> bool:
    """A full date or a month-and-year ("July 2025")."""
    return bool(YEAR.search(text)) and (find_date(text) is not None or MONTH_YEAR.search(text) is not None)


@lru_cache(maxsize=1 << 16)
def is_date_line(text: str) -> bool:
    """A line that is mostly a date or timestamp, possibly with a short source name: a dateline. Not a
    table row (cells apart by tabs: "1/1/2013\t+13.1%" is data) nor a line that ends like a sentence."""
    if not DIGIT.search(text) or "\t" in text:  # every date and time has a digit
        return False
    rest, found = text, 0
    for pattern in (*(form for form, _ in DATE_FORMS), MONTH_YEAR, TIME):
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
    """The full dates a page's short lines (bylines, datelines) show a reader as its date, every date of a
    line and both readings of one that reads both ways: not those marked as an update ("Updated June 18,
    2025")."""
    return set(_shown(lines, max_words))


def first_shown_date(lines: list[str], max_words: int = 20, updates: bool = False) -> str | None:
    """The first of them: the date of a page that says nothing else of its date (its dateline may sit in
    page furniture, such as the header, that the text path does not read for a date). With `updates`, the
    first shown date even if marked as an update: for a page that shows no other."""
    return next(_shown(lines, max_words, updates), None)


def _shown(lines: list[str], max_words: int, updates: bool = False) -> Iterator[str]:
    for row, line in enumerate(lines):
        if len(WORD.findall(line)) <= max_words and YEAR.search(line) \
                and (updates or not marked_update(line, lines[row - 1] if row else "")):
            yield from all_date_readings(line)


def marked_update(line: str, before: str = "") -> bool:
    """The line gives an update's date: it says so ("Updated June 18, 2025"), or the short label line
    `before` it does ("Last updated:")."""
    return bool(UPDATED.search(line) or (len(WORD.findall(before)) <= 3 and UPDATED.search(before)))
