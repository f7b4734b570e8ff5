"""``StaticHtmlExporter``: the same ``SiteSpec`` the Kirby adapter builds, as static files.

Output: ``index.html``, one folder with an ``index.html`` per published page, ``404.html``,
``assets/css/`` (the shared theme, from the same design tokens as the Kirby site) and
``media/`` (the images and files published pages show). All links are relative.
"""

from __future__ import annotations

from typing import Any

import attrs
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from adapters.cms.kirby.blueprints import HOME_INTRO_FIELD
from adapters.cms.kirby.layout import SiteLayout, plan_site
from adapters.cms.presentation import (
    EXCERPT_CHARS,
    FEATURED_LIMIT,
    INTRO_CHARS,
    HomePlan,
    count_nouns,
    plan_home,
    present,
)
from adapters.cms.static_html.fields import (
    FieldRenderer,
    Image,
    Link,
    excerpt,
    markdown_html,
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
from domain.schema import Entity
from domain.site import SiteFile, SiteSpec


@attrs.frozen
class Card:
    href: str
    title: str
    cover: Image | None = None
    excerpt: str = ""


@attrs.frozen
class Intro:
    """The top of the home page: who this is, in their own words, with their picture."""

    tagline: str | None = None
    prose: Markup | None = None  # the home page's own introduction, from Markdown
    text: str | None = None  # else the first lines of the about page
    portrait: Image | None = None
    more: Link | None = None


@attrs.frozen
class Featured:
    title: str
    href: str
    cards: list[Card]


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
            context = _PageContext(site, layout, site_map, media, page).build()
            files[page.file] = template.render(**context).encode("utf-8")
        for path, css in build_theme(site.design).items():
            files[path] = css.encode("utf-8")
        for file in media.used():
            files[file.path] = file.data
        return [SiteFile(path=path, data=data) for path, data in sorted(files.items())]


class _PageContext:
    """Everything one page's template needs, with links relative to that page."""

    def __init__(
        self,
        site: SiteSpec,
        layout: SiteLayout,
        site_map: SiteMap,
        media: MediaFiles,
        page: StaticPage,
    ):
        self._site = site
        self._layout = layout
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
            "lead": [],
            "tagline": None,
            "body": [],
            "facts_list": [],
            "sections": [],
            "intro": None,
            "featured": None,
            "gallery": [],
            "listing": None,
            "back": None,
        }
        if page.entity is not None and page.item is not None:
            context.update(self._parts(page.entity, page.item.fields, home=page.kind == "home"))
        if page.kind == PageKind.HOME:
            plan = plan_home(self._site.schema, self._layout)
            context["intro"] = self._intro(plan, page)
            featured = self._collection_page(plan.featured)
            if featured is not None and self._map.children(featured):
                cards = [self._card(p) for p in self._map.children(featured)][:FEATURED_LIMIT]
                context["featured"] = Featured(
                    title=featured.title, href=self.url(featured.file), cards=cards
                )
            loose = [a.name for a in self._site.media if not a.placed]
            context["gallery"] = [i for n in loose if (i := self._fields.image(n)) is not None]
            others = [p for p in self._map.menu() if p is not featured]
            context["listing"] = [self._card(p) for p in others] or None
        elif page.kind == PageKind.COLLECTION:
            context["listing"] = [self._card(p) for p in self._map.children(page)]
        elif page.kind == PageKind.ENTRY:
            parent = self._parent()
            if parent is not None:
                context["back"] = Link(href=self.url(parent.file), text=parent.title)
        elif page.kind == PageKind.ERROR:
            context["body"] = [
                self._fields.prose_view(label="Message", text=text)
                for _key, text in page.extra_fields
            ]
        return context

    def _parts(self, entity: Entity, values: dict[str, object], *, home: bool) -> dict[str, Any]:
        """Images first, then tagline and writing, the facts together, then the rest."""
        shown = present(entity)
        tagline = values.get(shown.tagline.id) if shown.tagline else None
        body = [f for f in shown.body if not (home and f.id == HOME_INTRO_FIELD)]
        return {
            "lead": self._fields.views(shown.lead, values),
            "tagline": tagline if isinstance(tagline, str) and tagline.strip() else None,
            "body": self._fields.views(tuple(body), values),
            "facts_list": self._fields.views(shown.facts, values),
            "sections": self._fields.views(shown.sections, values),
        }

    def _intro(self, plan: HomePlan, home: StaticPage) -> Intro:
        own = home.item.fields.get(HOME_INTRO_FIELD) if home.item is not None else None
        intro = Intro(text=markdown_html(own) if isinstance(own, str) and own.strip() else None)
        about = next(
            (
                p
                for p in self._map.pages
                if plan.about is not None
                and p.kind == PageKind.SINGLE
                and p.entity is not None
                and p.entity.id == plan.about.id
                and p.item is not None
            ),
            None,
        )
        if about is None or about.entity is None or about.item is None:
            return intro
        shown = present(about.entity)
        values = about.item.fields
        tagline = values.get(shown.tagline.id) if shown.tagline else None
        lead = self._fields.views(shown.lead[:1], values)
        portrait = lead[0].value if lead else None
        if isinstance(portrait, list):
            portrait = portrait[0] if portrait else None
        return Intro(
            tagline=tagline if isinstance(tagline, str) and tagline.strip() else None,
            prose=intro.prose,
            text=None if intro.prose else _excerpt(about.entity, values, INTRO_CHARS) or None,
            portrait=portrait if isinstance(portrait, Image) else None,
            more=Link(href=self.url(about.file), text=f"More about {self._site.title}"),
        )

    def _collection_page(self, entity: Entity | None) -> StaticPage | None:
        if entity is None:
            return None
        return next(
            (
                p
                for p in self._map.pages
                if p.kind == PageKind.COLLECTION
                and p.entity is not None
                and p.entity.id == entity.id
            ),
            None,
        )

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
            # A listing card says what is inside, with the first item's image.
            children = self._map.children(target)
            count = len(children)
            one, many = count_nouns(target.entity)
            text = f"{count} {one if count == 1 else many}"
            first = children[0] if children else None
            if first is not None and first.entity is not None and first.item is not None:
                renderer = FieldRenderer(self._page.file, self._map, self._media)
                cover = _cover(renderer, first.entity, first.item.fields)
        return Card(href=self.url(target.file), title=target.title, cover=cover, excerpt=text)


def _cover(renderer: FieldRenderer, entity: Entity, values: dict[str, object]) -> Image | None:
    field = present(entity).cover
    if field is None or field.id not in values:
        return None
    view = renderer.view(field, values[field.id])
    if view is None:
        return None
    first = view.value if isinstance(view.value, Image) else view.value[0]
    return first if isinstance(first, Image) else None


def _excerpt(entity: Entity, values: dict[str, object], limit: int = EXCERPT_CHARS) -> str:
    field = present(entity).excerpt
    value = values.get(field.id) if field else None
    if field is None or not isinstance(value, str) or not value.strip():
        return ""
    # Kirby's excerpt renders every text field with kirbytext: Markdown is read as Markdown.
    return excerpt(plain_text(value, markdown=True), limit)
