"""A multipart/form-data body streamed into an UploadBatch, chunk by chunk.

Starlette's form parser has no total cap for file parts, so the body is fed to
python-multipart's streaming parser here and every limit is checked as bytes arrive: the
first chunk past a limit stops the reading, and the rest of the body is never read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from application.uploads import UploadBatch
from domain.errors import InvalidInput
from domain.refusals import UnsupportedMediaType

MAX_PART_HEADER_BYTES = 8 * 1024
MAX_PART_HEADERS = 16


def boundary_of(content_type: str) -> bytes:
    media_type, options = parse_options_header(content_type)
    if media_type != b"multipart/form-data":
        raise UnsupportedMediaType(
            "send the files as multipart/form-data (file parts named 'files')",
            code="not_multipart",
        )
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidInput("the multipart body has no boundary", code="malformed_multipart")
    return boundary


class _PartReader:
    """Callbacks for the parser: routes each file part's bytes into the batch."""

    def __init__(self, batch: UploadBatch) -> None:
        self.batch = batch
        self.ended = False
        self._field = bytearray()
        self._value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._is_file = False

    def on_part_begin(self) -> None:
        self._headers = {}
        self._is_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        # Only parts that carry a file name are files; other fields are read and ignored.
        self._is_file = filename is not None
        if self._is_file:
            assert filename is not None
            self.batch.begin_file(filename.decode("utf-8", "replace"))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self.batch.write(data[start:end])
        else:
            self.batch.count_field_bytes(end - start)

    def on_part_end(self) -> None:
        if self._is_file:
            self.batch.end_file()

    def on_end(self) -> None:
        self.ended = True


async def receive_files(
    content_type: str, stream: AsyncIterator[bytes], batch: UploadBatch
) -> None:
    """Feed the body into ``batch``; raises as soon as a limit is crossed."""
    reader = _PartReader(batch)
    parser = MultipartParser(
        boundary_of(content_type),
        {
            "on_part_begin": reader.on_part_begin,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
            "on_end": reader.on_end,
        },
        max_header_count=MAX_PART_HEADERS,
        max_header_size=MAX_PART_HEADER_BYTES,
    )
    try:
        async for chunk in stream:
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise InvalidInput(
            f"the multipart body is malformed: {exc}", code="malformed_multipart"
        ) from None
    if not reader.ended:
        raise InvalidInput("the multipart body ended early", code="malformed_multipart")
