"""PHP templates for every page template of the site, plus the shared snippets."""

from __future__ import annotations

from importlib.resources import files

from adapters.cms.kirby.blueprints import ERROR_TEXT_FIELD, HOME_INTRO_FIELD
from adapters.cms.kirby.layout import ERROR, HOME, SiteLayout, page_fields
from adapters.cms.kirby.naming import PAGE_METHODS
from adapters.cms.kirby.php_fields import INDENT, PAGE, Owner, indent, render_field
from domain.schema import ContentSchema, Entity, FieldType

TEMPLATE_ROOT = "site/templates"
SNIPPET_ROOT = "site/snippets"
_RESOURCES = files("adapters.cms.kirby.resources")
_CHILD = Owner(variable="$child", methods=PAGE_METHODS)
_EXCERPT_TYPES = (FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN, FieldType.TEXT)
_EXCERPT_LENGTH = 160


def build_templates(schema: ContentSchema, layout: SiteLayout) -> dict[str, str]:
    """Template and snippet path → PHP source."""
    result = {
        f"{SNIPPET_ROOT}/{name}.php": _resource(f"{name}.php")
        for name in ("header", "footer", "card")
    }
    result[f"{TEMPLATE_ROOT}/default.php"] = _resource("default.php")
    home_entity = schema.entity(layout.home_entity_id) if layout.home_entity_id else None
    result[f"{TEMPLATE_ROOT}/{HOME}.php"] = home_template(home_entity)
    result[f"{TEMPLATE_ROOT}/{ERROR}.php"] = _page_template(
        ERROR, _markdown_block(ERROR_TEXT_FIELD)
    )
    for entity_layout in layout.entities:
        entity = schema.entity(entity_layout.entity_id)
        if entity is None or entity.id == layout.home_entity_id:
            continue
        in_collection = entity_layout.parent_template is not None
        result[f"{TEMPLATE_ROOT}/{entity_layout.template}.php"] = entity_template(
            entity_layout.template, entity, in_collection
        )
        if entity_layout.parent_template:
            result[f"{TEMPLATE_ROOT}/{entity_layout.parent_template}.php"] = collection_template(
                entity_layout.parent_template, entity
            )
    return dict(sorted(result.items()))


def entity_template(template: str, entity: Entity, in_collection: bool) -> str:
    parts = [render_field(field, PAGE) for field in page_fields(entity)]
    if in_collection:
        parts.append(_BACK_LINK)
    return _page_template(template, "\n".join(parts))


def collection_template(template: str, entity: Entity) -> str:
    card_arguments = ["'item' => $child"]
    cover = _cover_expression(entity)
    if cover:
        card_arguments.append(f"'cover' => {cover}")
    excerpt = _excerpt_expression(entity)
    if excerpt:
        card_arguments.append(f"'excerpt' => {excerpt}")
    body = "\n".join(
        [
            "<?php $children = $page->children()->listed() ?>",
            "<?php if ($children->isNotEmpty()): ?>",
            '<div class="cards">',
            f"{INDENT}<?php foreach ($children as $child): ?>",
            f"{INDENT}<?php snippet('card', [{', '.join(card_arguments)}]) ?>",
            f"{INDENT}<?php endforeach ?>",
            "</div>",
            "<?php else: ?>",
            '<p class="empty">Nothing here yet.</p>',
            "<?php endif ?>",
        ]
    )
    return _page_template(template, body)


def home_template(home_entity: Entity | None) -> str:
    parts = []
    if home_entity is None or home_entity.field(HOME_INTRO_FIELD) is None:
        parts.append(_markdown_block(HOME_INTRO_FIELD))
    if home_entity is not None:
        parts.extend(render_field(field, PAGE) for field in page_fields(home_entity))
    parts.append(_HOME_LISTING)
    return _page_template(HOME, "\n".join(parts), title="<?= $site->title()->esc() ?>")


def _page_template(template: str, body: str, title: str = "<?= $page->title()->esc() ?>") -> str:
    lines = [
        "<?php snippet('header') ?>",
        f'<article class="page page--{template}">',
        f'{INDENT}<h1 class="page__title">{title}</h1>',
    ]
    if body:
        lines.append(indent(body))
    lines += ["</article>", "<?php snippet('footer') ?>", ""]
    return "\n".join(lines)


def _markdown_block(field_id: str) -> str:
    expression = PAGE.field(field_id)
    return "\n".join(
        [
            f"<?php if ({expression}->isNotEmpty()): ?>",
            f'<div class="prose"><?= {expression}->kirbytext() ?></div>',
            "<?php endif ?>",
        ]
    )


def _cover_expression(entity: Entity) -> str | None:
    for field in page_fields(entity):
        if field.type is FieldType.IMAGE:
            return f"{_CHILD.field(field.id)}->toFile()"
        if field.type is FieldType.GALLERY:
            return f"{_CHILD.field(field.id)}->toFiles()->first()"
    return None


def _excerpt_expression(entity: Entity) -> str | None:
    for kind in _EXCERPT_TYPES:
        field = next((f for f in page_fields(entity) if f.type is kind), None)
        if field is None:
            continue
        # `excerpt` renders the field with kirbytext itself and strips the tags: given HTML
        # that was already rendered, safe mode would escape it and show `<p>` as text.
        return f"{_CHILD.field(field.id)}->excerpt({_EXCERPT_LENGTH})->value()"
    return None


def _resource(name: str) -> str:
    return (_RESOURCES / name).read_text(encoding="utf-8")


_BACK_LINK = "\n".join(
    [
        "<?php if ($parent = $page->parent()): ?>",
        '<p class="back"><a href="<?= esc($parent->url(), \'attr\') ?>">'
        "&larr; <?= $parent->title()->esc() ?></a></p>",
        "<?php endif ?>",
    ]
)

_HOME_LISTING = "\n".join(
    [
        "<?php $sections = $site->children()->published()"
        "->filter(fn ($item) => $item->isHomeOrErrorPage() === false) ?>",
        "<?php if ($sections->isNotEmpty()): ?>",
        '<div class="cards">',
        f"{INDENT}<?php foreach ($sections as $section): ?>",
        f"{INDENT}<?php snippet('card', ['item' => $section]) ?>",
        f"{INDENT}<?php endforeach ?>",
        "</div>",
        "<?php endif ?>",
    ]
)
