"""Benchmarks: `make bench` prints each figure beside the anchors measured on this kind of machine.

Usage: python -m benchmarks.bench [--aeb ../shared/bench/aeb] [--only text,html,...]
The article-extraction benchmark is read from its folder, never copied into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import xxhash
from datasketch import MinHash, MinHashLSH

from benchmarks import copies, languages, profile, synth, trafeval, wcxb
from pipeline.__main__ import main as pipeline_main
from pipeline.cleaning.clean import clean
from pipeline.cleaning.decode import decode
from pipeline.cleaning.repair import TEXT, repair
from pipeline.config import Config
from pipeline.dedup import lsh_bands, minhash
from pipeline.store.files import read_jsonl
from pipeline.store.paths import Layout

TOKEN = re.compile(r"\w+")
DEFAULT_AEB = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "aeb"
HTML_ANCHORS = (
    ("trafilatura 2.3.1, favor_precision (README)", 0.964, 0.958, 0.971),
    ("trafilatura 2.3.1, default (README)", 0.960, 0.942, 0.978),
    ("readability-lxml 0.9 (README)", 0.955, 0.935, 0.975),
    ("jusText 3.0.2 (README)", 0.804, 0.858, 0.756),
    ("bs4 get_text (README)", 0.671, 0.507, 0.994),
)
TEXT_ANCHORS = (
    ("nothing removed", 0.671, 0.507, 0.994),
    ("C4 line rules", 0.736, 0.717, 0.758),
    ("jusText on lines", 0.768, 0.763, 0.772),
    ("lines repeated across pages removed (CCNet)", 0.819, 0.712, 0.964),
    ("trafilatura 2.3.1 on the HTML (ceiling)", 0.960, 0.942, 0.978),
)


def four_grams(text: str) -> Counter:
    words = TOKEN.findall(text)
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def score(pairs: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """The benchmark's metric over (prediction, gold) pairs: (F1, precision, recall).

    Per page, multisets of word 4-grams; precision averaged over pages that predicted something, recall
    over pages whose gold has something; F1 from the two averages.
    """
    precisions, recalls = [], []
    for prediction, gold in pairs:
        predicted, wanted = four_grams(prediction), four_grams(gold)
        tp = sum((predicted & wanted).values())
        fp, fn = sum(predicted.values()) - tp, sum(wanted.values()) - tp
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


# Extraction is measured on every page, whatever its type: the page-type bench measures what is kept.
EXTRACTION = '[pages]\nkeep = ["all"]\n'


def run_pipeline(files: dict[str, bytes], workers: int = 2) -> tuple[dict[str, str], float]:
    """Run the whole pipeline over files as one seed folder, every page type kept; texts by seed path, and
    seconds taken."""
    records, seconds = run_pipeline_records(files, workers, EXTRACTION)
    return {path: record["text"] for path, record in records.items()}, seconds


def run_pipeline_records(files: dict[str, bytes], workers: int = 2,
                         settings: str = "") -> tuple[dict[str, dict], float]:
    """Run the whole pipeline over files as one seed folder (with `settings`, TOML overriding the defaults);
    corpus records by seed path (a page dropped as a duplicate gets the record of the copy that was kept),
    and seconds taken."""
    with tempfile.TemporaryDirectory() as tmp:
        seeds, data = Path(tmp) / "seeds", Path(tmp) / "data"
        seeds.mkdir()
        for name, content in files.items():
            (seeds / name).parent.mkdir(parents=True, exist_ok=True)
            (seeds / name).write_bytes(content)
        override = ["--config", str(Path(tmp) / "settings.toml")] if settings else []
        if settings:
            (Path(tmp) / "settings.toml").write_text(settings)
        started = time.perf_counter()
        if pipeline_main(["corpus", "--seeds", str(seeds), "--data", str(data), "--workers", str(workers),
                          *override]):
            raise SystemExit("bench: the pipeline run failed")
        seconds = time.perf_counter() - started
        corpus = list(read_jsonl(data / "corpus.jsonl"))
        by_id = {record["id"]: record for record in corpus}
        records = {record["metadata"]["path"]: record for record in corpus}
        for duplicate in read_jsonl(data / "duplicates.jsonl"):
            records[duplicate["path"]] = by_id[duplicate["duplicate_of"]]
    return records, seconds


def row(name: str, f1: float, p: float, r: float, extra: str = "") -> str:
    return f"| {name:<46} | {f1:.3f} | {p:.3f} | {r:.3f} |{extra}"


def bench_text(aeb: Path) -> None:
    """The text path over the 181 raw_text scrapes, scored against the article bodies; and how often a
    scrape's title is the one the same page's HTML gives."""
    pages = [json.loads(line) for line in (aeb / "textmode.jsonl").read_text().splitlines()]
    records, seconds = run_pipeline_records({f"{p['id']}.txt": p["raw_text"].encode() for p in pages}, 2, EXTRACTION)
    html, _ = run_pipeline_records({f"{p['id']}.html": gzip.decompress((aeb / "html" / f"{p['id']}.html.gz")
                                                                      .read_bytes()) for p in pages}, 2, EXTRACTION)
    f1, p, r = score(((records.get(f"{page['id']}.txt") or {}).get("text", ""), page["gold_text"]) for page in pages)
    print(f"\n## Text mode: {len(pages)} pages of raw_text as one seed folder ({seconds:.1f} s, whole pipeline)")
    print(f"| {'system':<46} | F1    | P     | R     |\n|{'-' * 48}|-------|-------|-------|")
    print(row("this pipeline", f1, p, r, "  <- target F1 >= 0.85"))
    for name, *figures in TEXT_ANCHORS:
        print(row(name, *figures))
    same = sum(wcxb.same_title((records.get(f"{page['id']}.txt") or {}).get("metadata", {}).get("title"),
                               (html.get(f"{page['id']}.html") or {}).get("metadata", {}).get("title"))
               for page in pages)
    print(f"\nA text scrape's title is its HTML page's title on {same} of {len(pages)} pages (target 150).")


def bench_decode(aeb: Path) -> None:
    """Decode + repair throughput on clean typographic text and on its mojibake."""
    import ftfy

    clean_text = "\n".join(json.loads(line)["gold_text"] for line in (aeb / "textmode.jsonl").read_text().splitlines())
    mojibake = clean_text.encode("utf-8").decode("sloppy-windows-1252")
    print("\n## Decoding + repair throughput (one core)")
    print(f"| {'input':<28} | {'this pipeline':>14} | {'ftfy.fix_text alone':>20} |")
    print(f"|{'-' * 30}|{'-' * 16}|{'-' * 22}|")
    for name, text in (("clean typographic English", clean_text), ("mojibake of the same", mojibake)):
        data = text.encode("utf-8")
        ours = _throughput(lambda data=data: repair(decode(data).text), len(data))
        alone = _throughput(lambda text=text: ftfy.fix_text(text, TEXT), len(data))
        print(f"| {name:<28} | {ours:>9.1f} MB/s | {alone:>15.1f} MB/s |")
    print("anchors measured here: ftfy alone ~4 MB/s clean, ~2 MB/s mojibake with corpus settings")


def _throughput(work: Callable[[], object], size: int, seconds: float = 2.0) -> float:
    """MB/s of `work` over `size` bytes, repeated for about `seconds`."""
    runs, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or runs == 0:
        work()
        runs += 1
    return runs * size / elapsed / 1e6


def bench_dedup(aeb: Path, documents: int = 20_000, seed: int = 7) -> None:
    """Signature speed, LSH time, and pair precision/recall against brute-force exact Jaccard on a
    generated corpus of ~400-word documents with planted near duplicates at known edit rates."""
    config = Config.load()
    threshold, num_perm = config.dedup.threshold, config.dedup.num_perm
    texts = _planted_corpus(aeb, documents, seed)
    started = time.process_time()
    words = [minhash.tokens(text) for text in texts]
    gc.freeze()  # millions of live word strings: keep the cyclic collector from rescanning them
    tokenised = time.process_time()
    hashes, signatures = _sign(words, config)
    signed = time.process_time()
    _sign(words, config)  # again, with the vocabulary's word hashes cached, as on a long run
    warm = len(texts) / (time.process_time() - signed)
    compare = minhash.Similarity(hashes)  # candidates confirmed on exact shingle sets, as the pipeline does
    indexing = time.perf_counter()
    bands, rows = lsh_bands.bands(threshold, num_perm)
    candidates = minhash.distinct_pairs([minhash.band_pairs(signatures[:, k * rows : (k + 1) * rows], range(len(texts)))
                                       for k in range(bands)])
    found = {(i, j) for i, j in candidates.tolist() if compare(i, j) >= threshold}
    indexed = time.perf_counter() - indexing
    truth = _exact_pairs(hashes, threshold)
    sample = [[" ".join(w[i : i + 5]).encode() for i in range(len(w) - 4)] for w in words[:3000]]
    bulk_started = time.process_time()
    MinHash.bulk(sample, num_perm=num_perm, hashfunc=xxhash.xxh32_intdigest)
    bulk = len(sample) / (time.process_time() - bulk_started)
    default = _default_lsh_recall(signatures, truth, threshold, num_perm)
    hit = len(found & truth)
    print(f"\n## Near duplicates: {len(texts)} generated documents of ~400 words, {len(truth)} true pairs "
          f"(exact Jaccard >= {threshold} by brute force)")
    print(f"signatures (words -> MinHash): {len(texts) / (signed - tokenised):>6.0f} docs/s per core (CPU time), cold; "
          f"{warm:.0f} docs/s with the word-hash cache warm (target >= 5,000; datasketch MinHash.bulk + xxh32 "
          f"here: {bulk:.0f} docs/s)")
    print(f"end to end from text:            {len(texts) / (signed - started):>8.0f} docs/s (tokenising included)")
    print(f"LSH banding + exact confirmation ({bands} bands x {rows} rows): {indexed:.2f} s "
          f"for {len(texts)} documents")
    print(f"pair precision {hit / len(found) if found else 1:.3f}, recall {hit / len(truth) if truth else 1:.3f} "
          f"(target precision 1.00, recall >= 0.95); datasketch threshold= default banding: recall {default:.3f}")


def _sign(words: list[list[str]], config: Config, shard: int = 1000) -> tuple[list[np.ndarray], np.ndarray]:
    """Shingle hashes and signatures, a shard's worth of documents at a time, as CleanShard does."""
    signer, hashes, rows = minhash.Signer(config.dedup.num_perm), [], []
    for start in range(0, len(words), shard):
        batch = minhash.shingle_hashes_many(words[start : start + shard], config.dedup.shingle_words,
                                          config.dedup.short_words)
        hashes += batch
        rows.append(signer.sign(batch))
    return hashes, np.concatenate(rows)


def _planted_corpus(aeb: Path, documents: int, seed: int) -> list[str]:
    """Random ~400-word documents from the benchmark's real vocabulary, a tenth of them edited copies of
    others at word-replacement rates that put their Jaccard well on both sides of a 0.7 threshold (copies,
    ~0.97, ~0.91, ~0.83 above; ~0.58, ~0.42, ~0.2 below), out of the band where a 128-slot estimate's noise
    (about ±0.04) decides."""
    rng = random.Random(seed)
    vocabulary = [w for line in (aeb / "textmode.jsonl").read_text().splitlines()
                  for w in json.loads(line)["gold_text"].split()]
    texts = [" ".join(rng.choices(vocabulary, k=rng.randint(350, 450))) for _ in range(documents * 9 // 10)]
    for base in rng.sample(range(len(texts)), documents - len(texts)):  # one copy per base: no sibling pairs
        words = texts[base].split()
        rate = rng.choice((0.0, 0.005, 0.01, 0.02, 0.06, 0.1, 0.2))
        for index in rng.sample(range(len(words)), int(len(words) * rate)):
            words[index] = rng.choice(vocabulary)
        texts.append(" ".join(words))
    return texts


def _exact_pairs(hashes: list[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """Every pair with exact Jaccard of shingle sets >= threshold: all pairs sharing a shingle, checked."""
    sets = [set(h.tolist()) for h in hashes]
    postings: dict[int, list[int]] = {}
    for doc, items in enumerate(sets):
        for item in items:
            postings.setdefault(item, []).append(doc)
    candidates = {(a, b) for docs in postings.values() if len(docs) > 1 for a in docs for b in docs if a < b}
    return {(a, b) for a, b in candidates if len(sets[a] & sets[b]) >= threshold * len(sets[a] | sets[b])}


def _default_lsh_recall(signatures: np.ndarray, truth: set, threshold: float, num_perm: int) -> float:
    """Recall of datasketch's MinHashLSH with its own banding for `threshold=`, beside the explicit banding."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    found = set()
    for i in range(len(signatures)):
        sketch = minhash.lean(signatures[i])
        found.update((j, i) for j in lsh.query(sketch))
        lsh.insert(i, sketch, check_duplication=False)
    return len(found & truth) / len(truth) if truth else 1.0


def bench_html(aeb: Path) -> None:
    """The 181 saved pages, decompressed, as one seed folder through the whole pipeline."""
    truth = json.loads((aeb / "ground-truth.json").read_text())
    pages = {path.name.split(".")[0]: gzip.decompress(path.read_bytes())
             for path in sorted((aeb / "html").glob("*.gz"))}
    records, seconds = run_pipeline_records({f"{page}.html": data for page, data in pages.items()}, 2, EXTRACTION)
    texts = {path: record["text"] for path, record in records.items()}
    f1, p, r = score((texts.get(f"{page}.html", ""), truth[page]["articleBody"]) for page in pages)
    config = Config.load()
    ms = wcxb.per_page(lambda page: clean(f"{page}.html", pages[page], config), list(pages))
    print(f"\n## HTML: {len(pages)} saved news pages as one seed folder; cleaning one page: {ms:.1f} ms on one core")
    print(f"| {'system':<46} | F1    | P     | R     | pages/s |\n|{'-' * 48}|-------|-------|-------|---------|")
    rate = len(pages) / seconds
    print(row("this pipeline (whole run, 2 workers)", f1, p, r, f" {rate:7.1f} |  <- target F1 >= 0.965"))
    try:
        import trafilatura
    except ImportError:
        print("| trafilatura not installed (pip install '.[bench]') to run it side by side here")
    else:
        started = time.perf_counter()
        extracted = {page: trafilatura.extract(data.decode("utf-8", "replace")) or "" for page, data in pages.items()}
        rate = len(pages) / (time.perf_counter() - started)
        print(row(f"trafilatura {trafilatura.__version__}, default, same run", *score(
            (extracted[page], truth[page]["articleBody"]) for page in pages), f" {rate:7.1f} |"))
    for name, *figures in HTML_ANCHORS:
        print(row(name, *figures, "         |"))
    print(wcxb.language_agreement(records.get(f"{page}.html") for page in pages))


STAGES = {"clean": ("CleanShard",), "dedup merge": ("Representatives", "DedupBand", "Deduplicate", "Template"),
          "parts": ("FinishShard",), "corpus + report": ("WriteCorpus", "WriteReport")}


def bench_scale(aeb: Path, documents: int = 10_000, workers: int = 2, baseline: bool = True) -> None:
    """A generated folder of N realistic seeds: a full run, a rerun with nothing new, a rerun after
    adding 1% new seeds, and the plain by-hand way side by side; then where each run's time went."""
    with tempfile.TemporaryDirectory() as tmp:
        seeds, data = Path(tmp) / "seeds", Path(tmp) / "data"
        size = synth.generate(seeds, documents, aeb)

        def corpus(target: Path) -> list[str]:
            return [sys.executable, "-m", "pipeline", "corpus", "--seeds", str(seeds), "--data", str(target),
                    "--workers", str(workers)]

        command = corpus(data)
        full, full_rss = _timed(command)
        full_stages = _stages(data)
        corpus_bytes = (data / "corpus.jsonl").stat().st_size
        report_bytes = (data / "report.html").stat().st_size + sum(
            page.stat().st_size for page in (data / "report").iterdir())
        again, _ = _timed(command)
        killed_at, resumed = _killed_and_resumed(corpus(Path(tmp) / "killed"), full / 2)
        added = max(1, documents // 100)
        size_added = synth.generate(seeds, added, aeb, start=documents)
        incremental, incremental_rss = _timed(command)
        incremental_stages = _stages(data)
        profile.profile(seeds)
        if baseline:
            hand, hand_rss = _timed([sys.executable, "-c",
                                     f"from benchmarks.bench import by_hand; by_hand({str(seeds)!r})"])
    megabytes = size / 1e6
    print(f"\n## Scale: {documents} generated seeds ({megabytes:.0f} MB, ~{size // documents} bytes each), "
          f"{workers} workers")
    print("| way | documents/s | MB/s | peak RSS | rerun, nothing new | rerun, +1% new seeds |")
    print("|---|---|---|---|---|---|")
    print(f"| this pipeline (all cleaning, dedup, report) | {documents / full:.0f} | {megabytes / full:.2f} | "
          f"{full_rss:.0f} MB | {again:.1f} s | {incremental:.1f} s ({added} seeds, "
          f"{incremental / full:.1%} of a full run; peak {incremental_rss:.0f} MB) |")
    if baseline:
        print(f"| by hand: read, ftfy, MinHash.update_batch, MinHashLSH(0.8) | {(documents + added) / hand:.0f} | "
              f"{(size + size_added) / 1e6 / hand:.2f} | {hand_rss:.0f} MB | (all again) | (all again) |")
        print(f"\nEnd to end: {documents / full / ((documents + added) / hand):.2f}x the by-hand throughput.")
    print(f"\nA run killed (SIGTERM) at {killed_at:.1f} s, half a full run: its rerun took {resumed:.1f} s, "
          f"{resumed / full:.0%} of a full run (target: under half).")
    print(f"\nReport: {report_bytes / 1e6:.1f} MB for a {corpus_bytes / 1e6:.1f} MB corpus "
          f"({report_bytes / corpus_bytes:.0%}; target: at most 100% at 3,000 documents, 50% at 100,000).")
    print("\nWhere the time went (seconds of task work, summed over workers; wall time includes scanning):")
    print(f"| run | wall | {' | '.join(STAGES)} |")
    print(f"|---|---|{'---|' * len(STAGES)}")
    for name, wall, stages in (("full", full, full_stages), ("+1% new seeds", incremental, incremental_stages)):
        print(f"| {name} | {wall:.1f} | {' | '.join(f'{stages[stage]:.1f}' for stage in STAGES)} |")
    for name, wall, stages, count in (("full", full, full_stages, documents),
                                      ("+1% new seeds", incremental, incremental_stages, added)):
        serial = max(0.0, wall - sum(stages.values()) / workers)
        print(f"Serial part of the {name} run (wall - task seconds / {workers} workers): {serial:.1f} s; no number of "
              f"workers takes {count} documents past {count / serial if serial else float('inf'):,.0f} documents/s.")
    print(f"\nThe +1% rerun cleaned for {incremental_stages['clean'] / full_stages['clean']:.1%} of the full run's "
          f"cleaning time; the rest is the merge over all documents (dedup, parts, corpus, report).")


def _killed_and_resumed(command: list[str], after: float) -> tuple[float, float]:
    """Start a run, stop it with SIGTERM after `after` seconds, then time the rerun that finishes the work."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=Path(__file__).parent.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=after)
    killed_at = time.perf_counter() - started
    process.send_signal(signal.SIGTERM)
    process.wait()
    return killed_at, _timed(command)[0]


def _stages(data: Path) -> dict[str, float]:
    """Busy seconds per stage of the last run, from the timings its tasks recorded."""
    spent: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    stage_of = {task: stage for stage, tasks in STAGES.items() for task in tasks}
    for entry in read_jsonl(Layout(data).timings):
        spent[stage_of[entry["task"]]] += entry["seconds"]
    return spent


def _timed(command: list[str]) -> tuple[float, float]:
    """Seconds a command took, and the peak RSS (MB) of its largest process."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(command[:4])} failed: {done.stderr[-500:]}")
    elapsed = time.perf_counter() - started
    peak = float(done.stderr.rsplit("peak-rss ", 1)[1].split()[0]) if "peak-rss " in done.stderr else 0.0
    return elapsed, max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def by_hand(folder: str) -> None:
    """The plain way, in one process: read each file, ftfy.fix_text, MinHash.update_batch over word 5-grams,
    MinHashLSH(threshold=0.8). Prints its own peak RSS for the caller."""
    import ftfy

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for index, path in enumerate(sorted(p for p in Path(folder).rglob("*") if p.is_file())):
        words = ftfy.fix_text(path.read_bytes().decode("utf-8", "replace")).split()
        sketch = MinHash(num_perm=128)
        sketch.update_batch([" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)])
        lsh.insert(index, sketch)
    print(f"peak-rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)


def _pages_bench(root: Path) -> None:
    """The page-type tables; imported only here, since its validation needs scikit-learn (the bench extra)."""
    from benchmarks import pages

    pages.bench(root)


BENCHES = {"text": bench_text, "html": bench_html, "wcxb": lambda aeb: wcxb.bench(aeb.parent / "wcxb"),
           "trafeval": lambda aeb: trafeval.bench(aeb.parent / "trafeval-dev", run_pipeline_records, EXTRACTION),
           "decode": bench_decode, "dedup": bench_dedup, "language": languages.bench,
           "pages": lambda aeb: _pages_bench(aeb.parent),
           "copies": lambda aeb: copies.bench(aeb.parent, run_pipeline_records)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--aeb", type=Path, default=DEFAULT_AEB, help="article-extraction-benchmark folder")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--scale", type=int, metavar="N", help="instead: the scale benchmark on N generated seeds")
    parser.add_argument("--no-baseline", action="store_true", help="with --scale: skip the (slow) by-hand way")
    args = parser.parse_args(argv)
    if args.scale:
        bench_scale(args.aeb, args.scale, baseline=not args.no_baseline)
        return 0
    for name in args.only.split(","):
        BENCHES[name](args.aeb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
