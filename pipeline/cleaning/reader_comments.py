"""Reader comments of a page, one by one, from the elements the markup rules took out as comments: each
comment's text, and its author and date where the markup gives them. Pure over beautifulsoup4 elements.

A comment is the innermost element whose class or id names a comment's body ("comment-content",
"comment-body", "commentText", "kommentar-text", ...), else a numbered comment item ("comment-4414"): the
shapes blog and forum software share. Its author is the nearest author-named element (or <cite>) before
its text within its item, its date the nearest <time>. Cost: nothing unless [extract] comments is on.
"""

from __future__ import annotations

import re

from bs4 import Tag

from pipeline.cleaning import dates
from pipeline.cleaning.rules import element_hints
from pipeline.cleaning.text import visible

# The class or id of a comment's body: comment/kommentar/reply, then content, body, text, message or entry.
BODY = re.compile(r"(comment|kommentar|reply|replie|antwort|commentaire|comentario)s?[-_ ]?(content|body|text|message"
                  r"|entry|inhalt)", re.IGNORECASE)
# Comment items without a body element: an id numbering them ("comment-4414", "li-comment-2220").
ITEM = re.compile(r"(comment|kommentar|reply)[-_]?\d+", re.IGNORECASE)
# What comment software writes after the author's name: "Kristine says:", "Gabi sagt:".
SAYS = re.compile(r"[\s,]*\b(says|said|wrote|sagt|schreibt|meint|dit|a écrit|dice|escribió|scrive)\s*:?$",
                  re.IGNORECASE)
FORM = ("form", "textarea", "input")  # a comment form's fields: the box to write one is not a comment
AUTHOR = re.compile(r"author|user-?name|nick-?name|comment-?name|\bfn\b|\bname\b", re.IGNORECASE)
# How far up from a comment's body its item (holding author and date) may be.
ITEM_LEVELS = 3
MAX_COMMENTS = 1000  # a page with more keeps its first ones: comments are metadata, not the corpus
AUTHOR_MAX_WORDS = 6
PREVIOUS_LIMIT = 40  # elements looked at before a comment's body for its author and date


def comments(containers: list[Tag]) -> list[dict[str, str]]:
    """The comments inside these elements, in page order: {text, author?, date?}. Comments are the innermost
    comment bodies; failing those, the innermost numbered comment items; never a comment form."""
    found: list[dict[str, str]] = []
    for container in containers:
        tags = [tag for tag in [container, *container.find_all(True)]
                if not (tag.name in FORM or any(parent.name == "form" for parent in tag.parents))]
        bodies = [tag for tag in tags if BODY.search(element_hints(tag)) and tag.find(FORM) is None] \
            or [tag for tag in tags if ITEM.search(str(tag.get("id") or ""))]
        ids = {id(tag) for tag in bodies}
        outer = {id(parent) for tag in bodies for parent in tag.parents if id(parent) in ids}
        inner = [tag for tag in bodies if id(tag) not in outer]
        for body in inner[: MAX_COMMENTS - len(found)]:
            text = _text(body)
            if text:
                found.append({"text": text, **_about(body)})
    return found


def _text(body: Tag) -> str:
    """A comment's text: its paragraphs when it has any (an item also holds its author and date), else all
    its text; one line per block, white space collapsed."""
    parts = body.find_all("p") or [body]
    lines = (" ".join(visible(line).split()) for part in parts for line in part.get_text("\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _about(body: Tag) -> dict[str, str]:
    """The author and date of a comment: inside its body outside the text's paragraphs (an item standing
    as its own body), else the nearest before it within its item (up to ITEM_LEVELS up): a reply's own
    author comes after the comment it answers."""
    item = body
    for _ in range(ITEM_LEVELS):
        if not isinstance(item.parent, Tag):
            break
        item = item.parent
    inside = [tag for tag in body.find_all(True) if tag.name != "p" and not any(p.name == "p" for p in tag.parents)]
    before = []
    for tag in body.find_all_previous(True, limit=PREVIOUS_LIMIT):
        if tag is item:
            break
        before.append(tag)
    about: dict[str, str] = {}
    for tag in [*inside, *before]:
        if tag in body.parents:
            continue
        if "author" not in about and (tag.name == "cite" or AUTHOR.search(element_hints(tag))):
            name = SAYS.sub("", " ".join(visible(tag.get_text(" ", strip=True)).split())).strip(" ,")
            if 0 < len(name.split()) <= AUTHOR_MAX_WORDS:
                about["author"] = name
        if "date" not in about and tag.name == "time" and (day := dates.find_date(str(tag.get("datetime", "")))):
            about["date"] = day
    return about
