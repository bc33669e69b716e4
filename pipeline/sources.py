"""Seed discovery, the content manifest, and the shard plan that names each task's inputs.

The manifest caches each file's SHA-256 under its size and mtime, so a rerun re-hashes only files that
changed. A shard's digest covers its paths, their hashes and the cleaning fingerprint: any change to one
of them gives the shard a new output name, and nothing else is redone.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.documents import read_jsonl, write_jsonl


@dataclass(frozen=True)
class Seed:
    """One input file as planned: where it is, what it holds, or why it cannot be used."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    rejected: str | None = None
    fs: str | None = None  # hex of the raw file-system name, only when it is not valid UTF-8

    def to_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}

    def location(self, root: Path) -> Path:
        return root / (os.fsdecode(bytes.fromhex(self.fs)) if self.fs else self.path)


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
        for name in sorted([*dirnames, *filenames]):
            full = os.path.join(folder, name)
            relative = full[top:]
            try:
                info = os.lstat(full)
            except FileNotFoundError:  # deleted while we walked
                continue
            if stat.S_ISLNK(info.st_mode):
                yield relative, None, "symbolic link (not followed)"
                if name in dirnames:
                    dirnames.remove(name)
            elif name in filenames:
                if stat.S_ISREG(info.st_mode):
                    yield relative, info, None
                else:
                    yield relative, None, "not a regular file"
    for err in errors:
        yield os.path.relpath(err.filename, root), None, f"unreadable folder: {err.strerror}"


def scan(root: Path, manifest: Path, max_bytes: int) -> list[Seed]:
    """Discover and hash every seed, reusing manifest hashes of files whose size and mtime are unchanged."""
    known = {(r["path"], r["size"], r["mtime_ns"]): r["sha256"] for r in read_jsonl(manifest)} \
        if manifest.exists() else {}
    seeds = []
    for relative, info, reason in discover(root):
        path, fs = display(relative)
        if info is None:
            seeds.append(Seed(path, rejected=reason, fs=fs))
            continue
        seed = Seed(path, info.st_size, info.st_mtime_ns, fs=fs)
        if info.st_size > max_bytes:
            seeds.append(Seed(path, info.st_size, info.st_mtime_ns, fs=fs,
                              rejected=f"larger than the size limit ({info.st_size} > max_bytes {max_bytes})"))
            continue
        digest = known.get((path, info.st_size, info.st_mtime_ns))
        if digest is None:
            try:
                with open(seed.location(root), "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError as err:
                seeds.append(Seed(path, info.st_size, info.st_mtime_ns, fs=fs, rejected=f"unreadable: {err.strerror}"))
                continue
        seeds.append(Seed(path, info.st_size, info.st_mtime_ns, digest, fs=fs))
    seeds.sort(key=lambda s: s.path)
    hashed = {(s.path, s.size, s.mtime_ns): s.sha256 for s in seeds if s.sha256}
    if hashed != known:  # a rerun with nothing new leaves the manifest as it is
        write_jsonl(manifest, (s.to_dict() for s in seeds if s.sha256))
    return seeds


def shard_of(path: str, shards: int) -> int:
    """Stable shard of a seed path: the same path always lands in the same shard."""
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % shards


def plan(seeds: list[Seed], shards: int, fingerprint: str) -> dict[int, tuple[str, list[Seed]]]:
    """Group seeds into shards; each shard gets a digest of its inputs and the cleaning fingerprint."""
    groups: dict[int, list[Seed]] = {}
    for seed in seeds:
        groups.setdefault(shard_of(seed.path, shards), []).append(seed)
    result = {}
    for shard, members in sorted(groups.items()):
        content = "\n".join(f"{s.path}\t{s.sha256 or ''}\t{s.rejected or ''}" for s in members)
        digest = hashlib.blake2b(f"{fingerprint}\n{content}".encode(), digest_size=8).hexdigest()
        result[shard] = (digest, members)
    return result
