"""What a CMS adapter consumes and produces: a site description in, files out."""

from __future__ import annotations

import attrs

from domain.content import StructuredContent
from domain.design import DesignSystem
from domain.schema import ContentSchema


@attrs.frozen
class MediaAsset:
    """An image or file the content references by ``name`` (as written in the content).

    ``alt`` is the description the material gave the image (Markdown's ``![alt](…)``, HTML's
    ``alt``); empty when it gave none, and renderers then derive one from the file name.
    ``placed`` is False for an image of the material no content names: renderers show it on
    the home page, so no image of the material is left out of the site.
    """

    name: str
    data: bytes
    media_type: str
    alt: str = ""
    placed: bool = True


@attrs.frozen
class SiteSpec:
    title: str
    schema: ContentSchema
    content: StructuredContent
    design: DesignSystem
    media: tuple[MediaAsset, ...] = ()


@attrs.frozen
class SiteFile:
    """One file of a generated site; ``path`` is relative and uses '/'."""

    path: str
    data: bytes


@attrs.frozen
class WriteSummary:
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
