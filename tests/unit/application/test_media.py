"""Image references in content become site media with safe names and the material's alt text."""

from __future__ import annotations

from application.media import attach_media, image_descriptions
from domain.content import ContentItem, Provenance, StructuredContent
from domain.documents import Block, BlockKind, Document, Locator, SourceFile
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SCHEMA = ContentSchema(
    name="s",
    entities=(
        Entity(
            "work",
            "Work",
            "Works",
            EntityKind.COLLECTION,
            (
                Field("cover", "Cover", FieldType.IMAGE),
                Field("gallery", "Gallery", FieldType.GALLERY),
            ),
        ),
    ),
)


def item(fields: dict[str, object]) -> ContentItem:
    origin = Provenance("work/loom.md", Locator(line=3))
    return ContentItem(
        "work/loom", "work", "loom", "Loom", fields=fields, provenance=dict.fromkeys(fields, origin)
    )


def test_references_resolve_relative_to_their_document_and_get_safe_names() -> None:
    files = {
        "work/Photos/Loom Detail.PNG": SourceFile("work/Photos/Loom Detail.PNG", PNG),
        "elsewhere/side.png": SourceFile("elsewhere/side.png", PNG),
    }
    content = StructuredContent(
        (item({"cover": "Photos/Loom Detail.PNG", "gallery": ["side.png", "gone.png"]}),)
    )
    attached = attach_media(SCHEMA, content, files)
    fields = attached.content.items[0].fields
    assert fields == {"cover": "loom-detail.png", "gallery": ["side.png"]}
    assert [m.name for m in attached.media] == ["loom-detail.png", "side.png"]
    assert attached.warnings == (
        "work/loom.md: 'gone.png' is referenced but no such file was given",
    )


def test_alt_text_from_the_material_travels_with_the_asset() -> None:
    document = Document(
        "work/loom.md",
        "text/markdown",
        "Loom",
        (
            Block(BlockKind.IMAGE, "A loom by the window", Locator(line=5), target="loom.png"),
            Block(BlockKind.IMAGE, "", Locator(line=6), target="bare.png"),
        ),
    )
    descriptions = image_descriptions([document])
    assert descriptions == {"work/loom.png": "A loom by the window"}
    files = {n: SourceFile(n, PNG) for n in ("work/loom.png", "work/bare.png")}
    content = StructuredContent((item({"gallery": ["loom.png", "bare.png"]}),))
    media = attach_media(SCHEMA, content, files, descriptions).media
    assert {m.name: m.alt for m in media} == {"loom.png": "A loom by the window", "bare.png": ""}


def test_an_image_no_item_names_is_kept_for_the_home_page() -> None:
    files = {
        "work/loom.png": SourceFile("work/loom.png", PNG),
        "studio/wall.png": SourceFile("studio/wall.png", PNG),
    }
    attached = attach_media(SCHEMA, StructuredContent((item({"cover": "loom.png"}),)), files)
    assert [(m.name, m.placed) for m in attached.media] == [("loom.png", True), ("wall.png", False)]
