"""Hostile documents cost bounded memory: the DOCX flood (69 KB holding 45 MiB of empty
paragraphs, which took a server from 104 to 807 MiB) and every other bomb of the test corpus
grow the resident memory of the process tree by less than 64 MiB, and are refused by name.

Each file is ingested in a fresh process (``xml_bomb_probe``), so what earlier tests allocated
does not hide or inflate the figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.plugins.xml_bombs import corpus

ROOT = Path(__file__).resolve().parents[3]
MAX_GROWTH_KIB = 64 * 1024
EXPECTED_LIMIT = {
    "flood.docx": "max_xml_elements",
    "one-paragraph.docx": "elements",
    "deep.docx": "max_xml_depth",
    "flood.svg": "max_xml_elements",
}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = subprocess.run(
        [sys.executable, "-m", "tests.unit.plugins.xml_bomb_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    return {entry["name"]: entry for entry in json.loads(probe.stdout)}


@pytest.mark.parametrize("name", sorted(corpus()))
def test_a_bomb_grows_the_process_tree_by_less_than_64_mib(
    measured: dict[str, dict[str, Any]], name: str
) -> None:
    entry = measured[name]
    assert entry["growth_kib"] < MAX_GROWTH_KIB, entry
    if name in EXPECTED_LIMIT:
        assert len(entry["rejected"]) == 1, entry
        assert EXPECTED_LIMIT[name] in entry["rejected"][0][1], entry
