"""Records in notes, PDF page layout, and what a refused text file says was tried."""

from __future__ import annotations

from application.ingest import ingest
from domain.documents import BlockKind, IngestLimits, SourceFile
from plugins.offline.parsers.pdf_layout import Rows, reading_order, running_lines
from plugins.offline.parsers.text import PlainTextParser, parse_text_blocks
from plugins.offline.parsers.textlines import split_lines
from plugins.offline.records import find_records


def _blocks(text: str) -> list:  # type: ignore[type-arg]
    return parse_text_blocks(split_lines(text))


def test_repeated_key_value_blocks_are_records_with_their_free_text() -> None:
    found = find_records(
        _blocks(
            "Pieces\n\n-----\nTitle: Bowl\nYear: 2024\nA note on the bowl.\n-----\n"
            "Title: Jar\nYear: 2023\n-----\n\nCup\n---\nYear: 2022\nClay: Porcelain\n"
        )
    )
    assert found is not None
    assert [r.title for r in found.records] == ["Bowl", "Jar", "Cup"]
    assert [b.text for b in found.preamble] == ["Pieces"]
    bowl = found.records[0]
    assert [(b.key, b.text) for b in bowl.blocks] == [
        ("Year", "2024"),
        (None, "A note on the bowl."),
    ]
    assert bowl.title_block is not None and bowl.title_block.locator.line == 4


def test_one_repeated_key_is_not_a_list_of_records() -> None:
    assert find_records(_blocks("Phone: 1234 5678\nPhone: 8765 4321\n")) is None
    assert find_records(_blocks("Name: Ana\nEmail: a@b.example\n")) is None


def test_a_year_column_beside_titles_becomes_rows_and_running_footers_go() -> None:
    page = (
        "Awards\n\n2024      Prize for the ferry terminal\n\n2021      Best school\n\n"
        "foot · page 1\n"
    )
    other = "Earlier\n\n2019      First prize\n\n2017      Young architects\n\nfoot · page 2\n"
    pages = [split_lines(page), split_lines(other)]
    running, aside = running_lines(pages)
    assert running == {(1, 7), (2, 7)}
    assert [(a.text, a.locator.page) for a in aside] == [("foot · page 1", 1), ("foot · page 2", 2)]
    segments = reading_order([line for line in pages[0] if (1, line.number) not in running])
    rows = next(s for s in segments if isinstance(s, Rows))
    assert rows.columns == ("Year", "Title")
    assert [cells for cells, _ in rows.rows] == [
        ("2024", "Prize for the ferry terminal"),
        ("2021", "Best school"),
    ]


def test_two_columns_of_prose_are_read_left_column_first() -> None:
    text = (
        "The studio fires a wood kiln        Between firings the gas kiln\n"
        "twice a year in spring.             is used for tests.\n"
    )
    (segment,) = reading_order(split_lines(text))
    assert not isinstance(segment, Rows)
    blocks = parse_text_blocks(segment)
    assert [b.text for b in blocks if b.kind is BlockKind.PARAGRAPH] == [
        "The studio fires a wood kiln\ntwice a year in spring.",
        "Between firings the gas kiln\nis used for tests.",
    ]


def test_a_text_file_that_is_binary_says_what_was_tried() -> None:
    result = ingest(
        [SourceFile("notes.txt", bytes(range(256)) * 4)], [PlainTextParser()], (), IngestLimits()
    )
    (refused,) = result.rejected
    assert "UTF-16" in refused.reason and "single-byte" in refused.reason


def test_a_few_wide_gaps_in_justified_prose_are_not_columns() -> None:
    text = (
        "The kiln is    fired twice a year\n"
        "with friends who stay up all night\n"
        "and the wood   comes from the forest\n"
        "near the studio where we work\n"
        "every day of the week in summer\n"
    )
    (segment,) = reading_order(split_lines(text))
    assert not isinstance(segment, Rows)
    assert segment[0].text == "The kiln is fired twice a year"
