"""The colour part of the design tokens: role palettes with 11-step scales, semantic colours
and the text/background roles, checked against WCAG contrast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from plugins.offline.color import (
    Oklch,
    Rgb,
    contrast_ratio,
    hex_oklch,
    oklch_hex,
    parse_hex,
    relative_luminance,
    to_hex,
)
from plugins.offline.roles import Candidate, Pick, neutral_base

SOURCE_BRAND = "brand input"
SOURCE_DEFAULT = "default"
BRAND_ROLES = ("primary", "secondary", "accent")
SCALE_ROLES = (*BRAND_ROLES, "neutral")
MIN_CONTRAST = 4.5  # WCAG AA for body text

# Where each step sits between the base colour (500, at 0) and the lightest (1) or the
# darkest (-1) tone; tints lose chroma faster than shades, as printed colour scales do.
_STEP_POSITION = {50: 0.96, 100: 0.87, 200: 0.7, 300: 0.5, 400: 0.26, 500: 0.0,
                  600: -0.18, 700: -0.36, 800: -0.54, 900: -0.72, 950: -0.86}  # fmt: skip
_LIGHTEST, _DARKEST = 0.985, 0.16
_TINT_CHROMA_LOSS, _SHADE_CHROMA_LOSS = 0.75, 0.35

DEFAULT_PRIMARY = Oklch(0.5, 0.16, 262.0)  # a calm blue that passes as a link colour
_DERIVED_ROLES = {
    # role: (hue rotation from primary, chroma factor, why)
    "secondary": (-35.0, 0.8, "an analogous hue of the primary colour"),
    "accent": (180.0, 1.0, "the complementary hue of the primary colour"),
}
_NEUTRAL_LIGHTNESS, _NEUTRAL_CHROMA = 0.55, 0.012
_SEMANTIC = {
    "success": Oklch(0.52, 0.14, 150.0),
    "warning": Oklch(0.55, 0.13, 70.0),
    "error": Oklch(0.52, 0.19, 27.0),
    "info": Oklch(0.52, 0.13, 250.0),
}
_LIGHTNESS_STEP = 0.005
_WHITE, _BLACK = "#ffffff", "#000000"


@attrs.frozen
class BaseColour:
    """The 500 step of a role: ``value`` is kept exactly; ``colour`` derives the other steps."""

    role: str
    value: str
    colour: Oklch
    source: str
    note: str
    derived_from: str | None = None


def normalise_hex(text: str) -> str | None:
    rgb = parse_hex(text)
    return to_hex(rgb) if rgb is not None else None


def base_colours(brand: Sequence[str], picks: Mapping[str, Pick] | None = None) -> list[BaseColour]:
    """Brand colours (normalised hex) fill primary, secondary and accent in order; colours
    picked from the images fill the roles left; the rest derive from the primary colour by
    hue rotation."""
    picks = picks or {}
    bases: dict[str, BaseColour] = {}
    for role, value in zip(BRAND_ROLES, brand, strict=False):
        bases[role] = BaseColour(role, value, hex_oklch(value), SOURCE_BRAND, "brand colour")
    for role in BRAND_ROLES:
        if role not in bases and role in picks:
            pick = picks[role]
            bases[role] = BaseColour(
                role, pick.value, hex_oklch(pick.value), pick.source, pick.note
            )
    if "primary" not in bases:
        value = oklch_hex(DEFAULT_PRIMARY)
        bases["primary"] = BaseColour(
            "primary", value, hex_oklch(value), SOURCE_DEFAULT, "default primary colour"
        )
    primary = bases["primary"]
    for role, (rotation, chroma, why) in _DERIVED_ROLES.items():
        if role not in bases:
            colour = Oklch(primary.colour.l, primary.colour.c * chroma, primary.colour.h)
            value = oklch_hex(colour.rotated(rotation))
            bases[role] = BaseColour(
                role, value, hex_oklch(value), SOURCE_DEFAULT, why, "color.primary.500"
            )
    if "neutral" in picks:
        tint = picks["neutral"]
        neutral = oklch_hex(neutral_base(tint.colour))
        bases["neutral"] = BaseColour(
            "neutral", neutral, hex_oklch(neutral), tint.source, tint.note
        )
    else:
        neutral = oklch_hex(Oklch(_NEUTRAL_LIGHTNESS, _NEUTRAL_CHROMA, primary.colour.h))
        bases["neutral"] = BaseColour(
            "neutral",
            neutral,
            hex_oklch(neutral),
            SOURCE_DEFAULT,
            "greys tinted with the primary hue",
            "color.primary.500",
        )
    return [bases[role] for role in SCALE_ROLES]


def scale(base: BaseColour) -> dict[str, str]:
    """Step name -> hex, 50 (lightest) to 950 (darkest); 500 is the base value itself."""
    steps: dict[str, str] = {}
    lightest = max(_LIGHTEST, base.colour.l)
    darkest = min(_DARKEST, base.colour.l)
    for step, position in _STEP_POSITION.items():
        if position == 0:
            steps[str(step)] = base.value
            continue
        if position > 0:
            lightness = base.colour.l + (lightest - base.colour.l) * position
            chroma = base.colour.c * (1 - _TINT_CHROMA_LOSS * position)
        else:
            lightness = base.colour.l - (base.colour.l - darkest) * -position
            chroma = base.colour.c * (1 + _SHADE_CHROMA_LOSS * position)
        steps[str(step)] = oklch_hex(Oklch(lightness, chroma, base.colour.h))
    return steps


@attrs.frozen
class ContrastResult:
    value: str
    contrasts: dict[str, float]
    adjusted_from: str | None = None


def ensure_contrast(value: str, against: dict[str, str]) -> ContrastResult:
    """``value``, or the nearest tone of it (lightness changed in OKLCH, hue and chroma kept
    as far as sRGB allows) that has MIN_CONTRAST with every colour in ``against``."""

    def contrasts(candidate: str) -> dict[str, float]:
        return {path: round(contrast_ratio(candidate, bg), 2) for path, bg in against.items()}

    def passes(candidate: str) -> bool:
        return all(contrast_ratio(candidate, bg) >= MIN_CONTRAST for bg in against.values())

    if passes(value):
        return ContrastResult(value, contrasts(value))
    lightest_background = max(relative_luminance(_rgb(bg)) for bg in against.values())
    # Against light backgrounds a colour gets darker; against dark ones lighter.
    step = -_LIGHTNESS_STEP if lightest_background > 0.18 else _LIGHTNESS_STEP
    colour = hex_oklch(value)
    lightness = colour.l
    while 0.0 <= lightness + step <= 1.0:
        lightness += step
        candidate = oklch_hex(colour.with_lightness(lightness))
        if passes(candidate):
            return ContrastResult(candidate, contrasts(candidate), adjusted_from=value)
    extreme = _BLACK if step < 0 else _WHITE
    return ContrastResult(extreme, contrasts(extreme), adjusted_from=value)


def _rgb(value: str) -> Rgb:
    rgb = parse_hex(value)
    if rgb is None:
        raise ValueError(f"not a hex colour: {value!r}")
    return rgb


def color_tokens(
    brand: Sequence[str],
    picks: Mapping[str, Pick] | None = None,
    extracted: Sequence[Candidate] = (),
) -> dict[str, Any]:
    """The ``color`` group of the token tree. ``brand`` holds normalised hex values;
    ``picks`` the roles filled from images and ``extracted`` every swatch found in them."""
    bases = base_colours(brand, picks)
    group: dict[str, Any] = {}
    if brand:
        group["brand"] = {
            str(index): colour_token(value, SOURCE_BRAND, f"Brand colour {index}, as given.")
            for index, value in enumerate(brand, start=1)
        }
    if extracted:
        group["palette"] = {
            str(index): colour_token(c.hex, c.source, "A main colour of the images.")
            for index, c in enumerate(extracted, start=1)
        }
    scales: dict[str, dict[str, str]] = {}
    for base in bases:
        scales[base.role] = scale(base)
        group[base.role] = {
            step: colour_token(
                value,
                base.source,
                f"{base.role} {step}" + (f": {base.note}" if step == "500" else ""),
                derived_from=base.derived_from if step == "500" else f"color.{base.role}.500",
            )
            for step, value in scales[base.role].items()
        }
    sources = {base.role: base.source for base in bases}
    group["role"] = _role_tokens(scales, sources)
    background = group["role"]["background"]["$value"]
    group["semantic"] = {
        name: _checked_token(
            ensure_contrast(oklch_hex(colour), {"color.role.background": background}),
            SOURCE_DEFAULT,
            f"{name.capitalize()} messages; readable on the background.",
        )
        for name, colour in _SEMANTIC.items()
    }
    return group


def _role_tokens(scales: dict[str, dict[str, str]], sources: dict[str, str]) -> dict[str, Any]:
    neutral, primary = scales["neutral"], scales["primary"]
    background, surface = neutral["50"], neutral["100"]
    grounds = {"color.role.background": background, "color.role.surface": surface}
    roles: dict[str, Any] = {
        "background": colour_token(
            background, sources["neutral"], "Page background.", "color.neutral.50"
        ),
        "surface": colour_token(
            surface, sources["neutral"], "Cards and panels.", "color.neutral.100"
        ),
        "border": colour_token(
            neutral["200"], sources["neutral"], "Lines and borders.", "color.neutral.200"
        ),
    }
    checks = {
        "text": (neutral["900"], "neutral", "Body text.", "color.neutral.900"),
        "muted": (neutral["600"], "neutral", "Secondary text.", "color.neutral.600"),
        "link": (primary["500"], "primary", "Links.", "color.primary.500"),
    }
    for name, (value, role, description, origin) in checks.items():
        roles[name] = _checked_token(
            ensure_contrast(value, grounds), sources[role], description, origin
        )
    on_primary = max((_WHITE, _BLACK), key=lambda c: contrast_ratio(c, primary["500"]))
    roles["on-primary"] = _checked_token(
        ContrastResult(
            on_primary, {"color.primary.500": round(contrast_ratio(on_primary, primary["500"]), 2)}
        ),
        SOURCE_DEFAULT,
        "Text on primary-coloured buttons.",
    )
    return roles


def _checked_token(
    result: ContrastResult, source: str, description: str, derived_from: str | None = None
) -> dict[str, Any]:
    token = colour_token(result.value, source, description, derived_from)
    meta = token["$extensions"]["kirbygen"]
    meta["contrast"] = result.contrasts
    if result.adjusted_from is not None:
        meta["adjusted"] = {
            "from": result.adjusted_from,
            "to": result.value,
            "reason": f"lightness changed in OKLCH to reach a contrast of {MIN_CONTRAST}:1",
        }
    return token


def colour_token(
    value: str, source: str, description: str, derived_from: str | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {"source": source}
    if derived_from is not None:
        meta["derived_from"] = derived_from
    return {
        "$value": value,
        "$type": "color",
        "$description": description,
        "$extensions": {"kirbygen": meta},
    }
