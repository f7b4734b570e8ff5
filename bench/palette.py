"""Palette extraction cost per 1200 px image, against the cost of merely decoding it.

Run: ``.venv/bin/python bench/palette.py`` (prints figures; not a pass/fail test). The
baseline is the same run's cost of opening and fully decoding each image with Pillow, so the
ratio says what extraction adds on top of reading the file, whatever the machine.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.documents import IngestLimits
from plugins.offline.extraction import extract_palette

SIDE = 1200
ROUNDS = 7


def photo_like(seed: int) -> Image.Image:
    """A 1200 x 900 image with gradients, shapes and blur: many distinct colours, like a photo."""
    image = Image.linear_gradient("L").resize((SIDE, 900)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(40):
        x, y = (seed * 97 + index * 131) % SIDE, (seed * 53 + index * 71) % 900
        colour = ((index * 67 + seed) % 256, (index * 29) % 256, (index * 151 + seed * 7) % 256)
        draw.ellipse((x, y, x + 220, y + 160), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(6))


def encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 88} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def decode_only(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def median_ms(work: Callable[[bytes], object], data: bytes) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    limits = IngestLimits()
    print(f"palette extraction per {SIDE} px image (median of {ROUNDS} runs)")
    print(f"{'format':<6} {'decode ms':>10} {'extract ms':>11} {'ratio':>7}")
    for image_format in ("JPEG", "PNG", "WEBP"):
        data = encode(photo_like(3), image_format)
        baseline = median_ms(decode_only, data)
        extract = median_ms(lambda d: extract_palette(d, limits), data)
        print(f"{image_format:<6} {baseline:>10.1f} {extract:>11.1f} {extract / baseline:>6.2f}x")


if __name__ == "__main__":
    main()
