"""Helpers for the plugin tests: parse sample material with the built-in parsers."""

from __future__ import annotations

from collections.abc import Callable
from textwrap import dedent

import pytest

from domain.documents import Document, IngestLimits, SourceFile
from plugins.offline.parsers.markdown import MarkdownParser
from plugins.offline.parsers.text import PlainTextParser

Parse = Callable[[str, str], Document]


@pytest.fixture
def parse() -> Parse:
    """parse(name, text): the Document the built-in parser for ``name`` makes of ``text``."""

    def run(name: str, text: str) -> Document:
        source = SourceFile(name=name, data=dedent(text).lstrip("\n").encode("utf-8"))
        parser = MarkdownParser() if name.endswith(".md") else PlainTextParser()
        assert parser.accepts(source)
        return parser.parse(source, IngestLimits())

    return run
