"""Handing a stored file to a client without holding it in memory."""

from __future__ import annotations

from typing import BinaryIO

import attrs

from domain.ports import Storage


@attrs.frozen
class Download:
    """A stored file to hand to a client: a short-lived ``url`` to fetch it from (presigned,
    when asked for and the storage offers one), else a ``stream`` to send (closed by the
    sender)."""

    name: str
    media_type: str
    url: str | None = None
    stream: BinaryIO | None = None


def open_download(
    storage: Storage, key: str, *, name: str, media_type: str, redirect: bool
) -> Download:
    """The object at ``key`` as a presigned URL (``redirect`` and offered) or a stream;
    never read whole into memory. ``NotFound`` when it is not stored."""
    if redirect and storage.exists(key):
        url = storage.presigned_url(key, download_name=name, media_type=media_type)
        if url is not None:
            return Download(name=name, media_type=media_type, url=url)
    return Download(name=name, media_type=media_type, stream=storage.open(key))
