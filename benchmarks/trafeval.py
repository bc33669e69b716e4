"""`make bench` on trafilatura's evaluation pages (development half, mostly German): the whole pipeline over
the saved HTML and over plain-text scrapes of the same pages, scored with that set's own metric (must /
must-not snippets), with title, date and author accuracy, beside trafilatura run in the same process.

The pages are read from ../shared/bench/trafeval-dev, never copied into the repository.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, Comment

# What a plain-text scrape drops, exactly as the other sets' textmode.jsonl were built.
NOT_VISIBLE = ("script", "style", "noscript", "template", "svg", "head")


def load(folder: Path) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The pages' bytes by id, and their gold entries by id."""
    gold = json.loads((folder / "gold.json").read_text())
    pages = {page: gzip.decompress((folder / "html" / f"{page}.html.gz").read_bytes()) for page in sorted(gold)}
    return pages, gold


def text_scrape(data: bytes) -> str:
    """Every visible text node of the page, one per line: what a plain-text scraper keeps."""
    soup = BeautifulSoup(data, "lxml")
    for element in soup.find_all(NOT_VISIBLE):
        element.decompose()
    lines = (" ".join(node.split()) for node in soup.find_all(string=True) if not isinstance(node, Comment))
    return "\n".join(line for line in lines if line)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def snippets(scored: dict[str, str], gold: dict[str, dict]) -> tuple[float, float, float]:
    """The set's metric: (F1, P, R) over snippet counts summed over all pages; scored text is title + text."""
    tp = fp = fn = 0
    for page, entry in gold.items():
        text = _collapsed(scored.get(page, ""))
        for snippet in entry.get("with") or ():
            found = _collapsed(snippet) in text
            tp, fn = tp + found, fn + (not found)
        fp += sum(_collapsed(snippet) in text for snippet in entry.get("without") or ())
    p, r = tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
    return 2 * tp / ((2 * tp + fp + fn) or 1), p, r


# Words that only join names: the pipeline writes several authors as "A, B", gold often as "A and B".
JOINING = frozenset(("and", "und", "et", "y", "e", "&"))


def same_author(found: str | None, gold: str | list[str]) -> bool:
    """The set's author test: the same set of words after NFKC and case folding (\\w+ words, joining words
    left out)."""
    def words(name: str) -> set[str]:
        return set(re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold())) - JOINING
    return bool(found) and words(found) == words(gold if isinstance(gold, str) else ", ".join(gold))


def accuracy(meta: dict[str, dict], gold: dict[str, dict]) -> tuple[int, int, int]:
    """Titles, dates and authors right, from per-page {title, date, author} found."""
    title = sum(_collapsed(meta[p].get("title") or "").casefold() == _collapsed(g["title"]).casefold()
                for p, g in gold.items() if g.get("title"))
    date = sum(meta[p].get("date") == g["date"] for p, g in gold.items() if g.get("date"))
    author = sum(same_author(meta[p].get("author"), g["author"]) for p, g in gold.items() if g.get("author"))
    return title, date, author


def comment_snippets(records: dict[str, dict], gold: dict[str, dict]) -> tuple[int, int, int]:
    """Comment snippets (of the pages whose gold lists them) found in metadata.comments, and found in text."""
    listed = found = leaked = 0
    for page, entry in gold.items():
        record = records.get(f"{page}.html") or {}
        comments = _collapsed(" ".join(c["text"] for c in record.get("metadata", {}).get("comments") or ()))
        text = _collapsed(record.get("text", ""))
        for snippet in entry.get("comments") or ():
            listed += 1
            found += _collapsed(snippet) in comments
            leaked += _collapsed(snippet) in text
    return listed, found, leaked


def row(name: str, figures: tuple[float, float, float], counts: tuple[int, int, int], gold: dict, extra: str) -> str:
    have = [sum(bool(g.get(key)) for g in gold.values()) for key in ("title", "date", "author")]
    right = " | ".join(f"{c:>3}/{n}" for c, n in zip(counts, have, strict=True))
    return f"| {name:<40} | {figures[0]:.3f} | {figures[1]:.3f} | {figures[2]:.3f} | {right} |{extra}"


def bench(folder: Path, run: Callable[..., tuple[dict[str, dict], float]], settings: str) -> None:
    """Print the trafeval-dev table: HTML and text scrapes through the pipeline, trafilatura beside them."""
    if not folder.exists():
        print(f"\n## trafeval-dev: {folder} not found; skipped")
        return
    pages, gold = load(folder)
    print(f"\n## trafeval-dev: {len(pages)} pages (mostly German), snippets found in title + text")
    print(f"| {'system':<40} | F1    | P     | R     | title   | date    | author  | ms/page |")
    print(f"|{'-' * 42}|-------|-------|-------|---------|---------|---------|---------|")
    for form, files, target in (
            ("HTML", {f"{page}.html": data for page, data in pages.items()}, 0.94),
            ("text scrape", {f"{page}.txt": text_scrape(data).encode() for page, data in pages.items()}, 0.88)):
        records, seconds = run(files, 2, settings)
        found = {page: records.get(f"{page}.{'html' if form == 'HTML' else 'txt'}") for page in pages}
        scored = {page: f"{r['metadata']['title'] or ''} {r['text']}" for page, r in found.items() if r}
        meta = {page: {"title": r and r["metadata"]["title"], "date": r and r["created"],
                       "author": r and r["metadata"].get("author")} for page, r in found.items()}
        print(row(f"this pipeline, {form} (whole run)", snippets(scored, gold), accuracy(meta, gold), gold,
                  f" {seconds / len(pages) * 1000:7.1f} |  <- target F1 >= {target}"))
    _trafilatura(pages, gold)
    print("| trafilatura 2.3.1 (README)               | 0.928 | 0.904 | 0.953 | 231/403 | 304/351 | 147/258 |")
    records, _ = run({f"{page}.html": data for page, data in pages.items()}, 2,
                     settings + "[extract]\ncomments = true\n")
    listed, found, leaked = comment_snippets(records, gold)
    pages_with = sum(bool(g.get("comments")) for g in gold.values())
    print(f"\nWith `comments = true`: {found} of {listed} gold comment snippets ({pages_with} pages) found in "
          f"metadata.comments; {leaked} in text.")


def _trafilatura(pages: dict[str, bytes], gold: dict[str, dict]) -> None:
    """trafilatura's extract and extract_metadata on the same bytes, when the bench extra installed it."""
    try:
        import trafilatura
    except ImportError:
        print("| trafilatura not installed (pip install '.[bench]') to run it here |")
        return
    started, scored, meta = time.perf_counter(), {}, {}
    for page, data in pages.items():
        text, found = trafilatura.extract(data) or "", trafilatura.extract_metadata(data)
        title = found.title if found else None
        scored[page] = f"{title or ''} {text}"
        meta[page] = {"title": title, "date": found and found.date, "author": found and found.author}
    ms = (time.perf_counter() - started) / len(pages) * 1000
    print(row(f"trafilatura {trafilatura.__version__}, same run", snippets(scored, gold), accuracy(meta, gold),
              gold, f" {ms:7.1f} |"))
