"""Records: a file of repeated `Key: value` blocks describes one item per block.

``Title: Moon Jar / Year: 2024 / …``, then ``Title: Ash Bowl / Year: 2023 / …``: whatever
separates the blocks (blank lines, dashed rules, headings), a record starts where a key of the
record being read comes again. Free text under a block belongs to that block; a heading
right above a block is its title. What comes before the first record (the file's heading and
an introduction) is the listing's, not a record's.

A file is read as records when it has at least two and the first two share at least two keys;
otherwise one repeated key (two phone numbers on a contact page) is not a list of things.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.documents import Block, BlockKind
from domain.schema import FieldType
from plugins.offline.naming import snake_case
from plugins.offline.values import classify

MIN_RECORDS = 2
MIN_SHARED_KEYS = 2
# Keys whose value names the record it is in.
_NAME_TYPES = frozenset({FieldType.TEXT})
TITLE_KEYS = ("title", "name", "project", "work", "piece", "dish", "item", "event", "show")


@attrs.frozen
class Record:
    """One block: its title (and the block it came from, None for a heading-less title taken
    from a value), and the blocks that describe it (the title's own block left out)."""

    title: str
    title_block: Block | None
    blocks: tuple[Block, ...]


@attrs.frozen
class Records:
    preamble: tuple[Block, ...]
    records: tuple[Record, ...]


def find_records(blocks: Sequence[Block]) -> Records | None:
    """The records of a document's blocks, or None when they do not repeat a shape."""
    preamble: list[Block] = []
    found: list[tuple[Block | None, list[Block], set[str]]] = []
    heading: Block | None = None
    open_record = False
    for block in blocks:
        if block.kind is BlockKind.KEY_VALUE and block.key:
            key = snake_case(block.key) or block.key.casefold()
            if not open_record or key in found[-1][2]:
                found.append((heading, [], set()))
                heading, open_record = None, True
            found[-1][1].append(block)
            found[-1][2].add(key)
        elif block.kind is BlockKind.HEADING and found:
            if heading is not None:
                found[-1][1].append(heading)  # two headings in a row: the first is text
            heading, open_record = block, False
        elif heading is not None:
            # A heading followed by prose, not by a record: it and the prose stay text.
            found[-1][1].extend([heading, block])
            heading = None
        elif found:
            found[-1][1].append(block)
        else:
            preamble.append(block)
    if heading is not None and found:
        found[-1][1].append(heading)
    if len(found) < MIN_RECORDS or len(found[0][2] & found[1][2]) < MIN_SHARED_KEYS:
        return None
    return Records(
        preamble=tuple(preamble),
        records=tuple(_record(title, body) for title, body, _ in found),
    )


def _record(heading: Block | None, body: list[Block]) -> Record:
    if heading is not None:
        return Record(heading.text, heading, tuple(body))
    pairs = [b for b in body if b.kind is BlockKind.KEY_VALUE and b.key]
    by_key = {snake_case(b.key or ""): b for b in reversed(pairs)}
    titled = next((by_key[k] for k in TITLE_KEYS if k in by_key), None)
    if titled is None:
        # Else the first value that reads like a name rather than a number, date or link.
        titled = next((b for b in pairs if classify(b.text) in _NAME_TYPES), pairs[0])
    return Record(titled.text, titled, tuple(b for b in body if b is not titled))
