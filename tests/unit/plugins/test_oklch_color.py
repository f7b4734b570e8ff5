from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.offline.color import (
    Oklch,
    clip_to_gamut,
    contrast_ratio,
    hex_oklch,
    in_gamut,
    oklch_hex,
    parse_hex,
    to_hex,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Reference values from the OKLab definition (Ottosson, 2020).
        ("#ffffff", (1.0, 0.0)),
        ("#000000", (0.0, 0.0)),
        ("#ff0000", (0.62796, 0.25768, 29.2339)),
        ("#00ff00", (0.86644, 0.29483, 142.4953)),
        ("#0000ff", (0.45201, 0.31321, 264.052)),
    ],
)
def test_known_colours(value: str, expected: tuple[float, ...]) -> None:
    colour = hex_oklch(value)
    assert colour.l == pytest.approx(expected[0], abs=1e-3)
    assert colour.c == pytest.approx(expected[1], abs=1e-3)
    if len(expected) == 3:
        assert colour.h == pytest.approx(expected[2], abs=0.05)


@given(st.integers(min_value=0, max_value=0xFFFFFF))
def test_hex_round_trips_through_oklch(number: int) -> None:
    value = f"#{number:06x}"
    assert oklch_hex(hex_oklch(value)) == value


@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=0.5),
    st.floats(min_value=0, max_value=359.99),
)
def test_gamut_clipping_keeps_lightness_and_hue(
    lightness: float, chroma: float, hue: float
) -> None:
    clipped = clip_to_gamut(Oklch(lightness, chroma, hue))
    assert in_gamut(clipped)
    assert clipped.l == lightness
    assert clipped.h == hue
    assert clipped.c <= chroma


def test_hex_parsing() -> None:
    short = parse_hex("#FA0")
    assert short is not None and to_hex(short) == "#ffaa00"
    plain = parse_hex("1e40af")
    assert plain is not None and to_hex(plain) == "#1e40af"
    assert parse_hex("#12345") is None
    assert parse_hex("blue") is None


def test_wcag_contrast() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    # A documented example: #767676 is the lightest grey that passes AA on white.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert math.isclose(contrast_ratio("#1e40af", "#f8fafc"), contrast_ratio("#f8fafc", "#1e40af"))
