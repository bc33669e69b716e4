"""What a nightly crawl brings into containers: one bad record costs that record, never the ones after it;
a crawl's records are streamed within a byte budget; strings that cannot be written are mended; exports
name their fields as scrapers do."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.cleaning import containers
from pipeline.cleaning.clean import clean
from pipeline.cleaning.urls import same_page
from pipeline.config import Config
from pipeline.documents import Code, Document
from tests.cleaning.test_containers import ARTICLE, TEXTS, page
from tests.run.test_pipeline import read, run

LIMITS = containers.Limits(50_000_000, 1_000_000_000, ("html", "body"), ("text", "content"), ("url", "link"),
                           ("title", "headline"), ("date", "published"))


def export(*items: object) -> bytes:
    return "\n".join(item if isinstance(item, str) else json.dumps(item) for item in items).encode() + b"\n"


def test_a_bad_line_of_an_export_rejects_that_record_and_the_file_goes_on():
    deep = "[" * 100_000 + "]" * 100_000
    data = export({"text": TEXTS["en"]}, '{"text": "broken \\udc80 surrogate", "url": "\\udc80"}', deep,
                  {"text": TEXTS["fr"]}, {"text": TEXTS["es"]})
    found = list(containers.records("feed.jsonl", data, LIMITS))
    assert [record.number for record in found] == [1, 2, 3, 4, 5]
    assert found[2].code == Code.INVALID_JSON and "nested too deeply" in found[2].rejected
    assert found[1].rejected is None and "\ufffd" in found[1].data.decode() and found[1].url == "\ufffd"
    assert found[1].notes and "surrogate" in found[1].notes[0]
    assert [record.data.decode() for record in found[3:]] == [TEXTS["fr"], TEXTS["es"]]


def test_surrogates_in_an_export_are_replaced_and_recorded_in_the_document(config):
    [record] = containers.records("feed.jsonl", export(
        {"text": TEXTS["en"], "title": "Talks \ud83d", "url": "https://feed.example/a\udc80"}), LIMITS)
    document = clean("feed.jsonl#1", record.data, config, record)
    assert isinstance(document, Document)
    json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")  # writable
    assert document.metadata["title"] == "Talks \ufffd"
    assert any("surrogate" in note for note in document.metadata["repairs"])


def test_a_json_ld_headline_cut_inside_an_emoji_and_a_deep_json_ld_array_do_not_fail_the_page(config):
    body = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines() if line.strip())
    headline = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Peace talks \\ud83d"}</script>'
    deep = '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000 + "</script>"
    for extra in (headline, deep):
        document = clean("p.html", f"<html><head>{extra}</head><body>{body}</body></html>".encode(), config)
        assert isinstance(document, Document), extra[:60]
        json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")
    assert clean("p.html", f"<html><head>{headline}</head><body>{body}</body></html>".encode(),
                 config).metadata["title"] == "Peace talks \ufffd"


def test_scrapy_items_text_lists_list_titles_and_utf16_exports_are_read():
    items = [{"url": "https://a.example/1", "body": page("A", TEXTS["en"]).decode()},
             {"link": "https://a.example/2", "content": TEXTS["fr"].split("\n\n"), "headline": ["Le titre", "Site"]},
             {"text": TEXTS["es"], "published": "2025-07-10"}]
    data = "\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n"
    for encoded in (data.encode("utf-8"), "\ufeff".encode("utf-16-le") + data.encode("utf-16-le"),
                    data.encode("utf-16")):
        found = list(containers.records("feed.jsonl", encoded, LIMITS))
        assert len(found) == 3 and all(record.rejected is None for record in found)
        assert (found[0].kind, found[0].url) == ("html", "https://a.example/1")
        assert found[1].url == "https://a.example/2" and found[1].title == "Le titre"
        assert found[1].data.decode() == "\n\n".join(TEXTS["fr"].split("\n\n"))
        assert found[2].date == "2025-07-10"


def _warc(payloads: list[bytes], encoding: str = "gzip") -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for number, payload in enumerate(payloads):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain"), ("Content-Encoding", encoding)],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://a.example/{number}", "response",
                                                      payload=io.BytesIO(payload), http_headers=headers))
    return out.getvalue()


def _peak(crawl: bytes, limits: containers.Limits) -> tuple[list, int]:
    """The records' numbers and codes, and the peak of memory allocated while reading them one by one."""
    tracemalloc.start()
    outcomes = [(record.number, record.code) for record in containers.records("c.warc", crawl, limits)]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcomes, peak


def test_a_crawl_is_streamed_within_its_byte_budget():
    inflated = ((ARTICLE + "\n") * (2_000_000 // len(ARTICLE))).encode()  # ~2 MB of text a record
    roomy = containers.Limits(5_000_000, 1_000_000_000)
    _, four = _peak(_warc([gzip.compress(inflated)] * 4), roomy)
    _, twelve = _peak(_warc([gzip.compress(inflated)] * 12), roomy)
    assert twelve < 1.5 * four  # one record's content at a time: memory does not grow with the records
    outcomes, _ = _peak(_warc([gzip.compress(inflated)] * 12), containers.Limits(5_000_000, 9_000_000))
    assert [number for number, _ in outcomes] == list(range(1, 13))
    assert [code for _, code in outcomes[:4]] == [None] * 4
    assert {code for _, code in outcomes[5:]} == {Code.TOO_LARGE}  # past the budget: rejected unread


def test_an_unsupported_content_encoding_is_named():
    [record] = containers.records("c.warc", _warc([b"\x8b\x03\x80compressed"], encoding="br"), LIMITS)
    assert record.code == Code.CONTENT_ENCODING and record.rejected == "content encoding br not supported"


def test_nan_and_infinite_settings_are_refused(tmp_path):
    for text in ("[publish]\nmax_shrink = nan\n", "[dedup]\nthreshold = nan\n", "time_budget = inf\n"):
        override = tmp_path / "s.toml"
        override.write_text(text)
        try:
            Config.load(override)
        except ValueError as err:
            assert "finite" in str(err)
        else:
            raise AssertionError(f"accepted {text!r}")


def test_placeholder_and_home_page_urls_name_no_page():
    for url in ("about:blank", "N/A", "urn:uuid:1", "https://site.example/", "https://www.site.example",
                "", "http://[::1"):
        assert same_page(url) is None, url
    assert same_page("HTTPS://Site.example/a/#top") == same_page("https://site.example/a") == "https://site.example/a"
    assert same_page("https://site.example/?p=12") == "https://site.example?p=12"


def test_unrelated_records_sharing_a_placeholder_url_are_all_kept(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    items = [{"url": url, "text": TEXTS[language]} for url, language in
             (("about:blank", "en"), ("about:blank", "fr"), ("N/A", "es"), ("N/A", "de"),
              ("https://feed.example/", "it"), ("https://feed.example/", "ru"))]
    (seeds / "feed.jsonl").write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n")
    assert run(seeds, tmp_path / "data") == 0
    assert read(tmp_path / "data", "duplicates.jsonl") == []
    assert len(read(tmp_path / "data", "corpus.jsonl")) == 6
