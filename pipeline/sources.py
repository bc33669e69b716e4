"""Seed discovery, the content manifest, and the shard plan that names each task's inputs.

The manifest caches each file's SHA-256 under its size and mtime, so a rerun re-hashes only files that
changed, and the shard each seed was put in, so new seeds go to new shards. A shard's digest covers its
paths, their hashes and the cleaning fingerprint: any change to one of them gives the shard a new output
name, and nothing else is redone.
"""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.files import read_ahead, read_jsonl, write_jsonl


@dataclass(frozen=True)
class Seed:
    """One input file as planned: where it is, what it holds, or why it cannot be used."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    rejected: str | None = None
    fs: str | None = None  # hex of the raw file-system name, only when it is not valid UTF-8
    shard: int | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}

    def location(self, root: Path) -> str:
        return os.path.join(root, os.fsdecode(bytes.fromhex(self.fs)) if self.fs else self.path)


def display(relative: str) -> tuple[str, str | None]:
    """A path safe to write as UTF-8, and the raw name's hex when the file system name is not UTF-8."""
    raw = os.fsencode(relative)
    shown = raw.decode("utf-8", "backslashreplace")
    return shown, (raw.hex() if shown != relative else None)


def discover(root: Path) -> Iterator[tuple[str, os.stat_result | None, str | None]]:
    """Every entry under root, sorted: (relative path, stat of a regular file, or a rejection reason).

    Symbolic links are reported, never followed, so a link cannot lead outside SEEDS or into a loop.
    """
    errors: list[OSError] = []
    top = len(os.path.join(root, ""))
    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        dirnames.sort()
        subfolders = set(dirnames)  # a set: a folder of a million files must not make this loop quadratic
        for name in sorted([*dirnames, *filenames]):
            full = os.path.join(folder, name)
            relative = full[top:]
            try:
                info = os.lstat(full)
            except FileNotFoundError:  # deleted while we walked
                continue
            if stat.S_ISLNK(info.st_mode):
                yield relative, None, "symbolic link (not followed)"
                if name in subfolders:
                    dirnames.remove(name)
            elif name not in subfolders:
                if stat.S_ISREG(info.st_mode):
                    yield relative, info, None
                else:
                    yield relative, None, "not a regular file"
    for err in errors:
        yield os.path.relpath(err.filename, root), None, f"unreadable folder: {err.strerror}"


def scan(root: Path, earlier: list[dict], max_bytes: int) -> list[Seed]:
    """Discover and hash every seed, reusing the manifest's (`earlier`) hashes of files whose size and
    mtime are unchanged. A path the manifest knows keeps its shard; a new one has none yet (see `plan`)."""
    known = {(r["path"], r["size"], r["mtime_ns"]): r["sha256"] for r in earlier if r.get("sha256")}
    shards = {r["path"]: r["shard"] for r in earlier if "shard" in r}
    seeds: list[Seed] = []
    unhashed: list[tuple[str, os.stat_result, str | None, int | None, str]] = []  # and where the file is
    for relative, info, reason in discover(root):
        path, fs = display(relative)
        shard = shards.get(path)
        if info is None:
            seeds.append(Seed(path, rejected=reason, fs=fs, shard=shard))
        elif info.st_size > max_bytes:
            seeds.append(Seed(path, info.st_size, info.st_mtime_ns, fs=fs, shard=shard,
                              rejected=f"larger than the size limit ({info.st_size} > max_bytes {max_bytes})"))
        elif digest := known.get((path, info.st_size, info.st_mtime_ns)):
            seeds.append(Seed(path, info.st_size, info.st_mtime_ns, digest, fs=fs, shard=shard))
        else:
            unhashed.append((path, info, fs, shard, os.path.join(root, relative)))
    for path, info, fs, shard, location in read_ahead(unhashed, operator.itemgetter(4)):
        try:
            digest, reason = _sha256(location), None
        except OSError as err:
            digest, reason = None, f"unreadable: {err.strerror}"
        seeds.append(Seed(path, info.st_size, info.st_mtime_ns, digest, reason, fs, shard))
    seeds.sort(key=lambda s: s.path)
    return seeds


def _sha256(path: str) -> str:
    with open(path, "rb") as handle:  # files past the size limit are not hashed: one read is enough
        return hashlib.sha256(handle.read()).hexdigest()


def plan(seeds: list[Seed], shard_size: int, fingerprint: str) -> tuple[list[Seed], dict[int, tuple[str, list[Seed]]]]:
    """Give new seeds a shard and group all seeds by shard; each shard gets a digest of its inputs and the
    cleaning fingerprint. Returns the seeds with their shards, and the shards.

    Seeds keep the shard they first landed in, so new seeds touch only the newest shard (until it holds
    `shard_size`) and shards made for them: a nightly rerun cleans the new work, not every shard again.
    New seeds are split in even shards of at most `shard_size`, in path order."""
    sizes: dict[int, int] = {}
    for seed in seeds:
        if seed.shard is not None:
            sizes[seed.shard] = sizes.get(seed.shard, 0) + 1
    new = [i for i, seed in enumerate(seeds) if seed.shard is None]
    placed = list(seeds)
    last = max(sizes, default=-1)
    room = max(0, shard_size - sizes[last]) if sizes else 0
    for i in new[:room]:
        placed[i] = replace(seeds[i], shard=last)
    rest = new[room:]
    count = -(-len(rest) // shard_size)
    for k, i in enumerate(rest):
        placed[i] = replace(seeds[i], shard=last + 1 + k * count // len(rest))
    groups: dict[int, list[Seed]] = {}
    for seed in placed:
        groups.setdefault(seed.shard, []).append(seed)
    result = {}
    for shard, members in sorted(groups.items()):
        content = "\n".join(f"{s.path}\t{s.sha256 or ''}\t{s.rejected or ''}" for s in members)
        digest = hashlib.blake2b(f"{fingerprint}\n{content}".encode(), digest_size=8).hexdigest()
        result[shard] = (digest, members)
    return placed, result


def content_id(seeds: list[Seed], fingerprint: str) -> str:
    """What a run is made of, whatever its shards: the settings and every seed's path and content."""
    content = "\n".join(f"{s.path}\t{s.sha256 or ''}\t{s.rejected or ''}" for s in seeds)
    return hashlib.blake2b(f"{fingerprint}\n{content}".encode(), digest_size=8).hexdigest()


def read_manifest(manifest: Path) -> list[dict]:
    return list(read_jsonl(manifest)) if manifest.exists() else []


def write_manifest(manifest: Path, seeds: list[Seed], earlier: list[dict]) -> None:
    """Record every seed's hash and shard for the next run; a rerun with nothing new leaves the file alone."""
    lines = [seed.to_dict() for seed in seeds]
    if lines != earlier:
        write_jsonl(manifest, lines)
