"""Stable fingerprints of phase inputs, so a phase whose inputs did not change is not redone."""

from __future__ import annotations

import hashlib
import json

from domain.serialization import to_data

# Bump when the meaning of a stored checkpoint changes, to invalidate all of them at once.
CHECKPOINT_FORMAT = 1


def fingerprint(*parts: object) -> str:
    digest = hashlib.sha256()
    digest.update(str(CHECKPOINT_FORMAT).encode())
    for part in parts:
        if isinstance(part, bytes):
            digest.update(b"b")
            digest.update(hashlib.sha256(part).digest())
        else:
            encoded = json.dumps(
                to_data(_bytes_digested(part)), sort_keys=True, ensure_ascii=False, default=str
            )
            digest.update(b"j")
            digest.update(encoded.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _bytes_digested(part: object) -> object:
    """``part`` with the bytes inside its lists, tuples and dicts replaced by their digest:
    serialising a file's bytes as text (base85) to hash them costs more time and memory than
    the file itself."""
    if isinstance(part, bytes):
        return {"sha256": hashlib.sha256(part).hexdigest()}
    if isinstance(part, list | tuple):
        return [_bytes_digested(p) for p in part]
    if isinstance(part, dict):
        return {k: _bytes_digested(v) for k, v in part.items()}
    return part
