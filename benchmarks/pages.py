"""Page types: what the pipeline keeps of pages of known type, with default settings and with every type kept.

- WCXB development pages (793 articles, 704 of six other types) through the whole pipeline: kept by type
  with default settings; the page types it records with `keep = ["all"]` against the benchmark's (the shipped
  model learned from these pages, so this table is in-sample), then the same pages validated by site (a
  model fitted without the page's site judges it: the figure that carries to sites never seen);
- articles the page model never saw (AEB as HTML and as text scrapes, trafeval-dev): how many are kept;
- the cost of page typing per page, beside the whole cleaning of the page.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from benchmarks import train_page_type
from pipeline.cleaning import page_type
from pipeline.cleaning.clean import read
from pipeline.cleaning.containers import Record
from pipeline.config import PAGE_TYPES, Config

OTHER = ("product", "service", "collection", "listing")  # what a news corpus should never hold


def bench(root: Path) -> None:
    """Print the page-type tables (root: the folder holding wcxb, wcxb-other, aeb and trafeval-dev)."""
    from benchmarks.bench import run_pipeline_records  # the shared runner; imported here to avoid a cycle

    if not (root / "wcxb-other").exists():
        print(f"\n## Page types: {root / 'wcxb-other'} not found; skipped")
        return
    found = train_page_type.pages(root)
    truth = {page["id"]: page["type"] for page in found}
    files = {f"{page['id']}.html": page["html"] for page in found}
    print(f"\n## Page types: {len(found)} WCXB development pages of seven types as one seed folder")
    kept, _ = run_pipeline_records(files)
    every, _ = run_pipeline_records(files, settings='[pages]\nkeep = ["all"]\n')
    print("| type          | pages | kept, default settings | typed as that type (keep all, in-sample) |")
    print("|---------------|-------|------------------------|------------------------------------------|")
    for kind in sorted(set(truth.values()), key=lambda k: (k != "article", k)):
        ids = [page for page, t in truth.items() if t == kind]
        kept_count = sum(f"{page}.html" in kept for page in ids)
        typed = sum((every.get(f"{page}.html") or {}).get("metadata", {}).get("page_type") == kind for page in ids)
        target = "  <- at least 99%" if kind == "article" else "  <- at most 10% (all four)" if kind in OTHER else ""
        print(f"| {kind:<13} | {len(ids):>5} | {kept_count:>4} ({kept_count / len(ids):>4.0%}){' ' * 11} | "
              f"{typed:>4} ({typed / len(ids):.0%}){' ' * 26} |{target}")
    other = [page for page, t in truth.items() if t in OTHER]
    print(f"product, service, collection and listing pages kept: {sum(f'{p}.html' in kept for p in other)} of "
          f"{len(other)}; articles lost: "
          f"{', '.join(sorted(p for p, t in truth.items() if t == 'article' and f'{p}.html' not in kept)) or 'none'}")
    _validated(found)
    _held_out(root, run_pipeline_records)
    _cost(found)


def _features(job: tuple[bytes, bool]) -> dict[str, float]:
    config = Config.load()
    return page_type.features(train_page_type.seen_of(job[0], job[1], config), config.rules)[0]


def _validated(found: list[dict]) -> None:
    """The model refitted five times, each time without a fifth of the sites, judging the pages of those sites."""
    y = np.array([page["type"] for page in found])
    groups = np.array([page["site"] for page in found])
    with Pool(2) as pool:
        for form in ("html", "text"):
            rows = pool.map(_features, [(page[form], form == "html") for page in found], chunksize=16)
            names = sorted(rows[0])
            probabilities = train_page_type.validate(train_page_type.matrix(rows, names), y, groups)
            train_page_type.report(f"{form} pages, by site", y, probabilities, sorted(set(y)),
                                   Config.load().pages.article_floor)


def _held_out(root: Path, run: object) -> None:
    """Articles of sets the page model never learned from: how many the default settings keep."""
    print("\n| article set (never seen by the page model)  | pages | kept, default settings |")
    print("|---------------------------------------------|-------|------------------------|")
    aeb = root / "aeb"
    sets = {}
    if aeb.exists():
        sets["AEB, HTML"] = {path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes())
                             for path in sorted((aeb / "html").glob("*.html.gz"))}
        sets["AEB, text scrapes"] = {f"{r['id']}.txt": r["raw_text"].encode() for r in
                                     map(json.loads, (aeb / "textmode.jsonl").read_text().split("\n")[:-1])}
    trafeval = root / "trafeval-dev"
    if trafeval.exists():
        sets["trafeval-dev, HTML"] = {path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes())
                                      for path in sorted((trafeval / "html").glob("*.html.gz"))}
    for name, files in sets.items():
        records, _ = run(files)
        print(f"| {name:<43} | {len(files):>5} | {len(records):>4} ({len(records) / len(files):.1%}){' ' * 9} |")


def _cost(found: list[dict], sample: int = 300) -> None:
    """Milliseconds of page typing per page (its phrases, features and model), beside the cleaning it follows."""
    config = Config.load()
    pages = found[:: max(1, len(found) // sample)]
    seeds, started = [], time.perf_counter()
    for page in pages:
        seeds.append(read(page["html"], config, Record(None, kind="html"), "page.html"))
    cleaning = time.perf_counter() - started
    started = time.perf_counter()
    types = Counter(page_type.classify(seed.seen(seed.page.url), config.rules).name for seed in seeds)
    typing = time.perf_counter() - started
    assert set(types) <= set(PAGE_TYPES)
    print(f"\npage typing: {typing / len(pages) * 1000:.2f} ms a page (target at most 2), beside "
          f"{cleaning / len(pages) * 1000:.1f} ms to decode, extract and clean it ({len(pages)} WCXB pages, "
          f"phrase caches cold at the start)")
