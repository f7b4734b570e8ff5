"""DatabaseBackup's own rules, with an in-memory bucket and dumper: what counts as verified,
what is pruned, and that nothing unfinished stays in the bucket."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

import pytest

from application.backup import BackupPolicy, DatabaseBackup, dump_info, dump_key
from domain.errors import DumpFailed, NotFound
from tests.fakes.clock import FixedClock
from tests.fakes.storage import FakeStorage

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
DUMP = b"PGDMP" + bytes(range(256)) * 64


class FakeDumper:
    def __init__(self, data: bytes = DUMP) -> None:
        self.data = data
        self.checked: list[bytes] = []
        self.restored: list[bytes] = []

    @contextmanager
    def dump(self) -> Iterator[BinaryIO]:
        yield io.BytesIO(self.data)

    def check(self, dump: BinaryIO) -> None:
        body = dump.read(len(self.data) // 2)  # stops early, as pg_restore may
        if not body.startswith(b"PGDMP"):
            raise DumpFailed("pg_restore failed (exit 1): not an archive")
        self.checked.append(body)

    def restore(self, dump: BinaryIO) -> None:
        self.restored.append(dump.read())


class ShortReadStorage(FakeStorage):
    """A bucket that hands back fewer bytes than it was given (a truncated object)."""

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.get(key)[:-10])


def _backup(
    store: FakeStorage, dumper: FakeDumper | None = None, keep_days: int = 7
) -> tuple[DatabaseBackup, list[str]]:
    lines: list[str] = []
    service = DatabaseBackup(
        dumper=dumper or FakeDumper(),
        store=store,
        clock=FixedClock(NOW),
        policy=BackupPolicy(prefix="db/", keep_days=keep_days),
        report=lines.append,
    )
    return service, lines


def test_keys_carry_the_utc_time_and_only_dump_names_are_dumps() -> None:
    key = dump_key("db/", NOW)
    assert key == "db/kirbygen-20250301T120000Z.dump"
    info = dump_info("db/", key)
    assert info is not None and info.taken == NOW
    assert dump_info("db/", "db/notes.txt") is None
    assert dump_info("db/", "other/kirbygen-20250301T120000Z.dump") is None
    assert dump_info("db/", "db/kirbygen-20250301T120000Z.dump.bak") is None


def test_a_backup_keeps_dumps_up_to_keep_days_old_and_prunes_older_ones() -> None:
    store = FakeStorage()
    exactly = dump_key("db/", NOW - timedelta(days=7))
    older = dump_key("db/", NOW - timedelta(days=7, seconds=1))
    for key in (exactly, older, "db/readme"):
        store.put(key, b"old")
    service, lines = _backup(store)
    outcome = service.run()
    assert outcome.key == "db/kirbygen-20250301T120000Z.dump"
    assert store.objects[outcome.key] == DUMP and outcome.size == len(DUMP)
    assert outcome.pruned == (older,)
    assert sorted(store.objects) == sorted([exactly, outcome.key, "db/readme"])
    assert len(lines) == 5 and lines[0].startswith("bucket reachable: 2 earlier dump(s)")


def test_an_object_that_reads_back_short_is_deleted_and_the_backup_fails() -> None:
    store = ShortReadStorage()
    service, lines = _backup(store)
    with pytest.raises(DumpFailed, match="differs from what was dumped"):
        service.run()
    assert store.objects == {}
    assert lines[-1] == "deleted the unfinished dump db/kirbygen-20250301T120000Z.dump"


def test_a_dump_the_restore_tool_cannot_read_is_deleted() -> None:
    store = FakeStorage()
    service, _ = _backup(store, FakeDumper(b"garbage"))
    with pytest.raises(DumpFailed, match="not an archive"):
        service.run()
    assert store.objects == {}


def test_a_dump_of_the_same_second_is_not_overwritten() -> None:
    store = FakeStorage()
    store.put(dump_key("db/", NOW), b"earlier")
    service, _ = _backup(store)
    with pytest.raises(DumpFailed, match="already exists"):
        service.run()
    assert store.objects[dump_key("db/", NOW)] == b"earlier"


def test_restore_reads_the_named_dump_and_refuses_an_unknown_one() -> None:
    store = FakeStorage()
    store.put("db/kirbygen-20250301T120000Z.dump", DUMP)
    dumper = FakeDumper()
    service, _ = _backup(store, dumper)
    service.restore("kirbygen-20250301T120000Z.dump")
    assert dumper.restored == [DUMP]
    with pytest.raises(NotFound, match=r"no dump db/kirbygen-x\.dump"):
        service.restore("kirbygen-x.dump")


def test_a_bucket_failure_names_the_step() -> None:
    class Broken(FakeStorage):
        def list(self, prefix: str) -> list[str]:
            raise ConnectionError("connection refused")

    service, _ = _backup(Broken())
    with pytest.raises(DumpFailed) as raised:
        service.run()
    assert raised.value.message == (
        "listing the backup bucket failed: ConnectionError: connection refused"
    )


def test_a_policy_needs_positive_days_and_a_folder_prefix() -> None:
    with pytest.raises(ValueError):
        BackupPolicy(prefix="db/", keep_days=0)
    with pytest.raises(ValueError):
        BackupPolicy(prefix="db", keep_days=1)
