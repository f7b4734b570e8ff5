"""Site check, part 4: what real Kirby showed visitors as markup, found without Kirby.

* A template that runs a field method on HTML a formatter already rendered
  (``->kirbytext()->excerpt()``, ``->kt()->esc()``, ``esc($f->kirbytext())``): the second
  step renders or escapes the HTML again, and visitors read ``<p>`` as text.
* Content with HTML tags in a field its template renders with ``kirbytext`` while the
  site's Markdown is in safe mode: Kirby escapes the tags, so they are shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from adapters.cms.kirby.content_tree import read_pages
from domain.issues import Issue, Severity

_FORMATTERS = r"(?:kirbytext|kt|kirbytextinline|kti|markdown|md|toBlocks|toLayouts)"
_RENDERED = rf"->\s*{_FORMATTERS}\s*\(\s*\)"
_SECOND_STEP = (
    r"(?:excerpt|kirbytext|kt|kirbytextinline|kti|markdown|md|esc|html|h|xml|x|nl2br|widont)"
)
_RENDERED_TWICE = re.compile(
    rf"{_RENDERED}\s*->\s*{_SECOND_STEP}\s*\(|\besc\s*\((?:(?!\?>|;).)*?{_RENDERED}", re.DOTALL
)
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|a|em|strong|b|i|ul|ol|li|h[1-6]|img)\b[^>]*>", re.I)
_SAFE_MARKDOWN = re.compile(r"['\"]safe['\"]\s*=>\s*true")


def rendered_twice(root: Path) -> list[Issue]:
    """An error for each template or snippet line that renders a field's HTML twice."""
    issues: list[Issue] = []
    for folder in ("site/templates", "site/snippets"):
        for path in sorted((root / folder).rglob("*.php")) if (root / folder).is_dir() else []:
            source = path.read_text(encoding="utf-8", errors="replace")
            for match in _RENDERED_TWICE.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                issues.append(
                    Issue(
                        severity=Severity.ERROR,
                        code="template.rendered_twice",
                        path=path.relative_to(root).as_posix(),
                        message=f"Line {line}: '{' '.join(match.group(0).split())}' works on "
                        "HTML a formatter already rendered, so visitors see the tags as text. "
                        "Call the field method on the field itself (e.g. ->excerpt() renders "
                        "and strips on its own).",
                    )
                )
    return issues


def markup_shown_as_text(root: Path) -> list[Issue]:
    """A warning for HTML in content that a kirbytext-rendering template would escape."""
    config = root / "site/config/config.php"
    if not config.is_file() or not _SAFE_MARKDOWN.search(config.read_text(errors="replace")):
        return []
    return list(_markup_in_content(root))


def _markup_in_content(root: Path) -> Iterator[Issue]:
    templates: dict[str, str] = {}
    for page in read_pages(root):
        if page.content is None or page.content.parsed is None:
            continue
        template = page.template
        if template not in templates:
            path = root / "site/templates" / f"{template}.php"
            templates[template] = path.read_text(errors="replace") if path.is_file() else ""
        source = templates[template]
        for key, value in page.content.parsed.fields.items():
            rendered = re.search(
                rf"->{re.escape(key)}\s*\(\s*\)\s*->\s*(?:kirbytext|kt)\s*\(", source, re.I
            )
            tag = _HTML_TAG.search(value)
            if rendered and tag:
                yield Issue(
                    severity=Severity.WARNING,
                    code="content.markup_as_text",
                    path=page.content.path,
                    message=f"Field '{key}' holds HTML ({tag.group(0)}) but the site's Markdown "
                    "is in safe mode: visitors will see the tags as text. Write it as Markdown.",
                )
