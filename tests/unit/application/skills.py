"""Small deterministic skills and a CMS adapter for application tests; they count their calls."""

from __future__ import annotations

from collections.abc import Sequence

from domain.content import ContentItem, Provenance, StructuredContent
from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.documents import Block, BlockKind, Document, IngestLimits, Locator, SourceFile
from domain.project import Conversation
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType
from domain.site import SiteFile, SiteSpec


class LineParser:
    slot = "parser.text"
    name = "line-parser"
    media_types = frozenset({"text/plain"})

    def __init__(self) -> None:
        self.calls = 0

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == "text/plain"

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        self.calls += 1
        text = source.data.decode("utf-8")
        if text.startswith("BROKEN"):
            raise ValueError("the first line says it is broken")
        lines = text.splitlines()
        blocks = tuple(
            Block(BlockKind.PARAGRAPH, line, Locator(line=n)) for n, line in enumerate(lines, 1)
        )
        return Document(source.name, "text/plain", lines[0], blocks, parser=self.name)


class OnePageMapper:
    slot = "mapping"
    name = "one-page"

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def map(
        self, documents: Sequence[Document], conversation: Conversation | None, name: str
    ) -> ContentSchema:
        self.calls += 1
        if self.fail:
            raise RuntimeError("mapper exploded")
        fields = (
            Field("body", "Body", FieldType.MARKDOWN),
            Field("cover", "Cover", FieldType.IMAGE),
        )
        page = Entity("page", "Page", "Pages", EntityKind.COLLECTION, fields)
        return ContentSchema(name=name, entities=(page,))


class ItemPerDocument:
    slot = "structuring"
    name = "item-per-document"

    def __init__(self) -> None:
        self.calls = 0

    def structure(self, documents: Sequence[Document], schema: ContentSchema) -> StructuredContent:
        self.calls += 1
        items = []
        for sort, doc in enumerate(documents, 1):
            fields: dict[str, object] = {"body": "\n".join(b.text for b in doc.blocks[1:])}
            provenance = {"body": Provenance(doc.source, Locator(line=2))}
            for block in doc.blocks:
                if block.text.startswith("image:"):
                    fields["cover"] = block.text.removeprefix("image:").strip()
                    provenance["cover"] = Provenance(doc.source, block.locator)
            slug = doc.source.rsplit(".", 1)[0].replace("/", "-")
            items.append(
                ContentItem(
                    f"page/{slug}",
                    "page",
                    slug,
                    doc.title,
                    sort=sort,
                    fields=fields,
                    provenance=provenance,
                )
            )
        return StructuredContent(tuple(items))


class FixedDesign:
    slot = "design"
    name = "fixed-design"

    def __init__(self) -> None:
        self.calls = 0

    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        self.calls += 1
        primary = brand.colors[0] if brand.colors else "#336699"
        return DesignSystem({"color": {"primary": {"500": {"$value": primary, "$type": "color"}}}})


class Skills:
    def __init__(self, mapper: OnePageMapper | None = None) -> None:
        self.parser = LineParser()
        self.mapping = mapper or OnePageMapper()
        self.structuring = ItemPerDocument()
        self.designing = FixedDesign()

    def parsers(self) -> list[LineParser]:
        return [self.parser]

    def mapper(self) -> OnePageMapper:
        return self.mapping

    def structurer(self) -> ItemPerDocument:
        return self.structuring

    def designer(self) -> FixedDesign:
        return self.designing

    def conversation(self) -> None:
        return None


class PageListCms:
    """Writes one text file per item plus each media asset, so tests can see the output."""

    name = "page-list"

    def build(self, site: SiteSpec) -> list[SiteFile]:
        files = [
            SiteFile(f"pages/{item.slug}.txt", f"{item.title}\n{item.fields}".encode())
            for item in site.content.items
        ]
        files += [SiteFile(f"media/{asset.name}", asset.data) for asset in site.media]
        return files
