"""Opening untrusted images: an allow-list of formats, and the pixel count read from the
header before anything is decoded.

A 30000 x 30000 PNG is a few hundred bytes on disk and 2.7 GB once decoded (a decompression
bomb), so the dimensions are read from the bytes by hand (PNG IHDR, GIF screen, JPEG SOF,
WebP VP8/VP8L/VP8X) and checked against ``max_image_pixels`` first; Pillow only ever sees an
image that passed, restricted to the format its signature showed.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

from domain.documents import IngestLimits, RejectedInput, RejectionCode
from domain.media_types import identify

# Media type -> Pillow format name: the only formats ever decoded.
PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
# JPEG start-of-frame markers (C4, C8 and CC are other segments).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_MAX_JPEG_SEGMENTS = 1000


def header_size(data: bytes, media_type: str) -> tuple[int, int] | None:
    """(width, height) from an image's header, or None when the header is not valid."""
    try:
        if media_type == "image/png":
            if data[12:16] != b"IHDR":
                return None
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if media_type == "image/gif":
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if media_type == "image/webp":
            return _webp_size(data)
        if media_type == "image/jpeg":
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20:21] == b"\x2f":
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    for _ in range(_MAX_JPEG_SEGMENTS):
        while index < len(data) and data[index] == 0xFF:
            index += 1  # fill bytes before a marker
        if index >= len(data):
            return None
        marker = data[index]
        index += 1
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue  # markers without a length
        (length,) = struct.unpack(">H", data[index : index + 2])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[index + 3 : index + 7])
            return int(width), int(height)
        if length < 2:
            return None
        index += length
        if index < len(data) and data[index] != 0xFF:
            return None
    return None


def check_image(data: bytes, limits: IngestLimits) -> tuple[str, int, int]:
    """(media type, width, height) of an allowed image within the pixel limit; raises
    RejectedInput otherwise. Nothing is decoded."""
    media_type = identify(data)
    if media_type not in PILLOW_FORMATS:
        raise RejectedInput(
            RejectionCode.UNSUPPORTED_TYPE,
            f"images must be {', '.join(sorted(PILLOW_FORMATS))}; these bytes look like "
            f"{media_type}",
        )
    size = header_size(data, media_type)
    if size is None:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"the {media_type} header is damaged or missing"
        )
    width, height = size
    if width <= 0 or height <= 0:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"the image claims a size of {width} x {height}"
        )
    if width * height > limits.max_image_pixels:
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"{width} x {height} = {width * height} pixels exceed the limit "
            f"max_image_pixels={limits.max_image_pixels}",
        )
    return media_type, width, height


def open_image(data: bytes, limits: IngestLimits) -> Image.Image:
    """A lazily decoded Pillow image of ``data``, after ``check_image`` passed."""
    media_type, _, _ = check_image(data, limits)
    # Pillow's own bomb check reads this module-level setting: keep it at our limit so
    # that both checks agree, whichever runs first.
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        return Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[media_type]])
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"the image could not be read: {exc}"
        ) from exc
