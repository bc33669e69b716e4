"""Command line: `seed-corpus corpus --seeds DIR --data DIR [--workers N]` (also `python -m pipeline`).

Scans and plans in this process, then hands the task graph to Luigi and turns its verdict into the exit
code: 0 when the corpus was written, 1 when the run failed (the previous corpus stays), 2 when it could not
start, 3 when another run holds DATA's lock.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import luigi
import luigi.configuration
from luigi.execution_summary import LuigiStatusCode

from pipeline import __version__, language
from pipeline.config import Config, SettingsError, code_digest
from pipeline.dedup import bands
from pipeline.explain import decision, describe
from pipeline.files import CorruptFile, atomic_write, read_json, verify, write_jsonl
from pipeline.guard import refusal
from pipeline.layout import OUTPUTS, Layout
from pipeline.progress import Progress
from pipeline.rules import load_rules
from pipeline.sources import Seed, json_digest, plan, read_manifest, scan, selection, write_manifest
from pipeline.storage import Locked, failure, forget, prune, publish, run_lock, sweep_temporaries
from pipeline.tasks import Run

LUIGI_CONFIG = Path(__file__).resolve().parent.parent / "luigi.cfg"


def own_luigi_config() -> None:
    """Make Luigi use the project's luigi.cfg and nothing else: on import it also read /etc/luigi and a
    luigi.cfg or client.cfg in the working directory, whose `logging_conf_file` would run code."""
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
    fingerprint = config.fingerprint()
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
    dedup_id = json_digest([fingerprint, listing, code_digest("dedup")])
    finish = code_digest("finish")
    run_id = json_digest([dedup_id, finish])
    run = {"config": fingerprint, "shards": listing, "sizes": [len(m) for _, m in shards.values()],
           "dedup": dedup_id, "finish": finish, "bands": bands(config.dedup.threshold, config.dedup.num_perm)[0]}
    _write_once(layout.run(run_id), json.dumps(run))
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


def _progress(layout: Layout, run: dict) -> Progress:
    outputs = {layout.shard(shard, run["config"], digest)["docs.jsonl"]: size
               for (shard, digest), size in zip(run["shards"], run["sizes"], strict=True)}
    return Progress(outputs)


def _write_once(path: Path, text: str) -> None:
    if not path.exists():
        with atomic_write(path) as handle:
            handle.write(text)


def corpus(args: argparse.Namespace) -> int:
    """Run the whole batch under DATA's lock; publish the new corpus only when every task succeeded."""
    started, wall_started = time.monotonic(), time.time()
    own_luigi_config()
    _raise_open_files_limit()
    checked = _arguments(args)
    if isinstance(checked, str):
        print(f"pipeline: {checked}", file=sys.stderr)
        return 2
    seeds, data, config = checked
    try:
        layout = Layout(data)
        # Under a central scheduler several workers share DATA on purpose: luigid hands each task to one
        # of them, and content-addressed outputs make the work safe to share; the local lock is for local runs.
        lock = contextlib.nullcontext() if args.scheduler else run_lock(data, wait=args.wait)
        with lock:
            sweep_temporaries(data, older_than=86_400 if args.scheduler else 0)
            if not args.scheduler:
                layout.timings.unlink(missing_ok=True)
            ran = _count_tasks() if args.scheduler else []
            for _ in range(ATTEMPTS):  # a task that finds a corrupt work file deletes it: build once more
                layout.failed.unlink(missing_ok=True)
                run_id, run, found = prepare(seeds, layout, config, selection(args.include, args.exclude))
                run = {**run, "started": wall_started}  # for the report only: not part of any output's name
                if any(not layout.shard(shard, run["config"], digest)["docs.jsonl"].exists()
                       for shard, digest in run["shards"]):  # cleaning to do: ready what it needs once, here,
                    load_rules(config.rules)  # so that each forked task process inherits it compiled
                    language.identifier()
                task = Run(data=str(data), seeds=str(seeds), run_id=run_id, plan=run)
                _verify_outputs(layout, run_id)
                result = _build(task, args, _progress(layout, run))
                if task.complete() or not _found_corrupt(layout):
                    break
            learn(layout, run, found)
            if args.scheduler:
                print(f"pipeline: this worker ran {len(ran)} task(s)", file=sys.stderr)
            if not task.complete():
                return _failed(layout, result.summary_text if args.verbose else "")
            current = json.loads((layout.out(run_id) / "stats.json").read_text())
            previous = json.loads((data / "stats.json").read_text()) if (data / "stats.json").exists() else None
            if why := refusal(previous, current, config.publish.max_shrink, config.publish.max_internal_errors,
                              args.allow_shrink):
                print(f"pipeline: not published: {why}; the previous corpus in {args.data} is untouched",
                      file=sys.stderr)
                return 1
            publish(layout, run_id)
            if not args.scheduler:
                prune(layout, run_id)
    except Locked as err:
        print(f"pipeline: {err}", file=sys.stderr)
        return 3
    except (OSError, ValueError) as err:
        print(f"pipeline: run failed: {failure(err, data)}; the previous corpus in {args.data} is untouched",
              file=sys.stderr)
        return 1
    stats = json.loads((data / "stats.json").read_text())
    line = (f"read {stats['read']}, kept {stats['kept']}, duplicates {stats['duplicates']}, "
            f"rejected {stats['rejected']} in {time.monotonic() - started:.1f} s")
    print(line + (f" — ALARM: {stats['alarm']}" if stats["alarm"] else ""))
    return 0


ATTEMPTS = 5  # each finds at least one corrupt file; a chain of stages needs one attempt per stage


def _build(task: Run, args: argparse.Namespace, progress: Progress) -> luigi.execution_summary.LuigiRunResult:
    """Hand the graph to Luigi (its own scheduler, or luigid's) and wait for its verdict."""
    progress.start()
    try:
        while True:
            result = luigi.build([task], workers=args.workers, detailed_summary=True,
                                 log_level="DEBUG" if args.verbose else "CRITICAL", **_scheduler(args.scheduler))
            # Under luigid a worker may run out of tasks while another still runs the last ones.
            if task.complete() or result.status in FAILED or not args.scheduler:
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


def _found_corrupt(layout: Layout) -> bool:
    """Whether a task of this attempt found a corrupt work file (and deleted it, for the next attempt to
    make again); a task running beside it may have failed after it, on a file it deleted."""
    return layout.failed.exists() and "CorruptFile:" in layout.failed.read_text()


def _reason(layout: Layout) -> str:
    """The first line of the failed task's note, or ''."""
    return layout.failed.read_text().split("\n", 1)[0] if layout.failed.exists() else ""


def _transient(layout: Layout, run: dict) -> set[str]:
    """Seeds of this run that failed for a passing reason (listed by their shards), to retry next run."""
    paths: set[str] = set()
    for shard, digest in run["shards"]:
        listed = layout.transient(shard, run["config"], digest)
        if listed.exists():
            paths.update(json.loads(listed.read_text()))
    return paths


def _raise_open_files_limit(wanted: int = 1 << 16) -> None:
    """Merging the shards' parts opens one file per shard: raise the soft limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


FAILED = (LuigiStatusCode.FAILED, LuigiStatusCode.FAILED_AND_SCHEDULING_FAILED, LuigiStatusCode.SCHEDULING_FAILED)


def _scheduler(address: str | None) -> dict:
    """luigi.build's scheduler settings: in-process by default, else the central luigid at host:port."""
    if not address:
        return {"local_scheduler": True}
    host, _, port = address.rpartition(":")
    return {"local_scheduler": False, "scheduler_host": host or "localhost", "scheduler_port": int(port)}


def _count_tasks() -> list[str]:
    """Task ids this process runs (events fire in-process when each worker process runs one worker)."""
    ran: list[str] = []
    luigi.Task.event_handler(luigi.Event.SUCCESS)(lambda task: ran.append(task.task_id))
    return ran


def _failed(layout: Layout, details: str) -> int:
    """Say why the run failed in one line (the traceback stays in work/failed.txt, or with --verbose)."""
    note = layout.failed
    reason = _reason(layout) or "a task failed (run with --verbose for the log)"
    if details:
        print(details, file=sys.stderr)
    print(f"pipeline: run failed: {reason}; the previous corpus in {layout.data} is untouched"
          + (f" (details: {note})" if note.exists() else ""), file=sys.stderr)
    return 1


def explain_seed(args: argparse.Namespace) -> int:
    """Print what the current run decided about each seed given, as text or as JSON Lines (`--json`)."""
    data = Path(args.data)
    if not (data / "stats.json").exists():
        print(f"pipeline: no corpus in {args.data} yet; run `make corpus` first", file=sys.stderr)
        return 2
    seeds = Path(args.seeds).resolve()
    status = 0
    try:
        for number, seed in enumerate(args.seed):
            given = Path(seed)
            path = str(given.resolve().relative_to(seeds)) if given.exists() and seeds in given.resolve().parents \
                else seed
            try:
                found = decision(data, path)
            except LookupError as err:
                print(f"pipeline: {err.args[0]}", file=sys.stderr)
                status = 1
                continue
            if args.json:
                print(json.dumps(found, ensure_ascii=False))
                continue
            if number:
                print()
            for line in describe(found):
                print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status


def _arguments(args: argparse.Namespace) -> tuple[Path, Path, Config] | str:
    """SEEDS, DATA and the settings a run or a plan is given, or why they cannot be used."""
    seeds, data = Path(args.seeds).resolve(), Path(args.data).resolve()
    if not seeds.is_dir():
        return f"seeds folder not found: {args.seeds}"
    if data == seeds or seeds in data.parents or data in seeds.parents:
        return f"SEEDS ({args.seeds}) and DATA ({args.data}) must not overlap"
    try:
        return seeds, data, Config.load(Path(args.config) if args.config else None)
    except SettingsError as err:
        return str(err)


def plan_run(args: argparse.Namespace) -> int:
    """Say what `corpus` would do with these arguments, and do none of it: new, changed and deleted seeds
    (in size or mtime, against the last run's manifest) and the shards it would clean. Reads no seed."""
    checked = _arguments(args)
    if isinstance(checked, str):
        print(f"pipeline: {checked}", file=sys.stderr)
        return 2
    seeds, data, config = checked
    layout, fingerprint = Layout(data), config.fingerprint()
    earlier = read_manifest(layout.manifest)
    found, shards = plan(scan(seeds, earlier, config.max_bytes, selection(args.include, args.exclude)),
                         config.shard_size, fingerprint)
    before = {row["path"]: (row.get("size", 0), row.get("mtime_ns", 0)) for row in earlier}
    now = {seed.path for seed in found}
    lists = {"new": [s.path for s in found if s.path not in before],
             "changed": [s.path for s in found if s.path in before and before[s.path] != (s.size, s.mtime_ns)],
             "deleted": sorted(set(before) - now)}
    clean = [[shard, digest, len(members)] for shard, (digest, members) in shards.items()
             if not layout.shard(shard, fingerprint, digest)["docs.jsonl"].exists()]
    if args.json:
        print(json.dumps({"seeds": len(found), **lists, "shards": len(shards),
                          "clean": [{"shard": shard, "seeds": size} for shard, _, size in clean]}))
        return 0
    print(f"{len(found)} seeds in {len(shards)} shards: {len(lists['new'])} new, {len(lists['changed'])} changed, "
          f"{len(lists['deleted'])} deleted since the last run")
    for name, paths in lists.items():
        for path in paths[: args.limit]:
            print(f"  {name:<8} {path}")
        if len(paths) > args.limit:
            print(f"  ... and {len(paths) - args.limit} more {name}")
    print(f"{len(clean)} shard(s) to clean ({sum(size for *_, size in clean)} seeds)"
          + (": " + ", ".join(f"{shard:04d}" for shard, *_ in clean) if clean else "; the rest is reused"))
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1 (0 workers would wait forever holding the lock)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seed-corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("corpus", help="clean and deduplicate SEEDS into DATA")
    run.add_argument("--seeds", default="seeds", help="folder of seed files (default: seeds)")
    run.add_argument("--data", default="data", help="output folder (default: data)")
    run.add_argument("--workers", type=_positive, default=1, help="parallel Luigi workers (default: 1)")
    run.add_argument("--config", help="TOML file overriding pipeline/settings.toml")
    run.add_argument("--verbose", action="store_true", help="show Luigi's own log")
    run.add_argument("--allow-shrink", action="store_true",
                     help="publish even when the corpus shrinks by more than publish.max_shrink")
    run.add_argument("--wait", action="store_true", help="wait for another run on DATA to end instead of refusing")
    run.add_argument("--scheduler", metavar="HOST:PORT", help="work for a central luigid instead of a local scheduler")
    dry = commands.add_parser("plan", help="say what `corpus` would do (new, changed, deleted seeds; shards to "
                                           "clean) and do none of it")
    for command in (run, dry):
        command.add_argument("--include", action="append", default=[], metavar="GLOB",
                             help="take only seeds whose path under SEEDS matches (repeatable; * crosses folders)")
        command.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                             help="leave out seeds whose path under SEEDS matches (repeatable)")
    dry.add_argument("--seeds", default="seeds", help="folder of seed files (default: seeds)")
    dry.add_argument("--data", default="data", help="output folder (default: data)")
    dry.add_argument("--config", help="TOML file overriding pipeline/settings.toml")
    dry.add_argument("--json", action="store_true", help="the whole plan as one JSON object")
    dry.add_argument("--limit", type=_positive, default=20, help="paths listed per kind (default: 20)")
    why = commands.add_parser("explain", help="print everything decided about seeds in the current run")
    why.add_argument("seed", nargs="+", help="seed paths, relative to SEEDS (FILE#N for a record of a WARC or "
                                             "JSON Lines file) or as file paths under it")
    why.add_argument("--json", action="store_true", help="one JSON object per seed, one per line")
    why.add_argument("--seeds", default="seeds", help="folder of seed files (default: seeds)")
    why.add_argument("--data", default="data", help="output folder (default: data)")
    args = parser.parse_args(argv)
    return {"corpus": corpus, "plan": plan_run, "explain": explain_seed}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
