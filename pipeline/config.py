"""Settings of a run, read once from TOML and passed down; their fingerprint names every output."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from pipeline import __version__

DEFAULTS = Path(__file__).with_name("settings.toml")
RULES = Path(__file__).with_name("rules.toml")
LIBRARIES = ("beautifulsoup4", "lxml", "charset-normalizer", "datasketch", "ftfy", "numpy", "xxhash")


@dataclass(frozen=True)
class Quality:
    min_prose_share: float
    prose_min_words: int


@dataclass(frozen=True)
class Repetition:
    min_documents: int
    min_chars: int


@dataclass(frozen=True)
class Dedup:
    threshold: float
    num_perm: int
    shingle_words: int
    short_words: int
    alarm_share: float


@dataclass(frozen=True)
class Config:
    source: str
    shard_size: int
    max_bytes: int
    min_words: int
    quality: Quality
    repetition: Repetition
    dedup: Dedup
    rules: str

    @classmethod
    def load(cls, override: Path | None = None, rules: Path | None = None) -> Config:
        """Defaults from settings.toml, updated key by key from `override` when given."""
        values = tomllib.loads(DEFAULTS.read_text())
        if override is not None:
            for key, value in tomllib.loads(Path(override).read_text()).items():
                if isinstance(value, dict):
                    values[key].update(value)
                else:
                    values[key] = value
        return cls.from_dict({**values, "rules": str(rules or values.get("rules") or RULES)})

    @classmethod
    def from_dict(cls, values: dict) -> Config:
        return cls(
            **{k: v for k, v in values.items() if k not in ("quality", "repetition", "dedup")},
            quality=Quality(**values["quality"]),
            repetition=Repetition(**values["repetition"]),
            dedup=Dedup(**values["dedup"]),
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def fingerprint(self) -> str:
        """Hash of everything that changes cleaning output: settings, rules text, the pipeline's own source
        and library versions. Any of them changing gives every shard a new name: nothing stale is reused."""
        source = hashlib.blake2b(digest_size=16)
        for path in sorted(Path(__file__).parent.glob("*.py")):
            source.update(path.read_bytes())
        parts = {
            "settings": {k: v for k, v in self.to_dict().items() if k != "rules"},
            "rules": Path(self.rules).read_text(),
            "pipeline": [__version__, source.hexdigest()],
            "libraries": {name: metadata.version(name) for name in LIBRARIES},
        }
        return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(), digest_size=8).hexdigest()
