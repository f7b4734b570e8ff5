"""Regenerating into a folder keeps hand edits: whole-file rules, on the in-memory output."""

from __future__ import annotations

from pathlib import Path

from adapters.cms.kirby.merge import KirbyContentMerger
from adapters.cms.kirby.txt import decode, encode
from application.hand_edits import BASE_DIR, KeepHandEdits
from domain.hand_edits import HandEditReport
from domain.site import SiteFile
from tests.fakes import FakeSiteOutput

ROOT = Path("/site")
PAGE = "content/about/about.txt"
PHOTO = "content/about/photo.jpg"
PHOTO_META = "content/about/photo.jpg.txt"
OTHER = "content/contact/contact.txt"


def txt(**fields: str) -> bytes:
    return encode(list(fields.items())).encode()


def generation(about_text: str = "Hello.", *, with_contact: bool = True) -> list[SiteFile]:
    files = [
        SiteFile(PAGE, txt(title="About", text=about_text)),
        SiteFile(PHOTO, b"\xff\xd8jpeg"),
        SiteFile(PHOTO_META, txt(alt="Photo")),
        SiteFile("site/templates/about.php", b"<?php ?>"),
    ]
    if with_contact:
        files.append(SiteFile(OTHER, txt(title="Contact", email="a@b.example")))
    return files


class Site:
    def __init__(self) -> None:
        self.output = FakeSiteOutput()
        self.keep = KeepHandEdits(KirbyContentMerger(), self.output)

    def generate(self, files: list[SiteFile]) -> HandEditReport:
        prepared = self.keep(ROOT, files)
        self.output.write(ROOT, prepared.files)
        return prepared.report

    def read(self, path: str) -> dict[str, str] | None:
        data = self.output.read(ROOT, path)
        return None if data is None else decode(data.decode())

    def edit(self, path: str, **changes: str) -> None:
        fields = self.read(path) or {}
        fields.update(changes)
        self.output.add_foreign_file(ROOT, path, encode(list(fields.items())).encode())


def test_the_first_generation_is_written_as_is_with_a_copy_of_each_content_file() -> None:
    site = Site()
    report = site.generate(generation())
    assert report.empty
    assert site.output.read(ROOT, f"{BASE_DIR}/{PAGE}") == txt(title="About", text="Hello.")
    assert site.output.read(ROOT, f"{BASE_DIR}/{PHOTO}") is None  # media need no copy


def test_an_unedited_site_takes_the_new_generation() -> None:
    site = Site()
    site.generate(generation())
    report = site.generate(generation("Hello again."))
    assert report.empty
    assert site.read(PAGE) == {"title": "About", "text": "Hello again."}


def test_edits_survive_and_new_source_values_arrive() -> None:
    site = Site()
    site.generate(generation())
    site.edit(PAGE, title="About me")
    site.edit(PHOTO_META, alt="Mara at the wheel")
    report = site.generate(generation("New text from the source."))
    assert site.read(PAGE) == {"title": "About me", "text": "New text from the source."}
    assert site.read(PHOTO_META) == {"alt": "Mara at the wheel"}
    assert report.kept_edits == (PAGE, PHOTO_META)
    assert report.conflicts == ()


def test_a_conflict_is_reported_on_every_run_until_both_sides_agree() -> None:
    site = Site()
    site.generate(generation())
    site.edit(PAGE, text="Mine.")
    first = site.generate(generation("Theirs."))
    assert site.read(PAGE) == {"title": "About", "text": "Mine."}
    assert [(c.field, c.owner, c.generated) for c in first.conflicts] == [
        ("text", "Mine.", "Theirs.")
    ]
    writes = len(site.output.writes)
    assert site.generate(generation("Theirs.")) == first  # stable: same report, no writes
    assert len(site.output.writes) == writes
    site.edit(PAGE, text="Theirs.")  # the owner takes the generated value
    assert site.generate(generation("Theirs.")).empty


def test_a_page_the_owner_deleted_is_not_made_again() -> None:
    site = Site()
    site.generate(generation())
    for path in (PAGE, PHOTO, PHOTO_META):
        site.output.delete_file(ROOT, path)
    report = site.generate(generation("Changed in the source."))
    assert set(report.kept_deleted) == {PAGE, PHOTO_META}
    files = site.output.files(ROOT)
    assert PAGE not in files and PHOTO not in files and PHOTO_META not in files
    assert site.generate(generation("Changed in the source.")) == report  # still deleted


def test_a_page_the_source_dropped_goes_unless_the_owner_edited_it() -> None:
    site = Site()
    site.generate(generation())
    site.generate(generation(with_contact=False))
    assert site.read(OTHER) is None
    site.generate(generation())
    site.edit(OTHER, email="new@b.example")
    report = site.generate(generation(with_contact=False))
    assert report.kept_orphaned == (OTHER,)
    assert site.read(OTHER) == {"title": "Contact", "email": "new@b.example"}


def test_files_the_owner_added_are_never_touched() -> None:
    site = Site()
    site.generate(generation())
    site.output.add_foreign_file(ROOT, "content/notes/notes.txt", txt(title="Mine"))
    report = site.generate(generation("Again."))
    assert report.empty
    assert site.read("content/notes/notes.txt") == {"title": "Mine"}


def test_a_hand_made_file_where_a_page_is_now_generated_keeps_the_owner_values() -> None:
    site = Site()
    site.output.add_foreign_file(ROOT, PAGE, txt(title="My about", intro="Hi"))
    report = site.generate(generation())
    assert site.read(PAGE) == {"title": "My about", "text": "Hello.", "intro": "Hi"}
    assert [c.field for c in report.conflicts] == ["title"]
