"""A listing's card counts what it holds in words that read as English."""

from __future__ import annotations

import pytest

from adapters.cms.presentation import count_nouns
from domain.schema import Entity, EntityKind


@pytest.mark.parametrize(
    ("name", "plural", "expected"),
    [
        ("Project", "Projects", ("project", "projects")),
        ("Person", "People", ("person", "people")),
        ("Writing", "Writing", ("entry", "entries")),
        ("Press", "press", ("entry", "entries")),
        ("News", "", ("entry", "entries")),
    ],
)
def test_a_listing_counts_its_items_by_a_countable_noun(
    name: str, plural: str, expected: tuple[str, str]
) -> None:
    entity = Entity(id="e", name=name, plural_name=plural, kind=EntityKind.COLLECTION)
    assert count_nouns(entity) == expected
