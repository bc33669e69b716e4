"""Everything that was decided about one seed, from the current run's outputs: `python -m pipeline explain`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.files import read_jsonl
from pipeline.layout import Layout


def explain(data: Path, path: str) -> Iterator[str]:
    """Lines describing seed `path` (relative to SEEDS) in the run published in `data`; LookupError when
    the current run had no such input."""
    layout = Layout(data)
    run = Path(os.readlink(data / "current")).name
    plan = json.loads(layout.run(run).read_text())
    record = None
    for shard, digest in plan["shards"]:
        if any(entry["path"] == path for entry in read_jsonl(layout.inputs(shard, digest))):
            docs = layout.shard(shard, plan["config"], digest)["docs.jsonl"]
            record = next((r for r in read_jsonl(docs) if r["path"] == path), None)
            break
    if record is None:
        raise LookupError(f"{path}: not an input of the current run ({run})")
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
