"""The run's published files from its shards' parts: corpus.jsonl, duplicates.jsonl, rejected.jsonl and
stats.json merged in path order (corpus lines copied as bytes), and the report built from the same parts.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import operator
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.config import Config
from pipeline.report import pages
from pipeline.run.finish_stage import COUNTS, ORDER, TALLIES
from pipeline.store.files import atomic_write, read_json, read_jsonl, verify, write_jsonl
from pipeline.store.manifest import content_id


def merge_parts(stems: list[Path], duplicates: Path, fingerprint: str, config: Config, out: dict[str, Path]) -> None:
    """corpus.jsonl, removed.jsonl, duplicates.jsonl, rejected.jsonl and stats.json of a run from its
    shards' parts."""
    kept = [[(order, bool(entry.rules)) for entry, order in pages.read_index(stem.with_suffix(".index.jsonl"))
             if entry.state == "kept"] for stem in stems]
    _merge_lines(out["corpus.jsonl"], [stem.with_suffix(".corpus.jsonl") for stem in stems],
                 [[order for order, _ in part] for part in kept])
    # a kept document has a removed.jsonl line when some rule removed a line from it
    _merge_lines(out["removed.jsonl"], [stem.with_suffix(".removed.jsonl") for stem in stems],
                 [[order for order, removed in part if removed] for part in kept])
    write_jsonl(out["rejected.jsonl"], merged_rejected(stems))
    verify(duplicates)
    with open(duplicates, "rb") as source, atomic_write(out["duplicates.jsonl"], "wb", checksum=True) as copy:
        shutil.copyfileobj(source, copy)
    with atomic_write(out["stats.json"], checksum=True) as handle:  # last: marks the run's corpus done
        handle.write(json.dumps(run_stats(stems, fingerprint, config), indent=2, ensure_ascii=False) + "\n")


def _merge_lines(target: Path, files: list[Path], orders: list[list]) -> None:
    """The parts' lines merged into `target` in path order, each part's lines having the places `orders`
    gives; copied as they are (bytes: nothing to decode), one open file per part."""
    for path in files:
        verify(path)
    with atomic_write(target, "wb", checksum=True) as merged, contextlib.ExitStack() as parts:
        lines = [zip(order, parts.enter_context(open(path, "rb")), strict=True)
                 for path, order in zip(files, orders, strict=True)]
        merged.writelines(line for _, line in heapq.merge(*lines, key=operator.itemgetter(0)))


def build_report(target: Path, stems: list[Path], duplicates: Path, fingerprint: str, config: Config, cache: Path,
                 run: dict) -> None:
    """The run's report (see `pages.build`) from its parts and its `duplicates` file, with the rejections
    and stats `merge_parts` writes beside the corpus: the report does not wait for the corpus."""
    pages.build(target, stems, duplicates, merged_rejected(stems), run_stats(stems, fingerprint, config), cache,
                 run)


def merged_rejected(stems: list[Path]) -> Iterator[dict]:
    """The run's rejected.jsonl records, from its parts, in path order."""
    merged = heapq.merge(*(read_jsonl(stem.with_suffix(".rejected.jsonl")) for stem in stems), key=lambda r: r[ORDER])
    return ({"path": r["path"], "reason": r["reason"], "code": r["code"]} for r in merged)


def run_stats(stems: list[Path], fingerprint: str, config: Config) -> dict:
    """The run's stats.json, summed from its parts' stats; its id is the `content_id` of the parts' seeds
    under the settings' `fingerprint`."""
    counts: Counter = Counter()
    tallies: dict[str, Counter] = {name: Counter() for name in TALLIES}
    sites: dict[str, Counter] = {}
    content, seeds = 0, 0
    for stem in stems:
        part = read_json(stem.with_suffix(".stats.json"))
        content, seeds = (content + int(part["content"], 16)) % 2**64, seeds + part["seeds"]
        counts.update({k: part.get(k, 0) for k in COUNTS})
        for name in TALLIES:
            tallies[name].update(part.get(name, {}))
        for name, site in part.get("sites", {}).items():
            sites.setdefault(name, Counter()).update(site)
    share = counts["duplicates"] / counts["read"] if counts["read"] else 0.0
    alarm = (f"{share:.0%} of inputs dropped as duplicates (alarm above {config.dedup.alarm_share:.0%})"
             if share > config.dedup.alarm_share else None)
    return {"run": content_id(content, seeds, fingerprint),
            **{k: counts[k] for k in ("read", "kept", "duplicates", "rejected", "internal_errors", "timeouts")},
            "repaired": counts["repaired"], "encodings": dict(sorted(tallies["encodings"].items())),
            "languages": _by_count(tallies["languages"]),
            "page_types": _by_count(tallies["page_types"]), "kept_page_types": _by_count(tallies["kept_page_types"]),
            "removed_by_rule": dict(sorted(tallies["removed_by_rule"].items())),
            "removed_by_class": _by_count(tallies["removed_by_class"]),
            "documents_by_rule": dict(sorted(tallies["documents_by_rule"].items())),
            "rule_classes": dict(sorted(key.split("\t", 1) for key in tallies["rule_classes"])),
            "sites": _sites(sites), "alarm": alarm}


def _sites(sites: dict[str, Counter]) -> dict[str, dict]:
    """Per site, most documents first: documents read, kept, dropped as duplicates and rejected, its pages
    by type, and the rules that removed the most lines from its kept documents."""
    table = {}
    for name, site in sorted(sites.items(), key=lambda item: (-item[1]["read"], item[0])):
        rules = Counter({key[5:]: count for key, count in site.items() if key.startswith("rule:")})
        types = Counter({key[5:]: count for key, count in site.items() if key.startswith("type:")})
        table[name] = {**{key: site[key] for key in ("read", "kept", "duplicates", "rejected")},
                       "page_types": _by_count(types), "top_rules": dict(list(_by_count(rules).items())[:3])}
    return table


def _by_count(counter: Counter) -> dict[str, int]:
    """Most first, then by name: the same order whatever order the parts came in."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
