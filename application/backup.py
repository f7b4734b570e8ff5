"""Whole-database backups: dump, upload to the backup bucket, verify, prune old dumps.

A dump is named after the UTC time it was started (``kirbygen-20250101T120000Z.dump``)
under the configured prefix, so its age is read from its key and pruning needs no metadata.
Nothing counts as a backup until the stored object has been read back whole: its size and
SHA-256 match what the dump produced, and the database's restore tool read every entry.
A dump that fails at any step is deleted from the bucket.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import BinaryIO, TypeVar

import attrs

from domain.errors import DumpFailed, KirbyGenError, NotFound
from domain.ports import Clock, DatabaseDumper, Storage, StoredObject

T = TypeVar("T")
DUMP_PATTERN = re.compile(r"kirbygen-(\d{8}T\d{6}Z)\.dump")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

Report = Callable[[str], None]


@attrs.frozen
class BackupPolicy:
    # Folder of the bucket holding the dumps ('' or ending with '/').
    prefix: str
    keep_days: int

    def __attrs_post_init__(self) -> None:
        if self.keep_days <= 0:
            raise ValueError("keep_days must be positive")
        if self.prefix and not self.prefix.endswith("/"):
            raise ValueError("a backup prefix ends with '/'")


@attrs.frozen
class DumpInfo:
    key: str
    taken: datetime


@attrs.frozen
class BackupOutcome:
    key: str
    size: int
    sha256: str
    pruned: tuple[str, ...]


def dump_key(prefix: str, taken: datetime) -> str:
    return f"{prefix}kirbygen-{taken.astimezone(UTC).strftime(STAMP_FORMAT)}.dump"


def dump_info(prefix: str, key: str) -> DumpInfo | None:
    """The dump a key names, None for any other object under the prefix."""
    match = DUMP_PATTERN.fullmatch(key.removeprefix(prefix)) if key.startswith(prefix) else None
    if match is None:
        return None
    taken = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
    return DumpInfo(key=key, taken=taken)


class _Digest:
    """Passes a stream through, counting and hashing what is read."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self.size = 0
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        self.size += len(chunk)
        self.sha256.update(chunk)
        return chunk


def _step(what: str, action: Callable[[], T]) -> T:
    """Run one step against the bucket; any failure becomes one line naming the step."""
    try:
        return action()
    except KirbyGenError:
        raise
    except Exception as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DumpFailed(f"{what} failed: {type(exc).__name__}: {detail}") from exc


class DatabaseBackup:
    def __init__(
        self,
        *,
        dumper: DatabaseDumper,
        store: Storage,
        clock: Clock,
        policy: BackupPolicy,
        report: Report,
    ) -> None:
        self._dumper = dumper
        self._store = store
        self._clock = clock
        self._policy = policy
        self._report = report

    def run(self) -> BackupOutcome:
        prefix = self._policy.prefix
        existing = self.list_dumps()
        self._report(f"bucket reachable: {len(existing)} earlier dump(s) under {prefix!r}")
        started = self._clock.now()
        key = dump_key(prefix, started)
        if any(dump.key == key for dump in existing):
            raise DumpFailed(f"a dump named {key} already exists; run the backup again")
        self._report(f"dumping the database to {key}")
        stored = self._upload(key)
        self._report(f"uploaded {key}: {stored.size} bytes, sha256 {stored.sha256}")
        self._verify(stored)
        self._report(f"verified {key}: size and sha256 match, every entry of the dump reads")
        pruned = self._prune(existing, started)
        self._report(
            f"pruned {len(pruned)} dump(s) older than {self._policy.keep_days} day(s)"
            + (f": {', '.join(pruned)}" if pruned else "")
        )
        return BackupOutcome(key=key, size=stored.size, sha256=stored.sha256, pruned=pruned)

    def list_dumps(self) -> list[DumpInfo]:
        """The dumps under the prefix, newest first."""
        prefix = self._policy.prefix
        keys = _step("listing the backup bucket", lambda: self._store.list(prefix))
        found = [info for key in keys if (info := dump_info(prefix, key)) is not None]
        return sorted(found, key=lambda info: info.taken, reverse=True)

    def restore(self, key: str) -> None:
        """Restore the dump ``key`` (a key, or a name under the prefix) into the database."""
        if not key.startswith(self._policy.prefix):
            key = self._policy.prefix + key
        if not _step("reading the backup bucket", lambda: self._store.exists(key)):
            raise NotFound(f"no dump {key} in the backup bucket (kirbygen backup --list)")
        self._report(f"restoring {key}")
        with _step("downloading the dump", lambda: self._store.open(key)) as stream:
            _step("restoring the dump", lambda: self._dumper.restore(stream))
        self._report(f"restored {key}")

    def _upload(self, key: str) -> StoredObject:
        try:
            with self._dumper.dump() as stream:
                return _step("uploading the dump", lambda: self._store.put(key, stream))
        except BaseException:
            self._discard(key)
            raise

    def _verify(self, stored: StoredObject) -> None:
        key = stored.key
        try:
            with _step("downloading the dump", lambda: self._store.open(key)) as stream:
                digest = _Digest(stream)
                self._dumper.check(digest)  # type: ignore[arg-type]
                # The restore tool may stop at the end of the archive before EOF.
                while digest.read(1024 * 1024):
                    pass
            if digest.size != stored.size or digest.sha256.hexdigest() != stored.sha256:
                raise DumpFailed(
                    f"the stored dump {key} differs from what was dumped "
                    f"({digest.size} bytes read back, {stored.size} sent)"
                )
        except BaseException:
            self._discard(key)
            raise

    def _discard(self, key: str) -> None:
        try:
            self._store.delete(key)
        except Exception as exc:  # the failure being reported matters more than this one
            self._report(f"could not delete the unfinished dump {key}: {exc}")
        else:
            self._report(f"deleted the unfinished dump {key}")

    def _prune(self, existing: list[DumpInfo], now: datetime) -> tuple[str, ...]:
        cutoff = now - timedelta(days=self._policy.keep_days)
        old = tuple(dump.key for dump in existing if dump.taken < cutoff)
        for key in old:
            _step(f"deleting the old dump {key}", partial(self._store.delete, key))
        return old
