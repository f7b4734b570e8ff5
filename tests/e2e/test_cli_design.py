"""`kirbygen generate --moodboard … --logo …`: the tokens are valid DTCG and name their sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import EXAMPLE, Kirbygen
from tests.unit.plugins.sample_files import blocks_image

pytestmark = pytest.mark.slow

# The token types of the DTCG format (Design Tokens Community Group, 2025.10).
DTCG_TYPES = {
    "color", "dimension", "fontFamily", "fontWeight", "duration", "cubicBezier", "number",
    "strokeStyle", "border", "transition", "shadow", "gradient", "typography",
}  # fmt: skip


def walk(tree: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    for key, node in tree.items():
        if key.startswith("$"):
            continue
        assert isinstance(node, dict), f"{path}{key} is neither a group nor a token"
        if "$value" in node:
            found.append((f"{path}{key}", node))
        else:
            found.extend(walk(node, f"{path}{key}."))
    return found


def test_tokens_from_moodboard_and_logo_are_valid_dtcg_with_sources(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    blocks_image([("#1e40af", 0.5), ("#e11d48", 0.3), ("#f5f0e6", 0.2)]).save(tmp_path / "mood.png")
    blocks_image([("#0f766e", 1.0)]).save(tmp_path / "mood2.jpg", quality=90)
    Image.new("RGB", (120, 60), "#b4532a").save(tmp_path / "logo.png")
    result = kirbygen(
        "generate", EXAMPLE, "--out", tmp_path / "site",
        "--moodboard", tmp_path / "mood.png", "--moodboard", tmp_path / "mood2.jpg",
        "--logo", tmp_path / "logo.png", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tokens = json.loads((tmp_path / "site" / ".kirbygen" / "tokens.json").read_text())
    found = walk(tokens)
    assert found
    for path, token in found:
        assert token["$type"] in DTCG_TYPES, path
        if token["$type"] == "color":
            source = token["$extensions"]["kirbygen"]["source"]
            assert isinstance(source, str) and source, path
    sources = {t["$extensions"]["kirbygen"]["source"] for _, t in found if t["$type"] == "color"}
    assert "logo (share 1.00)" in sources
    assert any(s.startswith("moodboard image mood.png (share") for s in sources)
    assert tokens["color"]["primary"]["500"]["$extensions"]["kirbygen"]["source"].startswith("logo")


@pytest.mark.parametrize("option", ["--moodboard", "--logo"])
def test_a_missing_brand_image_is_a_usage_error(
    kirbygen: Kirbygen, tmp_path: Path, option: str
) -> None:
    result = kirbygen(
        "generate", EXAMPLE, "--out", tmp_path / "site", option, tmp_path / "nope.png"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"kirbygen: {option} {tmp_path / 'nope.png'}: no such file"]
    assert not (tmp_path / "site").exists()


def test_a_brand_image_that_is_not_an_image_is_a_usage_error(
    kirbygen: Kirbygen, tmp_path: Path
) -> None:
    (tmp_path / "logo.png").write_text("just text")
    result = kirbygen(
        "generate", EXAMPLE, "--out", tmp_path / "site", "--logo", tmp_path / "logo.png"
    )
    assert result.returncode == 2
    assert "not an image (its bytes look like text/plain)" in result.stderr
