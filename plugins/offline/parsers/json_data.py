"""JSON parser: scalar members become `Key: value` blocks, lists of objects become tables.

``{"name": "Mara", "projects": [{"title": …, "year": …}, …]}`` gives the key/value block
``Name: Mara``, a heading ``Projects`` and one table row per project (its columns are the
scalar keys of the objects, in order of first appearance). A top-level list of objects is one
table. Locators give each value's exact character span (and lines) in the file.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]

from domain.documents import Block, BlockKind, Document, IngestLimits, Locator, SourceFile
from domain.errors import InvalidInput
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.naming import humanise, source_stem
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.textlines import read_text

JSON_MEDIA_TYPE = "application/json"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_TITLE_KEYS = ("title", "name")


class JsonParser:
    slot = "parser.json"
    name = "json"
    media_types = frozenset({JSON_MEDIA_TYPE})

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == JSON_MEDIA_TYPE

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        decoded = read_text(source.data)
        if decoded is None:
            raise InvalidInput(f"{source.name} is not readable text.", code="unreadable")
        text = decoded.text
        try:
            data = json.loads(text)
        except RecursionError:
            raise InvalidInput(f"{source.name} nests too deeply.", code="parse_error") from None
        except ValueError as exc:
            raise InvalidInput(
                f"{source.name} is not valid JSON: {exc}", code="parse_error"
            ) from exc
        reader = _Reader(text)
        start = _skip(text, 0)
        title = None
        if isinstance(data, dict):
            reader.members(start, level=2)
            title = next(
                (str(data[k]) for k in _TITLE_KEYS if isinstance(data.get(k), str | int)), None
            )
        elif isinstance(data, list):
            reader.table(start, [v for v in data if isinstance(v, dict)])
        return Document(
            source=source.name,
            media_type=JSON_MEDIA_TYPE,
            title=(title or "").strip() or humanise(source_stem(source.name)),
            blocks=tuple(reader.blocks),
            parser=self.name,
            encoding=decoded.encoding,
        )


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.blocks: list[Block] = []
        self.tables = 0

    def locator(self, start: int, end: int) -> Locator:
        first = bisect.bisect_right(self.line_starts, start)
        last = bisect.bisect_right(self.line_starts, max(start, end - 1))
        return Locator(line=first, end_line=last, char_start=start, char_end=end)

    def members(self, at: int, level: int) -> None:
        for key, value, start, end in _members(self.text, at):
            scalar = _scalar(value)
            if scalar is not None:
                if scalar:
                    self.blocks.append(
                        Block(BlockKind.KEY_VALUE, scalar, self.locator(start, end), key=key)
                    )
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                self.blocks.append(
                    Block(BlockKind.HEADING, humanise(key), self.locator(start, end), level=level)
                )
                self.table(start, value)
            elif isinstance(value, dict) and level < 3:
                self.blocks.append(
                    Block(BlockKind.HEADING, humanise(key), self.locator(start, end), level=level)
                )
                self.members(start, level + 1)

    def table(self, at: int, rows: list[dict[str, object]]) -> None:
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k, v in row.items() if k not in columns and _scalar(v) is not None)
        if not columns:
            return
        spans = [(start, end) for _, start, end in _elements(self.text, at)]
        cells = [
            ([_scalar(row.get(c)) or "" for c in columns], self.locator(*span))
            for row, span in zip(rows, spans, strict=False)
        ]
        self.tables += 1
        self.blocks.extend(table_blocks(columns, cells, self.tables))


def _scalar(value: object) -> str | None:
    """The text of a scalar (or of a list of scalars, comma-separated); None otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value).strip()
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return None


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _members(text: str, at: int) -> Iterator[tuple[str, object, int, int]]:
    """(key, value, value start, value end) of the object starting at ``at``."""
    index = _skip(text, at + 1)
    while index < len(text) and text[index] == '"':
        key, index = scanstring(text, index + 1)
        index = _skip(text, _skip(text, index) + 1)  # past the colon
        value, end = _DECODER.raw_decode(text, index)
        yield key, value, index, end
        index = _skip(text, end)
        if index >= len(text) or text[index] != ",":
            return
        index = _skip(text, index + 1)


def _elements(text: str, at: int) -> Iterator[tuple[object, int, int]]:
    """(value, start, end) of each element of the array starting at ``at``."""
    index = _skip(text, at + 1)
    while index < len(text) and text[index] != "]":
        value, end = _DECODER.raw_decode(text, index)
        if isinstance(value, dict):
            yield value, index, end
        index = _skip(text, end)
        if index >= len(text) or text[index] != ",":
            return
        index = _skip(text, index + 1)


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [JsonParser()]
