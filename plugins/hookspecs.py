"""The hooks a Kirby-Gen plugin can implement (pluggy project name ``kirbygen``)."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from domain.llm import ModelSkillSettings
from domain.ports import LanguageModel, Skill

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


@hookspec
def kirbygen_model_skills(  # type: ignore[empty-body]
    model: LanguageModel,
    heuristics: Callable[[str], Skill | None],
    settings: ModelSkillSettings,
) -> list[Skill]:
    """Return the skills this plugin provides on top of a language model.

    Called once when the skill registry is built, and only when the Claude family is in use
    (``KIRBYGEN_SKILLS=claude``, or ``auto`` with an API key). ``model`` is the configured
    ``domain.ports.LanguageModel`` (every call is counted in the run's usage);
    ``heuristics(slot)`` is the skill that fills ``slot`` without a model (the offline one,
    or a plugin's replacement), for a model skill that builds on it; ``settings`` holds
    the bounds the calls keep (documents per call, characters per document, image size).
    Slots are those of ``kirbygen_skills`` plus ``conversation`` (a
    ``domain.ports.ConversationSkill``). Skills offered here win their slots over those of
    ``kirbygen_skills`` while the Claude family is in use.
    """
