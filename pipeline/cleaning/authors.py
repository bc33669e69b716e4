"""A document's author: the byline's names, chosen among what the markup declares and the byline lines that
cleaning removed, never a site name, a role or a link label. Pure: strings in, a name (or None) out.

Candidates, most trusted first (see SOURCES): JSON-LD `author` of the article, `itemprop=author`, `<meta>`
author tags, `rel=author` links, then the byline lines of the text ("By Jane Doe", "Von Max Muster",
"Autor: ..."), which plain-text scrapes have too. Several names are joined with ", ".
"""

from __future__ import annotations

import re

from pipeline.cleaning.text import visible
from pipeline.documents import Removal

# An organisation the JSON-LD gives as the article's author: the company writing its own blog, counted
# only when no source names a person (like an author field naming the site).
ORGANISATION_SOURCE = "JSON-LD organisation"
# Where a page states its author, most trusted first (measured on the development pages, see the docs).
SOURCES = ("JSON-LD author", "itemprop author", "<meta> author", "rel=author", ORGANISATION_SOURCE, "byline line",
           "author class")
DECLARING = SOURCES[:3]  # the author fields: what they name is the author by the page's own word
WRITTEN = ("byline line", "author class")  # a page's visible text: names in it are written capitalised
# Removals of these classes are the page around the article (menus, comments): a "By ..." there is not its byline.
AROUND = frozenset(("navigation", "header", "footer", "sidebar", "comments", "hidden"))
BYLINE = "byline"  # the class of the removal rules whose lines are bylines, datelines and author boxes
# What the line under a "Written by" label was removed as, when it is the name: a byline's line, or a line
# outside the article (an author box); a promo's or a menu's line there is no name.
NAME_LINE = frozenset((BYLINE, "structure"))
# Lower-case words inside names: "Anya von Bremzen", "Marna van der Merwe", "Laura de la Cruz".
PARTICLES = frozenset(("von", "van", "der", "den", "de", "la", "le", "da", "di", "du", "del", "dos", "das", "zu",
                       "bin", "al", "y"))
# A byline line among these first lines of the kept text (counted where a removal stood) heads the article;
# one that says "By ..." counts further down (a sign-off, a byline below the lead).
HEAD_LINES, SIGNED_LINES = 6, 20
# A name has at most this many words; the whole byline at most NAMES names.
NAME_WORDS, NAMES = 6, 8
# "By", "Von", "Par", "Por", "Di", "Door", "Av", "Przez", "Автор", "Yazar", "Autor:", "Written by ...".
WRITTEN_VERBS = (r"written|reported|posted|published|geschrieben|verfasst|veröffentlicht|publié|escrito|publicado|"
                 r"erstellt")
PREFIX = re.compile(
    rf"^(?:(?:{WRITTEN_VERBS}|story|text|words|ein beitrag|artikel)\s+)?"
    r"(?:by|von|vom|par|por|di|door|av|przez|автор|yazar|müəllif|"
    r"autor(?:in|en)?|authors?|auteur|autore|autora)(?:\s*[:：]\s*|\s+|$)|^(?-i:Author|Autor|[Bb]y|[Vv]on)(?=[A-ZÄÖÜ])"
    r"|^(?:text|texte|testo|words|interview|redaktion|redakteur(?:in)?|quelle|source|fuente|fonte)\s*[:：]\s*",
    re.IGNORECASE)
# "Written by", "Posted by", "Geschrieben von": a label a name follows, on its line or on the next.
WRITTEN_BY = re.compile(rf"^(?:{WRITTEN_VERBS})\s+(?:by|von|par|por)\b\s*[:：]?\s*", re.IGNORECASE)
# "By", "Von", "Par", "Por" before a capital inside a line: "September 1, 2023 By Jane Doe".
SIGNED = re.compile(r"(?:^|\s)(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or)\s+(?=[A-ZÄÖÜ])")
# What ends a byline's names: a separator before its date, role or reading time.
SEPARATOR = re.compile(r"\s*[|·•–—∙]\s+|\s+-\s+|\s*\n\s*|\s+(?:on|am|le|el|il|em|op)(?:\s+(?=\d|\w+ \d)|$)|\s*\("
                       r"|\s+@(?=\w)|\s+(?:in|im)\s+")
# A date glued to a byline's start or end: "Dec 17, 2025Julian K. Arni", "1. Februar 2022 Luis Holuch",
# "Tanja Karrasch3.11.2023".
DATE_EDGE = re.compile(r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
                       r"|\d{1,2}\.? [A-ZÄÖÜ][a-zäöüé]{2,8}\.? \d{4})"
                       r"\s*(?:[-–—|•·∙]\s*)?|\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}$")
# Between names: commas, "and", "und", "et", "y", "e", "&", "i", "og", "en".
BETWEEN = re.compile(r"\s*(?:,|;|&|\s(?:and|und|et|y|e|i|og|en|и|ve)\s)\s*", re.IGNORECASE)
# A company's or association's legal form: an author field naming one is the publisher, unless no byline
# names a person ("Hanns-Seidel-Stiftung e.V.", "Web Commerce GmbH").
ORGANISATION = re.compile(r"\b(?:e\.\s?V|GmbH|mbH|AG|SE|KG|Inc|Ltd|LLC|Corp|plc|S\.A|S\.L|Stiftung|Verlag)\b\.?$")
# Never a name: labels of author links and boxes, roles, generic accounts, links and handles.
NOT_NAME = re.compile(
    r"\b(?:view|see|read|show|more|all|zeige|alle|weitere|tous|todos|posts?|articles?|beiträge|stories|profile|"
    r"about|über|admin|administrator|webmaster|editor|editorial|reporter|correspondent|contributor|journalist|"
    r"writer|senior|columnist|redakteur|redakteurin|follow|email|e-mail|twitter|facebook|reading time|modified|"
    r"instagram|linkedin|subscribe|newsletter|updated|published|posted|share|comments?|min read|minutes?|"
    r"reviewed|name|home|blog|news|nachrichten|veröffentlicht|publiziert|aktualisiert|öffentlich|by|"
    r"written|director|manager|blogger|founder|expert|specialist|officer|president|consultant|analyst|"
    r"photographer|fotograf|sponsor\w*|gesponsert\w*|anzeige|datum|date|untitled|unbenannt|checked)\b"
    r"|[@=<>{}\[\]]|\b\d|https?:|www\.|\w\.(?-i:[a-z]{2,})\b|^(?:by|von|par|por|di|am|on)$", re.IGNORECASE)


def choose(declared: list[tuple[str, list[str]]], removed: list[Removal],
           sites: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """The document's author and where it came from: the first source (in SOURCES order) whose names all
    read as names; `declared` is (source, raw names) from the markup. The site's own name is dropped from
    several names ("Rob Picheta, CNN") and from bylines and links; an author field naming the site alone,
    or a company by its legal form, counts last (a one-person blog named after its author, a company writing
    its own blog)."""
    unwanted = {site.casefold() for site in sites if site}
    lines = [("byline line", [line]) for line in _byline_lines(removed)]
    candidates = sorted([*declared, *lines], key=lambda item: SOURCES.index(item[0]))  # stable: lines in order
    site_named = None  # an author field naming the site or a company: kept when no other source names a person
    for source, raw in candidates:
        names = [name for value in raw for name in split_names(value, source in WRITTEN)] \
            if source != ORGANISATION_SOURCE else [name for name in raw if is_name(name)]  # "Morgan & Morgan"
        site_or_company = source in DECLARING and (
            (len(names) == 1 and names[0].casefold() in unwanted) or any(map(ORGANISATION.search, names)))
        if names and (source == ORGANISATION_SOURCE or site_or_company):
            site_named = site_named or (", ".join(dict.fromkeys(names[:NAMES])), source)
            continue
        names = [name for name in names if name.casefold() not in unwanted]
        if names:
            return ", ".join(dict.fromkeys(names[:NAMES])), source
    return site_named or (None, None)


def split_names(value: str, capitalised: bool = False) -> list[str]:
    """The names in one byline or author field ("By Jane Doe and Max Muster | 3 May 2025" -> both), or []
    when any piece is not a name (a role, a link label, a date, a handle). A line of text must write each
    name `capitalised`; an author field may hold a user's handle ("det/dpa", "jsteinhardt")."""
    text = PREFIX.sub("", byline(value), count=1)
    names = [piece.strip(" .") for piece in BETWEEN.split(text) if piece.strip(" .")]
    if capitalised:  # "Von David Hutzler, dpa": an agency's lower-case code after the names is no author
        names = names[:1] + [name for name in names[1:] if not (name.islower() and len(name.split()) == 1)]
    if not names or len(names) > NAMES:
        return []
    return names if all(is_name(name, capitalised) for name in names) else []


def byline(value: str) -> str:
    """A byline's names part: white space collapsed, a glued date and what a separator starts cut off."""
    text = DATE_EDGE.sub("", " ".join(visible(value).split()))
    return SEPARATOR.split(text, maxsplit=1)[0].strip(" ,;:.·|-–—•∙")


def is_name(name: str, capitalised: bool = False) -> bool:
    """A person's or a team's name: one to NAME_WORDS words, a letter first, no role, label, link or digit;
    when `capitalised`, a capital letter first."""
    pieces = name.split()
    return 0 < len(pieces) <= NAME_WORDS and name[0].isalpha() and not NOT_NAME.search(name) \
        and (name[0].isupper() or not capitalised)


def _byline_lines(removed: list[Removal]) -> list[str]:
    """The removed lines that are bylines, from their "By", best first: a line that starts "By ..." (a
    byline, a dateline, a promo box; not the page around the article) among the first SIGNED_LINES kept
    lines (the line after a "Written by" label standing alone in its stead); among the first HEAD_LINES, a
    byline line with a "By" inside ("May 3, 2025 By Jane Doe") or of two or more words shaped as a name;
    last, such a name line or a "Written by" byline anywhere (a sign-off, an author box below the article)."""
    lines, boxes = [], []
    for index, entry in enumerate(removed):
        text, after = entry.text.strip(), removed[index + 1] if index + 1 < len(removed) else None
        written = entry.cls == BYLINE and (label := WRITTEN_BY.match(text))
        if written and label.end() == len(text) and after is not None and after.line == entry.line + 1 \
                and after.cls in NAME_LINE:
            text = after.text.strip()  # "Written by" right above the name
        if entry.at <= SIGNED_LINES and PREFIX.match(text) and entry.cls not in AROUND:
            lines.append(text)
        elif written:
            (lines if entry.at <= SIGNED_LINES else boxes).append(text)
        elif entry.cls == BYLINE:
            if entry.at <= HEAD_LINES and (signed := SIGNED.search(text)):
                lines.append(text[signed.end():])
            elif len(pieces := byline(text).split()) > 1 and all(p[0].isupper() or p in PARTICLES for p in pieces):
                (lines if entry.at <= HEAD_LINES else boxes).append(text)
    return lines + boxes
