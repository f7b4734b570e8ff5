from __future__ import annotations

import pytest

from domain.schema import Choice, Field, FieldOptions, FieldType
from plugins.offline.naming import humanise, plural, singular, slugify, snake_case
from plugins.offline.values import classify, combine, convert, convert_noted, written_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021", FieldType.NUMBER),
        ("12.5", FieldType.NUMBER),
        ("1,250,000", FieldType.NUMBER),
        (2021, FieldType.NUMBER),
        (True, FieldType.BOOLEAN),
        ("2021-09-14", FieldType.DATE),
        ("2021-02-30", FieldType.TEXT),
        ("2021-09-14 18:30", FieldType.DATETIME),
        ("https://example.com/a?b=c", FieldType.URL),
        ("www.example.com", FieldType.URL),
        ("ana@example.com", FieldType.EMAIL),
        ("+49 30 1234 5678", FieldType.TEL),
        ("(030) 123-4567", FieldType.TEL),
        ("0301234567", FieldType.TEL),
        ("2019-2021", FieldType.TEXT),
        ("#1e40af", FieldType.COLOR),
        ("images/hero.JPG", FieldType.IMAGE),
        (["a.jpg", "b.webp"], FieldType.GALLERY),
        ("https://x.example/a.jpg", FieldType.URL),
        ("Rhino, V-Ray, Timber", FieldType.TAGS),
        (["drawing", "modelling"], FieldType.TAGS),
        ("We met, and then we talked for a long time about everything.", FieldType.TEXT),
        ("x" * 81, FieldType.TEXTAREA),
        ("City of Hamburg", FieldType.TEXT),
        ("Kvarnbygatan 14, 431 34 Mölndal", FieldType.TEXT),
        ("3D printing, CNC", FieldType.TAGS),
        ({"nested": "map"}, None),
        ([{"nested": "map"}], None),
        ("   ", None),
    ],
)
def test_classify(value: object, expected: FieldType | None) -> None:
    assert classify(value) == expected


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ([FieldType.NUMBER, FieldType.NUMBER], FieldType.NUMBER),
        ([FieldType.TEXT, FieldType.TAGS], FieldType.TAGS),
        ([FieldType.TEXT, FieldType.TEXTAREA], FieldType.TEXTAREA),
        ([FieldType.NUMBER, FieldType.TEXT], FieldType.TEXT),
        ([FieldType.DATE, FieldType.NUMBER], FieldType.TEXT),
        ([FieldType.URL, FieldType.TEXTAREA], FieldType.TEXTAREA),
        ([FieldType.IMAGE, FieldType.GALLERY], FieldType.GALLERY),
    ],
)
def test_combine(types: list[FieldType], expected: FieldType) -> None:
    assert combine(types) == expected


def field(kind: FieldType, *choices: str) -> Field:
    options = FieldOptions(choices=tuple(Choice(value=c.lower(), label=c) for c in choices))
    return Field(id="f", label="F", type=kind, options=options)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        ("2021", field(FieldType.NUMBER), 2021),
        ("1,250.5", field(FieldType.NUMBER), 1250.5),
        ("about 12", field(FieldType.NUMBER), None),
        (2021, field(FieldType.TEXT), "2021"),
        (["a", "b"], field(FieldType.TEXT), "a, b"),
        ("a, b ,, c", field(FieldType.TAGS), ["a", "b", "c"]),
        ("solo", field(FieldType.TAGS), ["solo"]),
        ("2021-09-14", field(FieldType.DATE), "2021-09-14"),
        ("2021", field(FieldType.DATE), None),
        ("2021-09-14T18:30", field(FieldType.DATETIME), "2021-09-14 18:30:00"),
        ("9:05", field(FieldType.TIME), "09:05"),
        ("www.x.example", field(FieldType.URL), "https://www.x.example"),
        ("not a url", field(FieldType.URL), None),
        ("a@b.example", field(FieldType.EMAIL), "a@b.example"),
        ("+49 30 123456", field(FieldType.TEL), "+49 30 123456"),
        ("#FA0", field(FieldType.COLOR), "#ffaa00"),
        ("yes", field(FieldType.BOOLEAN), True),
        (False, field(FieldType.BOOLEAN), False),
        ("Built", field(FieldType.SELECT, "Built", "Planned"), "built"),
        ("unknown", field(FieldType.SELECT, "Built"), None),
        ("Red, Green", field(FieldType.MULTISELECT, "Red", "Blue"), ["red"]),
        (["a.jpg", "b.jpg"], field(FieldType.IMAGE), "a.jpg"),
        ("a.jpg", field(FieldType.GALLERY), ["a.jpg"]),
        ({"k": 1}, field(FieldType.JSON), {"k": 1}),
        ("anything", field(FieldType.STRUCTURE), None),
    ],
)
def test_convert_gives_the_documented_value_shape(
    value: object, target: Field, expected: object
) -> None:
    assert convert(value, target) == expected


@pytest.mark.parametrize(
    ("word", "one", "many"),
    [
        ("projects", "project", "projects"),
        ("case-studies", "case-study", "case-studies"),
        ("boxes", "box", "boxes"),
        ("news", "news", "news"),
        ("people", "person", "people"),
        ("analysis", "analysis", ""),
        ("photos", "photo", "photos"),
    ],
)
def test_singular_and_plural(word: str, one: str, many: str) -> None:
    assert singular(word) == one
    if many:
        assert plural(one) == many


def test_slugs_ids_and_labels() -> None:
    assert slugify("Café Müller — 2") == "cafe-muller-2"
    assert snake_case("Client name (main)") == "client_name_main"
    assert snake_case("Größe") == "grosse"
    assert humanise("client_name") == "Client name"
    assert humanise("URL") == "URL"


@pytest.mark.parametrize(
    ("written", "iso", "noted"),
    [
        ("12 March 2025", "2025-03-12", ""),
        ("March 12, 2025", "2025-03-12", ""),
        ("2025-03-12", "2025-03-12", ""),
        ("March 2025", "2025-03-01", "only the month"),
        ("12/03/2025", "2025-03-12", "ambiguous"),
        ("25/03/2025", "2025-03-25", ""),
        ("03/25/2025", "2025-03-25", "month/day"),
        ("12.03.2025", "2025-03-12", "ambiguous"),
    ],
)
def test_dates_in_their_common_written_forms(written: str, iso: str, noted: str) -> None:
    found = written_date(written)
    assert found is not None and found.iso == iso
    assert noted in found.note and bool(noted) == bool(found.note)
    assert classify(written) is FieldType.DATE


@pytest.mark.parametrize("written", ["€18", "NOK 185", "85 EUR", "12,50 €", "1 h 30 min", "2 days"])
def test_prices_and_durations_are_recognised_and_kept_as_written(written: str) -> None:
    assert classify(written) is FieldType.TEXT


def test_a_value_that_does_not_fit_the_field_most_values_fit_is_not_its_type() -> None:
    assert combine([FieldType.NUMBER, FieldType.NUMBER, FieldType.TEXT]) is FieldType.NUMBER
    assert combine([FieldType.NUMBER, FieldType.TEXT]) is FieldType.TEXT
    noted = convert_noted("12 March 2025", Field(id="d", label="D", type=FieldType.DATE))
    assert (noted.value, noted.note) == (
        "2025-03-12",
        "a date written in words, stored as YYYY-MM-DD",
    )
    assert convert_noted("soon", Field(id="y", label="Y", type=FieldType.NUMBER)).value is None
