"""Reading zip archives and XML from untrusted files, within the named ingest limits.

A zip's central directory is checked before anything is decompressed (member count, declared
total size), and the bytes are counted again while decompressing, because the declared sizes
are written by whoever made the file. XML goes through defusedxml with DTDs forbidden, which
stops entity expansion (billion laughs) and external entities before they start, and is read
incrementally: elements and nesting are counted as they arrive (``max_xml_elements``,
``max_xml_depth``), so a flood of tiny elements is refused long before it fills memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from domain.documents import IngestLimits, RejectedInput, RejectionCode
from domain.media_types import zip_member_count

_CHUNK = 64 * 1024
_ENCRYPTED_FLAG = 0x1


def open_zip(
    data: bytes, limits: IngestLimits
) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The archive and its members by name, after the central directory passed the limits."""
    declared = zip_member_count(data)
    if declared is None:
        raise RejectedInput(RejectionCode.PARSE_ERROR, "not a readable zip archive")
    if declared > limits.max_archive_members:
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"the archive declares {declared} members, over the limit "
            f"max_archive_members={limits.max_archive_members}",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"not a readable zip archive: {exc}"
        ) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_archive_members:
        archive.close()
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"the archive holds {len(infos)} members, over the limit "
            f"max_archive_members={limits.max_archive_members}",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_archive_bytes:
        archive.close()
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"the archive declares {total} uncompressed bytes, over the limit "
            f"max_archive_bytes={limits.max_archive_bytes}",
        )
    return archive, {info.filename: info for info in infos}


class CountedStream(io.RawIOBase):
    """A member's decompressed bytes, refused as soon as they pass ``cap``: the size a zip
    declares may be a lie, the bytes that come out are not."""

    def __init__(self, inner: IO[bytes], name: str, cap: int, limits: IngestLimits) -> None:
        self._inner = inner
        self._name = name
        self._cap = cap
        self._limits = limits
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), _CHUNK)
        try:
            chunk = self._inner.read(wanted)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise RejectedInput(
                RejectionCode.PARSE_ERROR, f"{self._name} could not be decompressed: {exc}"
            ) from exc
        self.count += len(chunk)
        if self.count > self._cap:
            raise RejectedInput(
                RejectionCode.LIMIT_EXCEEDED,
                f"{self._name} inflates past {self._cap} bytes while decompressing "
                f"(limits max_xml_bytes={self._limits.max_xml_bytes}, "
                f"max_archive_bytes={self._limits.max_archive_bytes})",
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)


def member_stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, limits: IngestLimits
) -> CountedStream:
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise RejectedInput(RejectionCode.UNREADABLE, f"the member {info.filename} is encrypted")
    try:
        inner = archive.open(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"{info.filename} could not be decompressed: {exc}"
        ) from exc
    return CountedStream(inner, info.filename, cap, limits)


def read_zip_members(data: bytes, wanted: Iterable[str], limits: IngestLimits) -> dict[str, bytes]:
    """The uncompressed bytes of the ``wanted`` members that exist (others are left out)."""
    archive, by_name = open_zip(data, limits)
    with archive:
        found: dict[str, bytes] = {}
        budget = limits.max_archive_bytes
        for name in wanted:
            info = by_name.get(name)
            if info is None:
                continue
            with member_stream(archive, info, min(budget, limits.max_xml_bytes), limits) as s:
                found[name] = s.read()
            budget -= len(found[name])
        return found


def iter_xml(
    stream: IO[bytes], what: str, limits: IngestLimits
) -> Iterator[tuple[str, Element, int]]:
    """``(event, element, depth)`` for each start and end tag, read incrementally; refuses a
    DTD or entities, malformed XML, and more elements or deeper nesting than the limits. The
    caller may clear finished elements to keep memory flat."""
    count = depth = 0
    try:
        for event, element in SafeET.iterparse(
            stream,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                count += 1
                depth += 1
                if count > limits.max_xml_elements:
                    raise RejectedInput(
                        RejectionCode.LIMIT_EXCEEDED,
                        f"{what} holds more than {limits.max_xml_elements} elements "
                        f"(limit max_xml_elements={limits.max_xml_elements})",
                    )
                if depth > limits.max_xml_depth:
                    raise RejectedInput(
                        RejectionCode.LIMIT_EXCEEDED,
                        f"{what} nests elements deeper than {limits.max_xml_depth} "
                        f"(limit max_xml_depth={limits.max_xml_depth})",
                    )
                yield event, element, depth
            else:
                yield event, element, depth
                depth -= 1
    except defusedxml.DefusedXmlException as exc:
        raise RejectedInput(
            RejectionCode.UNSAFE_CONTENT,
            f"{what} declares a DTD or entities ({type(exc).__name__}); XML entity expansion "
            "is refused",
        ) from exc
    except (ParseError, ValueError) as exc:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"{what} is not well-formed XML: {exc}"
        ) from exc
