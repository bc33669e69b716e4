"""HTML page to text blocks and page metadata, with beautifulsoup4 on lxml.

One line per block element; scripts, forms, navigation, page header and footer, asides and hidden
elements are dropped before any text is taken. Nothing is ever fetched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag

from pipeline import metadata

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "nav", "aside", "button",
             "select", "input", "textarea", "object", "embed", "canvas", "dialog", "menu")
BLOCK_TAGS = frozenset(("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "td", "th", "tr", "table", "section", "article", "main", "header", "footer", "figure",
                        "figcaption", "dd", "dt", "dl", "address", "details", "summary", "hr", "body"))
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


def looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in head or "<body" in head


def extract(markup: str) -> Page:
    """Parse a page and return its blocks and metadata."""
    soup = BeautifulSoup(markup, "lxml")
    meta = _metadata(soup)
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_is_hidden):
        tag.decompose()
    root = _content_root(soup)
    for tag in root.find_all(("header", "footer")):
        if not tag.find_parent("article"):
            tag.decompose()
    return Page(blocks=_blocks(root), **meta)


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or bool(HIDDEN_STYLE.search(attrs.get("style", "") or ""))
    )


def _content_root(soup: BeautifulSoup) -> Tag:
    """The article element when the page marks one, else its body."""
    for finder in (
        lambda: soup.find(attrs={"itemprop": "articleBody"}),
        lambda: soup.find("article"),
        lambda: soup.find("main"),
        lambda: soup.body,
    ):
        found = finder()
        if isinstance(found, Tag) and found.get_text(strip=True):
            return found
    return soup


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
    ld = _json_ld(soup)
    title = ld.get("headline") or _meta(soup, "og:title")
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else None
    if not title and soup.title and soup.title.string:
        title = TITLE_SUFFIX.sub("", soup.title.string.strip())
    created = None
    for raw in (ld.get("datePublished"), _meta(soup, "article:published_time"), _time_datetime(soup)):
        created = metadata.find_date(str(raw)) if raw else None
        if created:
            break
    html_tag = soup.find("html")
    language = html_tag.get("lang") if isinstance(html_tag, Tag) else None
    canonical = soup.find("link", rel="canonical")
    url = canonical.get("href") if isinstance(canonical, Tag) else None
    return {"title": SPACE.sub(" ", title).strip() if isinstance(title, str) and title.strip() else None,
            "created": created, "language": language or None, "url": url or None}


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    return tag.get("content") if isinstance(tag, Tag) else None


def _time_datetime(soup: BeautifulSoup) -> str | None:
    tag = soup.find("time", attrs={"datetime": True})
    return tag.get("datetime") if isinstance(tag, Tag) else None


def _json_ld(soup: BeautifulSoup) -> dict:
    """The first JSON-LD object with a headline or datePublished (an Article), else {}."""
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
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
