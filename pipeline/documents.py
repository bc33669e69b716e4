"""The Document record, JSONL reading and writing, and atomic file replacement."""

from __future__ import annotations

import json
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

Item = TypeVar("Item")
Loaded = TypeVar("Loaded")


@dataclass(slots=True)
class Document:
    """One kept article in the Dolma document style."""

    id: str
    text: str
    source: str
    created: str | None
    metadata: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "source": self.source, "created": self.created,
                "metadata": self.metadata}


def dumps(record: dict) -> str:
    """One JSONL line: UTF-8 as written (no \\u escapes), compact, key order as given."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary sibling, fsync, then rename over `path`: readers see the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write records as JSONL; returns how many were written."""
    count = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(dumps(record) + "\n")
            count += 1
    return count


def prefetch(items: Iterable[Item], load: Callable[[Item], Loaded], depth: int = 16) -> Iterator[tuple[Item, Future]]:
    """Each item with the future of `load(item)`, in order, with up to `depth` loads running ahead in
    threads: file reads and hashing release the GIL, so one file's disk latency overlaps the others' and
    the work on earlier items. `future.result()` returns the load or raises its error."""
    with ThreadPoolExecutor(max_workers=depth) as pool:
        pending: deque[tuple[Item, Future]] = deque()
        for item in items:
            pending.append((item, pool.submit(load, item)))
            if len(pending) >= depth:
                yield pending.popleft()
        while pending:
            yield pending.popleft()
