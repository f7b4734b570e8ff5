"""Files that describe the same kind of thing, recognised by the keys they use.

A file's *key set* is the snake_case names of its front matter keys and `Key: value` lines,
less the generic keys almost any file may carry (title, tags, author, slug…): those say
nothing about what kind of thing a file describes.

Two files have the *same shape* when their key sets share at least ``MIN_SHARED_KEYS`` keys
and their Jaccard similarity (shared keys / all keys of the two) is at least
``MIN_SIMILARITY``. Files linked by a chain of same-shaped pairs form one group: groups are the
connected components of that relation, so they do not depend on the order files come in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from domain.documents import Block, BlockKind, Document
from plugins.offline.naming import snake_case

MIN_SHARED_KEYS = 2
MIN_SIMILARITY = 0.6
# Keys found on files of every kind (often written by a site generator or a notes app).
GENERIC_KEYS = frozenset(
    {"title", "name", "slug", "id", "uuid", "layout", "template", "type", "draft", "status",
     "lang", "language", "tags", "tag", "keywords", "category", "categories", "description",
     "summary", "excerpt", "author", "authors", "weight", "order", "sort", "created",
     "updated", "modified", "published", "aliases", "permalink"}
)  # fmt: skip
# Keys that say what kind of thing a file describes, used to name a group of same-shaped
# files that share no folder. The kind whose keys the group shares most wins; on a tie, the
# one listed first.
KIND_HINTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("work", frozenset({"materials", "material", "medium", "dimensions", "technique"})),
    ("project", frozenset({"client", "role", "team", "budget", "brief", "services"})),
    ("event", frozenset({"venue", "location", "city", "curator", "opening", "dates"})),
    ("press", frozenset({"publication", "outlet", "magazine", "newspaper", "journalist"})),
    ("book", frozenset({"isbn", "publisher", "pages"})),
)


def key_set(document: Document) -> frozenset[str]:
    """The non-generic keys a whole document gives values to."""
    keys = [k for k, v in document.front_matter.items() if v is not None]
    return _named(keys) | block_key_set(document.blocks)


def block_key_set(blocks: Iterable[Block]) -> frozenset[str]:
    """The non-generic keys of `Key: value` blocks (one item's, or a whole document's)."""
    return _named(b.key for b in blocks if b.kind is BlockKind.KEY_VALUE and b.key)


def _named(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(name for name in map(snake_case, keys) if name and name not in GENERIC_KEYS)


def same_shape(first: frozenset[str], second: frozenset[str]) -> bool:
    shared = len(first & second)
    return shared >= MIN_SHARED_KEYS and shared / len(first | second) >= MIN_SIMILARITY


def same_shape_groups(documents: Sequence[Document]) -> list[tuple[Document, ...]]:
    """Groups of two or more same-shaped documents, each in source order, ordered by their
    first document."""
    ordered = sorted(documents, key=lambda d: (d.source.casefold(), d.source))
    keys = [key_set(d) for d in ordered]
    parent = list(range(len(ordered)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(ordered)):
        for j in range(i + 1, len(ordered)):
            if same_shape(keys[i], keys[j]):
                # The smaller index stays the root, so a group is known by its first file.
                a, b = sorted((root(i), root(j)))
                parent[b] = a
    members: dict[int, list[Document]] = {}
    for index, document in enumerate(ordered):
        members.setdefault(root(index), []).append(document)
    return [tuple(docs) for _, docs in sorted(members.items()) if len(docs) > 1]


def kind_from_keys(key_sets: Iterable[frozenset[str]]) -> str | None:
    """The kind the keys shared by two or more of ``key_sets`` suggest, or None."""
    counts = Counter(key for keys in key_sets for key in keys)
    shared = {key for key, count in counts.items() if count > 1}
    best, best_score = None, 0
    for kind, hints in KIND_HINTS:
        score = len(shared & hints)
        if score > best_score:
            best, best_score = kind, score
    return best
