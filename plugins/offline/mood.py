"""The mood of the material's images, and the type pairing that suits it.

The mood is read from the weighted palette: how saturated, how light and how warm its
colours are. Each mood maps to one pairing from a short curated list; every family in a
pairing is a font that ships with common systems, followed by fallbacks of the same kind, so
the site needs no web font to look as intended.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from plugins.offline.roles import Candidate

_SANS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
         "sans-serif")  # fmt: skip
_HUMANIST_SANS = ("Seravek", "Gill Sans Nova", "Ubuntu", "Calibri", "DejaVu Sans",
                  "source-sans-pro", "sans-serif")  # fmt: skip
_GEOMETRIC_SANS = ("Avenir Next", "Avenir", "Montserrat", "Century Gothic", "Futura",
                   "sans-serif")  # fmt: skip
_OLD_STYLE = ("Iowan Old Style", "Palatino Linotype", "URW Palladio L", "P052", "Georgia",
              "serif")  # fmt: skip
_DIDONE = ("Didot", "Bodoni 72", "Bodoni MT", "Noto Serif Display", "Georgia", "serif")
_TRANSITIONAL = ("Charter", "Bitstream Charter", "Sitka Text", "Cambria", "Georgia", "serif")
_ROUNDED = ("ui-rounded", "Hiragino Maru Gothic ProN", "Quicksand", "Comfortaa", "Manjari",
            "Arial Rounded MT", "Arial Rounded MT Bold", "Calibri", "sans-serif")  # fmt: skip


@attrs.frozen
class Pairing:
    mood: str
    heading: tuple[str, ...]
    body: tuple[str, ...]
    why: str


PAIRINGS = {
    "vivid": Pairing("vivid", _GEOMETRIC_SANS, _SANS, "saturated colours: a geometric sans"),
    "warm": Pairing("warm", _OLD_STYLE, _HUMANIST_SANS, "warm, earthy colours: an old-style serif"),
    "dark": Pairing("dark", _DIDONE, _TRANSITIONAL, "dark, contrasted colours: a didone"),
    "soft": Pairing("soft", _ROUNDED, _HUMANIST_SANS, "light, pastel colours: a rounded sans"),
    "calm": Pairing("calm", _TRANSITIONAL, _SANS, "muted colours: a quiet serif for headings"),
}
_WARM_HUES = ((0.0, 100.0), (330.0, 360.0))


def mood_of(candidates: Sequence[Candidate]) -> str | None:
    """The mood of the images' palette, or None when there are no images to judge."""
    total = sum(c.weight for c in candidates)
    if total <= 0:
        return None
    chroma = sum(c.colour.c * c.weight for c in candidates) / total
    lightness = sum(c.colour.l * c.weight for c in candidates) / total
    warm = sum(c.weight for c in candidates if _is_warm(c) and c.colour.c >= 0.03) / total
    if lightness < 0.4:
        return "dark"
    if chroma >= 0.12:
        return "vivid"
    if warm >= 0.4:
        return "warm"
    if lightness >= 0.78 and chroma >= 0.03:
        return "soft"
    return "calm"


def _is_warm(candidate: Candidate) -> bool:
    return any(low <= candidate.colour.h < high for low, high in _WARM_HUES)
