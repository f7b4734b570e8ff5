"""Layered JSON: the same data as ``to_json``, one deep value a line."""

from __future__ import annotations

import json

from domain.serialization import to_json, to_layered_json


def test_the_same_data_with_each_item_on_its_own_line() -> None:
    data = {"items": [{"b": 1, "a": [1, 2]}, {"t": "é"}], "meta": {}, "z": {"k": {"v": None}}}
    text = to_layered_json(data)
    assert json.loads(text) == json.loads(to_json(data))
    assert text.splitlines() == [
        "{",
        '  "items": [',
        '    {"a": [1, 2], "b": 1},',
        '    {"t": "é"}',
        "  ],",
        '  "meta": {},',
        '  "z": {',
        '    "k": {"v": null}',
        "  }",
        "}",
    ]


def test_a_value_with_nothing_to_indent_stays_on_one_line() -> None:
    assert to_layered_json([]) == "[]\n"
    assert to_layered_json("text") == '"text"\n'
