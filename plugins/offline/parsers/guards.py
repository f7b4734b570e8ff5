"""Reading zip archives and XML from untrusted files, within the named ingest limits.

A zip's central directory is checked before anything is decompressed (member count, declared
total size), and the bytes are counted again while decompressing, because the declared sizes
are written by whoever made the file. XML goes through defusedxml with DTDs forbidden, which
stops entity expansion (billion laughs) and external entities before they start.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from domain.documents import IngestLimits, RejectedInput, RejectionCode
from domain.media_types import zip_member_count

_CHUNK = 64 * 1024
_ENCRYPTED_FLAG = 0x1


def read_zip_members(data: bytes, wanted: Iterable[str], limits: IngestLimits) -> dict[str, bytes]:
    """The uncompressed bytes of the ``wanted`` members that exist (others are left out)."""
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
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_archive_members:
            raise RejectedInput(
                RejectionCode.LIMIT_EXCEEDED,
                f"the archive holds {len(infos)} members, over the limit "
                f"max_archive_members={limits.max_archive_members}",
            )
        total = sum(info.file_size for info in infos)
        if total > limits.max_archive_bytes:
            raise RejectedInput(
                RejectionCode.LIMIT_EXCEEDED,
                f"the archive declares {total} uncompressed bytes, over the limit "
                f"max_archive_bytes={limits.max_archive_bytes}",
            )
        by_name = {info.filename: info for info in infos}
        found: dict[str, bytes] = {}
        budget = limits.max_archive_bytes
        for name in wanted:
            info = by_name.get(name)
            if info is None:
                continue
            if info.flag_bits & _ENCRYPTED_FLAG:
                raise RejectedInput(RejectionCode.UNREADABLE, f"the member {name} is encrypted")
            found[name] = _inflate(archive, info, min(budget, limits.max_xml_bytes), limits)
            budget -= len(found[name])
        return found


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, limits: IngestLimits
) -> bytes:
    """A member's bytes, read in chunks and refused as soon as they pass ``cap``: the size a
    zip declares may be a lie, the bytes that come out are not."""
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > cap:
                    raise RejectedInput(
                        RejectionCode.LIMIT_EXCEEDED,
                        f"{info.filename} inflates past {cap} bytes while decompressing "
                        f"(limits max_xml_bytes={limits.max_xml_bytes}, "
                        f"max_archive_bytes={limits.max_archive_bytes})",
                    )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise RejectedInput(
            RejectionCode.PARSE_ERROR, f"{info.filename} could not be decompressed: {exc}"
        ) from exc
    return bytes(out)


def parse_xml(data: bytes, what: str, limits: IngestLimits) -> Element:
    """The root element of ``data``; DTDs, entities and external references are refused."""
    if len(data) > limits.max_xml_bytes:
        raise RejectedInput(
            RejectionCode.LIMIT_EXCEEDED,
            f"{what} is {len(data)} bytes, over the limit max_xml_bytes={limits.max_xml_bytes}",
        )
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
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
    return root
