"""Names Kirby cares about: page slugs, file names, stable UUIDs and PHP method clashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Top-level slugs Kirby or the web server already route elsewhere, and templates Kirby gives a
# meaning of its own. A generated page must not take these names.
RESERVED_SLUGS = frozenset(
    {"home", "error", "panel", "api", "media", "assets", "kirby", "site", "content"}
)
RESERVED_TEMPLATES = frozenset({"home", "error", "default", "site"})

# Methods of Kirby\Cms\Page (with its traits HasChildren, HasFiles, HasSiblings, HasMethods and
# its parent ModelWithContent). `$page->name()` calls these instead of reading a field called
# `name`, so such a field is read with `$page->content()->get('name')`. PHP method names are
# case-insensitive, hence the lower-case spelling. The list errs on the side of caution: a
# false positive only costs a longer, equally correct accessor.
_PAGE_METHOD_NAMES = """
    apiUrl audio blueprint blueprints changeNum changeSlug changeSort changeStatus
    changeTemplate changeTitle children childrenAndDrafts clone code content contentFile
    contentFileName contentFiles controller convertTo copy create createChild createFile
    createNum date decrement delete depth documents draft drafts dragText duplicate errors
    exists factory file files find findPageOrDraft grandChildren hasAudio hasChildren hasCode
    hasDocuments hasDrafts hasFiles hasImages hasListedChildren hasMethod hasNext
    hasNextListed hasNextUnlisted hasPrev hasPrevListed hasPrevUnlisted hasTemplate
    hasUnlistedChildren hasVideos hash id image images increment index indexOf
    intendedTemplate is isAccessible isActive isAncestorOf isCacheable isChildOf
    isDescendantOf isDescendantOfActive isDraft isErrorPage isFirst isHomeOrErrorPage
    isHomePage isLast isListed isLocked isMovableTo isNth isOpen isReadable isSortable
    isUnlisted isValid kirby lock mediaDir mediaHash mediaRoot mediaToken mediaUrl model
    modified move next nextAll nextListed nextUnlisted num panel parent parentId parentModel
    parents permalink permissions prev prevAll prevListed prevUnlisted previewUrl publish
    purge query render renderVersion representation root save search setBlueprint
    siblings site slug sort status template templateSiblings title toArray toString
    translation translations uid update uri url urlForLanguage uuid version versions videos
    changes media panelUrl toSafeString
"""
PAGE_METHODS = frozenset(name.lower() for name in _PAGE_METHOD_NAMES.split())

# Methods of Kirby\Cms\StructureObject (and its parent Item) for rows of a structure field.
_STRUCTURE_ROW_METHOD_NAMES = """
    content field hasNext hasPrev id indexOf is isFirst isLast isNth kirby next nextAll
    parent prev prevAll siblings toArray toDate
"""
STRUCTURE_ROW_METHODS = frozenset(name.lower() for name in _STRUCTURE_ROW_METHOD_NAMES.split())

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_NON_FILENAME = re.compile(r"[^a-z0-9._-]+")


def slugify(text: str, fallback: str = "page") -> str:
    """A Kirby slug: lower-case ASCII letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug or fallback


def unique_name(wanted: str, taken: set[str], suffix: str = "") -> str:
    """``wanted`` if free, else ``wanted`` + ``suffix``, else numbered; records the result."""
    candidates = [wanted]
    if suffix:
        candidates.append(f"{wanted}{suffix}")
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    taken.add(f"{wanted}-{number}")
    return f"{wanted}-{number}"


def safe_filename(name: str) -> str:
    """A file name Kirby serves as is: lower-case ASCII, no folders, no leading dot.

    ``.txt`` is Kirby's content extension (a ``notes.txt`` beside a page would be read as the
    page's content), so such files get the ``.text`` extension instead.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    cleaned = _NON_FILENAME.sub("-", ascii_name.lower()).strip("-.") or "file"
    if cleaned.endswith(".txt"):
        cleaned = cleaned[: -len(".txt")] + ".text"
    if "." not in cleaned:
        cleaned = f"{cleaned}.bin"
    return cleaned


def unique_filename(name: str, taken: set[str]) -> str:
    """``name`` if free among ``taken``, else ``stem-2.ext``, ``stem-3.ext``…; records it."""
    if name not in taken:
        taken.add(name)
        return name
    stem, _, extension = name.rpartition(".")
    number = 2
    while f"{stem}-{number}.{extension}" in taken:
        number += 1
    taken.add(f"{stem}-{number}.{extension}")
    return f"{stem}-{number}.{extension}"


def stable_uuid(*parts: str) -> str:
    """A 16-character Kirby UUID (letters and digits) derived from ``parts``.

    The same item always gets the same UUID, so ``page://`` references written today still
    resolve after the site is generated again.
    """
    digest = hashlib.sha256("\x1f".join(("kirby-gen", *parts)).encode("utf-8")).hexdigest()
    return digest[:16]


def stable_block_id(*parts: str) -> str:
    """A UUID-formatted id for a block (Kirby gives every block one) derived from ``parts``."""
    digest = hashlib.sha256("\x1f".join(("kirby-gen-block", *parts)).encode("utf-8")).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def alt_text_from_filename(filename: str) -> str:
    """A readable starting point for alt text: ``cover-photo_2.jpg`` → ``Cover photo 2``."""
    stem = filename.rsplit(".", 1)[0]
    words = " ".join(re.split(r"[-_.\s]+", stem)).strip()
    return words[:1].upper() + words[1:] if words else filename


def php_string(text: str) -> str:
    """A single-quoted PHP string literal holding ``text`` exactly."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def needs_content_accessor(field_id: str, methods: Iterable[str]) -> bool:
    """True when ``->field_id()`` would call a method instead of reading the field."""
    return field_id.lower() in methods
