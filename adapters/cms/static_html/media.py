"""The media of the static export: one copy of each used asset under ``media/``."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from adapters.cms.kirby.naming import alt_text_from_filename, safe_filename, unique_filename
from domain.site import MediaAsset

MEDIA_DIR = "media"


@attrs.frozen
class MediaFile:
    path: str  # in the export, e.g. media/cover-photo.jpg
    filename: str
    alt: str
    data: bytes


class MediaFiles:
    """Names every asset once (safe, unique file names) and remembers which ones pages use,
    so only media that some published page shows are copied."""

    def __init__(self, assets: Sequence[MediaAsset]) -> None:
        taken: set[str] = set()
        self._files: dict[str, MediaFile] = {}
        # Sorted by name so the same assets always get the same file names.
        for asset in sorted(assets, key=lambda a: a.name):
            filename = unique_filename(safe_filename(asset.name), taken)
            self._files[asset.name] = MediaFile(
                path=f"{MEDIA_DIR}/{filename}",
                filename=filename,
                alt=asset.alt or alt_text_from_filename(filename),
                data=asset.data,
            )
        self._used: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self._files

    def use(self, name: str) -> MediaFile | None:
        file = self._files.get(name)
        if file is not None:
            self._used.add(name)
        return file

    def used(self) -> list[MediaFile]:
        return sorted((self._files[n] for n in self._used), key=lambda f: f.path)
