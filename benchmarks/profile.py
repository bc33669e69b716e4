"""Where one document's cleaning time goes, stage by stage: the table `make bench-scale` prints.

Runs the cleaning of a shard's seeds in this process, as a CleanShard task does (read, clean, sign, encode),
with a timer around each stage's entry point; "other" is what no timer covers (clean()'s own glue, the
quality checks).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.cleaning import authors, containers, html_extract, language, page_type, title_and_date
from pipeline.cleaning import clean as clean_module
from pipeline.config import Config
from pipeline.dedup import minhash
from pipeline.documents import Document
from pipeline.run.clean_stage import limits
from pipeline.store.files import dumps

# stage -> (module, function names): the entry points the stage is timed at, as clean() calls them.
STAGES = {
    "containers": (containers, ("records",)),
    "decode": (clean_module, ("decode",)),
    "extract (HTML)": (html_extract, ("extract",)),
    "repair (ftfy)": (clean_module, ("repair",)),
    "boilerplate": (clean_module, ("classify",)),
    "title and date": (title_and_date, ("markup_title", "title_row", "dateline", "date_of", "choose_title")),
    "language": (language, ("identify",)),
    "page type": (page_type, ("classify",)),
    "author": (authors, ("choose",)),
}


def _timed(spent: dict[str, float], stage: str, function: Callable) -> Callable:
    @functools.wraps(function)
    def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] += time.perf_counter() - started
    return timed


def profile(seeds: Path, sample: int = 2000) -> dict[str, float]:
    """Milliseconds per document spent in each stage over the first `sample` seeds of a folder, printed
    as a table; returns the figures."""
    config = Config.load()
    paths = sorted(path for path in seeds.rglob("*") if path.is_file())[:sample]
    spent = dict.fromkeys([*STAGES, "signatures", "writing", "other"], 0.0)
    originals = [(module, name, getattr(module, name)) for stage, (module, names) in STAGES.items() for name in names]
    for stage, (module, names) in STAGES.items():
        for name in names:
            setattr(module, name, _timed(spent, stage, getattr(module, name)))
    documents: list[Document] = []
    started = time.perf_counter()
    try:
        clean_module.clean("warm-up.txt", paths[0].read_bytes(), config)  # the language model and rules load once
        spent.update(dict.fromkeys(spent, 0.0))
        started = time.perf_counter()
        for path in paths:
            for record in containers.records(path.name, path.read_bytes(), limits(config)):
                outcome = clean_module.clean(path.name, record.data, config, record)
                if isinstance(outcome, Document):
                    documents.append(outcome)
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
    cleaning = time.perf_counter() - started
    timer = time.perf_counter()
    tokens = [minhash.tokens(document.text) for document in documents]
    shingles = minhash.shingle_hashes_many(tokens, config.dedup.shingle_words, config.dedup.short_words)
    minhash.Signer(config.dedup.num_perm).sign(shingles)
    spent["signatures"] = time.perf_counter() - timer
    timer = time.perf_counter()
    for document in documents:
        dumps(document.to_dict())
    spent["writing"] = time.perf_counter() - timer
    spent["other"] = cleaning - sum(spent[stage] for stage in STAGES)
    total = sum(spent.values())
    print(f"\nWhere a document's time goes (one process, {len(paths)} seeds, {len(documents)} documents kept; "
          "ms per seed):")
    print("| stage | ms | share |")
    print("|---|---|---|")
    for stage, seconds in spent.items():
        print(f"| {stage} | {seconds * 1000 / len(paths):.2f} | {seconds / total:.0%} |")
    print(f"| all | {total * 1000 / len(paths):.2f} | 100% |")
    return {stage: seconds * 1000 / len(paths) for stage, seconds in spent.items()}
