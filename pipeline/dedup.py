"""Exact and near-duplicate detection: shingles, MinHash signatures, LSH bands, clusters.

Signatures are datasketch's own ("affine32" scheme, its permutations), computed for many documents at
once with numpy; LSH banding is chosen from the threshold for recall; every candidate pair is confirmed by
its estimated Jaccard, and clusters never chain: a document joins a cluster only if it is similar to the
cluster's kept document itself.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

SCHEME = "affine32"
SEED = 1
TOKEN = re.compile(r"\w+")
DIGIT = re.compile(r"\d")


def tokens(text: str) -> list[str]:
    """Normalised words for comparison only: NFKC, case-folded, digits folded to 0, punctuation dropped."""
    return TOKEN.findall(DIGIT.sub("0", unicodedata.normalize("NFKC", text).casefold()))


def exact_key(words: Sequence[str]) -> str:
    """Hash of the normalised text: equal for documents that differ only in case, punctuation, digits."""
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()


def shingles(words: Sequence[str], size: int, short_words: int) -> set[str]:
    """Word n-grams; for short documents, where they are too few, character 5-grams of the words."""
    if len(words) >= short_words:
        return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    joined = " ".join(words)
    return {joined[i : i + 5] for i in range(max(1, len(joined) - 4))} if joined else set()


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, exactly as datasketch's affine32 scheme pre-mixes its inputs."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


class Signer:
    """Batch MinHash signatures, bit-for-bit equal to datasketch MinHash(..., hashfunc=xxh32).update_batch."""

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self.a, self.b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations

    def sign(self, shingle_sets: Sequence[set[str]]) -> np.ndarray:
        """One uint32 signature row per document; an empty set gets datasketch's empty value (all max)."""
        out = np.full((len(shingle_sets), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        for row, items in enumerate(shingle_sets):
            if items:
                hashed = np.fromiter((xxhash.xxh32_intdigest(s.encode()) for s in items), np.uint32, len(items))
                mixed = _fmix32(hashed)[:, None]
                out[row] = (mixed * self.a + self.b).min(axis=0)
        return out


def lean(signature: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)


def bands(threshold: float, num_perm: int, recall: float = 0.95) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose chance of pairing two documents at `threshold` is
    at least `recall`: as selective as possible without missing pairs at the threshold."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        count = num_perm // rows
        if count < 2:
            break
        if 1 - (1 - threshold**rows) ** count >= recall:
            best = (count, rows)
    return best


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal signature slots."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True)
class Entry:
    """What dedup needs to know of a document."""

    path: str
    id: str
    exact: str
    words: int
    created: str | None


def priority(entry: Entry) -> tuple:
    """Which document of a cluster is kept: most words, then earliest date (undated last), then path."""
    return (-entry.words, entry.created or "9999-99-99", entry.path)


@dataclass(frozen=True)
class Duplicate:
    path: str
    duplicate_of: str
    similarity: float
    kind: str

    def to_dict(self) -> dict:
        return {"path": self.path, "duplicate_of": self.duplicate_of, "similarity": self.similarity,
                "kind": self.kind}


def find_duplicates(entries: Sequence[Entry], signatures: np.ndarray, threshold: float) -> list[Duplicate]:
    """Every dropped document with the kept one it duplicates; independent of input order."""
    order = sorted(range(len(entries)), key=lambda i: priority(entries[i]))
    dropped: dict[int, tuple[int, float, str]] = {}
    heads: dict[str, int] = {}
    for i in order:  # exact duplicates: same normalised text
        head = heads.setdefault(entries[i].exact, i)
        if head != i:
            dropped[i] = (head, 1.0, "exact")
    representatives = sorted(set(heads.values()), key=lambda i: priority(entries[i]))
    components = _candidate_components(representatives, signatures, threshold)
    for members in components:  # leader clustering inside each union-find component: no chaining
        leaders: list[int] = []
        for i in sorted(members, key=lambda m: priority(entries[m])):
            scored = [(similarity(signatures[i], signatures[lead]), lead) for lead in leaders]
            best = max(scored, key=lambda s: (s[0], -leaders.index(s[1])), default=(0.0, -1))
            if best[0] >= threshold:
                dropped[i] = (best[1], round(best[0], 4), "near")
            else:
                leaders.append(i)
    result = []
    for i, (head, score, kind) in dropped.items():
        while head in dropped:  # an exact copy of a document that was itself folded into another
            head, score, kind = dropped[head][0], min(score, dropped[head][1]), "near"
        result.append(Duplicate(entries[i].path, entries[head].id, score, kind))
    return sorted(result, key=lambda d: d.path)


def _candidate_components(items: list[int], signatures: np.ndarray, threshold: float) -> list[list[int]]:
    """Union-find over LSH candidate pairs confirmed by estimated Jaccard; only multi-member components."""
    if len(items) < 2:
        return []
    num_perm = signatures.shape[1]
    lsh = MinHashLSH(num_perm=num_perm, params=bands(threshold, num_perm))
    parent = {i: i for i in items}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in items:
        sketch = lean(signatures[i])
        for j in lsh.query(sketch):
            if similarity(signatures[i], signatures[j]) >= threshold:
                parent[find(i)] = find(j)
        lsh.insert(i, sketch, check_duplication=False)
    groups: dict[int, list[int]] = {}
    for i in items:
        groups.setdefault(find(i), []).append(i)
    return [members for members in groups.values() if len(members) > 1]


def expected_recall(threshold: float, num_perm: int) -> float:
    """Chance that LSH pairs two documents at exactly the threshold, with the bands chosen above."""
    count, rows = bands(threshold, num_perm)
    return 1 - math.pow(1 - threshold**rows, count)
