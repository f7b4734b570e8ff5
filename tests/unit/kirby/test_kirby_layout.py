"""Names and folders: reserved names, collisions, and a schema that defines its own home."""

from __future__ import annotations

from pathlib import Path

from adapters.cms.kirby import KirbyAdapter, KirbySiteChecker
from adapters.cms.kirby.layout import plan_site
from adapters.cms.kirby.txt import decode
from domain.content import ContentItem, StructuredContent
from domain.design import DesignSystem
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType
from domain.site import SiteSpec


def _site(*entities: Entity, items: tuple[ContentItem, ...] = ()) -> SiteSpec:
    return SiteSpec(
        title="Site",
        schema=ContentSchema(name="Site", entities=entities),
        content=StructuredContent(items=items),
        design=DesignSystem(),
    )


def _write(site: SiteSpec, root: Path) -> Path:
    for file in KirbyAdapter().build(site):
        (root / file.path).parent.mkdir(parents=True, exist_ok=True)
        (root / file.path).write_bytes(file.data)
    return root


HEADLINE = Field(id="headline", label="Headline", type=FieldType.TEXT)


def test_a_single_entity_called_home_fills_the_home_page(tmp_path: Path) -> None:
    home = Entity(
        id="home", name="Home", plural_name="Home", kind=EntityKind.SINGLE, fields=(HEADLINE,)
    )
    site = _site(
        home,
        items=(
            ContentItem(
                id="h", entity="home", slug="home", title="Welcome", fields={"headline": "Hi"}
            ),
        ),
    )
    root = _write(site, tmp_path)
    assert decode((root / "content/home/home.txt").read_text())["headline"] == "Hi"
    assert not (root / "content/home-page").exists()
    assert "$page->headline()" in (root / "site/templates/home.php").read_text()
    assert KirbySiteChecker().check(root) == []


def test_reserved_and_colliding_names_get_suffixes() -> None:
    media = Entity(id="media", name="Media", plural_name="Media", kind=EntityKind.SINGLE)
    news = Entity(id="news", name="News", plural_name="News", kind=EntityKind.COLLECTION)
    layout = plan_site(_site(media, news))
    media_layout = layout.entity("media")
    assert media_layout is not None
    assert media_layout.template == "media-page"
    news_layout = layout.entity("news")
    assert news_layout is not None
    # The listing keeps the name visitors read; the item template gives way.
    assert news_layout.parent_slug == "news"
    assert news_layout.template == "news-item"
    assert layout.top_level_templates() == ["home", "media-page", "news", "error"]


def test_item_slugs_are_made_safe_and_unique() -> None:
    works = Entity(id="work", name="Work", plural_name="Works", kind=EntityKind.COLLECTION)
    items = (
        ContentItem(id="1", entity="work", slug="", title="Café Ünïon", sort=1),
        ContentItem(id="2", entity="work", slug="cafe-union", title="Again", sort=2),
    )
    folders = [p.folder for p in plan_site(_site(works, items=items)).pages]
    assert "1_works/1_cafe-union" in folders
    assert "1_works/2_cafe-union-2" in folders


def test_single_without_content_still_gets_a_page(tmp_path: Path) -> None:
    about = Entity(
        id="about", name="About", plural_name="About", kind=EntityKind.SINGLE, fields=(HEADLINE,)
    )
    root = _write(_site(about), tmp_path)
    assert decode((root / "content/about/about.txt").read_text())["title"] == "About"
    assert KirbySiteChecker().check(root) == []


def test_a_field_named_like_a_kirby_key_is_left_to_kirby(tmp_path: Path) -> None:
    # Schema validation refuses such ids; the adapter still builds a valid site.
    about = Entity(
        id="about",
        name="About",
        plural_name="About",
        kind=EntityKind.SINGLE,
        fields=(Field(id="title", label="Title", type=FieldType.TEXT), HEADLINE),
    )
    item = ContentItem(
        id="a", entity="about", slug="about", title="Real title", fields={"title": "Other"}
    )
    root = _write(_site(about, items=(item,)), tmp_path)
    assert decode((root / "content/about/about.txt").read_text())["title"] == "Real title"
    assert KirbySiteChecker().check(root) == []
