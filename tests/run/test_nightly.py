"""What a nightly job meets: an emptied SEEDS, a killed run, swapped and vanishing files, odd names, corrupt
work files, deep folders, pathological pages, bad settings, a full disk and a stray luigi.cfg. Each test runs
the command (or the stage) production runs and fails on the behaviour the pipeline had before."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline.cleaning.decode import decode
from pipeline.cleaning.html_extract import extract
from pipeline.cleaning.rules import load_markup, load_rules
from pipeline.config import Config
from pipeline.documents import Document
from pipeline.run import clean_stage, driver
from pipeline.store import manifest
from pipeline.store.manifest import Seed, discover, plan
from pipeline.store.publish import failure, run_lock
from tests.conftest import ROOT, SEEDS
from tests.run.test_reliability import listed, run

ARTICLE = (SEEDS / "002_1cf83cb5bd94eb29.txt").read_text()
STORIES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in STORIES:
        shutil.copy2(path, seeds / path.name)
    return seeds


def outputs(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl")}


# Data loss and silent wrong output


def test_an_emptied_seeds_folder_does_not_wipe_the_corpus(folder, tmp_path, capsys):
    data = tmp_path / "data"
    assert run(folder, data) == 0
    before = outputs(data)
    for path in folder.iterdir():
        path.unlink()
    capsys.readouterr()
    assert run(folder, data) == 1
    assert "would shrink from 5 to 0 documents" in capsys.readouterr().err
    assert outputs(data) == before
    assert run(folder, data, "--allow-shrink") == 0  # a deliberate shrink goes through
    assert (data / "corpus.jsonl").read_bytes() == b""


def test_a_run_whose_documents_hit_internal_errors_is_not_published(folder, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(clean_stage, "clean", broken)
    assert run(folder, data) == 1  # even the first run: nothing is better than a corpus of errors
    assert "5 of 5 documents hit an internal error" in capsys.readouterr().err
    assert not (data / "corpus.jsonl").exists()


def test_a_child_that_outlives_a_killed_run_does_not_keep_data_locked(tmp_path):
    data = tmp_path / "data"
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from pipeline.store.publish import run_lock\n"
        "with run_lock(Path(sys.argv[1])):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"  # like Luigi's completion-cache manager: inherits every descriptor
        "        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print(child, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True, text=True, cwd=ROOT)
    child = int(done.stdout)
    try:
        os.kill(child, 0)  # still alive
        with run_lock(data):
            pass
    finally:
        os.kill(child, signal.SIGKILL)


def _after_planning(monkeypatch, action) -> None:
    """Call `action` right after the command planned the run, before any task reads a seed."""
    real = driver.prepare

    def prepare(*args: object):
        planned = real(*args)
        action()
        return planned

    monkeypatch.setattr(driver, "prepare", prepare)


def test_a_seed_swapped_for_a_fifo_after_planning_is_rejected_not_waited_on(folder, tmp_path, monkeypatch):
    victim = folder / STORIES[0].name

    def swap() -> None:
        victim.unlink()
        os.mkfifo(victim)

    _after_planning(monkeypatch, swap)
    signal.alarm(60)  # a hang fails the test instead of stalling the suite
    try:
        assert run(folder, tmp_path / "data") == 0
    finally:
        signal.alarm(0)
    assert "not a regular file" in listed(tmp_path / "data")[2][victim.name]


def test_a_seed_unreadable_for_one_run_is_read_again_when_it_comes_back_unchanged(folder, tmp_path, monkeypatch):
    data = tmp_path / "data"
    victim, away = folder / STORIES[1].name, tmp_path / "away"
    _after_planning(monkeypatch, lambda: os.replace(victim, away))
    assert run(folder, data) == 0
    assert "unreadable" in listed(data)[2][victim.name]
    monkeypatch.undo()
    os.replace(away, victim)  # same size, same mtime
    assert run(folder, data) == 0
    assert victim.name in listed(data)[0]
    assert run(folder, tmp_path / "full") == 0
    assert outputs(data) == outputs(tmp_path / "full")


def test_names_that_read_alike_stay_apart(folder, tmp_path):
    raw = os.fsencode(folder) + b"/story-\xff.txt"
    with open(raw, "w", encoding="utf-8") as handle:
        handle.write(ARTICLE.replace("Abu Dhabi", "Doha"))
    (folder / "story-\\xff.txt").write_text(ARTICLE.replace("Abu Dhabi", "Muscat"))
    data = tmp_path / "data"
    assert run(folder, data) == 0
    kept, dropped, rejected = listed(data)
    paths = [*kept, *dropped, *rejected]
    assert len(paths) == len(set(paths)) == 7
    assert "story-\\xff.txt" in paths and any(p.startswith("story-\\xff.txt [raw name") for p in paths)


def test_shard_digests_cannot_be_forged_by_tabs_and_newlines_in_names():
    two = [Seed("a", 1, 1, 1, "h1", shard=0), Seed("b", 1, 1, 1, "h2", shard=0)]
    one = [Seed("a\th1\t\nb", 1, 1, 1, "h2", shard=0)]
    assert plan(two, 10, "fp")[1][0][0] != plan(one, 10, "fp")[1][0][0]
    assert manifest.content_sum(two) != manifest.content_sum(one)


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["garble", "truncate"])
def test_corrupt_work_files_are_rebuilt_not_published(folder, tmp_path, damage):
    data = tmp_path / "data"
    assert run(folder, data) == 0
    reference = outputs(data)
    work = data / "work"
    victims = [*work.glob("shards/*.docs.jsonl"), *work.glob("shards/*.sigs.npy"), *work.glob("parts/*.corpus.jsonl")]
    assert len(victims) == 3
    for victim in victims:
        if damage == "garble":
            _garble(victim)
        else:
            victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    shutil.rmtree(work / "out")  # the run must read its work files again
    shutil.rmtree(work / "finish")
    for path in (*work.glob("dedup/*.reps.npy"),):
        path.unlink()
    assert run(folder, data) == 0
    assert outputs(data) == reference
    assert run(folder, data) == 0  # and the next run trusts what was rebuilt


def test_a_rerun_with_nothing_new_verifies_the_published_files(folder, tmp_path):
    data = tmp_path / "data"
    assert run(folder, data) == 0
    reference = outputs(data)
    _garble((data / "corpus.jsonl").resolve())
    assert run(folder, data) == 0
    assert outputs(data) == reference


# Stops, hangs and tracebacks


def test_deep_and_long_folders_become_rejections(tmp_path):
    root = tmp_path / "seeds"
    root.mkdir()
    fd = os.open(root, os.O_RDONLY)
    for _ in range(1200):  # one folder at a time: pathlib itself recurses
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    with open(os.open("story.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as handle:
        handle.write(ARTICLE)
    os.close(fd)
    fd = os.open(root, os.O_RDONLY)
    try:  # a path longer than PATH_MAX, made one folder at a time
        for _ in range(25):
            os.mkdir("x" * 250, dir_fd=fd)
            inner = os.open("x" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("far.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as handle:
            handle.write(ARTICLE)
    finally:
        os.close(fd)
    try:
        found = {path: reason for path, _, reason in discover(root)}
    finally:  # rm walks any depth; pytest's own clean-up (shutil.rmtree) would recurse past Python's limit
        subprocess.run(["rm", "-rf", str(root)], check=True)
    assert found["d/" * 1200 + "story.txt"] is None  # no RecursionError: read like any other seed
    assert any(reason and reason[0] == "unreadable" and "too long" in reason[1] for reason in found.values())


def test_a_folder_without_search_permission_becomes_rejections(tmp_path):
    base = tmp_path / "seeds"
    (base / "locked").mkdir(parents=True)
    (base / "open.txt").write_text(ARTICLE)
    (base / "locked" / "inside.txt").write_text(ARTICLE)
    os.chmod(base / "locked", 0o444)  # r--: names can be listed, nothing inside can be opened or stat'ed
    script = "import sys, json; from pipeline.store.manifest import discover; " \
             "print(json.dumps([[p, r] for p, _, r in discover(sys.argv[1])]))"
    # Root ignores permissions: without the capabilities that let it, it meets them like anyone.
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
            "-dac_override,-dac_read_search"] if os.getuid() == 0 else []
    try:
        done = subprocess.run([*drop, sys.executable, "-c", script, str(base)], capture_output=True, text=True,
                              cwd=ROOT, check=True)
    finally:
        os.chmod(base / "locked", 0o755)
    found = dict(json.loads(done.stdout))
    assert found["open.txt"] is None
    assert found["locked/inside.txt"] == ["unreadable", "unreadable: Permission denied"]


def _seconds(markup: str) -> float:
    started = time.perf_counter()
    extract(markup, load_markup(Config.load().rules))
    return time.perf_counter() - started


def test_html_extraction_is_linear_in_nesting_depth():
    def page(depth: int) -> str:
        return "<html><body>" + "<div><span>" * depth + f"<p>{ARTICLE}</p></body></html>"

    small, large = _seconds(page(2_000)), _seconds(page(16_000))
    assert large < 20, large  # quadratic: about a minute for 8,000
    assert large < 8 * 3 * small + 0.5, (small, large)  # 8x the size: linear time with slack, not 64x


def test_a_title_of_many_spaces_takes_no_time():
    spaces = "<html><head><title>A" + " " * 100_000 + "x</title></head><body><p>" + ARTICLE + "</p></body></html>"
    assert _seconds(spaces) < 2  # the title suffix pattern backtracked over every space: about a minute


def test_a_pathological_user_rule_is_refused_when_the_rules_are_loaded(folder, tmp_path, config, capsys):
    rules = tmp_path / "rules.toml"
    rules.write_text(Path(config.rules).read_text() + (
        '\n[[rule]]\nname = "catastrophic"\ndescription = "A user rule that backtracks."\nclass = "promo"\n'
        "action = \"drop\"\npatterns = ['^(\\w+\\s?)+$']\n"))
    settings = tmp_path / "settings.toml"
    settings.write_text(f"rules = {str(rules)!r}\n")
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"'catastrophic'.*backtracks catastrophically"):
        load_rules(str(rules))
    assert time.perf_counter() - started < 5
    assert run(folder, tmp_path / "data", "--config", str(settings)) == 2
    assert "'catastrophic'" in capsys.readouterr().err and not (tmp_path / "data" / "corpus.jsonl").exists()


def test_a_rules_file_that_is_not_toml_is_named(folder, tmp_path, capsys):
    rules, settings = tmp_path / "rules.toml", tmp_path / "settings.toml"
    rules.write_text("[[rule]\nname = \n")
    settings.write_text(f"rules = {str(rules)!r}\n")
    assert run(folder, tmp_path / "data", "--config", str(settings)) == 2
    assert f"rules file {rules} cannot be read as TOML" in capsys.readouterr().err


def test_time_outs_count_for_the_publish_guard(folder, tmp_path, monkeypatch, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text("time_budget = 0.1\n")
    monkeypatch.setattr(clean_stage, "clean", lambda *args: time.sleep(3))
    assert run(folder, tmp_path / "data", "--config", str(settings)) == 1  # a first run: nothing published
    assert "5 of 5 documents hit an internal error or the time budget" in capsys.readouterr().err
    assert not (tmp_path / "data" / "corpus.jsonl").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("shard_sise = 10\n", "unknown setting 'shard_sise'"),
    ("[quality]\nprose_min_word = 3\n", "unknown setting 'quality.prose_min_word'"),
    ('shard_size = "ten"\n', "'shard_size' must be int"),
    ("shard_size = 0\n", "'shard_size' must be at least 1"),
    ("min_words = 0\n", "'min_words' must be at least 1"),
    ("[dedup]\nthreshold = 0\n", "'dedup.threshold' must be between"),
    ("[dedup]\nthreshold = 7\n", "'dedup.threshold' must be between"),
    ("[dedup]\nthreshold = true\n", "'dedup.threshold' must be float"),
    ("quality = 3\n", "'quality' must be a table"),
    ("shard_size = \n", "cannot read settings"),
])
def test_bad_settings_are_refused_in_one_line_naming_file_and_key(folder, tmp_path, capsys, text, message):
    settings = tmp_path / "my.toml"
    settings.write_text(text)
    assert run(folder, tmp_path / "data", "--config", str(settings)) == 2
    err = capsys.readouterr().err
    assert message in err and str(settings) in err and err.count("\n") == 1, err


def test_a_missing_settings_file_is_a_usage_error(folder, tmp_path, capsys):
    assert run(folder, tmp_path / "data", "--config", str(tmp_path / "nowhere.toml")) == 2
    assert "nowhere.toml: settings file not found" in capsys.readouterr().err


def test_a_full_disk_is_named_whatever_the_error_looks_like(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device")
    assert failure(full, tmp_path).startswith("No space left on device")
    assert failure(RuntimeError(), tmp_path) == "RuntimeError"  # never an empty reason
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.getuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(disk)],
                                          capture_output=True, check=False).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        with pytest.raises(OSError) as raised, open(disk / "big.npy", "wb") as handle:
            np.save(handle, np.zeros(1 << 20))  # 8 MB into 1 MB
        assert failure(raised.value, disk).startswith("No space left on device"), raised.value
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_failed_run_prints_one_line_and_no_traceback(folder, tmp_path, monkeypatch, capsys):
    from pipeline.run import merge

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "")

    monkeypatch.setattr(merge, "merge_parts", full)
    assert run(folder, tmp_path / "data") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "No space left on device" in err
    assert "Traceback" in (tmp_path / "data" / "work" / "failed.txt").read_text()


# Security and operations


def test_a_luigi_cfg_in_the_working_directory_is_not_read(folder, tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "evil.ini").write_text(
        "[loggers]\nkeys=root\n[handlers]\nkeys=h\n[formatters]\nkeys=\n[logger_root]\nhandlers=h\n"
        f"[handler_h]\nclass=StreamHandler\nargs=(open({str(marker)!r}, 'w'),)\n")
    (tmp_path / "luigi.cfg").write_text(f"[core]\nlogging_conf_file = {tmp_path / 'evil.ini'}\n")
    (tmp_path / "client.cfg").write_text("[scheduler]\nretry_count = 9\n")
    done = subprocess.run([sys.executable, "-m", "pipeline", "corpus", "--seeds", str(folder), "--data",
                           str(tmp_path / "data")], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text(folder, tmp_path, codec, config):
    decoded = decode(ARTICLE.encode(codec))
    assert decoded.text == ARTICLE and decoded.encoding == codec
    russian = "Москва, 3 марта. Погода в столице останется тёплой до конца недели, сообщили синоптики.\n" * 5
    assert decode(russian.encode(codec)).text == russian
    with pytest.raises(ValueError, match="NUL"):
        decode(b"text\x00" * 50)  # NULs on both sides of the byte pairs: binary
    (folder / "wide.txt").write_bytes(ARTICLE.replace("Abu Dhabi", "Sharjah").encode(codec))
    data = tmp_path / "data"
    assert run(folder, data) == 0
    kept, dropped, _ = listed(data)
    assert "wide.txt" in kept or "wide.txt" in dropped
    [line] = clean_stage.clean_seed(Seed("w.txt", sha256="0"), lambda: ARTICLE.encode(codec), config)
    assert isinstance(line.document, Document)
