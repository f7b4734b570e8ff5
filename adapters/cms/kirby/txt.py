"""Kirby's content-file format ("Txt"): ``Key: value`` fields separated by ``----`` lines.

The rules follow Kirby's own reader (``Kirby\\Data\\Txt``):

* the text is split on every line that *starts* with ``----``; that is why a value line
  starting with ``----`` must be written as ``\\----``;
* a field's key is the text before its first ``:``, lower-cased (ASCII only, as PHP 8.2's
  ``strtolower``), with ``-`` and spaces turned into ``_``; a chunk without a key is dropped;
* a value is trimmed with PHP's ``trim`` (space, tab, CR, LF, NUL and vertical tab, nothing
  else), then a leading ``\\----`` on any of its lines is unescaped to ``----``;
* a byte-order mark anywhere in the text is removed before parsing.

Because of these rules a few values cannot survive a write and a read unchanged. Kirby strips
surrounding whitespace, drops U+FEFF, and reads a value line that literally starts with
``\\----`` as ``----`` (there is no way to escape the escape). :func:`normalise_value` returns
the value Kirby will read back; :func:`encode` writes that normalised value, so
``decode(encode(fields)) == {key: normalise_value(value)}`` holds for every input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

SEPARATOR = "\n\n----\n\n"
BOM = "\ufeff"
# PHP's trim() default character list; Python's str.strip() would also eat Unicode spaces.
PHP_TRIM_CHARACTERS = " \t\n\r\0\x0b"

# Kirby splits on "\n----" followed by any whitespace; PHP's \s without /u is ASCII-only.
_FIELD_BREAK = re.compile(r"\n----[ \t\n\r\x0b\x0c]*", re.ASCII)
_DIVIDER_LINE = re.compile(r"^----", re.MULTILINE)
_ESCAPED_DIVIDER_LINE = re.compile(r"^\\----", re.MULTILINE)
_VALID_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def content_key(field_id: str) -> str:
    """The key written for a field id: capital first letter, underscores kept.

    ``cover_image`` becomes ``Cover_image``; Kirby reads it back as ``cover_image``.
    """
    return field_id[:1].upper() + field_id[1:]


def normalise_key(key: str) -> str:
    """The field id Kirby derives from a written key (``Cover-Image`` → ``cover_image``)."""
    lowered = key.strip(PHP_TRIM_CHARACTERS).translate(_ASCII_LOWER)
    return lowered.replace("-", "_").replace(" ", "_")


def normalise_value(value: str) -> str:
    """The value Kirby reads back after it was written: see the module docstring."""
    text = value.replace(BOM, "").strip(PHP_TRIM_CHARACTERS)
    return _ESCAPED_DIVIDER_LINE.sub("----", text)


def escape_value(value: str) -> str:
    """Escape every value line that starts with ``----`` so it is not read as a separator."""
    return _DIVIDER_LINE.sub(lambda _match: "\\----", value)


def encode(fields: Sequence[tuple[str, str]]) -> str:
    """Write ``(field_id, value)`` pairs as a Kirby content file.

    Keys are written with :func:`content_key`. Values are normalised (see
    :func:`normalise_value`) and escaped. Raises ``ValueError`` for a field id Kirby would not
    read back as the same id (upper case, ``-``, spaces, ``:``), or for an id given twice.
    """
    seen: set[str] = set()
    entries: list[str] = []
    for field_id, value in fields:
        key = content_key(field_id)
        # Kirby must read the key back as the same id: lower-case, no "-", not PHP-empty.
        if not _VALID_KEY.match(key) or normalise_key(key) != field_id or field_id == "0":
            raise ValueError(f"'{field_id}' cannot be a Kirby content key.")
        if field_id in seen:
            raise ValueError(f"Field '{field_id}' is written twice.")
        seen.add(field_id)
        text = escape_value(normalise_value(value))
        if not text:
            entries.append(f"{key}:")
        elif "\n" in value or "\r" in value:
            # Like Kirby: a value with any line break (YAML lists end with one) starts on
            # its own line, so `- cover.jpg` is never squeezed behind the key.
            entries.append(f"{key}:\n\n{text}")
        else:
            entries.append(f"{key}: {text}")
    return SEPARATOR.join(entries) + "\n"


def decode(text: str) -> dict[str, str]:
    """Read a Kirby content file into ``{field_id: value}`` exactly as Kirby does."""
    return parse(text).fields


@attrs.frozen
class ParsedContent:
    """A content file as Kirby reads it, plus what a careful reader should complain about."""

    fields: dict[str, str]
    orphan_chunks: tuple[str, ...] = ()  # text between separators that has no "Key:"
    duplicate_keys: tuple[str, ...] = ()  # keys given twice; Kirby keeps the last value
    bad_separators: tuple[str, ...] = ()  # lines starting with "----" that are not "----"


def parse(text: str) -> ParsedContent:
    """Parse like :func:`decode` and also report chunks Kirby would silently drop or merge."""
    text = text.replace(BOM, "")
    fields: dict[str, str] = {}
    orphans: list[str] = []
    duplicates: list[str] = []
    for chunk in _FIELD_BREAK.split(text):
        colon = chunk.find(":")
        key = normalise_key(chunk[:colon]) if colon >= 0 else ""
        # PHP's empty() treats "0" as empty, so Kirby drops a field keyed "0" too.
        if key in ("", "0"):
            if chunk.strip(PHP_TRIM_CHARACTERS):
                orphans.append(chunk.strip(PHP_TRIM_CHARACTERS))
            continue
        if key in fields:
            duplicates.append(key)
        value = chunk[colon + 1 :].strip(PHP_TRIM_CHARACTERS)
        fields[key] = _ESCAPED_DIVIDER_LINE.sub("----", value)
    bad = [line for line in text.split("\n") if line.startswith("----") and line.rstrip() != "----"]
    return ParsedContent(
        fields=fields,
        orphan_chunks=tuple(orphans),
        duplicate_keys=tuple(duplicates),
        bad_separators=tuple(bad),
    )
