"""Tables become collections (a row per item), images join the item that mentions them or
shares their folder, and image files never become entities."""

from __future__ import annotations

import json

from PIL import Image

from application.ingest import ingest
from domain.content import StructuredContent
from domain.documents import SourceFile
from domain.schema import ContentSchema, EntityKind, FieldType
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.unit.plugins.sample_files import docx, image_bytes, paragraph, table

REGISTRY = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
PNG = image_bytes(Image.new("RGB", (8, 8), "#b4532a"), "PNG")


def generate(*files: tuple[str, bytes]) -> tuple[ContentSchema, StructuredContent]:
    result = ingest([SourceFile(n, d) for n, d in files], REGISTRY.parsers())
    assert result.rejected == ()
    schema = REGISTRY.mapper().map(result.documents, None, "Site")
    return schema, REGISTRY.structurer().structure(result.documents, schema)


def test_a_markdown_table_is_a_collection_with_a_field_per_column() -> None:
    about = (
        "# About\n\nI make pots.\n\n## Exhibitions\n\n"
        "| Title | Year | Venue |\n|---|---|---|\n| Salt | 2021 | Oslo |\n| Ash | 2023 | Bergen |\n"
    )
    schema, content = generate(("about.md", about.encode()))
    exhibition = schema.entity("exhibition")
    assert exhibition is not None and exhibition.kind is EntityKind.COLLECTION
    assert {f.id: f.type for f in exhibition.fields} == {
        "year": FieldType.NUMBER,
        "venue": FieldType.TEXT,
    }
    items = content.for_entity("exhibition")
    assert [(i.title, i.fields["venue"]) for i in items] == [("Salt", "Oslo"), ("Ash", "Bergen")]
    assert items[1].provenance["venue"].locator.line == 10
    page = content.for_entity("about")[0]
    assert "Exhibitions" not in str(page.fields.get("text"))


def test_tables_of_one_kind_in_several_formats_merge_into_one_entity() -> None:
    works_json = json.dumps({"works": [{"title": "Cup", "year": 2020}]}).encode()
    works_docx = docx(
        paragraph("Works", style="Heading2") + table([["Title", "Year"], ["Bowl", "2022"]])
    )
    schema, content = generate(("a.json", works_json), ("b.docx", works_docx))
    assert [e.id for e in schema.entities if e.id == "work"] == ["work"]
    assert sorted(i.title for i in content.for_entity("work")) == ["Bowl", "Cup"]


def test_images_join_the_item_that_names_them_or_shares_their_folder() -> None:
    schema, content = generate(
        ("projects.md", b"## Alpha\n\nShown in alpha.png.\n\n## Beta\n\nA quiet one.\n"),
        ("alpha.png", PNG),
        ("studio/about.md", b"# Studio\n\nWhere I work.\n"),
        ("studio/bench.png", PNG),
        ("loose/stray.png", PNG),
    )
    assert {e.id for e in schema.entities} == {"project", "about"}
    alpha = next(i for i in content.items if i.title == "Alpha")
    assert alpha.fields["cover"] == "alpha.png"
    studio = content.for_entity("about")[0]
    assert studio.fields["cover"] == "bench.png"
    assert all("stray.png" not in str(i.fields) for i in content.items)
