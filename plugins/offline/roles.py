"""From image palettes to colour roles: which extracted colour becomes primary, secondary,
accent and the tint of the neutrals, and where each came from.

A logo speaks for the brand more than a moodboard, and a moodboard more than a photo of the
work, so each image's swatches are weighted by its role before they compete. Saturated
colours of a middle lightness make roles; near-greys only tint the neutral scale. Brand
colours given by the person take their roles first; extraction fills the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs
from PIL import Image

from domain.design import ImageSample
from domain.documents import IngestLimits, RejectedInput
from plugins.offline.color import Oklch

if TYPE_CHECKING:
    from plugins.offline.extraction import Swatch

ROLE_WEIGHT = {"logo": 3.0, "moodboard": 2.0, "photo": 1.0}
MAX_PHOTOS = 12  # photos of the work inform the palette; a dozen is plenty and bounds the cost
_MIN_CHROMA = 0.04
_LIGHTNESS_RANGE = (0.2, 0.92)
_MIN_HUE_GAP_SECONDARY = 20.0
_MIN_HUE_GAP_ACCENT = 45.0
_NEUTRAL_MAX_CHROMA = 0.025


@attrs.frozen
class Candidate:
    """A swatch of one image, weighted by that image's role; ``source`` says where it is from."""

    hex: str
    colour: Oklch
    share: float
    weight: float
    source: str


@attrs.frozen
class Pick:
    """The colour chosen for a role: ``value`` is a hex colour, ``note`` says why."""

    value: str
    colour: Oklch
    source: str
    note: str


def source_label(image: ImageSample, share: float) -> str:
    if image.role == "logo":
        return f"logo (share {share:.2f})"
    kind = "moodboard image" if image.role == "moodboard" else image.role
    return f"{kind} {image.name} (share {share:.2f})"


def candidates(
    images: Sequence[ImageSample], limits: IngestLimits
) -> tuple[list[Candidate], list[str]]:
    """Every usable swatch of the images, and the names of the images that were skipped
    (not raster images, over the limits, or damaged)."""
    if not images:
        return [], []
    # NumPy costs about 0.3 s of start-up: paid only when there is an image to analyse.
    from plugins.offline.extraction import extract_palette

    found: list[Candidate] = []
    skipped: list[str] = []
    photos = 0
    for image in images:
        if image.role == "photo":
            photos += 1
            if photos > MAX_PHOTOS:
                continue
        try:
            swatches = extract_palette(image.data, limits)
        except (RejectedInput, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            skipped.append(image.name)
            continue
        weight = ROLE_WEIGHT.get(image.role, 1.0)
        found.extend(_candidate(image, swatch, weight) for swatch in swatches)
    return found, skipped


def _candidate(image: ImageSample, swatch: Swatch, weight: float) -> Candidate:
    return Candidate(
        hex=swatch.hex,
        colour=swatch.colour,
        share=swatch.share,
        weight=weight * swatch.share,
        source=source_label(image, swatch.share),
    )


def hue_gap(a: float, b: float) -> float:
    gap = abs(a - b) % 360.0
    return min(gap, 360.0 - gap)


def _chromatic(candidate: Candidate) -> bool:
    low, high = _LIGHTNESS_RANGE
    return candidate.colour.c >= _MIN_CHROMA and low <= candidate.colour.l <= high


def _score(candidate: Candidate) -> float:
    # Weight first; among equals, the more saturated colour carries the brand better.
    return candidate.weight * (0.3 + min(candidate.colour.c, 0.2) / 0.2)


def assign_roles(found: Iterable[Candidate], given: Sequence[Oklch]) -> dict[str, Pick]:
    """Picks for the roles the ``given`` brand colours (primary, secondary, accent in order)
    leave open, plus ``neutral`` when a near-grey is prominent."""
    pool = sorted(found, key=lambda c: (-_score(c), c.hex))
    chromatic = [c for c in pool if _chromatic(c)]
    picks: dict[str, Pick] = {}
    anchors = list(given)
    if not anchors and chromatic:
        first = chromatic.pop(0)
        picks["primary"] = _pick(first, "the most prominent saturated colour of the images")
        anchors.append(first.colour)
    gaps = {"secondary": _MIN_HUE_GAP_SECONDARY, "accent": _MIN_HUE_GAP_ACCENT}
    for index, role in enumerate(("secondary", "accent"), start=1):
        if len(given) > index or not anchors:
            continue
        choice = next(
            (c for c in chromatic if all(hue_gap(c.colour.h, a.h) >= gaps[role] for a in anchors)),
            None,
        )
        if choice is not None:
            chromatic.remove(choice)
            picks[role] = _pick(choice, f"a prominent colour of the images for the {role} role")
            anchors.append(choice.colour)
    greys = [c for c in pool if c.colour.c < _MIN_CHROMA]
    if greys:
        tint = max(greys, key=lambda c: (c.weight, c.hex))
        if tint.colour.c > 0.005:
            picks["neutral"] = _pick(tint, "greys tinted like the images' most common near-grey")
    return picks


def _pick(candidate: Candidate, note: str) -> Pick:
    return Pick(value=candidate.hex, colour=candidate.colour, source=candidate.source, note=note)


def neutral_base(tint: Oklch) -> Oklch:
    """A mid grey carrying a little of ``tint``'s hue, from which the neutral scale grows."""
    return Oklch(0.55, min(tint.c, _NEUTRAL_MAX_CHROMA), tint.h)
