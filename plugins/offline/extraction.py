"""Palette extraction: the main colours of an image, with the share of the image each covers.

The image is checked (format, pixel count from its header) and shrunk to at most
``THUMBNAIL_SIDE`` pixels a side before anything else: a palette needs no more, and it bounds
the work whatever the image's size. JPEGs are decoded at a reduced scale straight away
(``draft``). Pixels are then binned (5 bits a channel, keeping each bin's mean colour) and the
bins clustered with weighted k-means in OKLab, seeded deterministically (the heaviest bin,
then each time the bin farthest from the chosen centres, weighted by its pixel count), so
the same image always gives the same palette.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from PIL import Image

from domain.documents import IngestLimits
from plugins.offline.color import Oklch, Rgb, oklab_to_oklch, oklch_hex, rgb_to_oklab
from plugins.offline.image_safety import open_image

THUMBNAIL_SIDE = 128
CLUSTERS = 6
MAX_ITERATIONS = 12
MIN_SHARE = 0.02  # clusters smaller than this are specks, not palette colours
_BIN_SHIFT = 3  # 8-bit channels binned to 5 bits
_OPAQUE = 128  # pixels less opaque than this (a logo's background) do not count
_CONVERGED = 1e-6

Lab = tuple[float, float, float]


@attrs.frozen
class Swatch:
    """One palette colour of one image: ``share`` of the image's counted pixels."""

    hex: str
    colour: Oklch
    share: float


def extract_palette(data: bytes, limits: IngestLimits, clusters: int = CLUSTERS) -> list[Swatch]:
    """The image's main colours, largest share first. Raises RejectedInput for an image
    that is not allowed or too large, and OSError/ValueError for a damaged one."""
    pixels = thumbnail_pixels(data, limits)
    bins = _bins(pixels)
    if not bins:
        return []
    return cluster(bins, clusters)


def thumbnail_pixels(data: bytes, limits: IngestLimits) -> list[tuple[int, int, int]]:
    """The opaque pixels of the image shrunk to THUMBNAIL_SIDE a side (RGB)."""
    with open_image(data, limits) as image:
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # JPEG: decode at 1/2…1/8 scale
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BOX, reducing_gap=2.0)
        raw = image.convert("RGBA").tobytes()
    return [
        (raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 4) if raw[i + 3] >= _OPAQUE
    ]


def _bins(pixels: Sequence[tuple[int, int, int]]) -> list[tuple[Lab, int]]:
    """(OKLab of the bin's mean colour, pixel count) for each occupied bin."""
    sums: dict[int, list[int]] = {}
    for r, g, b in pixels:
        key = ((r >> _BIN_SHIFT) << 10) | ((g >> _BIN_SHIFT) << 5) | (b >> _BIN_SHIFT)
        entry = sums.get(key)
        if entry is None:
            sums[key] = [r, g, b, 1]
        else:
            entry[0] += r
            entry[1] += g
            entry[2] += b
            entry[3] += 1
    return [
        (rgb_to_oklab(Rgb(r / n / 255, g / n / 255, b / n / 255)), n)
        for _, (r, g, b, n) in sorted(sums.items())
    ]


def _distance(a: Lab, b: Lab) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2


def _seeds(bins: Sequence[tuple[Lab, int]], k: int) -> list[Lab]:
    centres = [max(bins, key=lambda item: item[1])[0]]
    nearest = [_distance(lab, centres[0]) for lab, _ in bins]
    while len(centres) < k:
        index = max(range(len(bins)), key=lambda i: nearest[i] * bins[i][1])
        if nearest[index] <= 0:
            break  # fewer distinct colours than clusters
        centres.append(bins[index][0])
        nearest = [
            min(d, _distance(lab, centres[-1])) for d, (lab, _) in zip(nearest, bins, strict=True)
        ]
    return centres


def cluster(bins: Sequence[tuple[Lab, int]], k: int) -> list[Swatch]:
    """Weighted k-means of the bins; swatches of at least MIN_SHARE, largest first."""
    centres = _seeds(bins, k)
    total = sum(n for _, n in bins)
    members: list[int] = []
    for _ in range(MAX_ITERATIONS):
        members = [
            min(range(len(centres)), key=lambda c: _distance(lab, centres[c])) for lab, _ in bins
        ]
        sums = [[0.0, 0.0, 0.0, 0.0] for _ in centres]
        for (lab, n), c in zip(bins, members, strict=True):
            entry = sums[c]
            entry[0] += lab[0] * n
            entry[1] += lab[1] * n
            entry[2] += lab[2] * n
            entry[3] += n
        moved = 0.0
        updated: list[Lab] = []
        for centre, (sl, sa, sb, count) in zip(centres, sums, strict=True):
            new = (sl / count, sa / count, sb / count) if count else centre
            moved = max(moved, _distance(centre, new))
            updated.append(new)
        centres = updated
        if moved < _CONVERGED:
            break
    weights = [0] * len(centres)
    for (_, n), c in zip(bins, members, strict=True):
        weights[c] += n
    swatches = []
    for centre, weight in zip(centres, weights, strict=True):
        share = weight / total
        if share >= MIN_SHARE:
            colour = oklab_to_oklch(*centre)
            swatches.append(Swatch(hex=oklch_hex(colour), colour=colour, share=round(share, 4)))
    return sorted(swatches, key=lambda s: (-s.share, s.hex))
