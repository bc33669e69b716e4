"""Assembling the corpus: each shard's part (kept documents with template lines stripped, rejections,
counts, report pages), then the parts merged into the run's published files.

A part is named by a digest of everything it depends on, so a shard that new seeds did not affect reuses
its part from an earlier run, and the merge is a byte copy in path order.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import operator
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from pipeline import report, template
from pipeline.config import Config
from pipeline.dedup_run import Shard, shard_line_keys
from pipeline.documents import INTERNAL_ERROR, Cleaned, Removal
from pipeline.files import atomic_write, dumps, load_array, read_json, read_jsonl, verify, write_json, write_jsonl
from pipeline.layout import Layout
from pipeline.sources import content_id
from pipeline.text import words

ORDER = "order"  # a part's rejected lines carry their place in the outputs (Cleaned.order), dropped when merged
# Counters of a part, summed over parts into stats.json (rule_classes: "rule\tclass" keys, read apart there).
TALLIES = ("encodings", "languages", "removed_by_rule", "removed_by_class", "documents_by_rule", "rule_classes")
COUNTS = ("read", "kept", "duplicates", "rejected", "internal_errors", "repaired")


def finish_shard(layout: Layout, number: int, shard: Shard, verdicts: Path, template_lines: Path,
                 report_fingerprint: str, config: Config, pointer: Path) -> None:
    """Write the shard's part unless an earlier run made the same one, and point this run at it."""
    digest, part = part_digest(shard, read_json(verdicts), template_lines, report_fingerprint)
    stem = layout.part(number, digest)
    if not stem.with_suffix(".stats.json").exists():
        write_part(stem, shard["docs.jsonl"], number, read_json(shard["seeds.json"]), config, **part)
    with atomic_write(pointer) as handle:
        json.dump({"part": str(stem.relative_to(layout.work))}, handle)


def part_digest(shard: Shard, verdicts: dict, template_lines: Path, report_fingerprint: str) -> tuple[str, dict]:
    """The digest naming a shard's part, and what it needs to write it: which of its documents are dropped
    and which of its template lines (and documents holding one) are stripped."""
    dropped = {d["path"] for d in verdicts["dropped"]}
    pairs = shard_line_keys(shard, dropped)
    pairs = pairs[np.isin(pairs[:, 1], load_array(template_lines))]
    repeated = np.unique(pairs[:, 1]).tolist()
    # Kept documents that others were folded into (heads) are also shown beside their copies in the report.
    depends = [shard["docs.jsonl"].name, verdicts["dropped"], verdicts["heads"], repeated, report_fingerprint]
    digest = hashlib.blake2b(json.dumps(depends).encode(), digest_size=8).hexdigest()
    return digest, {"dropped": dropped, "repeated": set(repeated), "templated": set(pairs[:, 0].tolist()),
                    "heads": set(verdicts["heads"])}


def write_part(stem: Path, docs: Path, shard: int, seeds: dict, config: Config, dropped: set[str],
               repeated: set[int], templated: set[int], heads: set[str]) -> None:
    """One shard's share of the corpus. `seeds`: the shard's seeds.json (their content sum travels on to the
    run's id). `templated`: rows (among the shard's kept and dropped documents) of the documents holding a
    `repeated` line; only they are read for stripping."""
    counts: Counter = Counter()
    tallies: dict[str, Counter] = {name: Counter() for name in TALLIES}
    sites: dict[str, Counter] = {}
    shown: list[tuple[dict, tuple[str, int]]] = []  # documents for the report's pages, with their place
    row = -1  # the document's row in the shard's lines.npy
    with atomic_write(stem.with_suffix(".corpus.jsonl"), checksum=True) as corpus, \
            atomic_write(stem.with_suffix(".rejected.jsonl"), checksum=True) as rejected, \
            atomic_write(stem.with_suffix(".cluster.jsonl"), checksum=True) as cluster:
        for line in read_jsonl(docs):
            record = Cleaned.from_dict(line)
            counts["read"] += 1
            if record.rejection is not None:
                counts["rejected"] += 1
                _site(sites, record.path, None).update(("read", "rejected"))
                counts["internal_errors"] += record.rejection.reason.startswith(INTERNAL_ERROR)
                rejected.write(dumps({"path": record.path, "reason": record.rejection.reason,
                                      ORDER: record.order()}) + "\n")
                if details := record.rejection.details:  # rejected after cleaning: the report shows why
                    _read_as(counts, tallies, details)
                    shown.append(({"id": None, "text": details["text"], "created": None, "rejected":
                                   record.rejection.reason, "metadata": {"path": record.path, "title": None,
                                   **{k: v for k, v in details.items() if k != "text"}}}, record.order()))
                continue
            document, row = record.document, row + 1
            site = _site(sites, record.path, document.metadata.get("host"))
            site["read"] += 1
            _read_as(counts, tallies, document.metadata)
            if record.path in dropped:
                counts["duplicates"] += 1
                site["duplicates"] += 1
                cluster.write(f"{dumps([record.path, None])}\t{dumps(document.to_dict())}\n")
                continue
            meta = document.metadata
            if row in templated:
                earlier = [Removal.from_dict(entry) for entry in meta["removed"]]
                text, removed = template.strip_template(document.text, repeated, config.repetition.min_chars,
                                                        config.min_words, earlier)
                if text != document.text:
                    document.text = text
                    meta["removed"] = [entry.to_dict() for entry in removed]
                    meta["words"] = words(text)
            counts["kept"] += 1
            tallies["languages"][meta["language"]] += 1
            tallies["removed_by_rule"].update(r["rule"] for r in meta["removed"])
            tallies["removed_by_class"].update(r["class"] for r in meta["removed"])
            tallies["documents_by_rule"].update({r["rule"] for r in meta["removed"]})
            tallies["rule_classes"].update({f"{r['rule']}\t{r['class']}" for r in meta["removed"]})
            site["kept"] += 1
            site.update(f"rule:{r['rule']}" for r in meta["removed"])
            corpus.write(dumps(document.to_dict()) + "\n")
            shown.append((document.to_dict(), record.order()))
            if document.id in heads:
                cluster.write(f"{dumps([record.path, document.id])}\t{dumps(document.to_dict())}\n")
    entries = report.document_pages(stem.with_suffix(".pages"), [doc for doc, _ in shown], f"docs-{shard:04d}")
    write_jsonl(stem.with_suffix(".index.jsonl"),
                ([*entry, order] for entry, (_, order) in zip(entries, shown, strict=True)))
    # last: its presence marks the part done
    write_json(stem.with_suffix(".stats.json"), {**counts, **tallies, "sites": sites,
                                                 "content": seeds["content"], "seeds": seeds["seeds"]})


def _read_as(counts: Counter, tallies: dict[str, Counter], meta: dict) -> None:
    """Count how an input that was decoded read: its encoding, and whether anything had to be repaired."""
    tallies["encodings"][meta["encoding"]] += 1
    counts["repaired"] += bool(meta["repairs"])


def _site(sites: dict[str, Counter], path: str, host: str | None) -> Counter:
    """The counts of the site a document came from: its URL's host, or else its top folder under SEEDS."""
    name = host or (path.split("/", 1)[0] + "/" if "/" in path else "(top folder)")
    return sites.setdefault(name, Counter())


def merge_parts(stems: list[Path], duplicates: Path, fingerprint: str, config: Config, out: dict[str, Path]) -> None:
    """corpus.jsonl, duplicates.jsonl, rejected.jsonl and stats.json of a run from its shards' parts."""
    for stem in stems:
        verify(stem.with_suffix(".corpus.jsonl"))
    with atomic_write(out["corpus.jsonl"], "wb", checksum=True) as corpus, contextlib.ExitStack() as parts:
        # Lines are copied as they are (bytes: nothing to decode), in path order; one open file per part.
        lines = [zip([entry[-1] for entry in read_jsonl(stem.with_suffix(".index.jsonl")) if entry[4] == "kept"],
                     parts.enter_context(open(stem.with_suffix(".corpus.jsonl"), "rb")), strict=True)
                 for stem in stems]
        corpus.writelines(line for _, line in heapq.merge(*lines, key=operator.itemgetter(0)))
    write_jsonl(out["rejected.jsonl"], merged_rejected(stems))
    verify(duplicates)
    with open(duplicates, "rb") as source, atomic_write(out["duplicates.jsonl"], "wb", checksum=True) as copy:
        shutil.copyfileobj(source, copy)
    with atomic_write(out["stats.json"], checksum=True) as handle:  # last: marks the run's corpus done
        handle.write(json.dumps(run_stats(stems, fingerprint, config), indent=2, ensure_ascii=False) + "\n")


def build_report(target: Path, stems: list[Path], duplicates: Path, fingerprint: str, config: Config, cache: Path,
                 run: dict) -> None:
    """The run's report (see `report.build`) from its parts and its `duplicates` file, with the rejections
    and stats `merge_parts` writes beside the corpus: the report does not wait for the corpus."""
    report.build(target, stems, duplicates, merged_rejected(stems), run_stats(stems, fingerprint, config), cache,
                 run)


def merged_rejected(stems: list[Path]) -> Iterator[dict]:
    """The run's rejected.jsonl records, from its parts, in path order."""
    merged = heapq.merge(*(read_jsonl(stem.with_suffix(".rejected.jsonl")) for stem in stems), key=lambda r: r[ORDER])
    return ({"path": r["path"], "reason": r["reason"]} for r in merged)


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
            **{k: counts[k] for k in ("read", "kept", "duplicates", "rejected", "internal_errors")},
            "repaired": counts["repaired"], "encodings": dict(sorted(tallies["encodings"].items())),
            "languages": _by_count(tallies["languages"]),
            "removed_by_rule": dict(sorted(tallies["removed_by_rule"].items())),
            "removed_by_class": _by_count(tallies["removed_by_class"]),
            "documents_by_rule": dict(sorted(tallies["documents_by_rule"].items())),
            "rule_classes": dict(sorted(key.split("\t", 1) for key in tallies["rule_classes"])),
            "sites": _sites(sites), "alarm": alarm}


def _sites(sites: dict[str, Counter]) -> dict[str, dict]:
    """Per site, most documents first: documents read, kept, dropped as duplicates and rejected, and the
    rules that removed the most lines from its kept documents."""
    table = {}
    for name, site in sorted(sites.items(), key=lambda item: (-item[1]["read"], item[0])):
        rules = Counter({key[5:]: count for key, count in site.items() if key.startswith("rule:")})
        table[name] = {**{key: site[key] for key in ("read", "kept", "duplicates", "rejected")},
                       "top_rules": dict(list(_by_count(rules).items())[:3])}
    return table


def _by_count(counter: Counter) -> dict[str, int]:
    """Most first, then by name: the same order whatever order the parts came in."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
