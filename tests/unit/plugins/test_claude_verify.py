"""Numbers the model extracts are found in the material only as whole numbers."""

from __future__ import annotations

import pytest

from plugins.claude.verify import SourceText


@pytest.mark.parametrize(
    ("text", "value", "found"),
    [
        ("Built in 2022 for the harbour.", 2022, True),
        ("Built in 2022 for the harbour.", 0, False),
        ("Built in 2022 for the harbour.", 22, False),
        ("Priced at 1,500 euros.", 1500, True),
        ("Priced at 1,500 euros.", 500, False),
        ("Priced at 11.55 euros.", 1.5, False),
        ("Priced at 11.55 euros.", 11.55, True),
        ("Years: 2021, 2022.", 2022, True),
        ("Edition of 40.", 40, True),
    ],
)
def test_a_number_counts_only_as_a_whole_number(text: str, value: float, found: bool) -> None:
    assert SourceText(text).has_number(value) is found
