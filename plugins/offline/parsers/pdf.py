"""PDF parser: the text of each page, split into paragraphs, `Key: value` lines and list items.

The PDF itself is read by ``pdf_worker`` in a child process with a memory cap and a timeout
(``pdf_memory_bytes``, ``pdf_timeout_seconds``), so a hostile PDF can cost at most that
and never the process that ingests the rest of the batch. Locators give the page, the
paragraph's number on that page, its lines and its character span in the page's text.
"""

from __future__ import annotations

import attrs

from domain.documents import (
    Block,
    BlockKind,
    Document,
    IngestLimits,
    Locator,
    RejectedInput,
    SourceFile,
)
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.parsers.child import run_child
from plugins.offline.parsers.pdf_layout import Rows, reading_order, running_lines
from plugins.offline.parsers.tables import table_blocks
from plugins.offline.parsers.text import parse_text_blocks
from plugins.offline.parsers.textlines import SourceLine, split_lines
from plugins.offline.parsers.titles import file_title

PDF_MEDIA_TYPE = "application/pdf"
WORKER_MODULE = "plugins.offline.parsers.pdf_worker"


class PdfParser:
    slot = "parser.pdf"
    name = "pdf"
    media_types = frozenset({PDF_MEDIA_TYPE})
    # Parsed in a child process: ingest may run several of these at once.
    runs_in_child = True

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type == PDF_MEDIA_TYPE

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        result = run_worker(source.data, limits)
        pages = result.get("pages")
        page_lines = [split_lines(str(text)) for text in (pages if isinstance(pages, list) else [])]
        running, set_aside = running_lines(page_lines)
        blocks: list[Block] = []
        tables = 0
        for page_number, lines in enumerate(page_lines, start=1):
            kept = [line for line in lines if (page_number, line.number) not in running]
            for segment in reading_order(kept):
                if isinstance(segment, Rows):
                    tables += 1
                    rows = [
                        (cells, Locator(line=line.number, end_line=line.number, page=page_number))
                        for cells, line in segment.rows
                    ]
                    blocks.extend(table_blocks(segment.columns, rows, tables))
                else:
                    blocks.extend(_page_blocks(segment, page_number))
        declared = " ".join(str(result.get("title") or "").split())
        heading = next((b.text for b in blocks if b.kind is BlockKind.PARAGRAPH), "")
        first_line = heading.split("\n", 1)[0].strip() if len(heading) <= 120 else ""
        author = " ".join(str(result.get("author") or "").split())
        return Document(
            source=source.name,
            media_type=PDF_MEDIA_TYPE,
            title=declared or first_line or file_title(source.name),
            blocks=tuple(blocks),
            parser=self.name,
            metadata={"author": author} if author else {},
            set_aside=tuple(set_aside),
        )


def run_worker(data: bytes, limits: IngestLimits) -> dict[str, object]:
    """The worker's answer for ``data``; raises RejectedInput for every way it can fail."""
    args = ["--max-pages", str(limits.max_pdf_pages), "--max-chars", str(limits.max_text_chars)]
    try:
        return run_child(WORKER_MODULE, args, data, limits, "PDF")
    except RejectedInput as exc:
        reason = exc.reason.replace("max_pages=", "max_pdf_pages=")
        raise RejectedInput(exc.code, reason) from None


def _page_blocks(lines: list[SourceLine], page: int) -> list[Block]:
    blocks = parse_text_blocks(lines)
    return [
        attrs.evolve(block, locator=attrs.evolve(block.locator, page=page, paragraph=number))
        for number, block in enumerate(blocks, start=1)
    ]


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [PdfParser()]
