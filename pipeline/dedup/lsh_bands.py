"""How LSH splits a signature into bands, from the dedup settings alone: what a run's plan needs, without
numpy (a rerun with nothing new plans and stops without loading it). Pure arithmetic."""

from __future__ import annotations

CONTAINED_JACCARD = 0.5  # a copy of half a document, every sentence of it inside the whole


def lsh_threshold(threshold: float, containment: float) -> float:
    """The Jaccard similarity LSH must find pairs at: the near-duplicate threshold, or, when containment is
    on, that of a copy holding half of a longer document (a trimmed wire copy: Jaccard about 0.5)."""
    return min(threshold, CONTAINED_JACCARD) if containment > 0 else threshold


def bands(threshold: float, num_perm: int, recall: float = 0.95) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose chance of pairing two documents at `threshold` is
    at least `recall`: as selective as possible without missing pairs at the threshold."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        count = num_perm // rows
        if count < 2:
            break
        if 1 - (1 - threshold**rows) ** count >= recall:
            best = (count, rows)
    return best
