"""The house keeps its shape: imports point one way (docs/architecture.md), SQL lives in warehouse/.

Every import statement of every module is read with `ast`, those inside functions and
`if TYPE_CHECKING:` blocks included, so a lazy import cannot slip a wrong-way dependency past the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# each floor and the project packages it may import (besides itself)
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "extractors": {"core"},
    "models": {"core", "extractors"},
    "warehouse": {"core", "extractors"},
    "flows": {"core", "extractors", "models", "warehouse"},
    "cloudintel": {"core", "flows", "warehouse"},
}
# what a module outside warehouse/ may take from the database libraries: a session to pass along
DATABASE_LIBRARIES = {"sqlmodel", "sqlalchemy"}
OUTSIDE_WAREHOUSE_MAY_TAKE = {"Session"}


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "corpus" not in p.parts)


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file; `import a.b` gives ("a.b", [])."""
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def wrong_way(package: str) -> list[str]:
    """Imports of `package` that reach a project package it may not import."""
    allowed = MAY_IMPORT[package] | {package}
    return [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in modules(package)
        for line, module, _ in imports(path)
        if (top := module.split(".")[0]) in MAY_IMPORT and top not in allowed
    ]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_point_one_way(package: str) -> None:
    assert modules(package), f"no modules found in {package}/"
    assert wrong_way(package) == []


@pytest.mark.parametrize("package", sorted(set(MAY_IMPORT) - {"warehouse"}))
def test_sql_lives_in_the_warehouse(package: str) -> None:
    queries = [
        f"{path.relative_to(ROOT)}:{line}: takes {', '.join(sorted(set(names) - OUTSIDE_WAREHOUSE_MAY_TAKE))} from {module}"
        for path in modules(package)
        for line, module, names in imports(path)
        if module.split(".")[0] in DATABASE_LIBRARIES and set(names) - OUTSIDE_WAREHOUSE_MAY_TAKE
    ]
    assert queries == []


def test_the_check_sees_lazy_imports(tmp_path: Path) -> None:
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    if True:\n        from flows.daily import daily_pipeline\n")
    assert imports(module) == [(3, "flows.daily", ["daily_pipeline"])]
