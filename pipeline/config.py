"""Settings of a run: read once from TOML (settings.toml, overridden key by key), validated, passed down."""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULTS = Path(__file__).with_name("settings.toml")
RULES = Path(__file__).parent / "cleaning" / "rules.toml"
# The types a page can be given (metadata.page_type), which [pages] keep chooses among ("all": every one).
PAGE_TYPES = ("article", "listing", "collection", "product", "service", "forum", "documentation", "error", "wall")


@dataclass(frozen=True)
class Choice:
    """What a list setting's items may be: one of `known`, or a `prefix` followed by something."""

    noun: str
    known: tuple[str, ...]
    prefix: str | None = None

    def allows(self, item: str) -> bool:
        return item in self.known or bool(self.prefix and item.startswith(self.prefix) and item != self.prefix)

    def names(self) -> str:
        return ", ".join([*self.known, *([f"{self.prefix}..."] if self.prefix else [])])


# List settings whose items are names from a fixed set ([dedup] prefer: see minhash.preferred()).
CHOICES = {"pages.keep": Choice("page types", (*PAGE_TYPES, "all")),
           "dedup.prefer": Choice("preferences", ("page", "text", "earliest", "longest"), "folder:")}


class SettingsError(ValueError):
    """A settings file that cannot be used: missing, not TOML, an unknown key, a wrong type or range."""


# Allowed range of each number, inclusive: (low, high); None is unbounded.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "shard_size": (1, None), "max_bytes": (1, None), "max_container_bytes": (1, None), "time_budget": (0.1, None),
    "min_words": (1, None),
    "quality.min_prose_share": (0, 1), "quality.prose_min_words": (1, None), "quality.article_prose_words": (1, None),
    "repetition.min_documents": (2, None), "repetition.min_chars": (1, None),
    "dedup.threshold": (0.01, 1), "dedup.num_perm": (16, 4096), "dedup.shingle_words": (1, 50),
    "dedup.short_words": (0, None), "dedup.containment": (0, 1), "dedup.alarm_share": (0, 1),
    "pages.teaser_min_words": (0, None), "pages.article_floor": (0, 1),
    "publish.max_shrink": (0, 1), "publish.max_internal_errors": (0, 1),
}


def _checked(given: dict, defaults: dict, origin: str, prefix: str = "") -> dict:
    """`defaults` updated from `given`, key by key; raises SettingsError naming the file and key of the
    first unknown name, wrong type or value out of range (see RANGES)."""
    merged = dict(defaults)
    for key, value in given.items():
        name = prefix + key
        if key not in defaults:
            known = ", ".join(prefix + k for k in defaults)
            raise SettingsError(f"{origin}: unknown setting {name!r} (known: {known})")
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise SettingsError(f"{origin}: {name!r} must be a table [{name}]")
            merged[key] = _checked(value, default, origin, name + ".")
            continue
        kind = float if isinstance(default, float) else type(default)
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, (int, float) if kind is float else kind):
            raise SettingsError(f"{origin}: {name!r} must be {kind.__name__}, not {type(value).__name__} {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise SettingsError(f"{origin}: {name!r} must be a finite number, not {value!r}")
        if kind is list and not ((value or not default) and all(isinstance(i, str) and i for i in value)):
            raise SettingsError(f"{origin}: {name!r} must be a list of {'one or more ' if default else ''}"
                                f"non-empty strings, not {value!r}")
        if name in CHOICES and (unknown := [item for item in value if not CHOICES[name].allows(item)]):
            raise SettingsError(f"{origin}: {name!r} names unknown {CHOICES[name].noun} {unknown} "
                                f"(known: {CHOICES[name].names()})")
        low, high = RANGES.get(name, (None, None))
        if (low is not None and value < low) or (high is not None and value > high) or value == "":
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise SettingsError(f"{origin}: {name!r} must be {bounds if low is not None else 'not empty'}, "
                                f"not {value!r}")
        merged[key] = value
    return merged


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{path}: cannot read settings: {err}") from None


@dataclass(frozen=True)
class Export:
    html: list[str]
    text: list[str]
    url: list[str]
    title: list[str]
    date: list[str]


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
    containment: float
    prefer: list[str]
    alarm_share: float


@dataclass(frozen=True)
class Pages:
    keep: list[str]
    article_floor: float
    teaser_min_words: int


@dataclass(frozen=True)
class Extract:
    comments: bool


@dataclass(frozen=True)
class Publish:
    max_shrink: float
    max_internal_errors: float


SECTIONS = ("export", "quality", "repetition", "dedup", "pages", "extract", "publish")  # the settings' tables


@dataclass(frozen=True)
class Config:
    source: str
    shard_size: int
    max_bytes: int
    max_container_bytes: int
    time_budget: float
    min_words: int
    export: Export
    quality: Quality
    repetition: Repetition
    dedup: Dedup
    pages: Pages
    extract: Extract
    publish: Publish
    rules: str

    @classmethod
    def load(cls, override: Path | None = None, rules: Path | None = None) -> Config:
        """Defaults from settings.toml, updated key by key from `override` when given; every key, type and
        range is checked (SettingsError names the file and key)."""
        values = tomllib.loads(DEFAULTS.read_text())
        if override is not None:
            values = _checked(_read_toml(Path(override)), {**values, "rules": str(RULES)}, str(override))
        rules = Path(rules or values.get("rules") or RULES)
        if not rules.is_file():
            raise SettingsError(f"{override or DEFAULTS}: 'rules' file not found: {rules}")
        return cls.from_dict({**values, "rules": str(rules)})

    @classmethod
    def from_dict(cls, values: dict) -> Config:
        return cls(
            **{k: v for k, v in values.items() if k not in SECTIONS},
            export=Export(**values["export"]),
            quality=Quality(**values["quality"]),
            repetition=Repetition(**values["repetition"]),
            dedup=Dedup(**values["dedup"]),
            pages=Pages(**values["pages"]),
            extract=Extract(**values["extract"]),
            publish=Publish(**values["publish"]),
        )

    def to_dict(self) -> dict:
        return asdict(self)
