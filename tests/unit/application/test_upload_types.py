"""Uploads are typed by the one detector (``identify``); an active SVG is refused outright."""

from __future__ import annotations

import io

import pytest

from application.upload_types import detect_media_type
from domain.media_types import DOCX, SVG
from domain.refusals import Unprocessable, UnsupportedMediaType
from tests.unit.plugins.sample_files import docx, plain_zip

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PASSIVE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="4" height="4"/>'
    b'<use xlink:href="#g"/><a href="">x</a></svg>'
)


def detect(data: bytes, name: str = "file") -> str:
    return detect_media_type(io.BytesIO(data), name)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PNG, "photo.txt", "image/png"),  # the bytes decide, not the name
        (b"%PDF-1.7\n", "cv.pdf", "application/pdf"),
        (docx("<w:p/>"), "cv.docx", DOCX),
        (b'{"a": 1}', "data.md", "application/json"),
        (b"<!doctype html><p>x</p>", "page.html", "text/html"),
        (b"# Title\n\nWords.", "notes.md", "text/markdown"),
        (b"# Title\n\nWords.", "notes.txt", "text/plain"),
        (b"<script>alert(1)</script> is how XSS starts.", "notes.txt", "text/plain"),
        (PASSIVE_SVG, "logo.svg", SVG),
        (b"<?xml version='1.0'?>\n<!-- logo -->\n" + PASSIVE_SVG, "logo", SVG),
    ],
)
def test_accepted_types_come_from_the_bytes(data: bytes, name: str, expected: str) -> None:
    assert detect(data, name) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary",
        plain_zip(),
    ],
)
def test_other_types_are_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType):
        detect(data)


def test_an_empty_file_is_unprocessable() -> None:
    with pytest.raises(Unprocessable) as refused:
        detect(b"", "empty.md")
    assert refused.value.code == "empty_file"


@pytest.mark.parametrize(
    "body",
    [
        b"<script>alert(1)</script>",
        b"<svg:script>alert(1)</svg:script>",
        b'<rect onload="alert(1)"/>',
        b'<rect ONCLICK = "x()"/>',
        b'<a href="javascript:alert(1)">x</a>',
        b"<foreignObject><p>html</p></foreignObject>",
        b'<image href="https://tracker.example/p.png"/>',
        b"<use xlink:href='other.svg#icon'/>",
        b'<image href="data:image/png;base64,AAAA"/>',
        b"<style>@import 'https://x.example/a.css';</style>",
        b'<rect style="fill: url( https://x.example/f.svg#a)"/>',
        b'<iframe src="https://x.example"/>',
    ],
)
def test_an_svg_that_could_run_or_fetch_anything_is_refused(body: bytes) -> None:
    data = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">' + body + b"</svg>"
    with pytest.raises(Unprocessable) as refused:
        detect(data, "logo.svg")
    assert refused.value.code == "svg_script"


class _CountingReader(io.BytesIO):
    """A received file that remembers the most it was asked to hand over at once."""

    largest_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"A line of plain notes.\n", "text/plain"),
        (PNG, "image/png"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"<!doctype html><title>x</title>\n", "text/html"),
    ],
)
def test_a_large_file_whose_head_decides_is_not_read_whole(head: bytes, expected: str) -> None:
    received = _CountingReader(head + b"x" * (8 * MIB))
    assert detect_media_type(received, "big") == expected
    assert received.largest_read <= 64 * 1024


def test_json_and_svg_are_still_read_whole() -> None:
    # '[' opens JSON only if the whole parses; a late script makes an SVG active.
    late_script = PASSIVE_SVG[:-6] + b" " * (1 * MIB) + b"<script>x</script></svg>"
    with pytest.raises(Unprocessable):
        detect(late_script, "logo.svg")
    big_json = b"[" + b"1," * (MIB // 2) + b"1]"
    assert detect(big_json, "data.json") == "application/json"
