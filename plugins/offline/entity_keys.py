"""The entity each text document belongs to, as a key (the entity's id before it is made unique).

* A file's key is its name in the singular (``projects.md`` -> ``project``).
* Two or more single-shaped files in one folder (``projects/alpha.md``, ``projects/beta.md``)
  take the folder's name, unless the folder is a generic container (content, docs, notes…).
* Same-shaped single files (``key_shapes``) anywhere in the material share one key, together
  with every other file of the keys they had, so a folder collection is never split. The
  shared key is that of a collection already among them (the one with most files, then the
  first by name), else the folder all of them are under (when that is not the folder all the
  material is under), else the kind their shared keys suggest, else ``MERGED_ENTITY_ID``.

Files named like one page (about, contact, cv…) never join a collection by folder or shape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from domain.documents import Document
from plugins.offline.key_shapes import key_set, kind_from_keys, same_shape, same_shape_groups
from plugins.offline.naming import singular, slugify, source_stem

# File names that name one page even when the page is divided into sections.
SINGLE_PAGE_NAMES = frozenset(
    {"about", "about-me", "bio", "biography", "contact", "home", "index", "imprint",
     "impressum", "privacy", "legal", "readme", "cv", "resume", "profile", "intro",
     "introduction", "colophon", "statement", "artist-statement"}
)  # fmt: skip
# Folders that hold material of every kind rather than items of one kind.
GENERIC_FOLDERS = frozenset(
    {"content", "contents", "doc", "docs", "document", "documents", "material", "materials",
     "note", "notes", "file", "files", "input", "inputs", "src", "source", "sources", "text",
     "texts", "page", "pages", "misc", "other", "export", "exports", "upload", "uploads",
     "extra", "extras", "more", "new", "old", "archive", "drafts", "draft", "stuff"}
)  # fmt: skip
FALLBACK_ENTITY_ID = "page"
# Names editors and cameras give files before anyone names them.
_MEANINGLESS_NAME = re.compile(
    r"^(?:untitled|unnamed|new|document|doc|copy|scan|img|dsc[nf]?|pxl|photo|image|file|"
    r"note|notes|text|draft|neu|sans titre|senza titolo|sin titulo)"
    r"(?:[\s_\-]*(?:document|file|note|copy|\(\d+\)|\d+))*$",
    re.IGNORECASE,
)
# Same-shaped files with no shared folder and no telling keys are most likely pieces of work.
MERGED_ENTITY_ID = "work"
MIN_ITEMS = 2

# Document -> its item heading level, or None for a single-shaped file (``shape.item_level``).
Levels = Mapping[int, int | None]


def entity_keys(
    documents: Sequence[Document],
    levels: Levels,
    item_keys: Mapping[int, Sequence[frozenset[str]]] | None = None,
) -> dict[int, str]:
    """``id(document)`` -> entity key, for every document.

    ``item_keys`` gives, for each collection file, the key sets of its items: a single file
    with the same shape as one of them joins that file's collection."""
    by_folder = _folder_collections(documents, levels)
    keys = {id(d): by_folder.get(id(d)) or singular(entity_slug(d)) for d in documents}
    loose = [d for d in documents if may_be_an_item(d, levels)]
    groups = [*same_shape_groups(loose), *_joining(loose, documents, item_keys or {})]
    merged = _merge_same_shapes(documents, keys, groups, levels)
    return {ident: merged.get(key, key) for ident, key in keys.items()}


def _joining(
    loose: Sequence[Document],
    documents: Sequence[Document],
    item_keys: Mapping[int, Sequence[frozenset[str]]],
) -> list[tuple[Document, Document]]:
    """(loose file, collection file) for each single file shaped like an item of a collection."""
    pairs = []
    for single in loose:
        shape = key_set(single)
        for collection in documents:
            if any(same_shape(shape, keys) for keys in item_keys.get(id(collection), ())):
                pairs.append((single, collection))
                break
    return pairs


def entity_slug(document: Document) -> str:
    """The file name as an entity id: 'My Projects.md' -> 'my-projects', '01-about' -> 'about';
    a name that says nothing ('untitled 2', 'IMG_2041', 'Document1') gives way to the title."""
    stem = source_stem(document.source)
    if _MEANINGLESS_NAME.match(stem) and document.title.strip():
        return id_slug(document.title)
    return id_slug(stem)


def id_slug(text: str) -> str:
    # Entity ids start with a letter; numbering prefixes ("01-") say nothing about the kind.
    return re.sub(r"^[^a-z]+", "", slugify(text)) or FALLBACK_ENTITY_ID


def may_be_an_item(document: Document, levels: Levels) -> bool:
    """A single-shaped file not named like one page: it may be one item of many."""
    return levels[id(document)] is None and entity_slug(document) not in SINGLE_PAGE_NAMES


def _folder_collections(documents: Sequence[Document], levels: Levels) -> dict[int, str]:
    """Keys for single-shaped files that share a folder with others of their kind."""
    by_folder: dict[str, list[Document]] = {}
    for doc in documents:
        folders = _folders(doc)
        folder = _folder_slug(folders[-1]) if folders else ""
        if folder and may_be_an_item(doc, levels):
            by_folder.setdefault(folder, []).append(doc)
    return {
        id(doc): singular(folder)
        for folder, docs in by_folder.items()
        if len(docs) >= MIN_ITEMS
        for doc in docs
    }


def _merge_same_shapes(
    documents: Sequence[Document],
    keys: Mapping[int, str],
    groups: Iterable[Sequence[Document]],
    levels: Levels,
) -> dict[str, str]:
    """Key -> the key it merges into, for every key a group of same-shaped files spans.

    Keys are joined as sets (union-find), so the result does not depend on group order."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for group in groups:
        first, *others = sorted({keys[id(d)] for d in group})
        for other in others:
            a, b = sorted((root(first), root(other)))
            if a != b:
                parent[b] = a
    joined: dict[str, set[str]] = {}
    for key in parent:
        joined.setdefault(root(key), {root(key)}).add(key)
    material_root = _common_folders(documents)
    merged: dict[str, str] = {}
    for spanned in joined.values():
        members = [d for d in documents if keys[id(d)] in spanned]
        target = _merged_key(sorted(spanned), members, keys, levels, material_root)
        merged.update(dict.fromkeys(spanned, target))
    return merged


def _merged_key(
    spanned: Sequence[str],
    members: Sequence[Document],
    keys: Mapping[int, str],
    levels: Levels,
    material_root: tuple[str, ...],
) -> str:
    files = Counter(keys[id(d)] for d in members)
    sectioned = {keys[id(d)] for d in members if levels[id(d)] is not None}
    collections = [k for k in spanned if files[k] > 1 or k in sectioned]
    if collections:
        # A collection file names its kind more surely than a folder of files does.
        return min(collections, key=lambda k: (k not in sectioned, -files[k], k))
    shared = _common_folders(members)
    if len(shared) > len(material_root) and _folder_slug(shared[-1]):
        return singular(_folder_slug(shared[-1]))
    return kind_from_keys(key_set(d) for d in members) or MERGED_ENTITY_ID


def _folders(document: Document) -> tuple[str, ...]:
    return PurePosixPath(document.source.replace("\\", "/")).parent.parts


def _common_folders(documents: Sequence[Document]) -> tuple[str, ...]:
    """The folders every one of ``documents`` is under, outermost first."""
    paths = [_folders(d) for d in documents]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return tuple(common)


def _folder_slug(folder: str) -> str:
    """A folder's name as an entity id, or '' for a folder that names no kind of thing."""
    slug = id_slug(folder)
    return "" if slug in GENERIC_FOLDERS or slug == FALLBACK_ENTITY_ID else slug
