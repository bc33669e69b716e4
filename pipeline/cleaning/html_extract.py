"""HTML page to text blocks and page metadata, with beautifulsoup4 on lxml.

One line per block element, all of the page: what the markup rules of rules.toml name as furniture
(navigation, header, footer, asides, comments, related boxes …) and hidden elements come out labelled with
their rule, every line with its share of link text and whether it lies in the element the page's prose
centres on; the text cleaner decides the rest. Scripts and styles are not text. Nothing is ever fetched.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Container
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from pipeline.cleaning import dates, reader_comments
from pipeline.cleaning.boilerplate import Label
from pipeline.cleaning.rules import Markup, element_hints
from pipeline.cleaning.text import has_surrogates, visible, writable

NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)  # strings of the markup, not of the page
TEXT_TYPES = (NavigableString, CData)  # the strings get_text() reads
# Never text of the page: dropped before anything is read, and not recorded as removed.
CODE_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "head")
BLOCK_TAGS = frozenset(("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "td", "th", "tr", "table", "section", "article", "main", "header", "footer", "figure",
                        "figcaption", "dd", "dt", "dl", "address", "details", "summary", "hr", "body", "nav",
                        "aside", "form", "menu", "dialog"))
PARAGRAPH_TAGS = ("p", "pre", "td", "blockquote")
# Never furniture, whatever their class says.
CONTAINERS = ("html", "body", "article", "main")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
WHITESPACE = re.compile(r"\s+")
# A <br> inside a paragraph is a line break of the text unless it only wraps a sentence: the line before
# it ends without punctuation and the next one goes on in lower case.
LINE_END = re.compile(r"[.!?:;…\"”’»)\]]$")
BREAK, PRE_BREAK, CELL = "\x00", "\x01", "\x02"  # a <br>, a line break inside <pre>, a table cell's start
CELL_TAGS = ("td", "th")
REMOVED = "pipeline-removed"  # the element that stands where a piece of furniture was taken out
LINKS = 0.5  # an element with this share of its text in links is a link list
HIDDEN = Label("html-hidden", "hidden")
COMMENTS = "comments"  # the class of the markup rules that take out reader comments
# A paragraph of fewer characters does not count towards the main content's scores.
MIN_PARAGRAPH_CHARS = 25
# Scores of the main content: a paragraph's own, its class's and how far up its ancestors share it.
CLASS_WEIGHT = 25.0
ANCESTOR_SHARES = (1, 2, 3)
# A sibling of the best element is part of the article when it scores this share of the best, or this much.
SIBLING_SHARE = 0.2
SIBLING_MIN = 10.0


@dataclass(frozen=True)
class Page:
    """What a page yields: its text blocks in order, and what its markup says about it."""

    blocks: list[str]
    linked: list[float] | None = None  # per block, the share of its characters inside links
    main: list[bool] | None = None  # per block, whether it lies in the element the markup's prose centres on
    labels: list[Label | None] | None = None  # per block, the markup rule that took it out, if any
    headings: list[str] = field(default_factory=list)  # the <h1> texts, in order
    declared_titles: list[tuple[str, str]] = field(default_factory=list)  # (where, title): JSON-LD, og:title, <title>
    language: str | None = None
    url: str | None = None
    published: list[tuple[str, str]] = field(default_factory=list)  # (where the markup says so, ISO date)
    notes: tuple[str, ...] = ()  # what reading the markup had to mend
    modified: list[tuple[str, str]] = field(default_factory=list)
    types: tuple[str, ...] = ()  # what the markup says the page is: JSON-LD and microdata types, "og:" + og:type
    shape: dict[str, int] = field(default_factory=dict)  # counts of the elements page typing reads (SHAPE_TAGS)
    authors: list[tuple[str, list[str]]] = field(default_factory=list)  # (where, names as written): authors.py
    sites: tuple[str, ...] = ()  # the site's and publisher's names (og:site_name, JSON-LD publisher): never authors
    comments: list[dict[str, str]] = field(default_factory=list)  # reader comments, when asked for: {text, ...}


def looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in head or "<body" in head


def extract(markup: str, rules: Markup, comments: bool = False) -> Page:
    """Parse a page and return all its text blocks with what the markup says of each (furniture taken out
    by a markup rule, links, main content), and the page's metadata; with `comments`, its reader comments
    (what the markup rules of class "comments" took out, comment by comment)."""
    soup = BeautifulSoup(markup, "lxml", multi_valued_attributes=None)  # class="a b" stays one string: faster
    meta = _metadata(soup)
    fallbacks = []
    for tag in _tags(soup, CODE_TAGS):
        if tag.name == "noscript":
            fallbacks.append(tag)
        elif not tag.decomposed:
            tag.decompose()
    _noscript(soup, [tag for tag in fallbacks if not tag.decomposed])
    taken = _take_furniture(soup, rules)
    roots = {id(root) for root in _content_roots(soup, rules)}
    blocks, linked, main, labels = _blocks(soup, roots, taken)  # all of it: broken pages put text after </body>
    declared = meta.pop("body")
    kept = sum(len(line) for line, label in zip(blocks, labels, strict=True) if label is None)
    if declared and kept < len(declared) / 2:  # rendered by script: the markup's text is thin
        blocks = [SPACE.sub(" ", line).strip() for line in declared.split("\n") if line.strip()]
        linked, main, labels = [0.0] * len(blocks), [True] * len(blocks), [None] * len(blocks)
    said = reader_comments.comments([tag for label, tag in taken if label.cls == COMMENTS]) if comments else []
    return Page(blocks=blocks, linked=linked, main=main, labels=labels, comments=said, **meta)


NOSCRIPT_ARTICLE_CHARS = 200  # <noscript> text shorter than this is a tracking pixel or a notice, never an article


def _noscript(soup: BeautifulSoup, fallbacks: list[Tag]) -> None:
    """Drop the page's <noscript> fallbacks, unless they hold most of its text: a page that shows its article
    only to readers without JavaScript, as a browser without it would."""
    inside = sum(len(tag.get_text()) for tag in fallbacks if not any(p.name == "noscript" for p in tag.parents))
    if inside < NOSCRIPT_ARTICLE_CHARS or inside <= len(soup.get_text()) / 2:
        for tag in fallbacks:
            if not tag.decomposed:  # one inside another went with it
                tag.decompose()


@dataclass(slots=True)
class Sizes:
    """What an element's scores need of its text, summed over its subtree in one pass (linear: asking each
    element's get_text costs the page size times its depth)."""

    chars: int = 0  # characters of its strings, each stripped
    strings: int = 0  # how many of them are not empty
    commas: int = 0
    raw: int = 0  # characters of its strings as they are (get_text())
    links: int = 0  # characters of the text of <a> elements below it (as _spaced counts them)
    paragraphs: bool = False  # holds a paragraph element
    prose: int = 0  # characters of the innermost paragraph elements below it


def _sizes(root: Tag) -> dict[int, Sizes]:
    """Sizes of every element under (and of) root, by id; children are summed before their parents."""
    table: dict[int, Sizes] = {}
    for tag in reversed([root, *_tags(root)]):  # reverse document order: every child before its parent
        total = table[id(tag)] = Sizes()
        for child in tag.children:
            if isinstance(child, Tag):
                below = table[id(child)]
                total.chars += below.chars
                total.strings += below.strings
                total.commas += below.commas
                total.raw += below.raw
                total.links += below.links + (_spaced(below) if child.name == "a" else 0)
                inner = child.name in PARAGRAPH_TAGS and not below.paragraphs
                total.paragraphs = total.paragraphs or below.paragraphs or child.name in PARAGRAPH_TAGS
                total.prose += below.prose + (below.raw if inner else 0)
            elif type(child) in TEXT_TYPES:
                stripped = child.strip()
                total.chars += len(stripped)
                total.strings += bool(stripped)
                total.commas += child.count(",")
                total.raw += len(child)
    return table


def _spaced(sizes: Sizes) -> int:
    """The length of get_text(" ", strip=True)."""
    return sizes.chars + sizes.strings - 1 if sizes.strings else 0


def _tags(root: Tag, names: Container[str] | None = None) -> list[Tag]:
    """find_all by tag name, in document order, as a plain walk: bs4's generic filters cost ten times more."""
    return [node for node in root.descendants if isinstance(node, Tag) and (names is None or node.name in names)]


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or bool(HIDDEN_STYLE.search(attrs.get("style", "") or ""))
    )


def _take_furniture(soup: BeautifulSoup, rules: Markup) -> list[tuple[Label, Tag]]:
    """Take out hidden elements without prose and those a markup rule names (outermost first), each
    replaced by a placeholder that remembers which; never an element that holds most of the page's
    paragraph text."""
    sizes = _sizes(soup)  # a layout table's cell holding paragraphs: its text is theirs, counted once
    prose = {key: size.prose for key, size in sizes.items()}
    most = prose.get(id(soup), 0) / 2
    taken: list[tuple[Label, Tag]] = []
    inside: set[int] = set()  # elements within one already taken out (document order: parents come first)
    for tag in _tags(soup):
        if id(tag.parent) in inside:
            inside.add(id(tag))
            continue
        if tag.name in CONTAINERS or prose.get(id(tag), 0) > most:
            continue
        hidden = _is_hidden(tag) and prose.get(id(tag), 0) < rules.hidden_max_prose  # tabs, accordions: prose
        label = HIDDEN if hidden else _furniture(tag, rules, sizes[id(tag)])
        if label is not None:
            inside.add(id(tag))
            placeholder = soup.new_tag(REMOVED, attrs={"data-n": str(len(taken))})
            taken.append((label, tag.replace_with(placeholder)))
    return taken


def _furniture(tag: Tag, rules: Markup, sizes: Sizes) -> Label | None:
    """The label of the markup rule that names this element as page furniture, if one does."""
    rule = rules.by_hint(element_hints(tag))  # a hint says more than the element's name ("related", "comments")
    if rule is not None and rule.weak and sizes.prose >= rules.weak_max_prose and _link_density(sizes) < LINKS:
        rule = None
    if rule is None:
        rule = rules.by_tag(tag.name)
        if rule is not None and rule.unless_inside and any(p.name in rule.unless_inside for p in tag.parents):
            rule = None
        if rule is not None and rule.unless_holding and tag.find(rule.unless_holding) is not None:
            rule = None  # a <figure> wrapping a table or a quotation holds content, not a caption
    return Label(rule.name, rule.cls) if rule is not None else None


def _content_roots(soup: BeautifulSoup, rules: Markup) -> list[Tag]:
    """The main content: the element holding the densest prose (readability-style paragraph scores, less
    their link density), with sibling elements that hold prose of the same article."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    sizes = _sizes(soup)
    for paragraph in _tags(soup, (*PARAGRAPH_TAGS, "div", "section")):
        if paragraph.name in PARAGRAPH_TAGS:
            length, commas = _spaced(sizes[id(paragraph)]), sizes[id(paragraph)].commas
        else:
            length, commas = _own_text(paragraph, sizes)
        if length < MIN_PARAGRAPH_CHARS:
            continue
        value = 1 + commas + min(length / 100, 3)
        for depth, ancestor in enumerate(paragraph.parents):
            if depth >= len(ANCESTOR_SHARES) or not isinstance(ancestor, Tag) \
                    or ancestor.name in ("html", "[document]"):
                break
            if id(ancestor) not in tags:
                tags[id(ancestor)] = ancestor
                scores[id(ancestor)] = _class_weight(ancestor, rules)
            scores[id(ancestor)] += value / ANCESTOR_SHARES[depth]
    if not scores:
        return [soup.body or soup]
    final = {key: score * (1 - _link_density(sizes[key])) for key, score in scores.items()}
    best = tags[max(final, key=final.__getitem__)]
    parent = best.parent
    if not isinstance(parent, Tag):
        return [best]
    threshold = max(SIBLING_MIN, final[id(best)] * SIBLING_SHARE)
    roots = []
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best or final.get(id(sibling), 0) >= threshold or _prose_sibling(sibling, sizes[id(sibling)]):
            roots.append(sibling)
    return roots


def _own_text(tag: Tag, sizes: dict[int, Sizes]) -> tuple[int, int]:
    """Length and commas of a container's text outside its block children, as one space-joined string: a
    <div> used as a paragraph (CNN's body divs)."""
    length, commas, parts = 0, 0, 0
    for child in tag.children:
        if isinstance(child, Tag):
            if child.name not in BLOCK_TAGS and sizes[id(child)].strings:
                length, commas, parts = length + _spaced(sizes[id(child)]), commas + sizes[id(child)].commas, parts + 1
        elif not isinstance(child, NOT_TEXT) and (stripped := child.strip()):
            length, commas, parts = length + len(stripped), commas + stripped.count(","), parts + 1
    return length + max(parts - 1, 0), commas


def _class_weight(tag: Tag, rules: Markup) -> float:
    """Up for a class or id that says content, down for one a markup rule's hints name (both: neither)."""
    named = element_hints(tag)
    furniture = any(rule.hints is not None and rule.hints.search(named) for rule in rules.rules)
    return (CLASS_WEIGHT if rules.content_hints.search(named) else 0.0) - (CLASS_WEIGHT if furniture else 0.0)


def _link_density(sizes: Sizes) -> float:
    return min(1.0, sizes.links / (_spaced(sizes) or 1))


def _prose_sibling(tag: Tag, sizes: Sizes) -> bool:
    """A paragraph beside the main element: long, with few links, ending like a sentence."""
    if tag.name != "p":
        return False
    text = tag.get_text(" ", strip=True)
    return (len(text) > 80 and _link_density(sizes) < 0.25) or (0 < len(text) <= 80 and text.endswith("."))


def _blocks(root: Tag, roots: set[int], taken: list[tuple[Label, Tag]]
            ) -> tuple[list[str], list[float], list[bool], list[Label | None]]:
    """One line of text per block element, in document order, whitespace inside a block collapsed (a line
    break in the page source is not a paragraph; in <pre> it is), with each line's share of characters in
    links, whether it lies in the main content, and the label of the furniture it was taken out with.
    An explicit stack: a page nested ten thousand deep must not overflow."""
    lines: list[str] = []
    linked: list[float] = []
    main: list[bool] = []
    labels: list[Label | None] = []
    parts: list[str] = []
    state = {"links": 0, "main": False}

    def flush() -> None:
        if not parts:
            return
        for hard in "".join(parts).split(PRE_BREAK):
            cells = (WHITESPACE.sub(" ", cell).strip() for cell in hard.split(CELL))
            for line in _reflow("\t".join(cell for cell in cells if cell).split(BREAK)):
                lines.append(line)
                linked.append(min(1.0, state["links"] / max(1, len(line))))
                main.append(bool(state["main"]))
                labels.append(None)
        parts.clear()
        state["links"], state["main"] = 0, False

    stack: list[tuple[object, bool, bool, bool]] = [(root, False, False, id(root) in roots)]
    while stack:
        node, in_link, in_pre, in_root = stack.pop()
        if node is None:  # the end of a block element
            flush()
        elif isinstance(node, Tag):
            if node.name == REMOVED:
                flush()
                label, element = taken[int(node["data-n"])]
                removed = _blocks(element, set(), [])[0]
                lines.extend(removed)
                linked.extend([0.0] * len(removed))
                main.extend([False] * len(removed))
                labels.extend([label] * len(removed))
                continue
            if node.name == "br":
                parts.append(PRE_BREAK if in_pre else BREAK)
            elif node.name in CELL_TAGS:  # a table row is one line, its cells apart: "Pos.\tDriver\tPoints"
                parts.append(CELL)
            elif node.name in BLOCK_TAGS:
                flush()
                stack.append((None, False, False, False))
            link, pre, inside = in_link or node.name == "a", in_pre or node.name == "pre", in_root or id(node) in roots
            stack.extend((child, link, pre, inside) for child in reversed(node.contents))
        elif not isinstance(node, NOT_TEXT):
            state["main"] = state["main"] or in_root
            text = str(node)
            parts.append(text.replace("\n", PRE_BREAK) if in_pre else text)
            if in_link:
                state["links"] += len(text.strip())
    flush()
    return lines, linked, main, labels


def _reflow(pieces: list[str]) -> list[str]:
    """The lines of a block split at its <br>s, a piece joined to the one before when the break only
    wrapped a sentence (no punctuation before it, lower case after it)."""
    lines: list[str] = []
    for piece in (piece.strip() for piece in pieces):
        if not piece:
            continue
        if lines and piece[0].islower() and not LINE_END.search(lines[-1]):
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
    return lines


# Where a page's markup states when it was published, and when it was last changed, best first (meta names
# and JSON-LD keys are matched in lower case: sites write "DC.date" and "dc.date").
PUBLISHED = (("JSON-LD datePublished", "ld:datepublished"), ("article:published_time", "article:published_time"),
             ("itemprop datePublished", "datepublished"), ("<meta name=date>", "date"), ("DC.date", "dc.date"),
             ("DC.date.issued", "dc.date.issued"), ("dcterms.created", "dcterms.created"),
             ("dcterms.issued", "dcterms.issued"), ("pubdate", "pubdate"), ("publish-date", "publish-date"),
             ("<meta name=published>", "published"), ("publication_date", "publication_date"),
             ("og:published_time", "og:published_time"), ("parsely-pub-date", "parsely-pub-date"),
             ("sailthru.date", "sailthru.date"), ("citation_publication_date", "citation_publication_date"),
             ("citation_date", "citation_date"))
MODIFIED = (("JSON-LD dateModified", "ld:datemodified"), ("article:modified_time", "article:modified_time"),
            ("og:updated_time", "og:updated_time"), ("itemprop dateModified", "datemodified"),
            ("dcterms.modified", "dcterms.modified"))
# Elements whose counts tell a page's type: teaser cards, forms and buttons, code, prices and ratings.
SHAPE_TAGS = ("a", "article", "h2", "h3", "li", "time", "form", "input", "button", "select", "textarea", "pre",
              "code", "table", "img", "p")
SHAPE_PROPS = ("price", "ratingvalue", "author", "datepublished")  # itemprop values counted, in lower case
LINK = re.compile(r"(https?:)?/\S*$", re.IGNORECASE)  # a canonical link that is a URL, not a stray title


def _metadata(soup: BeautifulSoup) -> dict:
    """What the markup says of the page: its title candidates, dates, language and canonical URL, from
    JSON-LD, <meta>, <time>, <h1> and <title> (title_and_date.py chooses among them)."""
    tags = _tags(soup)
    first: dict[str, Tag] = {}  # the first tag of each name, as soup.find would return
    for tag in tags:
        first.setdefault(tag.name, tag)
    ld, types, ld_author = _json_ld(tags)
    metas = _meta_index(tags)
    strings = {key: value for key, value in ld.items() if isinstance(value, str)}
    mended = [key for key, value in strings.items() if has_surrogates(value)]
    metas.update({f"ld:{key.lower()}": writable(value) for key, value in strings.items()})
    page_title = first["title"].string if "title" in first else None
    declared = [("JSON-LD headline", metas.get("ld:headline")), ("og:title", metas.get("og:title")),
                ("<title>", page_title)]
    headings = [_plain(tag.get_text(" ", strip=True)) for tag in tags if tag.name == "h1"]
    titles = [(name, _plain(value)) for name, value in declared if isinstance(value, str) and value.strip()]
    times = [tag["datetime"] for tag in tags if tag.name == "time" and isinstance(tag.get("datetime"), str)]
    links = [tag.get("href") for tag in tags if tag.name == "link" and "canonical" in str(tag.get("rel")).split()]
    url = next((link for link in [*links[:1], metas.get("og:url")] if isinstance(link, str) and LINK.match(link)), None)
    published = _dates(PUBLISHED, metas) + [("<time datetime>", d) for d in map(dates.find_date, times[:1]) if d]
    language = first["html"].get("lang") if "html" in first else None
    body = strings.get("articleBody")
    return {"headings": [heading for heading in headings if heading],
            "declared_titles": titles,
            "published": published, "modified": _dates(MODIFIED, metas),
            "language": language or None, "url": url or None, "body": writable(body) if body else None,
            "types": _types(types, tags, metas),
            "authors": _authors(ld_author, tags, metas), "sites": _sites(ld, metas),
            "shape": {**_shape(tags), "author_meta": int(bool(metas.get("author") or metas.get("article:author")
                                                              or "author" in ld))},
            "notes": (f"replaced lone surrogates in the JSON-LD {', '.join(mended)} with U+FFFD",) if mended else ()}


# <meta> names that hold the article's author (article:author too, when it is not a profile URL).
AUTHOR_METAS = ("author", "article:author", "parsely-author", "sailthru.author", "byl", "dc.creator",
                "dcterms.creator", "citation_author")
ORGANIZATION = re.compile(r"organi[sz]ation|corporation|brand|website", re.IGNORECASE)  # JSON-LD types of no person
# An element whose class or id says it holds the author's name ("post-author", "text__author"), unless it
# is a comment's, a teaser's or a picture's; read only outside the page's menus, header, footer and asides.
AUTHOR_CLASS = re.compile(r"author", re.IGNORECASE)
NOT_AUTHOR_CLASS = re.compile(r"comment|avatar|image|img|photo|bio|desc|related|teaser|card|widget|social|share",
                              re.IGNORECASE)
AUTHOR_CLASS_WORDS = 6  # a name's words at most: longer text is a bio or a byline sentence
FURNITURE = ("nav", "header", "footer", "aside")


def _authors(ld_author: object, tags: list[Tag], metas: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The author names the markup declares, by where: the article's JSON-LD `author` (its organisations
    apart), the first itemprop=author element, <meta> author tags, the first rel=author link, the first
    element whose class names an author (AUTHOR_CLASS)."""
    element = link = box = None
    named: dict[str, list[str]] = {}  # every tag of a name: a paper's several citation_author
    for tag in tags:  # one pass over the page's elements
        if element is None and str(tag.get("itemprop", "")).lower() == "author":
            element = tag
        if box is None and _author_box(tag):
            box = tag
        if tag.name == "meta":
            key = str(tag.get("name") or tag.get("property") or "").lower()
            if key in AUTHOR_METAS and isinstance(tag.get("content"), str):
                named.setdefault(key, []).append(tag["content"])
        elif link is None and tag.name == "a" and "author" in str(tag.get("rel", "")).split():
            link = tag
    found = [("JSON-LD author", _ld_names(ld_author)), ("JSON-LD organisation", _ld_names(ld_author, True))]
    if element is not None:
        inner = element.find(attrs={"itemprop": "name"}) or element
        found.append(("itemprop author", [str(inner.get("content") or inner.get_text(" ", strip=True))]))
    found += [("<meta> author", named[key]) for key in AUTHOR_METAS if key in named]
    if link is not None:
        found.append(("rel=author", [link.get_text(" ", strip=True)]))
    if box is not None:
        found.append(("author class", [box.get_text(" ", strip=True)]))
    return [(source, [_plain(name) for name in names]) for source, names in found if any(names)]


def _author_box(tag: Tag) -> bool:
    """The element holds just an author's name by its class or id, outside the page's furniture."""
    hints = element_hints(tag)
    return tag.name not in ("meta", "link", "script") and AUTHOR_CLASS.search(hints) is not None \
        and not NOT_AUTHOR_CLASS.search(hints) and 0 < len(tag.get_text(" ").split()) <= AUTHOR_CLASS_WORDS \
        and tag.find_parent(FURNITURE) is None


def _ld_names(value: object, organisations: bool = False) -> list[str]:
    """The names of a JSON-LD `author` (a string, a Person, or a list of them); with `organisations`, the
    names of the organisations it lists instead, which authors.py counts only when no person is named."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") if bool(ORGANIZATION.search(str(item.get("@type", "")))) == organisations else None
        elif organisations:
            continue
        if isinstance(item, str) and item.strip():
            names.append(writable(item))
    return names


def _sites(ld: dict, metas: dict[str, str]) -> tuple[str, ...]:
    """The names of the site and its publisher, which a byline field sometimes holds instead of a person."""
    publisher = ld.get("publisher")
    names = [metas.get("og:site_name"), metas.get("application-name"),
             publisher.get("name") if isinstance(publisher, dict) else None]
    return tuple(_plain(name) for name in names if isinstance(name, str) and name.strip())


def _plain(text: str) -> str:
    """Entities a page escaped twice unescaped, invisible characters dropped, white space collapsed."""
    return WHITESPACE.sub(" ", visible(html.unescape(text) if "&" in text else text)).strip()


def _dates(sources: tuple[tuple[str, str], ...], metas: dict[str, str]) -> list[tuple[str, str]]:
    """(source, ISO date) for each of `sources` the page states a valid date in."""
    found = ((name, dates.find_date(metas[key])) for name, key in sources if metas.get(key))
    return [(name, iso) for name, iso in found if iso]


def _meta_index(tags: list[Tag]) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...> of the page, first one of each name (in lower case),
    in one pass."""
    index: dict[str, str] = {}
    for tag in (tag for tag in tags if tag.name == "meta"):
        key, content = tag.get("property") or tag.get("name") or tag.get("itemprop"), tag.get("content")
        if isinstance(key, str) and isinstance(content, str):
            index.setdefault(key.lower(), content)
    return index


ARTICLE_KIND = re.compile(r"article|posting|report|review", re.IGNORECASE)  # JSON-LD types of a written piece


def _json_ld(tags: list[Tag]) -> tuple[dict, list[str], object]:
    """The first JSON-LD object with a headline or datePublished (an Article), else {}; every @type the
    page's JSON-LD declares; and the article's `author`: that object's, else that of an object typed as a
    written piece (a site's graph puts datePublished on its WebPage too, and the author on its Article)."""
    article: dict = {}
    types: list[str] = []
    authored: object = None  # the author of the first object typed as a written piece
    for script in (tag for tag in tags if tag.name == "script" and tag.get("type") == "application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError, RecursionError):  # broken, or nested past Python's stack
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                declared = item.get("@type")
                kinds = [t for t in (declared if isinstance(declared, list) else [declared]) if isinstance(t, str)]
                types.extend(kinds)
                if not article and ("headline" in item or "datePublished" in item):
                    article = item
                if authored is None and "author" in item and any(ARTICLE_KIND.search(kind) for kind in kinds):
                    authored = item["author"]
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return article, types, article.get("author") or authored


def _types(declared: list[str], tags: list[Tag], metas: dict[str, str]) -> tuple[str, ...]:
    """The page's declared types, each once: JSON-LD @type, microdata itemtype (its last path part), and
    og:type as "og:article"."""
    found = [*declared]
    found += [str(tag["itemtype"]).rstrip("/").rsplit("/", 1)[-1] for tag in tags if tag.get("itemtype")]
    if og := metas.get("og:type"):
        found.append("og:" + og.strip().lower())
    return tuple(dict.fromkeys(t.strip() for t in found if t.strip()))


def _shape(tags: list[Tag]) -> dict[str, int]:
    """How many of each SHAPE_TAGS element, password fields and SHAPE_PROPS itemprops the page holds."""
    shape = dict.fromkeys((*SHAPE_TAGS, "password", *SHAPE_PROPS), 0)
    for tag in tags:
        if tag.name in shape:
            shape[tag.name] += 1
        if tag.name == "input" and str(tag.get("type", "")).lower() == "password":
            shape["password"] += 1
        if (prop := tag.get("itemprop")) and (key := str(prop).lower()) in SHAPE_PROPS:
            shape[key] += 1
    return shape
