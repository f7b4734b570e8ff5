"""Read a folder of material from the local disk into SourceFiles, reporting what it cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from domain.documents import RejectedFile, RejectionCode, SourceFile
from domain.errors import InvalidInput


@attrs.frozen
class MaterialLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 500


@attrs.frozen
class Material:
    sources: tuple[SourceFile, ...]
    rejected: tuple[RejectedFile, ...]


def read_material(root: Path, limits: MaterialLimits) -> Material:
    """Every regular file below ``root`` (hidden files and folders skipped, links not followed).

    Raises InvalidInput when ``root`` is missing, not a folder, or holds no files at all.
    """
    if not root.exists():
        raise InvalidInput(f"source folder {root} does not exist")
    if root.is_file():
        paths = [root]
        base = root.parent
    elif root.is_dir():
        paths = sorted(_walk(root))
        base = root
    else:
        raise InvalidInput(f"source {root} is neither a file nor a folder")
    if not paths:
        raise InvalidInput(f"source folder {root} holds no files")
    sources: list[SourceFile] = []
    rejected: list[RejectedFile] = []
    for index, path in enumerate(paths):
        name = path.relative_to(base).as_posix()
        if index >= limits.max_files:
            rejected.append(
                RejectedFile(
                    name,
                    RejectionCode.TOO_LARGE,
                    f"more files than the limit max_files={limits.max_files}",
                )
            )
            continue
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                rejected.append(
                    RejectedFile(
                        name,
                        RejectionCode.TOO_LARGE,
                        f"{size} bytes exceed the limit max_file_bytes={limits.max_file_bytes}",
                    )
                )
                continue
            with path.open("rb") as handle:
                data = handle.read(limits.max_file_bytes + 1)
        except OSError as exc:
            rejected.append(RejectedFile(name, RejectionCode.UNREADABLE, exc.strerror or str(exc)))
            continue
        if len(data) > limits.max_file_bytes:
            # The file grew while being read.
            rejected.append(
                RejectedFile(
                    name,
                    RejectionCode.TOO_LARGE,
                    f"larger than the limit max_file_bytes={limits.max_file_bytes}",
                )
            )
            continue
        sources.append(SourceFile(name=name, data=data))
    return Material(tuple(sources), tuple(rejected))


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in files:
            path = Path(folder, file_name)
            if file_name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            found.append(path)
    return found
