"""What one item says: its `Key: value` fields, its prose and its images, each with a locator.

Shared by the mapper (which infers field types from the facts of all items) and the
structurer (which converts them to the types of the approved schema), so a key always gets
the same field id in both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import attrs

from domain.documents import Block, BlockKind, Locator
from domain.validation import RESERVED_FIELD_IDS
from plugins.offline.naming import humanise, snake_case
from plugins.offline.shape import Section

BODY_FIELD = "text"
COVER_FIELD = "cover"
GALLERY_FIELD = "gallery"
# Besides the ids every item has of its own, avoid the ids of the fields made from prose and
# images, and names that CMS page objects commonly use for their own data.
AVOIDED_FIELD_IDS = RESERVED_FIELD_IDS | {
    BODY_FIELD, COVER_FIELD, GALLERY_FIELD,
    "url", "template", "content", "children", "parent", "files", "images", "num",
}  # fmt: skip
TITLE_KEY = "title"

KEY_VALUE_CONFIDENCE = 0.9
FRONT_MATTER_CONFIDENCE = 0.95
BODY_CONFIDENCE = 0.8
IMAGE_CONFIDENCE = 0.85
HEADING_TITLE_CONFIDENCE = 0.9
GUESSED_TITLE_CONFIDENCE = 0.5

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|//)", re.IGNORECASE)


@attrs.frozen
class Fact:
    field_id: str
    label: str
    value: object
    locator: Locator
    confidence: float


@attrs.frozen
class ItemFacts:
    """``fields`` holds every value written, in the order written (a field id may come twice:
    the structurer keeps the first and notes the others)."""

    section: Section
    fields: tuple[Fact, ...]
    body: Fact | None
    images: tuple[Fact, ...]


def field_id_for(key: str, entity_id: str) -> str:
    """'Client name' -> 'client_name'; 'Status' in entity 'project' -> 'project_status'."""
    base = snake_case(key)
    if not base:
        # Nothing ASCII to build on (e.g. a key in Cyrillic): a stable id from the key itself.
        base = "field_" + hashlib.sha256(key.casefold().encode()).hexdigest()[:8]
    elif not base[0].isalpha():
        base = f"field_{base}"
    if base in AVOIDED_FIELD_IDS:
        base = f"{snake_case(entity_id)}_{base}"
    return base


def item_facts(section: Section, entity_id: str) -> ItemFacts:
    fields: list[Fact] = []
    document = section.document
    if section.whole_document and document.front_matter_locator is not None:
        for key, value in document.front_matter.items():
            if key.strip().lower() == TITLE_KEY or value is None:
                continue  # the title is the item's own title, not a field
            fact = Fact(
                field_id=field_id_for(key, entity_id),
                label=humanise(key),
                value=value,
                locator=document.front_matter_locator,
                confidence=FRONT_MATTER_CONFIDENCE,
            )
            fields.append(fact)
    for block in section.blocks:
        if block.kind is BlockKind.KEY_VALUE and block.key:
            fact = Fact(
                field_id=field_id_for(block.key, entity_id),
                label=humanise(block.key),
                value=block.text,
                locator=block.locator,
                confidence=KEY_VALUE_CONFIDENCE,
            )
            fields.append(fact)
    images = tuple(
        Fact(COVER_FIELD, "Cover", b.target, b.locator, IMAGE_CONFIDENCE)
        for b in section.blocks
        if is_local_image(b)
    )
    return ItemFacts(section=section, fields=tuple(fields), body=_body(section), images=images)


def is_local_image(block: Block) -> bool:
    """An image among the uploaded files; images on the web stay in the prose as Markdown."""
    return (
        block.kind is BlockKind.IMAGE
        and bool(block.target)
        and not _EXTERNAL.match(block.target or "")
    )


def span_of(locators: Sequence[Locator]) -> Locator:
    """One locator from the start of the first to the end of the last."""
    first, last = locators[0], locators[-1]
    return Locator(
        line=first.line,
        end_line=last.end_line,
        page=first.page,
        char_start=first.char_start,
        char_end=last.char_end,
    )


def _body(section: Section) -> Fact | None:
    prose = [
        b for b in section.blocks if b.kind is not BlockKind.KEY_VALUE and not is_local_image(b)
    ]
    if not prose:
        return None
    return Fact(
        field_id=BODY_FIELD,
        label="Text",
        value=to_markdown(prose),
        locator=span_of([b.locator for b in prose]),
        confidence=BODY_CONFIDENCE,
    )


def to_markdown(blocks: Sequence[Block]) -> str:
    """Blocks written back as Markdown; consecutive list items stay one list."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        text = _block_markdown(block)
        previous = blocks[index - 1] if index else None
        joined_to_list = (
            previous is not None
            and previous.kind is block.kind
            and block.kind in (BlockKind.LIST_ITEM, BlockKind.TABLE_ROW)
            and previous.level == block.level
        )
        if joined_to_list:
            parts[-1] += "\n" + text
        elif block.kind is BlockKind.TABLE_ROW:
            header = _cells_markdown(block.columns)
            delimiter = _cells_markdown(["---"] * len(block.columns))
            parts.append(f"{header}\n{delimiter}\n{text}")
        else:
            parts.append(text)
    return "\n\n".join(parts)


def _block_markdown(block: Block) -> str:
    if block.kind is BlockKind.HEADING:
        return "#" * max(1, min(block.level, 6)) + " " + block.text
    if block.kind is BlockKind.LIST_ITEM:
        return "- " + block.text
    if block.kind is BlockKind.CODE:
        longest = max((len(run) for run in re.findall(r"`+", block.text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}\n{block.text}\n{fence}"
    if block.kind is BlockKind.IMAGE:
        return f"![{block.text}]({block.target or ''})"
    if block.kind is BlockKind.KEY_VALUE:
        return f"{block.key}: {block.text}"
    if block.kind is BlockKind.TABLE_ROW:
        return _cells_markdown(block.cells)
    return block.text


def _cells_markdown(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
