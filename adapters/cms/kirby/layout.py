"""Where everything goes: templates, slugs, folders and UUIDs of a generated Kirby site.

All names are decided here, once, so blueprints, templates and content agree on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs

from adapters.cms.kirby.naming import (
    RESERVED_SLUGS,
    RESERVED_TEMPLATES,
    slugify,
    stable_uuid,
    unique_name,
)
from domain.content import ContentItem, ItemStatus
from domain.schema import Entity, EntityKind, Field, FieldType
from domain.site import SiteSpec

HOME = "home"
ERROR = "error"
IMAGE_FILE_TEMPLATE = "image"
DRAFTS_FOLDER = "_drafts"
ERROR_TEXT = "Sorry, the page you are looking for could not be found."
_IMAGE_TYPES = frozenset({FieldType.IMAGE, FieldType.GALLERY})
_MEDIA_TYPES = frozenset({FieldType.IMAGE, FieldType.FILE, FieldType.GALLERY, FieldType.FILES})
# Keys Kirby keeps for itself in every content file; schema validation already refuses them
# as field ids, and the adapter skips them rather than write a second `Title:`.
_OWN_KEYS = frozenset({"title", "uuid", "slug"})


def page_fields(entity: Entity) -> tuple[Field, ...]:
    """The fields of an entity that become blueprint fields, content keys and template parts."""
    return tuple(f for f in entity.fields if f.id not in _OWN_KEYS)


@attrs.frozen
class FileTemplate:
    """A file blueprint written for a media field that restricts what may be uploaded."""

    name: str
    title: str
    image: bool
    accept: tuple[str, ...]


@attrs.frozen
class EntityLayout:
    """Names for one entity: its page template and, for a collection, its listing page."""

    entity_id: str
    template: str
    parent_slug: str | None = None
    # Media field path ("cover", "team.photo") → template of the files it holds.
    upload_templates: Mapping[str, str | None] = attrs.field(factory=dict)

    @property
    def parent_template(self) -> str | None:
        # A listing page's template is named after its slug (content/1_projects/projects.txt).
        return self.parent_slug


@attrs.frozen
class PagePlan:
    """One page of the site: its folder below ``content/`` and what fills its content file."""

    folder: str
    template: str
    title: str
    uuid: str
    entity_id: str | None = None
    item: ContentItem | None = None
    extra_fields: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class SiteLayout:
    entities: tuple[EntityLayout, ...]
    pages: tuple[PagePlan, ...]
    page_uuids: Mapping[str, str]
    file_templates: tuple[FileTemplate, ...]
    home_entity_id: str | None = None

    def entity(self, entity_id: str) -> EntityLayout | None:
        return next((e for e in self.entities if e.entity_id == entity_id), None)

    def top_level_templates(self) -> list[str]:
        """Templates of the pages directly below the site, in navigation order."""
        templates = [HOME]
        for layout in self.entities:
            if layout.entity_id == self.home_entity_id:
                continue
            templates.append(layout.parent_template or layout.template)
        templates.append(ERROR)
        return templates


def plan_site(site: SiteSpec) -> SiteLayout:
    schema = site.schema
    taken = set(RESERVED_SLUGS | RESERVED_TEMPLATES)
    file_templates_taken = {IMAGE_FILE_TEMPLATE, "default"}
    file_templates: list[FileTemplate] = []
    home_entity = next(
        (e for e in schema.entities if e.id == HOME and e.kind is EntityKind.SINGLE), None
    )

    layouts: list[EntityLayout] = []
    for entity in schema.entities:
        if home_entity is not None and entity.id == home_entity.id:
            template = HOME
            parent_slug = None
        else:
            parent_slug = None
            if entity.kind is EntityKind.COLLECTION:
                # The listing's slug is the name the owner reads in the menu and the URL, so it
                # is chosen first; an item template that would share it gives way instead
                # ("writing" listing, "writing-item" pages).
                wanted = slugify(entity.plural_name, fallback=f"{entity.id}s")
                parent_slug = unique_name(wanted, taken, "-list")
            suffix = "-item" if entity.kind is EntityKind.COLLECTION else "-page"
            template = unique_name(slugify(entity.id), taken, suffix)
        uploads: dict[str, str | None] = {}
        for path, field in _media_fields(page_fields(entity)):
            if field.options.accept:
                name = unique_name(slugify(f"{entity.id}-{path}"), file_templates_taken)
                file_templates.append(
                    FileTemplate(
                        name=name,
                        title=f"{entity.name}: {field.label}",
                        image=field.type in _IMAGE_TYPES,
                        accept=field.options.accept,
                    )
                )
                uploads[path] = name
            else:
                uploads[path] = IMAGE_FILE_TEMPLATE if field.type in _IMAGE_TYPES else None
        layouts.append(
            EntityLayout(
                entity_id=entity.id,
                template=template,
                parent_slug=parent_slug,
                upload_templates=uploads,
            )
        )

    page_uuids = {item.id: stable_uuid("page", item.id) for item in site.content.items}
    pages = _plan_pages(site, layouts, page_uuids, home_entity.id if home_entity else None)
    return SiteLayout(
        entities=tuple(layouts),
        pages=tuple(pages),
        page_uuids=page_uuids,
        file_templates=tuple(file_templates),
        home_entity_id=home_entity.id if home_entity else None,
    )


def _media_fields(fields: tuple[Field, ...], prefix: str = "") -> Iterator[tuple[str, Field]]:
    for field in fields:
        path = f"{prefix}{field.id}"
        if field.type in _MEDIA_TYPES:
            yield path, field
        elif field.type is FieldType.STRUCTURE:
            yield from _media_fields(field.options.fields, f"{path}.")


def _plan_pages(
    site: SiteSpec,
    layouts: list[EntityLayout],
    page_uuids: Mapping[str, str],
    home_entity_id: str | None,
) -> list[PagePlan]:
    schema = site.schema
    pages: list[PagePlan] = []
    home_item = _first(site.content.for_entity(home_entity_id)) if home_entity_id else None
    pages.append(
        PagePlan(
            folder=HOME,
            template=HOME,
            title=home_item.title if home_item else "Home",
            uuid=page_uuids[home_item.id] if home_item else stable_uuid("page", HOME),
            entity_id=home_entity_id,
            item=home_item,
        )
    )
    pages.append(
        PagePlan(
            folder=ERROR,
            template=ERROR,
            title="Page not found",
            uuid=stable_uuid("page", ERROR),
            extra_fields=(("text", ERROR_TEXT),),
        )
    )
    listed_number = 0
    for layout in layouts:
        entity = schema.entity(layout.entity_id)
        if entity is None or layout.entity_id == home_entity_id:
            continue
        items = site.content.for_entity(entity.id)
        if layout.parent_slug is None:
            item = _first(items)
            slug = layout.template
            # A single page is unlisted (no number); a draft item stays a draft.
            folder = f"{DRAFTS_FOLDER}/{slug}" if item and item.status is ItemStatus.DRAFT else slug
            pages.append(
                PagePlan(
                    folder=folder,
                    template=layout.template,
                    title=item.title if item else entity.name,
                    uuid=page_uuids[item.id] if item else stable_uuid("page", "single", entity.id),
                    entity_id=entity.id,
                    item=item,
                )
            )
            continue
        listed_number += 1
        parent_folder = f"{listed_number}_{layout.parent_slug}"
        pages.append(
            PagePlan(
                folder=parent_folder,
                template=layout.parent_slug,
                title=entity.plural_name or entity.name,
                uuid=stable_uuid("page", "collection", entity.id),
            )
        )
        pages.extend(
            _plan_children(parent_folder, layout.template, entity.sortable, items, page_uuids)
        )
    return pages


def _plan_children(
    parent_folder: str,
    template: str,
    sortable: bool,
    items: tuple[ContentItem, ...],
    page_uuids: Mapping[str, str],
) -> Iterator[PagePlan]:
    # Kirby checks slugs across children and drafts alike, so one set covers all of them.
    slugs: set[str] = set()
    listed_number = 0
    for item in items:
        slug = unique_name(slugify(item.slug or item.title, fallback=slugify(item.id)), slugs)
        if item.status is ItemStatus.LISTED:
            # Sortable children are numbered 1..n; others use Kirby's `num: zero` (0_).
            listed_number += 1
            folder = f"{parent_folder}/{listed_number if sortable else 0}_{slug}"
        elif item.status is ItemStatus.UNLISTED:
            folder = f"{parent_folder}/{slug}"
        else:
            folder = f"{parent_folder}/{DRAFTS_FOLDER}/{slug}"
        yield PagePlan(
            folder=folder,
            template=template,
            title=item.title,
            uuid=page_uuids[item.id],
            entity_id=item.entity,
            item=item,
        )


def _first(items: tuple[ContentItem, ...]) -> ContentItem | None:
    return items[0] if items else None
