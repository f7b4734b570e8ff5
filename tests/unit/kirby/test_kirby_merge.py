"""Three-way merge of Kirby content files: field by field, owner first, conflicts reported."""

from __future__ import annotations

from adapters.cms.kirby.merge import WHOLE_FILE, KirbyContentMerger
from adapters.cms.kirby.txt import decode, encode
from domain.hand_edits import FieldConflict, MergedFile

PATH = "content/1_projects/1_a/project.txt"
BASE = {"title": "Lamps", "year": "2022", "client": "Port", "text": "Thin porcelain.", "uuid": "u1"}


def txt(fields: dict[str, str]) -> bytes:
    return encode(list(fields.items())).encode()


def merge(
    owner: dict[str, str], generated: dict[str, str], base: dict[str, str] | None = BASE
) -> MergedFile:
    return KirbyContentMerger().merge(
        PATH, None if base is None else txt(base), txt(owner), txt(generated)
    )


def test_only_content_files_are_merged() -> None:
    merger = KirbyContentMerger()
    assert merger.is_mergeable("content/about/about.txt")
    assert merger.is_mergeable("content/about/photo.jpg.txt")  # alt text is an edit too
    assert not merger.is_mergeable("content/about/photo.jpg")
    assert not merger.is_mergeable("site/blueprints/pages/about.yml")


def test_owner_changes_and_generator_changes_to_other_fields_both_arrive() -> None:
    owner = {**BASE, "title": "Harbour Lamps"}
    generated = {**BASE, "year": "2023"}
    result = merge(owner, generated)
    assert decode(result.data.decode()) == {**BASE, "title": "Harbour Lamps", "year": "2023"}
    assert result.conflicts == ()
    assert result.owner_edited
    assert result.base == txt(generated)  # nothing in dispute: the base is the generation


def test_a_field_changed_on_both_sides_keeps_the_owner_value_and_is_reported() -> None:
    result = merge({**BASE, "client": "Mine"}, {**BASE, "client": "Source"})
    assert decode(result.data.decode())["client"] == "Mine"
    assert result.conflicts == (
        FieldConflict(path=PATH, field="client", owner="Mine", generated="Source"),
    )
    # The base keeps the old value, so the next run still sees the dispute.
    assert decode(result.base.decode())["client"] == "Port"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    result = merge({**BASE, "client": "Same"}, {**BASE, "client": "Same"})
    assert result.conflicts == ()
    assert result.data == txt({**BASE, "client": "Same"})


def test_fields_the_owner_added_or_removed_stay_that_way() -> None:
    owner = {k: v for k, v in BASE.items() if k != "text"} | {"seo": "Lamps for ferries"}
    result = merge(owner, {**BASE, "year": "2024"})
    fields = decode(result.data.decode())
    assert "text" not in fields
    assert fields["seo"] == "Lamps for ferries"
    assert fields["year"] == "2024"


def test_removing_a_field_the_generator_changed_is_a_conflict() -> None:
    owner = {k: v for k, v in BASE.items() if k != "text"}
    result = merge(owner, {**BASE, "text": "New text."})
    assert "text" not in decode(result.data.decode())
    assert result.conflicts == (
        FieldConflict(path=PATH, field="text", owner="", generated="New text."),
    )


def test_a_field_the_generator_dropped_goes_unless_the_owner_edited_it() -> None:
    generated = {k: v for k, v in BASE.items() if k not in ("client", "year")}
    result = merge({**BASE, "year": "1999"}, generated)
    fields = decode(result.data.decode())
    assert "client" not in fields  # untouched by the owner: removed with the generation
    assert [c.field for c in result.conflicts] == ["year"]
    assert fields["year"] == "1999"


def test_panel_formatting_is_not_an_edit() -> None:
    # Kirby's Panel may write keys in another case, add empty fields and other spacing.
    panel = (
        b"TITLE:   Lamps\n----\nYear: 2022\n----\nClient: Port\n----\n"
        b"Text:\n\nThin porcelain.\n\n----\nSubtitle:\n----\nUuid: u1\n"
    )
    generated = txt({**BASE, "year": "2023"})
    result = KirbyContentMerger().merge(PATH, txt(BASE), panel, generated)
    assert result.data == generated
    assert not result.owner_edited
    assert result.conflicts == ()


def test_without_a_base_every_difference_is_a_conflict_and_the_owner_wins() -> None:
    owner = {"title": "Hand made", "text": "Mine."}
    result = merge(owner, {**BASE}, base=None)
    fields = decode(result.data.decode())
    assert fields["title"] == "Hand made" and fields["text"] == "Mine."
    assert fields["year"] == "2022"  # only generated: added
    assert {c.field for c in result.conflicts} == {"title", "text"}


def test_a_file_that_is_not_utf8_is_kept_whole_and_reported() -> None:
    owner = b"Title: \xff\xfe broken\n"
    result = KirbyContentMerger().merge(PATH, txt(BASE), owner, txt(BASE))
    assert result.data == owner
    [conflict] = result.conflicts
    assert conflict.field == WHOLE_FILE and "UTF-8" in conflict.owner


def test_values_with_separators_survive_a_merge() -> None:
    tricky = "line\n----\nKey: not a key\n\u00e9t\u00e9"
    result = merge({**BASE, "text": tricky}, {**BASE, "year": "2030"})
    fields = decode(result.data.decode())
    assert fields["text"] == tricky and fields["year"] == "2030"
