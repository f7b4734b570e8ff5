"""``StaticHtmlExporter``: the same ``SiteSpec`` the Kirby adapter builds, as static files.

Output: ``index.html``, one folder with an ``index.html`` per published page, ``404.html``,
``assets/css/`` (the shared theme, from the same design tokens as the Kirby site) and
``media/`` (the images and files published pages show). All links are relative.
"""

from __future__ import annotations

from typing import Any

import attrs
from jinja2 import Environment, PackageLoader, StrictUndefined

from adapters.cms.kirby.layout import page_fields, plan_site
from adapters.cms.static_html.fields import (
    FieldRenderer,
    Image,
    Link,
    excerpt,
    plain_text,
)
from adapters.cms.static_html.media import MediaFiles
from adapters.cms.static_html.site_map import (
    INDEX,
    PageKind,
    SiteMap,
    StaticPage,
    build_site_map,
    relative_url,
)
from adapters.cms.theme import SITE_CSS, TOKENS_CSS, build_theme
from domain.schema import Entity, FieldType
from domain.site import SiteFile, SiteSpec

_EXCERPT_TYPES = (FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN, FieldType.TEXT)


@attrs.frozen
class Card:
    href: str
    title: str
    cover: Image | None = None
    excerpt: str = ""


@attrs.frozen
class MenuItem:
    href: str
    text: str
    current: bool


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("adapters.cms.static_html", "templates"),
        autoescape=True,  # every value is escaped unless a view marked it safe
        undefined=StrictUndefined,  # a typo in a template fails the export, not the page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class StaticHtmlExporter:
    """Implements ``domain.ports.StaticExporter``. Deterministic: same site, same bytes."""

    name = "static-html"

    def __init__(self) -> None:
        self._env = _environment()

    def export(self, site: SiteSpec) -> list[SiteFile]:
        layout = plan_site(site)
        site_map = build_site_map(site, layout)
        media = MediaFiles(site.media)
        template = self._env.get_template("page.html")
        files: dict[str, bytes] = {}
        for page in site_map.pages:
            context = _PageContext(site, site_map, media, page).build()
            files[page.file] = template.render(**context).encode("utf-8")
        for path, css in build_theme(site.design).items():
            files[path] = css.encode("utf-8")
        for file in media.used():
            files[file.path] = file.data
        return [SiteFile(path=path, data=data) for path, data in sorted(files.items())]


class _PageContext:
    """Everything one page's template needs, with links relative to that page."""

    def __init__(self, site: SiteSpec, site_map: SiteMap, media: MediaFiles, page: StaticPage):
        self._site = site
        self._map = site_map
        self._media = media
        self._page = page
        self._fields = FieldRenderer(page.file, site_map, media)

    def url(self, target: str) -> str:
        return relative_url(self._page.file, target)

    def build(self) -> dict[str, Any]:
        page = self._page
        context: dict[str, Any] = {
            "page": page,
            "site_title": self._site.title,
            "home_url": self.url(INDEX),
            "stylesheets": [self.url(TOKENS_CSS), self.url(SITE_CSS)],
            "menu": self._menu(),
            "fields": [],
            "listing": None,
            "back": None,
        }
        if page.entity is not None and page.item is not None:
            context["fields"] = self._fields.views(page_fields(page.entity), page.item.fields)
        if page.kind == PageKind.HOME:
            context["listing"] = [self._card(p) for p in self._map.menu()]
        elif page.kind == PageKind.COLLECTION:
            context["listing"] = [self._card(p) for p in self._map.children(page)]
        elif page.kind == PageKind.ENTRY:
            parent = self._parent()
            if parent is not None:
                context["back"] = Link(href=self.url(parent.file), text=parent.title)
        elif page.kind == PageKind.ERROR:
            context["fields"] = [
                self._fields.prose_view(label="Message", text=text)
                for _key, text in page.extra_fields
            ]
        return context

    def _menu(self) -> list[MenuItem]:
        here = self._page.folder
        return [
            MenuItem(
                href=self.url(p.file),
                text=p.title,
                current=here == p.folder or here.startswith(f"{p.folder}/"),
            )
            for p in self._map.menu()
        ]

    def _parent(self) -> StaticPage | None:
        folder = self._page.folder.rsplit("/", 1)[0]
        return next((p for p in self._map.pages if p.folder == folder), None)

    def _card(self, target: StaticPage) -> Card:
        cover, text = None, ""
        if target.entity is not None and target.item is not None:
            renderer = FieldRenderer(self._page.file, self._map, self._media)
            cover = _cover(renderer, target.entity, target.item.fields)
            text = _excerpt(target.entity, target.item.fields)
        elif target.kind == PageKind.COLLECTION and target.entity is not None:
            # A listing card says what is inside rather than staying empty.
            count = len(self._map.children(target))
            noun = target.entity.name if count == 1 else target.entity.plural_name
            text = target.entity.description or f"{count} {noun.lower()}"
        return Card(href=self.url(target.file), title=target.title, cover=cover, excerpt=text)


def _cover(renderer: FieldRenderer, entity: Entity, values: dict[str, object]) -> Image | None:
    for field in page_fields(entity):
        if field.type in (FieldType.IMAGE, FieldType.GALLERY) and field.id in values:
            view = renderer.view(field, values[field.id])
            if view is not None:
                first = view.value if isinstance(view.value, Image) else view.value[0]
                return first if isinstance(first, Image) else None
    return None


def _excerpt(entity: Entity, values: dict[str, object]) -> str:
    for kind in _EXCERPT_TYPES:
        for field in page_fields(entity):
            value = values.get(field.id)
            if field.type is kind and isinstance(value, str) and value.strip():
                markdown = kind in (FieldType.RICHTEXT, FieldType.MARKDOWN)
                return excerpt(plain_text(value, markdown=markdown))
    return ""
