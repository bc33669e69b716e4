"""Stage fingerprints cannot miss a module: every module is in a stage or declared outside them, a new module
is caught, an edit to any cleaning module changes the cleaning digest, and an import that names no file fails."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from pipeline import fingerprint

PACKAGE = Path(fingerprint.__file__).parent
CLEANING = sorted(name for name in fingerprint.all_modules() if name.startswith("cleaning."))


def unfingerprinted(source: Path) -> set[str]:
    """Modules of the tree at `source` that no stage's fingerprint covers and that are not declared outside."""
    covered = set().union(*(fingerprint.stage_modules(stage, source) for stage in fingerprint.STAGES))
    return fingerprint.all_modules(source) - covered - set(fingerprint.OUTSIDE_STAGES)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_every_module_is_in_a_stage_fingerprint_or_declared_outside_them():
    assert unfingerprinted(PACKAGE) == set()
    assert set(fingerprint.OUTSIDE_STAGES) <= fingerprint.all_modules()


def test_a_module_no_stage_imports_is_caught(tree):
    (tree / "cleaning" / "captions.py").write_text('"""Captions."""\n')
    assert unfingerprinted(tree) == {"cleaning.captions"}
    clean = tree / "cleaning" / "clean.py"
    future = "from __future__ import annotations\n"
    clean.write_text(clean.read_text().replace(future, future + "\nfrom pipeline.cleaning import captions\n", 1))
    assert unfingerprinted(tree) == set()
    assert "cleaning.captions" in fingerprint.stage_modules("clean", tree)


@pytest.mark.parametrize("name", CLEANING)
def test_an_edit_to_any_cleaning_module_changes_the_cleaning_digest(tree, name):
    before = fingerprint.code_digest("clean", tree)
    with open(fingerprint.module_path(name, tree), "a") as handle:
        handle.write("\n# an edit\n")
    assert fingerprint.code_digest("clean", tree) != before


def test_an_import_of_a_module_that_does_not_exist_is_an_error(tree):
    clean = tree / "cleaning" / "clean.py"
    clean.write_text(clean.read_text() + "\nfrom pipeline.cleaning.gone import nothing\n")
    with pytest.raises(fingerprint.UnknownModule, match=r"cleaning\.gone"):
        fingerprint.code_digest("clean", tree)


def test_every_library_the_outputs_depend_on_is_in_the_fingerprint():
    """Each direct dependency but Luigi (it runs the stages and changes none of their outputs): an upgrade
    re-runs what it may change."""
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~ \[]", requirement)[0].lower() for requirement in project["dependencies"]}
    assert names - {"luigi"} <= set(fingerprint.LIBRARIES)
