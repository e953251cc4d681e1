"""The layering rule of ARCHITECTURE.md: matcher/ is pure, models/ sits below web/."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "matcher": {"flask", "sqlalchemy", "alembic", "models", "web"},
    "models": {"flask", "web"},
    # Services receive what they need; only views, the API, the CLI and jobs know Flask.
    "web/services": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_a_layer_above(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_matcher_loads_no_layer_above() -> None:
    code = (
        "import sys, matcher, matcher.geo;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'alembic', 'models', 'web'});"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from flask import Flask\nimport sqlalchemy.orm\n")
    assert imported_top_levels(module) & FORBIDDEN["matcher"] == {"flask", "sqlalchemy"}
