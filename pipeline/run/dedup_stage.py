"""The run-wide dedup stage over the shards' files: representatives of exact groups, one LSH band's
candidate pairs, the clusters with a verdict for each shard, and the site-template lines.

minhash.py holds the algorithms; this module only reads the shards' arrays and writes the stage's files.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.config import Config
from pipeline.dedup import lsh_bands, minhash, repeated_lines
from pipeline.store.files import load_array, load_jsonl, read_jsonl, save_array, write_json, write_jsonl

Shard = dict[str, Path]  # a cleaned shard's files by kind (layout.SHARD_FILES)


def read_keys(shards: Sequence[Shard]) -> list[list[dict]]:
    """Each shard's per-document dedup keys (keys.jsonl), in row order of its signature array."""
    return [load_jsonl(shard["keys.jsonl"]) for shard in shards]


def load_entries(keys: list[list[dict]], prefer: Sequence[str] = ()) -> list[minhash.Entry]:
    """Every document's dedup entry, in shard order (the row order of the concatenated signatures), ranked
    under the user's preferences."""
    return [minhash.Entry(key["path"], key["id"], key["exact"], key["words"], key["created"], key.get("url"),
                          key.get("lost", 0), key.get("page", False), key.get("known", 0), key.get("title"),
                          key.get("link"), key.get("prose", 1.0),
                          minhash.preferred(prefer, key["path"], key.get("page", False), key["words"], key["created"]),
                          key.get("author"))
            for shard in keys for key in shard]


EXACT_KINDS = ("exact", "exact-url")


def lsh_threshold(config: Config) -> float:
    """The similarity the LSH bands are tuned to find (see lsh_bands.lsh_threshold)."""
    return lsh_bands.lsh_threshold(config.dedup.threshold, config.dedup.containment)


def write_representatives(shards: Sequence[Shard], out: dict[str, Path], config: Config) -> None:
    """The rows that LSH compares (`reps`): one kept copy of each exact duplicate group, computed once for
    all bands; and the exact duplicates (`exact`: row, kept row, kind), for the clustering to start from."""
    dropped, representatives = minhash.representatives(load_entries(read_keys(shards), config.dedup.prefer))
    exact = [(row, head, EXACT_KINDS.index(kind)) for row, (head, _, kind) in dropped.items()]
    save_array(out["exact"], np.array(exact, dtype=np.int64).reshape(-1, 3))
    save_array(out["reps"], np.array(representatives, dtype=np.int64))


def write_band(shards: Sequence[Shard], representatives: Path, band: int, config: Config, out: Path) -> None:
    """One LSH band's candidate pairs; it reads only that band's columns of every signature."""
    rows = lsh_bands.bands(lsh_threshold(config), config.dedup.num_perm)[1]
    columns = slice(band * rows, (band + 1) * rows)
    matrix = np.concatenate([np.zeros((0, rows), np.uint32),
                             *(load_array(shard["sigs.npy"], mmap=True)[:, columns] for shard in shards)])
    save_array(out, minhash.band_pairs(matrix, load_array(representatives)))


class ShingleStore:
    """Documents' shingle hashes, read on demand from the shards' memory-mapped arrays."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        self.first: list[int] = [0]

    def add(self, path: Path, counts: list[int]) -> None:
        self.arrays.append(load_array(path, mmap=True))
        self.starts.append(np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]))
        self.first.append(self.first[-1] + len(counts))

    def __getitem__(self, index: int) -> np.ndarray:
        shard = bisect.bisect_right(self.first, index) - 1
        row = index - self.first[shard]
        return self.arrays[shard][self.starts[shard][row] : self.starts[shard][row + 1]]


def write_clusters(numbers: Sequence[int], shards: Sequence[Shard], exact: Path, bands: Sequence[Path],
                   config: Config, out: Path, verdicts: dict[int, Path]) -> None:
    """Clusters from the `exact` duplicates and all bands' candidate pairs (confirmed on exact Jaccard, no
    chaining) to `out`, and for each shard (by number) its verdict file: its dropped documents and the ids
    of its kept documents that others were folded into, so that each shard's finish reads only its own share."""
    keys = read_keys(shards)
    entries = load_entries(keys, config.dedup.prefer)
    sets = ShingleStore()
    shard_of_row: list[int] = []
    for number, shard, shard_keys in zip(numbers, shards, keys, strict=True):
        sets.add(shard["shingles.npy"], [key["shingles"] for key in shard_keys])
        shard_of_row += [number] * len(shard_keys)
    dropped = {row: (head, 1.0, EXACT_KINDS[kind]) for row, head, kind in load_array(exact).tolist()}
    pairs = np.concatenate([np.zeros((0, 2), np.int64), *(load_array(band) for band in bands)])
    found = minhash.cluster(entries, dropped, pairs, minhash.Similarity(sets), config.dedup.threshold,
                            config.dedup.containment)
    row_of_path = {entry.path: row for row, entry in enumerate(entries)}
    gone = {d.path for d in found}
    row_of_kept_id = {entry.id: row for row, entry in enumerate(entries) if entry.path not in gone}
    shares: dict[int, dict] = {number: {"dropped": [], "heads": set(), "clusters": {}} for number in numbers}
    for duplicate in found:
        shares[shard_of_row[row_of_path[duplicate.path]]]["dropped"].append(duplicate.to_dict())
        shares[shard_of_row[row_of_kept_id[duplicate.duplicate_of]]]["heads"].add(duplicate.duplicate_of)
    for head, note in minhash.cluster_notes(entries, found, config.dedup.prefer).items():
        shares[shard_of_row[row_of_kept_id[head]]]["clusters"][head] = note
    for number, share in shares.items():
        write_json(verdicts[number], {"dropped": share["dropped"], "heads": sorted(share["heads"]),
                                      "clusters": dict(sorted(share["clusters"].items()))})
    write_jsonl(out, (d.to_dict() for d in found))  # last: marks the stage done


def shard_line_keys(shard: Shard, dropped: set[str]) -> np.ndarray:
    """(document row, line key) of a shard's kept documents, each key once per document."""
    pairs = load_array(shard["lines.npy"])
    paths = [key["path"] for key in load_jsonl(shard["keys.jsonl"])]
    kept_rows = np.array([i for i, path in enumerate(paths) if path not in dropped], dtype=np.uint64)
    return pairs[np.isin(pairs[:, 0], kept_rows)]


def write_template(shards: Sequence[Shard], duplicates: Path, config: Config, out: Path) -> None:
    """Line keys found in enough kept documents to be site template (see repeated_lines.py), sorted."""
    dropped = {d["path"] for d in read_jsonl(duplicates)}
    kept = [shard_line_keys(shard, dropped)[:, 1] for shard in shards]
    repeated = repeated_lines.repeated(kept, config.repetition.min_documents)
    save_array(out, np.array(sorted(repeated), dtype=np.uint64))
