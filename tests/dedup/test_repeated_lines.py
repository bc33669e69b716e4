"""Lines repeated across documents: counted over kept documents, stripped with a guard."""

from __future__ import annotations

import numpy as np

from pipeline.dedup.repeated_lines import document_keys, line_key, repeated, strip_template
from pipeline.documents import Removal

BODY = "The council approved the new budget after a long debate about school funding and road repairs."
FOOTER = "Sign up for the Morning Brief, delivered to your inbox every weekday."


def test_line_key_folds_case_and_spacing():
    assert line_key("  Sign up  NOW ") == line_key("sign up now")
    assert line_key("sign up now") != line_key("sign up later")


def test_repeated_counts_documents_not_lines():
    docs = [np.array(document_keys(f"{BODY} {i}\n{FOOTER}\n{FOOTER}", 12), dtype=np.uint64) for i in range(3)]
    assert repeated(docs, 3) == {line_key(FOOTER)}
    assert repeated(docs[:2], 3) == set()
    assert repeated([], 3) == set()


def test_strip_template_records_each_removal_and_moves_earlier_ones():
    earlier = [Removal(0, "title", "metadata", "Title", 0), Removal(9, "share", "share", "Share", 3)]
    text, removed = strip_template(f"{FOOTER}\n\n{BODY}\n{BODY}", {line_key(FOOTER)}, 12, 5, earlier)
    assert text == f"{BODY}\n{BODY}"
    assert earlier[1].at == 3  # the caller's records are not changed
    assert [entry.to_dict() for entry in removed] == [
        {"line": 0, "rule": "title", "class": "metadata", "text": "Title", "at": 0},
        {"line": 0, "rule": "repeated-across-documents", "class": "template", "text": FOOTER, "at": 0},
        {"line": 9, "rule": "share", "class": "share", "text": "Share", "at": 1},
    ]


def test_strip_template_never_empties_a_document():
    text, removed = strip_template(FOOTER, {line_key(FOOTER)}, 12, 5, [])
    assert text == FOOTER and removed == []


def test_short_lines_are_not_judged_by_repetition():
    assert document_keys("Home\nShare\n" + BODY, 12) == [line_key(BODY)]
