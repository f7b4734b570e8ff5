"""Reading a PDF page's laid-out text in the order people read it.

The PDF reader gives each page as lines laid out on a grid of characters (pypdf's layout
mode), so text side by side stays side by side. From those lines:

* **Running headers and footers** — a line among the first or last two of a page that comes
  back on most pages (numbers aside: ``page 1``, ``page 2``) — are set aside, with their place.
* **Columns.** Where several lines share a gap of three spaces or more at one position, the
  page is split there. A left column of years or dates beside text is a list of records, one
  row each (``Year``/``Date`` and ``Title``); short labels beside values are `Label: value`
  lines; two columns of prose are read left column first, then right.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import attrs

from domain.documents import Locator, SetAside
from plugins.offline.parsers.textlines import SourceLine
from plugins.offline.values import written_date

EDGE_LINES = 2  # lines at the top and bottom of a page that may be running heads or feet
MIN_GAP = 3  # spaces between two columns
MIN_COLUMN_ROWS = 2
MIN_COLUMN_SHARE = 0.6  # of the lines from the first to the last that share the gap
MIN_LOOSE_ROWS = 3  # fewer rows than this make columns only when no line between breaks them
SHORT_LABEL = 20  # the longest left cell of a label/value layout
_GAP = re.compile(rf"(?<=\S) {{{MIN_GAP},}}(?=\S)")
_YEAR = re.compile(r"^(?:\d{4})(?:\s*[\u2013\-/]\s*(?:\d{2}|\d{4}))?$")


@attrs.frozen
class Rows:
    """Lines read as the rows of a two-column list: ``columns`` names, one (cells, line) each."""

    columns: tuple[str, str]
    rows: tuple[tuple[tuple[str, str], SourceLine], ...]


Segment = list[SourceLine] | Rows


def running_lines(
    pages: Sequence[Sequence[SourceLine]],
) -> tuple[set[tuple[int, int]], list[SetAside]]:
    """(page, line) of every running header or footer, and what was set aside."""
    if len(pages) < 2:
        return set(), []
    seen: dict[str, set[int]] = {}
    edges: list[tuple[int, SourceLine, str]] = []
    for page, lines in enumerate(pages, start=1):
        text_lines = [line for line in lines if line.stripped]
        for line in [*text_lines[:EDGE_LINES], *text_lines[-EDGE_LINES:]]:
            shape = re.sub(r"\d+", "#", " ".join(line.text.split()).casefold())
            seen.setdefault(shape, set()).add(page)
            edges.append((page, line, shape))
    needed = max(2, (len(pages) + 1) // 2)
    running: set[tuple[int, int]] = set()
    aside: list[SetAside] = []
    for page, line, shape in edges:
        if len(seen[shape]) >= needed and (page, line.number) not in running:
            running.add((page, line.number))
            aside.append(
                SetAside(
                    " ".join(line.text.split()),
                    f"a running page header or footer, repeated on {len(seen[shape])} pages",
                    Locator(line=line.number, end_line=line.number, page=page),
                )
            )
    return running, aside


def reading_order(lines: Sequence[SourceLine]) -> list[Segment]:
    """The page's lines as segments in reading order: plain lines, or rows of a list."""
    gutter = _gutter(lines)
    if gutter is None:
        return [[_collapsed(line) for line in lines]]
    position, first, last = gutter
    before = [_collapsed(line) for line in lines[:first]]
    after = [_collapsed(line) for line in lines[last + 1 :]]
    region = lines[first : last + 1]
    pairs = [(_left(line.text, position), _right(line.text, position), line) for line in region]
    lefts = [left for left, _, _ in pairs if left]
    segments: list[Segment] = [before] if before else []
    if lefts and all(_YEAR.match(left) for left in lefts):
        segments.append(_rows(("Year", "Title"), pairs))
    elif lefts and all(written_date(left) is not None for left in lefts):
        segments.append(_rows(("Date", "Title"), pairs))
    elif lefts and max(len(left) for left in lefts) <= SHORT_LABEL:
        segments.append(
            [
                attrs.evolve(line, text=f"{left}: {right}" if left and right else left or right)
                for left, right, line in pairs
            ]
        )
    else:
        left_lines = [attrs.evolve(line, text=left) for left, _, line in pairs]
        right_lines = [attrs.evolve(line, text=right) for _, right, line in pairs]
        segments.append([*left_lines, attrs.evolve(region[-1], text=""), *right_lines])
    if after:
        segments.append(after)
    return segments


def _rows(columns: tuple[str, str], pairs: list[tuple[str, str, SourceLine]]) -> Rows:
    rows: list[tuple[tuple[str, str], SourceLine]] = []
    for left, right, line in pairs:
        if not left and not right:
            continue
        if not left and rows:
            # A title wrapped onto a second line continues the row above.
            (cells, first) = rows[-1]
            rows[-1] = ((cells[0], f"{cells[1]} {right}"), first)
            continue
        rows.append(((left, right), line))
    return Rows(columns=columns, rows=tuple(rows))


def _gutter(lines: Sequence[SourceLine]) -> tuple[int, int, int] | None:
    """(character position, first line index, last line index) of the gap most lines share."""
    support: Counter[int] = Counter()
    gaps: list[list[tuple[int, int]]] = []
    for line in lines:
        spans = [(m.start(), m.end()) for m in _GAP.finditer(line.text.rstrip())]
        gaps.append(spans)
        for start, end in spans:
            support.update(range(start + 1, end - 1))
    if not support:
        return None
    position, count = max(support.items(), key=lambda kv: (kv[1], -kv[0]))
    if count < MIN_COLUMN_ROWS:
        return None
    hits = [
        index
        for index, spans in enumerate(gaps)
        if any(start < position < end for start, end in spans)
    ]
    between = [line for line in lines[hits[0] : hits[-1] + 1] if line.stripped]
    sparse = len(hits) < len(between) * MIN_COLUMN_SHARE
    if sparse or (len(hits) < MIN_LOOSE_ROWS and len(hits) < len(between)):
        return None  # a few wide gaps in justified prose are not a column
    return position, hits[0], hits[-1]


def _left(text: str, position: int) -> str:
    return " ".join(text[:position].split())


def _right(text: str, position: int) -> str:
    return " ".join(text[position:].split())


def _collapsed(line: SourceLine) -> SourceLine:
    return attrs.evolve(line, text=" ".join(line.text.split()))
