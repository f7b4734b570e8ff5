"""Media types are told from the bytes by one detector: signatures first, then DOCX from other
zips, and HTML, JSON and SVG from text."""

from __future__ import annotations

import pytest
from PIL import Image

from domain.media_types import DOCX, SVG, identify
from tests.unit.plugins.sample_files import docx, image_bytes, plain_zip


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (docx("<w:p/>"), DOCX),
        (plain_zip(), "application/zip"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "text/html"),
        (b"  <html lang=en><p>x</p></html>", "text/html"),
        (b'{"a": [1, 2]}', "application/json"),
        (b"{not json", "text/plain"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', SVG),
        (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "b">]>\n<svg/>', SVG),
        (b"# Title\n\nText", "text/plain"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x00\x01binary", "application/octet-stream"),
        (image_bytes(Image.new("RGB", (2, 2)), "PNG"), "image/png"),
        (image_bytes(Image.new("RGB", (2, 2)), "JPEG"), "image/jpeg"),
        (image_bytes(Image.new("RGB", (2, 2)), "GIF"), "image/gif"),
        (image_bytes(Image.new("RGB", (2, 2)), "WEBP"), "image/webp"),
        (b"<!-- drawn by hand -->\n<svg/>", SVG),
        (b"\xef\xbb\xbf<svg></svg>", SVG),
        (b"<!-- note --><body><p>x</p></body>", "text/html"),
        # A multi-byte character cut at the end of the inspected head is still text.
        (("a" + "é" * 3000).encode(), "text/plain"),
        # Text in the other encodings people's files come in.
        ("Zoë Hartmann, Sète".encode("cp1252"), "text/plain"),
        ("<html><title>Café</title></html>".encode("utf-16"), "text/html"),
        ('{"name": "Zoë"}'.encode("utf-16"), "text/plain"),
        # Mostly bytes above ASCII: binary whatever it starts with.
        (b"\xff\xfe" + bytes(range(0x80, 0xFF)) * 2, "application/octet-stream"),
    ],
)
def test_identify(data: bytes, expected: str) -> None:
    assert identify(data) == expected
