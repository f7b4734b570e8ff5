"""Regenerating through the real command keeps the owner's edits of the content files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adapters.cms.kirby.txt import decode, encode
from tests.e2e.conftest import EXAMPLE, Kirbygen
from tests.support.real_kirby import judge_site, require_real_kirby

pytestmark = pytest.mark.slow

LAMPS = "content/1_projects/2_harbour-lamps/project.txt"
CUPS = "content/1_projects/3_open-studio-cups/project.txt"


def read(site: Path, path: str) -> dict[str, str]:
    return decode((site / path).read_text(encoding="utf-8"))


def edit(site: Path, path: str, **changes: str) -> None:
    fields = read(site, path)
    fields.update(changes)
    (site / path).write_text(encode(list(fields.items())), encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_survive_source_changes_arrive_and_conflicts_are_reported(
    tmp_path: Path, kirbygen: Kirbygen
) -> None:
    material = tmp_path / "material"
    shutil.copytree(EXAMPLE, material)
    site = tmp_path / "site"
    args = ("generate", material, "--out", site, "--name", "Mara Lindqvist")
    assert kirbygen(*args).returncode == 0

    # The owner edits two pages, as in the Panel or a text editor.
    edit(site, LAMPS, title="Harbour Lights", client="Port of Gothenburg AB")
    edit(site, CUPS, role="Host")
    # The source changes a field nobody edited, and one the owner edited too.
    projects = material / "projects.md"
    replace(projects, "Year: 2022", "Year: 2020")
    replace(projects, "Client: Port of Gothenburg", "Client: Gothenburg Port Authority")

    result = kirbygen(*args)
    assert result.returncode == 0, result.stderr
    lamps = read(site, LAMPS)
    assert lamps["title"] == "Harbour Lights"  # the owner's edit survived
    assert lamps["year"] == "2020"  # the source change arrived
    assert lamps["client"] == "Port of Gothenburg AB"  # conflict: the owner's value kept
    assert read(site, CUPS)["role"] == "Host"

    report = json.loads((site / ".kirbygen/report.json").read_text())
    edits = report["hand_edits"]
    assert edits["conflicts"] == [
        {
            "path": LAMPS,
            "field": "client",
            "owner": "Port of Gothenburg AB",
            "generated": "Gothenburg Port Authority",
        }
    ]
    assert sorted(edits["kept_edits"]) == [LAMPS, CUPS]
    assert "conflicts (1)" in result.stdout
    assert f"{LAMPS}: client" in result.stdout

    # Nothing changed since: running again writes nothing and reports the same.
    again = kirbygen(*args, "--json")
    assert again.returncode == 0, again.stderr
    outcome = json.loads(again.stdout)
    assert outcome["files"]["written"] == []
    assert outcome["report"]["hand_edits"] == edits

    # Real Kirby serves the merged site: the owner's title is what visitors read.
    require_real_kirby()
    verdict = judge_site(site, tmp_path / "kirby")
    assert verdict.problems == []
    assert "Harbour Lights" in verdict.page("/projects/harbour-lamps").text


def test_a_page_the_owner_deleted_stays_deleted(tmp_path: Path, kirbygen: Kirbygen) -> None:
    site = tmp_path / "site"
    args = ("generate", EXAMPLE, "--out", site)
    assert kirbygen(*args).returncode == 0
    shutil.rmtree(site / "content/1_projects/3_open-studio-cups")
    result = kirbygen(*args, "--json")
    assert result.returncode == 0, result.stderr
    assert not (site / "content/1_projects/3_open-studio-cups").exists()
    kept_deleted = json.loads(result.stdout)["report"]["hand_edits"]["kept_deleted"]
    # The page's content file and the metadata of its image: nothing of the page comes back.
    assert kept_deleted == [
        "content/1_projects/3_open-studio-cups/open-studio-cups.jpg.txt",
        CUPS,
    ]
