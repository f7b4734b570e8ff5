"""Structured content: items per entity, every value with its provenance."""

from __future__ import annotations

import enum

import attrs

from domain.documents import Locator
from domain.identity import SiteIdentity

# A field value is JSON-compatible data. Its shape per generic field type:
#   text, textarea, richtext, markdown, code, url, email, tel, color -> str
#     (richtext and markdown hold Markdown; color is "#rrggbb")
#   number, range -> int | float          boolean -> bool
#   select, radio -> str (a choice value)  multiselect, checkboxes, tags, list -> list[str]
#   date -> "YYYY-MM-DD"   time -> "HH:MM" or "HH:MM:SS"   datetime -> "YYYY-MM-DD HH:MM:SS"
#   image, file -> str (a MediaAsset name) gallery, files -> list[str] (MediaAsset names)
#   structure -> list[dict[str, value]] (keys are the nested field ids)
#   blocks -> list[{"type": str, "content": dict}]   json -> any JSON value
#   relation -> str (target ContentItem id)          relations -> list[str] (item ids)
#   location -> {"lat": float, "lng": float}
# A field that has no value is absent from ContentItem.fields.
FieldValue = object


class ItemStatus(enum.StrEnum):
    DRAFT = "draft"
    LISTED = "listed"
    UNLISTED = "unlisted"


class ProvenanceMethod(enum.StrEnum):
    HEURISTIC = "heuristic"
    MODEL = "model"
    USER = "user"


@attrs.frozen
class Provenance:
    document: str
    locator: Locator
    method: ProvenanceMethod = ProvenanceMethod.HEURISTIC
    confidence: float = 1.0


@attrs.frozen
class ContentItem:
    id: str
    entity: str
    slug: str
    title: str
    status: ItemStatus = ItemStatus.LISTED
    sort: int = 0
    fields: dict[str, FieldValue] = attrs.field(factory=dict)
    provenance: dict[str, Provenance] = attrs.field(factory=dict)


class NoteAction(enum.StrEnum):
    COERCED = "coerced"  # stored in another form than written ("12 March 2025" -> 2025-03-12)
    KEPT_IN_TEXT = "kept_in_text"  # did not fit its field; written into the item's text
    LEFT_OUT = "left_out"  # did not fit anywhere in the content; only this note keeps it


@attrs.frozen
class ValueNote:
    """What happened to one written value that is not stored as written, and where it was
    written, so that the owner can check it (``report.json`` lists them all)."""

    item: str
    field: str
    written: str
    action: NoteAction
    reason: str
    document: str
    line: int | None = None
    page: int | None = None
    stored: str = ""


@attrs.frozen
class StructuredContent:
    items: tuple[ContentItem, ...] = ()
    notes: tuple[ValueNote, ...] = ()
    # Who the material says the site is for, with every candidate and where it was read.
    identity: SiteIdentity = SiteIdentity()

    def for_entity(self, entity_id: str) -> tuple[ContentItem, ...]:
        return tuple(sorted((i for i in self.items if i.entity == entity_id), key=lambda i: i.sort))
