"""Seed discovery, the content manifest, and the shard plan that names each task's inputs.

The scan only lists and stats: no seed is read before its shard's task reads it (and hashes it there).
The manifest keeps each file's SHA-256 under its size and mtime, learnt from the shards, and the shard
each seed was put in, so new seeds go to new shards. A shard's digest covers its paths, their sizes and
mtimes and the cleaning fingerprint: any change to one of them gives the shard a new output name, and
nothing else is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import xxhash

from pipeline.cleaning.seed_names import is_container
from pipeline.documents import Code
from pipeline.store.files import CorruptFile, load_jsonl, write_jsonl

SPREAD = 4  # new shards come in multiples of this many (see `plan`)

RECORD = re.compile(r"(.+)#\d+$")  # how a container's record is named: FILE#N


@dataclass(slots=True)
class Seed:
    """One input file as planned: where it is, what it holds, or why it cannot be used. Mutable: `plan`
    gives a new seed its shard in place (a copy of each of a million seeds costs seconds)."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    ctime_ns: int = 0  # the inode's change time: no tool can set it back, so an edit that restores the mtime shows
    sha256: str | None = None
    rejected: str | None = None
    code: Code | None = None  # the rejection's kind, with `rejected`
    fs: str | None = None  # hex of the raw file-system name, only when it is not valid UTF-8
    shard: int | None = None
    retry: int | None = None  # times it was read again after a transient failure (see `write_manifest`)

    def to_dict(self) -> dict:
        return {name: value for name in self.__slots__ if (value := getattr(self, name)) is not None}

    def location(self, root: Path) -> str:
        return os.path.join(root, os.fsdecode(bytes.fromhex(self.fs)) if self.fs else self.path)


def display(relative: str) -> tuple[str, str | None]:
    """A path safe to write as UTF-8, and the raw name's hex when the file system name is not UTF-8."""
    if relative.isascii():  # most names: nothing to escape
        return relative, None
    raw = os.fsencode(relative)
    shown = raw.decode("utf-8", "backslashreplace")
    return shown, (raw.hex() if shown != relative else None)


Found = tuple[str, os.stat_result | None, tuple[Code, str] | None]


def discover(root: Path) -> Iterator[Found]:
    """Every entry under root: (relative path, stat of a regular file, or a rejection's code and reason).

    Iterative (a thousand nested folders must not exhaust the stack); symbolic links are reported, never
    followed, so a link cannot lead outside SEEDS or into a loop; an entry or folder that cannot be read
    (no search permission, a name past PATH_MAX) is reported with the reason instead of stopping the scan.
    """
    folders = [""]
    while folders:
        prefix = folders.pop()
        try:
            with os.scandir(os.path.join(root, prefix) if prefix else root) as listing:
                entries = sorted((entry.name, entry) for entry in listing)
        except OSError as err:
            yield prefix.rstrip(os.sep), None, (Code.UNREADABLE, f"unreadable folder: {err.strerror}")
            continue
        below = []
        for name, entry in entries:
            relative = prefix + name
            try:
                if entry.is_symlink():
                    yield relative, None, (Code.SYMLINK, "symbolic link (not followed)")
                elif entry.is_dir(follow_symlinks=False):
                    below.append(relative + os.sep)
                elif entry.is_file(follow_symlinks=False):
                    yield relative, entry.stat(follow_symlinks=False), None
                else:
                    yield relative, None, (Code.NOT_A_FILE, "not a regular file")
            except FileNotFoundError:  # deleted while we walked
                continue
            except OSError as err:
                yield relative, None, (Code.UNREADABLE, f"unreadable: {err.strerror}")
        folders.extend(reversed(below))


def selection(include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Callable[[str], bool] | None:
    """Which seed paths a run takes: those matching one of the `include` globs (all when there are none)
    and none of the `exclude` globs, matched against the path relative to SEEDS (`*` crosses folders)."""
    if not include and not exclude:
        return None
    return lambda path: ((not include or any(fnmatchcase(path, glob) for glob in include))
                         and not any(fnmatchcase(path, glob) for glob in exclude))


def scan(root: Path, earlier: list[dict], max_bytes: int, select: Callable[[str], bool] | None = None) -> list[Seed]:
    """Discover every seed (that `select` takes, when given), reading none: a file whose size and mtime the
    manifest (`earlier`) knows keeps its hash, another gets one when its shard's task reads it. A path the
    manifest knows keeps its shard and its retry count; a new one has no shard yet (see `plan`)."""
    known = {(r["path"], r["size"], r["mtime_ns"], r.get("ctime_ns")): r["sha256"] for r in earlier if r.get("sha256")}
    shards = {r["path"]: r["shard"] for r in earlier if "shard" in r}
    retries = {r["path"]: r["retry"] for r in earlier if r.get("retry")}
    seeds: list[Seed] = []
    for (path, fs), info, reason in _named(discover(root)):
        if select is not None and not select(path):
            continue
        shard, retry = shards.get(path), retries.get(path)
        if info is None:
            code, why = reason
            seeds.append(Seed(path, rejected=why, code=code, fs=fs, shard=shard, retry=retry))
            continue
        size, mtime, ctime = info.st_size, info.st_mtime_ns, info.st_ctime_ns
        if size > max_bytes:  # each Seed is made once, whole (dataclass copies cost 0.2 s per 20,000 files)
            seeds.append(Seed(path, size, mtime, ctime, rejected=f"larger than the size limit ({size} > max_bytes "
                              f"{max_bytes})", code=Code.TOO_LARGE, fs=fs, shard=shard, retry=retry))
        else:
            seeds.append(Seed(path, size, mtime, ctime, known.get((path, size, mtime, ctime)), fs=fs, shard=shard,
                              retry=retry))
    seeds.sort(key=lambda s: s.path)
    return seeds


def _named(found: Iterator[Found]) \
        -> list[tuple[tuple[str, str | None], os.stat_result | None, tuple[Code, str] | None]]:
    """Each entry with its shown path and raw name (see `display`), every shown path distinct, and distinct
    from every record's `FILE#N`: a name that is not UTF-8 and reads like another seed's name (a raw 0xFF
    byte beside a literal `\\xff`) is told apart by its raw bytes in hex, and a file named like a record of
    a container beside it (`export.jsonl#2` beside `export.jsonl`) is shown as `export.jsonl#2 [file]`."""
    entries = [(display(relative), info, reason) for relative, info, reason in found]
    taken = {path for (path, fs), _, _ in entries if fs is None}
    containers = {path for path in taken if is_container(path)}
    named = []
    for (path, fs), info, reason in entries:
        if fs is not None and path in taken:
            path = f"{path} [raw name {fs}]"
        elif "#" in path and (record := RECORD.match(path)) and record.group(1) in containers \
                and not is_container(path):
            path, fs = f"{path} [file]", os.fsencode(path).hex()
        taken.add(path)
        named.append(((path, fs), info, reason))
    return named


def plan(seeds: list[Seed], shard_size: int, fingerprint: str) -> tuple[list[Seed], dict[int, tuple[str, list[Seed]]]]:
    """Give new seeds a shard (in place) and group all seeds by shard; each shard gets a digest of its
    inputs (paths, sizes, mtimes and change times: what the scan knows of every seed) and the cleaning
    fingerprint. Returns
    the seeds with their shards, and the shards.

    Seeds keep the shard they first landed in, so new seeds touch only the newest shard (until it holds
    `shard_size`) and shards made for them: a nightly rerun cleans the new work, not every shard again.
    New seeds are split in even shards of at most `shard_size`, in path order; more than `SPREAD` shards are
    made a multiple of `SPREAD`, so that one, two or four workers end the cleaning together instead of one
    cleaning the last shard alone."""
    sizes: dict[int, int] = {}
    for seed in seeds:
        if seed.shard is not None:
            sizes[seed.shard] = sizes.get(seed.shard, 0) + 1
    new = [seed for seed in seeds if seed.shard is None]
    last = max(sizes, default=-1)
    room = max(0, shard_size - sizes[last]) if sizes else 0
    for seed in new[:room]:
        seed.shard = last
    rest = new[room:]
    count = -(-len(rest) // shard_size)
    count = count if count <= SPREAD else -(-count // SPREAD) * SPREAD
    for k, seed in enumerate(rest):
        seed.shard = last + 1 + k * count // len(rest)
    groups: dict[int, list[Seed]] = {}
    for seed in seeds:
        groups.setdefault(seed.shard, []).append(seed)
    result = {}
    for shard, members in sorted(groups.items()):
        rows = [[s.path, s.size, s.mtime_ns, s.ctime_ns, s.rejected, s.retry] for s in members]
        result[shard] = (json_digest([fingerprint, rows]), members)
    return seeds, result


def content_sum(seeds: Iterable[Seed]) -> int:
    """An order-free sum of the seeds' (path, SHA-256, rejection) digests: each shard sums its own, and the
    run's `content_id` comes from the total, whatever the shards."""
    return sum(xxhash.xxh3_64_intdigest(json.dumps([s.path, s.sha256, s.rejected]).encode()) for s in seeds) % 2**64


def content_id(total: int, count: int, fingerprint: str) -> str:
    """What a run is made of: the settings and every seed's path and content (the `content_sum` of all)."""
    return json_digest([fingerprint, f"{total:016x}", count])


def json_digest(value: object) -> str:
    """A short digest of a JSON value: the names of runs, shards and stages. JSON keeps any name (tabs,
    newlines) from reading as another."""
    return hashlib.blake2b(json.dumps(value).encode(), digest_size=8).hexdigest()


def read_manifest(manifest: Path) -> list[dict]:
    """The last run's manifest; a garbled one is as good as none (every seed is hashed and placed again)."""
    try:
        return load_jsonl(manifest) if manifest.exists() else []
    except CorruptFile:
        return []


def write_manifest(manifest: Path, seeds: list[Seed], earlier: list[dict], hashes: dict[str, str] | None = None,
                   transient: Container[str] = ()) -> None:
    """Record every seed's shard, and the hashes its shard's task learnt (`hashes`), for the next run; a
    rerun with nothing new leaves the file alone. Seeds that failed for a passing reason (`transient`:
    unreadable, replaced mid-run) count one more retry: the count is part of their shard's digest, so the
    next run cleans them again even when the file came back unchanged in size and mtime. Lines are made as
    they are compared and written, never held all at once."""
    found = hashes or {}

    def line(seed: Seed) -> dict:
        row = seed.to_dict()
        if seed.sha256 is None and seed.path in found:
            row["sha256"] = found[seed.path]
        if seed.path in transient:
            row["retry"] = row.get("retry", 0) + 1
        return row

    if len(seeds) != len(earlier) or any(line(seed) != row for seed, row in zip(seeds, earlier, strict=True)):
        write_jsonl(manifest, (line(seed) for seed in seeds))
