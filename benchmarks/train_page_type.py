"""Rebuild pipeline/cleaning/page_type_model.json from the WCXB development pages, validated by site.

Data: ../shared/bench/wcxb (793 articles) and ../shared/bench/wcxb-other (704 pages of six other types, each
labelled in ground-truth/ID.json `_internal.page_type.primary`), as HTML and as plain-text scrapes (the
articles' textmode.jsonl; the others' scrapes built the same way here). The WCXB test split is never read.
Model: multinomial logistic regression (scikit-learn, needed only here) over page_type.features(), one for
HTML and one for text; folds by site (GroupKFold on the URL's host), so no site is both learned and judged.

    .venv/bin/python -m benchmarks.train_page_type [--bench ../shared/bench] [--write]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from bs4 import BeautifulSoup, Comment
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from pipeline.cleaning import page_type
from pipeline.cleaning.clean import read
from pipeline.cleaning.containers import Record
from pipeline.config import Config

HIDDEN = ("script", "style", "noscript", "template", "svg", "head")
C = 0.3  # inverse regularisation: chosen by the by-site folds (0.1-1 all within a point)
FLOORS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # the article floors whose trade-off is printed
FOLDS = 5


def text_scrape(html: str) -> str:
    """What a plain-text scrape keeps: every visible text node, one per line (as the benchmarks' textmode)."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(HIDDEN):
        tag.decompose()
    strings = (s.strip() for s in soup.find_all(string=True) if not isinstance(s, Comment))
    return "\n".join(s for s in strings if s)


def pages(bench: Path) -> list[dict]:
    """Every development page: id, type, site, HTML and text scrape."""
    scrapes = {}
    for line in (bench / "wcxb" / "textmode.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        record = json.loads(line)
        scrapes[record["id"]] = record["raw_text"]
    found = []
    for folder in ("wcxb", "wcxb-other"):
        for truth in sorted((bench / folder / "ground-truth").glob("*.json")):
            gold = json.loads(truth.read_text(encoding="utf-8"))
            html = gzip.decompress((bench / folder / "html" / f"{truth.stem}.html.gz").read_bytes())
            kind = gold["_internal"]["page_type"]["primary"]
            text = scrapes[truth.stem] if folder == "wcxb" else text_scrape(html.decode("utf-8", "replace"))
            site = urlsplit(gold.get("url") or "").hostname or truth.stem  # no URL: a site of its own
            found.append({"id": f"{folder}/{truth.stem}", "type": kind, "site": site, "html": html,
                          "text": text.encode("utf-8")})
    return found


def seen_of(data: bytes, html: bool, config: Config) -> page_type.Seen:
    """What production page typing sees of the page (a text scrape carries no URL; an empty one, nothing)."""
    if not data.strip():
        return page_type.Seen([""], "", None, None)
    seed = read(data, config, Record(None, kind="html" if html else "text"), "page.html" if html else "page.txt")
    return seed.seen(seed.page.url if html else None)


def matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows])


def fit(x: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    scaler.scale_ = scale
    model = LogisticRegression(C=C, max_iter=5000).fit(scaler.transform(x), y)
    return scaler, model


def validate(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Probabilities for every page from the model fitted without its site (columns: sorted classes)."""
    classes = sorted(set(y))
    probabilities = np.zeros((len(y), len(classes)))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        scaler, model = fit(x[train], y[train])
        probabilities[test] = model.predict_proba(scaler.transform(x[test]))
    return probabilities


def report(name: str, y: np.ndarray, probabilities: np.ndarray, classes: list[str],
           chosen: float | None = None) -> None:
    """The by-site confusion table of the most likely type, and what each article floor keeps (`chosen`: the
    settings' floor, marked)."""
    predicted = [classes[int(row.argmax())] for row in probabilities]
    right = sum(a == b for a, b in zip(y, predicted, strict=True))
    print(f"\n{name}: type right on {right} of {len(y)} ({right / len(y):.1%}), by-site {FOLDS}-fold validation")
    print("truth \\ found".ljust(15) + "".join(c[:8].rjust(9) for c in classes))
    for truth in classes:
        counts = Counter(p for t, p in zip(y, predicted, strict=True) if t == truth)
        print(truth[:14].ljust(15) + "".join(str(counts[c]).rjust(9) for c in classes))
    article = probabilities[:, classes.index("article")]
    best = np.array(predicted) == "article"
    articles, commercial = y == "article", np.isin(y, ["product", "service", "collection", "listing"])
    for floor in sorted({*FLOORS, *([chosen] if chosen is not None else [])}):
        kept = best | (article >= floor)
        print(f"  article_floor {floor}: articles kept {kept[articles].sum()} of {articles.sum()} "
              f"({kept[articles].mean():.1%}), product/service/collection/listing kept {kept[commercial].sum()} of "
              f"{commercial.sum()} ({kept[commercial].mean():.1%}){'  <- settings' if floor == chosen else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "bench")
    parser.add_argument("--cache", type=Path, help="keep the pages' features in this folder between runs")
    parser.add_argument("--write", action="store_true", help="write the model fitted on all pages")
    args = parser.parse_args(argv)
    config = Config.load()
    found = pages(args.bench)
    y = np.array([page["type"] for page in found])
    groups = np.array([page["site"] for page in found])
    model_file: dict = {"data": ["../shared/bench/wcxb (development split, 793 articles)",
                                 "../shared/bench/wcxb-other (development split, 704 pages of six other types)"],
                        "script": "benchmarks/train_page_type.py"}
    for form in ("html", "text"):
        cached = args.cache / f"{form}.json" if args.cache else None
        if cached and cached.exists():
            rows = json.loads(cached.read_text())
        else:
            rows = [page_type.features(seen_of(page[form], form == "html", config), config.rules)[0] for page in found]
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps(rows))
        names = sorted(rows[0])
        x = matrix(rows, names)
        probabilities = validate(x, y, groups)
        report(f"{form} pages", y, probabilities, sorted(set(y)))
        scaler, model = fit(x, y)
        model_file[form] = {"classes": list(model.classes_), "features": names,
                            "mean": [round(v, 6) for v in scaler.mean_], "scale": [round(v, 6) for v in scaler.scale_],
                            "coef": [[round(v, 5) for v in row] for row in model.coef_],
                            "intercept": [round(v, 5) for v in model.intercept_]}
    if args.write:
        page_type.MODEL.write_text(json.dumps(model_file, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {page_type.MODEL}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
