"""The ingest limits are named settings read from the environment."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from domain.documents import IngestLimits
from domain.errors import InvalidInput


def test_defaults_are_the_documented_safe_values() -> None:
    limits = load_settings({}).ingest
    assert limits == IngestLimits()
    assert limits.max_pdf_pages == 500 and limits.max_image_pixels == 40_000_000


def test_every_limit_has_its_environment_variable() -> None:
    limits = load_settings(
        {
            "KIRBYGEN_MAX_FILE_BYTES": "1000",
            "KIRBYGEN_MAX_ARCHIVE_MEMBERS": "7",
            "KIRBYGEN_MAX_ARCHIVE_BYTES": "2000",
            "KIRBYGEN_MAX_XML_BYTES": "300",
            "KIRBYGEN_MAX_IMAGE_PIXELS": "400",
            "KIRBYGEN_MAX_PDF_PAGES": "5",
            "KIRBYGEN_PDF_TIMEOUT_SECONDS": "3",
            "KIRBYGEN_PDF_MEMORY_BYTES": "600000000",
            "KIRBYGEN_MAX_TEXT_CHARS": "800",
            "KIRBYGEN_PARSE_WORKERS": "3",
        }
    ).ingest
    assert limits == IngestLimits(
        max_file_bytes=1000,
        max_archive_members=7,
        max_archive_bytes=2000,
        max_xml_bytes=300,
        max_image_pixels=400,
        max_pdf_pages=5,
        pdf_timeout_seconds=3,
        pdf_memory_bytes=600_000_000,
        max_text_chars=800,
        parse_workers=3,
    )


def test_a_limit_that_is_not_a_positive_number_is_refused() -> None:
    with pytest.raises(InvalidInput, match="KIRBYGEN_MAX_PDF_PAGES"):
        load_settings({"KIRBYGEN_MAX_PDF_PAGES": "many"})
