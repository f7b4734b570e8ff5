"""A third-party plugin installed through a real `kirbygen` entry point replaces a built-in
skill, and `kirbygen plugins` shows it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from adapters.cms.kirby.txt import decode
from tests.e2e.conftest import EXAMPLE, ROOT, Kirbygen

pytestmark = pytest.mark.slow

PLUGIN_SOURCE = ROOT / "tests" / "fixtures" / "plugins"


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    """A PYTHONPATH on which the `kirbygen_shout` distribution is installed, entry point and all."""
    site = tmp_path / "site-packages"
    dist_info = site / "kirbygen_shout-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kirbygen-shout\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text("[kirbygen]\nshout = kirbygen_shout\n")
    paths = [str(site), str(PLUGIN_SOURCE), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def test_plugins_lists_the_installed_plugin_as_the_winner(
    kirbygen: Kirbygen, plugin_env: dict[str, str]
) -> None:
    result = kirbygen("plugins", "--json", env=plugin_env)
    assert result.returncode == 0, result.stderr
    slots = {s["slot"]: s for s in json.loads(result.stdout)}
    text = slots["parser.text"]
    assert text["winner"] == "shout-text"
    assert {skill for _plugin, skill in text["implementations"]} >= {"shout-text", "text"}

    listing = kirbygen("plugins", env=plugin_env).stdout
    assert "* shout-text" in listing


def test_without_the_plugin_the_built_in_skill_wins(kirbygen: Kirbygen) -> None:
    result = kirbygen("plugins", "--json")
    slots = {s["slot"]: s for s in json.loads(result.stdout)}
    assert slots["parser.text"]["winner"] == "text"


def test_the_replacing_skill_is_the_one_generation_uses(
    tmp_path: Path, kirbygen: Kirbygen, plugin_env: dict[str, str]
) -> None:
    result = kirbygen("generate", EXAMPLE, "--out", tmp_path / "out", env=plugin_env)
    assert result.returncode == 0, result.stderr
    pages = [
        decode(p.read_text(encoding="utf-8"))
        for p in (tmp_path / "out" / "content").rglob("*.txt")
        if "." not in p.name.removesuffix(".txt")
    ]
    # contact.txt is plain text: its prose arrives upper-cased through the plugin's parser.
    assert any("I TAKE ON COMMISSIONS" in v for page in pages for v in page.values())
