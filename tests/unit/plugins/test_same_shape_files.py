"""Files with the same keys in different folders, under different names, are one collection."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from domain.content import StructuredContent
from domain.documents import Document
from domain.schema import ContentSchema, EntityKind
from domain.serialization import to_json
from domain.validation import validate_schema
from plugins.offline.key_shapes import kind_from_keys, same_shape
from plugins.offline.mapping import OfflineDomainMapper
from plugins.offline.structuring import OfflineContentStructurer

# The ``parse`` fixture (conftest.py): parse(name, text) -> Document.
Parse = Callable[[str, str], Document]

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "material"

LOOM = """\
---
title: Loom
year: 2021
client: Weavers' Guild
materials: oak, wool
---
A floor loom built for the guild's workshop.
"""
VASES = """\
# Vase Series

Year: 2019
Client: City Museum
Materials: stoneware
Link: https://example.org/vases

Twelve vases for the museum shop.
"""
PRESS = """\
# In the press

Date: 2020-05-01
Publication: Craft Weekly
"""
SPRING_SHOW = """\
# Spring

Year: 2022
Client: Gallery North
Venue: Hall 2
Curator: Jo Berg
City: Oslo
"""


def run(documents: Sequence[Document]) -> tuple[ContentSchema, StructuredContent]:
    schema = OfflineDomainMapper().map(documents, None, "Site")
    assert [i for i in validate_schema(schema) if i.severity == "error"] == []
    return schema, OfflineContentStructurer().structure(documents, schema)


def kinds(schema: ContentSchema) -> dict[str, EntityKind]:
    return {e.id: e.kind for e in schema.entities}


def item_ids(content: StructuredContent) -> list[str]:
    return [i.id for i in content.items]


def test_same_shaped_files_in_different_folders_are_one_collection(parse: Parse) -> None:
    documents = [
        parse("work/loom.md", LOOM),
        parse("archive/vase-series.md", VASES),
        parse("notes/press.md", PRESS),
    ]
    schema, content = run(documents)
    assert kinds(schema) == {"work": EntityKind.COLLECTION, "press": EntityKind.SINGLE}
    work = schema.entity("work")
    assert work is not None
    assert [f.id for f in work.fields] == ["year", "client", "materials", "link", "text"]
    assert item_ids(content) == ["work/vase-series", "work/loom", "press/press"]


def test_each_item_names_its_own_file_and_lines(parse: Parse) -> None:
    _, content = run([parse("work/loom.md", LOOM), parse("archive/vase-series.md", VASES)])
    loom, vases = (next(i for i in content.items if i.slug == s) for s in ("loom", "vase-series"))
    assert {p.document for p in loom.provenance.values()} == {"work/loom.md"}
    assert {p.document for p in vases.provenance.values()} == {"archive/vase-series.md"}
    assert set(vases.provenance) == set(vases.fields) | {"title"}
    lines = {k: (p.locator.line, p.locator.end_line) for k, p in vases.provenance.items()}
    assert lines == {
        "title": (1, 1),
        "year": (3, 3),
        "client": (4, 4),
        "materials": (5, 5),
        "link": (6, 6),
        "text": (8, 8),
    }
    # Front matter values point at the front matter block, the prose at its own line.
    year = loom.provenance["year"].locator
    assert (year.line, year.end_line) == (1, 6)
    assert loom.provenance["text"].locator.line == 7


def test_files_of_different_shapes_stay_apart(parse: Parse) -> None:
    documents = [
        parse("work/loom.md", LOOM),
        # Shares two keys, but of six in all (Jaccard 0.33): a different kind of thing.
        parse("shows/spring.md", SPRING_SHOW),
        # Shares one key only.
        parse("talks/keynote.md", "# Keynote\nYear: 2020\nEvent: Design Days\n"),
        parse("notes/press.md", PRESS),
    ]
    schema, _ = run(documents)
    assert kinds(schema) == {
        "keynote": EntityKind.SINGLE,
        "loom": EntityKind.SINGLE,
        "press": EntityKind.SINGLE,
        "spring": EntityKind.SINGLE,
    }


def test_generic_keys_do_not_make_a_shape(parse: Parse) -> None:
    first = "---\ntitle: A\ntags: x\nauthor: Ana\nyear: 2020\n---\nText.\n"
    second = "---\ntitle: B\ntags: y\nauthor: Ana\nyear: 2021\n---\nText.\n"
    schema, _ = run([parse("one/a.md", first), parse("two/b.md", second)])
    assert kinds(schema) == {"a": EntityKind.SINGLE, "b": EntityKind.SINGLE}


@pytest.mark.parametrize("name", ["about.md", "cv.md", "contact.txt", "notes/statement.md"])
def test_files_named_like_one_page_never_join(parse: Parse, name: str) -> None:
    same_keys = "Year: 2018\nClient: Studio\nMaterials: clay\n"
    text = f"Page\n====\n{same_keys}" if name.endswith(".txt") else f"# Page\n{same_keys}"
    documents = [
        parse("work/loom.md", LOOM),
        parse("archive/vase-series.md", VASES),
        parse(name, text),
    ]
    schema, content = run(documents)
    page = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert kinds(schema) == {"work": EntityKind.COLLECTION, page: EntityKind.SINGLE}
    assert [i.id for i in content.for_entity("work")] == ["work/vase-series", "work/loom"]


def test_the_result_does_not_depend_on_file_order(parse: Parse) -> None:
    documents = [
        parse("work/loom.md", LOOM),
        parse("archive/vase-series.md", VASES),
        parse("notes/press.md", PRESS),
        parse("clippings/review.md", "# Review\nDate: 2021-02-03\nPublication: Form\n"),
        parse("x/bowl.md", "# Bowl\nYear: 2017\nClient: Cafe\nMaterials: porcelain\n"),
    ]
    first = tuple(map(to_json, run(documents)))
    for permutation in itertools.permutations(documents):
        assert tuple(map(to_json, run(permutation))) == first
    schema = OfflineDomainMapper().map(documents, None, "Site")
    assert kinds(schema) == {"press": EntityKind.COLLECTION, "work": EntityKind.COLLECTION}


def test_an_existing_collection_takes_in_same_shaped_files_without_being_split(
    parse: Parse,
) -> None:
    documents = [
        parse("projects/harbour.md", "# Harbour\nYear: 2020\nClient: Port\nRole: Lead\n"),
        parse("projects/notes-on-clay.md", "# Notes on clay\n\nJust thoughts.\n"),
        parse("old/barn.md", "# Barn\nYear: 2001\nClient: Farm\nRole: Assistant\n"),
    ]
    schema, content = run(documents)
    assert kinds(schema) == {"project": EntityKind.COLLECTION}
    assert item_ids(content) == ["project/barn", "project/harbour", "project/notes-on-clay"]


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        # The folder both are under names them ...
        (["portfolio/2020/a.md", "portfolio/2021/b.md", "about.md"], "portfolio"),
        # ... unless all the material is under it too.
        (["mara/2020/a.md", "mara/2021/b.md", "mara/about.md"], "project"),
        # No common folder: the shared keys name them (client, role -> project).
        (["2020/a.md", "2021/b.md", "about.md"], "project"),
        # A generic folder names nothing.
        (["notes/a.md", "notes/b.md", "about.md"], "project"),
    ],
)
def test_a_merged_collection_is_named_after_its_folder_else_its_keys(
    parse: Parse, sources: list[str], expected: str
) -> None:
    *items, about = sources
    documents = [parse(s, f"# {s[-4]}\nYear: 2020\nClient: Port\nRole: Lead\n") for s in items]
    documents.append(parse(about, "# About\n\nHi.\n"))
    schema, content = run(documents)
    assert kinds(schema) == {"about": EntityKind.SINGLE, expected: EntityKind.COLLECTION}
    assert sorted(item_ids(content)) == ["about/about", f"{expected}/a", f"{expected}/b"]


def test_same_shapes_with_no_telling_keys_are_work(parse: Parse) -> None:
    one = "# One\nColour: red\nWeight: 2 kg\nShelf: B\n"
    two = "# Two\nColour: blue\nShelf: C\n"
    schema, content = run([parse("a/one.md", one), parse("b/two.md", two)])
    assert kinds(schema) == {"work": EntityKind.COLLECTION}
    assert item_ids(content) == ["work/one", "work/two"]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ({"year", "client", "materials"}, {"year", "client", "materials", "link"}, True),
        ({"year", "client"}, {"year", "client", "link"}, True),  # 2 of 3 = 0.67
        ({"year", "client"}, {"year", "client", "link", "role"}, False),  # 0.5
        ({"year"}, {"year"}, False),  # one shared key is not a shape
        ({"date", "publication"}, {"year", "client", "materials"}, False),
    ],
)
def test_same_shape_thresholds(first: set[str], second: set[str], same: bool) -> None:
    assert same_shape(frozenset(first), frozenset(second)) is same
    assert same_shape(frozenset(second), frozenset(first)) is same


def test_kind_from_keys_looks_at_shared_keys_only() -> None:
    assert kind_from_keys([frozenset({"date", "publication"})] * 2) == "press"
    assert kind_from_keys([frozenset({"venue", "year"}), frozenset({"year", "isbn"})]) is None
    # A tie goes to the kind listed first.
    assert kind_from_keys([frozenset({"client", "materials"})] * 2) == "work"


def test_the_example_material_maps_as_before(parse: Parse) -> None:
    documents = [
        parse(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLE.iterdir())
        if path.suffix in (".md", ".txt")
    ]
    schema, content = run(documents)
    assert kinds(schema) == {
        "about": EntityKind.SINGLE,
        "contact": EntityKind.SINGLE,
        "project": EntityKind.COLLECTION,
        "writing": EntityKind.COLLECTION,
    }
    assert len(content.for_entity("project")) == 3
    assert len(content.for_entity("writing")) == 2
