"""Palette extraction: the main colours of an image, with the share of the image each covers.

The image is checked (format, pixel count from its header) and shrunk to at most
``THUMBNAIL_SIDE`` pixels a side before anything else: a palette needs no more, and it bounds
the work whatever the image's size. JPEGs are decoded at a reduced scale straight away
(``draft``). Pixels are then binned (5 bits a channel, keeping each bin's mean colour) and the
bins clustered with weighted k-means in OKLab, seeded deterministically (the heaviest bin,
then each time the bin farthest from the chosen centres, weighted by its pixel count), so
the same image always gives the same palette. The per-pixel and per-bin work runs in NumPy:
in pure Python it cost several times the decode of the image.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from PIL import Image

from domain.documents import IngestLimits
from plugins.offline.color import Oklch, oklab_to_oklch, oklch_hex
from plugins.offline.image_safety import open_image

THUMBNAIL_SIDE = 128
CLUSTERS = 6
MAX_ITERATIONS = 12
MIN_SHARE = 0.02  # clusters smaller than this are specks, not palette colours
_BIN_SHIFT = 3  # 8-bit channels binned to 5 bits
_BIN_BITS = 8 - _BIN_SHIFT
_OPAQUE = 128  # pixels less opaque than this (a logo's background) do not count
_CONVERGED = 1e-6

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]

# sRGB (linear) -> LMS and LMS' -> OKLab, as in plugins.offline.color.
_TO_LMS = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_TO_OKLAB = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)


@attrs.frozen
class Swatch:
    """One palette colour of one image: ``share`` of the image's counted pixels."""

    hex: str
    colour: Oklch
    share: float


def extract_palette(data: bytes, limits: IngestLimits, clusters: int = CLUSTERS) -> list[Swatch]:
    """The image's main colours, largest share first. Raises RejectedInput for an image
    that is not allowed or too large, and OSError/ValueError for a damaged one."""
    labs, counts = _bins(thumbnail_pixels(data, limits))
    if not len(counts):
        return []
    return cluster(labs, counts, clusters)


def thumbnail_pixels(data: bytes, limits: IngestLimits) -> npt.NDArray[np.uint8]:
    """The opaque pixels of the image shrunk to THUMBNAIL_SIDE a side, as rows of RGB."""
    with open_image(data, limits) as image:
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # JPEG: decode at 1/2…1/8 scale
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BOX, reducing_gap=2.0)
        rgba = np.frombuffer(image.convert("RGBA").tobytes(), dtype=np.uint8).reshape(-1, 4)
    return rgba[rgba[:, 3] >= _OPAQUE, :3]


def _bins(pixels: npt.NDArray[np.uint8]) -> tuple[Floats, Counts]:
    """OKLab of each occupied bin's mean colour and its pixel count, in bin order."""
    channels = pixels.astype(np.int64)
    binned = channels >> _BIN_SHIFT
    keys = (binned[:, 0] << (2 * _BIN_BITS)) | (binned[:, 1] << _BIN_BITS) | binned[:, 2]
    size = 1 << (3 * _BIN_BITS)
    counts = np.bincount(keys, minlength=size)
    occupied = np.flatnonzero(counts)
    sums = np.stack(
        [np.bincount(keys, weights=channels[:, c], minlength=size)[occupied] for c in range(3)],
        axis=1,
    )
    means = sums / counts[occupied, None] / 255
    return _oklab(means), counts[occupied].astype(np.int64)


def _oklab(rgb: Floats) -> Floats:
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lms = np.cbrt(linear @ _TO_LMS.T)
    result: Floats = lms @ _TO_OKLAB.T
    return result


def _squared_distances(labs: Floats, centres: Floats) -> Floats:
    """Bins x centres matrix of squared OKLab distances."""
    difference = labs[:, None, :] - centres[None, :, :]
    result: Floats = np.einsum("ijk,ijk->ij", difference, difference)
    return result


def _seeds(labs: Floats, counts: Counts, k: int) -> Floats:
    chosen = [int(np.argmax(counts))]
    nearest = _squared_distances(labs, labs[chosen[0]][None, :])[:, 0]
    while len(chosen) < k:
        index = int(np.argmax(nearest * counts))
        if nearest[index] <= 0:
            break  # fewer distinct colours than clusters
        chosen.append(index)
        nearest = np.minimum(nearest, _squared_distances(labs, labs[index][None, :])[:, 0])
    return labs[chosen].copy()


def cluster(labs: Floats, counts: Counts, k: int) -> list[Swatch]:
    """Weighted k-means of the bins; swatches of at least MIN_SHARE, largest first."""
    centres = _seeds(labs, counts, k)
    weights = counts.astype(np.float64)
    weighted = labs * weights[:, None]
    members = np.zeros(len(counts), dtype=np.int64)
    for _ in range(MAX_ITERATIONS):
        # The nearest centre by |c|² - 2 x·c: |x|² is the same for every centre of a bin.
        members = np.argmin(np.sum(centres**2, axis=1) - 2 * labs @ centres.T, axis=1)
        membership = members[:, None] == np.arange(len(centres))[None, :]
        mass = weights @ membership
        sums = membership.T.astype(np.float64) @ weighted
        updated = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1)[:, None], centres)
        moved = float(np.max(np.sum((updated - centres) ** 2, axis=1)))
        centres = updated
        if moved < _CONVERGED:
            break
    total = int(counts.sum())
    shares = np.bincount(members, weights=weights, minlength=len(centres)) / total
    swatches = []
    for centre, share in zip(centres, shares, strict=True):
        if share >= MIN_SHARE:
            colour = oklab_to_oklch(*(float(v) for v in centre))
            swatches.append(
                Swatch(hex=oklch_hex(colour), colour=colour, share=round(float(share), 4))
            )
    return sorted(swatches, key=lambda s: (-s.share, s.hex))
