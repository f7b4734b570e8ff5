"""Reading a folder of material: what is read, what is skipped, what is refused and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.local.material import MaterialLimits, read_material
from domain.documents import RejectionCode
from domain.errors import InvalidInput


def make_material(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "about.md").write_text("# About\n")
    (root / "notes" / "a.txt").write_text("A\n")
    (root / ".hidden.md").write_text("secret\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    return root


def test_reads_every_visible_file_with_its_relative_name(tmp_path: Path) -> None:
    material = read_material(make_material(tmp_path / "m"), MaterialLimits())
    assert [s.name for s in material.sources] == ["about.md", "notes/a.txt"]
    assert material.sources[0].data == b"# About\n"
    assert material.rejected == ()


def test_an_unreadable_file_is_reported_and_the_others_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_material(tmp_path / "m")
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", failing_open)
    material = read_material(root, MaterialLimits())
    assert [s.name for s in material.sources] == ["about.md"]
    (rejected,) = material.rejected
    assert (rejected.name, rejected.code, rejected.reason) == (
        "notes/a.txt",
        RejectionCode.UNREADABLE,
        "Permission denied",
    )


def test_limits_are_named_in_the_rejection(tmp_path: Path) -> None:
    root = make_material(tmp_path / "m")
    (root / "big.txt").write_bytes(b"x" * 101)
    material = read_material(root, MaterialLimits(max_file_bytes=100, max_files=2))
    reasons = {r.name: r.reason for r in material.rejected}
    assert "max_file_bytes=100" in reasons["big.txt"]
    assert "max_files=2" in reasons["notes/a.txt"]
    assert [s.name for s in material.sources] == ["about.md"]


@pytest.mark.parametrize("case", ["missing", "empty", "only-hidden"])
def test_a_source_without_material_is_refused_with_a_clear_message(
    tmp_path: Path, case: str
) -> None:
    root = tmp_path / "m"
    if case != "missing":
        root.mkdir()
    if case == "only-hidden":
        (root / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(InvalidInput, match=str(root)):
        read_material(root, MaterialLimits())
