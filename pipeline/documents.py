"""The records a seed becomes: a kept Document (Dolma style), the Removals made from it, or a Rejection."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """One kept article in the Dolma document style; `metadata["removed"]` holds its Removals as dicts."""

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


INTERNAL_ERROR = "internal error while cleaning"  # how a rejection caused by a bug begins (counted apart)


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a seed did not become a document. A transient one (unreadable, changed while read) is retried."""

    path: str
    reason: str
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
            record = {"path": self.path, "rejected": self.rejection.reason}
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
            rejection = Rejection(record["path"], record["rejected"], record.get("transient", False),
                                  record.get("details"))
            return cls(record["path"], record.get("sha256"), rejection=rejection, seed=seed)
        return cls(record["path"], record.get("sha256"), document=Document.from_dict(record["document"]), seed=seed)
