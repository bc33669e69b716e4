"""One seed, bytes to Document: decode, repair, extract, strip boilerplate, take title and date.

Pure: bytes in, a record out; it reads no file (the rules file aside, once) and knows nothing of Luigi. A
seed that cannot become a useful document yields a Rejection instead.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from pipeline.cleaning import dates, html_extract, language
from pipeline.cleaning.boilerplate import Label, classify
from pipeline.cleaning.containers import Record
from pipeline.cleaning.decode import NotText, decode
from pipeline.cleaning.repair import repair
from pipeline.cleaning.rules import load_markup, load_rules
from pipeline.cleaning.text import is_prose, reflow, words
from pipeline.cleaning.urls import host
from pipeline.config import Config
from pipeline.documents import Code, Document, Rejection, Removal, UrlSource

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# A title known from the markup is looked for among this many leading lines of the text.
TITLE_SEARCH_LINES = 20
# A date line among the article's first kept lines (headline, dek, author name) still heads the article.
HEAD_LINES = 4
BYLINE_PIECES = re.compile(r" [·|•] ")  # "by Amanda · Dec 20, 2025 · One comment so far"
# The headline above the body is the longest headline-shaped line among this many last ones before it.
TITLE_CANDIDATES = 6


@dataclass(slots=True)
class CleanText:
    """What the text path makes of a page's lines: the kept text, title and date (with where each came
    from), and every removal with its rule."""

    text: str
    title: str | None
    created: str | None
    removed: list[Removal]
    title_source: str | None
    created_source: str | None
    created_above: bool = False  # the date's line heads the article: above it or among its first lines


def document_id(data: bytes) -> str:
    """Stable id derived from the seed's content: the same bytes always get the same id."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def clean(path: str, data: bytes, config: Config, known: Record | None = None) -> Document | Rejection:
    """Turn one seed's bytes into a cleaned Document, or say why not. `known` is what the seed's container
    said of it (a WARC record's URL, content type and fetch date; an export's url, title and date)."""
    known = known or Record(None)
    try:
        decoded = decode(data)
    except NotText as err:
        return Rejection(path, str(err), err.code)
    if known.kind is not None:
        is_html = known.kind == "html"
    else:
        is_html = path.lower().endswith(HTML_SUFFIXES) or html_extract.looks_like_html(decoded.text)
    page = html_extract.extract(decoded.text, load_markup(config.rules)) if is_html else html_extract.Page(blocks=[])
    repaired = repair("\n".join(page.blocks) if is_html else decoded.text, html=is_html)
    lines = repaired.text.split("\n")
    markup = is_html and page.labels is not None and len(page.labels) == len(lines)
    result = clean_lines(lines, config, title=page.title, markup=page if markup else None)
    text = result.text
    count = words(text)
    cleaned = {"format": "html" if is_html else "text", "encoding": decoded.encoding,
               "repairs": list(decoded.notes) + list(repaired.steps), "text": text,
               "removed": [removal.to_dict() for removal in result.removed], "words": count}
    if count < config.min_words:
        return Rejection(path, f"too short after cleaning ({count} words, minimum {config.min_words})",
                         Code.TOO_SHORT, details=cleaned)
    kept = text.split("\n")
    prose = sum(words(line) for line in kept if is_prose(line, config.quality.prose_min_words))
    rows = sum(words(line) for line in kept if "\t" in line)  # table rows: data, judged by the prose around them
    quality = config.quality
    if prose < quality.article_prose_words and (
            prose < quality.min_prose_share * (count - rows) or (rows and prose < quality.prose_min_words)):
        return Rejection(path, f"not an article: {prose} of {count} words are in sentences of prose",
                         Code.NOT_ARTICLE, details=cleaned)
    url = known.url or page.url
    if known.date and (created := dates.find_date(known.date)):
        created_source = "the record's date field"
    elif created := dates.url_date(url):
        created_source = "the record's URL" if known.url else "the page's canonical URL"
    else:
        created, created_source = dates.choose_date(page.published, page.modified, lines,
                                                       (result.created, result.created_source), result.created_above)
    if created is None and is_html and (created := html_extract.searched_date(decoded.text, url)):
        created_source = "htmldate's quick search of the page"
    if created is None and is_html and (created := dates.first_shown_date(lines)):
        created_source = "the first date line of the page"
    if created is None and is_html and (created := dates.first_shown_date(lines, updates=True)):
        created_source = "the update date the page shows (it shows no other)"
    meta = {
        "path": path,
        "title": known.title or page.title or result.title,
        "title_source": "the record's title field" if known.title else page.title_source or result.title_source,
        "created_source": created_source,
        "format": cleaned["format"],
        "encoding": cleaned["encoding"],
        "repairs": cleaned["repairs"],
        "removed": cleaned["removed"],
        "words": count,
    }
    meta["language"], meta["language_score"] = language.identify(text)
    if page.language:
        meta["declared_language"] = page.language
    if url:
        meta["url"] = url
        meta["url_source"] = UrlSource.RECORD if known.url else UrlSource.CANONICAL
        if site := host(url):
            meta["host"] = site
    if known.fetched:
        meta["fetched"] = known.fetched
    return Document(document_id(data), text, config.source, created, meta)


def clean_lines(lines: list[str], config: Config, title: str | None = None,
                markup: html_extract.Page | None = None) -> CleanText:
    """Pure text path: lines in; kept text, title, date and every removal (with its rule) out.

    A removal's `line` is its line in the input; `at` is the line of the output text it stood before.

    A `title` known from elsewhere (the page's markup) is taken out of the text where a line repeats it;
    `markup`, for a page's lines, says per line what the markup told: furniture already labelled, share
    of links, main content."""
    removed: list[Removal] = []
    created, created_source = None, None
    origin = list(range(len(lines)))
    if markup is None:  # a page's blocks are paragraphs already; a scrape's text nodes may not be
        lines, origin = reflow(lines)
    head = _head(lines, config.quality.prose_min_words)
    for row in head if markup is None else head[:1]:  # a scrape's "date 2025-07-10" field opening the article
        prefix, created, rest = dates.split_date_prefix(lines[row])
        if prefix:
            removed.append(Removal(origin[row], "date-prefix", "byline", prefix.strip(), 0))
            lines[row] = rest
            created_source = f"the date prefix on line {origin[row] + 1}"
            break
    rules = load_rules(config.rules)
    labels = classify(lines, rules, config.quality.prose_min_words, markup.linked, markup.main, markup.labels) \
        if markup else classify(lines, rules, config.quality.prose_min_words)
    title_row = _title_row(lines, labels) if title is None else _repeated_title(lines, labels, title)
    title_source = f"the headline above the body on line {origin[title_row] + 1}" \
        if title is None and title_row is not None else None
    title = title or (lines[title_row].strip() if title_row is not None else None)
    if title_row is not None:
        labels[title_row] = Label("title", "metadata")
    kept: list[str] = []
    for index, (line, label) in enumerate(zip(lines, labels, strict=True)):
        if label is None:
            if line.strip() or (kept and kept[-1]):
                kept.append(line.strip())
            continue
        removed.append(Removal(origin[index], label.rule, label.cls, line.strip(), len(kept)))
    while kept and not kept[-1]:
        kept.pop()
    if markup is None:  # pieces that only a removed line kept apart are one paragraph: clean text stays clean
        kept, removed = _rejoin(kept, removed)
    above = False
    if created is None and (found := _dateline(removed, len(kept))):
        dateline, above = found
        created = dates.find_date(dateline.text)
        created_source = f"the {dateline.rule} on line {dateline.line + 1}" + (", above the article" if above else "")
    return CleanText("\n".join(kept), title, created, removed, title_source, created_source, above)


def _head(lines: list[str], prose_min_words: int) -> list[int]:
    """The non-blank lines up to and including the first line of prose: where a page's chrome ends and its
    article starts."""
    rows = []
    for row, line in enumerate(lines):
        if line.strip():
            rows.append(row)
            if is_prose(line, prose_min_words):
                break
    return rows


def _dateline(removed: list[Removal], body_end: int) -> tuple[Removal, bool] | None:
    """The removed line that dates the article, and whether it heads the article: the first byline with a
    date above the body; else a date line standing above the body, whatever rule removed it (a breadcrumb, a
    tag list); else the first dated byline in the body; else one below it, where dates are mostly those of
    the stories listed after the article."""
    before = {entry.line + 1: entry.text for entry in removed}  # the removed line before each line, if any
    bylines = [removal for removal in removed if removal.cls == "byline" and dates.find_date(removal.text)]
    found = next((removal for removal in bylines if removal.at == 0), None) \
        or next((removal for removal in removed if _above_body(removal, before)), None) \
        or next((removal for removal in bylines if removal.at < body_end), None) or next(iter(bylines), None)
    return (found, _heads_body(found, before)) if found else None


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


def _rejoin(kept: list[str], removed: list[Removal]) -> tuple[list[str], list[Removal]]:
    """The kept lines reflowed once more, each removal's `at` moved to the joined lines (a removal that
    stood between pieces of one paragraph now stands after it)."""
    joined, origin = reflow(kept)
    if len(joined) == len(kept):
        return kept, removed
    for entry in removed:
        if entry.at < len(kept):
            line = bisect.bisect_right(origin, entry.at) - 1
            entry.at = line if origin[line] == entry.at else line + 1
        else:
            entry.at = len(joined)
    return joined, removed


def _repeated_title(lines: list[str], labels: list, title: str) -> int | None:
    """The first of the leading lines that repeats a known title."""
    wanted = " ".join(title.split()).casefold()
    for index, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if labels[index] is None and " ".join(line.split()).casefold() == wanted:
            return index
    return None


def _title_row(lines: list[str], labels: list) -> int | None:
    """The headline above the body: the longest headline-shaped line among the last few before it.

    Only lines left outside the main block can be the title; a line some rule claimed cannot.
    """
    candidates = []
    for index, line in enumerate(lines):
        label = labels[index]
        if label is None and line.strip():
            break
        if label is not None and label.rule == "outside-main-block" and dates.is_headline(line):
            candidates.append(index)
    recent = candidates[-TITLE_CANDIDATES:]
    return max(recent, key=lambda i: (words(lines[i]), i)) if recent else None
