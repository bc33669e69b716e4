"""Site template: lines that recur across many documents of the seed set (CCNet-style line hashing).

Counted over kept documents only, after deduplication, so the copies of one article never make its own
lines look like template; the decision is a function of the whole seed set, so incremental runs agree
with full ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import xxhash

from pipeline.cleaning.text import words
from pipeline.documents import Document, Removal

RULE, CLASS = "repeated-across-documents", "template"


def line_key(line: str) -> int:
    """64-bit hash of a line, case and spacing folded."""
    return xxhash.xxh64_intdigest(" ".join(line.casefold().split()).encode())


def document_keys(text: str, min_chars: int) -> list[int]:
    """Distinct keys of a document's lines long enough to be judged by repetition."""
    return sorted({line_key(line) for line in text.split("\n") if len(line.strip()) >= min_chars})


def repeated(keys_per_document: Iterable[np.ndarray], min_documents: int) -> set[int]:
    """Keys found in at least `min_documents` documents; in each array a key appears once per document."""
    arrays = [keys for keys in keys_per_document if len(keys)]
    if not arrays:
        return set()
    values, counts = np.unique(np.concatenate(arrays), return_counts=True)
    return {int(v) for v in values[counts >= min_documents]}


def strip_template(text: str, template: set[int], min_chars: int, min_words: int,
                   removed: list[Removal]) -> tuple[str, list[Removal]]:
    """Remove template lines from a cleaned text; returns the text and all removals, the earlier ones'
    `at` moved to the new text. A new removal's `line` is its line in the cleaned text.

    A document that would drop below `min_words` keeps its text: lines it shares with others are then its
    content, not a template around it.
    """
    lines = text.split("\n")
    gone = {i for i, line in enumerate(lines) if len(line.strip()) >= min_chars and line_key(line) in template}
    if not gone:
        return text, removed
    kept: list[str] = []
    position = []  # position[i]: where old line i's place is in the new text
    for i, line in enumerate(lines):
        position.append(len(kept))
        if i not in gone and (line or (kept and kept[-1])):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    position.append(len(kept))
    result = "\n".join(kept)
    if words(result) < min_words:
        return text, removed
    moved = [replace(entry, at=min(position[min(entry.at, len(lines))], len(kept))) for entry in removed]
    added = [Removal(i, RULE, CLASS, lines[i].strip(), min(position[i], len(kept))) for i in sorted(gone)]
    return result, sorted(moved + added, key=lambda entry: entry.at)


def strip_document(document: Document, template: set[int], min_chars: int, min_words: int) -> None:
    """The finish stage's one cleaning step: a kept document's site-template lines removed in place, each
    recorded as a removal and its word count refreshed (see strip_template)."""
    meta = document.metadata
    earlier = [Removal.from_dict(entry) for entry in meta["removed"]]
    text, removed = strip_template(document.text, template, min_chars, min_words, earlier)
    if text != document.text:
        document.text = text
        meta["removed"] = [entry.to_dict() for entry in removed]
        meta["words"] = words(text)
