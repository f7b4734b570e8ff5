"""What happens to a person's edits of a generated site when it is generated again."""

from __future__ import annotations

import attrs


@attrs.frozen
class FieldConflict:
    """A field both the owner and the new generation changed, to different values.

    The owner's value is kept in the site; ``generated`` is what the generator would have
    written. An empty string stands for a field that side removed.
    """

    path: str
    field: str
    owner: str
    generated: str


@attrs.frozen
class MergedFile:
    """The outcome of merging one content file.

    ``data`` goes into the site; ``base`` is kept as the record of what was generated, for the
    next merge. It equals the generated file except in conflicting fields, which keep the old
    base value so the conflict is found (and reported) again until both sides agree.
    """

    data: bytes
    base: bytes
    conflicts: tuple[FieldConflict, ...] = ()
    owner_edited: bool = False


@attrs.frozen
class HandEditReport:
    """Hand edits met while writing a site again; deterministic, so it can live in report.json.

    * ``kept_edits``: generated files the owner changed; their edits were kept.
    * ``conflicts``: fields changed on both sides; the owner's value was kept.
    * ``kept_deleted``: files the owner deleted that the generator still makes; not recreated.
    * ``kept_orphaned``: files the generator no longer makes but the owner edited; not removed.
    """

    kept_edits: tuple[str, ...] = ()
    conflicts: tuple[FieldConflict, ...] = ()
    kept_deleted: tuple[str, ...] = ()
    kept_orphaned: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.kept_edits or self.conflicts or self.kept_deleted or self.kept_orphaned)
