"""The benchmark metric itself: word 4-gram multisets, per-page precision and recall, F1 of the means."""

from __future__ import annotations

import pytest

from benchmarks.bench import score


def test_perfect_prediction():
    assert score([("one two three four five", "one two three four five")]) == (1.0, 1.0, 1.0)


def test_extra_text_lowers_precision_only():
    f1, p, r = score([("one two three four five six", "one two three four five")])
    assert r == 1.0 and p == pytest.approx(2 / 3) and f1 == pytest.approx(0.8)


def test_empty_prediction_counts_in_recall_not_precision():
    _, p, r = score([("", "one two three four"), ("a b c d", "a b c d")])
    assert p == 1.0 and r == 0.5


def test_multisets_not_sets():
    _, p, _ = score([("a b c d a b c d", "a b c d")])
    assert p == pytest.approx(1 / 5)
