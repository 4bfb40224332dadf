"""Every third-party package the code imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"pipeline", "flows", "tests"}


def imported_modules(folder: Path) -> set[str]:
    """Return the top-level module names imported anywhere under folder."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def declared_distributions() -> set[str]:
    """Return the normalised names of the project's declared runtime dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {normalise(re.split(r"[=<>!~\[; ]", spec, maxsplit=1)[0])
            for spec in project["dependencies"]}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    third_party = (imported_modules(ROOT / "pipeline") | imported_modules(ROOT / "flows")) \
        - set(sys.stdlib_module_names) - FIRST_PARTY
    owners = importlib.metadata.packages_distributions()
    undeclared = {module: owners.get(module) for module in sorted(third_party)
                  if not any(normalise(d) in declared_distributions()
                             for d in owners.get(module, [module]))}
    assert undeclared == {}


def test_declared_packages_are_pinned_in_the_lock_file():
    locked = {normalise(line.split("==")[0])
              for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
              if "==" in line}
    assert declared_distributions() - locked == set()

