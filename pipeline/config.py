"""Settings of a run, read once from TOML and passed down, and the fingerprints that name every output.

Each stage has its own fingerprint: the code it runs (the stage's module and every pipeline module it
imports, read off their import statements), and for cleaning also the settings, rules and library
versions. A change re-runs the stages it reaches and nothing else: editing the report re-cleans nothing.
"""

from __future__ import annotations

import ast
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from pipeline import __version__

DEFAULTS = Path(__file__).with_name("settings.toml")
RULES = Path(__file__).with_name("rules.toml")
LIBRARIES = ("beautifulsoup4", "lxml", "charset-normalizer", "datasketch", "ftfy", "numpy", "xxhash", "htmldate")
SOURCE = Path(__file__).parent  # where the stages' code is read from for their fingerprints
# Each stage's entry modules: its code is theirs and that of every pipeline module they import.
STAGES = {"clean": ("shard",), "dedup": ("dedup_run",), "finish": ("assemble", "report")}


def code_digest(stage: str, source: Path | None = None) -> str:
    """Digest of the code a stage runs: its entry modules and their pipeline imports, transitively."""
    folder = source or SOURCE
    todo, seen = list(STAGES[stage]), set()
    digest = hashlib.blake2b(digest_size=16)
    while todo:
        name = todo.pop()
        if name in seen or not (folder / f"{name}.py").exists():
            continue
        seen.add(name)
        text = (folder / f"{name}.py").read_bytes()
        digest.update(name.encode() + b"\0" + text + b"\0")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
                parts = node.module.split(".")
                todo += [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                todo += [alias.name.split(".")[1] for alias in node.names if alias.name.startswith("pipeline.")]
    return digest.hexdigest()


@dataclass(frozen=True)
class Quality:
    min_prose_share: float
    prose_min_words: int
    article_prose_words: int


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
        """Hash of everything that changes cleaning output: settings, rules text, the cleaning code and
        library versions. Any of them changing gives every shard a new name: nothing stale is reused."""
        parts = {
            "settings": {k: v for k, v in self.to_dict().items() if k != "rules"},
            "rules": Path(self.rules).read_text(),
            "pipeline": [__version__, code_digest("clean")],
            "libraries": {name: metadata.version(name) for name in LIBRARIES},
        }
        return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(), digest_size=8).hexdigest()
