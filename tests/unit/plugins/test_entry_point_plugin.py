"""A plugin installed through a real ``kirbygen`` entry point replaces a built-in skill."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.documents import BlockKind, IngestLimits, SourceFile
from plugins.errors import InvalidPlugin
from plugins.manager import PluginSkillRegistry, build_plugin_manager

FIXTURE_PLUGINS = Path(__file__).resolve().parents[2] / "fixtures" / "plugins"


def install(site: Path, distribution: str, entry_points: str) -> None:
    """What pip leaves behind for a distribution: a dist-info folder with its entry points."""
    dist_info = site / f"{distribution.replace('-', '_')}-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(f"[kirbygen]\n{entry_points}\n", encoding="utf-8")


@pytest.fixture
def shout_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    install(tmp_path, "kirbygen-shout", "shout = kirbygen_shout")
    monkeypatch.syspath_prepend(str(FIXTURE_PLUGINS))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in [m for m in sys.modules if m.split(".")[0] == "kirbygen_shout"]:
        del sys.modules[name]


@pytest.mark.usefixtures("shout_installed")
def test_entry_point_plugin_wins_the_text_parser_slot() -> None:
    pm = build_plugin_manager()
    registry = PluginSkillRegistry(pm)
    report = next(r for r in registry.describe() if r.slot == "parser.text")
    assert report.winner == "shout-text"
    assert report.winner_plugin == "shout"
    assert report.implementations == (
        ("shout", "shout-text"),
        ("plugins.offline.parsers.text", "text"),
    )
    [(_, dist)] = [(p, d) for p, d in pm.list_plugin_distinfo() if pm.get_name(p) == "shout"]
    assert dist.project_name == "kirbygen-shout"

    text_parser = next(p for p in registry.parsers() if p.slot == "parser.text")
    document = text_parser.parse(
        SourceFile(name="a.txt", data=b"quiet words\n\nKey: calm\n"), IngestLimits()
    )
    assert [(b.kind, b.text) for b in document.blocks] == [
        (BlockKind.PARAGRAPH, "QUIET WORDS"),
        (BlockKind.KEY_VALUE, "calm"),
    ]


@pytest.mark.usefixtures("shout_installed")
def test_entry_points_are_not_loaded_when_asked_not_to() -> None:
    registry = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))
    report = next(r for r in registry.describe() if r.slot == "parser.text")
    assert report.winner == "text"
    assert "kirbygen_shout" not in sys.modules


def test_a_plugin_that_cannot_be_imported_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "kirbygen-broken", "broken = kirbygen_module_that_does_not_exist")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InvalidPlugin, match=r"'broken'.*could not be loaded"):
        build_plugin_manager()
