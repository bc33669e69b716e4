"""Lines in, labels out: which lines of a page are boilerplate, and which rule or signal says so.

Two kinds of evidence. Rules (rules.toml, see rules.py) name chrome phrases in many languages. Structure
finds what no phrase list can: the main block of prose (chrome clusters at the head and tail of a page), banners in
another script carrying a phone number, runs of headline and date lines, bylines and breadcrumbs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pipeline.cleaning import dates
from pipeline.cleaning.rules import Rule, Rules, match_rule
from pipeline.cleaning.text import CLOSING, dominant, is_prose, is_sentence, line_scripts, words

PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{6,}\d(?!\w)")
BREADCRUMB = re.compile(r"^[^.!?/|>»›]{1,40}(\s[/|>»›]\s[^.!?/|>»›]{1,40})+$")
BULLET = re.compile(r"^\s*([-–•*▪●◦·]|\d{1,2}[.)])\s+")
# Structural scores for finding the main block: prose counts by its words, chrome lines count against.
SHORT_LINE_PENALTY = 3.0
MEDIUM_LINE_PENALTY = 1.0
# A line this short (words) that is not prose is scored as a menu item, not as a medium line.
SHORT_LINE_WORDS = 4
# A line of at least ITEM_WORDS words, with a clause mark (dash, comma, colon, semicolon, bracket), that is not
# headline-shaped (it ends mid-sentence or is all lower case) is running text the page split up: a list's
# lead-in ("The guide covers:"), an item ending in ";". It counts ITEM_WEIGHT a word, where a menu's or a
# related list's line counts against.
ITEM_WORDS, ITEM_WEIGHT = 6, 0.5
CLAUSE = re.compile(r"[–—;(,:]")
# A run of at least SECTION_PARAGRAPHS paragraphs beside the main block that scores at least SECTION_SHARE of it
# is another section of the article.
SECTION_SHARE, SECTION_PARAGRAPHS = 0.5, 5
# A sentence this long (words) may border the main block and be taken into it.
SHORT_SENTENCE_WORDS = 3
# Dates or "x ago" lines at most this many lines apart belong to one list of stories or comments.
STORY_PERIOD = 5
# A "cut" marker (Related, Comments ...) ends the article only in its tail: after at least this many words
# of body prose, and either after more of the main block's prose than follows it, or right before more chrome.
MIN_BODY_WORDS = 40
# A comments marker with a thread's shape after it ends the article after at least this many words of body.
THREAD_BODY_WORDS = 150
# An inline box: after its marker and headlines (of at most LISTED_WORDS words), this many paragraphs of prose,
# this many words, go on.
RESUMING_PARAGRAPHS, RESUMING_WORDS, LISTED_WORDS = 3, 40, 25
TRUNCATED = ("...", "…")  # a teaser's headline cut short ends like this, not like a sentence
# The markup's main content is trusted when it holds this share of the prose words of the page's best run.
ROOT_SHARE = 0.5
# ... or when it holds this many paragraphs and more prose than runs on outside it.
ROOT_PARAGRAPHS = 3
# A line with this share of its characters in links is a link; LINK_RUN of them in a row are a link list.
LINK_LINE = 0.8
LINK_RUN = 3
# Inside the markup's main content only a run of this many short links is a menu.
MENU_RUN = 10
# Short lines recurring this often in a page beside other chrome are a button group ("Share", "Pin").
REPEATS_IN_PAGE = 3
# A date line is at most this many words: a date, a time and a few words of source or author.
DATELINE_WORDS = 16
# A kept line this long (words) that repeats an earlier one word for word is a copy.
COPY_WORDS = 6
# A script with less than this share of a page's letters is foreign to it (a banner's, a quotation's).
FOREIGN_SHARE = 0.25
# A banner phone number has at least this many digits.
PHONE_DIGITS = 8


@dataclass(frozen=True)
class Label:
    """Why a line was removed: the rule or structural signal, and its class."""

    rule: str
    cls: str


def main_block(lines: list[str], claimed: list[bool], prose_min_words: int) -> tuple[int, int]:
    """Bounds [start, end) of the article's prose: the maximum-sum segment of per-line scores, grown over
    any run beside it of SECTION_PARAGRAPHS or more paragraphs that scores at least SECTION_SHARE of it (an
    article in sections with a form, a table or a gallery between them), whatever the lines between cost.

    Prose lines score their word count, running text split into list lines half of it; short non-sentence
    lines (menus, link lists) and lines a rule or signal already claimed score against, but for a short line
    standing inside one sentence (a link's words), which scores nothing.
    """
    scores = [_score(line, claimed[index], prose_min_words) for index, line in enumerate(lines)]
    rows = [row for row, line in enumerate(lines) if line.strip()]
    for before, row, after in zip(rows, rows[1:], rows[2:], strict=False):  # each line with its neighbours
        if (scores[row] or 0.0) < 0 and not claimed[row] and _inside_sentence(lines[before].strip(),
                                                                            lines[after].strip()):
            scores[row] = 0.0  # a link's words in the middle of a sentence: the paragraph goes on
    best, start, end = _densest(scores, 0, len(lines))

    def section(found: tuple[float, int, int]) -> bool:  # scores enough, in enough paragraphs
        return found[0] >= SECTION_SHARE * best and sum(
            1 for score in scores[found[1]:found[2]] if score and score > 0) >= SECTION_PARAGRAPHS

    while section(right := _densest(scores, end, len(lines))):
        end = right[2]
    while section(left := _densest(scores, 0, start)):
        start = left[1]
    return _extend(lines, claimed, start, end)


def _score(line: str, claimed: bool, prose_min_words: int) -> float | None:
    """A line's score for the main block; None for a blank line."""
    if not line.strip():
        return None
    count = words(line)
    if claimed or not (is_prose(line, prose_min_words) or (is_sentence(line) and count >= 3)):
        if not claimed and count >= ITEM_WORDS and CLAUSE.search(line) and not dates.is_headline(line):
            return ITEM_WEIGHT * count
        return -(SHORT_LINE_PENALTY if count < SHORT_LINE_WORDS else MEDIUM_LINE_PENALTY)
    return float(count) if is_prose(line, prose_min_words) else 0.0


def _inside_sentence(before: str, after: str) -> bool:
    """A line between these two stands inside one sentence: the one before stops mid-sentence (a lower-case
    word or a comma), the one after goes on in lower case or with closing punctuation. Unlike text's
    `_continues`, which decides joins, it asks nothing of the line itself: a link's words may be anything."""
    return not is_sentence(before) and (before[-1].islower() or before[-1] == ",") and (
        after[0].islower() or after.startswith(CLOSING))


def _densest(scores: list[float | None], low: int, high: int) -> tuple[float, int, int]:
    """The maximum-sum segment of scores[low:high]: (sum, start, end); (0, low, low) if none is positive."""
    best, best_start, best_end = 0.0, low, low
    total, start = 0.0, low
    for index in range(low, high):
        if (score := scores[index]) is None:
            continue
        if total <= 0:
            total, start = 0.0, index
        total += score
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best, best_start, best_end


def _extend(lines: list[str], skip: list[bool], start: int, end: int) -> tuple[int, int]:
    """Grow a block over the short sentences that border it ("The mayor resigned on Monday.")."""
    if start >= end:
        return start, end
    while (row := _next_nonblank(lines, start, -1)) is not None and not skip[row] and _short_sentence(lines[row]):
        start = row
    while (row := _next_nonblank(lines, end - 1, 1)) is not None and not skip[row] and _short_sentence(lines[row]):
        end = row + 1
    return start, end


def _short_sentence(line: str) -> bool:
    return is_sentence(line) and words(line) >= SHORT_SENTENCE_WORDS


def classify(lines: list[str], rules: Rules, prose_min_words: int = 8, linked: list[float] | None = None,
             main: list[bool] | None = None, preset: list[Label | None] | None = None) -> list[Label | None]:
    """A label for every line that is boilerplate, None for every line kept. What lies outside the densest
    run of prose goes, and in a plain-text scrape (no `linked`) so do later copies of a line. `linked` (for a
    page's lines) is the share of each line inside links: runs of lines
    that are links only are menus and story lists; `main`, whether each lies in the markup's main content;
    `preset`, labels the markup already gave (page furniture)."""
    labels: list[Label | None] = list(preset) if preset else [None] * len(lines)
    prose = [is_prose(line, prose_min_words) for line in lines]
    main = _markup_content(lines, labels, prose, main, linked, prose_min_words)
    if linked is not None:
        _mark_link_lists(lines, labels, prose, linked, main)
    cuts: list[tuple[int, Rule]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            if not line.isascii():  # a blank that holds no-break or other invisible spaces
                labels[index] = Label("invisible-line", "whitespace")
            continue
        if labels[index] is not None:
            continue
        rule = match_rule(line, rules)
        if rule and rule.subheading and _subheading(lines, labels, prose, index):
            continue
        if rule:
            labels[index] = Label(rule.name, rule.cls)
            if rule.action == "cut":
                cuts.append((index, rule))
            elif rule.action == "box":
                _mark_box(lines, labels, index, Label(rule.name, rule.cls))
    _mark_repeats(lines, labels, prose)
    _mark_banners(lines, labels)
    _mark_shapes(lines, labels, prose)
    _mark_date_lists(lines, labels, prose)
    _mark_story_lists(lines, labels, prose)
    start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
    body = [words(line) if prose[row] and labels[row] is None else 0 for row, line in enumerate(lines)]
    for index, rule in cuts:
        before, after = sum(body[start:index]), sum(body[index:end])
        stacked = _chrome_follows(lines, labels, index) and _running_prose(lines, labels, prose, index) <= before
        thread = rule.cls == "comments" and before >= THREAD_BODY_WORDS and _thread_follows(lines, prose, index)
        tail = (after <= before or stacked or thread) and not _article_resumes(lines, labels, prose, index)
        if index >= start and before >= MIN_BODY_WORDS and tail:
            for row in range(index, len(lines)):
                labels[row] = (labels[row] or Label(rule.name, rule.cls)) if lines[row] else None
            break
        _mark_box(lines, labels, index, Label(rule.name, rule.cls))
    if cuts:  # the block may have lost lines to a cut or a box: find it again, as a second pass would
        start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
    rows = [row for row in range(len(lines)) if lines[row].strip()]
    rank_of = {row: rank for rank, row in enumerate(rows)}
    first_main = next((row for row in rows if main and main[row]), len(lines))
    for index, line in enumerate(lines):
        if labels[index] is not None or not line.strip():
            continue
        if main is not None and not main[index]:
            if start <= index < first_main and prose[index] \
                    and _runs_on(rows, rank_of[index], lines, labels, prose, linked):
                continue  # the article's intro, in the run of prose, that the markup put above its main element
            labels[index] = Label("outside-main-content", "structure")
        elif main is None and not start <= index < end:
            labels[index] = Label("outside-main-block", "structure")
    if linked is None and _mark_copies(lines, labels):  # a copy gone, the block may shrink: as a second pass would
        start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
        for index, line in enumerate(lines):
            if labels[index] is None and line.strip() and not start <= index < end:
                labels[index] = Label("outside-main-block", "structure")
    return labels


def _mark_copies(lines: list[str], labels: list[Label | None]) -> bool:
    """A kept line of COPY_WORDS or more words that repeats an earlier kept line word for word: a teaser, a
    pull quote or a menu's blurb shown twice. The first stays; table rows (data) are never copies. Whether
    any was found. Only for a plain-text scrape: in a page's markup, where menus and teasers are known by
    their elements, a repeated line is mostly the page's own structure (an interview's repeated question)."""
    seen: set[str] = set()
    found = False
    for row, line in enumerate(lines):
        if labels[row] is not None or "\t" in line or words(line) < COPY_WORDS:
            continue
        key = line.strip().casefold()
        if key in seen:
            labels[row] = Label("repeated-line", "duplicate")
            found = True
        seen.add(key)
    return found


def _markup_content(lines: list[str], labels: list[Label | None], prose: list[bool], main: list[bool] | None,
                    linked: list[float] | None, prose_min_words: int) -> list[bool] | None:
    """The lines of the markup's main content when it is the article: it holds most of the page's best run
    of prose, or it holds an article's paragraphs and what the run adds outside it is prose standing one
    paragraph at a time (teasers, comments). Else None, and the run of prose decides: the markup's choice
    was one fragment of an article spread wider."""
    if main is None or not any(main):
        return None
    start, end = main_block(lines, [label is not None for label in labels], prose_min_words)
    rows = [row for row in range(len(lines)) if lines[row].strip()]
    inside = sum(words(lines[row]) for row in rows if prose[row] and main[row])
    block = sum(words(lines[row]) for row in range(start, end) if prose[row])
    paragraphs = sum(1 for row in rows if prose[row] and main[row])
    outside = sum(words(lines[row]) for rank, row in enumerate(rows) if prose[row] and not main[row]
                  and start <= row < end and _runs_on(rows, rank, lines, labels, prose, linked))
    if inside < ROOT_SHARE * block and (paragraphs < ROOT_PARAGRAPHS or outside >= inside):
        return None
    return _grow(rows, main, labels, prose)


def _grow(rows: list[int], main: list[bool], labels: list[Label | None], prose: list[bool]) -> list[bool]:
    """The main content and the paragraphs that touch it (a standfirst or a last paragraph the markup put
    in a sibling element)."""
    grown = list(main)
    inside = [rank for rank, row in enumerate(rows) if main[row]]
    for rank, step in ((inside[0], -1), (inside[-1], 1)) if inside else ():
        other = rank + step
        while 0 <= other < len(rows) and prose[rows[other]] and labels[rows[other]] is None:
            grown[rows[other]] = True
            other += step
    return grown


def _runs_on(rows: list[int], rank: int, lines: list[str], labels: list[Label | None], prose: list[bool],
             linked: list[float] | None) -> bool:
    """The rank-th non-blank line is prose with more prose before or after it, across subheadings: an
    article's paragraph, not a teaser or comment standing alone between links, bylines and dates."""
    for step in (-1, 1):
        other = rank + step
        while 0 <= other < len(rows):
            row = rows[other]
            if prose[row]:
                return labels[row] is None
            if labels[row] is not None or (linked is not None and linked[row] >= LINK_LINE):
                break
            other += step
    return False


def _mark_link_lists(lines: list[str], labels: list[Label | None], prose: list[bool], linked: list[float],
                     main: list[bool] | None) -> None:
    """Runs of LINK_RUN or more lines that are links and nothing else, outside the markup's main content:
    menus, tag clouds, related stories. Inside it a list of links is the article's own, unless it is a long
    run of one- to three-word links (a category menu the main element also wraps)."""
    run: list[int] = []
    for index in [*range(len(lines)), len(lines)]:
        inside = main is not None and index < len(lines) and main[index]
        if index < len(lines) and (not lines[index].strip() or (linked[index] >= LINK_LINE and not prose[index]
                                                                and (not inside or words(lines[index]) <= 3))):
            if lines[index].strip():
                run.append(index)
            continue
        menu = main is not None and any(main[row] for row in run)  # inside the main content: a long run only
        if len(run) >= LINK_RUN and (not menu or len(run) >= MENU_RUN):
            for row in run:
                labels[row] = labels[row] or Label("link-list", "navigation")
        run = []


def _subheading(lines: list[str], labels: list[Label | None], prose: list[bool], index: int) -> bool:
    """The line stands alone between two paragraphs of prose that nothing claimed: a subheading of the
    article ("Discussion", "Israel / Gaza"), not a menu, a breadcrumb or a section marker after it."""
    neighbours = (_next_nonblank(lines, index, -1), _next_nonblank(lines, index, 1))
    return all(row is not None and prose[row] and labels[row] is None for row in neighbours)


def _thread_follows(lines: list[str], prose: list[bool], index: int, look: int = 6) -> bool:
    """Under a comments marker, the shape of a thread: names, votes and dates (short lines that are no
    prose) between the comments, however long the comments run."""
    return sum(not prose[row] and words(lines[row]) <= SHORT_LINE_WORDS for row in _following(lines, index, look)) >= 2


def _article_resumes(lines: list[str], labels: list[Label | None], prose: list[bool], index: int) -> bool:
    """After the marker, a list of links or headlines and then paragraphs of prose running on: an inline box in the
    middle of the article ("Related articles", three links, and the story goes on), not its tail."""
    rows = _following(lines, index, len(lines))
    listed = 0
    while listed < len(rows) and words(lines[rows[listed]]) <= LISTED_WORDS and (
            not is_sentence(lines[rows[listed]]) or lines[rows[listed]].rstrip().endswith(TRUNCATED)):
        listed += 1
    following = rows[listed : listed + RESUMING_PARAGRAPHS]
    return listed > 0 and len(following) == RESUMING_PARAGRAPHS and all(
        prose[row] and labels[row] is None for row in following) and sum(
        words(lines[row]) for row in following) >= RESUMING_WORDS


def _chrome_follows(lines: list[str], labels: list[Label | None], index: int, look: int = 8) -> bool:
    """More chrome soon after a marker (another section, a dateline, "x minutes ago", share buttons):
    stacked page sections after the article, not an inline box inside it."""
    return any(labels[row] is not None for row in _following(lines, index, look))


def _following(lines: list[str], index: int, look: int) -> list[int]:
    """The first `look` non-blank lines after `index`."""
    return list(itertools.islice((row for row in range(index + 1, len(lines)) if lines[row].strip()), look))


def _running_prose(lines: list[str], labels: list[Label | None], prose: list[bool], index: int) -> int:
    """Words of the prose after `index` that runs on for two or more paragraphs, as an article does; teasers
    and comments stand one at a time between chrome. Short unclaimed fragments (link text) do not break a run."""
    total, run, run_words = 0, 0, 0
    for row in range(index + 1, len(lines) + 1):
        line = lines[row] if row < len(lines) else ""
        if row < len(lines) and (not line.strip() or (labels[row] is None and not prose[row] and words(line) <= 3)):
            continue
        if row < len(lines) and prose[row] and labels[row] is None:
            run, run_words = run + 1, run_words + words(line)
            continue
        total += run_words if run >= 2 else 0
        run, run_words = 0, 0
    return total


def _mark_repeats(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Short lines that recur three or more times in one page next to other chrome: button groups
    ("Share", "Pin", "Download" under every teaser). Repeated table cells inside content stay."""
    counts: dict[str, int] = {}
    for row, line in enumerate(lines):
        if line.strip() and not prose[row]:
            counts[line.strip().casefold()] = counts.get(line.strip().casefold(), 0) + 1
    repeated = [row for row, line in enumerate(lines)
                if counts.get(line.strip().casefold(), 0) >= REPEATS_IN_PAGE and 0 < words(line) <= 4
                and not prose[row]]
    changed = True
    while changed:
        changed = False
        for row in repeated:
            if labels[row] is None and any(
                other is not None and labels[other] is not None
                for other in (_next_nonblank(lines, row, -1), _next_nonblank(lines, row, 1))
            ):
                labels[row] = Label("repeated-in-page", "navigation")
                changed = True


def _mark_banners(lines: list[str], labels: list[Label | None]) -> None:
    """Lines in another script than the document's, carrying a phone number or beside such a line."""
    text = "\n".join(lines)
    if text.isascii() or not PHONE.search(text):  # one script only; or no number, which every banner carries
        return
    scripts = [line_scripts(line) for line in lines]
    totals: dict[str, int] = {}
    for counts in scripts:
        for script, count in counts.items():
            totals[script] = totals.get(script, 0) + count
    main, letters = dominant(totals), sum(totals.values())
    # Another script is foreign when it is a small part of the page: where two scripts share it about evenly,
    # removing a line or two would flip which one is foreign, and cleaning would not stay a fixed point.
    minor = {script for script, count in totals.items() if count < FOREIGN_SHARE * letters}
    foreign = [bool(line.strip()) and dominant(s) not in (None, main) and dominant(s) in minor
               for line, s in zip(lines, scripts, strict=True)]
    for index, line in enumerate(lines):
        if foreign[index] and labels[index] is None and _has_phone(line):
            labels[index] = Label("foreign-script-banner", "banner")
            for step in (-1, 1):  # the rest of the banner: adjacent foreign-script lines, blanks between
                other = index + step
                while 0 <= other < len(lines) and (foreign[other] or not lines[other].strip()):
                    if foreign[other] and labels[other] is None:
                        labels[other] = Label("foreign-script-banner", "banner")
                    other += step


def _has_phone(line: str) -> bool:
    return any(sum(ch.isdigit() for ch in m.group()) >= PHONE_DIGITS for m in PHONE.finditer(line))


def _mark_shapes(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Breadcrumbs, date lines, and short fragments stuck to a byline in the head of the page."""
    byline_rows = []
    for index, line in enumerate(lines):
        if labels[index] is not None or not line.strip():
            continue
        text = line.strip()
        if not prose[index] and BREADCRUMB.match(text) and words(text) <= 8 \
                and not _subheading(lines, labels, prose, index):
            labels[index] = Label("breadcrumb", "navigation")
        elif (not prose[index] or words(text) <= DATELINE_WORDS) and dates.is_date_line(text):
            # a short prose-shaped line may be one: "By Jane Smith March 12, 2024 2:30 p.m." ends like a sentence
            labels[index] = Label("dateline", "byline")
            byline_rows.append(index)
    if not byline_rows:
        return
    head_limit = _nth_prose(prose, 3)
    for row in byline_rows:
        if row > head_limit:
            continue
        for step in (-1, 1):
            other = _next_nonblank(lines, row, step)
            if other is None or labels[other] is not None or prose[other]:
                continue
            text = lines[other].strip()
            if words(text) <= 3 and not is_sentence(text) and not BULLET.match(text) and other != 0:
                labels[other] = Label("byline-fragment", "byline")


def _mark_date_lists(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Runs of three or more non-prose lines holding two or more dates: headline lists, not article. The
    dates of table rows (cells apart by tabs) are data: a time series is no list of stories."""
    run: list[int] = []
    for index in [*range(len(lines)), len(lines)]:
        if index < len(lines) and (not lines[index].strip() or not prose[index]):
            if lines[index].strip():
                run.append(index)
            continue
        if len(run) >= 3 and sum(("\t" not in lines[row] and dates.has_date(lines[row]))
                                 or labels[row] == Label("time-ago", "byline") for row in run) >= 2:
            for row in run:
                if labels[row] is None:
                    labels[row] = Label("headline-list", "related")
        run = []


def _mark_box(lines: list[str], labels: list[Label | None], index: int, label: Label) -> None:
    """An inline box: the headlines listed right under a section marker that did not end the article."""
    for row in range(index + 1, len(lines)):
        text = lines[row].strip()
        if not text:
            continue
        listed = dates.is_headline(text) or text.endswith(TRUNCATED)  # a headline, or a teaser's cut short
        if labels[row] is not None or not (listed and text[0].isupper()):
            return
        labels[row] = label


def _mark_story_lists(lines: list[str], labels: list[Label | None], prose: list[bool]) -> None:
    """Lists of stories or comments: three or more dates or "x ago" lines recurring every few lines, each
    with a headline, teaser or comment around it. Dated article sections (a timeline) are protected by
    requiring times of day or relative times ("2h ago"), or a place in the last half of the page's prose."""
    rows = [row for row in range(len(lines)) if lines[row].strip()]
    position = {row: rank for rank, row in enumerate(rows)}
    dated = [row for row in rows if labels[row] is not None and labels[row].rule in ("dateline", "time-ago")]
    half = sum(words(lines[row]) for row in rows if prose[row]) / 2
    seen, prose_before = 0, {}
    for row in rows:
        prose_before[row] = seen
        seen += words(lines[row]) if prose[row] else 0
    clusters: list[list[int]] = []
    for row in dated:
        if clusters and position[row] - position[clusters[-1][-1]] <= STORY_PERIOD:
            clusters[-1].append(row)
        else:
            clusters.append([row])
    for cluster in clusters:
        if len(cluster) < 3:
            continue
        stamped = all(labels[row].rule == "time-ago" or dates.TIME.search(lines[row]) for row in cluster)
        if not stamped and prose_before[cluster[0]] < half:
            continue
        period = min(position[b] - position[a] for a, b in itertools.pairwise(cluster))
        first = position[cluster[0]]
        while first > 0 and position[cluster[0]] - first < period - 1 and not _in_prose_run(rows, prose, first - 1):
            first -= 1
        first = rows[first]
        last = rows[min(len(rows) - 1, position[cluster[-1]] + period - 1)]
        for row in range(first, last + 1):
            if labels[row] is None and lines[row].strip():
                labels[row] = Label("story-list", "related")


def _in_prose_run(rows: list[int], prose: list[bool], rank: int) -> bool:
    """The rank-th non-blank line is prose following prose: a paragraph of a body, not a lone teaser."""
    return rank > 0 and prose[rows[rank]] and prose[rows[rank - 1]]


def _nth_prose(prose: list[bool], n: int) -> int:
    seen = 0
    for index, is_p in enumerate(prose):
        seen += is_p
        if seen >= n:
            return index
    return len(prose)


def _next_nonblank(lines: list[str], row: int, step: int) -> int | None:
    other = row + step
    while 0 <= other < len(lines):
        if lines[other].strip():
            return other
        other += step
    return None
