"""The Kirby content-file codec: round trip, Kirby's quirks, and what the parser reports."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cms.kirby.txt import (
    content_key,
    decode,
    encode,
    normalise_key,
    normalise_value,
    parse,
)
from adapters.cms.kirby.yaml_text import dump_yaml

FIELD_IDS = st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,5}){0,2}", fullmatch=True)
# Lines that stress the format, mixed with arbitrary text.
TRICKY_LINES = st.sampled_from(
    ["----", "-----", "---- x", "\\----", "\\\\----", " ----", "Key: value", "Title:", "", " "]
)
# Nested data as structure and object fields store it: YAML of maps and lists, whose strings
# may themselves hold separators, keys and any Unicode.
YAML_SCALARS = st.one_of(
    st.text(), TRICKY_LINES, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()
)
NESTED = st.recursive(
    YAML_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(FIELD_IDS, inner, max_size=4)
    ),
    max_leaves=12,
)
VALUES = st.one_of(
    st.text(),
    st.just(""),
    st.lists(st.one_of(TRICKY_LINES, st.text()), max_size=6).map("\n".join),
    st.lists(st.one_of(TRICKY_LINES, st.text()), max_size=6).map("\r\n".join),
    st.lists(NESTED, max_size=4).map(dump_yaml),
)
FIELDS = st.dictionaries(FIELD_IDS, VALUES, max_size=6).map(lambda d: list(d.items()))
# The round trip is the contract every generated site relies on: hundreds of cases, always.
MANY = settings(max_examples=400, deadline=None)


@MANY
@given(FIELDS)
def test_decode_reads_back_what_encode_wrote(fields: list[tuple[str, str]]) -> None:
    assert decode(encode(fields)) == {key: normalise_value(value) for key, value in fields}


@MANY
@given(st.dictionaries(FIELD_IDS, st.lists(NESTED, min_size=1, max_size=4), max_size=4))
def test_nested_yaml_reads_back_as_the_same_data(data: dict[str, list[object]]) -> None:
    fields = [(key, dump_yaml(rows)) for key, rows in data.items()]
    decoded = decode(encode(fields))
    assert {key: yaml.safe_load(text) for key, text in decoded.items()} == data


@MANY
@given(FIELDS)
def test_normalised_values_survive_unchanged(fields: list[tuple[str, str]]) -> None:
    normal = [(key, normalise_value(value)) for key, value in fields]
    assert decode(encode(normal)) == dict(normal)


@given(VALUES)
def test_normalising_twice_changes_nothing(value: str) -> None:
    assert normalise_value(normalise_value(value)) == normalise_value(value)


@MANY
@given(FIELDS)
def test_written_files_have_no_unescaped_separator(fields: list[tuple[str, str]]) -> None:
    parsed = parse(encode(fields))
    assert parsed.bad_separators == ()
    assert parsed.orphan_chunks == ()
    assert parsed.duplicate_keys == ()


def test_layout_follows_kirby() -> None:
    text = encode([("title", "Hello"), ("cover_image", "- a.jpg\n"), ("text", "one\ntwo")])
    assert text == (
        "Title: Hello\n\n----\n\nCover_image:\n\n- a.jpg\n\n----\n\nText:\n\none\ntwo\n"
    )


def test_a_value_line_starting_with_four_dashes_is_escaped() -> None:
    text = encode([("text", "before\n----\n----- more\nafter")])
    assert "\n\\----\n\\----- more\n" in text
    assert decode(text) == {"text": "before\n----\n----- more\nafter"}


def test_kirby_strips_only_php_whitespace() -> None:
    assert normalise_value("  \t text \n\n") == "text"
    # PHP's trim() leaves non-breaking and other Unicode spaces alone.
    assert normalise_value("\u00a0text\u2003") == "\u00a0text\u2003"
    assert normalise_value("a\ufeffb") == "ab"


def test_a_literal_backslash_divider_cannot_be_kept() -> None:
    # Kirby unescapes "\----" at a line start on reading; there is no escape for the escape.
    assert normalise_value("\\----") == "----"
    assert decode(encode([("text", "\\----")])) == {"text": "----"}


def test_keys_are_read_case_insensitively_with_dashes_and_spaces_as_underscores() -> None:
    text = "Title: A\n----\nCover-Image: - a.jpg\n----\nSEO Title: B\n"
    assert decode(text) == {"title": "A", "cover_image": "- a.jpg", "seo_title": "B"}


def test_content_key_keeps_underscores() -> None:
    assert content_key("cover_image") == "Cover_image"
    assert normalise_key("Cover_image") == "cover_image"


@pytest.mark.parametrize("field_id", ["Cover", "cover-image", "a:b", "", "0", "two words"])
def test_ids_kirby_would_read_differently_are_refused(field_id: str) -> None:
    with pytest.raises(ValueError, match="cannot be a Kirby content key"):
        encode([(field_id, "x")])


def test_a_field_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        encode([("text", "a"), ("text", "b")])


def test_parse_reports_what_kirby_would_silently_drop() -> None:
    text = "Title: A\n\n----\n\nText: first\n----\nno key here\n----- stray\n\n----\n\nTitle: B\n"
    parsed = parse(text)
    assert parsed.fields["title"] == "B"
    # Kirby splits at "----- stray" too and drops what follows the four dashes.
    assert parsed.orphan_chunks == ("no key here", "- stray")
    assert parsed.bad_separators == ("----- stray",)
    assert parsed.duplicate_keys == ("title",)


@pytest.mark.parametrize("text", ["\x85", "a\x85b", "x\u2028y", "\u2029"])
def test_unicode_line_breaks_inside_yaml_survive(text: str) -> None:
    # PyYAML writes these raw unless double-quoted, and NEL then reads back as a space.
    stored = decode(encode([("rows", dump_yaml([{"name": text}]))]))["rows"]
    assert yaml.safe_load(stored) == [{"name": text}]


@pytest.mark.parametrize("text", ["0\n", "two\nlines\n", "ends in cr\r"])
def test_trailing_line_breaks_inside_yaml_survive_kirbys_trim(text: str) -> None:
    stored = decode(encode([("rows", dump_yaml([text]))]))["rows"]
    assert yaml.safe_load(stored) == [text]
