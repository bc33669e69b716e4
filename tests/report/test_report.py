"""What a curator sees: the report, explain, progress, the record schema, loading with pandas, a browser."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import jsonschema
import pandas
import pytest

from pipeline.__main__ import main
from pipeline.report.pages import IndexEntry, SearchIndex
from pipeline.run import clean_stage
from pipeline.run.progress import Progress
from tests.conftest import ROOT, SEEDS
from tests.run.test_pipeline import copy_seeds, run

SCHEMA = json.loads((ROOT / "pipeline" / "corpus.schema.json").read_text())
REMOVED_SCHEMA = json.loads((ROOT / "pipeline" / "removed.schema.json").read_text())
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    seeds, data = root / "seeds", root / "data"
    shutil.copytree(SEEDS, seeds)
    edited = (SEEDS / "002_1cf83cb5bd94eb29.txt").read_text().replace("Thursday", "Wednesday")
    (seeds / "copy-of-002.txt").write_text(edited.replace("warm hospitality", "kind hospitality"))
    (seeds / "blank.txt").write_text("   \n")
    (seeds / "menu.txt").write_text("Home\nNews\nSport\nThe talks went on for hours and ended late.\nContact us\n")
    menu = "World\nBusiness\nTechnology\nScience\nHealth\n"
    article = json.loads((ROOT / "tests" / "data" / "must_not_remove.json").read_text())["articles"]["en"]
    (seeds / "sections.txt").write_text(menu + "\n\n".join(article) + "\n")
    assert main(["corpus", "--seeds", str(seeds), "--data", str(data)]) == 0
    return seeds, data


def records(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "corpus.jsonl").read_text().splitlines()]


def test_every_record_matches_the_json_schema(run_dir):
    _, data = run_dir
    for record in records(data):
        jsonschema.validate(record, SCHEMA)
    for line in (data / "removed.jsonl").read_text().splitlines():
        jsonschema.validate(json.loads(line), REMOVED_SCHEMA)


def test_removals_live_in_removed_jsonl_and_corpus_lines_count_them(run_dir):
    _, data = run_dir
    audit = {entry["id"]: entry for entry in map(json.loads, (data / "removed.jsonl").read_text().splitlines())}
    assert audit and len(audit) <= len(records(data))
    for record in records(data):
        meta = record["metadata"]
        assert "removed" not in meta
        removed = audit.get(record["id"], {"removed": []})["removed"]
        assert meta["removed_lines"] == len(removed)
        assert sum(meta["removed_by_class"].values()) == len(removed)
        assert set(meta["removed_by_class"]) == {entry["class"] for entry in removed}
        if removed:
            assert audit[record["id"]]["path"] == meta["path"]
    corpus_ids = [record["id"] for record in records(data)]
    assert [i for i in corpus_ids if i in audit] == list(audit)  # same order as the corpus


def test_corpus_loads_with_pandas(run_dir):
    _, data = run_dir
    frame = pandas.read_json(data / "corpus.jsonl", lines=True)
    assert list(frame.columns) == ["id", "text", "source", "created", "metadata"]
    assert len(frame) == len(records(data))


def test_report_shows_summary_every_removal_clusters_and_rejections(run_dir):
    _, data = run_dir
    stats = json.loads((data / "stats.json").read_text())
    index = (data / "report.html").read_text()
    for name in ("read", "kept", "duplicates", "rejected"):
        assert f"<th>{name}</th><td class=n>{stats[name]}</td>" in index
        assert f"<title>{name}: {stats[name]}</title>" in index or name == "read" or not stats[name]
    assert f"Duplicate clusters ({len({d['duplicate_of'] for d in read(data, 'duplicates.jsonl')})})" in index
    assert f"Rejected inputs ({stats['rejected']})" in index
    assert "Screen-reader and accessibility instructions." in index  # the rule table says what a rule does
    pages = "".join(p.read_text() for p in sorted((data / "report").glob("docs-*.html")))
    removed = {entry["path"]: entry["removed"] for entry in map(json.loads, (data / "removed.jsonl").open())}
    for record in records(data):
        assert f'id="{record["metadata"]["path"]}"' in pages
        for removal in removed.get(record["metadata"]["path"], []):
            assert f"<span class=\"ln\">line {removal['line'] + 1}</span><del>{html.escape(removal['text'])}" in pages
    struck = re.findall(r'<p class="removed"><span class="ln">line \d+</span><del>', pages)
    rejected_after_cleaning = re.search(r'<section class="doc" id="menu.txt">.*?</section>', pages, re.S).group(0)
    assert "Rejected: too short after cleaning" in rejected_after_cleaning
    assert "<del>Contact us</del>" in rejected_after_cleaning
    assert len(struck) == sum(map(len, removed.values())) + rejected_after_cleaning.count(
        '<p class="removed">')
    folded = re.search(r'<section class="doc" id="sections.txt">.*?</section>', pages, re.S).group(0)
    assert "<details class=\"removed\"><summary>lines 1–5: 5 lines removed" in folded
    clusters = (data / "report" / "clusters-0001.html").read_text()
    assert "copy-of-002.txt" in clusters and "similarity" in clusters
    assert {"<del>Thursday.</del>", "<ins>Wednesday.</ins>", "<del>warm</del>", "<ins>kind</ins>"} <= set(
        re.findall(r"<(?:ins|del)>[^<]*</(?:ins|del)>", clusters))
    assert "blank.txt" in (data / "report" / "rejected-0001.html").read_text()
    assert "http" not in index.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from the network
    for page in [data / "report.html", *(data / "report").iterdir()]:
        assert "None" not in page.read_text(), page.name
        if page.name != "report.html":
            assert 'href="../report.html"' in page.read_text()


def read(data: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (data / name).read_text().splitlines()]


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
    assert "ClashReport" in out and "byline-fragment (byline)" in out and "from the dateline on line 3" in out
    assert "24 lines removed" in out and "None" not in out
    main(["explain", "menu.txt", "--data", str(data)])
    out = capsys.readouterr().out
    assert "rejected (too-short): too short after cleaning" in out and "line    5  legal-links (legal)" in out
    assert "        Contact us" in out


def test_progress_prints_plain_lines_when_not_on_a_terminal(tmp_path):
    done, pending = tmp_path / "a.docs.jsonl", tmp_path / "b.docs.jsonl"
    done.write_text("")
    stream = io.StringIO()
    progress = Progress({done: (10, tmp_path / "a.progress"), pending: (30, tmp_path / "b.progress")}, stream=stream,
                        every=0.01)
    assert progress.line().startswith("shards 1/2, documents 10/40")
    (tmp_path / "b.progress").write_text("12")  # the running shard's task says how far it got
    assert progress.line().startswith("shards 1/2, documents 22/40")
    progress.start()
    pending.write_text("")
    time.sleep(0.1)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert lines and all(line.startswith("progress: shards ") for line in lines)
    assert "shards 2/2, documents 40/40" in lines[-1]


def test_a_running_shard_reports_its_seeds_as_it_cleans_them(tmp_path, monkeypatch):
    seen: list[str] = []
    real = clean_stage.clean_seed
    monkeypatch.setattr(clean_stage, "PROGRESS_EVERY", 0.0)

    def watching(seed, read, config):
        seen.extend(path.read_text() for path in (tmp_path / "data" / "work" / "shards").glob("*.progress"))
        return real(seed, read, config)

    monkeypatch.setattr(clean_stage, "clean_seed", watching)
    assert run(copy_seeds(tmp_path / "seeds"), tmp_path / "data") == 0
    assert seen[-1] == "4" and seen == sorted(seen)  # counted seed by seed while the shard was cleaned
    assert not list((tmp_path / "data" / "work" / "shards").glob("*.progress"))  # gone once it is done


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_every_kind_of_page_renders_in_headless_chromium(run_dir):
    """As a reader sees it: every page loads, the index's script lists every input, the counts shown are
    those of stats.json, and no page says "None". REPORT_SCREENSHOTS=DIR keeps the screenshots (README's)."""
    _, data = run_dir
    stats = json.loads((data / "stats.json").read_text())
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    pages = [data / "report.html", *sorted((data / "report").iterdir())]
    assert {page.name.split("-")[0] for page in pages} == {"report.html", "docs", "clusters", "rejected"}
    keep = os.environ.get("REPORT_SCREENSHOTS")
    with tempfile.TemporaryDirectory() as profile:
        def browse(*args: str) -> str:
            return subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}", *args], capture_output=True,
                                  text=True, timeout=120, check=True).stdout

        dom = {page.name: browse("--dump-dom", page.resolve().as_uri()) for page in pages}
        for page in (data / "report.html", data / "report" / "docs-0000-001.html"):
            shot = Path(keep or profile) / f"report-{page.stem.split('-')[0]}.png"
            browse(f"--screenshot={shot}", "--window-size=1100,1400", page.resolve().as_uri())
            assert shot.stat().st_size > 10_000
    for name, text in dom.items():
        assert "None" not in text, name
        assert name == "report.html" or "back to the summary" in text
    index = dom["report.html"]
    assert f"{stats['read']} inputs" in index  # the search list was built by its script, over every input
    assert "copy-of-002.txt" in index and "blank.txt" in index  # dropped and rejected inputs are found too
    for name in ("read", "kept", "duplicates", "rejected", "repaired"):
        assert f"<th>{name}</th><td class=\"n\">{stats[name]}</td>" in index
    for rule, count in stats["removed_by_rule"].items():
        assert re.search(rf"<td>{re.escape(rule)}</td><td>[^<]*</td><td>[^<]*</td><td class=\"n\">{count}</td>", index)
    assert re.search(r"<del>July 10, 2025Clash Report</del><span class=\"rule\">dateline · byline</span>",
                     dom["docs-0000-001.html"])


def test_cluster_sections_are_reused_from_the_previous_run(tmp_path, monkeypatch):
    from pipeline.report import pages

    kept = {"id": "k", "text": "one two three", "metadata": {"path": "a.txt"}}
    members = [{"path": "b.txt", "duplicate_of": "k", "similarity": 0.9, "kind": "near"}]
    copies = {"b.txt": {"id": "b", "text": "one two four",
                        "metadata": {"path": "b.txt", "format": "text", "encoding": "cp1252", "repairs": ["detected"]}}}
    drawn: list[str] = []
    real = pages._cluster
    monkeypatch.setattr(pages, "_cluster", lambda *args: drawn.append("drawn") or real(*args))
    with open(tmp_path / "first.jsonl", "w") as out:
        first = pages.Sections(None, out).get(kept, members, copies)
    with open(tmp_path / "second.jsonl", "w") as out:
        sections = pages.Sections(tmp_path / "first.jsonl", out)
        assert sections.get(kept, members, copies) == first
        changed = {"b.txt": {**copies["b.txt"], "text": "one two five"}}
        assert "<ins>five</ins>" in sections.get(kept, members, changed)
        sections.close()
    assert drawn == ["drawn", "drawn"]  # the first run, and the changed copy; the unchanged one was reused


def test_the_search_index_is_written_as_it_comes_and_reads_as_one_json_list(tmp_path):
    entries = [IndexEntry("a</script><!--.txt", None, ["menu"], "Q&A <b>", "kept"),
               IndexEntry("b.txt", "rejected-0001.html", [], None, "rejected")]
    written = SearchIndex(io.StringIO())
    for entry in entries:
        written.add(entry)
    text = "".join(written.chunks())
    assert "<" not in text and ">" not in text and "&" not in text  # nothing can close the <script> element
    assert json.loads(text) == [list(entry) for entry in entries] and written.states == {"kept", "rejected"}
    assert "".join(SearchIndex(io.StringIO()).chunks()) == "[]"
