"""Offline design skill: a W3C Design Tokens (DTCG) tree from the brand inputs, the images
and defaults.

Brand colours become the primary, secondary and accent palettes (in that order) and the
brand font heads both font stacks: brand inputs always win. Roles the brand leaves open are
filled from the palettes of the images (logo, then moodboard, then photos, see ``roles``),
the type pairing follows the images' mood (``mood``), and everything else is a documented
default. Every colour token names its source; text/background pairs are repaired to WCAG AA.
Images that are not raster images, exceed the limits or are damaged are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import IngestLimits
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.color import hex_oklch
from plugins.offline.mood import PAIRINGS, mood_of
from plugins.offline.palette import color_tokens, normalise_hex
from plugins.offline.roles import assign_roles, candidates
from plugins.offline.typography import clean_font_name, typography_tokens

SPACING_REM = (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8)
RADIUS_PX = {"sm": 4, "md": 8, "lg": 16, "full": 9999}
BREAKPOINT_PX = {"sm": 640, "md": 768, "lg": 1024, "xl": 1280}
CONTAINER_REM = {"prose": 42, "page": 72}
DURATION_MS = {"fast": 120, "normal": 200, "slow": 320}
EASING = {
    "standard": ([0.2, 0.0, 0.0, 1.0], "Moves that start and end on screen."),
    "enter": ([0.0, 0.0, 0.2, 1.0], "Elements appearing."),
    "exit": ([0.4, 0.0, 1.0, 1.0], "Elements leaving."),
}
# (offset y, blur, spread, alpha of the shadow colour) per elevation.
SHADOWS = {"sm": (1, 2, 0, 0.08), "md": (4, 12, -2, 0.12), "lg": (12, 32, -6, 0.16)}


class OfflineDesignSkill:
    slot = "design"
    name = "offline-design"
    version = "2"

    def __init__(self, limits: IngestLimits | None = None) -> None:
        # The pipeline screens images with the configured limits before they get here; these
        # are a second guard for callers that do not.
        self._limits = limits or IngestLimits()

    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        colours = _brand_colours(brand.colors)
        font = clean_font_name(brand.font)
        found, _skipped = candidates(images, self._limits)
        picks = assign_roles(found, [hex_oklch(c) for c in colours])
        color = color_tokens(colours, picks, sorted(found, key=lambda c: (-c.weight, c.hex)))
        mood = mood_of(found)
        shadow_base = color["neutral"]["950"]["$value"]
        return DesignSystem(
            tokens={
                "color": color,
                "typography": typography_tokens(font, PAIRINGS[mood] if mood else None),
                "dimension": _dimension_tokens(),
                "shadow": _shadow_tokens(shadow_base),
                "duration": {
                    name: {"$value": {"value": ms, "unit": "ms"}, "$type": "duration"}
                    for name, ms in DURATION_MS.items()
                },
                "easing": {
                    name: {"$value": curve, "$type": "cubicBezier", "$description": why}
                    for name, (curve, why) in EASING.items()
                },
            }
        )


def _brand_colours(values: Sequence[str]) -> list[str]:
    colours = []
    for value in values:
        normalised = normalise_hex(value)
        if normalised is None:
            raise InvalidInput(
                f"The brand colour {value!r} is not a hex colour such as #1e40af or #fa0."
            )
        colours.append(normalised)
    return colours


def _dimension_tokens() -> dict[str, Any]:
    return {
        "spacing": {
            str(index): _dimension(size, "rem") for index, size in enumerate(SPACING_REM, start=1)
        },
        "radius": {name: _dimension(px, "px") for name, px in RADIUS_PX.items()},
        "breakpoint": {name: _dimension(px, "px") for name, px in BREAKPOINT_PX.items()},
        "container": {name: _dimension(rem, "rem") for name, rem in CONTAINER_REM.items()},
    }


def _dimension(value: float, unit: str) -> dict[str, Any]:
    return {"$value": {"value": value, "unit": unit}, "$type": "dimension"}


def _shadow_tokens(base: str) -> dict[str, Any]:
    return {
        name: {
            "$value": {
                "color": f"{base}{round(alpha * 255):02x}",
                "offsetX": {"value": 0, "unit": "px"},
                "offsetY": {"value": offset, "unit": "px"},
                "blur": {"value": blur, "unit": "px"},
                "spread": {"value": spread, "unit": "px"},
            },
            "$type": "shadow",
        }
        for name, (offset, blur, spread, alpha) in SHADOWS.items()
    }


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [OfflineDesignSkill()]
