"""Media types are told from the bytes: DOCX from other zips, HTML, JSON and SVG from text."""

from __future__ import annotations

import io
import zipfile

import pytest

from domain.media_types import DOCX, SVG, identify
from tests.unit.plugins.sample_files import docx


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


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
    ],
)
def test_identify(data: bytes, expected: str) -> None:
    assert identify(data) == expected
