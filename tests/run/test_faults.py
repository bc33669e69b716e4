"""Faults a nightly crawl and its machine bring, end to end: nothing lost, nothing stuck."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.__main__ import main
from tests.cleaning.test_containers import write_export
from tests.conftest import ROOT, SEEDS
from tests.run.test_pipeline import CLEANED, copy_seeds, read, run

FIRST = sorted(SEEDS.iterdir())[0].name


def test_a_seed_edited_in_place_with_its_mtime_put_back_is_cleaned_again_once(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    target = seeds / FIRST
    before = target.stat()
    text = target.read_text()
    edited = text.replace("Thursday", "Saturday")
    assert edited != text and len(edited.encode()) == len(text.encode())
    target.write_text(edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    assert run(seeds, data) == 0
    full = tmp_path / "full"
    assert run(seeds, full) == 0
    for name in ("corpus.jsonl", "removed.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name
    assert "Saturday" in next(r["text"] for r in read(data, "corpus.jsonl") if r["metadata"]["path"] == FIRST)
    CLEANED.clear()
    assert run(seeds, data) == 0 and CLEANED == []  # learnt: the next run neither cleans nor rejects it
    assert read(data, "rejected.jsonl") == []


def test_a_plain_file_named_like_a_containers_record_keeps_its_own_verdict(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    write_export(seeds / "export.jsonl")
    shutil.copy(seeds / FIRST, seeds / "export.jsonl#2")  # a copy of a seed, under a record's name
    assert run(seeds, data) == 0
    kept = [r["metadata"]["path"] for r in read(data, "corpus.jsonl")]
    dropped = [r["path"] for r in read(data, "duplicates.jsonl")]
    rejected = [r["path"] for r in read(data, "rejected.jsonl")]
    everything = kept + dropped + rejected
    assert sorted(everything) == sorted({*everything}), "an input listed twice"
    assert "export.jsonl#2" in everything and "export.jsonl#2 [file]" in everything  # the record, and the file
    assert len(everything) == 5 + 4 + 1
    assert "export.jsonl#2 [file]" in [r["path"] for r in read(data, "duplicates.jsonl")]  # a copy of a seed


def test_terminal_output_escapes_control_characters_in_names(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    hostile = "x\x1b]0;owned\x07\x1b[2J.txt"
    shutil.copy(seeds / FIRST, seeds / hostile)
    assert main(["plan", "--seeds", str(seeds), "--data", str(data)]) == 0
    assert run(seeds, data) == 0
    assert main(["explain", "--data", str(data), hostile]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "x\\x1b]0;owned\\x07\\x1b[2J.txt" in out


def test_clear_messages_for_a_data_file_an_empty_seeds_and_a_filter_matching_nothing(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    (tmp_path / "file").write_text("not a folder")
    assert run(seeds, tmp_path / "file") == 2
    assert "seed-corpus: DATA" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(empty, tmp_path / "first") == 0
    assert "seed-corpus: warning: no seed in" in capsys.readouterr().err
    assert run(seeds, data) == 0
    assert run(seeds, data, "--include", "reuters/*") == 1
    err = capsys.readouterr().err
    assert err.startswith("seed-corpus: not published") and "--include 'reuters/*'" in err


def test_explain_knows_the_runs_seeds_and_lists_a_containers_records(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    write_export(seeds / "export.jsonl")
    assert run(seeds, data) == 0
    capsys.readouterr()
    assert main(["explain", "--data", str(data), "--json", str(seeds / "export.jsonl"), str(seeds / FIRST)]) == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry["path"] for entry in found] == [f"export.jsonl#{n}" for n in range(1, 5)] + [FIRST]
    assert main(["explain", "--data", str(data), "nowhere.txt"]) == 1
    run_id = json.loads((data / "stats.json").read_text())["run"]
    assert f"not an input of the current run ({run_id})" in capsys.readouterr().err  # the report's run id


def _truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_damaged_work_and_published_files_are_rebuilt_never_trusted(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    first = sorted(SEEDS.iterdir())[0].read_text()
    (seeds / "copy.txt").write_text(first.replace("Thursday", "Friday"))  # a cluster for the report's cache
    assert run(seeds, data) == 0
    full = {name: (data / name).read_bytes() for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl")}
    work = data / "work"
    damaged = [*work.glob("dedup/*.clusters.jsonl"), data / "stats.json", *work.glob("runs/*.json"),
               *work.glob("finish/*/*.json")]
    assert len(damaged) >= 4
    for path in damaged:
        _truncate(path.resolve())
    assert run(seeds, data) == 0
    assert {name: (data / name).read_bytes() for name in full} == full
    assert json.loads((data / "stats.json").read_text())["kept"] == 5
    report = (data / "report.html").read_text()
    assert "Duplicate clusters (1)" in report
    (seeds / "new.txt").write_text(first.replace("Thursday", "Monday").replace("leaders", "ministers"))
    assert run(seeds, data) == 0  # and the next run goes on as usual


def test_links_inside_data_are_never_followed(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    outside = tmp_path / "outside"
    (outside / "keep" / "inner").mkdir(parents=True)
    (outside / "precious.txt").write_text("precious")
    data.mkdir()
    (data / ".lock").symlink_to(outside / "precious.txt")
    assert run(seeds, data) == 1
    assert (outside / "precious.txt").read_text() == "precious"
    assert "symbolic link" in capsys.readouterr().err
    (data / ".lock").unlink()
    assert run(seeds, data) == 0
    out = data / "work" / "out"
    shutil.rmtree(out)
    out.symlink_to(outside)
    assert run(seeds, data) == 1
    assert (outside / "keep" / "inner").is_dir() and (outside / "precious.txt").exists()


def _many_seeds(folder, copies: int) -> None:
    """`copies` distinct articles per development seed: each a seed's text with its words in another order
    per line, so that nothing is a duplicate and every one takes cleaning."""
    folder.mkdir()
    for path in sorted(SEEDS.iterdir()):
        lines = path.read_text().splitlines()
        for copy in range(copies):
            rng = random.Random(f"{path.name}{copy}")
            shuffled = [" ".join(rng.sample(line.split(), len(line.split()))) for line in lines]
            (folder / f"{copy:04d}-{path.name}").write_text("\n".join(shuffled) + "\n")


def _checkpointed(shards: Path) -> bool:
    """A shard has written seeds to its checkpoint (not only opened it): the run is part-way through it."""
    for path in shards.glob("*.partial.jsonl"):
        with contextlib.suppress(FileNotFoundError):  # a finished shard renames its checkpoint away
            if path.stat().st_size:
                return True
    return False


def test_a_terminated_run_ends_its_children_says_so_and_its_rerun_reuses_the_work(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    _many_seeds(seeds, 160)
    settings = tmp_path / "settings.toml"
    settings.write_text("shard_size = 100\n")
    def command(target):
        return [sys.executable, "-m", "pipeline", "corpus", "--seeds", str(seeds), "--data", str(target),
                "--workers", "2", "--config", str(settings)]

    started = time.monotonic()
    process = subprocess.Popen(command(data), cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    shards = data / "work" / "shards"
    while not _checkpointed(shards) and time.monotonic() - started < 60:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)  # mid-cleaning: a shard has checkpointed some of its seeds
    err = process.communicate(timeout=60)[1]
    assert process.returncode == 143, err
    said = [line for line in err.splitlines() if not line.startswith("progress: ")]
    assert len(said) == 1 and said[0].startswith("seed-corpus: stopped by SIGTERM"), err
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", str(data)], capture_output=True, text=True).stdout.split()
    assert left == [], "a child outlived the run"
    assert any(path.stat().st_size for path in shards.glob("*.partial.jsonl"))  # work kept mid-shard
    assert subprocess.run(command(data), cwd=ROOT, capture_output=True, check=False).returncode == 0  # unlocked
    full = tmp_path / "full"
    assert subprocess.run(command(full), cwd=ROOT, capture_output=True, check=False).returncode == 0
    for name in ("corpus.jsonl", "removed.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name
    assert not list(shards.glob("*.partial.jsonl"))
