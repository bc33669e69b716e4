"""Files the pipeline writes and reads: JSONL, numpy arrays, atomic replacement, read-ahead hints."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

import xxhash

if TYPE_CHECKING:
    import numpy as np

Item = TypeVar("Item")
SUM = ".xxh3"  # the suffix of a file's checksum beside it
TEMPORARY = ".seed-corpus.tmp"  # the suffix of every temporary file the pipeline makes, and only of those
UMASK = os.umask(0o022)  # read once (setting is the only way to read it) and put back at once
os.umask(UMASK)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one, not one a call: a third faster


def dumps(record: dict) -> str:
    """One JSONL line: UTF-8 as written (no \\u escapes), compact, key order as given."""
    return _ENCODER.encode(record)


class CorruptFile(Exception):
    """A file the pipeline wrote no longer matches the checksum it was written with."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} failed its checksum (garbled or truncated since it was written)")
        self.path = Path(path)


def checksum_of(path: Path) -> Path:
    """Where a file's checksum is kept: beside it, named after it (pruned and swept with it)."""
    return path.with_name(path.name + SUM)


def verify(path: Path) -> None:
    """Raise CorruptFile when `path` does not match the checksum written with it (none kept: no check)."""
    path = Path(path)
    try:
        expected = checksum_of(path).read_text()
    except FileNotFoundError:
        return
    if _digest(path) != expected:
        raise CorruptFile(path)


def _digest(path: Path) -> str:
    digest = xxhash.xxh3_64()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_json(path: Path) -> object:
    """A JSON file the pipeline wrote, checked against its checksum."""
    verify(path)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(path: Path, value: object) -> None:
    """Atomically write a small JSON file with its checksum."""
    with atomic_write(path, checksum=True) as handle:
        json.dump(value, handle)


def read_jsonl(path: Path) -> Iterator[dict]:
    """The records of a JSONL file, checked first against its checksum when one was written."""
    verify(path)
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_jsonl(path: Path, batch: int = 10_000) -> list[dict]:
    """All the records of a JSONL file the pipeline wrote, checked; twice as fast as `read_jsonl` for a file
    wanted whole: `batch` lines at a time are joined by commas into one JSON array and parsed at once (a
    JSON string holds no raw line break), so a large file is never held twice as text."""
    verify(path)
    records: list[dict] = []
    with open(path, encoding="utf-8") as handle:
        while chunk := list(islice(handle, batch)):
            if lines := [line for line in chunk if line.strip()]:
                records += json.loads(f"[{','.join(lines)}]")
    return records


@contextmanager
def atomic_write(path: Path, mode: str = "w", checksum: bool = False) -> Iterator[IO]:
    """Write to a temporary sibling, fsync, then rename over `path`: readers see the old or the new file.
    With `checksum`, the file's checksum is put beside it first, for readers to `verify`: a crash between
    the two renames leaves a mismatch, which reads as a corrupt file and is rebuilt, never trusted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~UMASK)  # as a plain open() would make it, not mkstemp's 0600
        with open(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if checksum:
            _write_checksum(path, _digest(Path(tmp)))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_regular(path: str | Path) -> IO[bytes]:
    """Open a file for reading without blocking, and only if it is a regular file: a FIFO or device put in
    a seed's place after the scan raises OSError instead of hanging the run."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file (replaced since the scan)", str(path))
    return open(fd, "rb")


def _write_checksum(path: Path, digest: str) -> None:
    """No fsync of its own: a checksum lost in a crash reads as a mismatch, and the file is rebuilt."""
    target = checksum_of(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMPORARY, dir=path.parent)
    with open(fd, "w", encoding="ascii") as handle:
        handle.write(digest)
    os.replace(tmp, target)


def load_array(path: str | Path, mmap: bool = False) -> np.ndarray:
    """A numpy array the pipeline wrote, checked against its checksum; never unpickles (a file under DATA
    is not trusted to run code). numpy is imported here, where used: a rerun with nothing new needs it not."""
    import numpy as np

    verify(Path(path))
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


def save_array(path: Path, array: np.ndarray) -> None:
    """Atomically write a numpy array (no pickles)."""
    import numpy as np

    with atomic_write(path, "wb", checksum=True) as handle:
        np.save(handle, array, allow_pickle=False)


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Atomically write records as JSONL, with its checksum; returns how many were written."""
    count = 0
    with atomic_write(path, checksum=True) as handle:
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
