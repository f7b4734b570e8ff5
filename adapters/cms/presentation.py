"""The design decisions both renderers (Kirby templates, static export) follow, decided once.

* An item page leads with its images, then its tagline and writing; short values (year,
  client, place …) sit together in one facts list; what is left (lists, tables, blocks,
  downloads, related pages) follows as labelled sections.
* The home page introduces the owner (name, tagline or the first lines of the about text,
  portrait), shows the first collection with images as featured work, then the other
  sections as cards.
* Contact details are links: mailto:, tel:, a map search for an address; a profile URL on a
  known network is named after the network.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import attrs

from adapters.cms.kirby.layout import SiteLayout, page_fields
from domain.schema import ContentSchema, Entity, EntityKind, Field, FieldType

LEAD_TYPES = frozenset({FieldType.IMAGE, FieldType.GALLERY})
BODY_TYPES = frozenset({FieldType.TEXTAREA, FieldType.RICHTEXT, FieldType.MARKDOWN})
FACT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.NUMBER,
        FieldType.RANGE,
        FieldType.BOOLEAN,
        FieldType.SELECT,
        FieldType.RADIO,
        FieldType.MULTISELECT,
        FieldType.CHECKBOXES,
        FieldType.TAGS,
        FieldType.DATE,
        FieldType.TIME,
        FieldType.DATETIME,
        FieldType.URL,
        FieldType.EMAIL,
        FieldType.TEL,
        FieldType.COLOR,
        FieldType.LOCATION,
        FieldType.RELATION,
    }
)
# A short text with one of these ids is the page's tagline, shown under its title.
TAGLINE_IDS = frozenset({"tagline", "subtitle", "headline", "lede", "strapline", "slogan"})
# A text field with one of these ids (or labels) holds a postal address: linked to a map.
ADDRESS_WORDS = frozenset({"address", "studio", "office", "location", "where", "visit"})
ABOUT_WORDS = ("about", "bio", "profile", "me", "cv", "person", "owner", "studio")
EXCERPT_CHARS = 160
INTRO_CHARS = 280
FEATURED_LIMIT = 6
MAP_SEARCH = "https://www.openstreetmap.org/search?query="

# Host (without www.) → the network's name, for links to social profiles.
SOCIAL_NETWORKS: dict[str, str] = {
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "x.com": "X",
    "twitter.com": "X (Twitter)",
    "linkedin.com": "LinkedIn",
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "behance.net": "Behance",
    "dribbble.com": "Dribbble",
    "youtube.com": "YouTube",
    "vimeo.com": "Vimeo",
    "tiktok.com": "TikTok",
    "pinterest.com": "Pinterest",
    "threads.net": "Threads",
    "bsky.app": "Bluesky",
    "mastodon.social": "Mastodon",
    "soundcloud.com": "SoundCloud",
    "bandcamp.com": "Bandcamp",
    "medium.com": "Medium",
    "substack.com": "Substack",
    "etsy.com": "Etsy",
    "flickr.com": "Flickr",
    "artstation.com": "ArtStation",
    "vsco.co": "VSCO",
}


def network_name(url: str) -> str | None:
    """'Instagram' for ``https://www.instagram.com/someone``; None for any other address."""
    host = (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")
    if host in SOCIAL_NETWORKS:
        return SOCIAL_NETWORKS[host]
    parent = host.split(".", 1)[1] if host.count(".") >= 2 else ""
    return SOCIAL_NETWORKS.get(parent)


def link_text(url: str) -> str:
    """How a URL reads on the page: the network's name, else the address without scheme."""
    return network_name(url) or re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/")


def is_address(field: Field) -> bool:
    words = set(re.split(r"[^a-z]+", f"{field.id} {field.label}".lower()))
    return field.type is FieldType.TEXT and bool(words & ADDRESS_WORDS)


@attrs.frozen
class EntityPresentation:
    lead: tuple[Field, ...]
    tagline: Field | None
    body: tuple[Field, ...]
    facts: tuple[Field, ...]
    sections: tuple[Field, ...]

    @property
    def cover(self) -> Field | None:
        return self.lead[0] if self.lead else None

    @property
    def excerpt(self) -> Field | None:
        """The field a card quotes: the first writing, else the tagline."""
        return self.body[0] if self.body else self.tagline


def count_nouns(entity: Entity) -> tuple[str, str]:
    """What a listing's card counts, for one item and for several: "1 project", "3 projects".
    A listing whose plural is its name ("Writing", "Press") is not a countable noun, so its
    card counts entries ("2 entries", not "2 writing")."""
    one, many = entity.name.lower(), (entity.plural_name or entity.name).lower()
    if one == many:
        return "entry", "entries"
    return one, many


def present(entity: Entity) -> EntityPresentation:
    fields = page_fields(entity)
    tagline = next(
        (f for f in fields if f.type is FieldType.TEXT and f.id.lower() in TAGLINE_IDS), None
    )
    rest = [f for f in fields if f is not tagline]
    return EntityPresentation(
        lead=tuple(f for f in rest if f.type in LEAD_TYPES),
        tagline=tagline,
        body=tuple(f for f in rest if f.type in BODY_TYPES),
        facts=tuple(f for f in rest if f.type in FACT_TYPES),
        sections=tuple(f for f in rest if f.type not in LEAD_TYPES | BODY_TYPES | FACT_TYPES),
    )


@attrs.frozen
class HomePlan:
    """Whose site it is and what the home page shows first."""

    about: Entity | None  # the single page that introduces the owner
    featured: Entity | None  # the collection shown as image cards
    others: tuple[str, ...]  # ids of the other entities, in navigation order


def plan_home(schema: ContentSchema, layout: SiteLayout) -> HomePlan:
    shown = [
        schema.entity(e.entity_id) for e in layout.entities if e.entity_id != layout.home_entity_id
    ]
    entities = [e for e in shown if e is not None]
    singles = [e for e in entities if e.kind is EntityKind.SINGLE]
    about = next(
        (e for word in ABOUT_WORDS for e in singles if word in (e.id.lower(), e.name.lower())),
        None,
    ) or next((e for e in singles if present(e).body and "contact" not in e.id.lower()), None)
    collections = [e for e in entities if e.kind is EntityKind.COLLECTION]
    featured = next((c for c in collections if present(c).lead), None) or next(
        iter(collections), None
    )
    # In navigation order: Kirby lists numbered (listed) pages before unlisted ones.
    others = tuple(e.id for e in collections if e is not featured) + tuple(e.id for e in singles)
    return HomePlan(about=about, featured=featured, others=others)
