"""The CLI's `--moodboard` and `--logo` files: read, checked to be images, given display names.

A file that is missing, unreadable, too large or not an image is the caller's mistake and is
reported as one line (exit 2) before anything runs. Whether an image is safe to decode (its
pixel count, its structure) is judged later, by the same checks as any uploaded image.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from domain.documents import SourceFile
from domain.errors import InvalidInput
from domain.media_types import IMAGE_TYPES, SVG, identify


@attrs.frozen
class BrandImages:
    moodboard: tuple[str, ...]
    logo: str | None
    files: tuple[SourceFile, ...]


def read_brand_images(
    moodboard: Sequence[Path], logo: Path | None, max_file_bytes: int
) -> BrandImages:
    """Raises InvalidInput naming the option and the file for any file that cannot be used."""
    taken: set[str] = set()
    files: list[SourceFile] = []
    names: list[str] = []
    for path in moodboard:
        files.append(_read("--moodboard", path, max_file_bytes, taken))
        names.append(files[-1].name)
    logo_name = None
    if logo is not None:
        files.append(_read("--logo", logo, max_file_bytes, taken))
        logo_name = files[-1].name
    return BrandImages(moodboard=tuple(names), logo=logo_name, files=tuple(files))


def _read(option: str, path: Path, max_file_bytes: int, taken: set[str]) -> SourceFile:
    if not path.is_file():
        raise InvalidInput(f"{option} {path}: no such file")
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            raise InvalidInput(
                f"{option} {path}: {size} bytes exceed the limit max_file_bytes={max_file_bytes}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{option} {path}: cannot be read ({exc.strerror or exc})") from None
    detected = identify(data)
    if detected not in IMAGE_TYPES and detected != SVG:
        raise InvalidInput(f"{option} {path}: not an image (its bytes look like {detected})")
    return SourceFile(name=_display_name(path, taken), data=data)


def _display_name(path: Path, taken: set[str]) -> str:
    """The file's own name, numbered when two brand images share it; a label, never a path."""
    base = path.name
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{n}-{base}"
    taken.add(name)
    return name
