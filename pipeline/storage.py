"""The DATA folder's guarantees: one writer at a time, no trusted half-written files, and a corpus that
readers see switch from one complete run to the next in a single atomic step.

Each run writes its outputs into `work/out/RUN/`; publishing points the symlink `DATA/current` at that
folder with one rename, and `DATA/corpus.jsonl` (and its siblings) are fixed links into `current/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.layout import FOLDERS, PUBLISHED, Layout

LOCK = ".lock"


class Locked(RuntimeError):
    """Another run holds the lock on this DATA folder."""


@contextmanager
def run_lock(data: Path, wait: bool = False) -> Iterator[None]:
    """Hold DATA's lock for the whole run; refuse at once (or wait) when another run holds it."""
    data.mkdir(parents=True, exist_ok=True)
    with open(data / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise Locked(f"another run (pid {holder}) is writing {data}; try again when it ends, or pass --wait") \
                from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sweep_temporaries(data: Path, older_than: float = 0.0) -> int:
    """Delete temporary files that killed runs left behind. Under the lock every one is stale; with workers
    of a central scheduler sharing DATA, only those older than `older_than` seconds are."""
    swept, cutoff = 0, time.time() - older_than
    for path in data.rglob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                swept += 1
    return swept


def publish(layout: Layout, run_id: str) -> None:
    """Make run `run_id` the current corpus: one atomic symlink swap switches every file at once."""
    data = layout.data
    _link(data / "current", layout.out(run_id).relative_to(data))
    for name in PUBLISHED:
        link = data / name
        if not (link.is_symlink() and os.readlink(link) == str(Path("current") / name)):
            _link(link, Path("current") / name)
    fd = os.open(data, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    for old in layout.out(run_id).parent.iterdir():  # readers holding an old file open keep reading it
        if old.name != run_id:
            shutil.rmtree(old, ignore_errors=True)


def prune(layout: Layout, run_id: str) -> None:
    """Delete what the current run does not use: other runs' shard inputs and outputs, dedup files and
    corpus parts (called under the lock, after publishing)."""
    work = layout.work
    plan = json.loads(layout.run(run_id).read_text())
    keep = {f"{shard:04d}-{plan['config']}-{digest}" for shard, digest in plan["shards"]}
    keep |= {f"{shard:04d}-{digest}" for shard, digest in plan["shards"]}
    keep |= {json.loads(p.read_text())["part"].split("/", 1)[1] for p in (work / "finish" / run_id).glob("*.json")}
    keep |= {run_id, plan["dedup"]}
    for folder in FOLDERS:
        for path in (work / folder).glob("*"):
            if path.name.split(".", 1)[0] not in keep:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _link(path: Path, target: Path) -> None:
    temporary = path.with_name(f".{path.name}.link.tmp")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)
