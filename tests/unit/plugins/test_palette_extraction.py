"""Palettes extracted from images with known colour blocks, roles, contrast and provenance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import IngestLimits
from plugins.offline.color import contrast_ratio
from plugins.offline.design import OfflineDesignSkill
from plugins.offline.extraction import extract_palette
from tests.unit.plugins.ciede2000 import delta_e_2000
from tests.unit.plugins.sample_files import blocks_image, image_bytes, png_header_only

BLOCKS = [("#1e40af", 0.4), ("#e11d48", 0.25), ("#10b981", 0.2), ("#f5f0e6", 0.15)]
# Every text colour the theme sets on every background it sets it on (adapters/cms/kirby
# site.css: text, muted and links on the page background and on surfaces).
THEME_PAIRS = [
    (text, ground)
    for text in ("color.role.text", "color.role.muted", "color.role.link")
    for ground in ("color.role.background", "color.role.surface")
] + [("color.role.on-primary", "color.primary.500")]


def test_d_e_2000_matches_published_reference_pairs() -> None:
    assert delta_e_2000("#ff0000", "#ff0000") == 0
    assert delta_e_2000("#000000", "#ffffff") == pytest.approx(100, abs=0.01)
    assert delta_e_2000("#1e40af", "#1e41af") < 1


@pytest.mark.parametrize(
    ("image_format", "options"), [("PNG", {}), ("JPEG", {"quality": 92}), ("WEBP", {"quality": 95})]
)
def test_every_colour_block_is_found_within_delta_e_5(image_format: str, options: Any) -> None:
    data = image_bytes(blocks_image(BLOCKS, size=(1200, 800)), image_format, **options)
    swatches = extract_palette(data, IngestLimits())
    for colour, share in BLOCKS:
        nearest = min(swatches, key=lambda s: delta_e_2000(s.hex, colour))
        assert delta_e_2000(nearest.hex, colour) < 5, (colour, swatches)
        assert nearest.share == pytest.approx(share, abs=0.05)


def test_extraction_is_deterministic() -> None:
    data = image_bytes(blocks_image(BLOCKS), "PNG")
    assert extract_palette(data, IngestLimits()) == extract_palette(data, IngestLimits())


def test_transparent_pixels_of_a_logo_do_not_count() -> None:
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    logo.paste(Image.new("RGBA", (80, 80), "#b4532a"), (60, 60))
    swatches = extract_palette(image_bytes(logo, "PNG"), IngestLimits())
    assert len(swatches) == 1 and delta_e_2000(swatches[0].hex, "#b4532a") < 2


def design(brand: BrandInputs, *images: ImageSample) -> DesignSystem:
    return OfflineDesignSkill().design(brand, list(images))


def moodboard(name: str, blocks: list[tuple[str, float]]) -> ImageSample:
    return ImageSample(name, "moodboard", image_bytes(blocks_image(blocks), "PNG"))


def tokens(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for key, node in tree.items():
        if "$value" in node:
            yield f"{path}{key}", node
        else:
            yield from tokens(node, f"{path}{key}.")


def test_roles_come_from_the_logo_and_moodboard_with_their_source() -> None:
    logo = ImageSample("logo.png", "logo", image_bytes(blocks_image([("#b4532a", 1.0)]), "PNG"))
    system = design(BrandInputs(), logo, moodboard("calm.png", BLOCKS))
    primary = system.token("color.primary.500")
    assert primary is not None
    assert delta_e_2000(primary["$value"], "#b4532a") < 5
    assert primary["$extensions"]["kirbygen"]["source"] == "logo (share 1.00)"
    secondary = system.token("color.secondary.500")
    assert secondary is not None
    assert secondary["$extensions"]["kirbygen"]["source"].startswith("moodboard image calm.png")
    palette = [t["$value"] for _, t in tokens(system.tokens["color"]["palette"])]
    for colour, _ in BLOCKS:
        assert min(delta_e_2000(p, colour) for p in palette) < 5


def test_brand_colours_win_over_extracted_ones() -> None:
    system = design(BrandInputs(colors=("#0f766e",)), moodboard("m.png", BLOCKS))
    primary = system.token("color.primary.500")
    assert primary is not None
    assert primary["$value"] == "#0f766e"
    assert primary["$extensions"]["kirbygen"]["source"] == "brand input"
    secondary = system.token("color.secondary.500")
    assert (
        secondary is not None
        and "moodboard image m.png" in secondary["$extensions"]["kirbygen"]["source"]
    )


@pytest.mark.parametrize(
    "blocks",
    [
        BLOCKS,
        [("#fde68a", 0.6), ("#fef3c7", 0.4)],  # pale yellows: links must darken
        [("#111111", 0.7), ("#333333", 0.3)],  # near black
        [("#ffffff", 1.0)],
        [("#00ff00", 0.5), ("#ff00ff", 0.5)],
    ],
)
def test_every_text_and_background_pair_of_the_theme_meets_wcag_aa(
    blocks: list[tuple[str, float]],
) -> None:
    system = design(BrandInputs(), moodboard("m.png", blocks))
    for text, ground in THEME_PAIRS:
        assert contrast_ratio(system.value(text), system.value(ground)) >= 4.5, (text, ground)
    for name in ("success", "warning", "error", "info"):
        ratio = contrast_ratio(
            system.value(f"color.semantic.{name}"), system.value("color.role.background")
        )
        assert ratio >= 4.5


def test_an_adjusted_link_records_the_change() -> None:
    system = design(BrandInputs(), moodboard("m.png", [("#fde047", 1.0)]))
    link = system.token("color.role.link")
    assert link is not None
    adjusted = link["$extensions"]["kirbygen"]["adjusted"]
    assert adjusted["to"] == link["$value"] != adjusted["from"]


def test_the_type_pairing_follows_the_mood_and_the_brand_font_wins() -> None:
    vivid = design(BrandInputs(), moodboard("v.png", [("#ff0055", 0.5), ("#00c2ff", 0.5)]))
    dark = design(BrandInputs(), moodboard("d.png", [("#14121f", 0.8), ("#3b2f5c", 0.2)]))
    heading = vivid.token("typography.font-family.heading")
    assert (
        heading is not None
        and "mood of the images: vivid" in heading["$extensions"]["kirbygen"]["source"]
    )
    assert heading["$value"][-1] == "sans-serif"
    assert dark.value("typography.font-family.heading")[-1] == "serif"
    branded = design(BrandInputs(font="Inter"), moodboard("v.png", [("#ff0055", 1.0)]))
    assert branded.value("typography.font-family.heading")[0] == "Inter"


def test_a_bomb_or_broken_image_is_skipped_not_decoded() -> None:
    bomb = ImageSample("bomb.png", "moodboard", png_header_only(30_000, 30_000))
    broken = ImageSample("broken.png", "photo", b"\x89PNG\r\n\x1a\nbroken")
    assert design(BrandInputs(), bomb, broken) == design(BrandInputs())
