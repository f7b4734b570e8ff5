"""Where each page of the static export lives, and how one page links to another.

The export mirrors the Kirby site's addresses (``projects/rebrand/`` in both), so it takes the
page plan of the Kirby adapter and drops what only Kirby needs: sort-number prefixes and
drafts (never published). Every page is a folder with an ``index.html``; every link is
relative and names ``index.html`` explicitly, so the export works from any sub-path of a
host and when opened straight from disk, where a folder link would show a file listing.
"""

from __future__ import annotations

import posixpath
import re

import attrs

from adapters.cms.kirby.layout import DRAFTS_FOLDER, ERROR, HOME, PagePlan, SiteLayout
from domain.content import ContentItem
from domain.schema import Entity, EntityKind
from domain.site import SiteSpec

INDEX = "index.html"
NOT_FOUND = "404.html"
_NUM_PREFIX = re.compile(r"^\d+_")


class PageKind:
    HOME = "home"
    ERROR = "error"
    COLLECTION = "collection"  # the listing page of a collection entity
    ENTRY = "entry"  # one item of a collection
    SINGLE = "single"  # the one page of a single entity


@attrs.frozen
class StaticPage:
    file: str  # path of the HTML file in the export
    title: str
    kind: str
    folder: str  # the Kirby folder it mirrors (below content/)
    listed: bool
    entity: Entity | None = None
    item: ContentItem | None = None
    extra_fields: tuple[tuple[str, str], ...] = ()

    @property
    def depth(self) -> int:
        return self.file.count("/")


@attrs.frozen
class SiteMap:
    pages: tuple[StaticPage, ...]

    def by_item(self, item_id: str) -> StaticPage | None:
        return next((p for p in self.pages if p.item is not None and p.item.id == item_id), None)

    def children(self, parent: StaticPage) -> list[StaticPage]:
        """The listed pages directly below ``parent``, in their Kirby order."""
        return [
            p
            for p in self.pages
            if p.kind == PageKind.ENTRY
            and p.listed
            and posixpath.dirname(p.folder) == parent.folder
        ]

    def menu(self) -> list[StaticPage]:
        """Top-level pages shown in the navigation: all published ones but home and error."""
        top = [p for p in self.pages if "/" not in p.folder and p.kind not in _NOT_IN_MENU]
        # Kirby lists a folder's pages by folder name: numbered (listed) ones first.
        return sorted(top, key=lambda p: (not p.listed, _sort_key(p.folder)))


_NOT_IN_MENU = frozenset({PageKind.HOME, PageKind.ERROR})


def relative_url(from_file: str, to_file: str) -> str:
    """The relative address of ``to_file`` as seen from the page ``from_file`` (both site
    paths, '/'-separated, already normal). What ``posixpath.relpath`` gives, without its
    ``os.getcwd()`` call for each link: a site of 1,000 pages has thousands of links."""
    folder = posixpath.dirname(from_file)
    start = folder.split("/") if folder else []
    target = to_file.split("/")
    common = 0
    for here, there in zip(start, target, strict=False):
        if here != there:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def build_site_map(site: SiteSpec, layout: SiteLayout) -> SiteMap:
    pages: list[StaticPage] = []
    for plan in layout.pages:
        page = _static_page(site, layout, plan)
        if page is not None:
            pages.append(page)
    return SiteMap(pages=tuple(pages))


def _static_page(site: SiteSpec, layout: SiteLayout, plan: PagePlan) -> StaticPage | None:
    segments = plan.folder.split("/")
    if DRAFTS_FOLDER in segments:
        return None  # drafts are not public
    entity = site.schema.entity(plan.entity_id) if plan.entity_id else None
    if plan.folder == HOME:
        return StaticPage(
            file=INDEX,
            title=site.title,
            kind=PageKind.HOME,
            folder=HOME,
            listed=False,
            entity=entity,
            item=plan.item,
        )
    if plan.folder == ERROR:
        return StaticPage(
            file=NOT_FOUND,
            title=plan.title,
            kind=PageKind.ERROR,
            folder=ERROR,
            listed=False,
            extra_fields=plan.extra_fields,
        )
    slugs = [_NUM_PREFIX.sub("", s) for s in segments]
    if entity is None:
        # A collection's listing page carries no item; its template names its entity.
        entity = _collection_entity(site, layout, plan)
        kind = PageKind.COLLECTION
    elif entity.kind is EntityKind.COLLECTION and plan.item is not None and len(segments) > 1:
        kind = PageKind.ENTRY
    else:
        kind = PageKind.SINGLE
    return StaticPage(
        file="/".join([*slugs, INDEX]),
        title=plan.title,
        kind=kind,
        folder=plan.folder,
        listed=_NUM_PREFIX.match(segments[-1]) is not None,
        entity=entity,
        item=plan.item,
    )


def _collection_entity(site: SiteSpec, layout: SiteLayout, plan: PagePlan) -> Entity | None:
    owner = next((e for e in layout.entities if e.parent_template == plan.template), None)
    return site.schema.entity(owner.entity_id) if owner else None


def _sort_key(folder: str) -> tuple[int, str]:
    match = re.match(r"^(\d+)_", folder)
    return (int(match.group(1)) if match else 0, folder)
