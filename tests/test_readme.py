"""The README is a user's guide that holds: its examples run as shown on the shipped seeds, its settings
table lists every setting, and it stays short."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline.config import DEFAULTS
from tests.conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECONDS = re.compile(r" in \d+\.\d s$")  # a run's duration, the one figure that differs between runs


def examples(text: str) -> list[tuple[str, str]]:
    """Each `$ command` of the README's code blocks with the output shown under it. A command runs on over
    lines until its double quotes balance (a `python -c "..."` of several lines)."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```\n(.*?)^```", text, re.S | re.M):
        lines, row, output = block.splitlines(), 0, None
        while row < len(lines):
            if lines[row].startswith("$ "):
                command = lines[row][2:]
                while command.count('"') % 2:
                    row += 1
                    command += "\n" + lines[row]
                output = []
                found.append((command, output))
            elif output is not None:
                output.append(lines[row])
            row += 1
    return [(command, "\n".join(output)) for command, output in found]


def settings(table: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in table.items():
        keys |= settings(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return keys


def test_the_readme_stays_a_short_guide():
    assert len(README.encode()) <= 20_000


def test_the_settings_table_lists_every_setting():
    section = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    listed = {key for row in re.findall(r"^\| (`[a-z_.]+`(?:, `[a-z_.]+`)*) \|", section, re.M)
              for key in re.findall(r"`([a-z_.]+)`", row)}
    assert listed == settings(tomllib.loads(DEFAULTS.read_text())) | {"rules"}


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (.ci/run installs it)")
def test_every_example_runs_as_shown_on_the_shipped_seeds(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    venv = Path(sys.executable).parent
    shown = examples(README)
    assert len(shown) >= 6 and shown[0][0].startswith(".venv/bin/seed-corpus corpus")
    for command, expected in shown:
        done = subprocess.run(["bash", "-c", command.replace(".venv/bin/", f"{venv}/")], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stderr)
        got = [SECONDS.sub(" in N s", line) for line in done.stdout.rstrip("\n").split("\n")]
        assert got == [SECONDS.sub(" in N s", line) for line in expected.split("\n")], command


def test_make_clean_leaves_no_outputs_and_no_dangling_links(tmp_path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    shutil.copytree(SEEDS, seeds)
    subprocess.run([sys.executable, "-m", "pipeline", "corpus", "--seeds", str(seeds), "--data", str(data)],
                   check=True, capture_output=True)
    subprocess.run(["make", "-s", "-C", str(ROOT), "clean", f"DATA={data}"], check=True, capture_output=True)
    assert list(data.iterdir()) == []
    assert sorted(p.name for p in seeds.iterdir()) == sorted(p.name for p in SEEDS.iterdir())
