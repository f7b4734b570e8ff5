"""docs/kirby.md documents the field-type mapping the adapter really uses."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.cms.kirby.fieldtypes import KIRBY_FIELD_TYPE
from domain.schema import FieldType

DOC = Path(__file__).resolve().parents[3] / "docs" / "kirby.md"
ROW = re.compile(r"^\| `([a-z]+)` \| `([a-z]+)` \|", re.MULTILINE)


def test_the_mapping_table_lists_every_generic_type_with_its_kirby_field() -> None:
    table = dict(ROW.findall(DOC.read_text(encoding="utf-8")))
    assert table == {kind.value: KIRBY_FIELD_TYPE[kind] for kind in FieldType}
