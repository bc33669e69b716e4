"""Signatures, banding, exact and near duplicates, no chaining, order independence."""

from __future__ import annotations

import random

import numpy as np
import xxhash
from datasketch import MinHash

from pipeline.dedup import minhash
from pipeline.dedup.lsh_bands import bands
from pipeline.dedup.minhash import Entry, Signer, shingle_hash, shingle_hashes, tokens, word_hashes

ARTICLE = (
    "The regional government announced on Monday that it would spend more on rural roads and bridges over the "
    "next five years, after a winter in which several villages were cut off for weeks by snow and landslides. "
    "Officials said the plan would be paid for by a new levy on heavy lorries and by money from the national "
    "budget, and that work on the most dangerous mountain passes would begin in the spring. Local mayors "
    "welcomed the announcement but warned that similar promises had been made before and never kept, and "
    "residents said they would believe it when they saw the first machines arrive in their valleys."
)


def signature_of(text: str, signer: Signer) -> np.ndarray:
    return signer.sign([shingle_hashes(tokens(text), 5, 30)])[0]


def edit(text: str, share: float, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split()
    for index in rng.sample(range(len(words)), int(len(words) * share)):
        words[index] = "changed"
    return " ".join(words)


def find(entries: list[Entry], signatures: np.ndarray, sets: list[np.ndarray], threshold: float = 0.7,
         shuffle: int | None = None) -> list[minhash.Duplicate]:
    """The calls the dedup stage makes: exact groups, each band's pairs (in any order), confirmed clusters."""
    dropped, representatives = minhash.representatives(entries)
    count, rows = bands(threshold, signatures.shape[1])
    found = [minhash.band_pairs(signatures[:, k * rows : (k + 1) * rows], representatives) for k in range(count)]
    pairs = np.concatenate([np.zeros((0, 2), np.int64), *found])
    if shuffle is not None:
        pairs = np.random.default_rng(shuffle).permutation(pairs)
    return minhash.cluster(entries, dropped, pairs, minhash.Similarity(sets), threshold)


def run(texts: dict[str, str], threshold: float = 0.7, created: dict | None = None,
        shuffle: int | None = None) -> dict[str, tuple[str, str]]:
    signer = Signer(128)
    entries, sets = [], []
    for path, text in texts.items():
        words = tokens(text)
        entries.append(Entry(path, f"id-{path}", minhash.exact_key(words), len(words), (created or {}).get(path)))
        sets.append(shingle_hashes(words, 5, 30))
    found = find(entries, signer.sign(sets), sets, threshold, shuffle)
    return {d.path: (d.duplicate_of, d.kind) for d in found}


def test_signatures_equal_datasketch_update_batch():
    hashes = shingle_hashes(tokens(ARTICLE), 5, 30)
    reference = MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=int)
    reference.update_batch([int(h) for h in hashes])
    ours = Signer(128).sign([hashes])[0]
    assert np.array_equal(ours, reference.hashvalues)
    assert minhash.lean(ours).jaccard(reference) == 1.0


def test_shingle_hashes_are_word_ngram_hashes():
    words = tokens(ARTICLE)
    expected = {shingle_hash(" ".join(words[i : i + 5])) for i in range(len(words) - 4)}
    assert set(shingle_hashes(words, 5, 30).tolist()) == expected
    assert int(word_hashes(["peace"])[0]) == xxhash.xxh32_intdigest(b"peace")


def test_empty_document_gets_the_empty_signature():
    assert (Signer(16).sign([np.array([], dtype=np.uint32)])[0] == np.iinfo(np.uint32).max).all()


def test_bands_reach_recall_at_the_threshold():
    for threshold in (0.5, 0.7, 0.8, 0.9):
        count, rows = bands(threshold, 128)
        assert count * rows <= 128
        assert 1 - (1 - threshold**rows) ** count >= 0.95
        assert 1 - (1 - threshold ** (rows + 1)) ** (128 // (rows + 1)) < 0.95  # the most selective that does


def test_normalisation_folds_case_digits_and_punctuation():
    assert tokens("Hello, WORLD! 2025") == tokens("hello world 1999")


def test_short_documents_use_character_shingles():
    text = "short note here"
    expected = {int(h) for h in word_hashes([text[i : i + 5] for i in range(len(text) - 4)])}
    assert set(shingle_hashes(tokens(text), 5, 30).tolist()) == expected


def test_exact_duplicate_differing_in_case_and_punctuation():
    found = run({"a.txt": ARTICLE, "b.txt": ARTICLE.upper().replace(",", "")})
    assert found == {"b.txt": ("id-a.txt", "exact")}


def test_light_copy_edit_is_a_near_duplicate():
    edited = edit(ARTICLE, 0.02, 1) + " This story has been updated with comment from the ministry."
    found = run({"a.txt": ARTICLE, "b.txt": edited})
    assert found == {"a.txt": ("id-b.txt", "near")}  # the longer copy is kept


def test_different_articles_on_the_same_event_are_kept(seed_bytes):
    texts = {name: data.decode() for name, data in seed_bytes.items()}
    assert run(texts) == {}


def test_no_chaining():
    """a ≈ b and b ≈ c, but a and c are not alike: c is not folded into a through b, and stays."""
    ranges = {"a": range(0, 200), "b": range(28, 228), "c": range(56, 256)}
    sets = [np.unique(word_hashes([str(i) for i in ranges[name]])) for name in "abc"]
    compare = minhash.Similarity(sets)
    assert compare(0, 1) >= 0.7 and compare(1, 2) >= 0.7 and compare(0, 2) < 0.7
    entries = [Entry(p, f"id-{p}", p, words, None) for p, words in (("a", 300), ("b", 200), ("c", 100))]
    for shuffle in (None, 1, 2):
        found = find(entries, Signer(128).sign(sets), sets, 0.7, shuffle)
        assert {d.path: d.duplicate_of for d in found} == {"b": "id-a"}


def test_kept_document_is_chosen_by_priority_not_order():
    edited = edit(ARTICLE, 0.02, 2)
    texts = {"z.txt": ARTICLE, "a.txt": edited}
    assert run(texts) == {"z.txt": ("id-a.txt", "near")}  # as long: the first path is kept, whatever the order
    same = {"b.txt": ARTICLE, "a.txt": ARTICLE}
    assert run(same) == {"b.txt": ("id-a.txt", "exact")}
    dated = run(same, created={"b.txt": "2020-01-01", "a.txt": "2021-01-01"})
    assert dated == {"a.txt": ("id-b.txt", "exact")}


def test_result_is_independent_of_input_order():
    texts = {f"{i}.txt": edit(ARTICLE, 0.01, i) for i in range(1, 8)}
    texts["0.txt"] = ARTICLE + " The ministry did not respond to a request for comment."
    texts["other.txt"] = "A completely different story about football results and the weather in the capital."
    forward = run(texts)
    assert len(forward) >= 6
    assert run(dict(reversed(list(texts.items())))) == forward
    for seed in range(3):  # the bands' pairs arrive in any order (bands run as separate tasks)
        assert run(texts, shuffle=seed) == forward


def test_band_buckets_are_datasketchs_lsh_buckets():
    from datasketch import MinHashLSH

    rng = np.random.default_rng(5)
    base = rng.integers(0, 50, size=(40, 128), dtype=np.uint32)  # few values: many shared bands
    signatures = base.copy()
    signatures[20:] = np.where(rng.random((20, 128)) < 0.2, rng.integers(0, 2**32, (20, 128), dtype=np.uint32),
                               base[:20])
    count, rows = bands(0.7, 128)
    lsh = MinHashLSH(num_perm=128, params=(count, rows))
    expected = set()
    for i in range(len(signatures)):
        sketch = minhash.lean(signatures[i])
        expected.update((min(i, j), max(i, j)) for j in lsh.query(sketch))
        lsh.insert(i, sketch, check_duplication=False)
    ours = {tuple(pair) for pair in minhash.distinct_pairs(
        [minhash.band_pairs(signatures[:, k * rows : (k + 1) * rows], range(len(signatures))) for k in range(count)]
    ).tolist()}
    assert ours == expected and expected


def test_a_huge_bucket_is_paired_as_a_star():
    band = np.zeros((200, 5), dtype=np.uint32)
    pairs = minhash.band_pairs(band, range(200), star_above=64)
    assert len(pairs) == 199 and set(pairs[:, 0].tolist()) == {0}
