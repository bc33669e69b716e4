"""Exact and near-duplicate detection: shingles, MinHash signatures, LSH bands, clusters.

Signatures are datasketch's own ("affine32" scheme, its permutations; each row is a LeanMinHash), computed
for many documents at once with numpy. Banding is chosen from the threshold for recall (`lsh_bands`), and each band is
bucketed on its own (a test checks the buckets against datasketch's MinHashLSH with the same bands; huge
buckets are paired as a star instead), so bands can run as separate tasks. Every candidate pair is
confirmed on exact Jaccard, and clusters never chain: a document joins a cluster only if it is similar to
the cluster's kept document itself. Pure: arrays in, verdicts out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

import numpy as np
import xxhash

if TYPE_CHECKING:
    import datasketch

SCHEME = "affine32"
SEED = 1
TOKEN = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
SHINGLE_BASE = np.uint32(0x01000193)  # FNV prime: combines word hashes position by position


def tokens(text: str) -> list[str]:
    """Normalised words for comparison only: NFKC, case-folded, digits folded to 0, punctuation dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return TOKEN.findall(DIGIT.sub("0", text.casefold()))


def exact_key(words: Sequence[str]) -> str:
    """Hash of the normalised text: equal for documents that differ only in case, punctuation, digits."""
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()


_WORD_HASHES: dict[str, int] = {}
WORD_CACHE_SIZE = 1 << 21


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """32-bit xxhash of each word, from a bounded cache: a corpus reuses a small vocabulary."""
    new = set(words).difference(_WORD_HASHES)  # set operations at C speed; only new words are hashed here
    if new:
        if len(_WORD_HASHES) + len(new) > WORD_CACHE_SIZE:
            _WORD_HASHES.clear()
            new = set(words)
        _WORD_HASHES.update((word, xxhash.xxh32_intdigest(word.encode())) for word in new)
    return np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint32, count=len(words))


def shingle_hashes(words: Sequence[str], size: int, short_words: int) -> np.ndarray:
    """Sorted distinct 32-bit hashes of word `size`-grams (a polynomial over the words' hashes, for all
    positions at once); for short documents, where those are too few, of character 5-grams."""
    return shingle_hashes_many([words], size, short_words)[0]


def shingle_hashes_many(documents: Sequence[Sequence[str]], size: int, short_words: int) -> list[np.ndarray]:
    """`shingle_hashes` for many documents with one pass of numpy over all their words."""
    long_docs = [i for i, words in enumerate(documents) if len(words) >= short_words]
    result: list[np.ndarray] = [np.zeros(0, np.uint32)] * len(documents)
    if long_docs:
        hashed = word_hashes([w for i in long_docs for w in documents[i]])
        count = len(hashed) - size + 1
        combined = hashed[:count].copy()
        for offset in range(1, size):
            combined *= SHINGLE_BASE
            combined += hashed[offset : offset + count]
        start = 0
        for i in long_docs:  # windows inside each document only
            end = start + len(documents[i])
            result[i] = _distinct(combined[start : end - size + 1])
            start = end
    for i, words in enumerate(documents):
        if len(words) < short_words:
            joined = " ".join(words)
            grams = [joined[k : k + 5] for k in range(max(1, len(joined) - 4))] if joined else []
            result[i] = _distinct(word_hashes(grams))
    return result


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; several times faster than np.unique on small arrays."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def shingle_hash(shingle: str) -> int:
    """The hash `shingle_hashes` gives one word n-gram ("a b c d e"): for datasketch's `hashfunc`."""
    value = np.zeros(1, dtype=np.uint32)
    for hashed in word_hashes(shingle.split(" ")):
        value = value * SHINGLE_BASE + hashed
    return int(value[0])


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, exactly as datasketch's affine32 scheme pre-mixes its inputs."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


class Signer:
    """MinHash signatures, bit-for-bit equal to datasketch's
    `MinHash(num_perm, seed=1, scheme="affine32", hashfunc=int).update_batch(hashes)`."""

    def __init__(self, num_perm: int) -> None:
        from datasketch import MinHash  # imported where used: it loads scipy, 0.3 s a nothing-new rerun needs not

        self.num_perm = num_perm
        self.a, self.b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
        self._buffer = np.empty((0, num_perm), dtype=np.uint32)

    def sign(self, hash_arrays: Sequence[np.ndarray]) -> np.ndarray:
        """One uint32 signature row per document; no hashes give datasketch's empty value (all max).

        The pre-mix runs once over all documents' hashes; the permutations then run one document at a
        time into a reused buffer, whose values stay in cache: several times faster than one large array."""
        out = np.full((len(hash_arrays), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        mixed = _fmix32(np.concatenate([np.zeros(0, np.uint32), *hash_arrays]))
        start = 0
        for row, hashes in enumerate(hash_arrays):
            if len(hashes):
                if len(hashes) > len(self._buffer):
                    self._buffer = np.empty((len(hashes), self.num_perm), dtype=np.uint32)
                permuted = self._buffer[: len(hashes)]
                np.multiply(mixed[start : start + len(hashes), None], self.a, out=permuted)
                np.add(permuted, self.b, out=permuted)
                permuted.min(axis=0, out=out[row])
                start += len(hashes)
        return out


def lean(signature: np.ndarray) -> datasketch.LeanMinHash:
    """A signature row as datasketch's own object, for comparing with its MinHashLSH."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted arrays of distinct shingle hashes."""
    if not len(a) and not len(b):
        return 1.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


class Similarity:
    """Exact Jaccard similarity of two documents' shingle sets, by row: how candidate pairs are confirmed;
    and containment, the share of the smaller set inside the larger."""

    def __init__(self, shingle_sets: Sequence[np.ndarray]) -> None:
        self.sets = shingle_sets

    def __call__(self, i: int, j: int) -> float:
        return jaccard(self.sets[i], self.sets[j])

    def containment(self, i: int, j: int) -> tuple[float, int, int]:
        """(share of the smaller set in the larger, the smaller's row, the larger's row); ties: i is smaller."""
        a, b = self.sets[i], self.sets[j]
        small, large = (i, j) if len(a) <= len(b) else (j, i)
        smaller = min(len(a), len(b))
        shared = len(np.intersect1d(a, b, assume_unique=True)) if smaller else 0
        return (shared / smaller if smaller else 0.0), small, large


PROSE_HEAD = 0.5  # a document with less of its words in prose is mostly furniture: it absorbs no copy


@dataclass(frozen=True)
class Entry:
    """What dedup needs to know of a document: its keys, and what ranks it among its copies."""

    path: str
    id: str
    exact: str
    words: int
    created: str | None
    url: str | None = None  # urls.same_page of the document's URL, when it has one
    lost: int = 0  # characters lost for good: U+FFFD replacement characters left in its text
    page: bool = False  # an HTML page or a record with a URL: a richer source than a bare text scrape
    known: int = 0  # how many of title, date and URL it has
    title: str | None = None
    link: str | None = None
    prose: float = 1.0  # share of its words in sentences of prose
    preferred: tuple = ()  # its rank under each of the user's [dedup] prefer, best first (see preferred())
    author: str | None = None


def priority(entry: Entry) -> tuple:
    """Which document of a cluster is kept, best first: no characters lost, then the user's preferences
    (`preferred`), then the richer source (a page over a text scrape), the more it knows (title, date, URL),
    the more words, the earliest date (undated last), then path. Copies of one story differ little in words,
    so chrome never outranks a clean page. (Ranking first by how much of what the other copies share a copy
    holds was measured and dropped: two scrapes of one page share its chrome, and it chose them over the
    page.)"""
    return (entry.lost > 0, *entry.preferred, not entry.page, -entry.known, -entry.words,
            entry.created or "9999-99-99", entry.path)


def preferred(prefer: Sequence[str], path: str, page: bool, words: int, created: str | None) -> tuple:
    """A document's rank under each preference of [dedup] prefer, lower first: "page" (an HTML page or a
    record with a URL), "text" (a text scrape), "earliest" (date), "longest" (words), "folder:GLOB" (its
    path matches GLOB, as --include matches)."""
    ranks: list = []
    for name in prefer:
        if name.startswith("folder:"):
            ranks.append(not fnmatchcase(path, name[len("folder:"):]))
        else:
            ranks.append({"page": not page, "text": page, "earliest": created or "9999-99-99",
                          "longest": -words}[name])
    return tuple(ranks)


PRIORITY_WORDS = ("no replacement characters (U+FFFD)", "a page, not a bare text scrape",
                  "more of title, date and URL known", "more words", "the earliest date", "the first path")


def cluster_notes(entries: Sequence[Entry], found: Sequence[Duplicate], prefer: Sequence[str] = ()
                  ) -> dict[str, dict]:
    """For each kept document that copies were folded into, by id: its cluster (size, the kinds of its
    copies, why it was kept) and what it lacks that a copy has (title, date, URL, author), taken from the best copy
    having it, with where it came from."""
    by_path = {entry.path: entry for entry in entries}
    gone = {duplicate.path for duplicate in found}
    by_id = {entry.id: entry for entry in entries if entry.path not in gone}
    members: dict[str, list[Duplicate]] = {}
    for duplicate in found:
        members.setdefault(duplicate.duplicate_of, []).append(duplicate)
    notes = {}
    for head_id, copies in members.items():
        head = by_id[head_id]
        others = sorted((by_path[d.path] for d in copies), key=priority)
        kinds = Counter(duplicate.kind for duplicate in copies)
        fill = {}
        for field, value in (("title", head.title), ("created", head.created), ("url", head.link),
                             ("author", head.author)):
            lender = next((o for o in others if value is None and getattr(o, LENT[field])), None)
            if lender is not None:
                fill[field] = [getattr(lender, LENT[field]), f"copy {lender.path}"]
        notes[head_id] = {"size": len(copies) + 1, "kinds": dict(sorted(kinds.items())),
                          "chosen_because": chosen_because(head, others, prefer), "fill": fill}
    return notes


# What a copy lends a kept copy that lacks it, by its Entry field.
LENT = {"title": "title", "created": "created", "url": "link", "author": "author"}


def chosen_because(head: Entry, others: Sequence[Entry], prefer: Sequence[str] = ()) -> str:
    """Why `head` was kept over its copies: the first criterion of `priority` it wins on against the best of
    them (`prefer`: the user's preferences, which come after the first)."""
    if not others:
        return "the only copy"
    best = min(priority(other) for other in others)
    mine = priority(head)
    rank = next((k for k, (a, b) in enumerate(zip(mine, best, strict=True)) if a != b), len(mine) - 1)
    if 1 <= rank <= len(prefer):
        return f"the preference {prefer[rank - 1]!r}"
    return PRIORITY_WORDS[rank - len(prefer) if rank else 0]


@dataclass(frozen=True)
class Duplicate:
    path: str
    duplicate_of: str
    similarity: float
    kind: str

    def to_dict(self) -> dict:
        return {"path": self.path, "duplicate_of": self.duplicate_of, "similarity": self.similarity,
                "kind": self.kind, "cluster": self.duplicate_of}


def representatives(entries: Sequence[Entry]) -> tuple[dict[int, tuple[int, float, str]], list[int]]:
    """Exact duplicates folded into their kept copy: the same normalised text ("exact"), or the same page
    fetched again under one URL ("exact-url", a crawl's second visit); the kept copies in keep order."""
    dropped: dict[int, tuple[int, float, str]] = {}
    heads: dict[str, int] = {}
    pages: dict[str, int] = {}
    for i in sorted(range(len(entries)), key=lambda i: priority(entries[i])):
        entry = entries[i]
        if (head := heads.get(entry.exact)) is not None:
            dropped[i] = (head, 1.0, "exact")
        elif entry.url is not None and (head := pages.get(entry.url)) is not None:
            dropped[i] = (head, 1.0, "exact-url")
        else:
            heads[entry.exact] = i
            if entry.url is not None:
                pages.setdefault(entry.url, i)
    return dropped, sorted(set(heads.values()), key=lambda i: priority(entries[i]))


def band_pairs(band: np.ndarray, items: Sequence[int], star_above: int = 64) -> np.ndarray:
    """Candidate pairs among `items` whose signatures agree on one band (the columns given): one LSH band's
    buckets, as datasketch's MinHashLSH(params=(bands, rows)) forms them. A bucket larger than `star_above`
    pairs each member with its first one only, so that one common band value cannot explode into
    millions of pairs."""
    items = np.asarray(items, dtype=np.int64)
    if len(items) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    rows = band[items]
    order = np.lexsort(rows.T[::-1])  # stable: a bucket's members keep the order of `items`
    ordered = rows[order]
    starts = np.flatnonzero(np.concatenate([[True], np.any(ordered[1:] != ordered[:-1], axis=1)]))
    counts = np.diff(np.append(starts, len(items)))
    first = starts[counts == 2]  # the common case, all at once
    pairs = [np.stack([items[order[first]], items[order[first + 1]]], axis=1)]
    for start, count in zip(starts[counts > 2].tolist(), counts[counts > 2].tolist(), strict=True):
        members = items[order[start : start + count]]
        if count > star_above:
            pairs.append(np.stack([np.full(count - 1, members[0]), members[1:]], axis=1))
        else:
            left, right = np.triu_indices(count, k=1)
            pairs.append(np.stack([members[left], members[right]], axis=1))
    return np.concatenate(pairs)


def distinct_pairs(found: Sequence[np.ndarray]) -> np.ndarray:
    """The pairs of all bands, each once, smaller row first."""
    pairs = np.concatenate([np.zeros((0, 2), dtype=np.int64), *found])
    return np.unique(np.sort(pairs, axis=1), axis=0) if len(pairs) else pairs


def cluster(entries: Sequence[Entry], dropped: dict[int, tuple[int, float, str]], pairs: np.ndarray,
            compare: Similarity, threshold: float, containment: float = 0.0) -> list[Duplicate]:
    """Confirm candidate pairs, union-find them into components, and inside each component let documents,
    in keep order, join the kept document they are most similar to, only if that similarity itself reaches
    the threshold: A≈B and B≈C never fold C into A. Then, with `containment`, a kept document whose shingles
    lie at least that share inside a longer kept document is its "contained" copy (a trimmed or embedded
    story). A document that is mostly furniture (little prose) never absorbs another: two sidebars alike
    are not one story."""
    dropped = dict(dropped)
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    inside: list[tuple[int, int, float]] = []  # (goes, stays, containment) of pairs short of the threshold
    for i, j in distinct_pairs([pairs]).tolist():
        if compare(i, j) >= threshold:
            parent[find(i)] = find(j)
        elif containment > 0:
            share, small, large = compare.containment(i, j)
            if share >= containment and entries[small].words >= CONTAINED_MIN_WORDS:
                # the copy inside goes, unless it is the better source (a clean page inside a scrape's chrome)
                better = _source(entries[small]) < _source(entries[large])
                inside.append((large, small, share) if better else (small, large, share))
    groups: dict[int, list[int]] = {}
    for i in list(parent):
        groups.setdefault(find(i), []).append(i)
    for members in groups.values():
        leaders: list[int] = []
        for i in sorted(members, key=lambda m: priority(entries[m])):
            scored = [(compare(i, lead), lead) for lead in leaders if entries[lead].prose >= PROSE_HEAD]
            best = max(scored, key=lambda s: (s[0], -leaders.index(s[1])), default=(0.0, -1))
            if best[0] >= threshold:
                dropped[i] = (best[1], round(best[0], 4), "near")
            else:
                leaders.append(i)
    _contained(entries, dropped, inside)
    result = []
    for i, (head, score, kind) in dropped.items():
        while head in dropped:  # a copy of a document that was itself folded into another
            onward, its_score, its_kind = dropped[head]
            head, score = onward, min(score, its_score)
            kind = "contained" if "contained" in (kind, its_kind) else "near"
        result.append(Duplicate(entries[i].path, entries[head].id, score, kind))
    return sorted(result, key=lambda d: d.path)


def _source(entry: Entry) -> tuple:
    """The part of `priority` that is about the copy's source: lost characters, preferences, page or scrape."""
    return (entry.lost > 0, *entry.preferred, not entry.page)


CONTAINED_MIN_WORDS = 30  # shorter documents are compared on characters: too little to say one is inside another


def _contained(entries: Sequence[Entry], dropped: dict[int, tuple[int, float, str]],
               inside: list[tuple[int, int, float]]) -> None:
    """Fold each contained pair's copy that goes into its best keeper that is still kept, larger documents
    first (so that a container is settled before what it contains), never into one that is mostly furniture."""
    keepers: dict[int, list[tuple[int, float]]] = {}
    for goes, stays, share in inside:
        keepers.setdefault(goes, []).append((stays, share))
    for goes in sorted(keepers, key=lambda i: (-entries[i].words, priority(entries[i]))):
        if goes in dropped:
            continue
        found = [(stays, share) for stays, share in keepers[goes]
                 if stays not in dropped and entries[stays].prose >= PROSE_HEAD]
        if found:
            stays, share = min(found, key=lambda f: (-f[1], priority(entries[f[0]])))
            dropped[goes] = (stays, round(share, 4), "contained")
