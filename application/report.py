"""The generation report: what was made, what was skipped and why, and how long each phase
took. Apart from ``phases`` (a record of the run) it is deterministic: regenerating unchanged
material gives the same report but for the durations."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from domain.content import ValueNote
from domain.documents import Document, RejectedFile
from domain.hand_edits import HandEditReport
from domain.identity import SiteIdentity
from domain.project import TokenUsage
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
class SetAsideText:
    """Text of the material kept out of the content (page chrome, running page headers), with
    its file, line and page: nothing read is dropped without a trace."""

    document: str
    text: str
    reason: str
    line: int | None = None
    page: int | None = None


def set_aside_texts(documents: Sequence[Document]) -> tuple[SetAsideText, ...]:
    return tuple(
        SetAsideText(d.source, a.text, a.reason, a.locator.line, a.locator.page)
        for d in documents
        for a in d.set_aside
    )


@attrs.frozen
class PhaseTiming:
    """How long one phase of a run took, in seconds of wall-clock time. ``reused`` phases
    found their inputs unchanged and loaded their stored output instead of running."""

    name: str
    seconds: float
    reused: bool = False


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
    # Who the material names, every candidate with its file and line (the site's name is
    # ``name``: the person's --name when given, else the best candidate, else the folder).
    identity: SiteIdentity = SiteIdentity()
    # Every written value stored in another form, kept in an item's text, or left out.
    values: tuple[ValueNote, ...] = ()
    set_aside: tuple[SetAsideText, ...] = ()
    # The text encoding each text document's bytes showed.
    encodings: dict[str, str] = attrs.field(factory=dict)
    # Language-model use of this run: tokens by kind, calls, retries, time, estimated cost.
    # All zero with the offline skills, and for phases reused from an earlier run.
    usage: TokenUsage = TokenUsage()
    # Every phase of the run in the order it ran, with its duration (the one part of the
    # report that changes from one run of the same material to the next).
    phases: tuple[PhaseTiming, ...] = ()


def count_pages(files: Sequence[SiteFile]) -> int:
    """Content files of pages: `content/**/<template>.txt`, not file metadata (`x.jpg.txt`)."""
    return sum(
        1
        for f in files
        if f.path.startswith("content/")
        and f.path.endswith(".txt")
        and "." not in f.path.rsplit("/", 1)[-1][: -len(".txt")]
    )
