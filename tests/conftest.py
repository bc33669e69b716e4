"""Shared fixtures: the default configuration, its rules, and the development seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cleaning.rules import load_rules
from pipeline.config import Config
from pipeline.documents import Document, Rejection

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.load()


@pytest.fixture(scope="session")
def rules(config: Config):
    return load_rules(config.rules)


@pytest.fixture(scope="session")
def seed_bytes() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SEEDS.iterdir())}


def kept(outcome: Document | Rejection) -> Document:
    """The document `clean` made; fails the test with the reason when the seed was rejected instead."""
    assert isinstance(outcome, Document), f"rejected: {outcome.reason}"
    return outcome
