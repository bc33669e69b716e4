"""The package's shape holds: no private APIs of other libraries, no benchmark code, a task layer that wires."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from pipeline.run import tasks

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_private_api_of_another_library_is_imported(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.module.startswith("pipeline"):
            names = [node.module, *(alias.name for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        private = [name for name in names for part in name.split(".") if part.startswith("_") and part != "__future__"]
        assert not private, f"{path.name} imports {private}"


def test_no_benchmark_code_in_the_package():
    assert not {"bench.py", "synth.py"} & {path.name for path in MODULES}
    for path in MODULES:
        assert "benchmarks" not in path.read_text(), path.name


def test_every_task_run_is_one_call_into_a_stage():
    for task in vars(tasks).values():
        if inspect.isclass(task) and issubclass(task, tasks.PipelineTask) and "run" in vars(task):
            body = ast.parse(inspect.getsource(task.run).strip()).body[0].body
            calls = [node for node in body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)]
            assert calls, f"{task.__name__}.run calls no stage"


def test_the_task_layer_stays_small():
    assert len(PACKAGE.joinpath("run", "tasks.py").read_text().splitlines()) <= 300


STAGE_PACKAGES = ("cleaning", "dedup")  # pure: no files of DATA, no Luigi, no run machinery


@pytest.mark.parametrize("path", [p for p in MODULES if p.relative_to(PACKAGE).parts[0] in STAGE_PACKAGES],
                         ids=lambda path: str(path.relative_to(PACKAGE)))
def test_stage_packages_know_nothing_of_luigi_data_or_the_run(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    above = ("luigi", "pipeline.run", "pipeline.store", "pipeline.report")
    reaching = {name for name in imported if name.split(".")[0] == "luigi" or name.startswith(above)}
    assert not reaching, f"{path.relative_to(PACKAGE)} imports {sorted(reaching)}"
