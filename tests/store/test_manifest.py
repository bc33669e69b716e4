"""Discovery, the manifest and the shard plan: seeds keep their shard, new seeds go to the newest ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.store.files import read_ahead
from pipeline.store.manifest import Seed, content_id, content_sum, plan, read_manifest, scan, write_manifest


def seeds_in(folder: Path, names: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(f"text of {name}\n")


def test_new_seeds_fill_the_newest_shard_then_new_even_shards(tmp_path):
    folder, manifest = tmp_path / "seeds", tmp_path / "manifest.jsonl"
    seeds_in(folder, ["a", "b", "c"])
    placed, shards = plan(scan(folder, [], 1000), 2, "fp")
    assert {seed.path: seed.shard for seed in placed} == {"a": 0, "b": 0, "c": 1}
    write_manifest(manifest, placed, [])
    seeds_in(folder, ["0", "d", "e", "f", "g"])  # "0" sorts before every old seed
    earlier = read_manifest(manifest)
    placed, again = plan(scan(folder, earlier, 1000), 2, "fp")
    shard_of = {seed.path: seed.shard for seed in placed}
    assert [shard_of[name] for name in "abc"] == [0, 0, 1]  # old seeds stay where they were
    assert shard_of["0"] == 1  # the newest shard had room for one
    assert sorted(shard_of[name] for name in "defg") == [2, 2, 3, 3]
    assert again[0] == shards[0]  # an untouched shard keeps its digest: its outputs are reused
    assert again[1][0] != shards[1][0]


def test_many_new_shards_come_in_a_multiple_of_four():
    def new(count: int) -> list[Seed]:
        return [Seed(f"{i:03d}", sha256="h") for i in range(count)]

    _, shards = plan(new(100), 20, "fp")  # 5 shards of 20 would leave two workers one shard to clean alone
    assert [len(members) for _, members in shards.values()] == [13, 12, 13, 12, 13, 12, 13, 12]
    _, shards = plan(new(60), 20, "fp")
    assert [len(members) for _, members in shards.values()] == [20, 20, 20]


def test_the_manifest_is_left_alone_when_nothing_changed(tmp_path):
    folder, manifest = tmp_path / "seeds", tmp_path / "manifest.jsonl"
    seeds_in(folder, ["a", "b"])
    placed, _ = plan(scan(folder, [], 1000), 2, "fp")
    write_manifest(manifest, placed, [])
    written = manifest.stat().st_mtime_ns
    earlier = read_manifest(manifest)
    placed_again, _ = plan(scan(folder, earlier, 1000), 2, "fp")
    write_manifest(manifest, placed_again, earlier)
    assert manifest.stat().st_mtime_ns == written
    assert placed_again == placed


def test_the_run_content_does_not_depend_on_the_shards():
    a, b = Seed("a", sha256="1", shard=0), Seed("b", sha256="2", shard=0)
    whole = content_sum([a, b])
    assert (content_sum([a]) + content_sum([b])) % 2**64 == whole  # shards' sums add up to the run's
    assert content_id(whole, 2, "fp") != content_id(content_sum([a]), 1, "fp")
    assert content_sum([Seed("a", sha256="3"), b]) != whole  # a seed's content counts
    assert content_id(whole, 2, "fp") != content_id(whole, 2, "fp2")


def test_the_scan_reads_no_seed(tmp_path, monkeypatch):
    folder = tmp_path / "seeds"
    seeds_in(folder, ["a", "b"])
    (folder / "b").chmod(0)  # unreadable: the scan does not notice, the shard's task will
    monkeypatch.setattr("builtins.open", lambda *args, **kwargs: pytest.fail("the scan opened a file"))
    found = scan(folder, [], 1000)
    assert [(seed.path, seed.sha256, seed.rejected) for seed in found] == [("a", None, None), ("b", None, None)]


def test_the_manifest_learns_hashes_and_counts_retries(tmp_path):
    folder, manifest = tmp_path / "seeds", tmp_path / "manifest.jsonl"
    seeds_in(folder, ["a", "b"])
    placed, _ = plan(scan(folder, [], 1000), 2, "fp")
    write_manifest(manifest, placed, [], {"a": "hash-of-a"}, {"b"})
    again = {seed.path: seed for seed in scan(folder, read_manifest(manifest), 1000)}
    assert again["a"].sha256 == "hash-of-a" and again["a"].retry is None
    assert again["b"].sha256 is None and again["b"].retry == 1
    (folder / "a").write_text("changed and longer\n")
    assert scan(folder, read_manifest(manifest), 1000)[0].sha256 is None  # to be hashed again


def test_read_ahead_yields_in_order_after_hinting_each_file_once(tmp_path):
    files = [tmp_path / f"{i}.txt" for i in range(10)]
    for file in files:
        file.write_text("x")
    hinted: list[int] = []
    seen = []
    for item in read_ahead(list(range(10)), lambda i: hinted.append(i) or (files[i] if i != 3 else None), window=4):
        assert item in hinted  # its file was hinted before the item comes up
        seen.append(item)
    assert seen == list(range(10)) and sorted(hinted) == list(range(10))
