"""Site check, part 3: PHP files lint clean, and templates render every blueprint field."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

from adapters.cms.kirby.check_blueprints import Blueprint, BlueprintField
from domain.issues import Issue, Severity

# Kirby's core and Composer's packages are not ours to lint (and are thousands of files).
_SKIPPED_DIRS = frozenset({"kirby", "vendor", "media", "node_modules", ".git"})
# Field types whose value is not meant to be shown on the page.
_UNRENDERED_TYPES = frozenset({"hidden", "slug"})


def lint_php(root: Path, php_binary: str, timeout_seconds: float) -> list[Issue]:
    """``php -l`` every PHP file of the site; an error when PHP itself is missing."""
    executable = shutil.which(php_binary)
    if executable is None:
        return [
            Issue(
                severity=Severity.ERROR,
                code="check.php_missing",
                path="",
                message=f"'{php_binary}' was not found, so the PHP templates could not be "
                "checked. Install PHP's command line (Debian: apt-get install php-cli).",
            )
        ]
    issues: list[Issue] = []
    for path in _php_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            result = subprocess.run(
                [executable, "-n", "-l", str(path)],
                capture_output=True,
                text=True,
                timeout=timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            issues.append(
                Issue(
                    severity=Severity.ERROR,
                    code="php.lint_timeout",
                    path=relative,
                    message=f"php -l took longer than {timeout_seconds} s on this file.",
                )
            )
            continue
        if result.returncode != 0:
            output = (result.stderr + result.stdout).replace(str(path), relative)
            # php -l repeats the file name on a second line; the first line says it all.
            first_line = next((line for line in output.splitlines() if line.strip()), "")
            issues.append(
                Issue(
                    severity=Severity.ERROR,
                    code="php.syntax_error",
                    path=relative,
                    message=f"PHP cannot parse this file: {first_line.strip() or 'php -l failed'}",
                )
            )
    return issues


def _php_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.php")):
        parts = path.relative_to(root).parts
        if parts and parts[0] in _SKIPPED_DIRS:
            continue
        yield path


def dead_fields(root: Path, blueprints: Mapping[str, Blueprint]) -> list[Issue]:
    """A warning for each page-blueprint field its template never reads."""
    issues: list[Issue] = []
    for name, blueprint in sorted(blueprints.items()):
        if not name.startswith("pages/"):
            continue
        template = root / "site/templates" / f"{name.removeprefix('pages/')}.php"
        if not template.is_file():
            continue
        source = template.read_text(encoding="utf-8", errors="replace")
        relative = template.relative_to(root).as_posix()
        for field in _rendered_fields(blueprint.fields):
            if not _mentions(source, field.name):
                issues.append(
                    Issue(
                        severity=Severity.WARNING,
                        code="template.dead_field",
                        path=relative,
                        message=f"Field '{field.name}' of {blueprint.path} is never read in "
                        "this template, so what editors enter there is not shown.",
                    )
                )
    return issues


def _rendered_fields(fields: tuple[BlueprintField, ...]) -> Iterator[BlueprintField]:
    for field in fields:
        if not field.stores_value or field.type in _UNRENDERED_TYPES:
            continue
        yield field
        yield from _rendered_fields(field.nested)


def _mentions(source: str, field_name: str) -> bool:
    name = re.escape(field_name)
    pattern = rf"->{name}\s*\(|get\(\s*['\"]{name}['\"]\s*\)"
    return re.search(pattern, source, re.IGNORECASE) is not None
