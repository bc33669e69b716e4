"""Everything that was decided about one seed, from the current run's outputs: `python -m pipeline explain`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import read_jsonl


def explain(data: Path, path: str) -> Iterator[str]:
    """Lines describing seed `path` (relative to SEEDS) in the run published in `data`."""
    run = Path(os.readlink(data / "current")).name
    plan = json.loads((data / "work" / "runs" / f"{run}.json").read_text())
    record = None
    for shard, digest in plan["shards"]:
        inputs = data / "work" / "inputs" / f"{shard:04d}-{digest}.jsonl"
        if any(entry["path"] == path for entry in read_jsonl(inputs)):
            name = f"{shard:04d}-{plan['config']}-{digest}.docs.jsonl"
            record = next((r for r in read_jsonl(data / "work" / "shards" / name) if r["path"] == path), None)
            break
    if record is None:
        yield f"{path}: not an input of the current run ({run})"
        return
    yield f"seed      {path}"
    if "rejected" in record:
        yield f"status    rejected: {record['rejected']}"
        return
    duplicate = next((d for d in read_jsonl(data / "duplicates.jsonl") if d["path"] == path), None)
    final = next((d for d in read_jsonl(data / "corpus.jsonl") if d["metadata"]["path"] == path), None)
    document = final or record["document"]
    meta = document["metadata"]
    if duplicate:
        kept = next((d for d in read_jsonl(data / "corpus.jsonl") if d["id"] == duplicate["duplicate_of"]), None)
        kept_path = kept["metadata"]["path"] if kept else "?"
        yield (f"status    dropped: {duplicate['kind']} duplicate of {duplicate['duplicate_of']} ({kept_path}), "
               f"similarity {duplicate['similarity']}")
    else:
        yield f"status    kept as {document['id']}"
    yield f"format    {meta['format']}, bytes were {meta['encoding']}"
    yield f"repairs   {', '.join(meta['repairs']) or 'none'}"
    yield f"title     {meta['title']!r} (from {meta.get('title_source') or 'nowhere'})"
    yield f"created   {document['created']} (from {meta.get('created_source') or 'nowhere'})"
    yield f"words     {meta['words']} kept, {len(meta['removed'])} lines removed:"
    for entry in meta["removed"]:
        yield f"  line {entry['line']:>4}  {entry['rule']:<26} {entry['class']:<14} {entry['text'][:90]!r}"
