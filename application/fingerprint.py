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
            encoded = json.dumps(to_data(part), sort_keys=True, ensure_ascii=False, default=str)
            digest.update(b"j")
            digest.update(encoded.encode())
        digest.update(b"\x00")
    return digest.hexdigest()
