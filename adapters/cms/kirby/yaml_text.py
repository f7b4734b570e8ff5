"""YAML as Kirby reads it, written by PyYAML's safe emitter (never by hand)."""

from __future__ import annotations

from typing import Any

import yaml

# No folding of long lines: a folded scalar is one more YAML feature a lenient reader can get
# wrong, and content values are often long sentences.
_NO_WRAP = 1 << 30


class _KirbySafeDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing multi-line strings as literal blocks (``|``).

    A literal block keeps line breaks readable in the content file and is understood by both
    YAML readers Kirby ships (Spyc and Symfony); PyYAML falls back to a quoted scalar by itself
    when a string cannot be a block (trailing spaces, control characters).
    """


# Unicode line breaks (NEL, LINE/PARAGRAPH SEPARATOR): with ``allow_unicode`` PyYAML writes them
# raw into plain or quoted scalars, where a reader folds NEL into a space. Only a double-quoted
# scalar escapes them (``\N``, ``\L``, ``\P``), so such strings are always written that way.
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # A literal block's final line break is part of the value, but Kirby trims the stored
    # text: the last value of a document would lose it. Quoted, "\n" survives the trim.
    if any(ch in data for ch in _UNICODE_BREAKS) or data.endswith(("\n", "\r")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_KirbySafeDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Serialise ``data`` (plain dicts, lists, strings, numbers, booleans) as block YAML."""
    text: str = yaml.dump(
        data,
        Dumper=_KirbySafeDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_NO_WRAP,
    )
    return text
