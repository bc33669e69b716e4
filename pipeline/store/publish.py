"""The DATA folder's guarantees: one writer at a time, no trusted half-written files, and a corpus that
readers see switch from one complete run to the next in a single atomic step.

Each run writes its outputs into `work/out/RUN/`; publishing points the symlink `DATA/current` at that
folder with one rename, and `DATA/corpus.jsonl` (and its siblings) are fixed links into `current/`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.store.files import TEMPORARY, read_json
from pipeline.store.paths import FOLDERS, PUBLISHED, Layout

LOCK = ".lock"


class Locked(RuntimeError):
    """Another run holds the lock on this DATA folder."""


class FollowedLink(OSError):
    """One of DATA's own paths is a symbolic link: writing or deleting through it would reach outside DATA."""


def refuse_links(layout: Layout) -> None:
    """Raise FollowedLink when DATA's own folders (work/, its stage folders, out/) or the lock file are
    symbolic links: the run writes, replaces and deletes there, and never through a link."""
    own = [layout.data / LOCK, layout.work, layout.work / "out", *(layout.work / folder for folder in FOLDERS)]
    for path in own:
        if path.is_symlink():
            raise FollowedLink(errno.ELOOP, f"{path} is a symbolic link; the pipeline never follows DATA's own "
                                            "paths through links: replace it with a real file or folder")


@contextmanager
def run_lock(data: Path, wait: bool = False) -> Iterator[None]:
    """Hold DATA's lock for the whole run; refuse at once (or wait) when another run holds it.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so a child that outlives a
    killed run (Luigi's completion-cache manager, a task process) cannot keep DATA locked. The lock does
    not exclude this process itself, so a set of held folders does."""
    data.mkdir(parents=True, exist_ok=True)
    key = str(data.resolve())
    try:  # never through a link: the pid would be written into whatever file it points at
        descriptor = os.open(data / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise FollowedLink(errno.ELOOP, f"{data / LOCK} is a symbolic link; remove it") from None
        raise
    with open(descriptor, "r+") as handle:
        try:
            if key in _HELD:
                raise BlockingIOError(errno.EAGAIN, "held by this process")
            fcntl.lockf(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise Locked(f"another run (pid {holder}) is writing {data}; try again when it ends, or pass --wait") \
                from None
        _HELD.add(key)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            _HELD.discard(key)
            fcntl.lockf(handle, fcntl.LOCK_UN)


_HELD: set[str] = set()  # DATA folders this process holds the lock of


def forget(layout: Layout, path: Path) -> None:
    """Delete a work file that failed its checksum, with whatever marks its producer done, so the next
    build makes it again: a shard's or part's files, a dedup stage's files, a run's published outputs."""
    path = Path(path)
    work = layout.work
    if path.parent.parent == work / "out":
        doomed = [path, path.parent / "stats.json", path.parent / "report.html"]
    elif work / "dedup" in path.parents:
        dedup_id = path.relative_to(work / "dedup").parts[0].split(".", 1)[0]
        doomed = list((work / "dedup").glob(f"{dedup_id}.*"))
    else:
        doomed = list(path.parent.glob(path.name.split(".", 1)[0] + ".*"))
        if path.parent == work / "parts":  # the runs that chose this part must choose again
            doomed += list((work / "finish").glob(f"*/{path.name[:4]}.json"))
    for doomed_path in doomed:
        if doomed_path.is_dir():
            shutil.rmtree(doomed_path, ignore_errors=True)
        else:
            doomed_path.unlink(missing_ok=True)


def failure(error: BaseException, data: Path) -> str:
    """One line saying why a run failed. Every way a full disk shows itself (ENOSPC, a quota, numpy's
    "N requested and M written", an empty message) reads "No space left on device"."""
    if isinstance(error, OSError) and (error.errno in (errno.ENOSPC, errno.EDQUOT) or _nearly_full(data)):
        return f"No space left on device (writing under {data})"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _nearly_full(data: Path, margin: int = 1 << 20) -> bool:
    try:
        usage = os.statvfs(data)
    except OSError:
        return False
    return usage.f_bavail * usage.f_frsize < margin


def sweep_temporaries(data: Path, older_than: float = 0.0) -> int:
    """Delete temporary files that killed runs left behind, and only files the pipeline names so. Under the
    lock every one is stale; with workers of a central scheduler sharing DATA, only those older than
    `older_than` seconds are."""
    swept, cutoff = 0, time.time() - older_than
    for path in data.rglob(f".*{TEMPORARY}"):
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
    plan = read_json(layout.run(run_id))
    keep = {f"{shard:04d}-{plan['config']}-{digest}" for shard, digest in plan["shards"]}
    keep |= {f"{shard:04d}-{digest}" for shard, digest in plan["shards"]}
    keep |= {read_json(p)["part"].split("/", 1)[1] for p in (work / "finish" / run_id).glob("*.json")}
    keep |= {run_id, plan["dedup"]}
    for folder in FOLDERS:
        for path in (work / folder).glob("*"):
            if path.name.split(".", 1)[0] not in keep:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _link(path: Path, target: Path) -> None:
    temporary = path.with_name(f".{path.name}.link{TEMPORARY}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)
