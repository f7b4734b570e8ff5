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


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
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
