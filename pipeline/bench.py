"""Benchmarks: `make bench` prints each figure beside the anchors measured on this kind of machine.

Usage: python -m pipeline.bench [--aeb ../shared/bench/aeb] [--only text,html,...]
The article-extraction benchmark is read from its folder, never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.__main__ import main as pipeline_main
from pipeline.decode import decode
from pipeline.repair import TEXT, repair

TOKEN = re.compile(r"\w+")
DEFAULT_AEB = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "aeb"
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


def run_pipeline(files: dict[str, bytes], workers: int = 2) -> tuple[dict[str, str], float]:
    """Run the whole pipeline over files as one seed folder; texts by seed path, and seconds taken."""
    with tempfile.TemporaryDirectory() as tmp:
        seeds, data = Path(tmp) / "seeds", Path(tmp) / "data"
        seeds.mkdir()
        for name, content in files.items():
            (seeds / name).write_bytes(content)
        started = time.perf_counter()
        if pipeline_main(["corpus", "--seeds", str(seeds), "--data", str(data), "--workers", str(workers)]):
            raise SystemExit("bench: the pipeline run failed")
        seconds = time.perf_counter() - started
        corpus = [json.loads(line) for line in (data / "corpus.jsonl").read_text().splitlines()]
    return {record["metadata"]["path"]: record["text"] for record in corpus}, seconds


def row(name: str, f1: float, p: float, r: float, extra: str = "") -> str:
    return f"| {name:<46} | {f1:.3f} | {p:.3f} | {r:.3f} |{extra}"


def bench_text(aeb: Path) -> None:
    """Issue 3: the text path over the 181 raw_text scrapes, scored against the article bodies."""
    pages = [json.loads(line) for line in (aeb / "textmode.jsonl").read_text().splitlines()]
    texts, seconds = run_pipeline({f"{p['id']}.txt": p["raw_text"].encode() for p in pages})
    f1, p, r = score((texts.get(f"{page['id']}.txt", ""), page["gold_text"]) for page in pages)
    print(f"\n## Text mode: {len(pages)} pages of raw_text as one seed folder ({seconds:.1f} s, whole pipeline)")
    print(f"| {'system':<46} | F1    | P     | R     |\n|{'-' * 48}|-------|-------|-------|")
    print(row("this pipeline", f1, p, r, "  <- target F1 >= 0.85"))
    for name, *figures in TEXT_ANCHORS:
        print(row(name, *figures))


def bench_decode(aeb: Path) -> None:
    """Issue 7: decode + repair throughput on clean typographic text and on its mojibake."""
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


BENCHES = {"text": bench_text, "decode": bench_decode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--aeb", type=Path, default=DEFAULT_AEB, help="article-extraction-benchmark folder")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of {','.join(BENCHES)}")
    args = parser.parse_args(argv)
    for name in args.only.split(","):
        BENCHES[name](args.aeb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
