"""Field-by-field three-way merge of Kirby content files (``content/**/*.txt``).

Fields are compared as Kirby reads them (``txt.decode``: keys lower-cased, values trimmed),
so the Panel re-saving a file with other spacing or key spelling is not an edit. An empty
value and a missing key mean the same to Kirby and are treated as the same here.

Per field, with B the last generated value, O the owner's and G the new generation's:
O == G → O; O == B → G (only the generator changed it); G == B → O (only the owner did);
otherwise a conflict: the owner's value is kept and reported.
"""

from __future__ import annotations

from adapters.cms.kirby.kirby_types import CONTENT_EXTENSION
from adapters.cms.kirby.txt import decode, encode
from domain.hand_edits import FieldConflict, MergedFile

CONTENT_PREFIX = "content/"
# The pseudo field name of a conflict about a whole file that could not be merged by field.
WHOLE_FILE = "*"


class KirbyContentMerger:
    """Implements ``domain.ports.ContentMerger`` for Kirby content and file metadata."""

    def is_mergeable(self, path: str) -> bool:
        return path.startswith(CONTENT_PREFIX) and path.endswith(CONTENT_EXTENSION)

    def merge(self, path: str, base: bytes | None, owner: bytes, generated: bytes) -> MergedFile:
        new_fields = decode(generated.decode("utf-8"))
        try:
            owner_fields = decode(owner.decode("utf-8"))
        except UnicodeDecodeError:
            return _keep_owner_file(path, owner, generated, "the file is not UTF-8 text")
        base_fields = decode(base.decode("utf-8", errors="replace")) if base is not None else {}

        merged: dict[str, str] = {}
        next_base = dict(new_fields)
        conflicts: list[FieldConflict] = []
        # The generated order first (it follows the blueprint), then keys only the owner has.
        keys = list(new_fields) + [k for k in owner_fields if k not in new_fields]
        keys += [k for k in base_fields if k not in new_fields and k not in owner_fields]
        for key in keys:
            b, o, g = (base_fields.get(key, ""), owner_fields.get(key, ""), new_fields.get(key, ""))
            owner_side = g in (o, b) or o != b
            value = o if owner_side else g
            if g not in (o, b) and o != b:
                conflicts.append(FieldConflict(path=path, field=key, owner=o, generated=g))
                # The next merge must see this field as still in dispute, not as settled.
                if b:
                    next_base[key] = b
                else:
                    next_base.pop(key, None)
            # An empty key the owner left in the file stays (the Panel writes them).
            if value or (owner_side and key in owner_fields):
                merged[key] = value

        if _same_content(merged, owner_fields):
            data = owner  # the owner's file already says it all: keep its exact bytes
        elif _same_content(merged, new_fields):
            data = generated
        else:
            try:
                data = encode(list(merged.items())).encode("utf-8")
            except ValueError as exc:
                # A key Kirby reads but the writer cannot reproduce (e.g. non-ASCII letters).
                return _keep_owner_file(path, owner, generated, str(exc))
        base_data = (
            generated
            if _same_content(next_base, new_fields)
            else encode(list(next_base.items())).encode("utf-8")
        )
        return MergedFile(
            data=data,
            base=base_data,
            conflicts=tuple(conflicts),
            owner_edited=not _same_content(merged, new_fields),
        )


def _same_content(left: dict[str, str], right: dict[str, str]) -> bool:
    """Equal as Kirby sees them: an empty value is the same as no key."""
    return {k: v for k, v in left.items() if v} == {k: v for k, v in right.items() if v}


def _keep_owner_file(path: str, owner: bytes, generated: bytes, reason: str) -> MergedFile:
    conflict = FieldConflict(
        path=path,
        field=WHOLE_FILE,
        owner=f"(kept as it is: {reason})",
        generated=generated.decode("utf-8", errors="replace"),
    )
    return MergedFile(data=owner, base=generated, conflicts=(conflict,), owner_edited=True)
