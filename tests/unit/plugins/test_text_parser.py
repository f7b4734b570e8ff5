from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.documents import BlockKind, Document, IngestLimits, SourceFile
from plugins.offline.parsers.text import PlainTextParser

SAMPLE = """\
Projects
========

Alpha
-----
Year: 2019
Client: ACME, Inc.
A small house
by the lake.

- first point
* Tools: pencil, paper

A paragraph of two lines
is not a heading
----

Beta
----
Year: 2020
"""


def parse(text: str, name: str = "projects.txt") -> Document:
    return PlainTextParser().parse(SourceFile(name=name, data=text.encode("utf-8")), IngestLimits())


def test_paragraphs_headings_key_values_and_list_items() -> None:
    summary = [(b.kind, b.text, b.level, b.key) for b in parse(SAMPLE).blocks]
    assert summary == [
        (BlockKind.HEADING, "Projects", 1, None),
        (BlockKind.HEADING, "Alpha", 2, None),
        (BlockKind.KEY_VALUE, "2019", 0, "Year"),
        (BlockKind.KEY_VALUE, "ACME, Inc.", 0, "Client"),
        (BlockKind.PARAGRAPH, "A small house\nby the lake.", 0, None),
        (BlockKind.LIST_ITEM, "first point", 0, None),
        (BlockKind.KEY_VALUE, "pencil, paper", 0, "Tools"),
        (BlockKind.PARAGRAPH, "A paragraph of two lines\nis not a heading", 0, None),
        (BlockKind.HEADING, "Beta", 2, None),
        (BlockKind.KEY_VALUE, "2020", 0, "Year"),
    ]


def test_locators_point_at_the_source_lines_and_characters() -> None:
    document = parse(SAMPLE)
    by_text = {b.text: b.locator for b in document.blocks}
    cases = {
        "Projects": (1, 2, "Projects\n========"),
        "2019": (6, 6, "Year: 2019"),
        "A small house\nby the lake.": (8, 9, "A small house\nby the lake."),
        "pencil, paper": (12, 12, "* Tools: pencil, paper"),
        "Beta": (18, 19, "Beta\n----"),
    }
    for text, (line, end_line, source_text) in cases.items():
        loc = by_text[text]
        assert (loc.line, loc.end_line) == (line, end_line)
        assert loc.char_start is not None
        assert SAMPLE[loc.char_start : loc.char_end] == source_text


def test_document_title_and_identity() -> None:
    document = parse(SAMPLE)
    assert document.title == "Projects"
    assert document.media_type == "text/plain"
    assert document.parser == "text"
    assert document.front_matter == {}
    assert parse("just words\n", name="notes/studio_notes.txt").title == "Studio notes"


def test_accepts_text_files_in_any_common_encoding() -> None:
    parser = PlainTextParser()
    assert parser.accepts(SourceFile(name="a.txt", data=b"hello"))
    assert parser.accepts(SourceFile(name="a.TXT", data="caf\u00e9".encode()))
    assert parser.accepts(SourceFile(name="blob", data=b"hello", media_type="text/plain"))
    assert parser.accepts(SourceFile(name="a.txt", data=b"\xef\xbb\xbfhello"))
    assert parser.accepts(SourceFile(name="a.txt", data=b""))
    assert not parser.accepts(SourceFile(name="a.md", data=b"hello"))
    assert not parser.accepts(SourceFile(name="a.txt", data=b"hel\x00lo"))
    assert parser.accepts(SourceFile(name="a.txt", data="caf\u00e9".encode("latin-1")))
    assert parser.accepts(SourceFile(name="a.txt", data="caf\u00e9".encode("utf-16")))
    assert not parser.accepts(SourceFile(name="a.txt", data=b"\x89PNG\r\n\x1a\n\x01\x02\x03"))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Bio: Zoë\r\n\r\nBorn in Sète.\r\n".encode("cp1252"), "cp1252"),
        ("Bio: Zoë\n\nBorn in Sète.\n".encode("utf-16"), "utf-16"),
        (b"\xef\xbb\xbf" + "Bio: Zoë\n\nBorn in Sète.\n".encode(), "utf-8-sig"),
        ("Bio: Zoë\r\rBorn in Sète.\r".encode(), "utf-8"),
    ],
)
def test_the_encoding_is_read_from_the_bytes_and_recorded(data: bytes, encoding: str) -> None:
    document = PlainTextParser().parse(SourceFile(name="bio.txt", data=data), IngestLimits())
    assert document.encoding == encoding
    assert [(b.kind, b.key, b.text) for b in document.blocks] == [
        (BlockKind.KEY_VALUE, "Bio", "Zoë"),
        (BlockKind.PARAGRAPH, None, "Born in Sète."),
    ]
    assert document.blocks[1].locator.line == 3


def test_parse_refuses_binary_even_when_called_directly() -> None:
    try:
        PlainTextParser().parse(SourceFile(name="a.txt", data=b"\x00\x01"), IngestLimits())
    except Exception as exc:
        assert getattr(exc, "code", None) == "unreadable"
    else:  # pragma: no cover
        raise AssertionError("binary data was parsed as text")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -=:*1.\n\r\t\u00e9")), max_size=300))
def test_any_text_parses_with_locators_inside_the_text(text: str) -> None:
    document = parse(text)
    for block in document.blocks:
        loc = block.locator
        assert loc.line is not None and loc.end_line is not None
        assert 1 <= loc.line <= loc.end_line
        assert loc.char_start is not None and loc.char_end is not None
        assert 0 <= loc.char_start <= loc.char_end <= len(text)
        if block.kind is BlockKind.KEY_VALUE:
            assert block.key is not None
            assert block.key in text[loc.char_start : loc.char_end]


def test_hard_wrapped_prose_is_not_split_into_fields() -> None:
    document = parse("We build with local clay and\nthe point: it ages well.\nYear: 2012\n")
    assert [(b.kind, b.text) for b in document.blocks] == [
        (BlockKind.PARAGRAPH, "We build with local clay and\nthe point: it ages well."),
        (BlockKind.KEY_VALUE, "2012"),
    ]
