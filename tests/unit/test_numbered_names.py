from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.names import NumberedNames


def counted_from_two(wanted: list[str], separator: str) -> list[str]:
    """The names given by counting from 2 for every repeat (the obvious, quadratic way)."""
    taken: set[str] = set()
    given_names: list[str] = []
    for name in wanted:
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = f"{name}{separator}{number}"
        taken.add(candidate)
        given_names.append(candidate)
    return given_names


def test_repeats_are_numbered_from_two() -> None:
    names = NumberedNames()
    assert [names.claim(n) for n in ("note", "note", "note", "other")] == [
        "note",
        "note-2",
        "note-3",
        "other",
    ]


def test_a_number_taken_by_another_name_is_skipped() -> None:
    names = NumberedNames()
    assert [names.claim(n) for n in ("note-2", "note", "note", "note", "note-3")] == [
        "note-2",
        "note",
        "note-3",
        "note-4",
        "note-3-2",
    ]


# Names built from few letters and numbered suffixes, so collisions are frequent.
_WANTED = st.lists(
    st.builds(
        lambda stem, number: stem if number is None else f"{stem}-{number}",
        st.sampled_from(["a", "b", "a-2"]),
        st.none() | st.integers(min_value=1, max_value=4),
    ),
    max_size=40,
)


@given(_WANTED, st.sampled_from(["-", " "]))
def test_same_names_as_counting_from_two_every_time(wanted: list[str], separator: str) -> None:
    names = NumberedNames(separator)
    assert [names.claim(n) for n in wanted] == counted_from_two(wanted, separator)
    assert len(names.taken) == len(wanted)
