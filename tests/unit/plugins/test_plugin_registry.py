from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from domain.documents import SourceFile
from domain.ports import Skill
from plugins import hookimpl, manager
from plugins.errors import InvalidPlugin, MissingSkill
from plugins.manager import DEFAULT_PLUGINS, PluginSkillRegistry, build_plugin_manager


class SkillsPlugin:
    """A plugin object whose hook returns whatever it was given."""

    def __init__(self, *skills: object) -> None:
        self.skills = list(skills)

    @hookimpl
    def kirbygen_skills(self) -> list[object]:
        return self.skills


class BetterMapper:
    slot = "mapping"
    name = "better-mapping"

    def map(self, documents: object, conversation: object, name: str) -> object:
        raise NotImplementedError


class RstParser:
    slot = "parser.rst"
    name = "rst"
    media_types = frozenset({"text/x-rst"})

    def accepts(self, source: SourceFile) -> bool:
        return source.name.endswith(".rst")

    def parse(self, source: SourceFile) -> object:
        raise NotImplementedError


# In the order the pipeline asks them: the later registered first.
BUILT_IN_PARSERS = [
    "parser.svg",
    "parser.image",
    "parser.pdf",
    "parser.docx",
    "parser.json",
    "parser.html",
    "parser.markdown",
    "parser.text",
]


def registry_with(*plugins: object) -> PluginSkillRegistry:
    pm = build_plugin_manager(load_entry_points=False)
    for index, plugin in enumerate(plugins):
        pm.register(plugin, name=f"extra-{index}")
    return PluginSkillRegistry(pm)


def test_built_in_plugins_fill_every_slot() -> None:
    registry = registry_with()
    assert [p.slot for p in registry.parsers()] == BUILT_IN_PARSERS
    assert registry.mapper().name == "offline-mapping"
    assert registry.structurer().name == "offline-structuring"
    assert registry.designer().name == "offline-design"
    reports = registry.describe()
    assert [r.slot for r in reports] == [
        *sorted(BUILT_IN_PARSERS),
        "mapping",
        "structuring",
        "design",
    ]
    # Without a language model the Claude plugins offer nothing.
    offline = {p for p in DEFAULT_PLUGINS if not p.startswith("plugins.claude.")}
    assert {r.winner_plugin for r in reports} == offline
    assert all(len(r.implementations) == 1 for r in reports)
    assert {r.family for r in reports} == {"offline"}
    assert registry.conversation() is None


def test_a_later_plugin_wins_its_slot_and_adds_new_parsers() -> None:
    registry = registry_with(SkillsPlugin(BetterMapper(), RstParser()))
    assert registry.mapper().name == "better-mapping"
    assert [p.slot for p in registry.parsers()] == ["parser.rst", *BUILT_IN_PARSERS]
    mapping = next(r for r in registry.describe() if r.slot == "mapping")
    assert mapping.winner == "better-mapping"
    assert mapping.winner_plugin == "extra-0"
    assert mapping.implementations == (
        ("extra-0", "better-mapping"),
        ("plugins.offline.mapping", "offline-mapping"),
    )


def test_a_missing_slot_is_a_clear_error() -> None:
    pm = build_plugin_manager(load_entry_points=False)
    pm.unregister(name="plugins.offline.design")
    registry = PluginSkillRegistry(pm)
    with pytest.raises(MissingSkill, match="'design'"):
        registry.designer()


def without(skill: object, attribute: str) -> SimpleNamespace:
    values = {
        name: getattr(skill, name)
        for name in ("slot", "name", "media_types", "accepts", "parse", "map")
        if hasattr(skill, name)
    }
    values.pop(attribute)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("skill", "problem"),
    [
        (without(BetterMapper(), "slot"), "no 'slot'"),
        (without(BetterMapper(), "name"), "no 'name'"),
        (without(BetterMapper(), "map"), "needs a 'map' method"),
        (without(RstParser(), "parse"), "needs a 'parse' method"),
        (without(RstParser(), "media_types"), "media_types"),
        (SimpleNamespace(slot="layout", name="x"), "unknown slot 'layout'"),
        (SimpleNamespace(slot="parser.Bad Name", name="x"), "parser.<format>"),
        ("not a skill", "no 'slot'"),
    ],
)
def test_invalid_skills_are_refused_naming_the_plugin(skill: object, problem: str) -> None:
    with pytest.raises(InvalidPlugin, match="extra-0") as caught:
        registry_with(SkillsPlugin(skill))
    assert problem in caught.value.message
    assert caught.value.code == "plugin_invalid"


def test_a_hook_that_fails_or_returns_a_non_list_is_blamed() -> None:
    class Broken:
        @hookimpl
        def kirbygen_skills(self) -> list[Skill]:
            raise RuntimeError("boom")

    class NotAList:
        @hookimpl
        def kirbygen_skills(self) -> object:
            return BetterMapper()

    with pytest.raises(InvalidPlugin, match=r"extra-0.*boom"):
        registry_with(Broken())
    with pytest.raises(InvalidPlugin, match=r"extra-0.*expected a list"):
        registry_with(NotAList())


def test_a_plugin_implementing_an_unknown_hook_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kirbygen_typo.py").write_text(
        "from plugins import hookimpl\n\n\n@hookimpl\ndef kirbygen_skill():\n    return []\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(manager, "DEFAULT_PLUGINS", [*DEFAULT_PLUGINS, "kirbygen_typo"])
    try:
        with pytest.raises(InvalidPlugin, match="kirbygen_typo"):
            build_plugin_manager(load_entry_points=False)
    finally:
        sys.modules.pop("kirbygen_typo", None)
