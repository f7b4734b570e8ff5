"""A hand-made site that uses every one of the 31 generic field types, and helpers around it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.cms.kirby import KirbyAdapter
from domain.content import ContentItem, ItemStatus, StructuredContent
from domain.design import DesignSystem
from domain.schema import (
    Choice,
    ContentSchema,
    Entity,
    EntityKind,
    Field,
    FieldOptions,
    FieldType,
    Width,
)
from domain.site import MediaAsset, SiteFile, SiteSpec

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n%fake\n"


def _choices(*values: str) -> tuple[Choice, ...]:
    return tuple(Choice(value=v, label=v.title()) for v in values)


TEAM_FIELDS = (
    Field(id="name", label="Name", type=FieldType.TEXT, required=True),
    Field(id="photo", label="Photo", type=FieldType.IMAGE),
    Field(id="active", label="Active", type=FieldType.BOOLEAN),
    # `content` is also a method of structure rows: exercises the safe accessor.
    Field(id="content", label="Bio", type=FieldType.TEXTAREA),
    Field(
        id="mentor",
        label="Mentor project",
        type=FieldType.RELATION,
        options=FieldOptions(target_entity="project"),
    ),
)

PROJECT_FIELDS = (
    Field(
        id="subtitle", label="Subtitle", type=FieldType.TEXT, options=FieldOptions(max_length=80)
    ),
    Field(id="summary", label="Summary", type=FieldType.TEXTAREA, help="Two sentences."),
    Field(id="story", label="Story", type=FieldType.RICHTEXT),
    Field(id="notes", label="Notes", type=FieldType.MARKDOWN, width=Width.HALF),
    # `code`, `url` and `images` are Kirby page methods too.
    Field(id="code", label="Snippet", type=FieldType.CODE),
    Field(
        id="budget", label="Budget", type=FieldType.NUMBER, options=FieldOptions(min=0, step=0.5)
    ),
    Field(id="rating", label="Rating", type=FieldType.RANGE, options=FieldOptions(min=1, max=10)),
    Field(id="featured", label="Featured", type=FieldType.BOOLEAN),
    Field(
        id="discipline",
        label="Discipline",
        type=FieldType.SELECT,
        options=FieldOptions(choices=_choices("web", "print")),
    ),
    Field(
        id="media",
        label="Media",
        type=FieldType.MULTISELECT,
        options=FieldOptions(choices=_choices("web", "print", "video")),
    ),
    Field(
        id="size",
        label="Size",
        type=FieldType.RADIO,
        options=FieldOptions(choices=(Choice("s", "Small"), Choice("l", "Large"))),
    ),
    Field(
        id="services",
        label="Services",
        type=FieldType.CHECKBOXES,
        options=FieldOptions(choices=_choices("design", "build")),
    ),
    Field(id="launched", label="Launched", type=FieldType.DATE),
    Field(id="opening_time", label="Opening time", type=FieldType.TIME),
    Field(id="updated_at", label="Updated", type=FieldType.DATETIME),
    Field(id="cover", label="Cover", type=FieldType.IMAGE, required=True),
    Field(
        id="brief",
        label="Brief",
        type=FieldType.FILE,
        options=FieldOptions(accept=("application/pdf",)),
    ),
    Field(id="images", label="Gallery", type=FieldType.GALLERY, options=FieldOptions(max_files=6)),
    Field(id="downloads", label="Downloads", type=FieldType.FILES),
    Field(id="highlights", label="Highlights", type=FieldType.LIST),
    Field(
        id="team", label="Team", type=FieldType.STRUCTURE, options=FieldOptions(fields=TEAM_FIELDS)
    ),
    Field(id="body", label="Body", type=FieldType.BLOCKS),
    Field(id="metadata", label="Metadata", type=FieldType.JSON),
    Field(
        id="related",
        label="Related project",
        type=FieldType.RELATION,
        options=FieldOptions(target_entity="project"),
    ),
    Field(
        id="see_also",
        label="See also",
        type=FieldType.RELATIONS,
        options=FieldOptions(target_entity="project"),
    ),
    Field(id="url", label="Website", type=FieldType.URL),
    Field(id="email", label="Contact", type=FieldType.EMAIL),
    Field(id="phone", label="Phone", type=FieldType.TEL),
    Field(id="accent", label="Accent", type=FieldType.COLOR),
    Field(id="place", label="Place", type=FieldType.LOCATION),
    Field(
        id="keywords",
        label="Keywords",
        type=FieldType.TAGS,
        options=FieldOptions(choices=_choices("branding", "editorial")),
    ),
)

ABOUT_FIELDS = (
    Field(id="intro", label="Intro", type=FieldType.RICHTEXT),
    Field(id="portrait", label="Portrait", type=FieldType.IMAGE),
    Field(
        id="favourite",
        label="Favourite project",
        type=FieldType.RELATION,
        options=FieldOptions(target_entity="project"),
    ),
    Field(id="skills", label="Skills", type=FieldType.TAGS),
)

NOTE_FIELDS = (Field(id="text", label="Text", type=FieldType.MARKDOWN),)


def all_types_schema() -> ContentSchema:
    return ContentSchema(
        name="Portfolio",
        entities=(
            Entity(
                id="project",
                name="Project",
                plural_name="Projects",
                kind=EntityKind.COLLECTION,
                fields=PROJECT_FIELDS,
                icon="image",
            ),
            Entity(
                id="about",
                name="About",
                plural_name="About",
                kind=EntityKind.SINGLE,
                fields=ABOUT_FIELDS,
                icon="user",
            ),
            Entity(
                id="note",
                name="Note",
                plural_name="Notes",
                kind=EntityKind.COLLECTION,
                fields=NOTE_FIELDS,
                sortable=False,
            ),
        ),
    )


FULL_PROJECT_VALUES: dict[str, object] = {
    "subtitle": "A rebrand — for “Ünïcode” café",
    "summary": "Line one\nLine two\n----\nafter a line that looks like a separator",
    "story": "**Bold** start.\n\nKey: a line that looks like a key",
    "notes": "# Heading\n\nA paragraph with <script>alert(1)</script>",
    "code": "print('hi')\n----\n\\----",
    "budget": 1250.5,
    "rating": 7,
    "featured": True,
    "discipline": "web",
    "media": ["web", "print"],
    "size": "l",
    "services": ["design", "build"],
    "launched": "2024-05-01",
    "opening_time": "14:30",
    "updated_at": "2024-05-01 14:30:00",
    "cover": "Cover Photo.JPG",
    "brief": "brief.pdf",
    "images": ["g1.png", "g2.png"],
    "downloads": ["brief.pdf", "notes.txt"],
    "highlights": ["First, with a comma", "Second: with a colon", "----"],
    "team": [
        {
            "name": "Ann",
            "photo": "ann.jpg",
            "active": True,
            "content": "Leads design.\nLoves type.",
            "mentor": "p2",
        },
        {"name": "Bo", "active": False, "unknown_key": "dropped"},
    ],
    "body": [
        {"type": "heading", "content": {"level": "h2", "text": "Hello"}},
        {"type": "text", "content": {"text": "<p>World</p>"}},
    ],
    "metadata": {"client": "ACME", "years": [2023, 2024], "divider": "----"},
    "related": "p2",
    "see_also": ["p2", "p3", "does-not-exist"],
    "url": "https://example.com/work?a=1&b=2",
    "email": "hello@example.com",
    "phone": "+49 30 1234 567",
    "accent": "#ff8800",
    "place": {"lat": 52.52, "lng": 13.405},
    "keywords": ["branding", "editorial"],
}


def all_types_content() -> StructuredContent:
    return StructuredContent(
        items=(
            ContentItem(
                id="p1",
                entity="project",
                slug="rebrand",
                title="Rebrand",
                sort=1,
                fields=dict(FULL_PROJECT_VALUES),
            ),
            ContentItem(
                id="p2",
                entity="project",
                slug="poster",
                title="Poster series",
                sort=2,
                fields={"summary": "Short.", "cover": "g1.png", "related": "p1"},
            ),
            ContentItem(
                id="p3",
                entity="project",
                slug="secret",
                title="Secret draft",
                status=ItemStatus.DRAFT,
                sort=3,
                fields={"cover": "g2.png"},
            ),
            ContentItem(
                id="p4",
                entity="project",
                slug="rebrand",  # same slug as p1: must be made unique
                title="Hidden page",
                status=ItemStatus.UNLISTED,
                sort=4,
            ),
            ContentItem(
                id="a1",
                entity="about",
                slug="about",
                title="About me",
                fields={
                    "intro": "I design *things*.",
                    "portrait": "Cover Photo.JPG",
                    "favourite": "p1",
                    "skills": ["type", "layout"],
                },
            ),
            ContentItem(id="n1", entity="note", slug="zeta", title="Zeta", fields={"text": "Z"}),
            ContentItem(id="n2", entity="note", slug="alpha", title="Alpha"),
        )
    )


def all_types_design() -> DesignSystem:
    return DesignSystem(
        tokens={
            "color": {
                "$type": "color",
                "primary": {
                    "500": {"$value": "#2255aa"},
                    "50": {"$value": "#eef3fb"},
                    "100": {"$value": "#dde7f7"},
                },
                "role": {
                    "text": {"$value": "#111111"},
                    "background": {"$value": "#ffffff"},
                    "link": {"$value": "{color.primary.500}"},
                },
            },
            "typography": {
                "font-family": {
                    "body": {"$type": "fontFamily", "$value": ["Source Sans 3", "sans-serif"]},
                    "heading": {"$type": "fontFamily", "$value": "Playfair Display"},
                },
                "line-height": {"body": {"$type": "number", "$value": 1.5}},
            },
            "dimension": {
                "$type": "dimension",
                "spacing": {"md": {"$value": {"value": 1, "unit": "rem"}}},
                "radius": {"md": {"$value": "6px"}},
            },
            "shadow": {
                "card": {
                    "$type": "shadow",
                    "$value": {
                        "color": "#00000022",
                        "offsetX": "0px",
                        "offsetY": {"value": 2, "unit": "px"},
                        "blur": "8px",
                        "spread": "0px",
                    },
                }
            },
            "broken": {"$value": "red; } body { display: none"},
        }
    )


def all_types_media() -> tuple[MediaAsset, ...]:
    return (
        MediaAsset(name="Cover Photo.JPG", data=JPEG, media_type="image/jpeg"),
        MediaAsset(name="g1.png", data=PNG, media_type="image/png"),
        MediaAsset(name="g2.png", data=PNG, media_type="image/png"),
        MediaAsset(name="ann.jpg", data=JPEG, media_type="image/jpeg"),
        MediaAsset(name="brief.pdf", data=PDF, media_type="application/pdf"),
        MediaAsset(name="notes.txt", data=b"plain notes\n", media_type="text/plain"),
    )


def all_types_site() -> SiteSpec:
    return SiteSpec(
        title="Ada's Portfolio",
        schema=all_types_schema(),
        content=all_types_content(),
        design=all_types_design(),
        media=all_types_media(),
    )


def write_site(files: list[SiteFile], root: Path) -> Path:
    for file in files:
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
    return root


@pytest.fixture
def site_spec() -> SiteSpec:
    return all_types_site()


@pytest.fixture
def site_files(site_spec: SiteSpec) -> dict[str, bytes]:
    return {f.path: f.data for f in KirbyAdapter().build(site_spec)}


@pytest.fixture
def built_site(site_spec: SiteSpec, tmp_path: Path) -> Path:
    return write_site(KirbyAdapter().build(site_spec), tmp_path / "site")


@pytest.fixture
def read_text(built_site: Path) -> Callable[[str], str]:
    def read(path: str) -> str:
        return (built_site / path).read_text(encoding="utf-8")

    return read
