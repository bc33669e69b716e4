"""Which copy of a story is kept, why, what it takes from its copies, and how its cluster is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.config import Config, SettingsError
from pipeline.dedup import minhash
from pipeline.dedup.minhash import Entry

PARAGRAPHS = [
    "The regional government announced on Monday that it would spend more on rural roads and bridges over the "
    "next five years, after a winter in which several villages were cut off for weeks by snow and landslides.",
    "Officials said the plan would be paid for by a new levy on heavy lorries and by money from the national "
    "budget, and that work on the most dangerous mountain passes would begin in the spring.",
    "Local mayors welcomed the announcement but warned that similar promises had been made before and never "
    "kept, and residents said they would believe it when they saw the first machines arrive in their valleys.",
    "The opposition called the levy a tax on farmers and said it would table amendments when the budget comes "
    "before parliament in the autumn, while hauliers asked for the money to go to roads they use.",
]
HEADLINE = "Government pledges billions for rural roads after winter of landslides"


def run(seeds: Path, data: Path) -> None:
    assert main(["corpus", "--seeds", str(seeds), "--data", str(data)]) == 0


def read(data: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (data / name).read_text().splitlines()]


def html_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav><article><h1>{title}"
            f"</h1>{body}</article></body></html>")


def scrape(paragraphs: list[str], chrome: int = 0, headline: str | None = None) -> str:
    menu = [f"Section {n} of the site with its own long menu label" for n in range(chrome)]
    return "\n".join([*menu, *([headline] if headline else []), *paragraphs])


def entry(path: str, words: int, **known: object) -> Entry:
    return Entry(path, f"id-{path}", path, words, None, **known)


def test_a_copy_with_lost_characters_never_beats_a_clean_one_and_a_page_beats_a_scrape():
    clean, lossy = entry("b.txt", 300), entry("a.txt", 400, lost=1)
    assert min([clean, lossy], key=minhash.priority) is clean
    assert minhash.chosen_because(clean, [lossy]) == "no replacement characters (U+FFFD)"
    page, scrape_copy = entry("z.html", 300, page=True), entry("a.txt", 900)  # 900 words: chrome and script text
    assert min([page, scrape_copy], key=minhash.priority) is page
    assert minhash.chosen_because(page, [scrape_copy]) == "a page, not a bare text scrape"


def test_the_page_is_kept_over_its_wordier_scrape_and_its_cluster_says_why(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "b-page.html").write_text(html_page(HEADLINE, PARAGRAPHS))
    (seeds / "a-scrape.txt").write_text(scrape(PARAGRAPHS, chrome=2, headline=HEADLINE))
    run(seeds, data)
    [kept] = read(data, "corpus.jsonl")
    [duplicate] = read(data, "duplicates.jsonl")
    assert kept["metadata"]["path"] == "b-page.html"
    assert duplicate["path"] == "a-scrape.txt" and duplicate["cluster"] == kept["id"]
    cluster = kept["metadata"]["cluster"]
    assert cluster["id"] == kept["id"] and cluster["size"] == 2
    assert cluster["chosen_because"] == "a page, not a bare text scrape"
    assert sum(cluster["kinds"].values()) == 1


def test_a_kept_copy_without_a_title_takes_its_copys_and_says_where_from(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text(scrape([PARAGRAPHS[0].replace("winter", "win\ufffdter"), *PARAGRAPHS[1:]],
                                        headline=HEADLINE))
    (seeds / "b.txt").write_text(scrape(PARAGRAPHS))  # clean, but no headline line
    run(seeds, data)
    [kept] = read(data, "corpus.jsonl")
    assert kept["metadata"]["path"] == "b.txt"
    assert "\ufffd" not in kept["text"]
    assert kept["metadata"]["title"] == HEADLINE
    assert kept["metadata"]["title_source"] == "copy a.txt"


def test_a_kept_copy_without_a_byline_takes_its_copys_author(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("\n".join([HEADLINE, "By Jane Doe", *PARAGRAPHS[:3],
                                            PARAGRAPHS[3].replace("autumn", "aut\ufffdmn")]))
    (seeds / "b.txt").write_text(scrape(PARAGRAPHS, headline=HEADLINE))  # clean, but no byline
    run(seeds, data)
    [kept] = read(data, "corpus.jsonl")
    assert kept["metadata"]["path"] == "b.txt"
    assert (kept["metadata"]["author"], kept["metadata"]["author_source"]) == ("Jane Doe", "copy a.txt")


def test_a_single_document_is_a_cluster_of_one(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "only.txt").write_text(scrape(PARAGRAPHS, headline=HEADLINE))
    run(seeds, data)
    [kept] = read(data, "corpus.jsonl")
    assert kept["metadata"]["cluster"] == {"id": kept["id"], "size": 1}


def test_a_better_copy_added_later_takes_over_the_cluster_as_a_full_run_would(tmp_path):
    seeds, data, full = tmp_path / "seeds", tmp_path / "data", tmp_path / "full"
    seeds.mkdir()
    (seeds / "a-scrape.txt").write_text(scrape(PARAGRAPHS, chrome=2, headline=HEADLINE))
    run(seeds, data)
    assert read(data, "corpus.jsonl")[0]["metadata"]["path"] == "a-scrape.txt"
    (seeds / "b-page.html").write_text(html_page(HEADLINE, PARAGRAPHS))
    run(seeds, data)
    run(seeds, full)
    assert read(data, "corpus.jsonl")[0]["metadata"]["path"] == "b-page.html"
    for name in ("corpus.jsonl", "duplicates.jsonl", "rejected.jsonl", "removed.jsonl"):
        assert (data / name).read_bytes() == (full / name).read_bytes(), name


def test_a_clean_page_inside_a_scrape_with_more_chrome_is_kept_over_it(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "b-page.html").write_text(html_page(HEADLINE, PARAGRAPHS))
    chrome = [f"Sponsored: {p}" for p in reversed(PARAGRAPHS[:3])]  # prose that survives cleaning: not the story
    (seeds / "a-scrape.txt").write_text(scrape([*PARAGRAPHS, *chrome], headline=HEADLINE))
    run(seeds, data)
    [kept] = read(data, "corpus.jsonl")
    [duplicate] = read(data, "duplicates.jsonl")
    assert kept["metadata"]["path"] == "b-page.html"
    assert duplicate["path"] == "a-scrape.txt"


def test_a_preference_in_the_settings_picks_the_copy_and_is_named_as_the_reason(tmp_path):
    seeds, data, settings = tmp_path / "seeds", tmp_path / "data", tmp_path / "settings.toml"
    (seeds / "wires").mkdir(parents=True)
    (seeds / "b-page.html").write_text(html_page(HEADLINE, PARAGRAPHS))
    (seeds / "wires" / "story.txt").write_text(scrape(PARAGRAPHS, headline=HEADLINE))
    settings.write_text('[dedup]\nprefer = ["folder:wires/*"]\n')
    assert main(["corpus", "--seeds", str(seeds), "--data", str(data), "--config", str(settings)]) == 0
    [kept] = read(data, "corpus.jsonl")
    assert kept["metadata"]["path"] == "wires/story.txt"
    assert kept["metadata"]["cluster"]["chosen_because"] == "the preference 'folder:wires/*'"


def test_prefer_refuses_what_it_does_not_know(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[dedup]\nprefer = ["newest"]\n')
    with pytest.raises(SettingsError, match=r"unknown preferences \['newest'\]"):
        Config.load(settings)
    settings.write_text('[dedup]\nprefer = []\n')
    assert Config.load(settings).dedup.prefer == []
