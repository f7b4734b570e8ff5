"""Small PDF files written byte by byte, for parser and safety tests (nothing is committed)."""

from __future__ import annotations

from collections.abc import Sequence


def assemble(
    objects: Sequence[bytes], *, trailer_extra: bytes = b"", prev_self: bool = False
) -> bytes:
    """A PDF whose object N (1-based) is ``objects[N-1]``; object 1 is the catalog.

    ``prev_self`` makes the trailer's /Prev point at its own cross-reference table, a loop a
    reader must not follow forever.
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    prev = b" /Prev %d" % xref_at if prev_self else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s%s >>\n" % (len(objects) + 1, prev, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def text_pdf(pages: Sequence[Sequence[str]], title: str | None = None) -> bytes:
    """A PDF with one page per entry, each line of the entry drawn as one line of text."""
    font = len(pages) * 2 + 3
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(pages)))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
    ]
    for index, lines in enumerate(pages):
        content = bytearray(b"BT /F1 12 Tf 14 TL 72 720 Td\n")
        for line in lines:
            content += b"(" + _escape(line) + b") Tj T*\n"
        content += b"ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * index, font)
        )
        objects.append(
            b"<< /Length %d >>\nstream\n" % len(content) + bytes(content) + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    extra = b""
    if title is not None:
        objects.append(b"<< /Title (" + _escape(title) + b") >>")
        extra = b" /Info %d 0 R" % len(objects)
    return assemble(objects, trailer_extra=extra)


def huge_page_tree_pdf(fanout: int = 10, depth: int = 5, *, honest: bool = True) -> bytes:
    """A page tree of ``fanout ** depth`` pages in a file of a few hundred bytes: every level
    is one Pages node whose kids are the same next-level node, repeated. Not ``honest``: each
    node's /Count claims a single page."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        kids = b" ".join([b"%d 0 R" % (number + 1)] * fanout)
        count = fanout ** (depth - level) if honest else 1
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (1 + depth))
    return assemble(objects)


def looping_page_tree_pdf() -> bytes:
    """Pages whose kid is a Pages node whose kid is the first one again, with a small /Count."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ]
    )


def circular_xref_pdf() -> bytes:
    """A one-page PDF whose trailer's /Prev points back at its own cross-reference table."""
    pdf = text_pdf([["Loop"]])
    # Rebuild with the self-referencing /Prev; the objects are the same.
    body_end = pdf.index(b"xref\n")
    objects = []
    for chunk in pdf[:body_end].split(b" 0 obj\n")[1:]:
        objects.append(chunk.split(b"\nendobj\n")[0])
    return assemble(objects, prev_self=True)
