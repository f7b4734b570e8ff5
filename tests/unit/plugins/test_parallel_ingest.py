"""Parsing several files at once gives the same result, in the same order, as one by one."""

from __future__ import annotations

import os
import threading

import attrs
from PIL import Image

from application.ingest import ingest, parse_workers
from domain.documents import Block, BlockKind, Document, IngestLimits, Locator, SourceFile
from domain.serialization import to_json
from plugins.manager import PluginSkillRegistry, build_plugin_manager
from tests.unit.plugins.pdf_files import text_pdf
from tests.unit.plugins.sample_files import docx, image_bytes, paragraph

REGISTRY = PluginSkillRegistry(build_plugin_manager(load_entry_points=False))


def mixed_material() -> list[SourceFile]:
    files = [
        SourceFile(
            f"letter-{n}.docx", docx(paragraph(f"Letter {n}", "Heading1") + paragraph("Year: 2020"))
        )
        for n in range(3)
    ]
    files += [
        SourceFile(f"catalogue-{n}.pdf", text_pdf([[f"Catalogue {n}", "Year: 2021"]]))
        for n in range(3)
    ]
    files += [
        SourceFile("notes.md", b"# Notes\n\n## One\n\nYear: 2019\n"),
        SourceFile("broken.pdf", b"%PDF-1.4 not really"),
        SourceFile("empty.txt", b""),
        SourceFile("photo.png", image_bytes(Image.new("RGB", (8, 8), "red"), "PNG")),
    ]
    return files


def test_parallel_and_serial_parsing_give_the_same_result() -> None:
    sources = mixed_material()
    serial = ingest(sources, REGISTRY.parsers(), limits=IngestLimits(parse_workers=1))
    parallel = ingest(sources[::-1], REGISTRY.parsers(), limits=IngestLimits(parse_workers=4))
    assert to_json(parallel) == to_json(serial)
    assert [d.source for d in serial.documents] == sorted(d.source for d in serial.documents)
    assert len(serial.documents) == 8 and {r.name for r in serial.rejected} == {
        "broken.pdf",
        "empty.txt",
    }


@attrs.define
class ChildLikeParser:
    """Parses ``.slow`` files; the first waits until the second has started, so the files can
    only both be read when they are parsed at once, and the second finishes first."""

    slot = "parser.slow"
    name = "slow"
    media_types = frozenset({"text/plain"})
    runs_in_child = True
    second_started: threading.Event = attrs.field(factory=threading.Event)
    threads: list[str] = attrs.field(factory=list)

    def accepts(self, source: SourceFile) -> bool:
        return source.name.endswith(".slow")

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        self.threads.append(threading.current_thread().name)
        if source.name == "a.slow":
            if not self.second_started.wait(timeout=10):
                raise RuntimeError("b.slow was not parsed at the same time")
        else:
            self.second_started.set()
        block = Block(BlockKind.PARAGRAPH, source.data.decode(), Locator(line=1))
        return Document(
            source=source.name, media_type="text/plain", title=source.name, blocks=(block,)
        )


def test_files_parsed_in_child_processes_are_parsed_at_once_and_kept_in_order() -> None:
    parser = ChildLikeParser()
    sources = [SourceFile("b.slow", b"second"), SourceFile("a.slow", b"first")]
    result = ingest(sources, [parser], limits=IngestLimits(parse_workers=2))
    assert result.rejected == ()
    assert [d.source for d in result.documents] == ["a.slow", "b.slow"]
    assert all(name.startswith("kirbygen-parse") for name in parser.threads)


def test_one_worker_reads_one_by_one_in_the_calling_thread() -> None:
    parser = ChildLikeParser()
    parser.second_started.set()  # one by one, a.slow would otherwise wait for nothing
    sources = [SourceFile("a.slow", b"first"), SourceFile("b.slow", b"second")]
    result = ingest(sources, [parser], limits=IngestLimits(parse_workers=1))
    assert [d.source for d in result.documents] == ["a.slow", "b.slow"]
    assert parser.threads == [threading.current_thread().name] * 2


def test_a_single_file_for_a_child_process_starts_no_pool() -> None:
    parser = ChildLikeParser()
    parser.second_started.set()
    result = ingest(
        [SourceFile("a.slow", b"first")], [parser], limits=IngestLimits(parse_workers=8)
    )
    assert len(result.documents) == 1
    assert parser.threads == [threading.current_thread().name]


def test_zero_workers_means_one_per_cpu() -> None:
    assert parse_workers(IngestLimits(parse_workers=0)) == (os.cpu_count() or 1)
    assert parse_workers(IngestLimits(parse_workers=3)) == 3
