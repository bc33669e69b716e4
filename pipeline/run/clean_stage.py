"""Cleaning one shard: read its seeds, clean each into a Document or a Rejection, and write what the later
stages need of it (records, dedup keys, MinHash signatures, shingle sets, template line keys).

Touches only the files it is given: the shard's seeds under SEEDS, its earlier version, its outputs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline.cleaning import containers
from pipeline.cleaning.clean import clean
from pipeline.cleaning.seed_names import is_container
from pipeline.cleaning.text import is_prose
from pipeline.cleaning.text import words as line_words
from pipeline.cleaning.urls import same_page
from pipeline.config import Config
from pipeline.dedup import minhash, repeated_lines
from pipeline.documents import Cleaned, Code, Document, Refused, Rejection, UrlSource
from pipeline.run import time_budget
from pipeline.store.files import (
    CorruptFile,
    atomic_write,
    dumps,
    load_array,
    load_jsonl,
    open_regular,
    read_ahead,
    read_jsonl,
    save_array,
    write_json,
    write_jsonl,
)
from pipeline.store.manifest import Seed, content_sum

PROGRESS_EVERY = 1.0  # seconds between updates of a shard's progress file, and flushes of its checkpoint


def read_seed(root: Path, seed: Seed, max_bytes: int) -> bytes:
    """The seed's bytes, checked against the plan (size, mtime, and the hash when the manifest knew it);
    raises OSError or ValueError with the reason."""
    with open_regular(seed.location(root)) as handle:
        data = handle.read(max_bytes + 1)
        info = os.fstat(handle.fileno())
    if len(data) > max_bytes:
        raise Refused(Code.TOO_LARGE, f"larger than the size limit (max_bytes {max_bytes})")
    if ((info.st_size, info.st_mtime_ns, info.st_ctime_ns) != (seed.size, seed.mtime_ns, seed.ctime_ns)
            or seed.sha256 not in (None, hashlib.sha256(data).hexdigest())):
        raise Refused(Code.UNREADABLE, "changed while the run was going on; the next run will take it")
    return data


def clean_seed(seed: Seed, read: Callable[[], bytes], config: Config) -> list[Cleaned]:
    """A seed file's shard lines: one per document it holds (a plain page holds one, a WARC or JSON Lines
    file one per record, `FILE#N`), each cleaned or rejected with the reason. Never raises for bad input."""
    if seed.rejected:
        return [Cleaned(seed.path, seed.sha256, rejection=Rejection(seed.path, seed.rejected, seed.code))]
    try:
        data = read()
    except (OSError, ValueError) as err:
        return [unread(seed, err)]
    container = seed.path if is_container(seed.path) else None
    lines: list[Cleaned] = []
    found = containers.records(seed.path, data, limits(config))
    while True:
        try:
            record = next(found, None)
        except Exception as err:  # a container's own damage: what was read before it stays
            reason = str(err) if isinstance(err, containers.Unreadable) else f"unreadable: {type(err).__name__}: {err}"
            code = err.code if isinstance(err, containers.Unreadable) else Code.DAMAGED
            if container and lines:  # the record that could not be read, after those that could
                path = f"{seed.path}#{len(lines) + 1}"
                lines.append(Cleaned(path, seed.sha256, rejection=Rejection(path, reason, code), seed=container))
            else:  # nothing could be read: the file itself is the rejected input
                lines.append(Cleaned(seed.path, seed.sha256, rejection=Rejection(seed.path, reason, code)))
            break
        if record is None:
            break
        path = seed.path if record.number is None else f"{seed.path}#{record.number}"
        outcome = Rejection(path, record.rejected, record.code) if record.rejected \
            else _clean_record(path, record, config)
        if isinstance(outcome, Rejection):
            lines.append(Cleaned(path, seed.sha256, rejection=outcome, seed=container))
        else:
            lines.append(Cleaned(path, seed.sha256, document=outcome, seed=container))
    return lines


def limits(config: Config) -> containers.Limits:
    """What reading one seed file may cost, and an export's field names, from the settings."""
    fields = config.export
    return containers.Limits(config.max_bytes, config.max_container_bytes, fields.html, fields.text, fields.url,
                             fields.title, fields.date)


def unread(seed: Seed, err: OSError | ValueError) -> Cleaned:
    """A seed that could not be read as planned: rejected for now, read again by the next run."""
    reason = f"unreadable: {err.strerror or err}" if isinstance(err, OSError) else str(err)
    code = err.code if isinstance(err, Refused) else Code.UNREADABLE
    return Cleaned(seed.path, seed.sha256, rejection=Rejection(seed.path, reason, code, transient=True))


def _clean_record(path: str, record: containers.Record, config: Config) -> Document | Rejection:
    """One document within its time budget; a bug costs this document, not the batch."""
    try:
        with time_budget.within(config.time_budget):
            return clean(path, record.data, config, record)
    except time_budget.TimeBudgetExceeded as err:
        return Rejection(path, f"cleaning {err} (the time budget per document, setting time_budget)",
                         Code.TIME_BUDGET)
    except Exception as err:  # the reason says which
        return Rejection(path, f"internal error while cleaning: {type(err).__name__}: {err}", Code.INTERNAL_ERROR)


def clean_shard(root: Path, inputs: Path, earlier_files: dict[str, Path] | None, config: Config,
                outputs: dict[str, Path], transient: Path, progress: Path | None = None,
                checkpoint: Path | None = None) -> None:
    """Clean the seeds listed in `inputs`, reusing from `earlier_files` (the shard's previous version under
    the same settings) every seed whose bytes have not changed, with its dedup inputs, and write `outputs`
    (layout.SHARD_FILES); the paths of seeds that failed for a passing reason go to `transient`, for the
    next run to retry. How many seeds are done is written to `progress` every second, for the progress line;
    each seed cleaned is appended to `checkpoint` (flushed every second), which a killed run's next run
    reuses like an earlier version: a kill costs at most the last second's work of each running shard.

    A seed the manifest has no hash for is read and hashed here, in parallel with the other shards, and
    reused all the same when its bytes are those cleaned before (a file touched but not changed)."""
    try:
        done: dict[str, list[dict]] = {}
        for line in read_jsonl(earlier_files["docs.jsonl"]) if earlier_files else ():
            done.setdefault(line.get("seed", line["path"]), []).append(line)  # a container's records together
    except CorruptFile:  # an earlier version that fails its checksum is not reused: clean every seed
        done = {}
    done.update(_checkpointed(checkpoint))

    def reused(seed: Seed) -> list[Cleaned]:
        previous = done.get(seed.path, [])
        if seed.sha256 is None or not previous or any(line.get("sha256") != seed.sha256 or line.get("transient")
                                                      for line in previous):
            return []
        return [Cleaned.from_dict(line) for line in previous]

    seeds = [Seed(**entry) for entry in read_jsonl(inputs)]
    cleaned = [reused(seed) for seed in seeds]
    todo = [row for row, lines in enumerate(cleaned) if not lines]
    told, encoded = time.monotonic(), {}  # encoded: each newly cleaned seed's docs.jsonl lines
    outputs["docs.jsonl"].parent.mkdir(parents=True, exist_ok=True)
    saved = open(checkpoint, "a", encoding="utf-8") if checkpoint else contextlib.nullcontext()  # noqa: SIM115

    def where(row: int) -> str | None:
        return None if seeds[row].rejected else seeds[row].location(root)

    with saved:
        for count, row in enumerate(read_ahead(todo, where)):
            if time.monotonic() - told >= PROGRESS_EVERY:
                told = time.monotonic()
                if checkpoint:
                    saved.flush()
                if progress is not None:
                    with contextlib.suppress(OSError):
                        progress.write_text(str(len(seeds) - len(todo) + count))
            cleaned[row] = _clean_or_reuse(root, seeds, row, config, reused)
            if checkpoint and not any(line.rejection and line.rejection.transient for line in cleaned[row]):
                encoded[row] = [dumps(line.to_dict()) for line in cleaned[row]]
                saved.write(f'{{"seed":{dumps(seeds[row].path)},"lines":[{",".join(encoded[row])}]}}\n')
    records = [line for lines in cleaned for line in lines]
    documents = [record.document for record in records if record.document is not None]
    write_dedup_inputs(documents, config, outputs, earlier_files)
    retry = [record.path for record in records if record.rejection is not None and record.rejection.transient]
    if retry:
        write_json(transient, retry)
    write_json(outputs["seeds.json"], {"content": f"{content_sum(seeds):016x}", "seeds": len(seeds),
                                       "sha256": {seed.path: seed.sha256 for seed in seeds if seed.sha256}})
    with atomic_write(outputs["docs.jsonl"], checksum=True) as docs:  # last: marks the shard done
        for row, lines in enumerate(cleaned):
            docs.writelines(f"{line}\n" for line in encoded.get(row) or (dumps(each.to_dict()) for each in lines))
    for path in (progress, checkpoint):
        if path is not None:
            path.unlink(missing_ok=True)


def _clean_or_reuse(root: Path, seeds: list[Seed], row: int, config: Config,
                    reused: Callable[[Seed], list[Cleaned]]) -> list[Cleaned]:
    """A seed's shard lines: read (and hashed, when the manifest had no hash for it), then reused from an
    earlier version or a checkpoint when its bytes are the same, else cleaned."""
    seed, read = seeds[row], functools.partial(read_seed, root, seeds[row], config.max_bytes)
    if seed.sha256 is None and not seed.rejected:
        try:
            data = read()
        except (OSError, ValueError) as err:
            return [unread(seed, err)]
        seed = seeds[row] = replace(seed, sha256=hashlib.sha256(data).hexdigest())
        read = functools.partial(bytes, data)
    return reused(seed) or clean_seed(seed, read, config)


def _checkpointed(checkpoint: Path | None) -> dict[str, list[dict]]:
    """A killed task's checkpoint: each seed's shard lines, up to the first line the kill tore."""
    found: dict[str, list[dict]] = {}
    if checkpoint is None or not checkpoint.exists():
        return found
    with open(checkpoint, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                break
            found[entry["seed"]] = entry["lines"]
    return found


def _fetched_url(document: Document) -> bool:
    """The document has the URL it was fetched from (a WARC record's, an export's), which finds the same page
    fetched twice; a page's own canonical link does not count (sites put their home page in every one)."""
    return document.metadata.get("url_source") == UrlSource.RECORD


def _rank_keys(document: Document, prose_min_words: int) -> dict:
    """What ranks a document among its copies (minhash.priority), what it can lend to a kept copy, and how
    much of it is prose (furniture absorbs no copy)."""
    meta = document.metadata
    lines = document.text.split("\n")
    prose = sum(line_words(line) for line in lines if is_prose(line, prose_min_words)) / max(1, meta["words"])
    return {"prose": round(min(1.0, prose), 3), "lost": document.text.count("\ufffd"),
            "page": meta["format"] == "html" or _fetched_url(document),
            "known": sum(bool(v) for v in (meta.get("title"), document.created, meta.get("url"))),
            "title": meta.get("title"), "link": meta.get("url"), "author": meta.get("author")}


def write_dedup_inputs(documents: list[Document], config: Config, outputs: dict[str, Path],
                       earlier: dict[str, Path] | None = None) -> None:
    """Per kept document, in row order: dedup keys, MinHash signature, shingle hashes and template line keys.
    A document the shard's `earlier` version (its SHARD_FILES) holds with the same id takes them from there
    instead of tokenising and signing its text again."""
    before = _earlier_inputs(earlier) if earlier else None
    old_rows = [before.rows.get((document.metadata["path"], document.id), -1) if before else -1
                for document in documents]
    fresh = [row for row, old in enumerate(old_rows) if old < 0]
    tokens = [minhash.tokens(documents[row].text) for row in fresh]
    shingle_sets = minhash.shingle_hashes_many(tokens, config.dedup.shingle_words, config.dedup.short_words)
    signatures = minhash.Signer(config.dedup.num_perm).sign(shingle_sets)
    keys: list[dict] = []
    shingles: list[np.ndarray] = []
    sigs = np.empty((len(documents), config.dedup.num_perm), dtype=np.uint32)
    line_keys: list[np.ndarray] = []
    made = iter(range(len(fresh)))
    for row, (document, old) in enumerate(zip(documents, old_rows, strict=True)):
        if old >= 0 and before is not None:
            keys.append(before.keys[old])
            shingles.append(before.shingles[before.offsets[old]: before.offsets[old + 1]])
            sigs[row] = before.sigs[old]
            held = before.lines[before.line_starts[old]: before.line_starts[old + 1], 1]
        else:
            k = next(made)
            words, hashes = tokens[k], shingle_sets[k]
            keys.append({"path": document.metadata["path"], "id": document.id, "exact": minhash.exact_key(words),
                         "words": len(words), "created": document.created, "shingles": len(hashes),
                         **({"url": page} if _fetched_url(document) and (page := same_page(
                             document.metadata["url"])) else {}),
                         **_rank_keys(document, config.quality.prose_min_words)})
            shingles.append(hashes)
            sigs[row] = signatures[k]
            held = np.array(repeated_lines.document_keys(document.text, config.repetition.min_chars), dtype=np.uint64)
        line_keys.append(np.column_stack([np.full(len(held), row, dtype=np.uint64), held]))
    save_array(outputs["sigs.npy"], sigs)
    save_array(outputs["shingles.npy"], np.concatenate([np.zeros(0, np.uint32), *shingles]))
    save_array(outputs["lines.npy"], np.concatenate([np.zeros((0, 2), np.uint64), *line_keys]))
    write_jsonl(outputs["keys.jsonl"], keys)


class _Earlier:
    """A shard version's dedup inputs, indexed by document row."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.keys = load_jsonl(files["keys.jsonl"])
        self.rows = {(key["path"], key["id"]): row for row, key in enumerate(self.keys)}
        self.offsets = np.concatenate([[0], np.cumsum([key["shingles"] for key in self.keys])]).astype(np.int64)
        self.shingles = load_array(files["shingles.npy"])
        self.sigs = load_array(files["sigs.npy"])
        self.lines = load_array(files["lines.npy"])
        self.line_starts = np.searchsorted(self.lines[:, 0], np.arange(len(self.keys) + 1))


def _earlier_inputs(files: dict[str, Path]) -> _Earlier | None:
    """The earlier version's inputs, or None when one is missing or fails its checksum (then all is made anew)."""
    try:
        return _Earlier(files)
    except (CorruptFile, OSError, ValueError, KeyError):
        return None
