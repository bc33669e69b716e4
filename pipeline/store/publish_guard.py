"""The last check before a run is published: a run that would lose much of the corpus, or whose documents
could not be cleaned (internal errors, time-outs), is not trusted (an empty or unmounted SEEDS, a bug that
rejects everything, a user rule that stalls on every page)."""

from __future__ import annotations


def refusal(previous: dict | None, current: dict, max_shrink: float, max_internal_errors: float,
            allow_shrink: bool = False, filters: str = "") -> str | None:
    """Why the run summed up in `current` (its stats.json) must not replace `previous`, or None to publish.
    `filters`: the run's --include/--exclude options, named when they may be why the corpus shrinks."""
    read, errors = current["read"], current.get("internal_errors", 0) + current.get("timeouts", 0)
    if read and errors / read > max_internal_errors:
        return (f"{errors} of {read} documents hit an internal error or the time budget while cleaning "
                f"({errors / read:.0%}, more than max_internal_errors {max_internal_errors:.0%}); see rejected.jsonl "
                f"of the run (codes internal-error and time-budget)")
    before, after = (previous or {}).get("kept", 0), current["kept"]
    hint = f", or do {filters} match too little" if filters else ""
    if not allow_shrink and before and after < before * (1 - max_shrink):
        return (f"the corpus would shrink from {before} to {after} documents (more than max_shrink "
                f"{max_shrink:.0%}; is SEEDS empty or unmounted{hint}?); pass --allow-shrink if this is meant")
    return None
