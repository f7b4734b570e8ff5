"""``KirbySiteChecker``: checks a Kirby site folder without needing Kirby's core.

What it checks (all paths in issues are relative to the site root):

* content files parse by Kirby's rules, with no stray ``----`` lines or keyless text;
* ``content/site.txt``, the ``home`` and the ``error`` pages exist;
* every page's template has a blueprint, and a PHP template (or ``default.php``);
* every blueprint re-parses as YAML and uses only Kirby 5 core field and section types;
* every content key is a field of its blueprint, also inside structures and file metadata;
* files named by files fields exist beside their page; page references resolve (warning);
* ``php -l`` is clean on every PHP file (an error when PHP is not installed);
* every blueprint field is read by its template (warning: a "dead" field);
* no template works on HTML a formatter already rendered, and no content holds HTML that
  safe-mode Markdown would show as text (warning) — what real Kirby showed visitors.
"""

from __future__ import annotations

from pathlib import Path

from adapters.cms.kirby.check_blueprints import load_blueprints
from adapters.cms.kirby.check_content import check_content
from adapters.cms.kirby.check_php import dead_fields, lint_php
from adapters.cms.kirby.check_rendering import markup_shown_as_text, rendered_twice
from domain.issues import Issue, Severity

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class KirbySiteChecker:
    """Implements ``domain.ports.SiteChecker`` for Kirby 5 sites."""

    def __init__(self, php_binary: str = "php", php_timeout_seconds: float = 30.0) -> None:
        self._php_binary = php_binary
        self._php_timeout_seconds = php_timeout_seconds

    def check(self, root: Path) -> list[Issue]:
        if not root.is_dir():
            return [
                Issue(
                    severity=Severity.ERROR,
                    code="check.no_site",
                    path="",
                    message=f"{root} is not a folder; there is no site to check.",
                )
            ]
        blueprints, issues = load_blueprints(root)
        issues += check_content(root, blueprints)
        issues += lint_php(root, self._php_binary, self._php_timeout_seconds)
        issues += dead_fields(root, blueprints)
        issues += rendered_twice(root)
        issues += markup_shown_as_text(root)
        # Stable order: the same site always gives the same report.
        return sorted(
            issues, key=lambda i: (_SEVERITY_ORDER[i.severity], i.path, i.code, i.message)
        )
