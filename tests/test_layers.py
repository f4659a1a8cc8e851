"""Imports run one way, down the story of a request: a lower stage never imports one above it, not even lazily
inside a function (a lazy import is for start-up cost, not for hiding a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORGE = Path(__file__).resolve().parent.parent / "forge"

# Each package, and the packages above it that it must not import.
ABOVE = {
    "call": ("route", "run", "cli", "setup", "report"),
    "route": ("run", "cli", "setup"),
    "ledger": ("call", "route", "run", "cli"),
    "config": ("call", "route", "run", "cli", "ledger"),
    "analyse": ("call", "route", "run", "cli"),
    "edit": ("call", "route", "run", "cli", "commit", "validate"),
    "validate": ("call", "route", "run", "cli", "commit"),
    "commit": ("call", "route", "run", "cli"),
    "context": ("call", "route", "run", "cli"),
    "providers": ("call", "route", "run", "cli"),
    "report": ("route", "run", "cli"),
    "setup": ("run", "cli"),
    "run": ("cli",),
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(forge's package, line) of each import in the file, at any depth: top level, in functions, TYPE_CHECKING."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from forge import paths` names a module; `from forge.route import policy` a package.
            names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "forge" else [node.module]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{path}:{node.lineno}: a relative import; forge imports by full name")
        else:
            continue
        found.update((name.split(".")[1], node.lineno) for name in names
                     if name.startswith("forge."))
    return found


def upward_imports(package: str) -> list[str]:
    forbidden = ABOVE[package]
    return [f"{path.relative_to(FORGE.parent)}:{line} imports forge.{target}"
            for path in sorted((FORGE / package).rglob("*.py"))
            for target, line in sorted(imported_packages(path)) if target in forbidden]


@pytest.mark.parametrize("package", sorted(ABOVE))
def test_no_package_imports_one_above_it(package):
    assert upward_imports(package) == []


def test_the_walker_sees_an_import_hidden_in_a_function(tmp_path):
    source = tmp_path / "lazy.py"
    source.write_text("def price():\n    from forge.route.policy import call_cost\n    return call_cost\n")
    assert imported_packages(source) == {("route", 2)}


def test_every_package_of_forge_has_its_place():
    packages = {p.name for p in FORGE.iterdir() if (p / "__init__.py").exists()}
    assert packages - set(ABOVE) - {"cli"} == set(), "give a new package its row in ABOVE"
