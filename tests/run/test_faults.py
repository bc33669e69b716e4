"""Faults a nightly crawl and its machine bring, end to end: nothing lost, nothing stuck."""

from __future__ import annotations

import os
import shutil

from tests.conftest import SEEDS
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
    from tests.cleaning.test_containers import write_export

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
