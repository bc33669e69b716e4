"""The formats scrapers write: WARC crawls, JSON Lines exports and gzip-compressed pages, each record a seed
of its own (`FILE#N`), accounted for exactly once, with its URL, host, fetch date and language."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.cleaning import containers
from pipeline.run import clean_stage
from tests.conftest import SEEDS
from tests.run.test_pipeline import copy_seeds, read, run

ARTICLE = (SEEDS / "002_1cf83cb5bd94eb29.txt").read_text()
OTHER = (SEEDS / "004_e0e97464e7bacd7d.txt").read_text()
TEXTS = {language: "\n\n".join(paragraphs) + "\n" for language, paragraphs in json.loads(
    (Path(__file__).parents[1] / "data" / "must_not_remove.json").read_text(encoding="utf-8"))["articles"].items()}
GERMAN = ("Die Verhandlungen zwischen den beiden Regierungen dauerten am Donnerstag mehr als elf Stunden, und beide "
          "Seiten sprachen anschließend von den ausführlichsten Gesprächen seit dem Waffenstillstand. Der Entwurf "
          "regelt nach Angaben zweier Diplomaten den Verlauf einer Grenze, die nie förmlich festgelegt wurde.\n")


def page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


def write_warc(path: Path) -> None:
    """A crawl as warcio writes it: warcinfo, a request, responses (an article twice, a 404, an image, a
    plain-text page) and a resource record."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))

        def response(url: str, status: str, kind: str, body: bytes, date: str = "2025-07-11T08:00:00Z") -> None:
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": date}))

        request = StatusAndHeaders("GET /news/talks HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://news.example/news/talks", "request",
                                                      payload=io.BytesIO(b""), http_headers=request))
        response("https://www.news.example/news/talks", "200 OK", "text/html; charset=utf-8",
                 page("Peace talks in Abu Dhabi", ARTICLE.replace("Abu Dhabi", "Sharjah")))
        response("https://news.example/missing", "404 Not Found", "text/html", b"<html><body>Not found</body></html>")
        response("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        response("https://other.example/story.txt", "200 OK", "text/plain; charset=utf-8", TEXTS["en"].encode())
        response("https://www.news.example/news/talks#comments", "200 OK", "text/html",
                 page("Peace talks in Abu Dhabi", ARTICLE + "Editor's note: this story was updated on Friday.\n"),
                 date="2025-07-12T08:00:00Z")
        german = io.BytesIO(GERMAN.encode())
        writer.write_record(writer.create_warc_record("urn:test:german", "resource", payload=german,
                                                      warc_content_type="text/plain"))


def write_export(path: Path) -> None:
    """A JSON Lines export as Scrapy's feed exports write it, with a blank line and two bad records."""
    lines = [
        {"url": "https://feed.example/a", "title": "Leaders meet", "date": "2025-07-10T09:30:00+02:00",
         "html": page("Ignored title", TEXTS["fr"]).decode()},
        {"url": "https://feed.example/b", "text": TEXTS["es"]},
        {"url": "https://feed.example/c", "image": "c.png"},
    ]
    text = "\n".join(json.dumps(line) for line in lines[:2]) + "\n\n" + json.dumps(lines[2]) + "\n{not json\n"
    path.write_text(text)


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    seeds = copy_seeds(tmp_path / "seeds")
    write_warc(seeds / "crawl.warc.gz")
    write_export(seeds / "export.jsonl")
    (seeds / "pages").mkdir()
    (seeds / "pages" / "story.html.gz").write_bytes(gzip.compress(page("A story", TEXTS["pt"])))
    (seeds / "pages" / "note.txt.gz").write_bytes(gzip.compress(OTHER.replace("Thursday", "Friday").encode()))
    return seeds


def outputs(data: Path) -> tuple[dict, dict, dict]:
    return ({r["metadata"]["path"]: r for r in read(data, "corpus.jsonl")},
            {r["path"]: r for r in read(data, "duplicates.jsonl")},
            {r["path"]: r["reason"] for r in read(data, "rejected.jsonl")})


def test_every_record_of_every_container_is_accounted_for_once(crawl, tmp_path):
    data = tmp_path / "data"
    assert run(crawl, data) == 0
    kept, dropped, rejected = outputs(data)
    everything = [*kept, *dropped, *rejected]
    assert len(everything) == len(set(everything))
    warc = {f"crawl.warc.gz#{n}" for n in range(1, 9)}
    export = {f"export.jsonl#{n}" for n in range(1, 5)}
    seeds = {path.name for path in SEEDS.iterdir()}
    assert set(everything) == warc | export | seeds | {"pages/story.html.gz", "pages/note.txt.gz"}
    assert rejected["crawl.warc.gz#1"] == "WARC warcinfo record (not a page)"
    assert rejected["crawl.warc.gz#2"] == "WARC request record (not a page)"
    assert rejected["crawl.warc.gz#4"] == "HTTP status 404 (not a page)"
    assert rejected["crawl.warc.gz#5"] == "content type image/png (not a page)"
    assert rejected["export.jsonl#3"] == "no field with content among 'html', 'body', 'text', 'content'"
    assert rejected["export.jsonl#4"].startswith("invalid JSON")
    codes = {r["path"]: r["code"] for r in read(data, "rejected.jsonl")}
    assert codes == {"crawl.warc.gz#1": "not-a-page", "crawl.warc.gz#2": "not-a-page", "crawl.warc.gz#4": "http-status",
                     "crawl.warc.gz#5": "content-type", "export.jsonl#3": "no-text", "export.jsonl#4": "invalid-json"}
    # the same page fetched twice under one URL: an exact duplicate, the longer copy kept
    assert dropped["crawl.warc.gz#3"]["kind"] == "exact-url"
    assert dropped["crawl.warc.gz#3"]["duplicate_of"] == kept["crawl.warc.gz#7"]["id"]
    assert [r["metadata"]["path"] for r in read(data, "corpus.jsonl")] == sorted(
        kept, key=lambda path: (path.split("#")[0], int(path.split("#")[1]) if "#" in path else 0))


def test_records_carry_their_url_host_fetch_date_and_language(crawl, tmp_path):
    data = tmp_path / "data"
    assert run(crawl, data) == 0
    kept, _, _ = outputs(data)
    fetched = kept["crawl.warc.gz#7"]["metadata"]
    assert fetched["url"] == "https://www.news.example/news/talks#comments" and fetched["host"] == "news.example"
    assert fetched["fetched"] == "2025-07-12T08:00:00Z" and fetched["format"] == "html"
    assert kept["crawl.warc.gz#6"]["metadata"]["format"] == "text"
    assert kept["crawl.warc.gz#8"]["metadata"]["language"] == "de"
    exported = kept["export.jsonl#1"]
    assert exported["metadata"]["title"] == "Leaders meet" and exported["created"] == "2025-07-10"
    assert exported["metadata"]["host"] == "feed.example"
    assert exported["metadata"]["language"] == "fr" and kept["export.jsonl#2"]["metadata"]["language"] == "es"
    assert kept["pages/story.html.gz"]["metadata"]["format"] == "html"
    assert kept["pages/story.html.gz"]["metadata"]["title"] == "A story"
    assert kept["pages/story.html.gz"]["metadata"]["language"] == "pt"
    assert all(record["metadata"]["language"] and 0 < record["metadata"]["language_score"] <= 1
               for record in kept.values())
    stats = json.loads((data / "stats.json").read_text())
    assert stats["languages"]["en"] == sum(r["metadata"]["language"] == "en" for r in kept.values())
    assert stats["sites"]["news.example"]["read"] == 2 and stats["sites"]["news.example"]["duplicates"] == 1


def test_a_changed_container_recleans_only_itself_and_equals_a_full_run(crawl, tmp_path, monkeypatch):
    settings = tmp_path / "small-shards.toml"
    settings.write_text("shard_size = 3\n")
    data = tmp_path / "data"
    assert run(crawl, data, "--config", str(settings)) == 0
    cleaned: list[str] = []
    real = clean_stage.clean_seed

    def counting(seed, read_bytes, config):
        cleaned.append(seed.path)
        return real(seed, read_bytes, config)

    monkeypatch.setattr(clean_stage, "clean_seed", counting)
    with open(crawl / "export.jsonl", "a") as handle:
        handle.write(json.dumps({"url": "https://feed.example/d", "text": TEXTS["it"]}) + "\n")
    assert run(crawl, data, "--config", str(settings)) == 0
    assert "export.jsonl#5" in outputs(data)[0]
    shard_of = {entry["path"]: entry["shard"] for entry in read(data, "work/manifest.jsonl")}
    assert {shard_of[path] for path in cleaned} == {shard_of["export.jsonl"]} and "export.jsonl" in cleaned
    monkeypatch.setattr(clean_stage, "clean_seed", real)
    full = tmp_path / "full"
    assert run(crawl, full, "--config", str(settings)) == 0
    for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name


def test_containers_that_cannot_be_read_at_all_are_rejected_whole(tmp_path):
    seeds, data = copy_seeds(tmp_path / "seeds"), tmp_path / "data"
    (seeds / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (seeds / "notes.warc").write_bytes(b"this is not a WARC file at all\r\n" * 40)
    assert run(seeds, data) == 0
    _, _, rejected = outputs(data)
    assert rejected["broken.warc.gz"].startswith("corrupt gzip file")
    assert rejected["notes.warc"].startswith("not a readable WARC file")
    assert {r["code"] for r in read(data, "rejected.jsonl")} == {"damaged"}
    assert len(read(data, "corpus.jsonl")) == 5


def test_a_gzip_bomb_and_a_corrupt_gzip_are_refused():
    bomb = gzip.compress(b"a" * 2_000_000)
    with pytest.raises(containers.Unreadable, match="once decompressed"):
        list(containers.records("big.txt.gz", bomb, containers.Limits(1_000_000, 10_000_000)))
    with pytest.raises(containers.Unreadable, match="corrupt gzip"):
        list(containers.records("bad.html.gz", b"\x1f\x8b\x08\x00garbage", containers.Limits(1_000_000, 10_000_000)))


def test_a_truncated_crawl_keeps_the_records_read_before_the_damage(tmp_path, config):
    write_warc(tmp_path / "crawl.warc.gz")
    whole = gzip.decompress((tmp_path / "crawl.warc.gz").read_bytes())
    cut = whole[: whole.index(b"WARC-Type: response") + 4000]  # inside the first response's page
    lines = clean_stage.clean_seed(clean_stage.Seed("cut.warc", sha256="0"), lambda: cut, config)
    paths = [line.path for line in lines]
    assert paths[:2] == ["cut.warc#1", "cut.warc#2"] and len(paths) == len(set(paths))
    assert all(line.document is None for line in lines[:2])
