"""Palettes stay what they were: each image's palette matches the one recorded in
tests/fixtures/palettes/reference.json (recorded from the first, pure-Python extraction)
colour for colour within ΔE2000 < 2, with the same shares give or take two points."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from domain.documents import IngestLimits
from plugins.offline.extraction import extract_palette
from tests.unit.plugins.ciede2000 import delta_e_2000
from tests.unit.plugins.palette_images import REFERENCE, palette_images

MAX_DELTA_E = 2.0
MAX_SHARE_DRIFT = 0.02

_REFERENCE: dict[str, list[dict[str, Any]]] = json.loads(REFERENCE.read_text(encoding="utf-8"))
_IMAGES = palette_images()


def worst_pairing(
    recorded: list[tuple[str, float]], found: list[tuple[str, float]]
) -> tuple[float, float]:
    """(largest ΔE2000, largest share drift) of the best one-to-one pairing of the swatches:
    two swatches of near-equal share may trade places without the palette changing."""
    best = (float("inf"), float("inf"))
    for order in itertools.permutations(found):
        worst_e = max(delta_e_2000(a[0], b[0]) for a, b in zip(recorded, order, strict=True))
        worst_share = max(abs(a[1] - b[1]) for a, b in zip(recorded, order, strict=True))
        best = min(best, (worst_e, worst_share))
    return best


def test_the_reference_covers_every_test_image() -> None:
    assert sorted(_REFERENCE) == sorted(_IMAGES)
    assert len(_IMAGES) >= 8


@pytest.mark.parametrize("name", sorted(_IMAGES))
def test_the_palette_matches_the_recorded_one(name: str) -> None:
    recorded = [(swatch["hex"], swatch["share"]) for swatch in _REFERENCE[name]]
    found = [
        (swatch.hex, swatch.share) for swatch in extract_palette(_IMAGES[name], IngestLimits())
    ]
    assert len(found) == len(recorded), (recorded, found)
    worst_e, worst_share = worst_pairing(recorded, found)
    assert worst_e < MAX_DELTA_E, (recorded, found)
    assert worst_share <= MAX_SHARE_DRIFT, (recorded, found)


def test_the_comparison_catches_a_changed_palette() -> None:
    recorded = [("#1e40af", 0.5), ("#e11d48", 0.5)]
    assert worst_pairing(recorded, [("#e11d48", 0.5), ("#1e40af", 0.5)]) == (0.0, 0.0)
    worst_e, _ = worst_pairing(recorded, [("#1e40af", 0.5), ("#e8334f", 0.5)])
    assert worst_e >= MAX_DELTA_E
