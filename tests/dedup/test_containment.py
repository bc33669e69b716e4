"""Contained copies (trimmed and embedded stories) are found; stories sharing a paragraph, and furniture, are not
merged."""

from __future__ import annotations

import random

import numpy as np

from pipeline.dedup import minhash
from pipeline.dedup.lsh_bands import bands, lsh_threshold
from pipeline.dedup.minhash import Entry, Signer, shingle_hashes, tokens

VOCABULARY = ("council budget river bridge school teacher hospital nurse farmer harvest election mayor court "
              "judge police station train tunnel winter storm energy price market trader village museum "
              "library festival team coach player match season factory worker union strike minister "
              "report study water forest fire border road bus airport flight").split()


def story(seed: int, paragraphs: int = 10) -> list[str]:
    """A story of `paragraphs` distinct paragraphs of about 40 words each."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCABULARY) for _ in range(40)) + "." for _ in range(paragraphs)]


def run(texts: dict[str, str], prose: dict[str, float] | None = None, containment: float = 0.9
        ) -> dict[str, tuple[str, str]]:
    """The dedup stage's calls: exact groups, LSH bands at the containment-aware threshold, clusters."""
    entries, sets = [], []
    for path, text in texts.items():
        words = tokens(text)
        entries.append(Entry(path, f"id-{path}", minhash.exact_key(words), len(words), None,
                             prose=(prose or {}).get(path, 1.0)))
        sets.append(shingle_hashes(words, 5, 30))
    signatures = Signer(128).sign(sets)
    dropped, representatives = minhash.representatives(entries)
    count, rows = bands(lsh_threshold(0.7, containment), 128)
    pairs = np.concatenate([np.zeros((0, 2), np.int64), *(
        minhash.band_pairs(signatures[:, k * rows:(k + 1) * rows], representatives) for k in range(count))])
    found = minhash.cluster(entries, dropped, pairs, minhash.Similarity(sets), 0.7, containment)
    return {d.path: (d.duplicate_of, d.kind) for d in found}


def test_trimmed_copies_of_half_to_three_quarters_are_contained_duplicates():
    missed = []
    for seed in range(40):
        whole = story(seed)
        keep = 5 + seed % 3  # 50%, 60% or 70% of the paragraphs, from the top as wire copies are cut
        found = run({"whole.txt": "\n".join(whole), "trimmed.txt": "\n".join(whole[:keep])})
        if found != {"trimmed.txt": ("id-whole.txt", "contained")}:
            missed.append((seed, found))
    assert not missed


def test_an_embedded_story_is_a_copy_of_the_page_that_embeds_it():
    whole, local = story(1), story(99, paragraphs=6)
    embedded = "\n".join([*local[:3], *whole, *local[3:]])  # a local intro and outro as long as 60% of the story
    assert run({"story.txt": "\n".join(whole), "local.txt": embedded}) == {"story.txt": ("id-local.txt", "contained")}
    short = "\n".join([local[0], *whole, local[1]])  # a short intro and outro: alike enough to be a near duplicate
    assert run({"story.txt": "\n".join(whole), "local.txt": short}) == {"story.txt": ("id-local.txt", "near")}


def test_stories_sharing_a_paragraph_or_a_boilerplate_one_are_never_merged():
    boilerplate = "This article was produced with support from the regional journalism fund and its partners."
    for seed in range(20):
        one, two = story(seed), story(seed + 1000)
        shared = [*two[:6], one[3]]  # a shorter story quoting one paragraph of the other
        assert run({"one.txt": "\n".join(one), "two.txt": "\n".join(shared)}) == {}
        assert run({"one.txt": "\n".join([*one, boilerplate]), "two.txt": "\n".join([*two[:5], boilerplate])}) == {}


def test_documents_that_are_mostly_furniture_absorb_nothing():
    sidebar = "\n".join(story(7, paragraphs=8))  # the same site furniture on two pages of different content
    calendar = sidebar + "\nRace calendar: round one in March, round two in April, the final in October."
    standings = sidebar + "\nStandings after round four: the champion leads by twelve points."
    texts = {"calendar.txt": calendar, "standings.txt": standings}
    assert len(run(texts)) == 1  # alike as texts ...
    assert run(texts, prose={"calendar.txt": 0.1, "standings.txt": 0.1}) == {}  # ... but neither is a story


def test_containment_off_finds_only_near_duplicates():
    whole = story(3)
    assert run({"whole.txt": "\n".join(whole), "trimmed.txt": "\n".join(whole[:6])}, containment=0.0) == {}
