"""Bad input, failed and killed runs, concurrent runs, full disks, and what a run may touch."""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.__main__ as cli
from pipeline.cleaning.clean import clean
from pipeline.documents import Document, Rejection
from pipeline.run import clean_stage, driver
from pipeline.run.tasks import WriteCorpus
from pipeline.store.publish import run_lock
from tests.conftest import ROOT, SEEDS

ARTICLE = (SEEDS / "002_1cf83cb5bd94eb29.txt").read_text()


def run(seeds: Path, data: Path, *extra: str) -> int:
    return cli.main(["corpus", "--seeds", str(seeds), "--data", str(data), *extra])


def listed(data: Path) -> tuple[dict, dict, dict]:
    def read(name: str) -> list[dict]:
        return [json.loads(line) for line in (data / name).read_text().splitlines()]

    return ({r["metadata"]["path"]: r for r in read("corpus.jsonl")}, {r["path"]: r for r in read("duplicates.jsonl")},
            {r["path"]: r["reason"] for r in read("rejected.jsonl")})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    return seeds


def test_bad_inputs_each_end_in_the_corpus_or_rejected_with_a_reason(folder, tmp_path, monkeypatch):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\t\n ")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(300))
    (folder / "archive.txt").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(300))
    (folder / "paper.txt").write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    (folder / "nul.txt").write_bytes(b"text\x00" * 50)
    (folder / "cut.txt").write_bytes(((SEEDS / "003_a4ac3e377f447296.txt").read_text() + " თბილისი").encode()[:-1])
    with open(folder / "huge.txt", "wb") as handle:  # 200 MB, sparse: never read
        handle.truncate(200_000_000)
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 5000 + f"<p>{ARTICLE}</p></body></html>")
    (folder / "unclosed.html").write_text(f"<html><body><article><p>{ARTICLE}<div><span>")
    (folder / "notext.html").write_text("<html><head><title>x</title></head><body><img src=a></body></html>")
    (folder / "chrome.txt").write_text("Home\nNews\nSign in\nSubscribe\nPrivacy Policy\n© 2024 Example\n")
    (folder / "name with spaces.txt").write_text(ARTICLE.replace("Abu Dhabi", "Baku"))
    (folder / "ünïcødé.txt").write_text(ARTICLE.replace("Thursday", "Friday and Saturday and Sunday too"))
    (folder / os.fsdecode(b"latin1-\xe9t\xe9.txt")).write_text(ARTICLE.upper()[::-1])
    (folder / "secret.txt").write_text(ARTICLE + " more")
    os.symlink(folder / "loop", folder / "loop")
    os.symlink("/etc/passwd", folder / "outside.txt")
    (folder / "dir.txt").mkdir()
    (folder / "dir.txt" / "inner.txt").write_text(ARTICLE.replace("UAE", "Emirates of the Arabian Gulf coast"))
    real_open = clean_stage.open_regular

    def guarded(path):  # as root nothing is unreadable, so refuse this one file by hand
        if str(path).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(clean_stage, "open_regular", guarded)
    data = tmp_path / "data"
    assert run(folder, data) == 0
    kept, dropped, rejected = listed(data)
    expected = {"empty.txt": "empty", "blank.txt": "empty", "image.txt": "PNG", "archive.txt": "gzip",
                "paper.txt": "PDF", "nul.txt": "NUL", "huge.txt": "max_bytes 50000000",
                "notext.html": "too short", "chrome.txt": "too short", "secret.txt": "Permission denied",
                "loop": "symbolic link", "outside.txt": "symbolic link"}
    for path, reason in expected.items():
        assert reason in rejected[path], (path, rejected.get(path))
    for path in ("cut.txt", "deep.html", "unclosed.html", "name with spaces.txt", "ünïcødé.txt", "dir.txt/inner.txt"):
        assert path in kept or path in dropped, path
    assert "truncated" in " ".join(kept["cut.txt"]["metadata"]["repairs"])
    assert "latin1-\\xe9t\\xe9.txt" in set(kept) | set(dropped) | set(rejected)
    entries = {p for p in (*kept, *dropped, *rejected)}
    assert len(entries) == len(kept) + len(dropped) + len(rejected) == 19


def test_a_seed_deleted_or_changed_during_the_run(folder, tmp_path, monkeypatch):
    for name in ("stays.txt", "goes.txt", "changes.txt"):
        (folder / name).write_text(ARTICLE.replace("Thursday", name))
    planned = driver.prepare

    def prepare_then_disturb(*args, **kwargs):
        run_id = planned(*args, **kwargs)
        (folder / "goes.txt").unlink()
        (folder / "changes.txt").write_text("rewritten after planning")
        return run_id

    monkeypatch.setattr(driver, "prepare", prepare_then_disturb)
    data = tmp_path / "data"
    assert run(folder, data) == 0
    kept, _, rejected = listed(data)
    assert "stays.txt" in kept
    assert "No such file" in rejected["goes.txt"]
    assert "changed while the run was going on" in rejected["changes.txt"]
    monkeypatch.setattr(driver, "prepare", planned)
    assert run(folder, data) == 0  # the next run takes the new state
    assert "changes.txt" in listed(data)[2] and "goes.txt" not in listed(data)[2]


def test_a_second_run_on_the_same_data_is_refused(folder, tmp_path, capsys):
    (folder / "a.txt").write_text(ARTICLE)
    data = tmp_path / "data"
    with run_lock(data):
        assert run(folder, data) == 3
    assert "another run" in capsys.readouterr().err
    assert run(folder, data) == 0


def test_a_failed_run_leaves_the_previous_corpus_untouched(folder, tmp_path, monkeypatch, capsys):
    (folder / "a.txt").write_text(ARTICLE)
    data = tmp_path / "data"
    assert run(folder, data) == 0
    before = {name: (data / name).read_bytes() for name in ("corpus.jsonl", "stats.json")}
    current = os.readlink(data / "current")
    (folder / "b.txt").write_text(ARTICLE.replace("Thursday", "Monday morning before dawn"))

    def broken(self):
        raise RuntimeError("simulated crash while writing")

    monkeypatch.setattr(WriteCorpus, "run", broken)
    assert run(folder, data) == 1
    err = capsys.readouterr().err
    assert "run failed: WriteCorpus: RuntimeError: simulated crash while writing" in err
    assert len(err.strip().splitlines()) == 1
    assert os.readlink(data / "current") == current
    assert {name: (data / name).read_bytes() for name in before} == before


def test_no_network_no_writes_outside_data(folder, tmp_path, monkeypatch):
    for path in sorted(SEEDS.iterdir()):
        shutil.copy(path, folder / path.name)
    (folder / "page.html").write_text('<html><head><link rel="stylesheet" href="http://example.com/x.css">'
                                      '<script src="http://example.com/x.js"></script></head><body><article>'
                                      f'<img src="http://example.com/a.png"><p>{ARTICLE}</p></article></body></html>')

    real_socket = socket.socket

    def local_only(family=socket.AF_INET, *args, **kwargs):  # Luigi's workers talk over AF_UNIX: fine
        if family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError("the pipeline opened a network socket")
        return real_socket(family, *args, **kwargs)

    def no_connection(*args, **kwargs):
        raise AssertionError("the pipeline opened a network connection")

    monkeypatch.setattr(socket, "socket", local_only)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.chdir(tmp_path)
    snapshot = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    outside = set(tmp_path.iterdir())
    assert run(folder, tmp_path / "data") == 0
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == snapshot
    assert set(tmp_path.iterdir()) - outside == {tmp_path / "data"}


def test_nothing_under_data_or_seeds_is_ever_unpickled_or_evaluated():
    source = "\n".join(path.read_text() for path in (ROOT / "pipeline").rglob("*.py"))
    assert "import pickle" not in source and "eval(" not in source and "exec(" not in source
    loads = re.findall(r"np\.load\([^)]*\)", source)
    assert loads and all("allow_pickle=False" in call for call in loads)


def test_seeds_and_data_that_overlap_are_refused(folder, tmp_path, capsys):
    assert run(folder, folder / "data") == 2
    assert "must not overlap" in capsys.readouterr().err
    data = tmp_path / "data"
    (data / "seeds").mkdir(parents=True)
    (data / "seeds" / ".draft.txt.tmp").write_text(ARTICLE)
    assert run(data / "seeds", data) == 2  # SEEDS inside DATA: its files would be swept as temporaries
    assert "must not overlap" in capsys.readouterr().err
    assert (data / "seeds" / ".draft.txt.tmp").exists()


def test_the_sweep_deletes_only_temporaries_the_pipeline_names(folder, tmp_path):
    (folder / "a.txt").write_text(ARTICLE)
    data = tmp_path / "data"
    (data / "work").mkdir(parents=True)
    (data / "notes.txt.tmp").write_text("mine")
    (data / ".mine.tmp").write_text("mine too")
    (data / "work" / ".corpus.jsonl.x1y2z3.seed-corpus.tmp").write_text("left by a killed run")
    assert run(folder, data) == 0
    assert (data / "notes.txt.tmp").exists() and (data / ".mine.tmp").exists()
    assert not (data / "work" / ".corpus.jsonl.x1y2z3.seed-corpus.tmp").exists()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000),
       st.sampled_from([b"", b"<html><body>", b"<!doctype html><article><p>", b"\xef\xbb\xbf", b"\xff\xfe"]))
def test_fuzz_decoding_html_and_cleaning_never_raise(config, body, prefix):
    for name in ("fuzz.html", "fuzz.txt"):
        outcome = clean(name, prefix + body, config)
        assert isinstance(outcome, Document | Rejection)


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.slow
def test_a_full_disk_fails_clearly_and_a_rerun_with_space_succeeds(folder, tmp_path, capsys):
    data = tmp_path / "data"
    if not _tmpfs(data, "3M"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        (folder / "first.txt").write_text(ARTICLE)
        assert run(folder, data) == 0
        before = (data / "corpus.jsonl").read_bytes()
        for index in range(400):
            (folder / f"{index}.txt").write_text(f"{index} " + ARTICLE.replace("the", f"the {index}") * 3)
        capsys.readouterr()
        assert run(folder, data) == 1
        assert "No space left on device" in capsys.readouterr().err
        assert (data / "corpus.jsonl").read_bytes() == before
        subprocess.run(["mount", "-o", "remount,size=200M", str(data)], check=True)
        assert run(folder, data) == 0
        assert len(listed(data)[0]) + len(listed(data)[1]) == 401
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


@pytest.mark.slow
def test_killing_the_run_at_random_points_never_corrupts_the_corpus(folder, tmp_path):
    rng = random.Random(3)
    words = ARTICLE.split()
    for index in range(3000):
        rng.shuffle(words)
        (folder / f"{index:05d}.txt").write_text(" ".join(words[:120]) + ".\n" + " ".join(words[120:240]) + ".\n")
    reference = tmp_path / "reference"
    command = [sys.executable, "-m", "pipeline", "corpus", "--seeds", str(folder), "--workers", "2"]
    subprocess.run([*command, "--data", str(reference)], check=True, capture_output=True, cwd=ROOT)
    data = tmp_path / "data"
    for delay in (0.5, 1.5, 2.5, 4.0):
        process = subprocess.Popen([*command, "--data", str(data)], cwd=ROOT, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay * rng.uniform(0.8, 1.2))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if (data / "current").exists():  # whatever is published is a complete corpus
            stats = json.loads((data / "stats.json").read_text())
            assert len((data / "corpus.jsonl").read_text().splitlines()) == stats["kept"]
    subprocess.run([*command, "--data", str(data)], check=True, capture_output=True, cwd=ROOT)
    for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (data / name).read_bytes() == (reference / name).read_bytes(), name
    assert not list(data.rglob(".*.tmp"))


def test_zero_or_negative_workers_is_a_usage_error(folder, tmp_path, capsys):
    for workers in ("0", "-3", "two"):
        with pytest.raises(SystemExit) as stop:
            run(folder, tmp_path / "data", "--workers", workers)
        assert stop.value.code == 2
    assert not (tmp_path / "data").exists()  # refused before taking the lock or writing anything


def test_explain_of_a_path_that_is_no_input_says_so_on_stderr(folder, tmp_path, capsys):
    shutil.copy(SEEDS / "001_374e80c88be559e9.txt", folder / "a.txt")
    assert run(folder, tmp_path / "data") == 0
    capsys.readouterr()
    assert cli.main(["explain", "nope.txt", "--seeds", str(folder), "--data", str(tmp_path / "data")]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "nope.txt: not an input of the current run" in err


def test_explain_into_a_closed_pipe_ends_quietly(folder, tmp_path):
    shutil.copy(SEEDS / "001_374e80c88be559e9.txt", folder / "a.txt")
    assert run(folder, tmp_path / "data") == 0
    command = [sys.executable, "-m", "pipeline", "explain", "a.txt", "--seeds", str(folder), "--data",
               str(tmp_path / "data")]
    done = subprocess.run(f"{' '.join(map(shlex.quote, command))} | head -n 1", shell=True, capture_output=True,
                          text=True, check=False, cwd=ROOT)
    assert done.stdout.startswith("seed") and "Traceback" not in done.stderr and done.stderr == ""


def test_a_seed_named_like_markup_cannot_break_the_report_index(folder, tmp_path):
    shutil.copy(SEEDS / "001_374e80c88be559e9.txt", folder / "<!--<script>.txt")
    assert run(folder, tmp_path / "data") == 0
    page = (tmp_path / "data" / "report.html").read_text()
    embedded = page.split('<script type="application/json" id="index">')[1].split("</script>")[0]
    assert "<" not in embedded and ">" not in embedded
    assert json.loads(embedded)[0][0] == "<!--<script>.txt"


def test_published_files_honour_the_umask(folder, tmp_path):
    shutil.copy(SEEDS / "001_374e80c88be559e9.txt", folder / "a.txt")
    previous = os.umask(0o022)
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline", "corpus", "--seeds", str(folder), "--data",
                               str(tmp_path / "data")], capture_output=True, text=True, check=False, cwd=ROOT)
    finally:
        os.umask(previous)
    assert done.returncode == 0, done.stderr
    for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl", "stats.json", "report.html"):
        assert (tmp_path / "data" / name).stat().st_mode & 0o777 == 0o644, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.text(max_size=5), st.one_of(st.text(), st.integers(), st.none()), max_size=4),
                max_size=6))
def test_a_jsonl_file_read_whole_gives_what_a_read_line_by_line_gives(tmp_path, records):
    from pipeline.store.files import CorruptFile, load_jsonl, read_jsonl, write_jsonl

    path = tmp_path / "records.jsonl"
    write_jsonl(path, records)  # strings with line breaks, quotes and commas among them
    assert load_jsonl(path) == load_jsonl(path, batch=2) == list(read_jsonl(path)) == records
    if records:
        path.write_text(path.read_text(encoding="utf-8")[:-2], encoding="utf-8")
        with pytest.raises(CorruptFile):
            load_jsonl(path)
