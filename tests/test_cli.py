"""The command line beyond `corpus`: a dry run (`plan`), choosing seeds by glob, `explain` of several seeds."""

from __future__ import annotations

import json

from pipeline.__main__ import main
from tests.cleaning.test_containers import write_export
from tests.run.test_pipeline import copy_seeds, read, run


def test_plan_says_what_a_run_would_do_and_does_none_of_it(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    assert main(["plan", "--seeds", str(seeds), "--data", str(data), "--json"]) == 0
    planned = json.loads(capsys.readouterr().out)
    assert len(planned["new"]) == 5 and planned["clean"] == [{"shard": 0, "seeds": 5}]
    assert not data.exists()
    assert run(seeds, data) == 0
    (seeds / "000_65b8a1f4030ecb92.txt").unlink()
    (seeds / "001_374e80c88be559e9.txt").write_text("A new text entirely.\n")
    write_export(seeds / "export.jsonl")
    capsys.readouterr()
    before = sorted(path.name for path in (data / "work").rglob("*"))
    assert main(["plan", "--seeds", str(seeds), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "5 seeds in 1 shards: 1 new, 1 changed, 1 deleted since the last run" in out
    assert "  new      export.jsonl" in out and "  deleted  000_65b8a1f4030ecb92.txt" in out
    assert "1 shard(s) to clean" in out
    assert sorted(path.name for path in (data / "work").rglob("*")) == before


def test_include_and_exclude_choose_the_seeds_of_a_run(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    (seeds / "drafts").mkdir()
    (seeds / "drafts" / "copy.txt").write_text((seeds / "002_1cf83cb5bd94eb29.txt").read_text())
    assert run(seeds, data, "--include", "00*", "--include", "drafts/*", "--exclude", "*/copy.txt",
               "--exclude", "003_*") == 0
    paths = [r["metadata"]["path"] for r in read(data, "corpus.jsonl")]
    assert paths == ["000_65b8a1f4030ecb92.txt", "001_374e80c88be559e9.txt", "002_1cf83cb5bd94eb29.txt",
                     "004_e0e97464e7bacd7d.txt"]
    assert read(data, "rejected.jsonl") == [] and read(data, "duplicates.jsonl") == []


def test_explain_several_seeds_and_records_as_json(tmp_path, capsys):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    write_export(seeds / "export.jsonl")
    assert run(seeds, data) == 0
    capsys.readouterr()
    assert main(["explain", "--seeds", str(seeds), "--data", str(data), "--json", "export.jsonl#1",
                 str(seeds / "002_1cf83cb5bd94eb29.txt"), "export.jsonl#4", "nowhere.txt"]) == 1
    captured = capsys.readouterr()
    found = [json.loads(line) for line in captured.out.splitlines()]
    assert [entry["path"] for entry in found] == ["export.jsonl#1", "002_1cf83cb5bd94eb29.txt", "export.jsonl#4"]
    assert found[0]["status"] == "kept" and found[0]["document"]["metadata"]["title"] == "Leaders meet"
    assert found[2] == {"path": "export.jsonl#4", "status": "rejected", "reason": found[2]["reason"],
                        "code": "invalid-json"}
    assert found[2]["reason"].startswith("invalid JSON")
    assert "nowhere.txt: not an input" in captured.err
    assert main(["explain", "--seeds", str(seeds), "--data", str(data), "export.jsonl#1",
                 "002_1cf83cb5bd94eb29.txt"]) == 0
    text = capsys.readouterr().out
    assert "seed      export.jsonl#1" in text and "url       https://feed.example/a" in text
    assert "\n\nseed      002_1cf83cb5bd94eb29.txt" in text and "language  en" in text
