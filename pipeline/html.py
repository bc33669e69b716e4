"""HTML page to text blocks and page metadata, with beautifulsoup4 on lxml.

One line per block element; scripts, forms, navigation, page header and footer, asides and hidden
elements are dropped before any text is taken. Nothing is ever fetched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag

from pipeline import metadata

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "button", "select", "input", "textarea",
             "object", "embed", "canvas")
# Page furniture, dropped unless it holds most of the page's prose (ASP.NET pages wrap everything in a form).
CHROME_TAGS = ("form", "nav", "aside", "menu", "dialog", "figure", "figcaption")
BLOCK_TAGS = frozenset(("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "td", "th", "tr", "table", "section", "article", "main", "header", "footer", "figure",
                        "figcaption", "dd", "dt", "dl", "address", "details", "summary", "hr", "body"))
PARAGRAPH_TAGS = ("p", "pre", "td", "blockquote")
NEGATIVE = re.compile(
    r"comment|share|sharing|social|related|promo|newsletter|cookie|consent|sidebar|footer|breadcrumb|"
    r"\btags?\b|taglist|\bnav|menu|advert|\bads?\b|\bad-|sponsor|banner|subscri|signup|popup|modal|outbrain|"
    r"taboola|recommend|more-stories|trending|widget|masthead|toolbar|pagination|disclaimer|caption|gallery|"
    r"slideshow|credit|byline|author|dateline|timestamp|\bmeta\b|print|rating|login|paywall|popular|read-?more",
    re.IGNORECASE,
)
POSITIVE = re.compile(r"article|\bbody|content|entry|\bmain|\bpost|story|\btext|blog", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
TITLE_SUFFIX = re.compile(r"\s+[|–—:-]\s+[^|–—:-]{2,40}$")


@dataclass(frozen=True)
class Page:
    """What a page yields: its text blocks in order, and what its markup says about it."""

    blocks: list[str]
    title: str | None = None
    created: str | None = None
    language: str | None = None
    url: str | None = None
    title_source: str | None = None
    created_source: str | None = None


def looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in head or "<body" in head


def extract(markup: str) -> Page:
    """Parse a page and return its main content's blocks and the page's metadata."""
    soup = BeautifulSoup(markup, "lxml", multi_valued_attributes=None)  # class="a b" stays one string: faster
    meta = _metadata(soup)
    for tag in _tags(soup, DROP_TAGS):
        tag.decompose()
    for node in [node for node in soup.descendants if isinstance(node, Comment)]:
        node.extract()
    for tag in [tag for tag in _tags(soup) if _is_hidden(tag)]:
        tag.decompose()
    _drop_chrome(soup)
    blocks = [line for root in _content_roots(soup) for line in _blocks(root)]
    declared = meta.pop("body")
    if declared and len(" ".join(blocks)) < len(declared) / 2:  # rendered by script: the markup's text is thin
        blocks = [SPACE.sub(" ", line).strip() for line in declared.split("\n") if line.strip()]
    return Page(blocks=blocks, **meta)


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


def _hints(tag: Tag) -> str:
    return f"{tag.get('class') or ''} {tag.get('id') or ''}"


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove navigation, forms, asides, the page's header and footer, and elements whose class or id says
    comments, sharing, related stories, promos or cookie banners (unless it also says article or content),
    but never an element that holds most of the page's paragraph text."""
    total = sum(len(p.get_text()) for p in _tags(soup, PARAGRAPH_TAGS)) or 1

    def chrome(tag: Tag) -> bool:
        if tag.name in CHROME_TAGS:
            return True
        if tag.name in ("header", "footer"):
            return not any(parent.name in ("article", "main") for parent in tag.parents)
        if tag.name in ("html", "body", "article", "main"):
            return False
        hints = _hints(tag)
        return bool(NEGATIVE.search(hints)) and not POSITIVE.search(hints)

    for tag in [tag for tag in _tags(soup) if chrome(tag)]:
        if not tag.decomposed and sum(len(p.get_text()) for p in _tags(tag, PARAGRAPH_TAGS)) <= total / 2:
            tag.decompose()


def _content_roots(soup: BeautifulSoup) -> list[Tag]:
    """The main content: the element holding the densest prose (readability-style paragraph scores, less
    their link density), with sibling elements that hold prose of the same article."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for paragraph in _tags(soup, (*PARAGRAPH_TAGS, "div", "section")):
        text = paragraph.get_text(" ", strip=True) if paragraph.name in PARAGRAPH_TAGS else _own_text(paragraph)
        if len(text) < 25:
            continue
        value = 1 + text.count(",") + min(len(text) / 100, 3)
        for depth, ancestor in enumerate(paragraph.parents):
            if depth > 2 or not isinstance(ancestor, Tag) or ancestor.name in ("html", "[document]"):
                break
            if id(ancestor) not in tags:
                tags[id(ancestor)] = ancestor
                scores[id(ancestor)] = _class_weight(ancestor)
            scores[id(ancestor)] += value / (1, 2, 3)[depth]
    if not scores:
        return [soup.body or soup]
    final = {key: score * (1 - _link_density(tags[key])) for key, score in scores.items()}
    best = tags[max(final, key=final.__getitem__)]
    parent = best.parent
    if not isinstance(parent, Tag):
        return [best]
    threshold = max(10.0, final[id(best)] * 0.2)
    roots = []
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best or final.get(id(sibling), 0) >= threshold or _prose_sibling(sibling):
            roots.append(sibling)
    return roots


def _own_text(tag: Tag) -> str:
    """A container's text outside its block children: a <div> used as a paragraph (CNN's body divs)."""
    parts = []
    for child in tag.children:
        if isinstance(child, Tag):
            if child.name not in BLOCK_TAGS:
                parts.append(child.get_text(" ", strip=True))
        elif not isinstance(child, Comment):
            parts.append(child.strip())
    return " ".join(part for part in parts if part)


def _class_weight(tag: Tag) -> float:
    hints = _hints(tag)
    return (25.0 if POSITIVE.search(hints) else 0.0) - (25.0 if NEGATIVE.search(hints) else 0.0)


def _link_density(tag: Tag) -> float:
    text = len(tag.get_text(" ", strip=True)) or 1
    return min(1.0, sum(len(a.get_text(" ", strip=True)) for a in _tags(tag, ("a",))) / text)


def _prose_sibling(tag: Tag) -> bool:
    """A paragraph beside the main element: long, with few links, ending like a sentence."""
    if tag.name != "p":
        return False
    text = tag.get_text(" ", strip=True)
    return (len(text) > 80 and _link_density(tag) < 0.25) or (0 < len(text) <= 80 and text.endswith("."))


def _blocks(root: Tag) -> list[str]:
    """One line of text per block element, in document order."""
    parts: list[str] = []
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS or node.name == "br":
                parts.append("\n")
        elif isinstance(node, str) and not isinstance(node, Comment):
            parts.append(str(node))
            if node.next_sibling is None and isinstance(node.parent, Tag) and node.parent.name in BLOCK_TAGS:
                parts.append("\n")
    lines = (SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _metadata(soup: BeautifulSoup) -> dict:
    """Title, date, language and canonical URL from JSON-LD, Open Graph, <time>, <h1> and <title>."""
    tags = _tags(soup)
    first: dict[str, Tag] = {}  # the first tag of each name, as soup.find would return
    for tag in tags:
        first.setdefault(tag.name, tag)
    ld, metas = _json_ld(tags), _meta_index(tags)
    h1, page_title = first.get("h1"), first["title"].string if "title" in first else None
    titles = (("JSON-LD headline", ld.get("headline")), ("og:title", metas.get("og:title")),
              ("<h1>", h1.get_text(" ", strip=True) if h1 else None),
              ("<title>", TITLE_SUFFIX.sub("", page_title.strip()) if page_title else None))
    title_source, title = next(((name, value) for name, value in titles if isinstance(value, str) and value.strip()),
                               (None, None))
    created, created_source = None, None
    for name, raw in (("JSON-LD datePublished", ld.get("datePublished")),
                      ("article:published_time", metas.get("article:published_time")),
                      ("<time datetime>", next((tag["datetime"] for tag in tags
                                                if tag.name == "time" and tag.has_attr("datetime")), None))):
        created = metadata.find_date(str(raw)) if raw else None
        if created:
            created_source = name
            break
    language = first["html"].get("lang") if "html" in first else None
    url = next((tag.get("href") for tag in tags
                if tag.name == "link" and "canonical" in str(tag.get("rel")).split()), None)
    body = ld.get("articleBody")
    return {"title": SPACE.sub(" ", title).strip() if title else None, "title_source": title_source,
            "created": created, "created_source": created_source, "language": language or None,
            "url": url or None, "body": body if isinstance(body, str) else None}


def _meta_index(tags: list[Tag]) -> dict[str, str]:
    """<meta property|name=... content=...> of the page, first one of each name, in one pass."""
    index: dict[str, str] = {}
    for tag in (tag for tag in tags if tag.name == "meta"):
        key, content = tag.get("property") or tag.get("name"), tag.get("content")
        if isinstance(key, str) and isinstance(content, str):
            index.setdefault(key, content)
    return index


def _json_ld(tags: list[Tag]) -> dict:
    """The first JSON-LD object with a headline or datePublished (an Article), else {}."""
    for script in (tag for tag in tags if tag.name == "script" and tag.get("type") == "application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "headline" in item or "datePublished" in item:
                    return item
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return {}
