"""Luigi tasks: wiring only. Clean each shard, deduplicate across shards, write the corpus.

Every output name carries a digest of what it was made from, so a task whose output exists is done, and a
rerun redoes exactly the shards whose inputs or settings changed. Outputs are written atomically.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import heapq
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import luigi
import numpy as np

from pipeline import dedup, report, template
from pipeline.boilerplate import words
from pipeline.clean import clean
from pipeline.config import Config
from pipeline.documents import atomic_write, dumps, read_jsonl, write_jsonl
from pipeline.sources import Seed

OUTPUTS = ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl", "stats.json")  # stats.json last: marks done
PUBLISHED = (*OUTPUTS, "report.html", "report")  # what DATA/ links into the current run


def work(data: str) -> Path:
    return Path(data) / "work"


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


def clean_seed(root: Path, seed: Seed, config: Config) -> dict:
    """One shard line: the cleaned document, or the seed's rejection. Never raises for bad input."""
    if seed.rejected:
        return {"path": seed.path, "rejected": seed.rejected}
    try:
        outcome = clean(seed.path, read_seed(root, seed, config.max_bytes), config)
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
        records = []
        for entry in read_jsonl(inputs):
            seed = Seed(**entry)
            done = earlier.get(seed.path)
            if seed.sha256 is None or done is None or done.get("sha256") != seed.sha256 or done.get("transient"):
                done = {**clean_seed(Path(self.seeds), seed, config), "sha256": seed.sha256}
            records.append(done)
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


def load_entries(shards: list[dict]) -> list[dedup.Entry]:
    """Every document's dedup keys, in shard order (the row order of the signature arrays)."""
    return [dedup.Entry(**{k: v for k, v in key.items() if k != "shingles"})
            for shard in shards for key in read_jsonl(Path(shard["keys.jsonl"].path))]


class Representatives(RunTask):
    """The rows that LSH compares: one kept copy of each exact duplicate group, computed once for all bands."""

    def requires(self) -> list[CleanShard]:
        return self.shards()

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "dedup" / f"{self.run_id}.reps.npy"))

    def run(self) -> None:
        _, representatives = dedup.representatives(load_entries(self.input()))
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
        band = [np.load(shard["sigs.npy"].path, mmap_mode="r", allow_pickle=False)[:, columns]
                for shard in self.input()["shards"]]
        matrix = np.concatenate([np.zeros((0, rows), np.uint32), *band])
        representatives = np.load(self.input()["representatives"].path, allow_pickle=False)
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
        config = load_config(self.data, self.plan()["config"])
        shards = self.input()["shards"]
        entries = load_entries(shards)
        sets = ShingleStore()
        for shard in shards:
            counts = [key["shingles"] for key in read_jsonl(Path(shard["keys.jsonl"].path))]
            sets.add(shard["shingles.npy"].path, counts)
        dropped, _ = dedup.representatives(entries)
        pairs = np.concatenate([np.zeros((0, 2), np.int64),
                                *(np.load(band.path, allow_pickle=False) for band in self.input()["bands"])])
        found = dedup.cluster(entries, dropped, pairs, dedup.Similarity(None, sets), config.dedup.threshold)
        write_jsonl(Path(self.output().path), (d.to_dict() for d in found))


class ShingleStore:
    """Documents' shingle hashes, read on demand from the shards' memory-mapped arrays."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.starts: list[np.ndarray] = []
        self.first: list[int] = [0]

    def add(self, path: str, counts: list[int]) -> None:
        self.arrays.append(np.load(path, mmap_mode="r", allow_pickle=False))
        self.starts.append(np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]))
        self.first.append(self.first[-1] + len(counts))

    def __getitem__(self, index: int) -> np.ndarray:
        shard = bisect.bisect_right(self.first, index) - 1
        row = index - self.first[shard]
        return self.arrays[shard][self.starts[shard][row] : self.starts[shard][row + 1]]


class WriteCorpus(RunTask):
    """corpus.jsonl, duplicates.jsonl, rejected.jsonl and stats.json, every line sorted by path."""

    def requires(self) -> dict:
        return {"dedup": Deduplicate(data=self.data, seeds=self.seeds, run_id=self.run_id), "shards": self.shards()}

    def output(self) -> dict[str, luigi.LocalTarget]:
        """The run's own folder; the CLI publishes it as DATA/current once every file is in place."""
        return {name: luigi.LocalTarget(str(work(self.data) / "out" / self.run_id / name)) for name in OUTPUTS}

    def run(self) -> None:
        config = load_config(self.data, self.plan()["config"])
        dropped = {d["path"]: d for d in read_jsonl(Path(self.input()["dedup"].path))}
        repeated = template.repeated(self._kept_line_keys(dropped), config.repetition.min_documents)
        shard_files = [read_jsonl(Path(shard["docs.jsonl"].path)) for shard in self.input()["shards"]]
        counts: Counter = Counter()
        rules: Counter = Counter()
        encodings: Counter = Counter()
        out = {name: Path(target.path) for name, target in self.output().items()}
        with atomic_write(out["corpus.jsonl"]) as corpus, atomic_write(out["rejected.jsonl"]) as rejected:
            for record in heapq.merge(*shard_files, key=lambda r: r["path"]):
                counts["read"] += 1
                if "rejected" in record:
                    counts["rejected"] += 1
                    rejected.write(dumps({"path": record["path"], "reason": record["rejected"]}) + "\n")
                    continue
                if record["path"] in dropped:
                    counts["duplicates"] += 1
                    continue
                document = record["document"]
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
        write_jsonl(out["duplicates.jsonl"], dropped.values())
        share = counts["duplicates"] / counts["read"] if counts["read"] else 0.0
        alarm = (f"{share:.0%} of inputs dropped as duplicates (alarm above {config.dedup.alarm_share:.0%})"
                 if share > config.dedup.alarm_share else None)
        stats = {"run": self.run_id, **{k: counts[k] for k in ("read", "kept", "duplicates", "rejected")},
                 "repaired": counts["repaired"], "encodings": dict(sorted(encodings.items())),
                 "removed_by_rule": dict(sorted(rules.items())), "alarm": alarm}
        with atomic_write(out["stats.json"]) as handle:
            handle.write(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")

    def _kept_line_keys(self, dropped: dict) -> list[np.ndarray]:
        """Per shard, the line keys of the documents that are kept (duplicates left out)."""
        result = []
        for shard in self.input()["shards"]:
            pairs = np.load(shard["lines.npy"].path, allow_pickle=False)
            paths = [key["path"] for key in read_jsonl(Path(shard["keys.jsonl"].path))]
            kept_rows = np.array([i for i, path in enumerate(paths) if path not in dropped], dtype=np.uint64)
            result.append(pairs[np.isin(pairs[:, 0], kept_rows), 1])
        return result


class WriteReport(RunTask):
    """report.html and report/ beside the run's corpus: what was removed, folded together and rejected."""

    def requires(self) -> dict:
        return {"corpus": WriteCorpus(data=self.data, seeds=self.seeds, run_id=self.run_id), "shards": self.shards()}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(work(self.data) / "out" / self.run_id / "report.html"))

    def run(self) -> None:
        outputs = {name: Path(target.path) for name, target in self.input()["corpus"].items()}
        duplicates = list(read_jsonl(outputs["duplicates.jsonl"]))
        dropped = {d["path"] for d in duplicates}
        copies = {record["path"]: record["document"] for shard in self.input()["shards"]
                  for record in read_jsonl(Path(shard["docs.jsonl"].path)) if record["path"] in dropped}
        folder = Path(self.output().path).parent
        report.write_report(folder / ".report.tmp.d", read_jsonl(outputs["corpus.jsonl"]), duplicates,
                            list(read_jsonl(outputs["rejected.jsonl"])), json.loads(outputs["stats.json"].read_text()),
                            copies)
        staged = folder / ".report.tmp.d"
        if (folder / "report").exists():
            shutil.rmtree(folder / "report")
        os.replace(staged / "report", folder / "report")
        os.replace(staged / "report.html", self.output().path)  # last: its presence marks the report done
        staged.rmdir()
