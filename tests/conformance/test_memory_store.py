"""The conformance suite against the in-memory store."""

from __future__ import annotations

import pytest

from prmcore.events import EventSink
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork
from prmcore.testing.conformance import StoreConformance


class TestInMemoryStore(StoreConformance):
    @pytest.fixture(autouse=True)
    def fresh_store(self) -> None:
        self.store = InMemoryStore()

    def make_unit_of_work(self, sink: EventSink | None = None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, sink)
