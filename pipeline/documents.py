"""The records a seed becomes: a kept Document (Dolma style), the Removals made from it, or a Rejection."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(slots=True)
class Removal:
    """One removed line: its line in the text it was removed from, the rule or signal and its class, the
    line itself, and `at`, the line of the output text it stood before."""

    line: int
    rule: str
    cls: str
    text: str
    at: int

    def to_dict(self) -> dict:
        return {"line": self.line, "rule": self.rule, "class": self.cls, "text": self.text, "at": self.at}

    @classmethod
    def from_dict(cls, entry: dict) -> Removal:
        return cls(entry["line"], entry["rule"], entry["class"], entry["text"], entry["at"])


@dataclass(slots=True)
class Document:
    """One kept article in the Dolma document style; `metadata["removed"]` holds its Removals as dicts until
    the corpus line is written (see `corpus_lines`)."""

    id: str
    text: str
    source: str
    created: str | None
    metadata: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "source": self.source, "created": self.created,
                "metadata": self.metadata}

    @classmethod
    def from_dict(cls, record: dict) -> Document:
        return cls(record["id"], record["text"], record["source"], record["created"], record["metadata"])

    def corpus_lines(self) -> tuple[dict, dict | None]:
        """Its corpus.jsonl record, lean: the removals only counted (`removed_lines`, `removed_by_class`); and
        its removed.jsonl record with them whole (`id`, `path`, `removed`), or None when nothing was removed.
        Readers of the corpus do not pay for the audit trail (it is about three times the kept text)."""
        meta = {key: value for key, value in self.metadata.items() if key != "removed"}
        removed = self.metadata["removed"]
        by_class: dict[str, int] = {}
        for entry in removed:
            by_class[entry["class"]] = by_class.get(entry["class"], 0) + 1
        meta["removed_lines"], meta["removed_by_class"] = len(removed), dict(sorted(by_class.items()))
        audit = {"id": self.id, "path": meta["path"], "removed": removed} if removed else None
        return {**self.to_dict(), "metadata": meta}, audit


class Code(StrEnum):
    """What kind of rejection it is, for programs (`rejected.jsonl`'s `code`); the `reason` says it in words."""

    EMPTY = "empty"  # nothing but whitespace
    BINARY = "binary"  # not text in any encoding
    TOO_LARGE = "too-large"  # past max_bytes, on disk or once decompressed
    SYMLINK = "symlink"  # a symbolic link under SEEDS (never followed)
    NOT_A_FILE = "not-a-file"  # a device, a socket, a pipe
    UNREADABLE = "unreadable"  # the file system refused it, or it changed while the run read it
    DAMAGED = "damaged"  # a container (gzip, WARC) broken from here on
    NOT_A_PAGE = "not-a-page"  # a WARC request, warcinfo or metadata record
    HTTP_STATUS = "http-status"  # a response other than 2xx
    CONTENT_TYPE = "content-type"  # a response that is not HTML or plain text
    CONTENT_ENCODING = "content-encoding"  # a response compressed in a way no installed decoder reads (br)
    INVALID_JSON = "invalid-json"  # a JSON Lines line that is not a JSON object
    NO_TEXT = "no-text"  # a JSON object without `html` or `text`
    TOO_SHORT = "too-short"  # fewer than min_words after cleaning
    NOT_ARTICLE = "not-article"  # too little prose after cleaning
    PAGE_TYPE = "page-type"  # a page of a type [pages] keep does not list (a listing, a product, a wall ...)
    TEASER = "teaser"  # a paywalled teaser too short to be the article
    TIME_BUDGET = "time-budget"  # cleaning took longer than time_budget
    INTERNAL_ERROR = "internal-error"  # a bug: counted apart, and by the publish guard


class UrlSource(StrEnum):
    """Where `metadata.url` came from (its `url_source`): only a fetched URL finds the same page fetched twice."""

    RECORD = "the record"  # a WARC record's target URI, an export's url field
    CANONICAL = "the page's canonical link"  # sites put their home page in every one


class Refused(ValueError):
    """An input that cannot become a document: the message is the reason, `code` its kind."""

    def __init__(self, code: Code, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a seed did not become a document. A transient one (unreadable, changed while read) is retried."""

    path: str
    reason: str
    code: Code
    transient: bool = False
    details: dict | None = None  # for a page rejected after cleaning: what was kept and removed, and how it read


@dataclass(slots=True)
class Cleaned:
    """A shard's line for one seed: its document or its rejection, and the content hash it was made from."""

    path: str
    sha256: str | None
    document: Document | None = None
    rejection: Rejection | None = None
    seed: str | None = None  # the container file's path, for a record of one (its path is `seed#N`)

    def order(self) -> tuple[str, int]:
        """Where the line sorts in the outputs: by its seed file's path, then its number in the file."""
        return (self.seed, int(self.path[len(self.seed) + 1:])) if self.seed else (self.path, 0)

    def to_dict(self) -> dict:
        if self.rejection is not None:
            record = {"path": self.path, "rejected": self.rejection.reason, "code": self.rejection.code}
            if self.rejection.transient:
                record["transient"] = True
            if self.rejection.details:
                record["details"] = self.rejection.details
        else:
            record = {"path": self.path, "document": self.document.to_dict()}
        return {**record, "sha256": self.sha256, **({"seed": self.seed} if self.seed else {})}

    @classmethod
    def from_dict(cls, record: dict) -> Cleaned:
        seed = record.get("seed")
        if "rejected" in record:
            rejection = Rejection(record["path"], record["rejected"], Code(record["code"]),
                                  record.get("transient", False), record.get("details"))
            return cls(record["path"], record.get("sha256"), rejection=rejection, seed=seed)
        return cls(record["path"], record.get("sha256"), document=Document.from_dict(record["document"]), seed=seed)
