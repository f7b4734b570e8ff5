"""An owner's edit made through Kirby's own API (as the Panel saves it) survives regeneration.

For every field type of the all-31-types site, ``$page->update()`` as an impersonated user
writes the content file; our reader must read it, regeneration from the unchanged material
must keep the edit, and Kirby must read the edited value back after that.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adapters.cms.kirby.naming import stable_uuid
from adapters.cms.kirby.txt import decode
from tests.e2e.kirby.conftest import all_types_spec, write_spec
from tests.support.real_kirby import install_site, run_probe

pytestmark = pytest.mark.slow

PAGE = "projects/rebrand"
CONTENT = "content/1_projects/1_rebrand/project.txt"
# Kirby field type → (field, value as the Panel submits it, value a template then reads).
EDITS: dict[str, tuple[str, object, object]] = {
    "text": ("subtitle", "A new subtitle", "A new subtitle"),
    "textarea (plain)": ("summary", "First line\nSecond line", "First line\nSecond line"),
    "textarea (markdown)": ("story", "## Approach\n\nNew *story*.", "## Approach\n\nNew *story*."),
    "textarea (code)": ("code", "x = 1", "x = 1"),
    "number": ("budget", 48.5, 48.5),
    "range": ("rating", 3, 3.0),
    "toggle": ("featured", False, False),
    "select": ("discipline", "print", "print"),
    "multiselect": ("media", ["video"], ["video"]),
    "radio": ("size", "s", "s"),
    "checkboxes": ("services", ["build"], ["build"]),
    "date": ("launched", "2025-02-03", "2025-02-03"),
    "time": ("opening_time", "09:15:00", "09:15:00"),
    "date with time": ("updated_at", "2025-02-03 09:15:00", "2025-02-03 09:15:00"),
    "files (image)": ("cover", ["g2.png"], ["g2.png"]),
    "files (gallery)": ("images", ["g1.png"], ["g1.png"]),
    "files": ("downloads", ["brief.pdf"], ["brief.pdf"]),
    "entries": ("highlights", ["Only one"], ["Only one"]),
    "structure": ("team", [{"name": "Cy", "active": True}], [{"name": "Cy", "active": "true"}]),
    "blocks": (
        "body",
        [{"type": "heading", "content": {"level": "h3", "text": "New"}}],
        [{"type": "heading", "content": {"level": "h3", "text": "New"}}],
    ),
    "textarea (json)": ("metadata", '{"client": "Other"}', '{"client": "Other"}'),
    "pages": (
        "related",
        [f"page://{stable_uuid('page', 'p3')}"],
        [stable_uuid("page", "p3")],
    ),
    "url": ("url", "https://example.org/new", "https://example.org/new"),
    "email": ("email", "new@example.org", "new@example.org"),
    "tel": ("phone", "+41 44 000 00 00", "+41 44 000 00 00"),
    "color": ("accent", "#00aa55", "#00aa55"),
    "object": ("place", {"lat": 47.37, "lng": 8.54}, {"lat": 47.37, "lng": 8.54}),
    "tags": ("keywords", ["editorial"], ["editorial"]),
}


def _comparable(value: object) -> object:
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in {"id", "isHidden"}}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _matches(read: object, expected: object) -> bool:
    """Equal, where a structure row may hold more (empty) keys than were submitted."""
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        return isinstance(read, list) and all(
            {k: _comparable(row.get(k)) for k in want} == _comparable(want)
            for row, want in zip(read, expected, strict=True)
        )
    return _comparable(read) == _comparable(expected)


def _typed(site: Path) -> dict[str, object]:
    inspection = run_probe(site, "inspect")
    page = next(p for p in inspection["pages"] if p["id"] == PAGE)
    return dict(page["typed"])


def test_panel_edits_of_every_field_type_survive_regeneration(
    kirby_core: Path, tmp_path: Path
) -> None:
    spec = all_types_spec()
    site = write_spec(spec, tmp_path / "site")
    before = decode((site / CONTENT).read_text(encoding="utf-8"))
    installed = install_site(site, tmp_path / "installed")

    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps({PAGE: {field: value for field, value, _ in EDITS.values()}}))
    run_probe(installed, "update", str(edits))

    # Our reader reads what Kirby wrote, and every edited field changed.
    shutil.copy(installed / CONTENT, site / CONTENT)
    after = decode((site / CONTENT).read_text(encoding="utf-8"))
    unchanged = [
        kind for kind, (field, _, _) in EDITS.items() if after.get(field) == before.get(field)
    ]
    assert unchanged == []

    # Regenerating from the same material keeps every edit, byte for byte per field.
    write_spec(spec, site)
    regenerated = decode((site / CONTENT).read_text(encoding="utf-8"))
    lost = {f: (after.get(f), regenerated.get(f)) for f in after if regenerated.get(f) != after[f]}
    assert lost == {}

    # And Kirby reads the edited values from the regenerated site.
    shutil.rmtree(installed)
    read = _typed(install_site(site, installed))
    wrong = {
        kind: (read.get(field), expected)
        for kind, (field, _, expected) in EDITS.items()
        if not _matches(read.get(field), expected)
    }
    assert wrong == {}
