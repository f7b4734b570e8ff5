"""Validation of '/'-separated relative paths: storage keys and generated-site file paths.

Keys and site paths are built by the application, never taken from client file names, so
anything odd is a bug and is refused loudly instead of being "cleaned up".
"""

from __future__ import annotations

import re

_CONTROL_CHAR = re.compile("[\x00-\x1f\x7f]")


def _has_control_char(text: str) -> bool:
    return _CONTROL_CHAR.search(text) is not None


def split_relative_path(path: str, *, what: str = "path") -> tuple[str, ...]:
    """The segments of a safe relative path; raises ValueError for anything that could escape.

    Refused: empty paths, absolute paths, backslashes, NUL and other control characters,
    empty segments ('a//b', trailing '/'), and '.' or '..' segments.
    """
    if not path:
        raise ValueError(f"{what} must not be empty")
    if _has_control_char(path):
        raise ValueError(f"{what} {path!r} contains a control character")
    if "\\" in path:
        raise ValueError(f"{what} {path!r} contains a backslash; use '/'")
    if path.startswith("/"):
        raise ValueError(f"{what} {path!r} must be relative")
    segments = tuple(path.split("/"))
    for segment in segments:
        if segment in ("", ".", ".."):
            raise ValueError(f"{what} {path!r} has an empty, '.' or '..' segment")
    return segments


def validate_key(key: str) -> str:
    """A storage key, checked; returned unchanged."""
    split_relative_path(key, what="storage key")
    return key


def validate_prefix(prefix: str) -> str:
    """A key prefix: empty (everything) or a key-like string that may end with '/'."""
    if prefix:
        split_relative_path(prefix.removesuffix("/"), what="storage prefix")
    return prefix
