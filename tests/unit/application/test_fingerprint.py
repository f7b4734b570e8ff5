from __future__ import annotations

from application.fingerprint import fingerprint
from domain.documents import RejectedFile, RejectionCode


def test_bytes_inside_lists_are_told_apart_by_their_content() -> None:
    first = fingerprint([("a.md", b"one")], [RejectedFile("b", RejectionCode.EMPTY, "empty")])
    assert first == fingerprint(
        [("a.md", b"one")], [RejectedFile("b", RejectionCode.EMPTY, "empty")]
    )
    assert first != fingerprint(
        [("a.md", b"two")], [RejectedFile("b", RejectionCode.EMPTY, "empty")]
    )
    assert first != fingerprint(
        [("a.md", b"one")], [RejectedFile("b", RejectionCode.EMPTY, "gone")]
    )


def test_bytes_in_a_mapping_and_at_the_top_count_too() -> None:
    assert fingerprint({"k": b"x"}) != fingerprint({"k": b"y"})
    assert fingerprint(b"x") != fingerprint(b"y")
    # The same bytes at the top and inside a list are different inputs.
    assert fingerprint(b"x") != fingerprint([b"x"])
