from __future__ import annotations

from collections.abc import Callable

import attrs

from domain.content import ContentItem, ItemStatus, ProvenanceMethod, StructuredContent
from domain.documents import Document
from domain.schema import ContentSchema, Field, FieldType
from domain.serialization import to_json
from plugins.offline.mapping import OfflineDomainMapper
from plugins.offline.structuring import OfflineContentStructurer

# The ``parse`` fixture (conftest.py): parse(name, text) -> Document.
Parse = Callable[[str, str], Document]

PROJECTS = """\
# Projects

## Harbour Library

Year: 2021
Area: 1200.5
Opened: 2021-09-14
Website: www.harbour.example
Tools: Rhino, V-Ray
Status: built

The library sits on the old pier.
It has a roof garden.

![Facade](harbour.jpg)
![Plan](plan.png)

## Forest Pavilion

Year: 2019
Tools: Timber

![Outside](pavilion.jpg)

## Forest Pavilion

Year: 2018
"""

ABOUT = """\
---
title: About Ana
email: ana@example.com
born: 1985-04-02
---
# About Ana

I design buildings.
"""


def run(documents: list[Document]) -> tuple[ContentSchema, StructuredContent]:
    schema = OfflineDomainMapper().map(documents, None, "Site")
    return schema, OfflineContentStructurer().structure(documents, schema)


def item(content: StructuredContent, item_id: str) -> ContentItem:
    return next(i for i in content.items if i.id == item_id)


def test_one_item_per_section_with_ids_slugs_sort_and_status(parse: Parse) -> None:
    _, content = run([parse("projects.md", PROJECTS)])
    assert [(i.id, i.slug, i.title, i.sort, i.status) for i in content.items] == [
        ("project/harbour-library", "harbour-library", "Harbour Library", 1, ItemStatus.LISTED),
        ("project/forest-pavilion", "forest-pavilion", "Forest Pavilion", 2, ItemStatus.LISTED),
        ("project/forest-pavilion-2", "forest-pavilion-2", "Forest Pavilion", 3, ItemStatus.LISTED),
    ]
    assert all(i.entity == "project" for i in content.items)


def test_values_have_the_shapes_of_their_field_types(parse: Parse) -> None:
    _, content = run([parse("projects.md", PROJECTS)])
    harbour = item(content, "project/harbour-library")
    assert harbour.fields == {
        "year": 2021,
        "area": 1200.5,
        "opened": "2021-09-14",
        "website": "https://www.harbour.example",
        "tools": ["Rhino", "V-Ray"],
        "project_status": "built",
        "gallery": ["harbour.jpg", "plan.png"],
        "text": "The library sits on the old pier.\nIt has a roof garden.",
    }
    pavilion = item(content, "project/forest-pavilion")
    assert pavilion.fields == {"year": 2019, "tools": ["Timber"], "gallery": ["pavilion.jpg"]}
    assert item(content, "project/forest-pavilion-2").fields == {"year": 2018}


def test_every_value_names_its_source_and_line(parse: Parse) -> None:
    document = parse("projects.md", PROJECTS)
    _, content = run([document])
    lines = PROJECTS.split("\n")
    for content_item in content.items:
        assert set(content_item.fields) | {"title"} == set(content_item.provenance)
        for field_id, provenance in content_item.provenance.items():
            assert provenance.document == "projects.md"
            assert provenance.method is ProvenanceMethod.HEURISTIC
            assert 0 < provenance.confidence <= 1
            loc = provenance.locator
            assert loc.line is not None and loc.end_line is not None, field_id
            assert loc.char_start is not None and loc.char_end is not None
            assert PROJECTS[loc.char_start : loc.char_end].startswith(lines[loc.line - 1].strip())
    harbour = item(content, "project/harbour-library").provenance
    assert (harbour["title"].locator.line, harbour["year"].locator.line) == (3, 5)
    assert (harbour["text"].locator.line, harbour["text"].locator.end_line) == (12, 13)
    assert (harbour["gallery"].locator.line, harbour["gallery"].locator.end_line) == (15, 16)


def test_single_page_item_from_front_matter_and_body(parse: Parse) -> None:
    _, content = run([parse("about.md", ABOUT)])
    (about,) = content.items
    assert (about.id, about.entity, about.slug, about.title) == (
        "about/about",
        "about",
        "about",
        "About Ana",
    )
    assert about.fields == {
        "email": "ana@example.com",
        "born": "1985-04-02",
        "text": "I design buildings.",
    }
    assert about.provenance["email"].locator.line == 1
    assert about.provenance["email"].locator.end_line == 5
    assert about.provenance["text"].locator.line == 8


def test_items_follow_the_schema_as_edited(parse: Parse) -> None:
    documents = [parse("projects.md", PROJECTS), parse("about.md", ABOUT)]
    schema, _ = run(documents)
    project = schema.entity("project")
    assert project is not None
    edited_fields = (
        *(
            attrs.evolve(f, type=FieldType.DATE) if f.id == "year" else f
            for f in project.fields
            if f.id != "tools"
        ),
        Field(id="cover", label="Cover", type=FieldType.IMAGE),
    )
    edited = attrs.evolve(
        schema,
        entities=(attrs.evolve(project, fields=edited_fields),),  # "about" removed
    )
    content = OfflineContentStructurer().structure(documents, edited)
    assert {i.entity for i in content.items} == {"project"}
    harbour = item(content, "project/harbour-library")
    assert "tools" not in harbour.fields
    assert "year" not in harbour.fields  # 2021 is not a date; nothing is made up
    assert harbour.fields["cover"] == "harbour.jpg"
    assert harbour.fields["gallery"] == ["plan.png"]
    assert set(harbour.provenance) == set(harbour.fields) | {"title"}


def test_documents_land_in_the_same_entities_as_in_the_mapper(parse: Parse) -> None:
    documents = [
        parse("projects.md", "## A\nYear: 2020\n## B\nYear: 2021\n"),
        parse("archive/project.txt", "Old Barn\n========\nYear: 2001\n"),
        parse("posts/one.md", "# One\nDate: 2020-01-01\n\nHello.\n"),
        parse("posts/two.md", "# Two\nDate: 2020-02-01\n"),
    ]
    schema, content = run(documents)
    assert {i.entity for i in content.items} == {e.id for e in schema.entities}
    assert [i.id for i in content.for_entity("project")] == [
        "project/old-barn",
        "project/a",
        "project/b",
    ]
    one = item(content, "post/one")
    assert one.fields == {"date": "2020-01-01", "text": "Hello."}
    assert one.provenance["date"].document == "posts/one.md"
    assert one.provenance["date"].locator.line == 2


def test_same_input_same_output(parse: Parse) -> None:
    documents = [parse("projects.md", PROJECTS), parse("about.md", ABOUT)]
    _, first = run(documents)
    _, again = run(list(reversed(documents)))
    assert to_json(first) == to_json(again)
