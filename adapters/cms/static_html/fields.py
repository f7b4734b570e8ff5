"""Field values (shapes as in ``domain.content``) → views the HTML templates render.

The views hold plain data; the templates escape it (Jinja2 autoescape). The only HTML made
here is Markdown rendered with raw HTML switched off, marked safe for that reason.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs
from markdown_it import MarkdownIt
from markupsafe import Markup

from adapters.cms.presentation import MAP_SEARCH, is_address, link_text
from adapters.cms.static_html.media import MediaFiles
from adapters.cms.static_html.site_map import SiteMap, relative_url
from domain.schema import Field, FieldType

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Relative links and images point into the material, not into the export: they are shown
    # as text rather than as links that lead nowhere.
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    return md


def _is_safe_link(url: str) -> bool:
    return url.lower().startswith(_SAFE_SCHEMES) or url.startswith("#")


_MARKDOWN = _markdown()


def markdown_html(text: str) -> Markup:
    return Markup(_MARKDOWN.render(text))  # raw HTML is off, so this output is safe


def plain_text(text: str, *, markdown: bool) -> str:
    """Text without markup, whitespace collapsed (for excerpts)."""
    if markdown:
        text = html.unescape(_TAG.sub(" ", _MARKDOWN.render(text)))
    return _SPACE.sub(" ", text).strip()


def excerpt(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return f"{cut}…"


@attrs.frozen
class FieldView:
    """One field as the templates show it: ``kind`` picks the macro, ``type`` the CSS class."""

    kind: str
    type: str
    label: str
    value: Any


@attrs.frozen
class Link:
    href: str
    text: str


@attrs.frozen
class Image:
    src: str
    alt: str


class FieldRenderer:
    """Builds the views of one page's fields; links are relative to ``page_file``."""

    def __init__(self, page_file: str, site_map: SiteMap, media: MediaFiles) -> None:
        self._page_file = page_file
        self._site_map = site_map
        self._media = media

    def views(self, fields: tuple[Field, ...], values: Mapping[str, object]) -> list[FieldView]:
        found = []
        for field in fields:
            if field.id in values:
                view = self.view(field, values[field.id])
                if view is not None:
                    found.append(view)
        return found

    def prose_view(self, label: str, text: str) -> FieldView:
        """A Markdown text that is no schema field (the error page's message)."""
        return FieldView(kind="prose", type="markdown", label=label, value=markdown_html(text))

    def view(self, field: Field, value: object) -> FieldView | None:
        built = self._build(field, value)
        if built is None:
            return None
        kind, data = built
        if data in (None, "", []):
            return None
        return FieldView(kind=kind, type=field.type.value, label=field.label, value=data)

    def _build(self, field: Field, value: object) -> tuple[str, Any] | None:
        kind = field.type
        if kind is FieldType.TEXT and is_address(field):
            text = _text(value)
            return "link", Link(href=MAP_SEARCH + quote(text, safe=""), text=text) if text else None
        if kind in (FieldType.TEXT, FieldType.NUMBER, FieldType.RANGE):
            return "text", _text(value)
        if kind is FieldType.TEXTAREA:
            text = _text(value)
            return "paragraphs", text.split("\n") if text else None
        if kind in (FieldType.RICHTEXT, FieldType.MARKDOWN):
            text = _text(value)
            return "prose", markdown_html(text) if text else None
        if kind is FieldType.CODE:
            return "code", _text(value)
        if kind is FieldType.JSON:
            return "code", _json(value)
        if kind is FieldType.BOOLEAN:
            return "text", None if not isinstance(value, bool) else ("Yes" if value else "No")
        if kind in (FieldType.SELECT, FieldType.RADIO):
            text = _text(value)
            return "text", _choice_label(field, text) if text else None
        if kind in (FieldType.MULTISELECT, FieldType.CHECKBOXES, FieldType.TAGS):
            css = "tags" if kind is FieldType.TAGS else "choices"
            return css, [_choice_label(field, v) for v in _strings(value)]
        if kind is FieldType.LIST:
            return "list", _strings(value)
        if kind in (FieldType.DATE, FieldType.DATETIME, FieldType.TIME):
            return "time", _when(kind, _text(value))
        if kind in (FieldType.IMAGE, FieldType.GALLERY):
            images = [self._image(name) for name in _strings(value)]
            found = [i for i in images if i is not None]
            if kind is FieldType.IMAGE:
                return "figure", found[0] if found else None
            return "gallery", found
        if kind in (FieldType.FILE, FieldType.FILES):
            names = _strings(value)[: 1 if kind is FieldType.FILE else None]
            return "downloads", [self._download(name) for name in names if self._media.has(name)]
        if kind in (FieldType.RELATION, FieldType.RELATIONS):
            ids = _strings(value)[: 1 if kind is FieldType.RELATION else None]
            return "links", [link for i in ids if (link := self._page_link(i)) is not None]
        if kind is FieldType.STRUCTURE:
            return "structure", self._rows(field, value)
        if kind is FieldType.BLOCKS:
            return "blocks", _blocks(value)
        if kind is FieldType.URL:
            text = _text(value)
            return "url", Link(href=text, text=link_text(text)) if text else None
        if kind is FieldType.EMAIL:
            text = _text(value)
            return "link", Link(href=f"mailto:{text}", text=text) if text else None
        if kind is FieldType.TEL:
            text = _text(value)
            number = re.sub(r"[^0-9+]", "", text or "")
            return "link", Link(href=f"tel:{number}", text=text) if text and number else None
        if kind is FieldType.COLOR:
            text = _text(value)
            return "color", text if text and _HEX_COLOUR.match(text) else None
        if kind is FieldType.LOCATION:
            return "location", _location(value)
        return None

    def image(self, name: str) -> Image | None:
        """The image named ``name``, published with the export; None when there is none."""
        return self._image(name)

    def _image(self, name: str) -> Image | None:
        file = self._media.use(name)
        if file is None:
            return None
        return Image(src=relative_url(self._page_file, file.path), alt=file.alt)

    def _download(self, name: str) -> Link:
        file = self._media.use(name)
        assert file is not None  # checked by the caller
        return Link(href=relative_url(self._page_file, file.path), text=file.filename)

    def _page_link(self, item_id: str) -> Link | None:
        page = self._site_map.by_item(item_id)
        if page is None:
            return None  # a draft, or no such item: nothing to link to
        return Link(href=relative_url(self._page_file, page.file), text=page.title)

    def _rows(self, field: Field, value: object) -> list[list[FieldView]]:
        if not isinstance(value, list):
            return []
        rows = [self.views(field.options.fields, row) for row in value if isinstance(row, Mapping)]
        return [row for row in rows if row]


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _json(value: object) -> str | None:
    try:
        return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _choice_label(field: Field, value: str) -> str:
    return next((c.label for c in field.options.choices if c.value == value), value)


def _when(kind: FieldType, text: str | None) -> Link | None:
    """A ``Link`` whose ``href`` is the machine-readable value and ``text`` the display."""
    if not text:
        return None
    try:
        if kind is FieldType.TIME:
            moment = dt.time.fromisoformat(text)
            return Link(href=moment.strftime("%H:%M"), text=moment.strftime("%H:%M"))
        if kind is FieldType.DATE:
            day = dt.date.fromisoformat(text)
            return Link(href=day.isoformat(), text=f"{day.day} {day:%B %Y}")
        stamp = dt.datetime.fromisoformat(text)
        return Link(href=stamp.isoformat(), text=f"{stamp.day} {stamp:%B %Y, %H:%M}")
    except ValueError:
        return Link(href="", text=text)


def _location(value: object) -> Mapping[str, float] | None:
    if not isinstance(value, Mapping):
        return None
    lat, lng = value.get("lat"), value.get("lng")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng)):
        return None
    return {"lat": float(lat), "lng": float(lng)}  # type: ignore[arg-type]


@attrs.frozen
class BlockView:
    tag: str  # h2…h6, p, blockquote, pre
    text: str


def _blocks(value: object) -> list[BlockView]:
    """Blocks as plain headings and paragraphs: their stored HTML is not trusted as markup."""
    if not isinstance(value, list):
        return []
    views: list[BlockView] = []
    for block in value:
        if not isinstance(block, Mapping) or not isinstance(block.get("content"), Mapping):
            continue
        content: Mapping[str, Any] = block["content"]
        kind = block.get("type")
        text = " ".join(str(v) for v in content.values() if isinstance(v, str | int | float))
        if kind == "heading":
            level = str(content.get("level", "h2"))
            tag = level if level in ("h2", "h3", "h4", "h5", "h6") else "h2"
            text = str(content.get("text", ""))
        elif kind == "quote":
            tag = "blockquote"
        elif kind == "code":
            code = str(content.get("code", text)).strip("\n")
            if code.strip():
                views.append(BlockView(tag="pre", text=code))  # whitespace matters in code
            continue
        else:
            tag = "p"
        plain = plain_text(html.unescape(_TAG.sub(" ", text)), markdown=False)
        if plain:
            views.append(BlockView(tag=tag, text=plain))
    return views
