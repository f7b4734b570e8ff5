from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.errors import InvalidInput
from plugins.offline.color import contrast_ratio, hex_oklch
from plugins.offline.design import OfflineDesignSkill

TOKEN_TYPES = {
    "color",
    "dimension",
    "fontFamily",
    "fontWeight",
    "number",
    "shadow",
    "duration",
    "cubicBezier",
}
SOURCES = {"brand input", "default"}
STEPS = ["50", "100", "200", "300", "400", "500", "600", "700", "800", "900", "950"]
REQUIRED_PATHS = [
    *(f"color.{role}.{step}" for role in ("primary", "secondary", "accent", "neutral")
      for step in STEPS),
    *(f"color.semantic.{name}" for name in ("success", "warning", "error", "info")),
    *(f"color.role.{name}" for name in ("text", "background", "surface", "link")),
    "typography.font-family.heading",
    "typography.font-family.body",
    "typography.font-weight.regular",
    "typography.font-weight.bold",
    "typography.font-size.base",
    "typography.line-height.normal",
    "typography.scale-ratio",
    "dimension.spacing.1",
    "dimension.spacing.4",
    "dimension.radius.sm",
    "dimension.radius.md",
    "dimension.radius.lg",
    "dimension.breakpoint.md",
    "shadow.md",
    "duration.normal",
    "easing.standard",
]  # fmt: skip


def design(colors: tuple[str, ...] = (), font: str | None = None) -> DesignSystem:
    return OfflineDesignSkill().design(BrandInputs(colors=colors, font=font), [])


def tokens(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for key, node in tree.items():
        if key.startswith("$"):
            continue
        assert isinstance(node, dict), f"{path}{key} is neither a group nor a token"
        if "$value" in node:
            yield f"{path}{key}", node
        else:
            yield from tokens(node, f"{path}{key}.")


BRANDS = [(), ("#ffcc00",), ("#1e40af", "#e11d48", "#10b981"), ("#000000", "#ffffff")]


@pytest.mark.parametrize("colors", BRANDS)
def test_every_token_has_a_value_and_a_dtcg_type(colors: tuple[str, ...]) -> None:
    system = design(colors)
    found = dict(tokens(system.tokens))
    assert found
    for path, token in found.items():
        assert token["$type"] in TOKEN_TYPES, path
        if token["$type"] == "dimension":
            assert set(token["$value"]) == {"value", "unit"}, path
            assert token["$value"]["unit"] in {"px", "rem"}, path
    for path in REQUIRED_PATHS:
        assert system.token(path) is not None, path


@pytest.mark.parametrize("colors", BRANDS)
def test_every_colour_token_says_where_it_came_from(colors: tuple[str, ...]) -> None:
    for path, token in tokens(design(colors).tokens):
        if token["$type"] == "color":
            assert token["$extensions"]["kirbygen"]["source"] in SOURCES, path
            assert token["$value"].startswith("#") and len(token["$value"]) == 7, path


@pytest.mark.parametrize("colors", BRANDS)
def test_text_and_link_roles_meet_wcag_aa(colors: tuple[str, ...]) -> None:
    system = design(colors)
    role = {
        name: system.value(f"color.role.{name}")
        for name in ("text", "background", "surface", "link")
    }
    assert contrast_ratio(role["text"], role["background"]) >= 4.5
    assert contrast_ratio(role["text"], role["surface"]) >= 4.5
    assert contrast_ratio(role["link"], role["background"]) >= 4.5
    for name in ("success", "warning", "error", "info"):
        assert contrast_ratio(system.value(f"color.semantic.{name}"), role["background"]) >= 4.5


def test_brand_colours_fill_primary_secondary_and_accent_exactly() -> None:
    system = design(("#1E40AF", "#e11d48", "#10b981", "#123456"))
    assert system.value("color.primary.500") == "#1e40af"
    assert system.value("color.secondary.500") == "#e11d48"
    assert system.value("color.accent.500") == "#10b981"
    assert system.value("color.brand.4") == "#123456"
    for role in ("primary", "secondary", "accent"):
        token = system.token(f"color.{role}.500")
        assert token is not None
        assert token["$extensions"]["kirbygen"]["source"] == "brand input"
    neutral = system.token("color.neutral.500")
    assert neutral is not None and neutral["$extensions"]["kirbygen"]["source"] == "default"


def test_a_brand_colour_that_passes_is_the_link_colour_unchanged() -> None:
    link = design(("#1e40af",)).token("color.role.link")
    assert link is not None
    assert link["$value"] == "#1e40af"
    assert link["$extensions"]["kirbygen"]["source"] == "brand input"
    assert "adjusted" not in link["$extensions"]["kirbygen"]


def test_a_brand_colour_too_light_for_links_is_darkened_and_recorded() -> None:
    system = design(("#ffcc00",))
    assert system.value("color.primary.500") == "#ffcc00"
    link = system.token("color.role.link")
    assert link is not None
    adjusted = link["$extensions"]["kirbygen"]["adjusted"]
    assert adjusted["from"] == "#ffcc00"
    assert adjusted["to"] == link["$value"] != "#ffcc00"
    before, after = hex_oklch("#ffcc00"), hex_oklch(link["$value"])
    assert after.l < before.l
    assert abs(after.h - before.h) < 5  # still the brand's hue


@pytest.mark.parametrize("colors", BRANDS)
def test_scales_run_from_light_to_dark(colors: tuple[str, ...]) -> None:
    system = design(colors)
    for role in ("primary", "secondary", "accent", "neutral"):
        lightness = [hex_oklch(system.value(f"color.{role}.{step}")).l for step in STEPS]
        assert lightness == sorted(lightness, reverse=True), role


def test_derived_roles_follow_the_primary_hue_by_rotation() -> None:
    system = design(("#1e40af",))
    primary = hex_oklch("#1e40af").h
    accent = hex_oklch(system.value("color.accent.500")).h
    assert abs((accent - primary) % 360 - 180) < 3
    token = system.token("color.accent.500")
    assert token is not None
    assert token["$extensions"]["kirbygen"] == {
        "source": "default",
        "derived_from": "color.primary.500",
    }


def test_brand_font_heads_both_stacks_with_fallbacks() -> None:
    system = design(font="  Playfair   Display ")
    heading = system.value("typography.font-family.heading")
    body = system.value("typography.font-family.body")
    assert heading[0] == body[0] == "Playfair Display"
    assert heading[-1] == "serif"
    assert design(font="Inter").value("typography.font-family.body")[-1] == "sans-serif"
    default = design()
    assert default.value("typography.font-family.body")[0] == "system-ui"


def test_type_scale_is_modular() -> None:
    system = design()
    ratio = system.value("typography.scale-ratio")
    base = system.value("typography.font-size.base")["value"]
    large = system.value("typography.font-size.lg")["value"]
    assert large == pytest.approx(base * ratio, abs=1e-3)


@pytest.mark.parametrize("bad", ["blue", "#12345", "#ggg"])
def test_a_colour_that_is_not_hex_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a hex colour"):
        design((bad,))


def test_a_font_name_that_could_break_css_is_refused() -> None:
    with pytest.raises(InvalidInput, match="font name"):
        design(font="Arial; } body { display: none")


def test_deterministic_and_an_unreadable_image_changes_nothing() -> None:
    brand = BrandInputs(colors=("#e11d48",), font="Inter")
    image = ImageSample(name="mood.png", role="moodboard", data=b"\x89PNG...")
    first = OfflineDesignSkill().design(brand, [])
    assert OfflineDesignSkill().design(brand, []) == first
    assert OfflineDesignSkill().design(brand, [image]) == first
