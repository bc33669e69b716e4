"""The run driver: scan and plan in this process, hand the task graph to Luigi (its own scheduler or a
central luigid), retry once a task has found and deleted a corrupt work file, and publish only a run that
every task finished and the publish guard trusts. Returns the command's exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import multiprocessing
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import fingerprint as fingerprints
from pipeline.config import Config
from pipeline.dedup.lsh_bands import bands, lsh_threshold
from pipeline.run.progress import Progress
from pipeline.store.files import CorruptFile, atomic_write, read_json, verify, write_json, write_jsonl
from pipeline.store.manifest import Seed, json_digest, plan, read_manifest, scan, selection, write_manifest
from pipeline.store.paths import OUTPUTS, Layout
from pipeline.store.publish import (
    Locked,
    failure,
    forget,
    prune,
    publish,
    refuse_links,
    run_lock,
    sweep_temporaries,
)
from pipeline.store.publish_guard import refusal

if TYPE_CHECKING:  # Luigi and the task graph load only when there is a graph to build
    from luigi.execution_summary import LuigiRunResult

    from pipeline.run.tasks import Run

LUIGI_CONFIG = Path(__file__).resolve().parents[2] / "luigi.cfg"


def own_luigi_config() -> None:
    """Make Luigi use the project's luigi.cfg and nothing else: on import it also read /etc/luigi and a
    luigi.cfg or client.cfg in the working directory, whose `logging_conf_file` would run code."""
    import luigi.configuration

    config = luigi.configuration.get_config()
    for section in config.sections():
        config.remove_section(section)
    for option in list(config.defaults()):
        config.remove_option(config.default_section, option)
    config.read(LUIGI_CONFIG)


def prepare(seeds: Path, layout: Layout, config: Config, select: Callable[[str], bool] | None = None) \
        -> tuple[str, dict, list[Seed]]:
    """Scan the seeds, write the content-addressed shard inputs and run file; return the run id, the plan
    and the seeds as planned (for `learn`, once the tasks have read them).

    The plan lists each shard with its digest and number of seeds. The dedup stage's outputs are named by
    what they depend on (the shards, the dedup code), the run's by that and the finishing code."""
    fingerprint = fingerprints.cleaning(config)
    settings = json.dumps(config.to_dict(), indent=2)  # [publish] is not in the fingerprint: it may differ
    if not layout.config(fingerprint).exists() or layout.config(fingerprint).read_text() != settings:
        with atomic_write(layout.config(fingerprint)) as handle:
            handle.write(settings)
    found, shards = plan(scan(seeds, read_manifest(layout.manifest), config.max_bytes, select), config.shard_size,
                         fingerprint)
    for shard, (digest, members) in shards.items():
        inputs = layout.inputs(shard, digest)
        if not inputs.exists():
            write_jsonl(inputs, (seed.to_dict() for seed in members))
    listing = [[shard, digest] for shard, (digest, _) in shards.items()]
    dedup_id = json_digest([fingerprint, listing, fingerprints.code_digest("dedup")])
    finish = fingerprints.code_digest("finish")
    run_id = json_digest([dedup_id, finish])
    run = {"config": fingerprint, "seeds": str(seeds), "shards": listing, "sizes": [len(m) for _, m in shards.values()],
           "dedup": dedup_id, "finish": finish,
           "bands": bands(lsh_threshold(config.dedup.threshold, config.dedup.containment), config.dedup.num_perm)[0]}
    _write_once(layout.run(run_id), run)
    return run_id, run, found


def learn(layout: Layout, run: dict, found: list[Seed]) -> None:
    """Write the manifest for the next run: every seed's shard, the hashes the shards' tasks found for
    seeds the manifest did not know, and one more retry for seeds that failed for a passing reason. Reads
    only the shards that held such seeds."""
    unhashed = {seed.shard for seed in found if seed.sha256 is None and not seed.rejected}
    hashes: dict[str, str] = {}
    for shard, digest in run["shards"]:
        learnt = layout.shard(shard, run["config"], digest)["seeds.json"]
        if shard in unhashed and learnt.exists():
            hashes.update(read_json(learnt)["sha256"])
    write_manifest(layout.manifest, found, read_manifest(layout.manifest), hashes, _transient(layout, run))


def _ready_to_clean(config: Config) -> str | None:
    """Ready what cleaning needs, once, in this process, so that every task process Luigi forks inherits it:
    the cleaning code, the rules compiled (and vetted), the language models, datasketch (which loads scipy:
    0.45 s each task process would pay again). Why the rules cannot be used, or None. A run with nothing to
    clean never pays for it."""
    importlib.import_module("pipeline.run.clean_stage")
    rules = importlib.import_module("pipeline.cleaning.rules")
    try:
        rules.load_rules(config.rules)
        rules.load_markup(config.rules)
    except ValueError as err:
        return str(err)
    language = importlib.import_module("pipeline.cleaning.language")
    language.identifier()
    language.detector().detect("", model="lite")  # the model loads at its first use
    importlib.import_module("datasketch")
    return None


def _progress(layout: Layout, run: dict) -> Progress:
    config = run["config"]
    outputs = {layout.shard(shard, config, digest)["docs.jsonl"]: (size, layout.progress(shard, config, digest))
               for (shard, digest), size in zip(run["shards"], run["sizes"], strict=True)}
    return Progress(outputs)


def _write_once(path: Path, value: dict) -> None:
    """Write a JSON file with its checksum unless a sound one is there (a damaged one is written again)."""
    try:
        read_json(path)
    except (OSError, CorruptFile, ValueError):
        write_json(path, value)


class Interrupted(KeyboardInterrupt):
    """The run was told to stop (SIGINT, SIGTERM). A KeyboardInterrupt, so that Luigi lets it through and
    ends its running task processes on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """SIGINT and SIGTERM stop the run in this process with Interrupted; a task process forked from it
    ends at once and quietly (the run's process says what happened, once)."""
    run_process = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != run_process:
            os._exit(128 + signum)
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def corpus(seeds: Path, data: Path, config: Config, args: argparse.Namespace) -> int:
    """Run the whole batch under DATA's lock; publish the new corpus only when every task succeeded; on
    SIGINT or SIGTERM, end every child, release the lock, say so in one line and exit 130 or 143 (what was
    cleaned is kept for the next run). `args`: the command's options (workers, scheduler, wait,
    include/exclude, allow_shrink, verbose)."""
    with _stoppable():
        try:
            return _corpus(seeds, data, config, args)
        except Interrupted as stopped:
            for child in multiprocessing.active_children():
                child.terminate()
            for child in multiprocessing.active_children():
                child.join(timeout=10)
            print(f"seed-corpus: stopped by {stopped}; the previous corpus in {args.data} is untouched, and the "
                  "next run reuses what this one cleaned", file=sys.stderr)
            return 128 + stopped.signum


def _corpus(seeds: Path, data: Path, config: Config, args: argparse.Namespace) -> int:
    started, wall_started = time.monotonic(), time.time()
    _raise_open_files_limit()
    try:
        layout = Layout(data)
        # Under a central scheduler several workers share DATA on purpose: luigid hands each task to one
        # of them, and content-addressed outputs make the work safe to share; the local lock is for local runs.
        lock = contextlib.nullcontext() if args.scheduler else run_lock(data, wait=args.wait)
        with lock:
            refuse_links(layout)
            sweep_temporaries(data, older_than=86_400 if args.scheduler else 0)
            if not args.scheduler:
                layout.timings.unlink(missing_ok=True)
            ran = _count_tasks() if args.scheduler else []
            done = False
            for _ in range(ATTEMPTS):  # a task that finds a corrupt work file deletes it: build once more
                layout.failed.unlink(missing_ok=True)
                layout.failures.unlink(missing_ok=True)
                run_id, run, found = prepare(seeds, layout, config, selection(args.include, args.exclude))
                run = {**run, "started": wall_started}  # for the report only: not part of any output's name
                if any(not layout.shard(shard, run["config"], digest)["docs.jsonl"].exists()
                       for shard, digest in run["shards"]) and (problem := _ready_to_clean(config)):
                    print(f"seed-corpus: {problem}", file=sys.stderr)
                    return 2
                _verify_outputs(layout, run_id)
                if _finished(layout, run_id):  # a rerun with nothing new: no graph to build, Luigi not loaded
                    done = True
                    break
                task = _run_task(data, seeds, run_id, run)
                result = _build(task, args, _progress(layout, run))
                done = task.complete()
                if done or not _found_corrupt(layout):
                    break
            learn(layout, run, found)
            if args.scheduler:
                print(f"seed-corpus: this worker ran {len(ran)} task(s)", file=sys.stderr)
            if not done:
                return _failed(layout, result.summary_text if args.verbose else "")
            current = read_json(layout.out(run_id) / "stats.json")
            previous = _published_stats(data)
            filters = " ".join([*(f"--include {glob!r}" for glob in args.include),
                                *(f"--exclude {glob!r}" for glob in args.exclude)])
            if why := refusal(previous, current, config.publish.max_shrink, config.publish.max_internal_errors,
                              args.allow_shrink, filters):
                print(f"seed-corpus: not published: {why}; the previous corpus in {args.data} is untouched",
                      file=sys.stderr)
                return 1
            publish(layout, run_id)
            if not args.scheduler:
                prune(layout, run_id)
    except Locked as err:
        print(f"seed-corpus: {err}", file=sys.stderr)
        return 3
    except (OSError, ValueError) as err:
        print(f"seed-corpus: run failed: {failure(err, data)}; the previous corpus in {args.data} is untouched",
              file=sys.stderr)
        return 1
    stats = json.loads((data / "stats.json").read_text())
    line = (f"read {stats['read']}, kept {stats['kept']}, duplicates {stats['duplicates']}, "
            f"rejected {stats['rejected']} in {time.monotonic() - started:.1f} s")
    print(line + (f" — ALARM: {stats['alarm']}" if stats["alarm"] else ""))
    if not stats["read"]:
        print(f"seed-corpus: warning: no seed in {args.seeds}"
              + (" passes the --include/--exclude filters" if args.include or args.exclude else "")
              + ": the corpus is empty", file=sys.stderr)
    return 0


ATTEMPTS = 5  # each finds at least one corrupt file; a chain of stages needs one attempt per stage


def _finished(layout: Layout, run_id: str) -> bool:
    """The run's corpus files and report are all in place: what its Run task's completeness checks."""
    out = layout.out(run_id)
    return all((out / name).exists() for name in (*OUTPUTS, "report.html"))


def _run_task(data: Path, seeds: Path, run_id: str, plan: dict) -> Run:
    """The task graph's root, Luigi configured from the project's luigi.cfg first."""
    own_luigi_config()
    from pipeline.run.tasks import Run

    return Run(data=str(data), seeds=str(seeds), run_id=run_id, plan=plan)


def _build(task: Run, args: argparse.Namespace, progress: Progress) -> LuigiRunResult:
    """Hand the graph to Luigi (its own scheduler, or luigid's) and wait for its verdict."""
    import luigi
    from luigi.execution_summary import LuigiStatusCode

    failed = (LuigiStatusCode.FAILED, LuigiStatusCode.FAILED_AND_SCHEDULING_FAILED, LuigiStatusCode.SCHEDULING_FAILED)
    progress.start()
    try:
        while True:
            result = luigi.build([task], workers=args.workers, detailed_summary=True,
                                 log_level="DEBUG" if args.verbose else "CRITICAL", **_scheduler(args.scheduler))
            # Under luigid a worker may run out of tasks while another still runs the last ones.
            if task.complete() or result.status in failed or not args.scheduler:
                return result
            time.sleep(2)
    finally:
        progress.stop()


def _verify_outputs(layout: Layout, run_id: str) -> None:
    """Check a finished run's outputs against their checksums (a rerun with nothing new publishes them
    again); a garbled one is deleted, and the run makes it again from its parts."""
    for name in OUTPUTS:
        if (layout.out(run_id) / name).exists():
            try:
                verify(layout.out(run_id) / name)
            except CorruptFile as err:
                forget(layout, err.path)


def _failures(layout: Layout) -> list[dict]:
    """This attempt's failure notes (see PipelineTask.on_failure), first first; a torn last line is left out."""
    if not layout.failures.exists():
        return []
    notes = []
    for line in layout.failures.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            notes.append(json.loads(line))
    return notes


def _found_corrupt(layout: Layout) -> bool:
    """Whether a task of this attempt found a corrupt work file (and deleted it, for the next attempt to
    make again); a task running beside it may have failed after it, on a file it deleted."""
    return any(note.get("corrupt") for note in _failures(layout))


def _reason(layout: Layout) -> str:
    """The first failed task's reason, or ''."""
    notes = _failures(layout)
    return f"{notes[0]['task']}: {notes[0]['reason']}" if notes else ""


def _transient(layout: Layout, run: dict) -> set[str]:
    """Seeds of this run that failed for a passing reason (listed by their shards), to retry next run."""
    paths: set[str] = set()
    for shard, digest in run["shards"]:
        listed = layout.transient(shard, run["config"], digest)
        if listed.exists():
            with contextlib.suppress(CorruptFile, ValueError):  # a damaged list: those seeds wait for a change
                paths.update(read_json(listed))
    return paths


def _published_stats(data: Path) -> dict | None:
    """The published run's stats.json, for the publish guard; when it is damaged, as much as the published
    corpus tells (how many documents it keeps), so that a damaged file neither stops every run nor lets an
    empty one through."""
    if not (data / "stats.json").exists():
        return None
    try:
        return read_json(data / "stats.json")
    except (CorruptFile, ValueError):
        with contextlib.suppress(OSError), open(data / "corpus.jsonl", "rb") as corpus:
            return {"kept": sum(1 for _ in corpus)}
        return None


def _raise_open_files_limit(wanted: int = 1 << 16) -> None:
    """Merging the shards' parts opens one file per shard: raise the soft limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))




def _scheduler(address: str | None) -> dict:
    """luigi.build's scheduler settings: in-process by default, else the central luigid at host:port."""
    if not address:
        return {"local_scheduler": True}
    host, _, port = address.rpartition(":")
    return {"local_scheduler": False, "scheduler_host": host or "localhost", "scheduler_port": int(port)}


def _count_tasks() -> list[str]:
    """Task ids this process runs (events fire in-process when each worker process runs one worker)."""
    import luigi

    ran: list[str] = []
    luigi.Task.event_handler(luigi.Event.SUCCESS)(lambda task: ran.append(task.task_id))
    return ran


def _failed(layout: Layout, details: str) -> int:
    """Say why the run failed in one line (the traceback stays in work/failed.txt, or with --verbose)."""
    note = layout.failed
    reason = _reason(layout) or "a task failed (run with --verbose for the log)"
    if details:
        print(details, file=sys.stderr)
    print(f"seed-corpus: run failed: {reason}; the previous corpus in {layout.data} is untouched"
          + (f" (details: {note})" if note.exists() else ""), file=sys.stderr)
    return 1
