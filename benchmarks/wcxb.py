"""`make bench` on the WCXB article pages: the whole pipeline over the saved HTML and over their plain-text
scrapes, scored with the benchmark's own metric, beside trafilatura and resiliparse run on the same pages
in the same run (when installed), with pages per second, title and date accuracy.

The pages are read from ../shared/bench/wcxb, never copied into the repository.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from benchmarks.trafeval import same_author
from pipeline.cleaning.clean import clean
from pipeline.config import Config

TOKEN = re.compile(r"\w+")


def token_scores(prediction: str, gold: str) -> tuple[float, float, float]:
    """The benchmark's metric for one page: (precision, recall, F1) of lowercased \\w+ token multisets."""
    predicted, wanted = Counter(TOKEN.findall(prediction.lower())), Counter(TOKEN.findall(gold.lower()))
    shared = sum((predicted & wanted).values())
    p = shared / sum(predicted.values()) if predicted else 0.0
    r = shared / sum(wanted.values()) if wanted else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def mean_scores(pairs: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """(F1, P, R): means over all pages; a page with no prediction scores 0."""
    scores = [token_scores(prediction, gold) for prediction, gold in pairs]
    count = len(scores) or 1
    return (sum(s[2] for s in scores) / count, sum(s[0] for s in scores) / count, sum(s[1] for s in scores) / count)


def same_title(found: str | None, gold: str | None) -> bool:
    return bool(gold) and " ".join((found or "").split()).casefold() == " ".join(gold.split()).casefold()


def load(folder: Path) -> tuple[dict[str, bytes], dict[str, dict], list[dict]]:
    """The pages' HTML by id, their ground truth by id, and the text-mode lines."""
    truth = {path.stem: json.loads(path.read_text())["ground_truth"]
             for path in sorted((folder / "ground-truth").glob("*.json"))}
    pages = {page: gzip.decompress((folder / "html" / f"{page}.html.gz").read_bytes()) for page in truth}
    textmode = [json.loads(line) for line in (folder / "textmode.jsonl").read_text().split("\n") if line.strip()]
    return pages, truth, textmode


def row(name: str, f1: float, p: float, r: float, extra: str = "") -> str:
    return f"| {name:<44} | {f1:.3f} | {p:.3f} | {r:.3f} |{extra}"


def bench(folder: Path) -> None:
    """Print the WCXB tables: HTML (with title, date and speed) and text mode."""
    from benchmarks.bench import EXTRACTION, run_pipeline_records  # the shared runner; here to avoid a cycle

    if not folder.exists():
        print(f"\n## WCXB: {folder} not found; skipped")
        return
    pages, truth, textmode = load(folder)
    gold = {page: truth[page].get("main_content") or "" for page in pages}
    titled = [page for page in pages if truth[page].get("title")]
    dated = [page for page in pages if truth[page].get("publish_date")]
    records, seconds = run_pipeline_records({f"{page}.html": data for page, data in pages.items()}, 2, EXTRACTION)
    found = {page: records.get(f"{page}.html") for page in pages}
    print(f"\n## WCXB articles: {len(pages)} saved pages of 700+ sites as one seed folder")
    authored = [page for page in pages if truth[page].get("author")]
    print(f"| {'system':<44} | F1    | P     | R     | title   | date    | author  | pages/s | ms/page |")
    print(f"|{'-' * 46}|-------|-------|-------|---------|---------|---------|---------|---------|")
    config = Config.load()
    ms = per_page(lambda page: clean(f"{page}.html", pages[page], config), list(pages))
    titles = sum(same_title(found[page] and found[page]["metadata"]["title"], truth[page]["title"]) for page in titled)
    dates = sum(bool(found[page]) and found[page]["created"] == truth[page]["publish_date"] for page in dated)
    authors = sum(bool(found[page]) and same_author(found[page]["metadata"]["author"], truth[page]["author"])
                  for page in authored)
    f1, p, r = mean_scores(((found[page] or {}).get("text", ""), gold[page]) for page in pages)
    print(row("this pipeline (whole run, 2 workers)", f1, p, r, f" {titles:>3}/{len(titled)} | "
              f"{dates:>3}/{len(dated)} | {authors:>3}/{len(authored)} | {len(pages) / seconds:7.1f} | {ms:7.1f} |"
              "  <- target F1 >= 0.955, authors >= 75%"))
    _peers(pages, truth, gold, titled, dated, authored)
    print("| trafilatura 2.3.1, default (README)          | 0.937 | 0.940 | 0.954 | 414/793 | 558/659 |         |")
    print("| resiliparse 2.0.1, main_content (README)     | 0.874 | 0.852 | 0.939 |         |         |")
    print(language_agreement(found.values()))
    texts, seconds = run_pipeline_records({f"{page['id']}.txt": page["raw_text"].encode() for page in textmode}, 2,
                                          EXTRACTION)
    f1, p, r = mean_scores(((texts.get(f"{page['id']}.txt") or {}).get("text", ""), page["gold_text"])
                           for page in textmode)
    print(f"\n## WCXB text mode: the same {len(textmode)} pages as plain-text scrapes (raw_text)")
    print(f"| {'system':<44} | F1    | P     | R     |\n|{'-' * 46}|-------|-------|-------|")
    print(row("this pipeline", f1, p, r, "  <- target F1 >= 0.92"))
    print(row("nothing removed (README)", 0.797, 0.0, 0.0).replace("0.000 | 0.000", "      |      "))


def language_agreement(records: Iterable[dict | None]) -> str:
    """How often the language the pipeline found is the one the page's <html lang> declares."""
    pairs = [(r["metadata"]["language"], r["metadata"]["declared_language"].split("-")[0].lower())
             for r in records if r and r["metadata"].get("declared_language")]
    agree = sum(found == declared for found, declared in pairs)
    return f"language of the kept text agrees with <html lang> on {agree}/{len(pairs)} pages"


def per_page(work: Callable[[str], object], pages: list[str]) -> float:
    """Milliseconds one page takes to clean in this process (decode, repair, extract, strip, metadata)."""
    started = time.perf_counter()
    for page in pages:
        work(page)
    return (time.perf_counter() - started) / len(pages) * 1000


def _peers(pages: dict[str, bytes], truth: dict, gold: dict, titled: list[str], dated: list[str],
           authored: list[str]) -> None:
    """trafilatura and resiliparse on the same pages, when the `bench` extra installed them."""
    try:
        import trafilatura
    except ImportError:
        print("| trafilatura not installed (pip install '.[bench]') to run it here |")
    else:
        started, texts, metas = time.perf_counter(), {}, {}
        for page, data in pages.items():  # bytes: trafilatura decodes them itself
            texts[page] = trafilatura.extract(data) or ""
            metas[page] = trafilatura.extract_metadata(data)
        rate = len(pages) / (time.perf_counter() - started)
        titles = sum(same_title(metas[page] and metas[page].title, truth[page]["title"]) for page in titled)
        dates = sum(bool(metas[page]) and metas[page].date == truth[page]["publish_date"] for page in dated)
        authors = sum(bool(metas[page]) and same_author(metas[page].author, truth[page]["author"]) for page in authored)
        f1, p, r = mean_scores((texts[page], gold[page]) for page in pages)
        print(row(f"trafilatura {trafilatura.__version__}, default, same run", f1, p, r,
                  f" {titles:>3}/{len(titled)} | {dates:>3}/{len(dated)} | {authors:>3}/{len(authored)} | "
                  f"{rate:7.1f} | {1000 / rate:7.1f} |"))
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        print("| resiliparse not installed here                |")
    else:
        started = time.perf_counter()
        texts = {page: extract_plain_text(HTMLTree.parse(data.decode("utf-8", "replace")), main_content=True)
                 for page, data in pages.items()}
        rate = len(pages) / (time.perf_counter() - started)
        f1, p, r = mean_scores((texts[page], gold[page]) for page in pages)
        print(row("resiliparse, main_content, same run", f1, p, r,
                  f"         |         |         | {rate:7.1f} | {1000 / rate:7.1f} |"))
