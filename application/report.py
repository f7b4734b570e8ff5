"""The generation report: what was made, what was skipped and why. Deterministic by design,
so regenerating unchanged material leaves report.json untouched."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.documents import RejectedFile
from domain.hand_edits import HandEditReport
from domain.schema import EntityKind
from domain.site import SiteFile

PALETTE_ROLES = ("primary", "secondary", "accent", "neutral")


@attrs.frozen
class EntitySummary:
    id: str
    name: str
    kind: EntityKind
    items: int
    fields: int


@attrs.frozen
class GenerationReport:
    name: str
    cms: str
    documents: tuple[str, ...]
    images: tuple[str, ...]
    entities: tuple[EntitySummary, ...]
    items: int
    pages: int
    colours: dict[str, str]
    fonts: dict[str, str]
    warnings: tuple[str, ...]
    rejected: tuple[RejectedFile, ...]
    # Edits the owner made by hand, kept on regeneration; conflicts are listed here.
    hand_edits: HandEditReport = HandEditReport()


def count_pages(files: Sequence[SiteFile]) -> int:
    """Content files of pages: `content/**/<template>.txt`, not file metadata (`x.jpg.txt`)."""
    return sum(
        1
        for f in files
        if f.path.startswith("content/")
        and f.path.endswith(".txt")
        and "." not in f.path.rsplit("/", 1)[-1][: -len(".txt")]
    )
