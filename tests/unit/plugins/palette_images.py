"""The images whose palettes are pinned in tests/fixtures/palettes/reference.json: the example
photos plus a few generated deterministically (a blurred photo-like scene, colour bands, a logo
with a transparent background), in the formats people upload."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from tests.unit.plugins.sample_files import blocks_image, image_bytes

PHOTOS = Path(__file__).resolve().parents[3] / "examples" / "material" / "photos"
REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "palettes" / "reference.json"


def photo_like(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """Gradients, overlapping shapes and blur: many distinct colours, like a photo."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(40):
        x, y = (seed * 97 + index * 131) % width, (seed * 53 + index * 71) % height
        colour = ((index * 67 + seed) % 256, (index * 29) % 256, (index * 151 + seed * 7) % 256)
        draw.ellipse((x, y, x + 220, y + 160), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(6))


def _logo() -> Image.Image:
    logo = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((30, 30, 270, 270), fill="#b4532a")
    draw.rectangle((110, 110, 190, 190), fill="#1f2937")
    return logo


def palette_images() -> dict[str, bytes]:
    """Name -> encoded image, always the same bytes for the same Pillow."""
    images = {path.name: path.read_bytes() for path in sorted(PHOTOS.glob("*.jpg"))}
    images["photo-like-3.png"] = image_bytes(photo_like(3), "PNG")
    images["photo-like-11.jpg"] = image_bytes(photo_like(11), "JPEG", quality=88)
    images["photo-like-29.webp"] = image_bytes(photo_like(29), "WEBP", quality=90)
    bands = [("#1e40af", 0.4), ("#e11d48", 0.25), ("#10b981", 0.2), ("#f5f0e6", 0.15)]
    images["bands.png"] = image_bytes(blocks_image(bands, size=(1200, 800)), "PNG")
    images["logo.png"] = image_bytes(_logo(), "PNG")
    return images
