"""PHP markup that renders one field of a page (or of a structure row) in a template.

Every printed value is escaped (``esc()``/``->esc()``) or rendered by Kirby's own formatter
(``->kirbytext()``, ``->toBlocks()``); every field is guarded with ``->isNotEmpty()`` so a
missing value never prints an empty section or breaks the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

import attrs

from adapters.cms.kirby.naming import (
    PAGE_METHODS,
    STRUCTURE_ROW_METHODS,
    needs_content_accessor,
    php_string,
)
from adapters.cms.presentation import MAP_SEARCH, is_address
from domain.schema import Field, FieldType

INDENT = "  "
# Defined by the site's plugin (see scaffold.plugin_php): a URL's text on the page.
LINK_TEXT_FUNCTION = "kirbygen_link_text"


@attrs.frozen
class Owner:
    """The PHP variable a field is read from, and the methods that shadow field names on it."""

    variable: str
    methods: frozenset[str]
    depth: int = 0

    def field(self, field_id: str) -> str:
        """PHP expression for the field ``field_id`` as a Kirby Field object."""
        if needs_content_accessor(field_id, self.methods):
            return f"{self.variable}->content()->get({php_string(field_id)})"
        return f"{self.variable}->{field_id}()"

    def row(self) -> Owner:
        """The owner of the fields inside a structure row of this owner."""
        depth = self.depth + 1
        variable = "$row" if depth == 1 else f"$row{depth}"
        return Owner(variable=variable, methods=STRUCTURE_ROW_METHODS, depth=depth)


PAGE = Owner(variable="$page", methods=PAGE_METHODS)


def render_field(field: Field, owner: Owner, heading_level: int = 2) -> str:
    """A guarded, labelled section showing the field's value."""
    expression = owner.field(field.id)
    body = _RENDERERS[field.type](field, expression, owner, heading_level)
    tag = "section" if owner.depth == 0 else "div"
    level = min(heading_level, 6)
    return "\n".join(
        [
            f"<?php if ({expression}->isNotEmpty()): ?>",
            f'<{tag} class="field field--{field.type.value}">',
            f'{INDENT}<h{level} class="field__label">{html.escape(field.label)}</h{level}>',
            indent(body),
            f"</{tag}>",
            "<?php endif ?>",
        ]
    )


def indent(text: str, levels: int = 1) -> str:
    prefix = INDENT * levels
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def choice_labels(field: Field) -> str:
    """A PHP array literal mapping choice values to their labels."""
    pairs = ", ".join(
        f"{php_string(c.value)} => {php_string(c.label)}" for c in field.options.choices
    )
    return f"[{pairs}]"


Renderer = Callable[[Field, str, Owner, int], str]


def _text(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><?= {f}->esc() ?></p>"


def _plain_paragraphs(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><?= {f}->esc()->nl2br() ?></p>"


def _markdown(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f'<div class="prose"><?= {f}->kirbytext() ?></div>'


def _code(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f'<pre class="code"><code><?= {f}->esc() ?></code></pre>'


def _number(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f'<p class="number"><?= {f}->esc() ?></p>'


def _boolean(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><?= {f}->toBool() ? 'Yes' : 'No' ?></p>"


def _single_choice(field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><?= esc({choice_labels(field)}[{f}->value()] ?? {f}->value()) ?></p>"


def _many_choices(field: Field, f: str, _owner: Owner, _level: int) -> str:
    label = f"{choice_labels(field)}[$choice] ?? $choice" if field.options.choices else "$choice"
    css = "tags" if field.type is FieldType.TAGS else "choices"
    return "\n".join(
        [
            f'<ul class="{css}">',
            f"{INDENT}<?php foreach ({f}->split(',') as $choice): ?>",
            f"{INDENT}<li><?= esc({label}) ?></li>",
            f"{INDENT}<?php endforeach ?>",
            "</ul>",
        ]
    )


def _entries(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [
            "<ul>",
            f"{INDENT}<?php foreach ({f}->toEntries() as $entry): ?>",
            f"{INDENT}<li><?= $entry->esc() ?></li>",
            f"{INDENT}<?php endforeach ?>",
            "</ul>",
        ]
    )


def _date(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return (
        f"<p><time datetime=\"<?= esc({f}->toDate('Y-m-d'), 'attr') ?>\">"
        f"<?= esc({f}->toDate('j F Y')) ?></time></p>"
    )


def _time(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><time><?= esc({f}->toDate('H:i')) ?></time></p>"


def _datetime(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return (
        f"<p><time datetime=\"<?= esc({f}->toDate('c'), 'attr') ?>\">"
        f"<?= esc({f}->toDate('j F Y, H:i')) ?></time></p>"
    )


_FIGURE = "\n".join(
    [
        '<figure class="figure">',
        f"{INDENT}<img src=\"<?= esc($image->url(), 'attr') ?>\" "
        'alt="<?= $image->alt()->esc(\'attr\') ?>" loading="lazy">',
        f"{INDENT}<?php if ($image->caption()->isNotEmpty()): ?>",
        f"{INDENT}<figcaption><?= $image->caption()->esc() ?></figcaption>",
        f"{INDENT}<?php endif ?>",
        "</figure>",
    ]
)

_DOWNLOAD = (
    "<a href=\"<?= esc($file->url(), 'attr') ?>\" download><?= esc($file->filename()) ?></a> "
    "<small>(<?= esc($file->niceSize()) ?>)</small>"
)


def _image(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join([f"<?php if ($image = {f}->toFile()): ?>", _FIGURE, "<?php endif ?>"])


def _gallery(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [
            '<div class="gallery">',
            f"{INDENT}<?php foreach ({f}->toFiles() as $image): ?>",
            indent(_FIGURE),
            f"{INDENT}<?php endforeach ?>",
            "</div>",
        ]
    )


def _file(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [f"<?php if ($file = {f}->toFile()): ?>", f"<p>{_DOWNLOAD}</p>", "<?php endif ?>"]
    )


def _files(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [
            '<ul class="downloads">',
            f"{INDENT}<?php foreach ({f}->toFiles() as $file): ?>",
            f"{INDENT}<li>{_DOWNLOAD}</li>",
            f"{INDENT}<?php endforeach ?>",
            "</ul>",
        ]
    )


def _structure(field: Field, f: str, owner: Owner, level: int) -> str:
    row = owner.row()
    nested = "\n".join(render_field(n, row, level + 1) for n in field.options.fields)
    return "\n".join(
        [
            '<div class="structure">',
            f"{INDENT}<?php foreach ({f}->toStructure() as {row.variable}): ?>",
            f'{INDENT}<div class="structure__row">',
            indent(nested, 2),
            f"{INDENT}</div>",
            f"{INDENT}<?php endforeach ?>",
            "</div>",
        ]
    )


def _blocks(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    # Blocks render through Kirby's block snippets, which escape their own content.
    return f'<div class="blocks"><?= {f}->toBlocks() ?></div>'


_PAGE_LINK = "<a href=\"<?= esc($related->url(), 'attr') ?>\"><?= $related->title()->esc() ?></a>"


def _relation(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    # A draft is not public: linking to it would send visitors to the error page.
    return "\n".join(
        [
            f"<?php if (($related = {f}->toPage()) && $related->isDraft() === false): ?>",
            f"<p>{_PAGE_LINK}</p>",
            "<?php endif ?>",
        ]
    )


def _relations(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [
            '<ul class="links">',
            f"{INDENT}<?php foreach ({f}->toPages()->published() as $related): ?>",
            f"{INDENT}<li>{_PAGE_LINK}</li>",
            f"{INDENT}<?php endforeach ?>",
            "</ul>",
        ]
    )


def _url(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p>{_url_inline(f)}</p>"


def _url_inline(f: str) -> str:
    # Only a real URL becomes a link (named after its network for a social profile);
    # anything else (javascript:, typos) is shown as text.
    return (
        f"<?php if (V::url({f}->value())): ?>"
        f"<a href=\"<?= {f}->esc('attr') ?>\"><?= esc({LINK_TEXT_FUNCTION}({f}->value())) ?></a>"
        f"<?php else: ?><?= {f}->esc() ?><?php endif ?>"
    )


def _address_inline(f: str) -> str:
    return (
        f"<a href=\"<?= esc({php_string(MAP_SEARCH)} . rawurlencode({f}->value()), 'attr') ?>\">"
        f"<?= {f}->esc() ?></a>"
    )


def _text_or_address(field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p>{_address_inline(f) if is_address(field) else f'<?= {f}->esc() ?>'}</p>"


def _email(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return f"<p><a href=\"mailto:<?= {f}->esc('attr') ?>\"><?= {f}->esc() ?></a></p>"


def _tel(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    number = f"preg_replace('/[^0-9+]/', '', {f}->value())"
    return f"<p><a href=\"tel:<?= esc({number}, 'attr') ?>\"><?= {f}->esc() ?></a></p>"


def _color(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    # The swatch only takes a strict hex colour, so the style attribute cannot carry more.
    return "\n".join(
        [
            '<p class="color">',
            f"{INDENT}<?php if (preg_match('/^#[0-9a-fA-F]{{3,8}}$/', {f}->value()) === 1): ?>",
            f'{INDENT}<span class="swatch" style="background-color: <?= {f}->esc(\'attr\') ?>" '
            'aria-hidden="true"></span>',
            f"{INDENT}<?php endif ?>",
            f"{INDENT}<code><?= {f}->esc() ?></code>",
            "</p>",
        ]
    )


def _location(_field: Field, f: str, _owner: Owner, _level: int) -> str:
    return "\n".join(
        [
            f"<?php $location = {f}->toObject() ?>",
            '<p class="location">',
            f"{INDENT}<?= $location->lat()->esc() ?>, <?= $location->lng()->esc() ?>",
            f'{INDENT}(<a href="https://www.openstreetmap.org/?mlat='
            "<?= $location->lat()->toFloat() ?>&amp;mlon=<?= $location->lng()->toFloat() ?>"
            '">map</a>)',
            "</p>",
        ]
    )


_RENDERERS: Mapping[FieldType, Renderer] = {
    FieldType.TEXT: _text_or_address,
    FieldType.TEXTAREA: _plain_paragraphs,
    FieldType.RICHTEXT: _markdown,
    FieldType.MARKDOWN: _markdown,
    FieldType.CODE: _code,
    FieldType.NUMBER: _number,
    FieldType.RANGE: _number,
    FieldType.BOOLEAN: _boolean,
    FieldType.SELECT: _single_choice,
    FieldType.MULTISELECT: _many_choices,
    FieldType.RADIO: _single_choice,
    FieldType.CHECKBOXES: _many_choices,
    FieldType.DATE: _date,
    FieldType.TIME: _time,
    FieldType.DATETIME: _datetime,
    FieldType.IMAGE: _image,
    FieldType.FILE: _file,
    FieldType.GALLERY: _gallery,
    FieldType.FILES: _files,
    FieldType.LIST: _entries,
    FieldType.STRUCTURE: _structure,
    FieldType.BLOCKS: _blocks,
    FieldType.JSON: _code,
    FieldType.RELATION: _relation,
    FieldType.RELATIONS: _relations,
    FieldType.URL: _url,
    FieldType.EMAIL: _email,
    FieldType.TEL: _tel,
    FieldType.COLOR: _color,
    FieldType.LOCATION: _location,
    FieldType.TAGS: _many_choices,
}


def render_fact(field: Field, owner: Owner) -> str:
    """One entry of a facts list: the label as a word, the value inline."""
    expression = owner.field(field.id)
    return "\n".join(
        [
            f"<?php if ({expression}->isNotEmpty()): ?>",
            f'<div class="fact fact--{field.type.value}">',
            f"{INDENT}<dt>{html.escape(field.label)}</dt>",
            f"{INDENT}<dd>{_FACT_VALUES.get(field.type, _fact_text)(field, expression)}</dd>",
            "</div>",
            "<?php endif ?>",
        ]
    )


def facts_list(fields: tuple[Field, ...], owner: Owner) -> str:
    """The short values of a page together, shown only when one of them is filled."""
    if not fields:
        return ""
    guard = " || ".join(f"{owner.field(f.id)}->isNotEmpty()" for f in fields)
    return "\n".join(
        [
            f"<?php if ({guard}): ?>",
            '<dl class="facts">',
            indent("\n".join(render_fact(f, owner) for f in fields)),
            "</dl>",
            "<?php endif ?>",
        ]
    )


def render_lead(field: Field, owner: Owner) -> str:
    """An image or gallery shown at the top of its page, without a label."""
    expression = owner.field(field.id)
    body = _RENDERERS[field.type](field, expression, owner, 2)
    return "\n".join(
        [
            f"<?php if ({expression}->isNotEmpty()): ?>",
            f'<div class="lead lead--{field.type.value}">',
            indent(body),
            "</div>",
            "<?php endif ?>",
        ]
    )


def render_lead_body(field: Field, owner: Owner) -> str:
    """An image or gallery field's figures, without guard or label."""
    return _RENDERERS[field.type](field, owner.field(field.id), owner, 2)


def render_text(field: Field, owner: Owner) -> str:
    """A page's main writing, without a label: it reads as the page's text."""
    expression = owner.field(field.id)
    return "\n".join(
        [
            f"<?php if ({expression}->isNotEmpty()): ?>",
            _RENDERERS[field.type](field, expression, owner, 2),
            "<?php endif ?>",
        ]
    )


def _fact_text(field: Field, f: str) -> str:
    return _address_inline(f) if is_address(field) else f"<?= {f}->esc() ?>"


def _fact_choice(field: Field, f: str) -> str:
    return f"<?= esc({choice_labels(field)}[{f}->value()] ?? {f}->value()) ?>"


def _fact_choices(field: Field, f: str) -> str:
    labels = choice_labels(field) if field.options.choices else "[]"
    return (
        f"<?= esc(implode(', ', array_map(fn ($choice) => {labels}[$choice] ?? $choice, "
        f"{f}->split(',')))) ?>"
    )


def _fact_inline(renderer: Renderer) -> Callable[[Field, str], str]:
    """A block renderer's markup without its paragraph, for a value inside ``<dd>``."""

    def inline(field: Field, f: str) -> str:
        markup = renderer(field, f, PAGE, 2)
        paragraph = re.fullmatch(r"<p(?: class=\"[^\"]*\")?>(.*)</p>", markup, re.DOTALL)
        return paragraph.group(1) if paragraph and "<p" not in paragraph.group(1) else markup

    return inline


_FACT_VALUES: Mapping[FieldType, Callable[[Field, str], str]] = {
    FieldType.TEXT: _fact_text,
    FieldType.SELECT: _fact_choice,
    FieldType.RADIO: _fact_choice,
    FieldType.MULTISELECT: _fact_choices,
    FieldType.CHECKBOXES: _fact_choices,
    FieldType.TAGS: _fact_choices,
    FieldType.URL: lambda _field, f: _url_inline(f),
    **{
        kind: _fact_inline(_RENDERERS[kind])
        for kind in (
            FieldType.NUMBER,
            FieldType.RANGE,
            FieldType.BOOLEAN,
            FieldType.DATE,
            FieldType.TIME,
            FieldType.DATETIME,
            FieldType.EMAIL,
            FieldType.TEL,
            FieldType.COLOR,
            FieldType.LOCATION,
            FieldType.RELATION,
        )
    },
}
