"""Whose site it is, read from the material: the site's title and the owner's name.

Every way the material names the site or its owner is a candidate with a rank; the best of
each role wins, and all of them are kept (with document and line) for the report. From the
strongest to the weakest:

* a key that names the site (``Site title:``, ``site_name`` in front matter) — 100;
* a key that names a business (``Studio:``, ``Practice:``, ``Restaurant:``, ``Band:``…) — 90;
* the site-name part of an HTML page title (``About us | Harbour Kitchen``) or its
  ``og:site_name`` — 80, the more pages agree the better;
* a ``Name:`` line or ``name`` key of a page about the person (about, contact, cv, home…) — 70;
* a document's author in its metadata (DOCX, PDF) — 60;
* the opening sentence of such a page when it starts with a name (``Mara Lindqvist is a
  ceramicist…``) — 55;
* the top heading of such a page when it reads like a name (``# Zoë Hartmann``) — 50.

An address (a comma and a number: ``Studio: Kvarnbygatan 14, 431 34 Mölndal``) is not a name.

A key repeated within a document describes its records (every dish has a ``Name:``), not the
site, and is not a candidate. The site's title is the best ``title`` candidate, else the
owner's name; the folder the material came in is the caller's last resort.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from domain.documents import BlockKind, Document, Locator
from domain.identity import IdentityCandidate, SiteIdentity
from plugins.offline.entity_keys import SINGLE_PAGE_NAMES, entity_slug
from plugins.offline.naming import snake_case

SITE_KEYS = frozenset({"site", "site_title", "site_name", "website", "website_title"})
BUSINESS_KEYS = frozenset(
    {"studio", "practice", "business", "company", "firm", "restaurant", "cafe", "bar",
     "bakery", "shop", "store", "gallery_name", "band", "ensemble", "label", "agency",
     "office", "atelier", "workshop", "brand", "organisation", "organization"}
)  # fmt: skip
PERSON_KEYS = frozenset(
    {"name", "full_name", "owner", "artist", "photographer", "architect", "musician",
     "designer", "chef", "maker", "ceramicist", "author", "proprietor"}
)  # fmt: skip
# Pages that speak about the person or business as a whole.
PERSON_PAGES = SINGLE_PAGE_NAMES | {"about-us", "info", "welcome", "start", "me", "studio"}
# Headings that name a page rather than anyone.
_GENERIC_HEADINGS = frozenset(
    {"about", "about me", "about us", "contact", "contact me", "contact us", "biography",
     "bio", "cv", "resume", "home", "welcome", "hello", "info", "imprint", "impressum",
     "profile", "statement", "artist statement", "get in touch", "introduction", "intro"}
)  # fmt: skip
_MAX_NAME_WORDS = 6
_MAX_NAME_CHARS = 70
_ABOUT_PREFIX = re.compile(r"^(?:about|hello,?\s+i'?m|i am|this is)\s+", re.IGNORECASE)

RANK_SITE_KEY = 100
RANK_BUSINESS_KEY = 90
RANK_PAGE_TITLE = 80
RANK_PERSON_KEY = 70
RANK_AUTHOR = 60
RANK_PROSE = 55
RANK_HEADING = 50
# "Mara Lindqvist is a ceramicist…": two to four capitalised words, then what they are.
_INTRODUCED = re.compile(
    r"^((?:[A-ZÀ-Þ][\w'\u2019.\-]*\s+){1,3}[A-ZÀ-Þ][\w'\u2019\-]+)\s+(?:is|are|was|were)\s+(?:a|an|the)\s"
)
_ADDRESS = re.compile(r"\d.*,|,.*\d")


def site_identity(documents: Sequence[Document]) -> SiteIdentity:
    candidates = sorted(
        _candidates(documents),
        key=lambda c: (-c.rank, c.role, c.document.casefold(), c.locator.line or 0, c.value),
    )
    titles = [c for c in candidates if c.role == "title"]
    owners = [c for c in candidates if c.role == "owner"]
    owner = owners[0].value if owners else ""
    title = titles[0].value if titles else owner
    return SiteIdentity(title=title, owner=owner, candidates=tuple(candidates))


def _candidates(documents: Sequence[Document]) -> Iterable[IdentityCandidate]:
    yield from _page_title_candidates(documents)
    for document in documents:
        if document.media_type.startswith("image/"):
            continue
        about_a_person = entity_slug(document) in PERSON_PAGES
        yield from _key_candidates(document, about_a_person)
        author = document.metadata.get("author", "").strip()
        if _name_like(author):
            yield IdentityCandidate(
                "owner", author, RANK_AUTHOR, "the document's author", document.source, Locator()
            )
        if about_a_person:
            yield from _introduced(document)
            heading = next((b for b in document.blocks if b.kind is BlockKind.HEADING), None)
            if heading is not None:
                text = _ABOUT_PREFIX.sub("", heading.text).strip()
                if text.casefold() not in _GENERIC_HEADINGS and _name_like(text):
                    yield IdentityCandidate(
                        "owner", text, RANK_HEADING, "the page's top heading",
                        document.source, heading.locator,
                    )  # fmt: skip


def _introduced(document: Document) -> Iterable[IdentityCandidate]:
    paragraph = next((b for b in document.blocks if b.kind is BlockKind.PARAGRAPH), None)
    match = _INTRODUCED.match(paragraph.text) if paragraph is not None else None
    if paragraph is not None and match is not None:
        name = " ".join(match.group(1).split())
        yield IdentityCandidate(
            "owner", name, RANK_PROSE, "the page's opening sentence", document.source,
            paragraph.locator,
        )  # fmt: skip


def _key_candidates(document: Document, about_a_person: bool) -> Iterable[IdentityCandidate]:
    pairs: list[tuple[str, str, Locator]] = [
        (key, str(value), document.front_matter_locator or Locator())
        for key, value in document.front_matter.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    ]
    pairs.extend(
        (b.key, b.text, b.locator)
        for b in document.blocks
        if b.kind is BlockKind.KEY_VALUE and b.key
    )
    repeated = {k for k, n in Counter(snake_case(k) for k, _, _ in pairs).items() if n > 1}
    for key, raw, locator in pairs:
        name = snake_case(key)
        value = " ".join(raw.split())
        if name in repeated or not _name_like(value):
            continue
        if name in SITE_KEYS:
            yield IdentityCandidate(
                "title", value, RANK_SITE_KEY, f"a '{key}' value", document.source, locator
            )
        elif name in BUSINESS_KEYS:
            yield IdentityCandidate(
                "title", value, RANK_BUSINESS_KEY, f"a '{key}' value", document.source, locator
            )
        elif name in PERSON_KEYS and (about_a_person or name != "name"):
            yield IdentityCandidate(
                "owner", value, RANK_PERSON_KEY, f"a '{key}' value", document.source, locator
            )


def _page_title_candidates(documents: Sequence[Document]) -> Iterable[IdentityCandidate]:
    """The site-name part of page titles: the more pages agree, the stronger."""
    found: dict[str, list[Document]] = {}
    for document in documents:
        site_name = " ".join(document.metadata.get("site_name", "").split())
        if _name_like(site_name):
            found.setdefault(site_name, []).append(document)
    for value, docs in found.items():
        yield IdentityCandidate(
            "title",
            value,
            RANK_PAGE_TITLE + min(len(docs), 9),
            "the site-name part of the page title",
            docs[0].source,
            Locator(),
        )


def _name_like(text: str) -> bool:
    """Short, one line, no sentence: how a name is written."""
    stripped = text.strip()
    return (
        bool(stripped)
        and len(stripped) <= _MAX_NAME_CHARS
        and len(stripped.split()) <= _MAX_NAME_WORDS
        and "\n" not in stripped
        and not stripped.endswith((".", "!", "?", ":"))
        and "://" not in stripped
        and "@" not in stripped
        and any(ch.isalpha() for ch in stripped)
        and not _ADDRESS.search(stripped)
    )
