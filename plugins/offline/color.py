"""Colour maths: sRGB <-> OKLab <-> OKLCH, gamut clipping, WCAG luminance and contrast.

OKLab is Björn Ottosson's perceptual colour space (2020); its lightness steps look even,
which is why the palette scales are computed in its polar form, OKLCH.
"""

from __future__ import annotations

import math
import re

import attrs

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Colours this close to the sRGB cube count as inside it (floating point noise).
_GAMUT_EPSILON = 1e-6
_CLIP_ITERATIONS = 24


@attrs.frozen
class Rgb:
    """sRGB with gamma-encoded channels in [0, 1]."""

    r: float
    g: float
    b: float


@attrs.frozen
class Oklch:
    """Lightness in [0, 1], chroma >= 0 (about 0.37 at most in sRGB), hue in degrees [0, 360)."""

    l: float  # noqa: E741 - the colour science name
    c: float
    h: float

    def with_lightness(self, lightness: float) -> Oklch:
        return Oklch(min(1.0, max(0.0, lightness)), self.c, self.h)

    def rotated(self, degrees: float) -> Oklch:
        return Oklch(self.l, self.c, (self.h + degrees) % 360.0)


def parse_hex(text: str) -> Rgb | None:
    """'#3366cc', '3366CC' or '#36c' -> Rgb; None when it is not a hex colour."""
    match = _HEX.match(text.strip())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    r, g, b = (int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return Rgb(r, g, b)


def to_hex(rgb: Rgb) -> str:
    channels = (round(min(1.0, max(0.0, c)) * 255) for c in (rgb.r, rgb.g, rgb.b))
    return "#" + "".join(f"{c:02x}" for c in channels)


def _to_linear(channel: float) -> float:
    if channel <= 0.04045:
        return channel / 12.92
    return float(((channel + 0.055) / 1.055) ** 2.4)


def _from_linear(channel: float) -> float:
    if channel <= 0.0031308:
        return 12.92 * channel
    return float(1.055 * channel ** (1 / 2.4) - 0.055)


def _linear_to_oklab(r: float, g: float, b: float) -> tuple[float, float, float]:
    lms = (
        0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
        0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
        0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b,
    )
    l_, m_, s_ = (math.cbrt(v) for v in lms)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _oklab_to_linear(lightness: float, a: float, b: float) -> tuple[float, float, float]:
    l_ = lightness + 0.3963377774 * a + 0.2158037573 * b
    m_ = lightness - 0.1055613458 * a - 0.0638541728 * b
    s_ = lightness - 0.0894841775 * a - 1.2914855480 * b
    l3, m3, s3 = l_**3, m_**3, s_**3
    return (
        4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
        -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
        -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3,
    )


def rgb_to_oklch(rgb: Rgb) -> Oklch:
    lightness, a, b = _linear_to_oklab(*(_to_linear(c) for c in (rgb.r, rgb.g, rgb.b)))
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360.0 if chroma > 1e-9 else 0.0
    return Oklch(lightness, chroma, hue)


def _oklch_to_linear(colour: Oklch) -> tuple[float, float, float]:
    radians = math.radians(colour.h)
    return _oklab_to_linear(colour.l, colour.c * math.cos(radians), colour.c * math.sin(radians))


def in_gamut(colour: Oklch) -> bool:
    return all(-_GAMUT_EPSILON <= c <= 1 + _GAMUT_EPSILON for c in _oklch_to_linear(colour))


def clip_to_gamut(colour: Oklch) -> Oklch:
    """The colour with its chroma reduced (lightness and hue kept) until sRGB can show it."""
    colour = colour.with_lightness(colour.l)
    if in_gamut(colour):
        return colour
    low, high = 0.0, colour.c
    for _ in range(_CLIP_ITERATIONS):
        middle = (low + high) / 2
        if in_gamut(Oklch(colour.l, middle, colour.h)):
            low = middle
        else:
            high = middle
    return Oklch(colour.l, low, colour.h)


def oklch_to_rgb(colour: Oklch) -> Rgb:
    """sRGB of a colour, gamut-clipped first so no channel is cut off on its own."""
    linear = _oklch_to_linear(clip_to_gamut(colour))
    r, g, b = (_from_linear(min(1.0, max(0.0, c))) for c in linear)
    return Rgb(r, g, b)


def oklch_hex(colour: Oklch) -> str:
    return to_hex(oklch_to_rgb(colour))


def hex_oklch(text: str) -> Oklch:
    rgb = parse_hex(text)
    if rgb is None:
        raise ValueError(f"not a hex colour: {text!r}")
    return rgb_to_oklch(rgb)


def relative_luminance(rgb: Rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    r, g, b = (_to_linear(c) for c in (rgb.r, rgb.g, rgb.b))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two hex colours, from 1 to 21."""
    lum = sorted((relative_luminance(_rgb(first)), relative_luminance(_rgb(second))), reverse=True)
    return (lum[0] + 0.05) / (lum[1] + 0.05)


def _rgb(text: str) -> Rgb:
    rgb = parse_hex(text)
    if rgb is None:
        raise ValueError(f"not a hex colour: {text!r}")
    return rgb


def rgb_to_oklab(rgb: Rgb) -> tuple[float, float, float]:
    """OKLab (lightness, a, b) of an sRGB colour: the space palettes are clustered in, where
    straight-line distance matches how different two colours look."""
    return _linear_to_oklab(*(_to_linear(c) for c in (rgb.r, rgb.g, rgb.b)))


def oklab_to_oklch(lightness: float, a: float, b: float) -> Oklch:
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360.0 if chroma > 1e-9 else 0.0
    return Oklch(lightness, chroma, hue)
