"""The typography part of the design tokens: font stacks, weights, a modular scale, leading."""

from __future__ import annotations

import re
from typing import Any

from domain.errors import InvalidInput
from plugins.offline.mood import Pairing
from plugins.offline.palette import SOURCE_BRAND, SOURCE_DEFAULT

SANS_STACK = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
              "sans-serif")  # fmt: skip
SERIF_STACK = ("Iowan Old Style", "Palatino Linotype", "Georgia", "Times New Roman", "serif")
MONO_STACK = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono",
              "monospace")  # fmt: skip
# Font names reach CSS later; anything beyond letters, digits and a few marks is refused.
_FONT_NAME = re.compile(r"^[^\W_][\w .'&+\-]{0,79}$")
_SERIF_HINTS = ("serif", "garamond", "times", "georgia", "baskerville", "caslon", "bodoni",
                "didot", "playfair", "merriweather", "lora", "crimson", "minion", "palatino",
                "cormorant", "spectral", "fraunces", "charter", "cambria")  # fmt: skip
_MONO_HINTS = ("mono", "code", "courier", "consolas", "menlo")

SCALE_RATIO = 1.25  # major third: distinct heading sizes without shouting
_SCALE_STEPS = {"xs": -2, "sm": -1, "base": 0, "lg": 1, "xl": 2, "2xl": 3, "3xl": 4, "4xl": 5}
_WEIGHTS = {"regular": 400, "medium": 500, "semibold": 600, "bold": 700}
_LINE_HEIGHTS = {"tight": 1.15, "snug": 1.3, "normal": 1.6}


def clean_font_name(font: str | None) -> str | None:
    """The brand font name with its whitespace tidied; None when none was given."""
    if font is None or not font.strip():
        return None
    name = " ".join(font.split())
    if not _FONT_NAME.match(name):
        raise InvalidInput(
            f"The font name {font!r} may contain only letters, digits, spaces and . ' & + -"
            " (at most 80 characters)."
        )
    return name


def fallback_stack(font: str) -> tuple[str, ...]:
    """System fonts of the same family (serif, monospace or sans-serif) as ``font``."""
    lowered = font.lower()
    if any(hint in lowered for hint in _MONO_HINTS):
        return MONO_STACK
    if "sans" not in lowered and any(hint in lowered for hint in _SERIF_HINTS):
        return SERIF_STACK
    return SANS_STACK


def typography_tokens(font: str | None, pairing: Pairing | None = None) -> dict[str, Any]:
    """``font`` must have passed ``clean_font_name``; it wins over everything. Without one,
    the ``pairing`` chosen for the images' mood, else a system serif for headings with the
    system sans-serif for text: no web fonts to download."""
    if font is not None:
        stack = [font, *fallback_stack(font)]
        families = {
            "heading": _family(stack, SOURCE_BRAND, "Headings: the brand font."),
            "body": _family(stack, SOURCE_BRAND, "Running text: the brand font."),
        }
    elif pairing is not None:
        source = f"{SOURCE_DEFAULT} (mood of the images: {pairing.mood})"
        families = {
            "heading": _family(list(pairing.heading), source, f"Headings: {pairing.why}."),
            "body": _family(list(pairing.body), source, "Running text, paired with the headings."),
        }
    else:
        families = {
            "heading": _family(list(SERIF_STACK), SOURCE_DEFAULT, "Headings: system serif."),
            "body": _family(list(SANS_STACK), SOURCE_DEFAULT, "Running text: system sans-serif."),
        }
    families["mono"] = _family(list(MONO_STACK), SOURCE_DEFAULT, "Code.")
    return {
        "font-family": families,
        "font-weight": {
            name: {"$value": weight, "$type": "fontWeight"} for name, weight in _WEIGHTS.items()
        },
        "scale-ratio": {
            "$value": SCALE_RATIO,
            "$type": "number",
            "$description": "Each font size is the next smaller one times this ratio.",
        },
        "font-size": {
            name: {
                "$value": {"value": round(SCALE_RATIO**power, 3), "unit": "rem"},
                "$type": "dimension",
            }
            for name, power in _SCALE_STEPS.items()
        },
        "line-height": {
            name: {"$value": height, "$type": "number"} for name, height in _LINE_HEIGHTS.items()
        },
    }


def _family(stack: list[str], source: str, description: str) -> dict[str, Any]:
    return {
        "$value": stack,
        "$type": "fontFamily",
        "$description": description,
        "$extensions": {"kirbygen": {"source": source}},
    }
