"""Everything that was decided about a seed, from the current run's outputs: `seed-corpus explain`."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

from pipeline.report import wording
from pipeline.store.files import read_json, read_jsonl
from pipeline.store.paths import Layout


def current_plan(data: Path) -> dict:
    """The plan of the run published in `data` (its shards, settings fingerprint and SEEDS)."""
    return read_json(Layout(data).run(Path(os.readlink(data / "current")).name))


def decisions(data: Path, path: str) -> list[dict]:
    """What the run published in `data` decided about seed `path` (relative to SEEDS; `FILE#N` for a record
    of a container, or the container itself for all its records): for each input, its status and, unless
    it was rejected, its document. LookupError when the current run had no such input."""
    layout, plan = Layout(data), current_plan(data)
    files = {path, path.rsplit("#", 1)[0]}  # a container's records are cleaned with their file
    records: list[dict] = []
    for shard, digest in plan["shards"]:
        if any(entry["path"] in files for entry in read_jsonl(layout.inputs(shard, digest))):
            docs = layout.shard(shard, plan["config"], digest)["docs.jsonl"]
            records = [r for r in read_jsonl(docs) if path in (r["path"], r.get("seed"))]
            if records:
                break
    if not records:
        run = json.loads((data / "stats.json").read_text())["run"]
        raise LookupError(f"{path}: not an input of the current run ({run})")
    return [_decision(data, record["path"], record) for record in records]


def _decision(data: Path, path: str, record: dict) -> dict:
    """One input's decision, from its shard line (`record`) and the published files."""
    if "rejected" in record:
        found = {"path": path, "status": "rejected", "reason": record["rejected"], "code": record["code"]}
        return {**found, "cleaned": record["details"]} if record.get("details") else found
    duplicate = next((d for d in read_jsonl(data / "duplicates.jsonl") if d["path"] == path), None)
    final = next((d for d in read_jsonl(data / "corpus.jsonl") if d["metadata"]["path"] == path), None)
    if duplicate is None:
        if final is not None:  # the corpus line counts its removals; removed.jsonl has them whole
            audit = next((d for d in read_jsonl(data / "removed.jsonl") if d["path"] == path), {"removed": []})
            final["metadata"]["removed"] = audit["removed"]
        return {"path": path, "status": "kept", "document": final or record["document"]}
    kept = next((d for d in read_jsonl(data / "corpus.jsonl") if d["id"] == duplicate["duplicate_of"]), None)
    return {"path": path, "status": "dropped", "kind": duplicate["kind"], "duplicate_of": duplicate["duplicate_of"],
            "kept_path": kept["metadata"]["path"] if kept else None, "similarity": duplicate["similarity"],
            "document": record["document"]}


def describe(found: dict, width: int = 100) -> Iterator[str]:
    """The decision in lines for a person to read: plain words, 1-based line numbers, every removed line
    whole (wrapped to `width`)."""
    yield f"seed      {found['path']}"
    if found["status"] == "rejected":
        yield f"status    rejected ({found['code']}): {found['reason']}"
        if "cleaned" not in found:
            return
        meta = found["cleaned"]
        yield f"format    {meta['format']}, read as {meta['encoding']}"
        yield f"repairs   {wording.repairs(meta['repairs'], meta['encoding'])}"
        yield f"page      {wording.page_type(meta)}"
        yield f"words     {meta['words']} left after cleaning, {wording.count(len(meta['removed']), 'line')} removed:"
        yield from _removals(meta["removed"], width)
        return
    document = found["document"]
    meta = document["metadata"]
    if found["status"] == "dropped":
        yield (f"status    dropped: {found['kind']} duplicate of {found['duplicate_of']} "
               f"({found['kept_path'] or 'the kept copy'}), similarity {found['similarity']}")
    else:
        yield f"status    kept as {document['id']}"
        if (cluster := meta.get("cluster", {})).get("size", 1) > 1:
            kinds = ", ".join(f"{count} {kind}" for kind, count in cluster["kinds"].items())
            yield f"cluster   {cluster['size']} copies ({kinds}); this one kept for {cluster['chosen_because']}"
    yield f"format    {meta['format']}, read as {meta['encoding']}"
    if meta.get("url"):
        yield f"url       {meta['url']}" + (f" (fetched {meta['fetched']})" if meta.get("fetched") else "")
    yield f"language  {meta['language']} (probability {meta['language_score']})"
    yield f"page      {wording.page_type(meta)}"
    yield f"repairs   {wording.repairs(meta['repairs'], meta['encoding'])}"
    yield (f"title     {meta['title']!r} (from {meta.get('title_source') or 'the record'})" if meta["title"]
           else "title     none found")
    yield (f"created   {document['created']} (from {meta.get('created_source') or 'the record'})"
           if document["created"] else "created   no date found")
    yield (f"author    {meta['author']!r} (from {meta.get('author_source') or 'the record'})" if meta.get("author")
           else "author    none found")
    for number, comment in enumerate(meta.get("comments") or (), 1):
        said = ", ".join(value for value in (comment.get("author"), comment.get("date")) if value)
        yield from textwrap.wrap(f"comment {number}" + (f" ({said})" if said else "") + f": {comment['text']}",
                                 width, subsequent_indent=" " * 10)
    yield f"words     {meta['words']} kept, {wording.count(len(meta['removed']), 'line')} removed:"
    yield from _removals(meta["removed"], width)


def _removals(removed: list[dict], width: int) -> Iterator[str]:
    """Each removed line: its number in the input (1-based), rule and class, then its whole text."""
    for entry in removed:
        yield f"  line {entry['line'] + 1:>4}  {entry['rule']} ({entry['class']})"
        yield from textwrap.wrap(entry["text"], width, initial_indent=" " * 8, subsequent_indent=" " * 8) or [""]
