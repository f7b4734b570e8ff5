"""Answering with a stored file: a redirect to its presigned URL, or its bytes streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from application.downloads import Download

CHUNK_BYTES = 256 * 1024


def wants_redirect(request: Request) -> bool:
    """``?redirect=true``: the client will follow a redirect to the storage itself."""
    return request.query_params.get("redirect", "").lower() in ("1", "true", "yes")


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk
    finally:
        stream.close()


def download_response(download: Download) -> Response:
    if download.url is not None:
        # 307 keeps the method; the URL expires after S3_PRESIGN_SECONDS.
        return RedirectResponse(download.url, status_code=307)
    assert download.stream is not None
    # Sent as an attachment with its stored type: never rendered in the API's origin.
    return StreamingResponse(
        _chunks(download.stream),  # a sync iterator: Starlette reads it in a worker thread
        media_type=download.media_type,
        headers={"content-disposition": f'attachment; filename="{download.name}"'},
    )
