"""Resolve image and file references in content to the uploaded files they name."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

import attrs

from domain.content import ContentItem, StructuredContent
from domain.documents import BlockKind, Document, SourceFile
from domain.media_types import identify
from domain.schema import MEDIA_TYPES, ContentSchema, FieldType
from domain.site import MediaAsset

_UNSAFE = re.compile(r"[^a-z0-9]+")


@attrs.frozen
class AttachedMedia:
    content: StructuredContent
    media: tuple[MediaAsset, ...]
    warnings: tuple[str, ...]


def safe_file_name(path: str, taken: set[str]) -> str:
    """A flat, lower-case file name for a page folder; client names never become paths."""
    stem, dot, ext = posixpath.basename(path).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    base = _UNSAFE.sub("-", stem.lower()).strip("-") or "file"
    ext = _UNSAFE.sub("", ext.lower())
    candidate, n = base, 1
    while f"{candidate}.{ext}" in taken:
        n += 1
        candidate = f"{base}-{n}"
    name = f"{candidate}.{ext}" if ext else candidate
    taken.add(name)
    return name


def image_descriptions(documents: Sequence[Document]) -> dict[str, str]:
    """The alt text each referenced image was given, by the image's path in the material.
    The first non-empty description of an image wins."""
    found: dict[str, str] = {}
    for document in documents:
        for block in document.blocks:
            if block.kind is not BlockKind.IMAGE or not block.target or not block.text.strip():
                continue
            path = posixpath.normpath(
                posixpath.join(posixpath.dirname(document.source), block.target)
            )
            found.setdefault(path, block.text.strip())
    return found


def attach_media(
    schema: ContentSchema,
    content: StructuredContent,
    files: Mapping[str, SourceFile],
    descriptions: Mapping[str, str] | None = None,
) -> AttachedMedia:
    """Rewrite media field values to asset names; a reference to a missing file is dropped
    from the item and reported, so the site never points at a file that is not there.
    ``descriptions`` (image path -> alt text) become the assets' alt text."""
    descriptions = descriptions or {}
    by_basename: dict[str, list[str]] = {}
    for name in files:
        by_basename.setdefault(posixpath.basename(name).lower(), []).append(name)
    names: dict[str, str] = {}
    taken: set[str] = set()
    warnings: list[str] = []
    items: list[ContentItem] = []

    def resolve(reference: str, document: str) -> str | None:
        local = posixpath.normpath(posixpath.join(posixpath.dirname(document), reference))
        source = local if local in files else None
        if source is None:
            matches = by_basename.get(posixpath.basename(reference).lower(), [])
            source = matches[0] if len(matches) == 1 else None
        if source is None:
            return None
        if source not in names:
            names[source] = safe_file_name(source, taken)
        return names[source]

    for item in content.items:
        entity = schema.entity(item.entity)
        fields = dict(item.fields)
        provenance = dict(item.provenance)
        for field in entity.fields if entity else ():
            if field.type not in MEDIA_TYPES or field.id not in fields:
                continue
            origin = item.provenance.get(field.id)
            document = origin.document if origin else ""
            value = fields[field.id]
            refs = (
                [value]
                if isinstance(value, str)
                else list(value)
                if isinstance(value, list)
                else []
            )
            resolved: list[str] = []
            for ref in refs:
                found = resolve(str(ref), document)
                if found is None:
                    warnings.append(
                        f"{document or item.id}: '{ref}' is referenced but no such file was given"
                    )
                else:
                    resolved.append(found)
            if not resolved:
                del fields[field.id]
                provenance.pop(field.id, None)
            elif field.type in (FieldType.IMAGE, FieldType.FILE):
                fields[field.id] = resolved[0]
            else:
                fields[field.id] = resolved
        items.append(attrs.evolve(item, fields=fields, provenance=provenance))
    placed = set(names)
    # Images no item names still belong to the site: they are shown on the home page.
    for source in sorted(files):
        if source not in names and identify(files[source].data).startswith("image/"):
            names[source] = safe_file_name(source, taken)
    media = tuple(
        MediaAsset(
            name=asset,
            data=files[source].data,
            media_type=identify(files[source].data),
            alt=descriptions.get(source, ""),
            placed=source in placed,
        )
        for source, asset in sorted(names.items(), key=lambda kv: kv[1])
    )
    content = attrs.evolve(content, items=tuple(items))
    return AttachedMedia(content, media, tuple(warnings))
