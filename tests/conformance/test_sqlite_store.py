"""The conformance suite against the SQLite store: a database file, and ``":memory:"``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prmcore.events import EventSink
from prmcore.repositories import SqliteStore, SqliteUnitOfWork
from prmcore.testing.conformance import StoreConformance


class TestSqliteFileStore(StoreConformance):
    @pytest.fixture(autouse=True)
    def fresh_store(self, tmp_path: Path) -> Iterator[None]:
        with SqliteStore(tmp_path / "prm.sqlite3", synchronous="NORMAL") as self.store:
            yield

    def make_unit_of_work(self, sink: EventSink | None = None) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self.store, sink)


class TestSqliteMemoryStore(StoreConformance):
    @pytest.fixture(autouse=True)
    def fresh_store(self) -> Iterator[None]:
        with SqliteStore(":memory:") as self.store:
            yield

    def make_unit_of_work(self, sink: EventSink | None = None) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self.store, sink)
