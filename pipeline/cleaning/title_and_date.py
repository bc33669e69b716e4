"""A document's title and publication date, chosen in one place from every candidate the other steps found.

Candidates come from the seed's container (an export's title and date, a WARC record's URL), from the page's
markup (`html_extract.Page`: headings, declared titles, declared publication and modification dates, the
canonical URL), from the text's lines (the headline above the body, datelines the boilerplate rules
removed), and as a last resort from htmldate's search of the raw page. Pure; `dates` reads the date forms.
"""

from __future__ import annotations

import re

import htmldate

from pipeline.cleaning import dates
from pipeline.cleaning.containers import Record
from pipeline.cleaning.html_extract import Page
from pipeline.cleaning.text import is_prose, visible, words
from pipeline.documents import Removal

TITLE_SUFFIX = re.compile(r"\s+[|–—:•·-]\s+[^|–—:•·-]{2,60}$")  # " | Site name" after a declared title
# A title known from the markup is looked for among this many leading lines of the text.
TITLE_SEARCH_LINES = 20
# The headline above the body is the longest headline-shaped line among this many last ones before it.
TITLE_CANDIDATES = 6
# A date line among the article's first kept lines (headline, dek, author name) still heads the article.
HEAD_LINES = 4
BYLINE_PIECES = re.compile(r" [·|•] ")  # "by Amanda · Dec 20, 2025 · One comment so far"
# Dates a page gives without saying they are the article's: the first <time> element may be a related story's
# or a comment's. They count only where the markup declares no publication date, or declares several.
WEAK_SOURCES = ("<time datetime>",)
EARLIEST, LATEST = "1995-01-01", "2099-12-31"  # htmldate's bounds: fixed, so the answer does not change with the day


def markup_title(page: Page) -> tuple[str | None, str | None]:
    """The page's headline by its markup, and where it came from: an <h1> that a declared title begins
    with, or that begins with one (the first <h1> is often the site's name, which declared titles end
    with), else the first <h1>, else the declared titles without a site-name suffix."""
    known = [value.casefold() for _, value in page.declared_titles] \
        + [TITLE_SUFFIX.sub("", value).casefold() for _, value in page.declared_titles]
    for heading in page.headings:
        folded = heading.casefold()
        if len(folded.split()) >= 2 and any(other.startswith(folded) or folded.startswith(other) for other in known):
            return heading, "<h1>"
    if page.headings:
        return page.headings[0], "<h1>"
    return next(((TITLE_SUFFIX.sub("", value), name) for name, value in page.declared_titles), (None, None))


def title_row(lines: list[str], labels: list, title: str | None, prose_min_words: int) -> int | None:
    """The line of the text that is the title: the first leading line repeating a `title` known from the
    markup; without one, the headline of the body (`_about_the_body`), else the headline above the body
    (the longest headline-shaped line among the last few before it, only among lines left outside the main
    block: a line some rule claimed cannot be it)."""
    if title is not None:
        wanted = " ".join(title.split()).casefold()
        return next((index for index, line in enumerate(lines[:TITLE_SEARCH_LINES])
                     if labels[index] is None and " ".join(line.split()).casefold() == wanted), None)
    start = next((index for index, line in enumerate(lines) if labels[index] is None and line.strip()), len(lines))
    if (found := _about_the_body(lines, labels, start, prose_min_words)) is not None:
        return found
    candidates = [index for index, line in enumerate(lines[:start]) if labels[index] is not None
                  and labels[index].rule == "outside-main-block" and dates.is_headline(line)]
    recent = candidates[-TITLE_CANDIDATES:]
    return max(recent, key=lambda i: (words(lines[i]), i)) if recent else None


# The headline of a plain-text scrape is the headline-shaped line, among this many before the body (or its
# first line), whose longer words the body's first BODY_WORDS words share most (at least HEADLINE_SHARE of
# them), less HEADLINE_DISTANCE for each line it stands above the body: related stories' headlines are
# about other things, and a menu's labels about nothing.
HEADLINE_SPAN, BODY_WORDS, HEADLINE_SHARE, HEADLINE_DISTANCE = 30, 150, 0.4, 0.01
LONG_WORD = re.compile(r"\w{4,}")


def _about_the_body(lines: list[str], labels: list, start: int, prose_min_words: int) -> int | None:
    """The line before the body (or the body's first) that is its headline, by the words they share."""
    body: set[str] = set()
    seen = 0
    for line, label in zip(lines[start:], labels[start:], strict=True):
        if label is None:
            found = LONG_WORD.findall(line.casefold())
            body.update(found)
            seen += len(found)
            if seen > BODY_WORDS:
                break
    best, chosen = HEADLINE_SHARE, None
    for index in range(max(0, start - HEADLINE_SPAN), min(start + 1, len(lines))):
        line = lines[index]
        if (labels[index] is None and index != start) or not dates.is_headline(line) \
                or is_prose(line, prose_min_words) or not (found := LONG_WORD.findall(line.casefold())):
            continue
        score = sum(word in body for word in found) / len(found) - HEADLINE_DISTANCE * (start - index)
        if score >= best:
            best, chosen = score, index
    return chosen


def choose_title(known: Record, page: tuple[str | None, str | None], text: tuple[str | None, str | None]) \
        -> tuple[str | None, str | None]:
    """The document's title and where it came from: the record's title field (without invisible
    characters, as the markup's and the text's already are), else the markup's, else the text's headline."""
    if known.title and (title := visible(known.title).strip()):
        return title, "the record's title field"
    return page if page[0] else text


def dateline(removed: list[Removal], body_end: int) -> tuple[str | None, str | None, bool]:
    """The text's date from the removed lines, where it came from, and whether it heads the article: the
    first byline with a date above the body; else a date line standing above the body, whatever rule
    removed it (a breadcrumb, a tag list); else the first dated byline in the body; else one below it,
    where dates are mostly those of the stories listed after the article."""
    before = {entry.line + 1: entry.text for entry in removed}  # the removed line before each line, if any
    bylines = [removal for removal in removed if removal.cls == "byline" and dates.find_date(removal.text)]
    found = next((removal for removal in bylines if removal.at == 0), None) \
        or next((removal for removal in removed if _above_body(removal, before)), None) \
        or next((removal for removal in bylines if removal.at < body_end), None) or next(iter(bylines), None)
    if found is None:
        return None, None, False
    above = _heads_body(found, before)
    source = f"the {found.rule} on line {found.line + 1}" + (", above the article" if above else "")
    return dates.find_date(found.text), source, above


def _above_body(removal: Removal, before: dict[int, str]) -> bool:
    """A removed line before the article's first kept line that is a date line, or holds one among byline
    pieces ("by Amanda · Dec 20, 2025 · One comment"): not an update's."""
    return removal.at == 0 and any(map(dates.is_date_line, BYLINE_PIECES.split(removal.text))) \
        and dates.find_date(removal.text) is not None \
        and not dates.marked_update(removal.text, before.get(removal.line, ""))


def _heads_body(dateline: Removal, before: dict[int, str]) -> bool:
    """The dateline stands above the article or among its first lines (headline, dek, author), where a
    page shows its readers the article's date; not an update's."""
    label = before.get(dateline.line, "")
    return _above_body(dateline, before) or (
        dateline.at <= HEAD_LINES and dateline.cls == "byline" and not dates.marked_update(dateline.text, label))


def choose_date(published: list[tuple[str, str]], modified: list[tuple[str, str]], lines: list[str],
                dateline: tuple[str | None, str | None], above: bool = False) -> tuple[str | None, str | None]:
    """The date a page is presented with, and where it came from: the first date its markup states
    (publication before modification) that the page's `lines` also show its readers; else the date line of
    the text (`dateline`: date and where) if it heads the article (`above` it or among its first lines: a
    page that shows one date and declares another shows its readers the one they take for it); else the
    markup's first publication date; else the date line."""
    shown = dates.shown_dates(lines) if published or modified else set()
    declared = [iso for name, iso in published if name not in WEAK_SOURCES]
    for name, iso in [*published, *modified]:
        if name in WEAK_SOURCES and len(set(declared)) == 1 and iso not in declared:
            continue  # a <time> of a related story or a comment, not of the article the page declares
        if iso in shown:
            return iso, f"{name}, shown on the page"
    if published and not (above and dateline[0]):
        name, iso = next(((n, d) for n, d in published if n not in WEAK_SOURCES), published[0])
        return iso, name
    return dateline


def date_of(known: Record, url: str | None, page: Page, lines: list[str], text: tuple[str | None, str | None],
            above: bool, markup: str | None) -> tuple[str | None, str | None]:
    """The document's publication date and where it came from: the record's date field; else a full date in
    its URL (a permalink: the record's, else the canonical link's); else `choose_date` over the markup's
    declarations, the page's `lines` and the text's date (`text`, `above`); for an HTML page (`markup`, its
    raw text) then htmldate's quick search, the first date a short line shows, and last an update date the
    page shows where it shows no other."""
    if known.date and (created := dates.find_date(known.date)):
        return created, "the record's date field"
    if created := dates.url_date(url):
        return created, "the record's URL" if known.url else "the page's canonical URL"
    created, source = choose_date(page.published, page.modified, lines, text, above)
    if created is not None or markup is None:
        return created, source
    if created := searched_date(markup, url):
        return created, "htmldate's quick search of the page"
    if created := dates.first_shown_date(lines):
        return created, "the first date line of the page"
    if created := dates.first_shown_date(lines, updates=True):
        return created, "the update date the page shows (it shows no other)"
    return None, source


def searched_date(markup: str, url: str | None) -> str | None:
    """htmldate's quick search of the page for its original date, for pages whose markup and text state
    none plainly. Not its extensive search: that runs dateparser, whose first calls in a process cost
    seconds (it compiles every locale's expressions), for 7 more right dates of 659 on the WCXB pages."""
    try:
        return htmldate.find_date(markup, url=url, original_date=True, extensive_search=False, min_date=EARLIEST,
                                  max_date=LATEST)
    except (ValueError, TypeError, LookupError):  # a page htmldate cannot read has no date
        return None
