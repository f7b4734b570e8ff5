"""Child process that reads one DOCX: bytes on stdin, JSON on stdout.

Run by ``plugins.offline.parsers.docx`` under ``child.run_child`` (memory and CPU capped).
The document part is never held whole: it is decompressed in chunks (counted against
``max_xml_bytes``), parsed incrementally (elements and depth counted against
``max_xml_elements`` and ``max_xml_depth``), and each paragraph or table of the body is turned
into blocks and dropped as soon as it is complete. A 69 KB file holding 45 MiB of empty
paragraphs costs this process a few MiB and is refused at the element limit.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from xml.etree.ElementTree import Element

from domain.documents import IngestLimits, RejectedInput, RejectionCode
from domain.serialization import to_data
from plugins.offline.parsers.child import child_main
from plugins.offline.parsers.docx_body import BodyReader, W
from plugins.offline.parsers.guards import iter_xml, member_stream, open_zip

DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
_DC = "{http://purl.org/dc/elements/1.1/}"
# The core properties kept, by the name the answer gives them.
_CORE_FIELDS = {f"{_DC}title": "title", f"{_DC}creator": "author"}
# Elements one paragraph or table may hold before it is complete: what is in memory at once.
MAX_ELEMENTS_PER_BLOCK = 50_000
_BODY_CHILD_DEPTH = 3  # w:document > w:body > w:p


def read_docx(data: bytes, limits: IngestLimits) -> dict[str, Any]:
    archive, members = open_zip(data, limits)
    with archive:
        document = members.get(DOCUMENT_PART)
        if document is None:
            raise RejectedInput(RejectionCode.PARSE_ERROR, f"the archive has no {DOCUMENT_PART}")
        budget = limits.max_archive_bytes
        cap = min(budget, limits.max_xml_bytes)
        with member_stream(archive, document, cap, limits) as stream:
            blocks = _body_blocks(stream, limits)
            budget -= stream.count
        core: dict[str, str] = {}
        core_part = members.get(CORE_PART)
        if core_part is not None:
            cap = min(budget, limits.max_xml_bytes)
            with member_stream(archive, core_part, cap, limits) as s:
                core = _core_properties(s, limits)
    return {"ok": True, "blocks": [to_data(b) for b in blocks], **core}


def _body_blocks(stream: Any, limits: IngestLimits) -> list[Any]:
    reader = BodyReader(limits)
    path: list[Element] = []
    pending = 0  # elements of the body child being read
    for event, element, depth in iter_xml(stream, DOCUMENT_PART, limits):
        if event == "start":
            path.append(element)
            if depth > _BODY_CHILD_DEPTH:
                pending += 1
                if pending > MAX_ELEMENTS_PER_BLOCK:
                    raise RejectedInput(
                        RejectionCode.LIMIT_EXCEEDED,
                        f"one paragraph or table holds more than {MAX_ELEMENTS_PER_BLOCK} elements",
                    )
            continue
        path.pop()
        if depth == _BODY_CHILD_DEPTH:
            parent = path[-1]
            if parent.tag == f"{W}body":
                reader.read_child(element)
            parent.remove(element)  # done with it: memory stays flat
            pending = 0
    return reader.blocks


def _core_properties(stream: Any, limits: IngestLimits) -> dict[str, str]:
    """The document's declared title and author (``dc:creator``), where they are not blank."""
    found: dict[str, str] = {}
    for event, element, _ in iter_xml(stream, CORE_PART, limits):
        name = _CORE_FIELDS.get(element.tag) if event == "end" else None
        if name is not None and name not in found:
            text = " ".join((element.text or "").split())
            if text:
                found[name] = text
    return found


def _arguments(parser: argparse.ArgumentParser) -> None:
    for name in (
        "max-archive-members",
        "max-archive-bytes",
        "max-xml-bytes",
        "max-xml-elements",
        "max-xml-depth",
        "max-text-chars",
    ):
        parser.add_argument(f"--{name}", type=int, required=True)


def _read(data: bytes, args: Any) -> dict[str, Any]:
    limits = IngestLimits(
        max_archive_members=args.max_archive_members,
        max_archive_bytes=args.max_archive_bytes,
        max_xml_bytes=args.max_xml_bytes,
        max_xml_elements=args.max_xml_elements,
        max_xml_depth=args.max_xml_depth,
        max_text_chars=args.max_text_chars,
    )
    return read_docx(data, limits)


def arguments_for(limits: IngestLimits) -> list[str]:
    """The command-line form of the limits the child works within."""
    return [
        "--max-archive-members",
        str(limits.max_archive_members),
        "--max-archive-bytes",
        str(limits.max_archive_bytes),
        "--max-xml-bytes",
        str(limits.max_xml_bytes),
        "--max-xml-elements",
        str(limits.max_xml_elements),
        "--max-xml-depth",
        str(limits.max_xml_depth),
        "--max-text-chars",
        str(limits.max_text_chars),
    ]


if __name__ == "__main__":
    sys.exit(child_main(_arguments, _read))
