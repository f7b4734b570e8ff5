"""Phase 1: turn raw source files into documents; a bad file is reported, never fatal."""

from __future__ import annotations

from collections.abc import Sequence

from domain.documents import Document, IngestResult, RejectedFile, RejectionCode, SourceFile
from domain.media_types import IMAGE_TYPES, sniff
from domain.ports import DocumentParser

SNIFF_BYTES = 4096


def ingest(
    sources: Sequence[SourceFile],
    parsers: Sequence[DocumentParser],
    already_rejected: Sequence[RejectedFile] = (),
) -> IngestResult:
    documents: list[Document] = []
    rejected: list[RejectedFile] = list(already_rejected)
    images: list[str] = []
    for source in sorted(sources, key=lambda s: s.name):
        if not source.data:
            rejected.append(RejectedFile(source.name, RejectionCode.EMPTY, "the file is empty"))
            continue
        detected = sniff(source.data[:SNIFF_BYTES])
        if detected in IMAGE_TYPES:
            images.append(source.name)
            continue
        typed = SourceFile(name=source.name, data=source.data, media_type=detected)
        parser = next((p for p in parsers if p.accepts(typed)), None)
        if parser is None:
            rejected.append(
                RejectedFile(
                    source.name,
                    RejectionCode.UNSUPPORTED_TYPE,
                    f"no installed parser reads this kind of file (its bytes look like {detected})",
                )
            )
            continue
        try:
            documents.append(parser.parse(typed))
        except Exception as exc:  # a broken file or parser must not stop the batch
            rejected.append(
                RejectedFile(
                    source.name,
                    RejectionCode.PARSE_ERROR,
                    f"{parser.name} could not read it: {exc}",
                )
            )
    return IngestResult(
        documents=tuple(documents),
        rejected=tuple(sorted(rejected, key=lambda r: r.name)),
        images=tuple(images),
    )
