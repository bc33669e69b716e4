"""Command line: `seed-corpus corpus --seeds DIR --data DIR [--workers N]` (also `python -m pipeline`).

Parses arguments and hands each command to its module (run/driver.py runs the batch, report/explain.py
reads the decisions). Exit codes: 0 when the corpus was written, 1 when the run failed (the previous corpus
stays), 2 when it could not start, 3 when another run holds DATA's lock.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline import fingerprint as fingerprints
from pipeline.config import Config, SettingsError
from pipeline.run import driver
from pipeline.store.manifest import plan, read_manifest, scan, selection
from pipeline.store.paths import Layout


def explain_seed(args: argparse.Namespace) -> int:
    """Print what the current run decided about each seed given, as text or as JSON Lines (`--json`)."""
    from pipeline.report.explain import current_plan, decisions, describe  # only this command needs them
    from pipeline.report.wording import printable

    data = Path(args.data)
    if not (data / "stats.json").exists():
        print(f"seed-corpus: no corpus in {args.data} yet; run `make corpus` first", file=sys.stderr)
        return 2
    seeds = Path(args.seeds or current_plan(data).get("seeds", "seeds")).resolve()  # the run's own SEEDS by default
    status, shown = 0, 0
    try:
        for seed in args.seed:
            given = Path(seed)
            path = str(given.resolve().relative_to(seeds)) if given.exists() and seeds in given.resolve().parents \
                else seed
            try:
                found = decisions(data, path)
            except LookupError as err:
                print(f"seed-corpus: {printable(err.args[0])}", file=sys.stderr)
                status = 1
                continue
            for each in found:
                if args.json:
                    print(json.dumps(each, ensure_ascii=False))
                    continue
                if shown:
                    print()
                shown += 1
                for line in describe(each):
                    print(printable(line))
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
    if data.exists() and not data.is_dir():
        return f"DATA ({args.data}) is not a folder"
    try:
        return seeds, data, Config.load(Path(args.config) if args.config else None)
    except SettingsError as err:
        return str(err)


def corpus(args: argparse.Namespace) -> int:
    """`corpus`: check the arguments, then hand the run to the driver."""
    checked = _arguments(args)
    if isinstance(checked, str):
        print(f"seed-corpus: {checked}", file=sys.stderr)
        return 2
    return driver.corpus(*checked, args)


def plan_run(args: argparse.Namespace) -> int:
    """Say what `corpus` would do with these arguments, and do none of it: new, changed and deleted seeds
    (in size, mtime or change time, against the last run's manifest) and the shards it would clean. Reads no seed."""
    from pipeline.report.wording import printable  # only this command and explain print names

    checked = _arguments(args)
    if isinstance(checked, str):
        print(f"seed-corpus: {checked}", file=sys.stderr)
        return 2
    seeds, data, config = checked
    layout, fingerprint = Layout(data), fingerprints.cleaning(config)
    earlier = read_manifest(layout.manifest)
    found, shards = plan(scan(seeds, earlier, config.max_bytes, selection(args.include, args.exclude)),
                         config.shard_size, fingerprint)
    before = {row["path"]: (row.get("size", 0), row.get("mtime_ns", 0), row.get("ctime_ns", 0)) for row in earlier}
    now = {seed.path for seed in found}
    lists = {"new": [s.path for s in found if s.path not in before],
             "changed": [s.path for s in found
                         if s.path in before and before[s.path] != (s.size, s.mtime_ns, s.ctime_ns)],
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
            print(f"  {name:<8} {printable(path)}")
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
    why.add_argument("--seeds", help="folder of seed files (default: the SEEDS of the run that made DATA)")
    why.add_argument("--data", default="data", help="output folder (default: data)")
    args = parser.parse_args(argv)
    try:
        return {"corpus": corpus, "plan": plan_run, "explain": explain_seed}[args.command](args)
    except KeyboardInterrupt:  # Ctrl-C during plan or explain (a run handles its own signals)
        print("seed-corpus: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
