"""Luigi tasks: wiring only. Clean each shard, deduplicate across shards, write the corpus.

Every output name carries a digest of what it was made from, so a task whose output exists is done, and a
rerun redoes exactly the shards whose inputs or settings changed. Outputs are written atomically.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import heapq
import json
import operator
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import luigi
import numpy as np

from pipeline import dedup, report, template
from pipeline.boilerplate import words
from pipeline.clean import clean
from pipeline.config import Config
from pipeline.documents import atomic_write, dumps, read_ahead, read_jsonl, write_jsonl
from pipeline.sources import Seed

OUTPUTS = ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl", "stats.json")  # stats.json last: marks done
PUBLISHED = (*OUTPUTS, "report.html", "report")  # what DATA/ links into the current run
TIMINGS = "timings.jsonl"


def work(data: str) -> Path:
    return Path(data) / "work"


def load_array(path: str, mmap: bool = False) -> np.ndarray:
    """A numpy array the pipeline wrote; never unpickles (a file under DATA is not trusted to run code)."""
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


def load_config(data: str, fingerprint: str) -> Config:
    return Config.from_dict(json.loads((work(data) / "config" / f"{fingerprint}.json").read_text()))


def read_seed(root: Path, seed: Seed, max_bytes: int) -> bytes:
    """The seed's bytes, checked against the plan; raises OSError or ValueError with the reason."""
    with open(seed.location(root), "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than the size limit (max_bytes {max_bytes})")
    if hashlib.sha256(data).hexdigest() != seed.sha256:
        raise ValueError("changed while the run was going on; the next run will take it")
    return data


def clean_seed(seed: Seed, read: Callable[[], bytes], config: Config) -> dict:
    """One shard line: the cleaned document, or the seed's rejection. Never raises for bad input."""
    if seed.rejected:
        return {"path": seed.path, "rejected": seed.rejected}
    try:
        outcome = clean(seed.path, read(), config)
    except OSError as err:  # transient: the next run reads the file again
        return {"path": seed.path, "rejected": f"unreadable: {err.strerror or err}", "transient": True}
    except ValueError as err:
        return {"path": seed.path, "rejected": str(err), "transient": True}
    except Exception as err:  # a bug must cost one document, not the batch; the reason says which
        return {"path": seed.path, "rejected": f"internal error while cleaning: {type(err).__name__}: {err}"}
    if outcome.document is None:
        return {"path": seed.path, "rejected": outcome.rejected}
    return {"path": seed.path, "document": outcome.document.to_dict()}


class PipelineTask(luigi.Task):
    """Base of every task: a failure leaves a one-line reason for the command line to print."""

    data = luigi.Parameter()

    def on_failure(self, exception: BaseException) -> str:
        reason = f"{self.task_family}: {type(exception).__name__}: {exception}"
        with contextlib.suppress(OSError):  # a full disk cannot take the note; the log has the traceback
            (work(self.data) / "failed.txt").write_text(reason + "\n")
        return super().on_failure(exception)


@PipelineTask.event_handler(luigi.Event.PROCESSING_TIME)
def record_time(task: PipelineTask, seconds: float) -> None:
    """Append each task's busy time to work/timings.jsonl: where a run's time goes (read by bench-scale)."""
    with contextlib.suppress(OSError), open(work(task.data) / TIMINGS, "a", encoding="utf-8") as handle:
        handle.write(dumps({"task": task.task_family, "seconds": round(seconds, 3)}) + "\n")


class CleanShard(PipelineTask):
    """Decode, repair, extract, strip and sign every seed of one shard."""

    seeds = luigi.Parameter(significant=False)
    config = luigi.Parameter()
    shard = luigi.IntParameter()
    digest = luigi.Parameter()

    def output(self) -> dict[str, luigi.LocalTarget]:
        stem = work(self.data) / "shards" / f"{self.shard:04d}-{self.config}-{self.digest}"
        kinds = ("sigs.npy", "shingles.npy", "lines.npy", "keys.jsonl", "docs.jsonl")
        return {kind: luigi.LocalTarget(f"{stem}.{kind}") for kind in kinds}

    def run(self) -> None:
        config = load_config(self.data, self.config)
        inputs = work(self.data) / "inputs" / f"{self.shard:04d}-{self.digest}.jsonl"
        earlier = self._earlier_records()
        seeds = [Seed(**entry) for entry in read_jsonl(inputs)]
        records = [earlier.get(seed.path) for seed in seeds]
        todo = [row for row, (seed, done) in enumerate(zip(seeds, records, strict=True))
                if seed.sha256 is None or done is None or done.get("sha256") != seed.sha256 or done.get("transient")]

        root = Path(self.seeds)
        for row in read_ahead(todo, lambda row: None if seeds[row].rejected else seeds[row].location(root)):
            read = functools.partial(read_seed, root, seeds[row], config.max_bytes)
            records[row] = {**clean_seed(seeds[row], read, config), "sha256": seeds[row].sha256}
        documents = [record["document"] for record in records if "document" in record]
        tokens = [dedup.tokens(document["text"]) for document in documents]
        shingle_sets = dedup.shingle_hashes_many(tokens, config.dedup.shingle_words, config.dedup.short_words)
        keys = [{"path": document["metadata"]["path"], "id": document["id"], "exact": dedup.exact_key(words),
                 "words": len(words), "created": document["created"], "shingles": len(hashes)}
                for document, words, hashes in zip(documents, tokens, shingle_sets, strict=True)]
        line_keys = [(row, key) for row, document in enumerate(documents)
                     for key in template.document_keys(document["text"], config.repetition.min_chars)]
        outputs = self.output()
        with atomic_write(Path(outputs["sigs.npy"].path), "wb") as handle:
            np.save(handle, dedup.Signer(config.dedup.num_perm).sign(shingle_sets), allow_pickle=False)
        with atomic_write(Path(outputs["shingles.npy"].path), "wb") as handle:
            np.save(handle, np.concatenate([np.zeros(0, np.uint32), *shingle_sets]), allow_pickle=False)
        with atomic_write(Path(outputs["lines.npy"].path), "wb") as handle:
            np.save(handle, np.array(line_keys, dtype=np.uint64).reshape(-1, 2), allow_pickle=False)
        write_jsonl(Path(outputs["keys.jsonl"].path), keys)
        write_jsonl(Path(outputs["docs.jsonl"].path), records)  # last: its presence marks the shard done

    def _earlier_records(self) -> dict[str, dict]:
        """This shard's documents from its previous version under the same settings, by path: a seed whose
        bytes have not changed is not cleaned again when new seeds land in its shard."""
        pattern = f"{self.shard:04d}-{self.config}-*.docs.jsonl"
        versions = sorted(work(self.data).joinpath("shards").glob(pattern), key=lambda p: p.stat().st_mtime)
        return {record["path"]: record for record in read_jsonl(versions[-1])} if versions else {}


class RunTask(PipelineTask):
    """A stage over the whole run; the run file lists its shards."""

    seeds = luigi.Parameter(significant=False)
    run_id = luigi.Parameter()

    def plan(self) -> dict:
        return json.loads((work(self.data) / "runs" / f"{self.run_id}.json").read_text())

    def shards(self) -> list[CleanShard]:
        plan = self.plan()
        return [CleanShard(data=self.data, seeds=self.seeds, config=plan["config"], shard=shard, digest=digest)
                for shard, digest in plan["shards"]]


def read_keys(shards: list[dict]) -> list[list[dict]]:
    """Each shard's per-document dedup keys (keys.jsonl), in row order of its signature array."""
    return [list(read_jsonl(Path(shard["keys.jsonl"].path))) for shard in shards]


def load_entries(keys: list[list[dict]]) -> list[dedup.Entry]:
    """Every document's dedup entry, in shard order (the row order of the concatenated signatures)."""
    return [dedup.Entry(**{k: v for k, v in key.items() if k != "shingles"}) for shard in keys for key in shard]


class Representatives(RunTask):
    """The rows that LSH compares: one kept copy of each exact duplicate group, computed once for all bands."""

    def requires(self) -> list[CleanShard]:
        return self.shards()

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "dedup" / f"{self.run_id}.reps.npy"))

    def run(self) -> None:
        _, representatives = dedup.representatives(load_entries(read_keys(self.input())))
        with atomic_write(Path(self.output().path), "wb") as handle:
            np.save(handle, np.array(representatives, dtype=np.int64), allow_pickle=False)


class DedupBand(RunTask):
    """One LSH band: the candidate pairs of documents whose signatures agree on that band's rows. The
    bands run in parallel (across machines under luigid); each holds only its rows of every signature."""

    band = luigi.IntParameter()

    def requires(self) -> dict:
        return {"shards": self.shards(),
                "representatives": Representatives(data=self.data, seeds=self.seeds, run_id=self.run_id)}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "dedup" / f"{self.run_id}.band{self.band:03d}.npy"))

    def run(self) -> None:
        config = load_config(self.data, self.plan()["config"])
        rows = dedup.bands(config.dedup.threshold, config.dedup.num_perm)[1]
        columns = slice(self.band * rows, (self.band + 1) * rows)
        band = [load_array(shard["sigs.npy"].path, mmap=True)[:, columns]
                for shard in self.input()["shards"]]
        matrix = np.concatenate([np.zeros((0, rows), np.uint32), *band])
        representatives = load_array(self.input()["representatives"].path)
        with atomic_write(Path(self.output().path), "wb") as handle:
            np.save(handle, dedup.band_pairs(matrix, representatives), allow_pickle=False)


class Deduplicate(RunTask):
    """Clusters from all bands' candidate pairs: confirmed on exact Jaccard, union-find, no chaining."""

    def requires(self) -> dict:
        config = load_config(self.data, self.plan()["config"])
        count = dedup.bands(config.dedup.threshold, config.dedup.num_perm)[0]
        return {"bands": [DedupBand(data=self.data, seeds=self.seeds, run_id=self.run_id, band=band)
                          for band in range(count)], "shards": self.shards()}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "dedup" / f"{self.run_id}.jsonl"))

    def run(self) -> None:
        plan = self.plan()
        config = load_config(self.data, plan["config"])
        shards = self.input()["shards"]
        keys = read_keys(shards)
        entries = load_entries(keys)
        sets = ShingleStore()
        shard_of_row = []
        for (number, _), shard, shard_keys in zip(plan["shards"], shards, keys, strict=True):
            sets.add(shard["shingles.npy"].path, [key["shingles"] for key in shard_keys])
            shard_of_row += [number] * len(shard_keys)
        dropped, _ = dedup.representatives(entries)
        pairs = np.concatenate([np.zeros((0, 2), np.int64),
                                *(load_array(band.path) for band in self.input()["bands"])])
        found = dedup.cluster(entries, dropped, pairs, dedup.Similarity(None, sets), config.dedup.threshold)
        self._write_verdicts(plan, entries, shard_of_row, found)
        write_jsonl(Path(self.output().path), (d.to_dict() for d in found))  # last: marks the task done

    def _write_verdicts(self, plan: dict, entries: list[dedup.Entry], shard_of_row: list[int],
                        found: list[dedup.Duplicate]) -> None:
        """Per shard, its dropped documents and the ids of its documents that others were folded into, so
        that each FinishShard reads only its own share."""
        row_of_path = {entry.path: row for row, entry in enumerate(entries)}
        gone = {d.path for d in found}
        row_of_kept_id = {entry.id: row for row, entry in enumerate(entries) if entry.path not in gone}
        verdicts: dict[int, dict] = {number: {"dropped": [], "heads": set()} for number, _ in plan["shards"]}
        for duplicate in found:
            verdicts[shard_of_row[row_of_path[duplicate.path]]]["dropped"].append(duplicate.to_dict())
            verdicts[shard_of_row[row_of_kept_id[duplicate.duplicate_of]]]["heads"].add(duplicate.duplicate_of)
        for number, verdict in verdicts.items():
            with atomic_write(verdicts_path(self.data, self.run_id, number)) as handle:
                json.dump({"dropped": verdict["dropped"], "heads": sorted(verdict["heads"])}, handle)


def verdicts_path(data: str, run_id: str, shard: int) -> Path:
    return work(data) / "dedup" / f"{run_id}.verdicts" / f"{shard:04d}.json"


class ShingleStore:
    """Documents' shingle hashes, read on demand from the shards' memory-mapped arrays."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        self.first: list[int] = [0]

    def add(self, path: str, counts: list[int]) -> None:
        self.arrays.append(load_array(path, mmap=True))
        self.starts.append(np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]))
        self.first.append(self.first[-1] + len(counts))

    def __getitem__(self, index: int) -> np.ndarray:
        shard = bisect.bisect_right(self.first, index) - 1
        row = index - self.first[shard]
        return self.arrays[shard][self.starts[shard][row] : self.starts[shard][row + 1]]


class Template(RunTask):
    """Line keys found in enough kept documents to be site template (see template.py), sorted."""

    def requires(self) -> dict:
        return {"dedup": Deduplicate(data=self.data, seeds=self.seeds, run_id=self.run_id), "shards": self.shards()}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "dedup" / f"{self.run_id}.template.npy"))

    def run(self) -> None:
        config = load_config(self.data, self.plan()["config"])
        dropped = {d["path"] for d in read_jsonl(Path(self.input()["dedup"].path))}
        kept = [shard_line_keys(shard, dropped)[:, 1] for shard in self.input()["shards"]]
        repeated = template.repeated(kept, config.repetition.min_documents)
        with atomic_write(Path(self.output().path), "wb") as handle:
            np.save(handle, np.array(sorted(repeated), dtype=np.uint64), allow_pickle=False)


def shard_line_keys(shard: dict, dropped: set[str]) -> np.ndarray:
    """(document row, line key) of a shard's kept documents, each key once per document."""
    pairs = load_array(shard["lines.npy"].path)
    paths = [key["path"] for key in read_jsonl(Path(shard["keys.jsonl"].path))]
    kept_rows = np.array([i for i, path in enumerate(paths) if path not in dropped], dtype=np.uint64)
    return pairs[np.isin(pairs[:, 0], kept_rows)]


class FinishShard(RunTask):
    """One shard's share of the corpus: its kept documents with template lines stripped, its rejections,
    its counts and its report pages. The part is named by a digest of everything it depends on (the
    shard, which of its documents are dropped or kept for others, the template lines they contain), so a
    shard that new seeds did not affect reuses its part from an earlier run."""

    config = luigi.Parameter()
    shard = luigi.IntParameter()
    digest = luigi.Parameter()

    def requires(self) -> dict:
        return {"dedup": Deduplicate(data=self.data, seeds=self.seeds, run_id=self.run_id),
                "template": Template(data=self.data, seeds=self.seeds, run_id=self.run_id),
                "shard": CleanShard(data=self.data, seeds=self.seeds, config=self.config, shard=self.shard,
                                    digest=self.digest)}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "finish" / self.run_id / f"{self.shard:04d}.json"))

    def run(self) -> None:
        shard = self.input()["shard"]
        verdicts = json.loads(verdicts_path(self.data, self.run_id, self.shard).read_text())
        dropped = {d["path"] for d in verdicts["dropped"]}
        pairs = shard_line_keys(shard, dropped)
        pairs = pairs[np.isin(pairs[:, 1], load_array(self.input()["template"].path))]
        repeated = np.unique(pairs[:, 1]).tolist()
        # Kept documents that others were folded into (heads) are also shown beside their copies in the report.
        depends = [Path(shard["docs.jsonl"].path).name, verdicts["dropped"], verdicts["heads"], repeated]
        verdict = hashlib.blake2b(json.dumps(depends).encode(), digest_size=8).hexdigest()
        stem = work(self.data) / "parts" / f"{self.shard:04d}-{verdict}"
        if not stem.with_suffix(".stats.json").exists():
            self._write_part(stem, shard, dropped, set(repeated), set(pairs[:, 0].tolist()), set(verdicts["heads"]))
        with atomic_write(Path(self.output().path)) as handle:
            json.dump({"part": str(stem.relative_to(work(self.data)))}, handle)

    def _write_part(self, stem: Path, shard: dict, dropped: set[str], repeated: set[int], templated: set[int],
                    heads: set[str]) -> None:
        """`templated`: rows (among the shard's documents) of the documents holding a `repeated` line."""
        config = load_config(self.data, self.config)
        counts: Counter = Counter()
        rules: Counter = Counter()
        encodings: Counter = Counter()
        kept: list[dict] = []
        row = -1  # the document's row in the shard's lines.npy
        with atomic_write(stem.with_suffix(".corpus.jsonl")) as corpus, \
                atomic_write(stem.with_suffix(".rejected.jsonl")) as rejected, \
                atomic_write(stem.with_suffix(".cluster.jsonl")) as cluster:
            for record in read_jsonl(Path(shard["docs.jsonl"].path)):
                counts["read"] += 1
                if "rejected" in record:
                    counts["rejected"] += 1
                    rejected.write(dumps({"path": record["path"], "reason": record["rejected"]}) + "\n")
                    continue
                document, row = record["document"], row + 1
                if record["path"] in dropped:
                    counts["duplicates"] += 1
                    cluster.write(f"{dumps([record['path'], None])}\t{dumps(document)}\n")
                    continue
                if row in templated:  # lines.npy says which documents hold a template line: only they are read
                    text, removed = template.strip_template(document["text"], repeated, config.repetition.min_chars,
                                                            config.min_words, document["metadata"]["removed"])
                    if text != document["text"]:
                        document["text"] = text
                        document["metadata"]["removed"] = removed
                        document["metadata"]["words"] = words(text)
                counts["kept"] += 1
                counts["repaired"] += bool(document["metadata"]["repairs"])
                encodings[document["metadata"]["encoding"]] += 1
                rules.update(r["rule"] for r in document["metadata"]["removed"])
                corpus.write(dumps(document) + "\n")
                kept.append(document)
                if document["id"] in heads:
                    cluster.write(f"{dumps([record['path'], document['id']])}\t{dumps(document)}\n")
        write_jsonl(stem.with_suffix(".index.jsonl"),
                    report.document_pages(stem.with_suffix(".pages"), kept, f"docs-{self.shard:04d}"))
        with atomic_write(stem.with_suffix(".stats.json")) as handle:  # last: its presence marks the part done
            json.dump({**counts, "encodings": encodings, "removed_by_rule": rules}, handle)


class WriteCorpus(RunTask):
    """corpus.jsonl, duplicates.jsonl, rejected.jsonl and stats.json: the shards' parts merged by path."""

    def requires(self) -> dict:
        plan = self.plan()
        return {"dedup": Deduplicate(data=self.data, seeds=self.seeds, run_id=self.run_id),
                "parts": [FinishShard(data=self.data, seeds=self.seeds, run_id=self.run_id, config=plan["config"],
                                      shard=shard, digest=digest) for shard, digest in plan["shards"]]}

    def output(self) -> dict[str, luigi.LocalTarget]:
        """The run's own folder; the CLI publishes it as DATA/current once every file is in place."""
        return {name: luigi.LocalTarget(str(work(self.data) / "out" / self.run_id / name)) for name in OUTPUTS}

    def run(self) -> None:
        config = load_config(self.data, self.plan()["config"])
        stems = part_stems(self.data, self.input()["parts"])
        out = {name: Path(target.path) for name, target in self.output().items()}
        with atomic_write(out["corpus.jsonl"], "wb") as corpus, contextlib.ExitStack() as parts:
            # Lines are copied as they are (bytes: nothing to decode), in path order; one open file per part.
            lines = [zip([entry[0] for entry in read_jsonl(stem.with_suffix(".index.jsonl"))],
                         parts.enter_context(open(stem.with_suffix(".corpus.jsonl"), "rb")), strict=True)
                     for stem in stems]
            corpus.writelines(line for _, line in heapq.merge(*lines, key=operator.itemgetter(0)))
        write_jsonl(out["rejected.jsonl"], heapq.merge(*(read_jsonl(stem.with_suffix(".rejected.jsonl"))
                                                         for stem in stems), key=lambda r: r["path"]))
        shutil.copyfile(self.input()["dedup"].path, out["duplicates.jsonl"])
        counts: Counter = Counter()
        rules: Counter = Counter()
        encodings: Counter = Counter()
        for stem in stems:
            part = json.loads(stem.with_suffix(".stats.json").read_text())
            counts.update({k: part.get(k, 0) for k in ("read", "kept", "duplicates", "rejected", "repaired")})
            encodings.update(part["encodings"])
            rules.update(part["removed_by_rule"])
        share = counts["duplicates"] / counts["read"] if counts["read"] else 0.0
        alarm = (f"{share:.0%} of inputs dropped as duplicates (alarm above {config.dedup.alarm_share:.0%})"
                 if share > config.dedup.alarm_share else None)
        stats = {"run": self.plan()["content"], **{k: counts[k] for k in ("read", "kept", "duplicates", "rejected")},
                 "repaired": counts["repaired"], "encodings": dict(sorted(encodings.items())),
                 "removed_by_rule": dict(sorted(rules.items())), "alarm": alarm}
        with atomic_write(out["stats.json"]) as handle:
            handle.write(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")


def part_stems(data: str, pointers: list[luigi.LocalTarget]) -> list[Path]:
    """The corpus parts that FinishShard tasks chose for this run, in shard order."""
    return [work(data) / json.loads(Path(pointer.path).read_text())["part"] for pointer in pointers]


class WriteReport(RunTask):
    """report.html and report/ beside the run's corpus: what was removed, folded together and rejected."""

    def requires(self) -> dict:
        return {"corpus": WriteCorpus(data=self.data, seeds=self.seeds, run_id=self.run_id)}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "out" / self.run_id / "report.html"))

    def run(self) -> None:
        outputs = {name: Path(target.path) for name, target in self.input()["corpus"].items()}
        stems = part_stems(self.data, self.requires()["corpus"].input()["parts"])
        folder = Path(self.output().path).parent
        staged = folder / ".report.tmp.d"
        if staged.exists():
            shutil.rmtree(staged)
        (staged / "report").mkdir(parents=True)
        for stem in stems:  # the parts' document pages, linked (not copied) into this run's report
            for page in sorted(stem.with_suffix(".pages").glob("*.html")):
                _link_or_copy(page, staged / "report" / page.name)
        index = heapq.merge(*(list(read_jsonl(stem.with_suffix(".index.jsonl"))) for stem in stems), key=lambda e: e[0])
        involved = Involved([stem.with_suffix(".cluster.jsonl") for stem in stems])
        cache = work(self.data) / "dedup" / f"{self.run_id}.clusters.jsonl"
        earlier = max((p for p in cache.parent.glob("*.clusters.jsonl") if p != cache),
                      key=lambda p: p.stat().st_mtime, default=None)
        with atomic_write(cache) as out:
            sections = report.Sections(earlier, out)
            try:
                report.write_report(staged, list(index), list(read_jsonl(outputs["duplicates.jsonl"])),
                                    list(read_jsonl(outputs["rejected.jsonl"])),
                                    json.loads(outputs["stats.json"].read_text()), involved, sections)
            finally:
                sections.close()
                involved.close()
        if (folder / "report").exists():
            shutil.rmtree(folder / "report")
        os.replace(staged / "report", folder / "report")
        os.replace(staged / "report.html", self.output().path)  # last: its presence marks the report done
        staged.rmdir()


class Involved:
    """The documents of duplicate clusters (copies by path, kept ones by id), read from the parts' cluster
    files when a report page needs them: only their offsets stay in memory. Each line is a small JSON
    header [path, id of a kept document or null], a tab (never found in JSON), then the document."""

    def __init__(self, files: list[Path]) -> None:
        self.handles = [open(path, "rb") for path in files]  # noqa: SIM115 (closed by close())
        self.copies: dict[str, tuple[int, int]] = {}
        self.kept: dict[str, tuple[int, int]] = {}
        for number, handle in enumerate(self.handles):
            offset = 0
            for line in handle:
                path, kept_id = json.loads(line[: line.index(b"\t")])
                if kept_id is None:
                    self.copies[path] = (number, offset)
                else:
                    self.kept[kept_id] = (number, offset)
                offset += len(line)

    def _read(self, where: tuple[int, int] | None) -> dict | None:
        if where is None:
            return None
        handle = self.handles[where[0]]
        handle.seek(where[1])
        line = handle.readline()
        return json.loads(line[line.index(b"\t") + 1 :])

    def copy(self, path: str) -> dict | None:
        return self._read(self.copies.get(path))

    def kept_document(self, document_id: str) -> dict | None:
        return self._read(self.kept.get(document_id))

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system has them (parts are never changed once written), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
