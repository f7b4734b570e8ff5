"""Panel blueprints (YAML) for every page template, the site and image files."""

from __future__ import annotations

from typing import Any

from adapters.cms.kirby.fieldtypes import blueprint_field
from adapters.cms.kirby.kirby_types import panel_icon
from adapters.cms.kirby.layout import (
    ERROR,
    HOME,
    IMAGE_FILE_TEMPLATE,
    EntityLayout,
    FileTemplate,
    SiteLayout,
    page_fields,
)
from adapters.cms.kirby.naming import php_string
from adapters.cms.kirby.yaml_text import dump_yaml
from adapters.cms.presentation import present
from domain.schema import MEDIA_TYPES, ContentSchema, Entity, EntityKind, FieldType

BLUEPRINT_ROOT = "site/blueprints"
HOME_INTRO_FIELD = "intro"
ERROR_TEXT_FIELD = "text"

_STATUS = {
    "draft": {"label": "Draft", "text": "Only visible in the Panel."},
    "unlisted": {"label": "Unlisted", "text": "Reachable by its address, not shown in lists."},
    "listed": {"label": "Published", "text": "Shown on the site and in its lists."},
}
# Templates and slugs are wired into relations and listings; changing them breaks the site.
_FIXED_PAGE_OPTIONS = {"changeSlug": False, "changeTemplate": False, "delete": False}
# Short values worth showing under a page's title in Panel listings.
_INFO_TYPES = frozenset(
    {FieldType.TEXT, FieldType.NUMBER, FieldType.DATE, FieldType.SELECT, FieldType.RADIO}
)
# Above this many fields one long form is hard to scan: the form is split into tabs.
MAX_FIELDS_WITHOUT_TABS = 8
# Fields that hold the page's writing; they open the form (the "Content" tab).
_WRITING_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.TEXTAREA,
        FieldType.RICHTEXT,
        FieldType.MARKDOWN,
        FieldType.CODE,
        FieldType.BLOCKS,
    }
)


def home_gallery_field(schema: ContentSchema, layout: SiteLayout) -> str:
    """The home page's field for the images no other page shows (a free field id)."""
    home = schema.entity(layout.home_entity_id) if layout.home_entity_id else None
    taken = {f.id for f in home.fields} if home else set()
    return next(n for n in ("gallery", "gallery_images", "material_images") if n not in taken)


def build_blueprints(
    schema: ContentSchema, layout: SiteLayout, *, has_gallery: bool = False
) -> dict[str, str]:
    """Blueprint file path → YAML text, for every template of the site."""
    docs: dict[str, dict[str, Any]] = {
        "site.yml": _site_blueprint(schema, layout),
        f"pages/{ERROR}.yml": _error_blueprint(),
        f"files/{IMAGE_FILE_TEMPLATE}.yml": _file_blueprint(
            "Image", image=True, accept=("image/*",)
        ),
    }
    home_entity = schema.entity(layout.home_entity_id) if layout.home_entity_id else None
    docs[f"pages/{HOME}.yml"] = _home_blueprint(home_entity, schema, layout, has_gallery)
    for entity_layout in layout.entities:
        entity = schema.entity(entity_layout.entity_id)
        if entity is None or entity.id == layout.home_entity_id:
            continue
        docs[f"pages/{entity_layout.template}.yml"] = _entity_blueprint(entity, schema, layout)
        if entity_layout.parent_template:
            docs[f"pages/{entity_layout.parent_template}.yml"] = _collection_blueprint(
                entity, entity_layout
            )
    for file_template in layout.file_templates:
        docs[f"files/{file_template.name}.yml"] = _file_blueprint_for(file_template)
    return {f"{BLUEPRINT_ROOT}/{path}": dump_yaml(doc) for path, doc in sorted(docs.items())}


def relation_query(schema: ContentSchema, layout: SiteLayout, target_entity: str) -> str | None:
    """The Kirby query listing the pages a relation to ``target_entity`` may choose from."""
    target = layout.entity(target_entity)
    entity = schema.entity(target_entity)
    if target is None or entity is None:
        return None
    if entity.kind is EntityKind.COLLECTION and target.parent_slug:
        return f"site.find({php_string(target.parent_slug)}).children"
    return f"site.children.template({php_string(target.template)})"


def entity_fields(entity: Entity, schema: ContentSchema, layout: SiteLayout) -> dict[str, Any]:
    entity_layout = layout.entity(entity.id)
    uploads = entity_layout.upload_templates if entity_layout else {}
    return {
        field.id: blueprint_field(
            field, lambda target: relation_query(schema, layout, target), uploads
        )
        for field in page_fields(entity)
    }


def _entity_blueprint(entity: Entity, schema: ContentSchema, layout: SiteLayout) -> dict[str, Any]:
    blueprint: dict[str, Any] = {
        "title": entity.name,
        "icon": panel_icon(entity.icon),
        # `default` numbers listed pages 1..n (folder prefix N_) and lets editors reorder
        # them; `zero` gives every listed page 0_ and sorts alphabetically.
        "num": "default" if entity.sortable else "zero",
        "status": _STATUS,
        "options": {"changeTemplate": False},
    }
    blueprint.update(form_layout(entity, entity_fields(entity, schema, layout)))
    return blueprint


def form_layout(entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
    """Arrange an entity's fields: one form, a form with a files sidebar, or tabs.

    Kirby does not mix ``fields`` and sections in one column or tab, so wherever a files
    section joins the fields, they are wrapped in a ``fields`` section.
    """
    if not fields:
        return {}
    media = {k: v for k, v in fields.items() if _generic_type(entity, k) in MEDIA_TYPES}
    has_images = any(
        _generic_type(entity, k) in (FieldType.IMAGE, FieldType.GALLERY) for k in media
    )
    if len(fields) <= MAX_FIELDS_WITHOUT_TABS:
        if not media:
            return {"fields": fields}
        return {
            "columns": {
                "main": {"width": "2/3", "fields": fields},
                "sidebar": {"width": "1/3", "sections": {"files": _files_section(has_images)}},
            }
        }
    writing = {
        k: v
        for k, v in fields.items()
        if _generic_type(entity, k) in _WRITING_TYPES and k not in media
    }
    details = {k: v for k, v in fields.items() if k not in writing and k not in media}
    tabs: dict[str, Any] = {}
    if writing or media:
        # The page's writing beside its images and files, as in Kirby's starterkit.
        main = writing or details
        content: dict[str, Any] = {"label": "Content", "icon": "text"}
        if media:
            content["columns"] = {
                "main": {
                    "width": "2/3",
                    "sections": {"content": {"type": "fields", "fields": main}},
                },
                "sidebar": {
                    "width": "1/3",
                    "sections": {
                        "media_fields": {"type": "fields", "fields": media},
                        "files": _files_section(has_images),
                    },
                },
            }
        else:
            content["fields"] = main
        tabs["content"] = content
        if main is details:
            details = {}
    if details:
        tabs["details"] = {"label": "Details", "icon": "list-bullet", "fields": details}
    return {"tabs": tabs}


def _generic_type(entity: Entity, field_id: str) -> FieldType | None:
    field = entity.field(field_id)
    return field.type if field else None


def _files_section(has_images: bool) -> dict[str, Any]:
    # Every file of the page, also those no field uses yet: uploads land here first.
    return {"type": "files", "label": "Files", "layout": "cards" if has_images else "list"}


def _collection_blueprint(entity: Entity, entity_layout: EntityLayout) -> dict[str, Any]:
    section: dict[str, Any] = {
        "label": entity.plural_name or entity.name,
        "type": "pages",
        "status": "all",
        "templates": [entity_layout.template],
        **listing_details(entity),
    }
    if not entity.sortable:
        section["sortable"] = False
        section["sortBy"] = "title asc"
    return {
        "title": entity.plural_name or entity.name,
        "icon": panel_icon(entity.icon),
        "status": _STATUS,
        "options": _FIXED_PAGE_OPTIONS,
        "sections": {"children": section},
    }


def listing_details(entity: Entity) -> dict[str, Any]:
    """How a pages section shows the entity's pages: cover image and key facts, as cards."""
    shown = present(entity)
    details: dict[str, Any] = {"layout": "cards" if shown.cover else "list"}
    if shown.cover is not None:
        files = "toFile" if shown.cover.type is FieldType.IMAGE else "toFiles.first"
        details["image"] = {
            "query": f"page.content.get({php_string(shown.cover.id)}).{files}",
            "cover": True,
            "ratio": "4/3",
        }
        details["size"] = "small"
    info = [f for f in shown.facts if f.type in _INFO_TYPES][:1]
    if info:
        details["info"] = " · ".join(
            f"{{{{ page.content.get({php_string(f.id)}) }}}}" for f in info
        )
    return details


def _home_blueprint(
    home_entity: Entity | None, schema: ContentSchema, layout: SiteLayout, has_gallery: bool
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if home_entity is None or home_entity.field(HOME_INTRO_FIELD) is None:
        fields[HOME_INTRO_FIELD] = {
            "label": "Introduction",
            "type": "textarea",
            "help": "Shown above the list of pages. Markdown works here.",
        }
    if home_entity is not None:
        fields.update(entity_fields(home_entity, schema, layout))
    if has_gallery:
        fields[home_gallery_field(schema, layout)] = {
            "label": "Gallery",
            "type": "files",
            "query": "page.images",
            "layout": "cards",
            "uploads": IMAGE_FILE_TEMPLATE,
            "help": "Images of the material no other page shows.",
        }
    form = form_layout(home_entity, fields) if home_entity is not None else {"fields": fields}
    return {
        "title": "Home",
        "icon": "home",
        "options": {**_FIXED_PAGE_OPTIONS, "changeStatus": False},
        **form,
    }


def _error_blueprint() -> dict[str, Any]:
    return {
        "title": "Error",
        "icon": "alert",
        "options": {**_FIXED_PAGE_OPTIONS, "changeStatus": False},
        "fields": {
            ERROR_TEXT_FIELD: {
                "label": "Message",
                "type": "textarea",
                "help": "Shown when a page does not exist. Markdown works here.",
            }
        },
    }


def _site_blueprint(schema: ContentSchema, layout: SiteLayout) -> dict[str, Any]:
    """The Panel's start: the main pages in one list, each collection's pages beside it."""
    main = [t for t in layout.top_level_templates() if t != ERROR]
    collections: dict[str, Any] = {}
    for entity_layout in layout.entities:
        entity = schema.entity(entity_layout.entity_id)
        if entity is None or not entity_layout.parent_slug:
            continue
        collections[entity_layout.parent_slug] = {
            "label": entity.plural_name or entity.name,
            "type": "pages",
            "parent": f"site.find({php_string(entity_layout.parent_slug)})",
            "status": "all",
            "templates": [entity_layout.template],
            "empty": f"No {(entity.plural_name or entity.name).lower()} yet",
            **listing_details(entity),
        }
    pages = {
        "label": "Pages",
        "type": "pages",
        "status": "all",
        # Every top-level page has a fixed role; new ones would have no template.
        "create": False,
        "templates": main,
        "image": {"back": "white"},
    }
    if not collections:
        return {"title": schema.name or "Site", "sections": {"pages": pages}}
    return {
        "title": schema.name or "Site",
        "columns": {
            "main": {"width": "1/3", "sections": {"pages": pages}},
            "collections": {"width": "2/3", "sections": collections},
        },
    }


def _file_blueprint_for(template: FileTemplate) -> dict[str, Any]:
    return _file_blueprint(template.title, image=template.image, accept=template.accept)


def _file_blueprint(title: str, *, image: bool, accept: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if image:
        fields["alt"] = {
            "label": "Alternative text",
            "type": "text",
            "help": "Describe the image for people who cannot see it.",
        }
    fields["caption"] = {"label": "Caption", "type": "textarea", "buttons": False}
    return {"title": title, "accept": _accept_rules(accept, image=image), "fields": fields}


def _accept_rules(accept: tuple[str, ...], *, image: bool) -> dict[str, Any]:
    """Kirby's file `accept` rules from MIME types (``image/png``) and extensions (``.pdf``)."""
    mimes = [a for a in accept if "/" in a]
    extensions = [a.lstrip(".").lower() for a in accept if a.startswith(".")]
    rules: dict[str, Any] = {}
    if mimes:
        rules["mime"] = ", ".join(mimes)
    if extensions:
        rules["extension"] = ", ".join(extensions)
    if image and not rules:
        rules["type"] = "image"
    return rules
