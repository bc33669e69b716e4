"""Every path and name under DATA, in one place: the CLI, the tasks, `explain` and storage all ask here.

    DATA/corpus.jsonl … report.html   links into current/ (the published run)
    DATA/work/failed.txt, failures.jsonl   why a task failed: for people (tracebacks), for the command
    DATA/current                      -> work/out/RUN
    DATA/work/manifest.jsonl          every seed's hash and shard, for the next run
    DATA/work/config/FP.json          the settings a fingerprint stands for
    DATA/work/runs/RUN.json           a run's plan: settings fingerprint, content id, shards
    DATA/work/inputs/SSSS-D.jsonl     the seeds of shard SSSS with digest D
    DATA/work/shards/SSSS-FP-D.*      what cleaning made of them (docs, seeds' hashes, keys, signatures…)
    DATA/work/dedup/RUN.*             representatives, bands, clusters, verdicts, template lines
    DATA/work/finish/RUN/SSSS.json    which part each shard's finish chose
    DATA/work/parts/SSSS-V.*          a shard's share of corpus, rejections, stats and report pages
    DATA/work/out/RUN/                the run's published files
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

OUTPUTS = ("corpus.jsonl", "removed.jsonl", "duplicates.jsonl", "rejected.jsonl", "stats.json")  # stats.json last
PUBLISHED = (*OUTPUTS, "report.html", "report")  # what DATA/ links into the current run
SHARD_FILES = ("sigs.npy", "shingles.npy", "lines.npy", "keys.jsonl", "seeds.json", "docs.jsonl")  # docs last: done
FOLDERS = ("shards", "inputs", "parts", "dedup", "finish", "runs")  # what pruning sweeps of other runs


@dataclass(frozen=True)
class Layout:
    """The DATA folder of one pipeline."""

    data: Path

    @property
    def work(self) -> Path:
        return self.data / "work"

    @property
    def manifest(self) -> Path:
        return self.work / "manifest.jsonl"

    @property
    def timings(self) -> Path:
        return self.work / "timings.jsonl"

    @property
    def failed(self) -> Path:
        return self.work / "failed.txt"

    @property
    def failures(self) -> Path:
        return self.work / "failures.jsonl"

    def config(self, fingerprint: str) -> Path:
        return self.work / "config" / f"{fingerprint}.json"

    def run(self, run_id: str) -> Path:
        return self.work / "runs" / f"{run_id}.json"

    def inputs(self, shard: int, digest: str) -> Path:
        return self.work / "inputs" / f"{shard:04d}-{digest}.jsonl"

    def shard(self, shard: int, config: str, digest: str) -> dict[str, Path]:
        """A cleaned shard's files by kind (see SHARD_FILES)."""
        stem = self.work / "shards" / f"{shard:04d}-{config}-{digest}"
        return {kind: Path(f"{stem}.{kind}") for kind in SHARD_FILES}

    def progress(self, shard: int, config: str, digest: str) -> Path:
        """How many of a shard's seeds its running task has cleaned so far (gone once the shard is done)."""
        return self.work / "shards" / f"{shard:04d}-{config}-{digest}.progress"

    def checkpoint(self, shard: int, config: str, digest: str) -> Path:
        """What a shard's running task has cleaned so far, seed by seed, for a killed run's next run to reuse
        (gone once the shard is done)."""
        return self.work / "shards" / f"{shard:04d}-{config}-{digest}.partial.jsonl"

    def transient(self, shard: int, config: str, digest: str) -> Path:
        """The paths of a cleaned shard's seeds that failed for a passing reason, when there are any."""
        return self.work / "shards" / f"{shard:04d}-{config}-{digest}.transient.json"

    def shard_versions(self, shard: int, config: str) -> list[dict[str, Path]]:
        """The files of every cleaned version of a shard under these settings, oldest first."""
        found = self.work.joinpath("shards").glob(f"{shard:04d}-{config}-*.docs.jsonl")
        return [self.shard(shard, config, path.name[len(f"{shard:04d}-{config}-"): -len(".docs.jsonl")])
                for path in sorted(found, key=lambda path: path.stat().st_mtime)]

    def dedup(self, run_id: str, kind: str) -> Path:
        """A run's dedup file: `exact.npy`, `reps.npy`, `jsonl` (the duplicates), `template.npy`,
        `clusters.jsonl`."""
        return self.work / "dedup" / f"{run_id}.{kind}"

    def band(self, run_id: str, band: int) -> Path:
        return self.dedup(run_id, f"band{band:03d}.npy")

    def verdicts(self, run_id: str, shard: int) -> Path:
        return self.dedup(run_id, "verdicts") / f"{shard:04d}.json"

    def finish(self, run_id: str, shard: int) -> Path:
        return self.work / "finish" / run_id / f"{shard:04d}.json"

    def part(self, shard: int, verdict: str) -> Path:
        """A part's stem: its files are the stem with a suffix (.corpus.jsonl, .stats.json, .pages …)."""
        return self.work / "parts" / f"{shard:04d}-{verdict}"

    def out(self, run_id: str) -> Path:
        return self.work / "out" / run_id
