"""Hostile documents for the memory test: the DOCX flood of empty paragraphs (69 KB that
inflates to 45 MiB), the other XML bombs, and every hostile file of ``test_hostile_files``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from tests.unit.plugins.sample_files import CONTENT_TYPES, W_NS
from tests.unit.plugins.test_hostile_files import HOSTILE

MIB = 1024 * 1024


def _streamed_docx(head: bytes, repeat: bytes, total: int, tail: bytes) -> bytes:
    """A DOCX whose document part is ``head`` + ``repeat``… (about ``total`` bytes) + ``tail``,
    written in chunks so building it costs no memory either."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            chunk = repeat * max(1, (256 * 1024) // len(repeat))
            for _ in range(max(1, total // len(chunk))):
                member.write(chunk)
            member.write(tail)
    return buffer.getvalue()


_DOC_HEAD = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
_DOC_TAIL = b"</w:body></w:document>"


def corpus() -> dict[str, Callable[[], bytes]]:
    """Name -> a function that builds the file (built only when measured)."""
    bombs: dict[str, Callable[[], bytes]] = {
        # The reported file: 45 MiB of empty paragraphs, well under max_xml_bytes.
        "flood.docx": lambda: _streamed_docx(_DOC_HEAD, b"<w:p/>", 45 * MIB, _DOC_TAIL),
        # One paragraph holding a million runs: nothing can be dropped until it ends.
        "one-paragraph.docx": lambda: _streamed_docx(
            _DOC_HEAD + b"<w:p>", b"<w:r><w:t>x</w:t></w:r>", 20 * MIB, b"</w:p>" + _DOC_TAIL
        ),
        # Nesting far past any real document.
        "deep.docx": lambda: _streamed_docx(_DOC_HEAD, b"<w:sdt><w:sdtContent>", MIB, b""),
        "flood.svg": lambda: (
            b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g/>" * (12 * MIB // 4) + b"</svg>"
        ),
    }
    hostile = {name: (lambda d=data: d) for name, (data, _, _) in HOSTILE.items()}
    return {**bombs, **hostile}
