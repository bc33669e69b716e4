"""Files the pipeline writes and reads: JSONL, numpy arrays, atomic replacement, read-ahead hints."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

import numpy as np

Item = TypeVar("Item")
UMASK = os.umask(0o022)  # read once (setting is the only way to read it) and put back at once
os.umask(UMASK)


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
        os.fchmod(fd, 0o666 & ~UMASK)  # as a plain open() would make it, not mkstemp's 0600
        with open(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_array(path: str | Path, mmap: bool = False) -> np.ndarray:
    """A numpy array the pipeline wrote; never unpickles (a file under DATA is not trusted to run code)."""
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


def save_array(path: Path, array: np.ndarray) -> None:
    """Atomically write a numpy array (no pickles)."""
    with atomic_write(path, "wb") as handle:
        np.save(handle, array, allow_pickle=False)


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write records as JSONL; returns how many were written."""
    count = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(dumps(record) + "\n")
            count += 1
    return count


def read_ahead(items: Sequence[Item], where: Callable[[Item], str | Path | None], window: int = 64) -> Iterator[Item]:
    """The items in order, each yielded once the kernel was asked to start reading the files of the next
    `window` ones (posix_fadvise WILLNEED): disk latency overlaps the work on earlier items. Not threads:
    their GIL hand-offs cost several times more than reading a small file the page cache holds."""
    for index, item in enumerate(items):
        for ahead in range(index + window - 1 if index else 0, min(index + window, len(items))):
            _will_need(where(items[ahead]))
        yield item


def _will_need(path: str | Path | None) -> None:
    if path is None or not hasattr(os, "posix_fadvise"):
        return
    try:  # non-blocking: a FIFO swapped in since the scan must not hang the hint
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return  # the read itself reports what is wrong
    try:
        os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(handle)
