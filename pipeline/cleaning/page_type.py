"""What kind of page a seed is (article, listing, product, forum ...), with a score and the signals behind it.

Pure: a page's lines, its kept text, what its markup declares and counts, and its URL in; a PageType out. The
six WCXB types come from a small logistic model (page_type_model.json, which names the script and data that
rebuild it) over features any page has, HTML or text; error pages, walls and paywalled teasers from the [[page]] phrases
of rules.toml by hand-set rules, since no labelled data covers them. Cost: one match of a combined expression
per short line (cached by line: a site's menus recur) and a dot product, 1-2 ms a page.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.cleaning.html_extract import SHAPE_PROPS, SHAPE_TAGS
from pipeline.cleaning.rules import EDGE_PUNCT, PAGE_CLASSES, RULE_CLASSES, page_signals
from pipeline.cleaning.text import is_prose, is_sentence, words

MODEL = Path(__file__).with_name("page_type_model.json")
ARTICLE = "article"
RULE_TYPES = ("error", "wall")  # types decided by phrases, never by the model
# What markup declares, by the type it points to (JSON-LD / microdata types, og:type as "og:...").
DECLARED = {
    "article": ("article", "newsarticle", "blogposting", "reportagenewsarticle", "opinionnewsarticle",
                "analysisnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "report",
                "scholarlyarticle", "og:article", "review", "criticreview"),
    "product": ("product", "offer", "aggregateoffer", "productgroup", "individualproduct", "og:product",
                "og:product.item", "product.item"),
    "collection": ("itemlist", "collectionpage", "searchresultspage", "offercatalog", "og:product.group"),
    "forum": ("discussionforumposting", "qapage", "question", "answer", "comment"),
    "documentation": ("techarticle", "apireference", "softwaresourcecode"),
    "service": ("service", "softwareapplication", "webapplication", "faqpage", "organization", "corporation",
                "localbusiness", "professionalservice", "og:website"),
}
SHAPE_KEYS = ("author_meta", "password", *SHAPE_TAGS, *SHAPE_PROPS)  # what html_extract counts
DATE_LINE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d\d\b")
CODE_START = re.compile(r"\s*(?:def|class|import|from|function|var|const|let|return|public|private|#include|\$|>>>)\s")
CODE_ENDS = (";", "{", "}")
CODE_MARKS = ("()", "=>", "::", "</")
ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*$")
URL_YEAR = re.compile(r"/(?:19|20)\d\d/")
URL_ID = re.compile(r"\d{5,}")
MODEL_CLASSES = tuple(cls for cls in PAGE_CLASSES if cls not in RULE_CLASSES)
SHORT_LINE = 4  # words: a line this short is a label, a button, a menu entry
EXPLAINED = 3  # features named beside the declared types and phrases
# Features in words, for the signals a page type is explained by (the rest are named as they are).
WORDS = {"dated": "a dateline in the text", "published": "a publication date in the markup",
         "url_slug_words": "a URL slug of {:.0f} words", "url_year": "a year in the URL path",
         "url_home": "a home page",
         "url_depth": "URL {:.0f} folders deep", "url_id": "a long number in the URL", "url_query": "a URL query",
         "prose_share": "{:.0%} of kept words in prose", "kept_share": "{:.0%} of the page's words kept",
         "short_lines": "{:.0%} of lines of four words or fewer", "link_lines": "{:.0%} of lines mostly links",
         "linked": "{:.0%} of text in links", "title_words": "a title of {:.0f} words",
         "code_lines": "{:.0%} of kept lines read as code", "questions": "{:.0%} of kept lines are questions",
         "addressed": "speaks to the reader ({:.1%} of words)", "we": "speaks of itself ({:.1%} of words)",
         "digits": "numbers ({:.1%} of words)", "html": "an HTML page", "ellipsis_end": "text ends in an ellipsis",
         "url": "a URL"}
# Features that are log1p of a count, shown as the count.
COUNTED = {"kept_words": "kept words", "all_words": "words on the page", "paragraph_words": "words a paragraph",
           "long_paragraphs": "long paragraphs", "date_lines": "date lines", "lines": "lines"}
PROSE_WORDS = 8  # prose as the model learned it (the default prose_min_words), whatever the settings say
LONG_PARAGRAPH = 40  # words: a paragraph of a story, not a card's blurb
# Marketing speaks to the reader and of itself; news speaks of others.
YOU = frozenset("you your yours du dein deine euch vous votre vos tu tus usted ustedes вы ваш вам sen siz".split())
WE = frozenset("we our us wir unser unsere nous notre nos nosotros nuestro nuestra мы наш biz bizim".split())
TOKEN = re.compile(r"\w+")
# Classes of removed lines whose counts tell a page's type (see rules.toml's classes).
REMOVED_CLASSES = ("byline", "share", "related", "comments", "navigation", "subscribe", "promo", "tags", "caption",
                   "header", "footer", "legal", "cookies", "structure", "sidebar", "form", "hidden")
# Rule types decide only for a page holding little else: "Page not found" or a consent box beside a whole
# article is chrome. A paywall phrase flags a short text that breaks off (an ellipsis, or no sentence end),
# or any text ending in an ellipsis: a whole story beside a "subscribe to continue reading" box is not cut off.
ERROR_MAX_WORDS = 150
WALL_MAX_OTHER_WORDS = 25  # a wall: its phrases aside, the kept text has fewer words than this
TEASER_MAX_WORDS = 150  # a paywalled text this short is flagged when it breaks off; under half of it, always


@dataclass(frozen=True, slots=True)
class PageType:
    """A page's type, how sure the model or rule is (0-1), the signals that decided it, in words, and whether
    the text is a teaser cut off by a paywall."""

    name: str
    score: float
    signals: tuple[str, ...]
    truncated: bool = False
    article: float = 0.0  # how likely the page is an article, whatever its most likely type


@dataclass(frozen=True)
class Seen:
    """What page typing reads of one page (a text scrape has no types, shape or linked shares)."""

    lines: list[str]  # every line of the page, chrome included
    text: str  # the kept text
    title: str | None
    url: str | None
    types: tuple[str, ...] = ()
    shape: dict[str, int] | None = None
    linked: list[float] | None = None
    removed: tuple[str, ...] = ()  # the class of each removed line (byline, share, related, navigation ...)
    dated: bool = False  # the text shows a dateline
    published: bool = False  # the markup states a publication date

    @cached_property
    def counts(self) -> list[int]:
        """Words of each line of the page, counted once for every feature and phrase that needs them."""
        return [words(line) for line in self.lines]

    @cached_property
    def kept(self) -> list[str]:
        """The kept text's non-blank lines."""
        return [line for line in self.text.split("\n") if line.strip()]

    @cached_property
    def kept_counts(self) -> list[int]:
        return [words(line) for line in self.kept]


def features(seen: Seen, rules: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    """The model's features of a page, and the names of the [[page]] phrases of the model's classes that
    matched, by class."""
    found = _phrases(seen, rules, MODEL_CLASSES)
    kept, kept_counts = seen.kept, seen.kept_counts
    kept_words = sum(kept_counts)
    all_words = sum(seen.counts) or 1
    lines = [(line, count) for line, count in zip(seen.lines, seen.counts, strict=True) if count] or [("", 0)]
    prose = sum(count for line, count in zip(kept, kept_counts, strict=True) if is_prose(line, PROSE_WORDS))
    tokens = Counter(TOKEN.findall(seen.text.casefold()))
    value: dict[str, float] = {
        "html": float(seen.shape is not None),
        "kept_words": math.log1p(kept_words),
        "all_words": math.log1p(all_words),
        "kept_share": kept_words / all_words,
        "prose_share": prose / max(1, kept_words),
        "lines": math.log1p(len(lines)),
        "short_lines": sum(count <= SHORT_LINE for _, count in lines) / len(lines),
        "paragraph_words": math.log1p(kept_words / max(1, len(kept))),
        "date_lines": math.log1p(sum(1 for line, count in lines if count <= 8 and DATE_LINE.search(line))),
        "code_lines": sum(1 for line in kept if _is_code(line)) / max(1, len(kept)),
        "ellipsis_end": float(bool(kept) and bool(ELLIPSIS.search(kept[-1]))),
        "dated": float(seen.dated),
        "published": float(seen.published),
        "title_words": float(words(seen.title or "")),
        "long_paragraphs": math.log1p(sum(1 for count in kept_counts if count >= LONG_PARAGRAPH)),
        "questions": sum(1 for line in kept if line.rstrip().endswith("?")) / max(1, len(kept)),
        "addressed": sum(tokens[token] for token in YOU) / max(1, kept_words),
        "we": sum(tokens[token] for token in WE) / max(1, kept_words),
        "digits": sum(count for token, count in tokens.items() if token[0].isdigit()) / max(1, kept_words),
    }
    removed = Counter(seen.removed)
    for cls in REMOVED_CLASSES:
        value[f"removed_{cls}"] = math.log1p(removed.get(cls, 0))
    for cls in MODEL_CLASSES:
        value[f"says_{cls}"] = math.log1p(len(found.get(cls, [])))
    declared = {name.lower() for name in seen.types}
    for kind, names in DECLARED.items():
        value[f"declares_{kind}"] = float(any(name in declared for name in names))
    shape = seen.shape or {}
    for key in SHAPE_KEYS:
        value[f"count_{key}"] = math.log1p(shape.get(key, 0))
    if seen.linked:
        value["linked"] = sum(seen.linked) / len(seen.linked)
        value["link_lines"] = sum(share > 0.5 for share in seen.linked) / len(seen.linked)
    else:
        value["linked"] = value["link_lines"] = 0.0
    parts = urlsplit(seen.url) if seen.url else None
    path = parts.path if parts else ""
    segments = [part for part in path.split("/") if part]
    value.update({
        "url": float(parts is not None),
        "url_depth": float(len(segments)),
        "url_home": float(parts is not None and not segments),
        "url_slug_words": float(len(re.split(r"[-_]+", segments[-1])) if segments else 0),
        "url_year": float(bool(URL_YEAR.search(path))),
        "url_id": float(bool(URL_ID.search(path))),
        "url_query": float(bool(parts and parts.query)),
    })
    return value, found


def _is_code(line: str) -> bool:
    """A line that reads as source code: ends with ; { or }, holds () => :: or </, or opens with a keyword."""
    return line.rstrip().endswith(CODE_ENDS) or any(mark in line for mark in CODE_MARKS) \
        or CODE_START.match(line) is not None


def _phrases(seen: Seen, rules: str, classes: tuple[str, ...]) -> dict[str, list[str]]:
    """The [[page]] phrases of `classes` found on the page, by class: a phrase's name once per line it
    matches (the title's and URL's too)."""
    found: dict[str, list[str]] = {}
    title = [seen.title or "", *(seen.lines[:3] if seen.title is None else [])]
    signals = page_signals(rules)
    places = (("line", zip(seen.lines, seen.counts, strict=True)), ("title", ((t, words(t)) for t in title)),
              ("url", [(seen.url or "", words(seen.url or ""))]))
    for where, texts in places:
        longest = signals.longest(where, classes)
        for text, count in texts:
            if count and count <= longest:
                for cls, name in _matched(text.strip(EDGE_PUNCT).casefold(), count, where, rules, classes):
                    found.setdefault(cls, []).append(name)
    return found


@lru_cache(maxsize=1 << 16)
def _matched(key: str, count: int, where: str, rules: str, classes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(class, name) of each phrase matching a casefolded, trimmed text of `count` words. Cached: a site's
    menus and buttons recur on every page it serves. The place's anchored patterns in one `match` rule out
    most texts before any phrase is tried alone."""
    signals = page_signals(rules)
    chosen = signals.of(where, classes)
    if not (count <= signals.pinned_words(where, classes) and signals.anchored[where].match(key)):
        chosen = signals.loose_of(where, classes)
    return tuple((s.cls, s.name) for s in chosen if count <= s.max_words and s.matches(key))


@cache
def _model() -> dict:
    return json.loads(MODEL.read_text(encoding="utf-8"))


def classify(seen: Seen, rules: str) -> PageType:
    """The page's type: an error page or a wall by the [[page]] phrases when it says so and holds little
    else, else the model's most likely type; a teaser behind a paywall is flagged truncated."""
    value, said = features(seen, rules)
    kept_words = sum(seen.kept_counts)
    ellipsis = bool(value["ellipsis_end"])
    if kept_words < max(ERROR_MAX_WORDS, WALL_MAX_OTHER_WORDS, TEASER_MAX_WORDS) or ellipsis:
        said |= _phrases(seen, rules, RULE_CLASSES)  # their loose patterns are dear: only where they can decide
    broken_off = ellipsis or not is_sentence(seen.text.rstrip().rsplit("\n", 1)[-1])
    if "error" in said and kept_words < ERROR_MAX_WORDS:
        return PageType("error", 1.0, _said("error", said))
    if "wall" in said and kept_words - _words_saying(seen, rules, "wall") < WALL_MAX_OTHER_WORDS:
        return PageType("wall", 1.0, _said("wall", said))
    truncated = "teaser" in said and (ellipsis or (broken_off and kept_words < TEASER_MAX_WORDS)
                                      or kept_words < TEASER_MAX_WORDS // 2)
    weights = _model()["html" if seen.shape is not None else "text"]
    scores, parts = _scores(weights, value)
    best = max(scores, key=scores.get)
    signals = _explain(best, value, said, seen.types, parts, weights["features"])
    if truncated:
        signals = (*_said("teaser", said), *signals)
    return PageType(best, round(scores[best], 3), signals, truncated, round(scores[ARTICLE], 3))


def _words_saying(seen: Seen, rules: str, cls: str) -> int:
    """Words of the kept text's lines that hold a phrase of `cls`."""
    longest = page_signals(rules).longest("line", (cls,))
    return sum(count for line, count in zip(seen.kept, seen.kept_counts, strict=True) if 0 < count <= longest
               and _matched(line.strip(EDGE_PUNCT).casefold(), count, "line", rules, (cls,)))


def _scores(weights: dict, value: dict[str, float]) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Softmax of the linear model over the standardised features; and per type, each feature's share of
    its logit (what `_explain` names)."""
    row = [(value.get(name, 0.0) - mean) / scale
           for name, mean, scale in zip(weights["features"], weights["mean"], weights["scale"], strict=True)]
    parts = {cls: [w * x for w, x in zip(coef, row, strict=True)]
             for cls, coef in zip(weights["classes"], weights["coef"], strict=True)}
    logits = [sum(parts[cls]) + bias for cls, bias in zip(weights["classes"], weights["intercept"], strict=True)]
    top = max(logits)
    exps = [math.exp(logit - top) for logit in logits]
    total = sum(exps)
    return {cls: e / total for cls, e in zip(weights["classes"], exps, strict=True)}, parts


def _explain(best: str, value: dict[str, float], said: dict[str, list[str]], types: tuple[str, ...],
             parts: dict[str, list[float]], names: list[str]) -> tuple[str, ...]:
    """The signals a reader can check: the declared types, the phrases of that type, then the features that
    pushed the model most towards this type rather than the others, in words."""
    signals = [f"declares {name}" for name in types if any(name.lower() in DECLARED[kind] for kind in DECLARED)]
    signals += [f"{count} x {name}" for name, count in Counter(said.get(best, [])).items()]
    others = [parts[cls] for cls in parts if cls != best]
    lead = [(mine - sum(theirs) / len(others), name)
            for mine, theirs, name in zip(parts[best], zip(*others, strict=True), names, strict=True)]
    present = [(push, name) for push, name in lead if push > 0 and value[name] > 0
               and not name.startswith(("says_", "declares_"))]  # what the page has, not what it lacks
    signals += [_in_words(name, value[name]) for _, name in sorted(present, reverse=True)[:EXPLAINED]]
    return tuple(signals)


def _in_words(name: str, value: float) -> str:
    """A feature and its value as a reader would say it: "dated", "URL slug of 9 words", "buttons: 14"."""
    if name in WORDS:
        return WORDS[name].format(value)
    if name in COUNTED:
        return f"{COUNTED[name]}: {round(math.expm1(value))}"
    if name.startswith("count_"):
        return f"<{name[6:]}> elements: {round(math.expm1(value))}"
    if name.startswith("removed_"):
        return f"{name[8:]} lines removed: {round(math.expm1(value))}"
    return f"{name} {value:.2f}"


def _said(cls: str, said: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(f"phrase {name}" for name in dict.fromkeys(said.get(cls, [])))
