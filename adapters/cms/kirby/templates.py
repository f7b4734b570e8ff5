"""PHP templates for every page template of the site, plus the shared snippets."""

from __future__ import annotations

from importlib.resources import files

import attrs

from adapters.cms.kirby.blueprints import (
    ERROR_TEXT_FIELD,
    HOME_INTRO_FIELD,
    home_gallery_field,
)
from adapters.cms.kirby.layout import ERROR, HOME, SiteLayout
from adapters.cms.kirby.naming import PAGE_METHODS, php_string
from adapters.cms.kirby.php_fields import (
    INDENT,
    PAGE,
    Owner,
    facts_list,
    indent,
    render_field,
    render_lead,
    render_lead_body,
    render_text,
)
from adapters.cms.presentation import (
    EXCERPT_CHARS,
    FEATURED_LIMIT,
    INTRO_CHARS,
    HomePlan,
    count_nouns,
    plan_home,
    present,
)
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType

TEMPLATE_ROOT = "site/templates"
SNIPPET_ROOT = "site/snippets"
_RESOURCES = files("adapters.cms.kirby.resources")
_CHILD = Owner(variable="$child", methods=PAGE_METHODS)


def build_templates(
    schema: ContentSchema, layout: SiteLayout, *, has_gallery: bool = False
) -> dict[str, str]:
    """Template and snippet path → PHP source."""
    result = {
        f"{SNIPPET_ROOT}/{name}.php": _resource(f"{name}.php")
        for name in ("header", "footer", "card")
    }
    result[f"{TEMPLATE_ROOT}/default.php"] = _resource("default.php")
    gallery = home_gallery_field(schema, layout) if has_gallery else None
    result[f"{TEMPLATE_ROOT}/{HOME}.php"] = home_template(schema, layout, gallery)
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
    return _page_template(template, "\n".join(_entity_parts(entity, in_collection)))


def _entity_parts(entity: Entity, in_collection: bool) -> list[str]:
    """Images first, then the tagline and the writing, the facts together, then the rest."""
    shown = present(entity)
    parts = [render_lead(field, PAGE) for field in shown.lead]
    if shown.tagline is not None:
        expression = PAGE.field(shown.tagline.id)
        parts.append(
            f"<?php if ({expression}->isNotEmpty()): ?>\n"
            f'<p class="page__tagline"><?= {expression}->esc() ?></p>\n'
            "<?php endif ?>"
        )
    if len(shown.body) == 1:
        parts.append(render_text(shown.body[0], PAGE))
    else:
        parts.extend(render_field(field, PAGE) for field in shown.body)
    if shown.facts:
        parts.append(facts_list(shown.facts, PAGE))
    parts.extend(render_field(field, PAGE) for field in shown.sections)
    if in_collection:
        parts.append(_BACK_LINK)
    return parts


def collection_template(template: str, entity: Entity) -> str:
    body = "\n".join(
        [
            "<?php $children = $page->children()->listed() ?>",
            "<?php if ($children->isNotEmpty()): ?>",
            _cards("$children", entity),
            "<?php else: ?>",
            '<p class="empty">Nothing here yet.</p>',
            "<?php endif ?>",
        ]
    )
    return _page_template(template, body)


def _card_call(entity: Entity, item: str = "$child") -> str:
    owner = Owner(variable=item, methods=PAGE_METHODS)
    arguments = [f"'item' => {item}"]
    cover = _cover_expression(entity, owner)
    if cover:
        arguments.append(f"'cover' => {cover}")
    excerpt = _excerpt_expression(entity, owner)
    if excerpt:
        arguments.append(f"'excerpt' => {excerpt}")
    return f"<?php snippet('card', [{', '.join(arguments)}]) ?>"


def _cards(children: str, entity: Entity) -> str:
    return "\n".join(
        [
            '<div class="cards">',
            f"{INDENT}<?php foreach ({children} as $child): ?>",
            f"{INDENT}{_card_call(entity)}",
            f"{INDENT}<?php endforeach ?>",
            "</div>",
        ]
    )


def home_template(schema: ContentSchema, layout: SiteLayout, gallery: str | None = None) -> str:
    """The owner first (name, tagline or intro, portrait), then featured work, then the rest."""
    home_entity = schema.entity(layout.home_entity_id) if layout.home_entity_id else None
    plan = plan_home(schema, layout)
    parts = [_intro(plan, home_entity, layout)]
    if home_entity is not None:
        # The intro field opens the page inside the introduction, not again below it.
        rest = tuple(f for f in home_entity.fields if f.id != HOME_INTRO_FIELD)
        parts.extend(_entity_parts(attrs.evolve(home_entity, fields=rest), in_collection=False))
    if plan.featured is not None:
        featured = layout.entity(plan.featured.id)
        slug = featured.parent_slug if featured else None
        if slug:
            parts.append(_featured(slug, plan.featured))
    if gallery is not None:
        expression = PAGE.field(gallery)
        parts.append(
            "\n".join(
                [
                    f"<?php if ({expression}->isNotEmpty()): ?>",
                    '<section class="home-section">',
                    f'{INDENT}<h2 class="section-title">Gallery</h2>',
                    indent(render_lead_body(gallery_field(gallery), PAGE)),
                    "</section>",
                    "<?php endif ?>",
                ]
            )
        )
    others = [_section_card(schema, layout, entity_id) for entity_id in plan.others]
    if others:
        parts.append(
            "\n".join(
                ['<section class="home-section">', '<div class="cards">']
                + [indent(card) for card in others if card]
                + ["</div>", "</section>"]
            )
        )
    lines = [
        "<?php snippet('header') ?>",
        f'<article class="page page--{HOME}">',
        indent("\n".join(parts)),
        "</article>",
        "<?php snippet('footer') ?>",
        "",
    ]
    return "\n".join(lines)


def _intro(plan: HomePlan, home_entity: Entity | None, layout: SiteLayout) -> str:
    # The home blueprint always has the intro field (the home entity's own, or one added).
    intro = PAGE.field(HOME_INTRO_FIELD)
    about = plan.about
    about_layout = layout.entity(about.id) if about else None
    lines = ['<header class="intro">']
    text_lines = [f'{INDENT}<h1 class="page__title"><?= $site->title()->esc() ?></h1>']
    if about is not None and about_layout is not None:
        shown = present(about)
        owner = Owner(variable="$about", methods=PAGE_METHODS)
        lines.insert(0, f"<?php $about = page({php_string(about_layout.template)}) ?>")
        portrait = next((f for f in shown.lead), None)
        if portrait is not None:
            files = "toFile()" if portrait.type is FieldType.IMAGE else "toFiles()->first()"
            image = f"{owner.field(portrait.id)}->{files}"
            lines += [
                f"{INDENT}<?php if ($about && ($portrait = {image})): ?>",
                f'{INDENT}<img class="intro__portrait" '
                "src=\"<?= esc($portrait->url(), 'attr') ?>\" "
                "alt=\"<?= $portrait->alt()->esc('attr') ?>\">",
                f"{INDENT}<?php endif ?>",
            ]
        if shown.tagline is not None:
            tagline = owner.field(shown.tagline.id)
            text_lines += [
                f"{INDENT}<?php if ($about && {tagline}->isNotEmpty()): ?>",
                f'{INDENT}<p class="intro__tagline"><?= {tagline}->esc() ?></p>',
                f"{INDENT}<?php endif ?>",
            ]
        lead = _excerpt_expression(about, owner, INTRO_CHARS)
        text_lines.append(f"{INDENT}<?php if ({intro}->isNotEmpty()): ?>")
        text_lines.append(
            f'{INDENT}<div class="intro__text prose"><?= {intro}->kirbytext() ?></div>'
        )
        if lead:
            text_lines.append(f"{INDENT}<?php elseif ($about): ?>")
            text_lines.append(f'{INDENT}<p class="intro__text">{_plain(lead)}</p>')
        text_lines.append(f"{INDENT}<?php endif ?>")
        text_lines += [
            f"{INDENT}<?php if ($about): ?>",
            f'{INDENT}<p class="intro__more"><a href="<?= esc($about->url(), \'attr\') ?>">'
            "More about <?= $site->title()->esc() ?></a></p>",
            f"{INDENT}<?php endif ?>",
        ]
    else:
        text_lines += [indent(_markdown_block(HOME_INTRO_FIELD))]
    lines += [
        f'{INDENT}<div class="intro__body">',
        indent("\n".join(text_lines)),
        f"{INDENT}</div>",
    ]
    lines.append("</header>")
    return "\n".join(lines)


def gallery_field(field_id: str) -> Field:
    return Field(id=field_id, label="Gallery", type=FieldType.GALLERY)


def _plain(excerpt: str) -> str:
    """An excerpt (plain text that may hold entities) printed escaped exactly once."""
    return f"<?= esc(html_entity_decode({excerpt}, ENT_QUOTES | ENT_HTML5, 'UTF-8')) ?>"


def _featured(slug: str, entity: Entity) -> str:
    return "\n".join(
        [
            f"<?php if (($featured = page({php_string(slug)})) && "
            "$featured->children()->listed()->isNotEmpty()): ?>",
            '<section class="home-section home-section--featured">',
            f'{INDENT}<h2 class="section-title"><a href="<?= esc($featured->url(), \'attr\') ?>">'
            "<?= $featured->title()->esc() ?></a></h2>",
            indent(_cards(f"$featured->children()->listed()->limit({FEATURED_LIMIT})", entity)),
            "</section>",
            "<?php endif ?>",
        ]
    )


def _section_card(schema: ContentSchema, layout: SiteLayout, entity_id: str) -> str:
    """A card for a top-level page: a collection says what it holds, a page quotes itself."""
    entity = schema.entity(entity_id)
    entity_layout = layout.entity(entity_id)
    if entity is None or entity_layout is None:
        return ""
    if entity.kind is EntityKind.COLLECTION and entity_layout.parent_slug:
        first = Owner(variable="$first", methods=PAGE_METHODS)
        cover = _cover_expression(entity, first)
        if entity.description:
            text = php_string(entity.description)
        else:
            one, many = (php_string(noun) for noun in count_nouns(entity))
            text = f"$count . ' ' . ($count === 1 ? {one} : {many})"
        return "\n".join(
            [
                f"<?php if ($section = page({php_string(entity_layout.parent_slug)})): ?>",
                "<?php $count = $section->children()->listed()->count() ?>",
                "<?php $first = $section->children()->listed()->first() ?>",
                "<?php snippet('card', ['item' => $section"
                + (f", 'cover' => $first ? {cover} : null" if cover else "")
                + f", 'excerpt' => {text}]) ?>",
                "<?php endif ?>",
            ]
        )
    return "\n".join(
        [
            f"<?php if ($child = page({php_string(entity_layout.template)})): ?>",
            _card_call(entity),
            "<?php endif ?>",
        ]
    )


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


def _cover_expression(entity: Entity, owner: Owner = _CHILD) -> str | None:
    cover = present(entity).cover
    if cover is None:
        return None
    if cover.type is FieldType.IMAGE:
        return f"{owner.field(cover.id)}->toFile()"
    return f"{owner.field(cover.id)}->toFiles()->first()"


def _excerpt_expression(
    entity: Entity, owner: Owner = _CHILD, length: int = EXCERPT_CHARS
) -> str | None:
    field = present(entity).excerpt
    if field is None:
        return None
    # `excerpt` renders the field with kirbytext itself and strips the tags: given HTML
    # that was already rendered, safe mode would escape it and show `<p>` as text.
    return f"{owner.field(field.id)}->excerpt({length})->value()"


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
