"""Everything that was decided about a seed, from the current run's outputs: `seed-corpus explain`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.files import read_jsonl
from pipeline.layout import Layout


def decision(data: Path, path: str) -> dict:
    """What the run published in `data` decided about seed `path` (relative to SEEDS; `FILE#N` for a record
    of a container): its status and, unless it was rejected, its document. LookupError when the current run
    had no such input."""
    layout = Layout(data)
    run = Path(os.readlink(data / "current")).name
    plan = json.loads(layout.run(run).read_text())
    files = {path, path.rsplit("#", 1)[0]}  # a container's records are cleaned with their file
    record = None
    for shard, digest in plan["shards"]:
        if any(entry["path"] in files for entry in read_jsonl(layout.inputs(shard, digest))):
            docs = layout.shard(shard, plan["config"], digest)["docs.jsonl"]
            record = next((r for r in read_jsonl(docs) if r["path"] == path), None)
            if record is not None:
                break
    if record is None:
        raise LookupError(f"{path}: not an input of the current run ({run})")
    if "rejected" in record:
        return {"path": path, "status": "rejected", "reason": record["rejected"]}
    duplicate = next((d for d in read_jsonl(data / "duplicates.jsonl") if d["path"] == path), None)
    final = next((d for d in read_jsonl(data / "corpus.jsonl") if d["metadata"]["path"] == path), None)
    if duplicate is None:
        return {"path": path, "status": "kept", "document": final or record["document"]}
    kept = next((d for d in read_jsonl(data / "corpus.jsonl") if d["id"] == duplicate["duplicate_of"]), None)
    return {"path": path, "status": "dropped", "kind": duplicate["kind"], "duplicate_of": duplicate["duplicate_of"],
            "kept_path": kept["metadata"]["path"] if kept else None, "similarity": duplicate["similarity"],
            "document": record["document"]}


def describe(found: dict) -> Iterator[str]:
    """The decision in lines for a person to read."""
    yield f"seed      {found['path']}"
    if found["status"] == "rejected":
        yield f"status    rejected: {found['reason']}"
        return
    document = found["document"]
    meta = document["metadata"]
    if found["status"] == "dropped":
        yield (f"status    dropped: {found['kind']} duplicate of {found['duplicate_of']} "
               f"({found['kept_path'] or '?'}), similarity {found['similarity']}")
    else:
        yield f"status    kept as {document['id']}"
    yield f"format    {meta['format']}, bytes were {meta['encoding']}"
    if meta.get("url"):
        yield f"url       {meta['url']}" + (f" (fetched {meta['fetched']})" if meta.get("fetched") else "")
    yield f"language  {meta['language']} (probability {meta['language_score']})"
    yield f"repairs   {', '.join(meta['repairs']) or 'none'}"
    yield f"title     {meta['title']!r} (from {meta.get('title_source') or 'nowhere'})"
    yield f"created   {document['created']} (from {meta.get('created_source') or 'nowhere'})"
    yield f"words     {meta['words']} kept, {len(meta['removed'])} lines removed:"
    for entry in meta["removed"]:
        yield f"  line {entry['line']:>4}  {entry['rule']:<26} {entry['class']:<14} {entry['text'][:90]!r}"
