"""Which item shows which image, for images no document references by name.

An image belongs to the item whose text mentions its file name, or whose title or file name
is the image's name (``alpha.jpg`` beside ``alpha.md`` or under ``## Alpha``); failing that,
to the only document in the image's folder. An image that matches nothing is left unused
rather than guessed at.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from domain.documents import Block, BlockKind, Document, Locator
from plugins.offline.naming import slugify, source_stem

if TYPE_CHECKING:
    from plugins.offline.shape import EntityGroup


def is_image_document(document: Document) -> bool:
    return document.media_type.startswith("image/")


def link_images(groups: list[EntityGroup], images: Sequence[Document]) -> list[EntityGroup]:
    if not images:
        return groups
    referenced = {
        _resolve(block.target or "", section.document.source)
        for group in groups
        for section in group.sections
        for block in section.blocks
        if block.kind is BlockKind.IMAGE
    }
    extra: dict[tuple[int, int], list[Block]] = {}
    for image in images:
        if image.source.lower() in referenced:
            continue
        place = _owner(groups, image)
        if place is not None:
            section = groups[place[0]].sections[place[1]]
            target = posixpath.relpath(
                image.source, posixpath.dirname(section.document.source) or "."
            )
            extra.setdefault(place, []).append(Block(BlockKind.IMAGE, "", Locator(), target=target))
    linked = []
    for g_index, group in enumerate(groups):
        sections = tuple(
            attrs.evolve(s, blocks=(*s.blocks, *extra[(g_index, s_index)]))
            if (g_index, s_index) in extra
            else s
            for s_index, s in enumerate(group.sections)
        )
        linked.append(attrs.evolve(group, sections=sections))
    return linked


def _resolve(target: str, document: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(document), target)).lower()


def _owner(groups: Sequence[EntityGroup], image: Document) -> tuple[int, int] | None:
    name = posixpath.basename(image.source).lower()
    stem = slugify(source_stem(image.source))
    folder = posixpath.dirname(image.source)
    in_folder: list[tuple[int, int]] = []
    documents_in_folder: set[str] = set()
    for g_index, group in enumerate(groups):
        for s_index, section in enumerate(group.sections):
            doc = section.document
            if not _within(folder, posixpath.dirname(doc.source)):
                continue
            text = " ".join(b.text for b in section.blocks).lower()
            # A file's own name only speaks for the whole file, not for each of its sections.
            named = bool(stem) and (
                stem == slugify(section.title)
                or (section.whole_document and stem == slugify(source_stem(doc.source)))
            )
            if name in text or named:
                return g_index, s_index
            if posixpath.dirname(doc.source) == folder:
                in_folder.append((g_index, s_index))
                documents_in_folder.add(doc.source)
    if len(documents_in_folder) == 1 and len(in_folder) == 1:
        return in_folder[0]
    return None


def _within(folder: str, document_folder: str) -> bool:
    """An image can belong to a document in its own folder or in a folder above it."""
    return (
        folder == document_folder or folder.startswith(document_folder + "/") or not document_folder
    )
