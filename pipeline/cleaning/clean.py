"""One seed, bytes to Document: decode, repair, extract, strip boilerplate, then title, date and language.

Pure: bytes in, a record out; it reads no file (the rules file aside, once) and knows nothing of Luigi. A
seed that cannot become a useful document yields a Rejection instead.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from pipeline.cleaning import authors, dates, html_extract, language, page_type, seed_names, title_and_date
from pipeline.cleaning.boilerplate import Label, classify
from pipeline.cleaning.containers import Record
from pipeline.cleaning.decode import Decoded, NotText, decode
from pipeline.cleaning.repair import Repaired, repair
from pipeline.cleaning.rules import load_markup, load_rules, tag_markup
from pipeline.cleaning.text import is_prose, reflow, words
from pipeline.cleaning.urls import host
from pipeline.config import Config
from pipeline.documents import Code, Document, Rejection, Removal, UrlSource


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


@dataclass(slots=True)
class Read:
    """A seed read and cleaned, before it is judged: its decoding, markup, repaired lines and kept text."""

    decoded: Decoded
    is_html: bool
    page: html_extract.Page
    repaired: Repaired
    lines: list[str]
    page_title: tuple[str | None, str | None]
    result: CleanText

    def seen(self, url: str | None) -> page_type.Seen:
        """What page typing reads of it."""
        page, result = self.page, self.result
        return page_type.Seen(self.lines, result.text, result.title, url, page.types,
                              page.shape if self.is_html else None, page.linked,
                              tuple(removal.cls for removal in result.removed),
                              result.created is not None, bool(page.published))


def read(data: bytes, config: Config, known: Record, path: str) -> Read:
    """Decode, repair, extract and strip one seed (NotText when it is not text). A page that its markup rules
    leave too short is read again by element names alone: class hints ("promo", "caption") sometimes name
    the element an article stands in."""
    decoded = decode(data)
    if known.kind is not None:
        is_html = known.kind == "html"
    else:
        is_html = seed_names.is_html(path) or html_extract.looks_like_html(decoded.text)
    if not is_html:
        return _cleaned(decoded, None, config)
    first = _cleaned(decoded, html_extract.extract(decoded.text, load_markup(config.rules), config.extract.comments),
                     config)
    if words(first.result.text) >= config.min_words:
        return first
    second = _cleaned(decoded, html_extract.extract(decoded.text, tag_markup(config.rules), config.extract.comments),
                      config)
    return second if words(second.result.text) > words(first.result.text) else first


def _cleaned(decoded: Decoded, page: html_extract.Page | None, config: Config) -> Read:
    """A decoded seed's text (a page's blocks, when it is one) repaired and stripped."""
    is_html = page is not None
    repaired = repair("\n".join(page.blocks) if is_html else decoded.text, html=is_html)
    lines = repaired.text.split("\n")
    page = page or html_extract.Page(blocks=[])
    markup = is_html and page.labels is not None and len(page.labels) == len(lines)
    page_title = title_and_date.markup_title(page)
    result = clean_lines(lines, config, title=page_title[0], markup=page if markup else None)
    return Read(decoded, is_html, page, repaired, lines, page_title, result)


def clean(path: str, data: bytes, config: Config, known: Record | None = None) -> Document | Rejection:
    """Turn one seed's bytes into a cleaned Document, or say why not. `known` is what the seed's container
    said of it (a WARC record's URL, content type and fetch date; an export's url, title and date)."""
    known = known or Record(None)
    try:
        seed = read(data, config, known, path)
    except NotText as err:
        return Rejection(path, str(err), err.code)
    decoded, is_html, page, result = seed.decoded, seed.is_html, seed.page, seed.result
    lines = seed.lines
    text = result.text
    count = words(text)
    url = known.url or page.url
    kind = page_type.classify(seed.seen(url), config.rules)
    cleaned = {"format": "html" if is_html else "text", "encoding": decoded.encoding,
               "repairs": [*known.notes, *decoded.notes, *page.notes, *seed.repaired.steps], "text": text,
               "removed": [removal.to_dict() for removal in result.removed], "words": count,
               **page_type_fields(kind)}
    if refused := _refused_type(kind, count, config):
        return Rejection(path, refused[1], refused[0], details=cleaned)
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
    created, created_source = title_and_date.date_of(known, url, page, lines, (result.created, result.created_source),
                                                     result.created_above, decoded.text if is_html else None)
    title, title_source = title_and_date.choose_title(known, seed.page_title, (result.title, result.title_source))
    author, author_source = authors.choose(page.authors, result.removed, page.sites)
    meta = {
        "path": path,
        "title": title,
        "title_source": title_source,
        "created_source": created_source,
        "author": author,
        "author_source": author_source,
        "format": cleaned["format"],
        "encoding": cleaned["encoding"],
        "repairs": cleaned["repairs"],
        "removed": cleaned["removed"],
        "words": count,
        **page_type_fields(kind),
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
    if page.comments:
        meta["comments"] = page.comments
    return Document(document_id(data), text, config.source, created, meta)


def page_type_fields(kind: page_type.PageType) -> dict:
    """A document's page type metadata: the type, its score, the article score, the signals, truncated."""
    fields = {"page_type": kind.name, "page_type_score": kind.score, "article_score": kind.article,
              "page_type_signals": list(kind.signals)}
    return {**fields, "truncated": True} if kind.truncated else fields


def _refused_type(kind: page_type.PageType, count: int, config: Config) -> tuple[Code, str] | None:
    """Why a page of this type is not kept (its code and reason), or None. Kept: a type [pages] keep lists,
    or, when it lists articles, a page the model gives at least article_floor odds of being one (losing an
    article costs more than keeping a stray page); never a teaser too short to be the article."""
    pages, signals = config.pages, "; ".join(kind.signals[:4])
    if kind.truncated and count < pages.teaser_min_words:
        return Code.TEASER, (f"paywalled teaser: {count} words before the paywall "
                             f"(minimum {pages.teaser_min_words}): {signals}")
    if "all" in pages.keep or kind.name in pages.keep or (
            "article" in pages.keep and kind.name not in page_type.RULE_TYPES and kind.article >= pages.article_floor):
        return None
    return Code.PAGE_TYPE, (f"{kind.name} page (not an article): {kind.name} {kind.score:.2f}, "
                            f"article {kind.article:.2f}; {signals}")


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
    title_row = title_and_date.title_row(lines, labels, title, config.quality.prose_min_words)
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
    if created is None:
        created, created_source, above = title_and_date.dateline(removed, len(kept))
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


