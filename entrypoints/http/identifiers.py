"""Identifiers in paths are validated whole and bounded before any handler sees them.

A route written ``{project_id:id}`` matches only 1 to 64 letters, digits, ``-`` or ``_``
(every id we issue fits, and every storage key built from one stays short); anything else —
a prefix of a longer string, a trailing newline, a slash — is no route at all (404).
"""

from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor

MAX_ID_CHARS = 64
ID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_ID_CHARS}}}")


class IdConvertor(Convertor[str]):
    regex = ID_PATTERN.pattern

    def convert(self, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):  # the whole value, never a prefix
            raise ValueError(f"not an identifier: {value!r}")
        return value

    def to_string(self, value: str) -> str:
        return self.convert(value)


register_url_convertor("id", IdConvertor())
