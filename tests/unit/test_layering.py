"""The hexagonal rule, enforced: domain/ and application/ import no framework or adapter."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THIRD_PARTY_ALLOWED = {"attrs", "cattrs"}
ALLOWED_FIRST_PARTY = {
    "domain": {"domain"},
    "application": {"domain", "application"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def offending_imports(root: Path, package: str) -> list[str]:
    bad: list[str] = []
    for path in sorted((root / package).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            top = module.split(".")[0]
            allowed = top in sys.stdlib_module_names or top in THIRD_PARTY_ALLOWED
            if not allowed and top not in ALLOWED_FIRST_PARTY[package]:
                bad.append(f"{path.relative_to(root)} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(ALLOWED_FIRST_PARTY))
def test_inner_layers_import_no_framework_or_adapter(package: str) -> None:
    assert offending_imports(ROOT, package) == []


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    (tmp_path / "application").mkdir()
    (tmp_path / "application" / "service.py").write_text(
        "import json\nimport sqlalchemy\nfrom adapters.sql import x\nimport attrs\n"
        "from domain.schema import Field\n"
    )
    assert offending_imports(tmp_path, "application") == [
        "application/service.py imports adapters.sql",
        "application/service.py imports sqlalchemy",
    ]
