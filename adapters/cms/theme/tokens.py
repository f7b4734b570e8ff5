"""The site's CSS: custom properties from the DTCG token tree, and the base theme using them.

``tokens.css`` declares one ``--group-name-token`` property per token it can express in CSS,
then a small set of ``--kg-*`` roles (text, background, link, fonts …) pointing at the first
matching token. ``site.css`` only reads the ``--kg-*`` roles, each with a fallback, so a
design system missing a token still gives a readable site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib.resources import files
from typing import Any

from domain.design import DesignSystem

TOKENS_CSS = "assets/css/tokens.css"
SITE_CSS = "assets/css/site.css"

_NAME_PART = re.compile(r"[^a-z0-9]+")
_REFERENCE = re.compile(r"^\{([^{}]+)\}$")
# A value that could close the declaration or the rule, or open markup, is not written.
_UNSAFE_VALUE = re.compile(r"[;{}<>\\\n\r]|/\*")
# One identifier (Georgia, SFMono-Regular, -apple-system) needs no quotes; quoting a keyword
# such as -apple-system would turn it into a font name no system has.
_PLAIN_FONT_NAME = re.compile(r"^-?[A-Za-z][A-Za-z0-9-]*$")
_GENERIC_FONTS = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-sans-serif",
        "ui-serif",
        "ui-monospace",
        "ui-rounded",
        "math",
        "emoji",
        "fangsong",
    }
)

# Theme role → token paths to try, in order.
ROLE_TOKENS: Mapping[str, tuple[str, ...]] = {
    "kg-color-text": ("color.role.text", "color.neutral.900"),
    "kg-color-background": ("color.role.background", "color.neutral.50"),
    "kg-color-surface": ("color.role.surface", "color.neutral.100"),
    "kg-color-link": ("color.role.link", "color.primary.700", "color.primary.600"),
    "kg-color-primary": ("color.primary.500", "color.primary.600"),
    "kg-color-muted": ("color.role.muted", "color.neutral.600"),
    "kg-color-border": ("color.role.border", "color.neutral.200"),
    "kg-font-body": ("typography.font-family.body", "typography.fontFamily.body"),
    "kg-font-heading": ("typography.font-family.heading", "typography.fontFamily.heading"),
    "kg-font-mono": ("typography.font-family.mono", "typography.font-family.code"),
    "kg-line-height": ("typography.line-height.normal", "typography.line-height.body"),
    "kg-space": ("dimension.spacing.md", "dimension.spacing.4", "dimension.spacing.base"),
    "kg-radius": ("dimension.radius.md", "dimension.radius.medium", "dimension.radius.2"),
    "kg-measure": ("dimension.container.prose",),
    "kg-wide": ("dimension.container.page",),
}


def build_theme(design: DesignSystem) -> dict[str, str]:
    """CSS file path → CSS text."""
    return {TOKENS_CSS: tokens_css(design), SITE_CSS: site_css()}


def site_css() -> str:
    return (files("adapters.cms.theme") / "site.css").read_text(encoding="utf-8")


def tokens_css(design: DesignSystem) -> str:
    declarations: list[str] = []
    known: set[str] = set()
    for path, token, inherited_type in _walk(design.tokens, (), None):
        value = css_value(token.get("$value"), token.get("$type", inherited_type))
        if value is None:
            continue
        name = custom_property(path)
        known.add(".".join(path))
        declarations.append(f"  {name}: {value};")
    roles = []
    for role, candidates in ROLE_TOKENS.items():
        found = next((c for c in candidates if c in known), None)
        if found:
            roles.append(f"  --{role}: var({custom_property(tuple(found.split('.')))});")
    lines = [
        "/* Design tokens of this site, generated from its design system. */",
        ":root {",
        *declarations,
        *(["", "  /* Roles the theme (site.css) reads. */", *roles] if roles else []),
        "}",
        "",
    ]
    return "\n".join(lines)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``50`` before ``100`` and compares the rest as text."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def custom_property(path: tuple[str, ...]) -> str:
    """``("color", "primary", "500")`` → ``--color-primary-500``."""
    parts = [_NAME_PART.sub("-", part.lower()).strip("-") for part in path]
    return "--" + "-".join(p for p in parts if p)


def _walk(
    node: Mapping[str, Any], path: tuple[str, ...], inherited_type: str | None
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any], str | None]]:
    group_type = node.get("$type", inherited_type)
    # Natural order keeps 50 before 100 and gives the same file whatever the dict order.
    for key in sorted(node, key=natural_key):
        child = node[key]
        if key.startswith("$") or not isinstance(child, Mapping):
            continue
        if "$value" in child:
            yield (*path, key), child, group_type if isinstance(group_type, str) else None
        else:
            yield from _walk(child, (*path, key), group_type)


def css_value(value: object, token_type: object = None) -> str | None:
    """The CSS text for a token value, or None when CSS cannot express it safely."""
    text = _css_text(value, token_type)
    if text is None or not text.strip() or _UNSAFE_VALUE.search(text):
        return None
    return text


def _css_text(value: object, token_type: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        reference = _REFERENCE.match(value.strip())
        if reference:
            return f"var({custom_property(tuple(reference.group(1).split('.')))})"
        if token_type == "fontFamily":
            return _font_stack([part.strip() for part in value.split(",")])
        return value.strip()
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        if token_type == "fontFamily" and all(isinstance(v, str) for v in value):
            return _font_stack([str(v) for v in value])
        if token_type == "cubicBezier" and len(value) == 4:
            numbers = [_number(v) for v in value if isinstance(v, int | float)]
            return f"cubic-bezier({', '.join(numbers)})" if len(numbers) == 4 else None
        if token_type == "shadow":
            shadows = [_shadow(v) for v in value]
            return None if None in shadows else ", ".join(s for s in shadows if s)
        return None
    if isinstance(value, Mapping):
        if token_type == "shadow":
            return _shadow(value)
        if "hex" in value and isinstance(value["hex"], str):
            return value["hex"]  # DTCG colour object {colorSpace, components, hex}
        return _dimension(value)
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _dimension(value: Mapping[str, Any]) -> str | None:
    amount, unit = value.get("value"), value.get("unit")
    if isinstance(amount, int | float) and not isinstance(amount, bool) and isinstance(unit, str):
        return f"{_number(amount)}{unit}" if amount != 0 else "0"
    return None


def _shadow(value: object) -> str | None:
    if not isinstance(value, Mapping):
        return None
    parts = []
    for key in ("offsetX", "offsetY", "blur", "spread"):
        part = _css_text(value.get(key, 0), "dimension")
        if part is None:
            return None
        parts.append(part)
    color = _css_text(value.get("color"), "color")
    if color is None:
        return None
    inset = "inset " if value.get("inset") is True else ""
    return f"{inset}{' '.join(parts)} {color}"


def _font_stack(names: list[str]) -> str | None:
    cleaned = [n for n in names if n]
    if not cleaned:
        return None
    quoted = [
        n
        if n in _GENERIC_FONTS or _PLAIN_FONT_NAME.match(n) or n.startswith(('"', "'"))
        else '"' + n.replace('"', "") + '"'
        for n in cleaned
    ]
    if not any(n in _GENERIC_FONTS for n in cleaned):
        quoted.append("sans-serif")
    return ", ".join(quoted)
