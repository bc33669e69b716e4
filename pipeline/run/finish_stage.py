"""The finish stage of one shard: its part of the run (kept documents with the site's repeated lines
stripped, rejections, counts, report pages), from the shard's cleaned lines and the dedup verdicts.

A part is named by a digest of everything it depends on, so a shard that new seeds did not affect reuses
its part from an earlier run; run/merge.py joins the parts.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import numpy as np

from pipeline.cleaning.urls import host
from pipeline.config import Config
from pipeline.dedup import repeated_lines
from pipeline.documents import Cleaned, Code, Document
from pipeline.report import pages
from pipeline.run.dedup_stage import Shard, shard_line_keys
from pipeline.store.files import atomic_write, dumps, load_array, read_json, read_jsonl, write_json, write_jsonl
from pipeline.store.paths import Layout

ORDER = "order"  # a part's rejected lines carry their place in the outputs (Cleaned.order), dropped when merged
# Counters of a part, summed over parts into stats.json (rule_classes: "rule\tclass" keys, read apart there).
TALLIES = ("encodings", "languages", "removed_by_rule", "removed_by_class", "documents_by_rule", "rule_classes",
           "page_types", "kept_page_types")
COUNTS = ("read", "kept", "duplicates", "rejected", "internal_errors", "timeouts", "repaired")


def finish_shard(layout: Layout, number: int, shard: Shard, verdicts: Path, template_lines: Path,
                 report_fingerprint: str, config: Config, pointer: Path) -> None:
    """Write the shard's part unless an earlier run made the same one, and point this run at it."""
    digest, part = part_digest(shard, read_json(verdicts), template_lines, report_fingerprint)
    stem = layout.part(number, digest)
    if not stem.with_suffix(".stats.json").exists():
        write_part(stem, shard["docs.jsonl"], number, read_json(shard["seeds.json"]), config, **part)
    write_json(pointer, {"part": str(stem.relative_to(layout.work))})


def part_digest(shard: Shard, verdicts: dict, template_lines: Path, report_fingerprint: str) -> tuple[str, dict]:
    """The digest naming a shard's part, and what it needs to write it: which of its documents are dropped
    and which of its template lines (and documents holding one) are stripped."""
    dropped = {d["path"] for d in verdicts["dropped"]}
    pairs = shard_line_keys(shard, dropped)
    pairs = pairs[np.isin(pairs[:, 1], load_array(template_lines))]
    repeated = np.unique(pairs[:, 1]).tolist()
    # Kept documents that others were folded into (heads) are also shown beside their copies in the report.
    depends = [shard["docs.jsonl"].name, verdicts["dropped"], verdicts["heads"], verdicts["clusters"], repeated,
               report_fingerprint]
    digest = hashlib.blake2b(json.dumps(depends).encode(), digest_size=8).hexdigest()
    return digest, {"dropped": dropped, "repeated": set(repeated), "templated": set(pairs[:, 0].tolist()),
                    "heads": set(verdicts["heads"]), "clusters": verdicts["clusters"]}


def write_part(stem: Path, docs: Path, shard: int, seeds: dict, config: Config, dropped: set[str],
               repeated: set[int], templated: set[int], heads: set[str], clusters: dict[str, dict]) -> None:
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
            atomic_write(stem.with_suffix(".removed.jsonl"), checksum=True) as audit, \
            atomic_write(stem.with_suffix(".cluster.jsonl"), checksum=True) as cluster:
        for line in read_jsonl(docs):
            record = Cleaned.from_dict(line)
            counts["read"] += 1
            if record.rejection is not None:
                counts["rejected"] += 1
                site = _site(sites, record.path, None)
                site.update(("read", "rejected"))
                counts["internal_errors"] += record.rejection.code == Code.INTERNAL_ERROR
                counts["timeouts"] += record.rejection.code == Code.TIME_BUDGET
                rejected.write(dumps({"path": record.path, "reason": record.rejection.reason,
                                      "code": record.rejection.code, ORDER: record.order()}) + "\n")
                if details := record.rejection.details:  # rejected after cleaning: the report shows why
                    _read_as(counts, tallies, details)
                    _typed(tallies, site, details)
                    shown.append(({"id": None, "text": details["text"], "created": None, "rejected":
                                   record.rejection.reason, "metadata": {"path": record.path, "title": None,
                                   **{k: v for k, v in details.items() if k != "text"}}}, record.order()))
                continue
            document, row = record.document, row + 1
            site = _site(sites, record.path, document.metadata.get("host"))
            site["read"] += 1
            _read_as(counts, tallies, document.metadata)
            _typed(tallies, site, document.metadata)
            if record.path in dropped:
                counts["duplicates"] += 1
                site["duplicates"] += 1
                cluster.write(f"{dumps([record.path, None])}\t{dumps(document.to_dict())}\n")
                continue
            if row in templated:
                repeated_lines.strip_document(document, repeated, config.repetition.min_chars, config.min_words)
            meta = document.metadata
            _clustered(document, clusters.get(document.id))
            counts["kept"] += 1
            tallies["languages"][meta["language"]] += 1
            tallies["kept_page_types"][meta["page_type"]] += 1
            tallies["removed_by_rule"].update(r["rule"] for r in meta["removed"])
            tallies["removed_by_class"].update(r["class"] for r in meta["removed"])
            tallies["documents_by_rule"].update({r["rule"] for r in meta["removed"]})
            tallies["rule_classes"].update({f"{r['rule']}\t{r['class']}" for r in meta["removed"]})
            site["kept"] += 1
            site.update(f"rule:{r['rule']}" for r in meta["removed"])
            line, removals = document.corpus_lines()
            corpus.write(dumps(line) + "\n")
            if removals:
                audit.write(dumps(removals) + "\n")
            shown.append((document.to_dict(), record.order()))
            if document.id in heads:
                cluster.write(f"{dumps([record.path, document.id])}\t{dumps(document.to_dict())}\n")
    entries = pages.document_pages(stem.with_suffix(".pages"), [doc for doc, _ in shown], f"docs-{shard:04d}")
    write_jsonl(stem.with_suffix(".index.jsonl"),
                ([*entry, order] for entry, (_, order) in zip(entries, shown, strict=True)))
    # last: its presence marks the part done
    write_json(stem.with_suffix(".stats.json"), {**counts, **tallies, "sites": sites,
                                                 "content": seeds["content"], "seeds": seeds["seeds"]})


def _read_as(counts: Counter, tallies: dict[str, Counter], meta: dict) -> None:
    """Count how an input that was decoded read: its encoding, and whether anything had to be repaired."""
    tallies["encodings"][meta["encoding"]] += 1
    counts["repaired"] += bool(meta["repairs"])


def _clustered(document: Document, note: dict | None) -> None:
    """A kept document's cluster (`metadata.cluster`: id, size, the kinds of its copies, why this copy was
    kept), and the title, date, URL or author it lacked, taken from a copy (`*_source`: "copy PATH")."""
    meta = document.metadata
    if note is None:
        meta["cluster"] = {"id": document.id, "size": 1}
        return
    meta["cluster"] = {"id": document.id, **{key: note[key] for key in ("size", "kinds", "chosen_because")}}
    for field, (value, source) in note["fill"].items():
        if field == "created":
            document.created, meta["created_source"] = value, source
        elif field == "title":
            meta["title"], meta["title_source"] = value, source
        elif field == "author":
            meta["author"], meta["author_source"] = value, source
        else:
            meta["url"], meta["url_source"] = value, source
            if site := host(value):
                meta["host"] = site


def _typed(tallies: dict[str, Counter], site: Counter, meta: dict) -> None:
    """Count the page type of an input that was read as a page (kept, dropped or rejected after cleaning)."""
    tallies["page_types"][meta["page_type"]] += 1
    site[f"type:{meta['page_type']}"] += 1


def _site(sites: dict[str, Counter], path: str, host: str | None) -> Counter:
    """The counts of the site a document came from: its URL's host, or else its top folder under SEEDS."""
    name = host or (path.split("/", 1)[0] + "/" if "/" in path else "(top folder)")
    return sites.setdefault(name, Counter())
