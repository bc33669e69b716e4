"""What a curator sees: the report, explain, progress, the record schema, loading with pandas, a browser."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pandas
import pytest

from pipeline.__main__ import main
from pipeline.progress import Progress
from tests.conftest import ROOT, SEEDS

SCHEMA = json.loads((ROOT / "pipeline" / "corpus.schema.json").read_text())
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    seeds, data = root / "seeds", root / "data"
    shutil.copytree(SEEDS, seeds)
    edited = (SEEDS / "002_1cf83cb5bd94eb29.txt").read_text().replace("Thursday", "Wednesday")
    (seeds / "copy-of-002.txt").write_text(edited.replace("warm hospitality", "kind hospitality"))
    (seeds / "blank.txt").write_text("   \n")
    assert main(["corpus", "--seeds", str(seeds), "--data", str(data)]) == 0
    return seeds, data


def records(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "corpus.jsonl").read_text().splitlines()]


def test_every_record_matches_the_json_schema(run_dir):
    _, data = run_dir
    for record in records(data):
        jsonschema.validate(record, SCHEMA)


def test_corpus_loads_with_pandas(run_dir):
    _, data = run_dir
    frame = pandas.read_json(data / "corpus.jsonl", lines=True)
    assert list(frame.columns) == ["id", "text", "source", "created", "metadata"]
    assert len(frame) == 5


def test_report_shows_summary_every_removal_clusters_and_rejections(run_dir):
    _, data = run_dir
    index = (data / "report.html").read_text()
    assert "<th>read</th><td>7</td>" in index and "<th>kept</th><td>5</td>" in index
    assert "Duplicate clusters (1)" in index and "Rejected inputs (1)" in index
    pages = "".join(p.read_text() for p in sorted((data / "report").glob("docs-*.html")))
    for record in records(data):
        assert f'id="{record["metadata"]["path"]}"' in pages
        for removal in record["metadata"]["removed"]:
            assert f"<del>{removal['text'][:20]}" in pages.replace("&quot;", '"').replace("&#x27;", "'")
    struck = re.findall(r'<del>.*?</del><span class="rule">([^<]+)</span>', pages)
    assert len(struck) == sum(len(r["metadata"]["removed"]) for r in records(data))
    clusters = (data / "report" / "clusters-0001.html").read_text()
    assert "copy-of-002.txt" in clusters
    assert {"<mark>Thursday.</mark>", "<mark>Wednesday.</mark>", "<mark>warm</mark>", "<mark>kind</mark>"} <= set(
        re.findall(r"<mark>[^<]*</mark>", clusters))
    assert "blank.txt" in (data / "report" / "rejected-0001.html").read_text()
    assert "http" not in index.replace("https://json", "")  # nothing fetched from the network


def test_explain_works_on_each_seed(run_dir, capsys):
    seeds, data = run_dir
    for path in sorted(seeds.iterdir()):
        assert main(["explain", str(path), "--seeds", str(seeds), "--data", str(data)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"seed      {path.name}")
    main(["explain", "copy-of-002.txt", "--data", str(data)])
    assert "near duplicate of" in capsys.readouterr().out
    main(["explain", "001_374e80c88be559e9.txt", "--data", str(data)])
    out = capsys.readouterr().out
    assert "ClashReport" in out and "byline-fragment" in out and "from dateline (line 2)" in out


def test_progress_prints_plain_lines_when_not_on_a_terminal(tmp_path):
    done, pending = tmp_path / "a.docs.jsonl", tmp_path / "b.docs.jsonl"
    done.write_text("")
    stream = io.StringIO()
    progress = Progress({done: 10, pending: 30}, stream=stream, every=0.01)
    progress.start()
    pending.write_text("")
    import time

    time.sleep(0.1)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert lines and all(line.startswith("progress: shards ") for line in lines)
    assert "shards 2/2, documents 40/40" in lines[-1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(run_dir):
    _, data = run_dir
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with tempfile.TemporaryDirectory() as profile:
        index = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}", "--dump-dom",
                                (data / "report.html").resolve().as_uri()],
                               capture_output=True, text=True, timeout=120, check=True).stdout
        page = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}", "--dump-dom",
                               (data / "report" / "docs-0000-001.html").resolve().as_uri()],
                              capture_output=True, text=True, timeout=120, check=True).stdout
        shot = Path(profile) / "report.png"
        subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}", f"--screenshot={shot}",
                        "--window-size=1100,1400", (data / "report" / "docs-0000-001.html").resolve().as_uri()],
                       capture_output=True, timeout=120, check=True)
        assert shot.stat().st_size > 10_000
    assert "7 documents" not in index and "5 documents" in index  # the search list was built by its script
    assert "001_374e80c88be559e9.txt" in index
    assert re.search(r"<del>July 10, 2025Clash Report</del><span class=\"rule\">dateline · byline</span>", page)


def test_cluster_sections_are_reused_from_the_previous_run(tmp_path, monkeypatch):
    from pipeline import report

    kept = {"id": "k", "text": "one two three", "metadata": {"path": "a.txt"}}
    members = [{"path": "b.txt", "duplicate_of": "k", "similarity": 0.9, "kind": "near"}]
    copies = {"b.txt": {"id": "b", "text": "one two four", "metadata": {"path": "b.txt"}}}
    drawn: list[str] = []
    real = report._cluster
    monkeypatch.setattr(report, "_cluster", lambda *args: drawn.append("drawn") or real(*args))
    with open(tmp_path / "first.jsonl", "w") as out:
        first = report.Sections(None, out).get(kept, members, copies)
    with open(tmp_path / "second.jsonl", "w") as out:
        sections = report.Sections(tmp_path / "first.jsonl", out)
        assert sections.get(kept, members, copies) == first
        changed = {"b.txt": {**copies["b.txt"], "text": "one two five"}}
        assert "<mark>five</mark>" in sections.get(kept, members, changed)
        sections.close()
    assert drawn == ["drawn", "drawn"]  # the first run, and the changed copy; the unchanged one was reused
