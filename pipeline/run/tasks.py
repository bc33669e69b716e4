"""Luigi tasks: parameters, requirements and outputs only; each `run` is one call into a stage module.

    CleanShard ──> Representatives ──> DedupBand × bands ──> Deduplicate ──> Template
        │                                                        │              │
        └──────────────────────────> FinishShard (one per shard) <──────────────┘
                                          │
                              WriteCorpus and WriteReport, side by side (Run: both)

Every output name carries a digest of what it was made from (see layout.py), so a task whose output exists
is done and a rerun redoes exactly what changed. The run's plan (written by the CLI) travels as a
parameter: no `requires` reads a file.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import luigi

from pipeline.config import Config
from pipeline.run import dedup_stage, finish_stage, merge
from pipeline.store.files import CorruptFile, dumps, read_json
from pipeline.store.paths import OUTPUTS, Layout
from pipeline.store.publish import failure, forget


class PipelineTask(luigi.Task):
    """Base of every task: a failure leaves a one-line reason for the command line to print."""

    data = luigi.Parameter()
    seeds = luigi.Parameter(significant=False)

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.data))

    def settings(self, fingerprint: str) -> Config:
        return Config.from_dict(json.loads(self.layout.config(fingerprint).read_text()))

    def on_failure(self, exception: BaseException) -> str:
        """Note the failure for the command: its task, reason and whether it found a corrupt work file in
        work/failures.jsonl (a line each), with the traceback for people in work/failed.txt. Tasks side by
        side may fail together: the first note is the run's reason."""
        trace = super().on_failure(exception)
        corrupt = isinstance(exception, CorruptFile)
        if corrupt:  # treated as missing: the command builds again, once
            forget(self.layout, exception.path)
        reason = failure(exception, self.layout.data)
        note = {"task": self.task_family, "reason": reason, "corrupt": corrupt}
        with contextlib.suppress(OSError):  # each appended at once: notes of tasks failing together stay whole
            with open(self.layout.failures, "a", encoding="utf-8") as handle:
                handle.write(dumps(note) + "\n")
            with open(self.layout.failed, "a", encoding="utf-8") as handle:
                handle.write(f"{self.task_family}: {reason}\n\n{trace}\n\n")
        return trace


@PipelineTask.event_handler(luigi.Event.PROCESSING_TIME)
def record_time(task: PipelineTask, seconds: float) -> None:
    """Append each task's busy time to work/timings.jsonl: where a run's time goes (read by bench-scale).
    `Run` only waits for its two tasks: it has none."""
    if isinstance(task, luigi.WrapperTask):
        return
    with contextlib.suppress(OSError), open(task.layout.timings, "a", encoding="utf-8") as handle:
        handle.write(dumps({"task": task.task_family, "seconds": round(seconds, 3)}) + "\n")


def targets(paths: dict[str, Path]) -> dict[str, luigi.LocalTarget]:
    return {name: luigi.LocalTarget(str(path)) for name, path in paths.items()}


def paths(targets: dict[str, luigi.LocalTarget]) -> dict[str, Path]:
    return {name: Path(target.path) for name, target in targets.items()}


class CleanShard(PipelineTask):
    """Decode, repair, extract, strip and sign every seed of one shard."""

    config = luigi.Parameter()
    shard = luigi.IntParameter()
    digest = luigi.Parameter()

    def output(self) -> dict[str, luigi.LocalTarget]:
        return targets(self.layout.shard(self.shard, self.config, self.digest))

    def run(self) -> None:
        versions = self.layout.shard_versions(self.shard, self.config)
        from pipeline.run import clean_stage  # here: a run with nothing to clean never loads the HTML parser

        clean_stage.clean_shard(Path(self.seeds), self.layout.inputs(self.shard, self.digest),
                          versions[-1] if versions else None, self.settings(self.config), paths(self.output()),
                          self.layout.transient(self.shard, self.config, self.digest),
                          self.layout.progress(self.shard, self.config, self.digest),
                          self.layout.checkpoint(self.shard, self.config, self.digest))


class RunTask(PipelineTask):
    """A stage over the whole run. `plan`: the run file's content (settings fingerprint, dedup id, shards,
    band count); outputs of the dedup stage are named by its dedup id, the rest by the run id."""

    run_id = luigi.Parameter()
    plan = luigi.DictParameter(significant=False)

    def run_task(self, task: type[RunTask], **extra: object) -> RunTask:
        return task(data=self.data, seeds=self.seeds, run_id=self.run_id, plan=self.plan, **extra)

    def shards(self) -> list[CleanShard]:
        return [CleanShard(data=self.data, seeds=self.seeds, config=self.plan["config"], shard=number, digest=digest)
                for number, digest in self.plan["shards"]]

    def shard_files(self) -> list[dict[str, Path]]:
        return [paths(shard.output()) for shard in self.shards()]

    def parts(self) -> list[FinishShard]:
        return [self.run_task(FinishShard, shard=number, digest=digest) for number, digest in self.plan["shards"]]

    def part_stems(self) -> list[Path]:
        """The corpus parts that the FinishShard tasks chose for this run, in shard order."""
        return [self.layout.work / read_json(self.layout.finish(self.run_id, number))["part"]
                for number, _ in self.plan["shards"]]


class Representatives(RunTask):
    """The rows that LSH compares: one kept copy of each exact duplicate group."""

    def requires(self) -> list[CleanShard]:
        return self.shards()

    def output(self) -> dict[str, luigi.LocalTarget]:
        return targets({name: self.layout.dedup(self.plan["dedup"], f"{name}.npy") for name in ("exact", "reps")})

    def run(self) -> None:
        dedup_stage.write_representatives(self.shard_files(), paths(self.output()), self.settings(self.plan["config"]))


class DedupBand(RunTask):
    """One LSH band's candidate pairs; bands run in parallel (across machines under luigid)."""

    band = luigi.IntParameter()

    def requires(self) -> Representatives:
        return self.run_task(Representatives)

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.band(self.plan["dedup"], self.band)))

    def run(self) -> None:
        dedup_stage.write_band(self.shard_files(), Path(self.input()["reps"].path), self.band,
                             self.settings(self.plan["config"]), Path(self.output().path))


class Deduplicate(RunTask):
    """Clusters from all bands' candidate pairs, and each shard's verdict."""

    def requires(self) -> dict:
        return {"exact": self.run_task(Representatives),
                "bands": [self.run_task(DedupBand, band=band) for band in range(self.plan["bands"])]}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.dedup(self.plan["dedup"], "jsonl")))

    def run(self) -> None:
        numbers = [number for number, _ in self.plan["shards"]]
        verdicts = {number: self.layout.verdicts(self.plan["dedup"], number) for number in numbers}
        dedup_stage.write_clusters(numbers, self.shard_files(), Path(self.input()["exact"]["exact"].path),
                                 [Path(band.path) for band in self.input()["bands"]],
                                 self.settings(self.plan["config"]), Path(self.output().path), verdicts)


class Template(RunTask):
    """Line keys found in enough kept documents to be site template, sorted."""

    def requires(self) -> Deduplicate:
        return self.run_task(Deduplicate)

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.dedup(self.plan["dedup"], "template.npy")))

    def run(self) -> None:
        dedup_stage.write_template(self.shard_files(), Path(self.input().path), self.settings(self.plan["config"]),
                                 Path(self.output().path))


class FinishShard(RunTask):
    """One shard's share of the corpus; the part is reused when nothing it depends on changed."""

    shard = luigi.IntParameter()
    digest = luigi.Parameter()

    def requires(self) -> dict:
        return {"template": self.run_task(Template),
                "shard": CleanShard(data=self.data, seeds=self.seeds, config=self.plan["config"], shard=self.shard,
                                    digest=self.digest)}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.finish(self.run_id, self.shard)))

    def run(self) -> None:
        finish_stage.finish_shard(self.layout, self.shard, paths(self.input()["shard"]),
                              self.layout.verdicts(self.plan["dedup"], self.shard), Path(self.input()["template"].path),
                              self.plan["finish"], self.settings(self.plan["config"]), Path(self.output().path))


class WriteCorpus(RunTask):
    """corpus.jsonl, duplicates.jsonl, rejected.jsonl and stats.json of the run, from the shards' parts."""

    def requires(self) -> dict:
        return {"dedup": self.run_task(Deduplicate), "parts": self.parts()}

    def output(self) -> dict[str, luigi.LocalTarget]:
        """The run's own folder; the CLI publishes it as DATA/current once every file is in place."""
        return targets({name: self.layout.out(self.run_id) / name for name in OUTPUTS})

    def run(self) -> None:
        merge.merge_parts(self.part_stems(), Path(self.input()["dedup"].path), self.plan["config"],
                             self.settings(self.plan["config"]), paths(self.output()))


class WriteReport(RunTask):
    """report.html and report/ beside the run's corpus: what was removed, folded together and rejected.
    Made from the parts, as the corpus is, so that the two are written side by side."""

    def requires(self) -> dict:
        return {"dedup": self.run_task(Deduplicate), "parts": self.parts()}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.out(self.run_id) / "report.html"))

    def run(self) -> None:
        settings = self.settings(self.plan["config"])
        run = {"seeds": self.seeds, "started": self.plan.get("started"), "config": self.plan["config"],
               "rules": settings.rules}
        merge.build_report(Path(self.output().path), self.part_stems(), Path(self.input()["dedup"].path),
                              self.plan["config"], settings, self.layout.dedup(self.run_id, "clusters.jsonl"), run)


class Run(RunTask, luigi.WrapperTask):
    """The whole run: done when its corpus and its report are."""

    def requires(self) -> list[RunTask]:
        return [self.run_task(WriteCorpus), self.run_task(WriteReport)]
