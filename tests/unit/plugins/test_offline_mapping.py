from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from domain.documents import Document
from domain.schema import ContentSchema, Entity, EntityKind, FieldType, Width
from domain.serialization import to_json
from domain.validation import validate_schema
from plugins.offline.mapping import OfflineDomainMapper

# The ``parse`` fixture (conftest.py): parse(name, text) -> Document.
Parse = Callable[[str, str], Document]

PROJECTS = """
    # Projects

    Things I built.

    ## Harbour Library

    Client name: City of Hamburg
    Year: 2021
    Budget: 1,250,000
    Area: 1200.5
    Opened: 2021-09-14
    Website: https://harbour.example
    Contact: office@harbour.example
    Phone: +49 40 1234 5678
    Tools: Rhino, V-Ray, Timber
    Status: built
    Summary: A public library on a pier, with reading rooms open to the water and a roof garden.

    The library sits on the old pier.

    ![Facade](harbour.jpg)

    ## Forest Pavilion

    Client name: Private
    Year: 2019
    Budget: 80000
    Area: 45
    Opened: 2019-06-01
    Website: www.pavilion.example
    Contact: hi@pavilion.example
    Phone: (030) 123-4567
    Tools: Timber
    Status: competition
    Summary: Small.

    ![Outside](pavilion-1.jpg)
"""


def schema_of(documents: Sequence[Document], name: str = "Ana's site") -> ContentSchema:
    schema = OfflineDomainMapper().map(documents, None, name)
    assert [i for i in validate_schema(schema) if i.severity == "error"] == []
    return schema


def entity(schema: ContentSchema, entity_id: str) -> Entity:
    found = schema.entity(entity_id)
    assert found is not None, [e.id for e in schema.entities]
    return found


def field_types(entity: Entity) -> dict[str, FieldType]:
    return {f.id: f.type for f in entity.fields}


def test_repeated_sections_make_a_collection_named_after_the_file(parse: Parse) -> None:
    schema = schema_of([parse("projects.md", PROJECTS)])
    assert schema.name == "Ana's site"
    project = entity(schema, "project")
    assert (project.name, project.plural_name, project.kind) == (
        "Project",
        "Projects",
        EntityKind.COLLECTION,
    )
    assert project.icon == "folder"
    assert project.sortable
    assert project.display_field == "title"
    # Visitors never read file names: nothing says where the items were found.
    assert "projects.md" not in project.description


def test_field_types_are_inferred_from_every_value_seen(parse: Parse) -> None:
    project = entity(schema_of([parse("projects.md", PROJECTS)]), "project")
    assert field_types(project) == {
        "client_name": FieldType.TEXT,
        "year": FieldType.NUMBER,
        "budget": FieldType.NUMBER,
        "area": FieldType.NUMBER,
        "opened": FieldType.DATE,
        "website": FieldType.URL,
        "contact": FieldType.EMAIL,
        "phone": FieldType.TEL,
        "tools": FieldType.TAGS,
        "project_status": FieldType.TEXT,
        "summary": FieldType.TEXTAREA,
        "cover": FieldType.IMAGE,
        "text": FieldType.MARKDOWN,
    }
    labels = {f.id: f.label for f in project.fields}
    assert labels["client_name"] == "Client name"
    assert labels["project_status"] == "Status"
    widths = {f.id: f.width for f in project.fields}
    assert widths["year"] is Width.HALF
    assert widths["text"] is Width.FULL


def test_mixed_values_fall_back_to_a_type_that_holds_them_all(parse: Parse) -> None:
    doc = parse(
        "things.md",
        """
        ## One
        Size: 12
        Tags: red
        Note: short
        ## Two
        Size: large
        Tags: red, blue
        Note: a very long note that goes on and on, well beyond the length of one line in a form
        """,
    )
    assert field_types(entity(schema_of([doc]), "thing")) == {
        "size": FieldType.TEXT,
        "tags": FieldType.TAGS,
        "note": FieldType.TEXTAREA,
    }


@pytest.mark.parametrize(
    ("key", "field_id"),
    [
        ("Status", "project_status"),
        ("Title", "project_title"),
        ("Slug", "project_slug"),
        ("Sort", "project_sort"),
        ("ID", "project_id"),
        ("UUID", "project_uuid"),
        ("URL", "project_url"),
        ("Text", "project_text"),
        ("Cover", "project_cover"),
        ("Client name", "client_name"),
        ("Größe", "grosse"),
        ("Year-end", "year_end"),
    ],
)
def test_field_ids_are_snake_case_and_avoid_reserved_ids(
    parse: Parse, key: str, field_id: str
) -> None:
    doc = parse("projects.md", f"## A\n{key}: one\n## B\n{key}: two\n")
    assert [f.id for f in entity(schema_of([doc]), "project").fields] == [field_id]


def test_a_single_document_is_a_single_page(parse: Parse) -> None:
    doc = parse(
        "about.md",
        """
        ---
        title: About me
        email: ana@example.com
        born: 1985
        featured: true
        skills: [drawing, modelling]
        cover: portrait.jpg
        links: {site: x}
        ---
        # About me

        I design buildings.

        ## Background

        Studied in Delft.

        ## Teaching

        Since 2015.
        """,
    )
    about = entity(schema_of([doc]), "about")
    assert (about.kind, about.name, about.icon, about.sortable) == (
        EntityKind.SINGLE,
        "About",
        "user",
        False,
    )
    assert field_types(about) == {
        "email": FieldType.EMAIL,
        "born": FieldType.NUMBER,
        "featured": FieldType.BOOLEAN,
        "skills": FieldType.TAGS,
        "about_cover": FieldType.IMAGE,
        "text": FieldType.MARKDOWN,
    }


def test_one_section_is_not_a_collection_and_h1_sections_are(parse: Parse) -> None:
    one = parse("services.md", "# Services\n\n## Design\n\nWe design.\n")
    h1 = parse("posts.txt", "First\n=====\nHello.\n\nSecond\n======\nAgain.\n")
    schema = schema_of([one, h1])
    assert entity(schema, "services").kind is EntityKind.SINGLE
    post = entity(schema, "post")
    assert (post.kind, post.icon, post.plural_name) == (EntityKind.COLLECTION, "text", "Posts")


def test_files_of_the_same_kind_merge_into_one_entity(parse: Parse) -> None:
    docs = [
        parse("projects.md", "## A\nYear: 2020\n## B\nYear: 2021\n"),
        parse("archive/projects.txt", "C\n---\nYear: 2001\n\nD\n---\nClient: X\nYear: 2002\n"),
        parse("work/project.md", "## E\nYear: 1999\n## F\nText here.\n"),
    ]
    schema = schema_of(docs)
    assert [e.id for e in schema.entities] == ["project"]
    assert [f.id for f in schema.entities[0].fields] == ["year", "client", "text"]


def test_a_folder_of_single_files_is_a_collection_named_after_it(parse: Parse) -> None:
    docs = [
        parse("case-studies/alpha.md", "# Alpha\nClient: A\n\nText.\n"),
        parse("case-studies/beta.md", "# Beta\nClient: B\n"),
        parse("case-studies/about.md", "# About these\n\nWords.\n"),
        parse("notes/one.md", "# One\n\nWords.\n"),
        parse("notes/two.md", "# Two\n\nWords.\n"),
    ]
    schema = schema_of(docs)
    kinds = {e.id: e.kind for e in schema.entities}
    assert kinds == {
        "about": EntityKind.SINGLE,
        "case-study": EntityKind.COLLECTION,
        "one": EntityKind.SINGLE,
        "two": EntityKind.SINGLE,
    }
    case_study = entity(schema, "case-study")
    assert (case_study.name, case_study.plural_name) == ("Case study", "Case studies")


def test_images_become_a_cover_or_a_gallery(parse: Parse) -> None:
    covers = parse("works.md", "## A\n![a](a.jpg)\n## B\n![b](b.jpg)\n")
    gallery = parse("photos.md", "## A\n![a](a.jpg)\n![b](b.jpg)\n## B\nNo image.\n")
    external = parse("links.md", "## A\n![a](https://x.example/a.jpg)\n## B\nText\n")
    schema = schema_of([covers, gallery, external])
    assert field_types(entity(schema, "work")) == {"cover": FieldType.IMAGE}
    assert field_types(entity(schema, "photo")) == {
        "gallery": FieldType.GALLERY,
        "text": FieldType.MARKDOWN,
    }
    assert entity(schema, "photo").icon == "image"
    assert field_types(entity(schema, "link")) == {"text": FieldType.MARKDOWN}


@pytest.mark.parametrize(
    ("name", "icon"),
    [("contact.md", "email"), ("exhibitions.md", "calendar"), ("misc.md", "page")],
)
def test_icons_follow_the_entity_name(parse: Parse, name: str, icon: str) -> None:
    assert schema_of([parse(name, "# X\n\nWords.\n")]).entities[0].icon == icon


def test_result_does_not_depend_on_the_order_documents_arrive_in(parse: Parse) -> None:
    docs = [
        parse("projects.md", PROJECTS),
        parse("about.md", "# About\n\nHi.\nEmail: a@b.example\n"),
        parse("posts/one.md", "# One\nDate: 2020-01-01\n"),
        parse("posts/two.md", "# Two\nDate: 2020-02-01\n"),
    ]
    first = to_json(schema_of(docs))
    assert to_json(schema_of(list(reversed(docs)))) == first
    assert to_json(schema_of(docs)) == first


def test_ids_stay_valid_for_odd_file_names(parse: Parse) -> None:
    docs = [
        parse("01 - Über uns!.md", "Hallo.\n"),
        parse("2024.md", "Just a year.\n"),
        parse("___.md", "Nothing usable in the name.\n"),
    ]
    schema = schema_of(docs)
    # Neither "2024" nor "___" says what the file is about: both are items of "page".
    assert {e.id: e.kind for e in schema.entities} == {
        "page": EntityKind.COLLECTION,
        "uber-uns": EntityKind.SINGLE,
    }


def test_no_documents_give_an_empty_schema_the_caller_names() -> None:
    schema = OfflineDomainMapper().map([], None, "  ")
    assert schema.entities == ()
    assert schema.name == ""  # the pipeline then falls back to the folder's name
