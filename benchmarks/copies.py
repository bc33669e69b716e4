"""Copies: which copy of a story the pipeline keeps, and whether trimmed and embedded copies are found.

- Best copy: every AEB page and the first WCXB articles as three copies in one seed folder (the saved HTML
  page, its plain-text scrape, and a lossy re-scrape: the scrape with words swapped and characters lost to
  U+FFFD). Each copy's text is scored against the gold text; a cluster's kept copy
  should be within 0.01 F1 of its best copy. Printed beside the earlier rule (most words, then earliest
  date, then path) on the same copies.
- Containment: articles' gold texts, each with a copy trimmed to 50-75% of its paragraphs (from the top, as
  wire copies are cut) and a copy embedded between a local intro and outro; and controls that must never
  merge: two different stories sharing one paragraph, and two sharing a boilerplate paragraph.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path

from benchmarks.wcxb import token_scores
from pipeline.cleaning.clean import clean
from pipeline.config import Config
from pipeline.dedup import minhash
from pipeline.documents import Document

WCXB_PAGES = 200  # WCXB articles used beside the 181 AEB pages
BOILERPLATE = "This article was produced with support from the regional journalism fund and its partners."


def _articles(root: Path) -> list[tuple[str, bytes, str, str]]:
    """(id, HTML, text scrape, gold text) of the AEB pages and the first WCXB articles."""
    found = []
    aeb = root / "aeb"
    if aeb.exists():
        truth = json.loads((aeb / "ground-truth.json").read_text())
        for line in (aeb / "textmode.jsonl").read_text().split("\n"):
            if line.strip():
                record = json.loads(line)
                html = gzip.decompress((aeb / "html" / f"{record['id']}.html.gz").read_bytes())
                found.append((f"aeb-{record['id']}", html, record["raw_text"], truth[record["id"]]["articleBody"]))
    wcxb = root / "wcxb"
    if wcxb.exists():
        lines = [json.loads(line) for line in (wcxb / "textmode.jsonl").read_text().split("\n") if line.strip()]
        for record in lines[:WCXB_PAGES]:
            html = gzip.decompress((wcxb / "html" / f"{record['id']}.html.gz").read_bytes())
            found.append((f"wcxb-{record['id']}", html, record["raw_text"], record["gold_text"]))
    return found


def lossy(text: str, rng: random.Random) -> str:
    """A worse copy: 3% of its words swapped for others of the text, and a few characters lost to U+FFFD."""
    words = text.split(" ")
    for index in rng.sample(range(len(words)), len(words) * 3 // 100):
        words[index] = rng.choice(words)
    for index in rng.sample(range(len(words)), min(3, len(words))):
        if words[index]:
            words[index] = words[index][:-1] + "\ufffd"
    return " ".join(words)


def bench(root: Path, run: Callable[[dict[str, bytes]], tuple[dict[str, dict], float]]) -> None:
    """Print the best-copy and containment tables (`run`: benchmarks.bench.run_pipeline_records)."""
    articles = _articles(root)
    if not articles:
        print(f"\n## Copies: no AEB or WCXB pages under {root}; skipped")
        return
    _best_copy(articles, run)
    _containment(articles, run)


def _best_copy(articles: list[tuple[str, bytes, str, str]], run: Callable) -> None:
    rng = random.Random(5)
    config = Config.load()
    files: dict[str, bytes] = {}
    for name, html, scrape, _ in articles:
        files[f"page/{name}.html"] = html
        files[f"scrape/{name}.txt"] = scrape.encode()
        files[f"lossy/{name}.txt"] = lossy(scrape, rng).encode()
    records, _ = run(files)
    close = close_before = lossy_kept = lossy_before = untitled = clusters = 0
    for name, _, _, gold in articles:
        copies = {path: clean(path, data, config) for path, data in files.items() if f"/{name}." in path}
        docs = {path: d for path, d in copies.items() if isinstance(d, Document)}
        if len(docs) < 2:
            continue
        clusters += 1
        f1 = {path: token_scores(d.text, gold)[0] for path, d in docs.items()}
        best = max(f1.values())
        anchor = next(iter(docs))  # the page copy, unless cleaning rejected it: its cluster's kept copy
        kept = (records.get(anchor) or {}).get("metadata", {}).get("path")
        kept = kept if kept in docs else None
        before = min(docs, key=lambda p: (-len(minhash.tokens(docs[p].text)), docs[p].created or "9999", p))
        close += kept is not None and f1[kept] >= best - 0.01
        close_before += f1[before] >= best - 0.01
        clean_copies = [p for p, d in docs.items() if "\ufffd" not in d.text]
        lossy_kept += bool(kept and clean_copies and "\ufffd" in docs[kept].text)
        lossy_before += bool(clean_copies and "\ufffd" in docs[before].text)
        titled = any(d.metadata.get("title") for d in docs.values())
        untitled += bool(titled and kept and not records[kept]["metadata"].get("title"))
    print(f"\n## Copies: {len(articles)} articles (AEB, WCXB) as page, text scrape and lossy copy in one folder")
    print("| which copy is kept                         | this rule | earlier rule (most words) |")
    print("|--------------------------------------------|-----------|---------------------------|")
    print(f"| within 0.01 F1 of the cluster's best copy  | {close / clusters:8.1%}  | {close_before / clusters:8.1%}"
          f"                  |  <- target at least 93%")
    print(f"| a U+FFFD copy kept over a clean one        | {lossy_kept:>9} | {lossy_before:>9}                 |"
          "  <- target 0")
    print(f"| kept without a title a copy had           | {untitled:>9} |                           |  <- target 0")
    print(f"({clusters} clusters with two or more copies kept by cleaning)")


def _containment(articles: list[tuple[str, bytes, str, str]], run: Callable) -> None:
    rng = random.Random(9)
    stories = [[p for p in gold.split("\n") if len(p.split()) >= 8] for *_, gold in articles]
    stories = [s for s in stories if len(s) >= 6]
    rng.shuffle(stories)
    half = len(stories) // 2
    files: dict[str, bytes] = {}
    trimmed, embedded = [], []
    for n, story in enumerate(stories[:half]):
        local = stories[half + n % (len(stories) - half)]
        share = (0.5, 0.6, 0.75)[n % 3]
        files[f"whole/{n}.txt"] = "\n".join(story).encode()
        files[f"trimmed/{n}.txt"] = "\n".join(story[: max(1, round(len(story) * share))]).encode()
        trimmed.append(n)
        if n % 2 == 0:  # every other story also appears inside a local page, kept whole beside it
            files[f"embedded/{n}.txt"] = "\n".join([*local[:2], *story, *local[-2:]]).encode()
            embedded.append(n)
    controls = 0
    for n in range(half, len(stories) - 1, 2):
        one, two = stories[n], stories[n + 1]
        files[f"control/shared-{n}-a.txt"] = "\n".join(one).encode()
        files[f"control/shared-{n}-b.txt"] = "\n".join([*two[:5], one[len(one) // 2]]).encode()
        files[f"control/boiler-{n}-a.txt"] = "\n".join([*one[1:], BOILERPLATE]).encode()
        files[f"control/boiler-{n}-b.txt"] = "\n".join([*two[1:], BOILERPLATE]).encode()
        controls += 2
    records, _ = run(files)
    whole_id = {n: (records.get(f"whole/{n}.txt") or {}).get("id") for n in trimmed}
    found = sum(bool(whole_id[n]) and (records.get(f"trimmed/{n}.txt") or {}).get("id") in
                {whole_id[n], (records.get(f"embedded/{n}.txt") or {}).get("id")} for n in trimmed)
    inside = sum((records.get(f"whole/{n}.txt") or {}).get("id") == (records.get(f"embedded/{n}.txt") or {}).get("id")
                 for n in embedded)
    merged = sum(1 for n in range(half, len(stories) - 1, 2) for kind in ("shared", "boiler")
                 if records.get(f"control/{kind}-{n}-a.txt", {}).get("id")
                 == records.get(f"control/{kind}-{n}-b.txt", {}).get("id"))
    print(f"\n## Contained copies: {len(trimmed)} stories trimmed to 50-75% of their paragraphs, {len(embedded)} also"
          f" embedded in a local page, {controls} control pairs")
    print(f"trimmed copies found: {found} of {len(trimmed)} ({found / len(trimmed):.1%}; target at least 95%); "
          f"embedded stories found: {inside} of {len(embedded)}; control pairs merged: {merged} of {controls} "
          "(target 0)")
