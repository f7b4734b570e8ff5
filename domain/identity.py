"""Whose site it is: the site's title and its owner's name, as the material states them."""

from __future__ import annotations

import attrs

from domain.documents import Locator


@attrs.frozen
class IdentityCandidate:
    """One way the material names the site or its owner. ``role`` is ``title`` or ``owner``;
    ``rank`` orders candidates of a role (higher wins); ``how`` says what was read
    (a ``Studio:`` line, a page title's site-name part, a document's author…)."""

    role: str
    value: str
    rank: int
    how: str
    document: str
    locator: Locator


@attrs.frozen
class SiteIdentity:
    """The chosen title and owner (empty when the material names none) and every candidate,
    best first, so the choice can be checked."""

    title: str = ""
    owner: str = ""
    candidates: tuple[IdentityCandidate, ...] = ()
