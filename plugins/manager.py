"""The plugin manager and the skill registry built on it.

Built-in skills are plugins like any other: the modules in ``DEFAULT_PLUGINS`` are registered
first, then whatever installed packages declare under the entry point group ``kirbygen``
(in order of entry point name).
Pluggy calls the plugins registered *later* first, and the first skill offered for a slot
wins, so a third-party plugin that fills a slot (say ``parser.text``) replaces the built-in
skill of that slot. ``tryfirst``/``trylast`` on a hook implementation change that order as
pluggy documents.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from collections.abc import Callable, Iterable
from typing import cast

import attrs
import pluggy

from domain.llm import ModelSkillSettings
from domain.ports import (
    ContentStructurer,
    ConversationSkill,
    DesignSkill,
    DocumentParser,
    DomainMapper,
    LanguageModel,
    Skill,
)
from plugins import hookspecs
from plugins.errors import InvalidPlugin, MissingSkill
from plugins.fallback import FALLBACK_WRAPPERS

# Registration order matters only between built-ins filling different slots: the markdown
# parser comes after the text parser so that it is asked first about a file both accept
# (a ``.md`` file identified as text/plain).
DEFAULT_PLUGINS: list[str] = [
    "plugins.offline.parsers.text",
    "plugins.offline.parsers.markdown",
    "plugins.offline.parsers.html",
    "plugins.offline.parsers.json_data",
    "plugins.offline.parsers.docx",
    "plugins.offline.parsers.pdf",
    "plugins.offline.parsers.image",
    "plugins.offline.parsers.svg",
    "plugins.offline.mapping",
    "plugins.offline.structuring",
    "plugins.offline.design",
    # The Claude family: offered through ``kirbygen_model_skills``, only when it is in use.
    "plugins.claude.mapping",
    "plugins.claude.structuring",
    "plugins.claude.design",
    "plugins.claude.conversation",
]

PARSER_PREFIX = "parser."
MAPPING_SLOT = "mapping"
STRUCTURING_SLOT = "structuring"
DESIGN_SLOT = "design"
PIPELINE_SLOTS = (MAPPING_SLOT, STRUCTURING_SLOT, DESIGN_SLOT)
CONVERSATION_SLOT = "conversation"
KNOWN_SLOTS = (*PIPELINE_SLOTS, CONVERSATION_SLOT)
PARSER_SLOT = re.compile(r"^parser\.[a-z0-9][a-z0-9_-]*$")

# What each slot's protocol (domain.ports) requires beyond ``slot`` and ``name``.
_REQUIRED_METHODS: dict[str, tuple[str, ...]] = {
    "parser": ("accepts", "parse"),
    MAPPING_SLOT: ("map",),
    STRUCTURING_SLOT: ("structure",),
    DESIGN_SLOT: ("design",),
    CONVERSATION_SLOT: ("reply",),
}


def build_plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the hookspecs, the built-in plugins and (optionally) entry points.

    Tests pass ``load_entry_points=False`` so that whatever happens to be installed in the
    environment cannot change their outcome.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    try:
        for module_name in DEFAULT_PLUGINS:
            pm.register(importlib.import_module(module_name), name=module_name)
        if load_entry_points:
            _load_entry_points(pm)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise InvalidPlugin(f"Plugin '{_plugin_label(pm, exc.plugin)}' is invalid: {exc}") from exc
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    """Register the installed plugins one entry point at a time, in order of their names.

    Loading them one by one lets a plugin that fails to import be named in the error, and the
    name order makes the winner between two third-party plugins of one slot the same on
    every machine (the later name wins).
    """
    group = hookspecs.PROJECT_NAME
    for name in sorted({ep.name for ep in importlib.metadata.entry_points(group=group)}):
        try:
            pm.load_setuptools_entrypoints(group, name=name)
        except pluggy.PluginValidationError:
            raise
        except Exception as exc:
            raise InvalidPlugin(
                f"Plugin '{name}' (entry point group '{group}') could not be loaded: {exc}"
            ) from exc


def _plugin_label(pm: pluggy.PluginManager, plugin: object) -> str:
    return pm.get_name(plugin) or getattr(plugin, "__name__", None) or repr(plugin)


@attrs.frozen
class SlotReport:
    """Who fills one slot: every (plugin name, skill name) in call order; the first wins."""

    slot: str
    implementations: tuple[tuple[str, str], ...]
    winner: str
    winner_plugin: str
    # Which family serves the slot: "offline", "claude" (+ "offline fallback" under auto),
    # or "plugin" (a third-party package).
    family: str = ""


@attrs.frozen
class _Offer:
    plugin: str
    skill: Skill
    family: str = ""


def _family(plugin: str) -> str:
    if plugin.startswith("plugins.offline."):
        return "offline"
    if plugin.startswith("plugins.claude."):
        return "claude"
    return "plugin"


class PluginSkillRegistry:
    """domain.ports.SkillRegistry over a pluggy manager; every offered skill is checked once.

    With a ``model``, the skills of ``kirbygen_model_skills`` are offered first, so they
    win their slots (the Claude family). With ``fallback`` (``KIRBYGEN_SKILLS=auto``) a
    model skill of a pipeline slot falls back to the slot's skill without a model when the
    model fails, and says so in the run's report.
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        model: LanguageModel | None = None,
        *,
        settings: ModelSkillSettings | None = None,
        fallback: bool = False,
    ) -> None:
        base = tuple(_collect_offers(pm))
        offers = base
        if model is not None:

            def heuristics(slot: str) -> Skill | None:
                return next((o.skill for o in base if o.skill.slot == slot), None)

            found = _collect_model_offers(pm, model, heuristics, settings or ModelSkillSettings())
            if fallback:
                found = [_with_fallback(offer, heuristics(offer.skill.slot)) for offer in found]
            offers = (*found, *base)
        self._offers = offers

    def parsers(self) -> list[DocumentParser]:
        """The winning parser of each ``parser.*`` slot, in call order (third-party first).

        The pipeline asks them in this order and uses the first whose ``accepts`` is true.
        """
        winners: dict[str, Skill] = {}
        for offer in self._offers:
            if offer.skill.slot.startswith(PARSER_PREFIX):
                winners.setdefault(offer.skill.slot, offer.skill)
        return [cast(DocumentParser, skill) for skill in winners.values()]

    def mapper(self) -> DomainMapper:
        return cast(DomainMapper, self.skill(MAPPING_SLOT))

    def structurer(self) -> ContentStructurer:
        return cast(ContentStructurer, self.skill(STRUCTURING_SLOT))

    def designer(self) -> DesignSkill:
        return cast(DesignSkill, self.skill(DESIGN_SLOT))

    def conversation(self) -> ConversationSkill | None:
        found = next((o.skill for o in self._offers if o.skill.slot == CONVERSATION_SLOT), None)
        return cast(ConversationSkill | None, found)

    def skill(self, slot: str) -> Skill:
        """The winning skill of ``slot``; raises MissingSkill when no plugin fills it."""
        for offer in self._offers:
            if offer.skill.slot == slot:
                return offer.skill
        raise MissingSkill(f"No installed plugin provides a skill for the slot '{slot}'.")

    def describe(self) -> list[SlotReport]:
        """Every filled slot (parsers by name, then the pipeline slots in pipeline order)."""
        by_slot: dict[str, list[_Offer]] = {}
        for offer in self._offers:
            by_slot.setdefault(offer.skill.slot, []).append(offer)
        order = sorted(s for s in by_slot if s.startswith(PARSER_PREFIX))
        order += [s for s in KNOWN_SLOTS if s in by_slot]
        return [
            SlotReport(
                slot=slot,
                implementations=tuple((o.plugin, o.skill.name) for o in by_slot[slot]),
                winner=by_slot[slot][0].skill.name,
                winner_plugin=by_slot[slot][0].plugin,
                family=by_slot[slot][0].family or _family(by_slot[slot][0].plugin),
            )
            for slot in order
        ]


def _with_fallback(offer: _Offer, heuristic: Skill | None) -> _Offer:
    wrapper = FALLBACK_WRAPPERS.get(offer.skill.slot)
    if wrapper is None or heuristic is None:
        return offer
    skill = wrapper(offer.skill, heuristic)
    return _Offer(offer.plugin, skill, f"{_family(offer.plugin)} (offline fallback)")


def _collect_model_offers(
    pm: pluggy.PluginManager,
    model: LanguageModel,
    heuristics: Callable[[str], Skill | None],
    settings: ModelSkillSettings,
) -> list[_Offer]:
    """The skills of ``kirbygen_model_skills``, plugin by plugin in pluggy's call order."""
    offers: list[_Offer] = []
    for impl in reversed(pm.hook.kirbygen_model_skills.get_hookimpls()):
        if impl.wrapper or impl.hookwrapper:
            continue
        try:
            given = {"model": model, "heuristics": heuristics, "settings": settings}
            result = impl.function(**{name: given[name] for name in impl.argnames})
        except Exception as exc:
            raise InvalidPlugin(
                f"Plugin '{impl.plugin_name}' failed in kirbygen_model_skills: {exc}"
            ) from exc
        for skill in cast(list[Skill], result or []):
            _check_skill(impl.plugin_name, skill)
            offers.append(_Offer(plugin=impl.plugin_name, skill=skill))
    return offers


def _collect_offers(pm: pluggy.PluginManager) -> Iterable[_Offer]:
    """Call each plugin's ``kirbygen_skills`` on its own, in pluggy's call order.

    Calling the implementations one by one (rather than through ``pm.hook``) is what lets an
    invalid result be blamed on the plugin that returned it. Wrappers add no skills of their
    own and are skipped.
    """
    impls = pm.hook.kirbygen_skills.get_hookimpls()
    for impl in reversed(impls):
        if impl.wrapper or impl.hookwrapper:
            continue
        try:
            result = impl.function()
        except Exception as exc:
            raise InvalidPlugin(
                f"Plugin '{impl.plugin_name}' failed in kirbygen_skills: {exc}"
            ) from exc
        if result is None:
            continue
        if not isinstance(result, list | tuple):
            raise InvalidPlugin(
                f"Plugin '{impl.plugin_name}' returned {type(result).__name__} from "
                "kirbygen_skills; expected a list of skills."
            )
        for skill in result:
            _check_skill(impl.plugin_name, skill)
            yield _Offer(plugin=impl.plugin_name, skill=skill)


def _check_skill(plugin: str, skill: object) -> None:
    def fail(problem: str) -> InvalidPlugin:
        return InvalidPlugin(f"Plugin '{plugin}' offered an invalid skill {skill!r}: {problem}")

    slot = getattr(skill, "slot", None)
    name = getattr(skill, "name", None)
    if not isinstance(slot, str) or not slot:
        raise fail("it has no 'slot' string.")
    if not isinstance(name, str) or not name:
        raise fail("it has no 'name' string.")
    if slot.startswith(PARSER_PREFIX):
        if not PARSER_SLOT.match(slot):
            raise fail(f"parser slot '{slot}' must look like 'parser.<format>' (lower case).")
        family = "parser"
        media_types = getattr(skill, "media_types", None)
        if not isinstance(media_types, set | frozenset | tuple | list) or not all(
            isinstance(m, str) for m in media_types
        ):
            raise fail("a parser needs 'media_types', a set of media type strings.")
    elif slot in KNOWN_SLOTS:
        family = slot
    else:
        known = ", ".join(("parser.<format>", *KNOWN_SLOTS))
        raise fail(f"unknown slot '{slot}' (known slots: {known}).")
    for method in _REQUIRED_METHODS[family]:
        if not callable(getattr(skill, method, None)):
            raise fail(f"a '{slot}' skill needs a '{method}' method.")
