"""The hooks a Kirby-Gen plugin can implement (pluggy project name ``kirbygen``)."""

from __future__ import annotations

import pluggy

from domain.ports import Skill

PROJECT_NAME = "kirbygen"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def kirbygen_skills() -> list[Skill]:  # type: ignore[empty-body]
    """Return the skills this plugin provides, as a list of skill objects.

    Called once when the skill registry is built (at start-up of the CLI, the web app, the
    worker and ``kirbygen plugins``), with no arguments. Each skill object has a ``slot``
    (``parser.<format>`` such as ``parser.markdown``, ``mapping``, ``structuring`` or
    ``design``), a ``name``, and the methods of the protocol for its slot in
    ``domain.ports`` (DocumentParser, DomainMapper, ContentStructurer, DesignSkill).

    When several plugins fill the same slot, the one pluggy calls first wins; pluggy calls
    plugins registered later first, so an installed third-party plugin replaces a built-in
    skill of the same slot. Return an empty list to provide nothing.
    """
