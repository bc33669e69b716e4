"""End to end through Luigi on temporary folders: the output contract, reruns, incremental runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import luigi

import pipeline
from pipeline.__main__ import main
from pipeline.run.tasks import CleanShard
from pipeline.store.files import read_jsonl
from tests.conftest import ROOT, SEEDS

OUTPUTS = ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl")
CLEANED: list[str] = []


@CleanShard.event_handler(luigi.Event.SUCCESS)
def _count_cleaning(task: CleanShard) -> None:
    CLEANED.append(task.task_id)


def run(seeds: Path, data: Path, *extra: str) -> int:
    return main(["corpus", "--seeds", str(seeds), "--data", str(data), *extra])


def read(data: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (data / name).read_text().splitlines()]


def copy_seeds(target: Path, names: list[str] | None = None) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(SEEDS.iterdir()):
        if names is None or path.name in names:
            shutil.copy(path, target / path.name)
    return target


def test_five_seeds_make_five_documents_in_dolma_style(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    corpus = read(data, "corpus.jsonl")
    assert len(corpus) == 5
    assert read(data, "duplicates.jsonl") == [] and read(data, "rejected.jsonl") == []
    for record in corpus:
        assert list(record) == ["id", "text", "source", "created", "metadata"]
        assert record["metadata"]["path"] in {p.name for p in SEEDS.iterdir()}
        assert "title" in record["metadata"] and isinstance(record["metadata"]["removed_lines"], int)
        assert record["created"] is None or len(record["created"]) == 10
    assert [r["metadata"]["path"] for r in corpus] == sorted(r["metadata"]["path"] for r in corpus)
    stats = json.loads((data / "stats.json").read_text())
    assert (stats["read"], stats["kept"], stats["duplicates"], stats["rejected"]) == (5, 5, 0, 0)


def test_every_input_appears_exactly_once(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    first = sorted(SEEDS.iterdir())[0]
    (seeds / "copy.txt").write_bytes(first.read_bytes())
    edited = first.read_text().replace("constructive", "productive").replace("Thursday", "Wednesday")
    (seeds / "nested").mkdir()
    (seeds / "nested" / "edited.txt").write_text(edited)
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (seeds / "menu.txt").write_text("Home\nNews\nSport\nWeather\nContact\n")
    assert run(seeds, data) == 0
    kept = {r["metadata"]["path"] for r in read(data, "corpus.jsonl")}
    dropped = {r["path"]: r for r in read(data, "duplicates.jsonl")}
    rejected = {r["path"]: r["reason"] for r in read(data, "rejected.jsonl")}
    inputs = {str(p.relative_to(seeds)) for p in seeds.rglob("*") if p.is_file()}
    assert kept | set(dropped) | set(rejected) == inputs
    assert len(kept) + len(dropped) + len(rejected) == len(inputs)
    ids = {r["id"] for r in read(data, "corpus.jsonl")}
    assert {d["duplicate_of"] for d in dropped.values()} <= ids
    kinds = {d["kind"] for d in dropped.values()}
    assert kinds == {"exact", "near"} and all(0.7 <= d["similarity"] <= 1 for d in dropped.values())
    assert "empty" in rejected["empty.txt"] and "PNG" in rejected["image.txt"]
    assert "menu.txt" in rejected
    codes = {r["path"]: r["code"] for r in read(data, "rejected.jsonl")}
    assert codes == {"empty.txt": "empty", "image.txt": "binary", "menu.txt": "too-short"}


def test_rerun_with_nothing_new_does_no_cleaning(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    before = (data / "corpus.jsonl").read_bytes()
    CLEANED.clear()
    assert run(seeds, data) == 0
    assert CLEANED == []
    assert (data / "corpus.jsonl").read_bytes() == before


def test_a_rerun_with_nothing_new_does_not_load_luigi_and_a_missing_report_is_built_again(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    probe = ("import sys; from pipeline.__main__ import main; "
             f"code = main(['corpus', '--seeds', {str(seeds)!r}, '--data', {str(data)!r}]); "
             "print(code, 'luigi' in sys.modules)")
    rerun = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert rerun.stdout.split()[-2:] == ["0", "False"]
    report = (data / "report.html").resolve()
    report.unlink()  # the run is no longer whole: the graph is built again, and only the report rewritten
    assert run(seeds, data) == 0
    assert report.exists()


def test_a_seed_touched_but_not_changed_is_hashed_again_not_cleaned_again(tmp_path, monkeypatch):
    import pipeline.run.clean_stage as shard

    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    before = {name: (data / name).read_bytes() for name in (*OUTPUTS, "stats.json")}
    learnt = {row["path"]: row.get("sha256") for row in read_jsonl(data / "work" / "manifest.jsonl")}
    assert all(learnt.values())  # the shards' tasks hashed what the scan did not read
    touched = sorted(seeds.iterdir())[0]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    cleaned: list[str] = []
    real = shard.clean_seed
    monkeypatch.setattr(shard, "clean_seed", lambda seed, *args: cleaned.append(seed.path) or real(seed, *args))
    CLEANED.clear()
    assert run(seeds, data) == 0
    assert len(CLEANED) == 1 and cleaned == []  # its shard read it again and found the bytes it had cleaned
    assert {name: (data / name).read_bytes() for name in before} == before


def test_adding_seeds_gives_the_corpus_of_one_full_run(tmp_path):
    names = sorted(p.name for p in SEEDS.iterdir())
    seeds, data = copy_seeds(tmp_path / "seeds", names[:2]), tmp_path / "data"
    assert run(seeds, data) == 0
    copy_seeds(seeds, names[2:4])
    (seeds / "dup.txt").write_bytes((SEEDS / names[0]).read_bytes())
    assert run(seeds, data) == 0
    CLEANED.clear()
    copy_seeds(seeds, names[4:])
    assert run(seeds, data) == 0
    assert len(CLEANED) == 1  # only the shard that holds the new seed
    full = tmp_path / "full"
    assert run(seeds, full) == 0
    for name in (*OUTPUTS, "stats.json"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name


def test_changed_settings_rerun_the_shards(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    override = tmp_path / "settings.toml"
    override.write_text("min_words = 400\n")
    CLEANED.clear()
    assert run(seeds, data, "--config", str(override)) == 0
    assert CLEANED
    rejected = read(data, "rejected.jsonl")
    assert rejected and all("too short" in r["reason"] for r in rejected)


def test_missing_seeds_folder_is_a_clear_error(tmp_path, capsys):
    assert run(tmp_path / "nope", tmp_path / "data") == 2
    assert "seeds folder not found" in capsys.readouterr().err


def test_command_line_prints_a_one_line_summary(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    done = subprocess.run([sys.executable, "-m", "pipeline", "corpus", "--seeds", str(seeds), "--data", str(data),
                           "--workers", "2"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("read 5, kept 5, duplicates 0, rejected 0 in ")
    assert len(done.stdout.strip().splitlines()) == 1


def test_the_installed_command_runs_and_says_its_version(tmp_path):
    command = Path(sys.executable).with_name("seed-corpus")
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.split() == ["seed-corpus", pipeline.__version__]
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    done = subprocess.run([str(command), "corpus", "--seeds", str(seeds), "--data", str(data)],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("read 5, kept 5"), done.stderr


ARTICLE = (
    "The regional government announced on Monday that it would spend more on rural roads and bridges over the "
    "next five years, after a winter in which several villages were cut off for weeks by snow and landslides.\n"
    "Officials said the plan would be paid for by a new levy on heavy lorries and by money from the national "
    "budget, and that work on the most dangerous mountain passes would begin in the spring.\n"
    "Local mayors welcomed the announcement but warned that similar promises had been made before and never "
    "kept, and residents said they would believe it when they saw the first machines arrive in their valleys.\n"
)


def test_incremental_runs_equal_a_full_run_even_when_a_new_seed_takes_over_a_cluster(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text(ARTICLE)
    (seeds / "b.txt").write_text(ARTICLE.replace("Monday", "Tuesday"))
    assert run(seeds, data) == 0
    assert [d["path"] for d in read(data, "duplicates.jsonl")] == ["b.txt"]
    longer = ARTICLE + "The ministry said a first list of roads would be published before the end of the month.\n"
    (seeds / "c.txt").write_text(longer)
    assert run(seeds, data) == 0
    kept = [r["metadata"]["path"] for r in read(data, "corpus.jsonl")]
    assert kept == ["c.txt"]
    c_id = read(data, "corpus.jsonl")[0]["id"]
    assert {d["path"]: d["duplicate_of"] for d in read(data, "duplicates.jsonl")} == {"a.txt": c_id, "b.txt": c_id}
    for name in ("z.txt", "m.txt"):
        (seeds / name).write_text(ARTICLE.replace("rural", "mountain"))
        assert run(seeds, data) == 0
    full = tmp_path / "full"
    assert run(seeds, full) == 0
    for name in (*OUTPUTS, "stats.json"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name


def test_an_unusual_share_of_duplicates_raises_the_alarm(tmp_path, capsys):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    for index in range(4):
        (seeds / f"{index}.txt").write_text(ARTICLE)
    assert run(seeds, data) == 0
    stats = json.loads((data / "stats.json").read_text())
    assert stats["alarm"] and "75%" in stats["alarm"]
    assert "ALARM" in capsys.readouterr().out


def test_a_new_seed_does_not_make_its_shard_clean_old_seeds_again(tmp_path, monkeypatch):
    import pipeline.run.clean_stage as tasks

    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    settings = tmp_path / "one-shard.toml"
    settings.write_text("shard_size = 2000\n")
    assert run(seeds, data, "--config", str(settings)) == 0
    cleaned: list[str] = []
    real = tasks.clean_seed

    def counting(seed, read, config):
        cleaned.append(seed.path)
        return real(seed, read, config)

    monkeypatch.setattr(tasks, "clean_seed", counting)
    (seeds / "new.txt").write_text(ARTICLE)
    assert run(seeds, data, "--config", str(settings)) == 0
    assert cleaned == ["new.txt"]
    full = tmp_path / "full"
    monkeypatch.setattr(tasks, "clean_seed", real)
    assert run(seeds, full, "--config", str(settings)) == 0
    assert (data / "corpus.jsonl").read_bytes() == (full / "corpus.jsonl").read_bytes()
    assert len(list((data / "work" / "shards").glob("*.docs.jsonl"))) == 1  # the old version was pruned


def test_a_rerun_cleans_and_finishes_only_the_shards_new_seeds_touched(tmp_path, monkeypatch):
    import pipeline.run.finish_stage as assemble

    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    settings = tmp_path / "small-shards.toml"
    settings.write_text("shard_size = 2\n")
    assert run(seeds, data, "--config", str(settings)) == 0  # five seeds: shards 0, 1, 2 (one seed)
    finished: list[int] = []
    real = assemble.write_part

    def counting(stem, docs, shard, *args, **kwargs):
        finished.append(shard)
        return real(stem, docs, shard, *args, **kwargs)

    monkeypatch.setattr(assemble, "write_part", counting)
    CLEANED.clear()
    (seeds / "new.txt").write_text(ARTICLE)
    assert run(seeds, data, "--config", str(settings)) == 0
    assert len(CLEANED) == 1 and finished == [2]  # the newest shard took the seed; the others reused parts
    full = tmp_path / "full"
    assert run(seeds, full, "--config", str(settings)) == 0
    for name in (*OUTPUTS, "stats.json"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name


def test_a_change_to_the_report_code_re_renders_the_report_and_re_cleans_nothing(tmp_path, monkeypatch):
    import pipeline.fingerprint as config

    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    before = {name: (data / name).read_bytes() for name in (*OUTPUTS, "stats.json")}
    report_before = (data / "report.html").resolve()
    edited = tmp_path / "code"
    shutil.copytree(ROOT / "pipeline", edited)
    with open(edited / "report" / "pages.py", "a") as handle:
        handle.write("\n# an edit to the report's code\n")
    assert config.code_digest("clean", edited) == config.code_digest("clean")
    assert config.code_digest("dedup", edited) == config.code_digest("dedup")
    assert config.code_digest("finish", edited) != config.code_digest("finish")
    monkeypatch.setattr(config, "SOURCE", edited)
    CLEANED.clear()
    assert run(seeds, data) == 0
    ran = [json.loads(line)["task"] for line in (data / "work" / "timings.jsonl").read_text().splitlines()]
    assert CLEANED == [] and "CleanShard" not in ran and "Deduplicate" not in ran
    assert "FinishShard" in ran and "WriteReport" in ran
    assert (data / "report.html").resolve() != report_before  # a new run folder with a new report
    assert {name: (data / name).read_bytes() for name in before} == before


def test_a_change_to_the_cleaning_code_re_cleans_every_shard(tmp_path, monkeypatch):
    import pipeline.fingerprint as config

    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert run(seeds, data) == 0
    edited = tmp_path / "code"
    shutil.copytree(ROOT / "pipeline", edited)
    with open(edited / "cleaning" / "text.py", "a") as handle:  # imported by the cleaning stage through several modules
        handle.write("\n# an edit to a text measure\n")
    assert config.code_digest("clean", edited) != config.code_digest("clean")
    monkeypatch.setattr(config, "SOURCE", edited)
    CLEANED.clear()
    assert run(seeds, data) == 0
    assert len(CLEANED) == 1  # the five seeds' one shard


def test_a_touched_shard_takes_its_old_documents_dedup_inputs_from_its_earlier_version(tmp_path, monkeypatch):
    import pipeline.run.clean_stage as shard
    from pipeline.cleaning.clean import clean
    from pipeline.config import Config
    from pipeline.store.paths import Layout

    config = Config.load()
    documents = [clean(path.name, path.read_bytes(), config) for path in sorted(SEEDS.iterdir())]
    layout = Layout(tmp_path)
    earlier, whole, again = (layout.shard(0, "fp", name) for name in ("earlier", "whole", "again"))
    shard.write_dedup_inputs(documents[:3], config, earlier)
    shard.write_dedup_inputs(documents, config, whole)
    tokenised: list[str] = []
    real = shard.minhash.tokens
    monkeypatch.setattr(shard.minhash, "tokens", lambda text: tokenised.append(text) or real(text))
    shard.write_dedup_inputs(documents, config, again, earlier)
    assert tokenised == [document.text for document in documents[3:]]  # the three old ones were not read again
    for kind in ("sigs.npy", "shingles.npy", "lines.npy", "keys.jsonl"):
        assert again[kind].read_bytes() == whole[kind].read_bytes(), kind


def test_the_corpus_and_the_report_are_written_side_by_side():
    from pipeline.run.tasks import Run, WriteCorpus, WriteReport

    plan = {"config": "c", "dedup": "d", "bands": 2, "shards": [[0, "a"], [1, "b"]]}
    run_task = Run(data="data", seeds="seeds", run_id="r", plan=plan)
    assert {type(task) for task in luigi.task.flatten(run_task.requires())} == {WriteCorpus, WriteReport}
    report_needs = {type(task).__name__ for task in luigi.task.flatten(run_task.requires()[1].requires())}
    assert report_needs == {"Deduplicate", "FinishShard"}  # not the corpus: neither waits for the other
