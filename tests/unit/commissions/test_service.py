"""The commission service: runs through the repositories in one unit of work, events after
commit, and a failure mid-run leaves SQLite storage exactly as it was."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from prmcore.commissions import CommissionService, LineKind, PartnerProfile
from prmcore.domain import PartnerKind
from prmcore.errors import CurrencyMismatch, NotFoundError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork, SqliteStore, SqliteUnitOfWork

from .conftest import D, graduated_plan, month, refund, sale

JAN, FEB = month(2026, 1), month(2026, 2)
CLOCK = FixedClock(dt.datetime(2026, 2, 1, 6, tzinfo=dt.UTC))


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda sink=None: InMemoryUnitOfWork(store, sink)
    else:
        with SqliteStore(tmp_path / "prm.sqlite3", synchronous="NORMAL") as sqlite_store:
            yield lambda sink=None: SqliteUnitOfWork(sqlite_store, sink)


def test_a_month_is_run_closed_and_reported(factory: Callable[..., Any]) -> None:
    sink = RecordingSink()
    service = CommissionService(lambda: factory(sink), CLOCK, SequentialIds("evt"))
    service.save_plan(graduated_plan())
    service.record(
        [
            sale("t-1", D(2026, 1, 5), "8000", [("a", 100)]),
            sale("t-2", D(2026, 1, 20), "4000", [("a", 50), ("b", 50)]),
        ]
    )
    partners = {"c": PartnerProfile("c", PartnerKind.MSP)}
    first = service.run("plan", JAN, as_of=D(2026, 1, 31), partners=partners)
    assert [line.kind for line in first.lines] == [LineKind.CREDIT] * 3
    assert sink.names == ["CommissionCredited", "CommissionCredited"]
    assert sink.events[0].payload["amount"] == "500.00"  # a: 8,000 + 2,000 at 5%
    assert service.run("plan", JAN, as_of=D(2026, 1, 31)).lines == ()
    assert len(sink.events) == 2  # nothing new: nothing published
    closing = service.run("plan", JAN, as_of=D(2026, 2, 1), partners=partners, close=True)
    assert [line.kind for line in closing.lines] == [LineKind.PAYOUT, LineKind.PAYOUT]
    issued = [e for e in sink.events if e.name == "StatementIssued"]
    assert [e.partner_id for e in issued] == ["a", "b", "c"]
    assert service.run("plan", JAN, as_of=D(2026, 2, 2), close=True).lines == ()
    statements = service.statements("plan", JAN)
    assert [(s.partner_id, s.payout.amount) for s in statements] == [
        ("a", Decimal("500.00")),
        ("b", Decimal("100.00")),
    ]
    # a late refund lands in February; January is never written again
    service.record([refund("r-1", D(2026, 2, 3), "8000", of="t-1")])
    feb = service.run("plan", FEB, as_of=D(2026, 3, 1))
    assert [(x.kind, x.period, x.amount) for x in feb.lines] == [
        (LineKind.CLAWBACK, FEB, Decimal("-400.00"))
    ]
    assert all(x.period == JAN for x in service.ledger("plan") if x.posted_on < D(2026, 3, 1))
    assert len(service.ledger("plan", partner_id="b")) == 2
    with pytest.raises(NotFoundError):
        service.run("nope", JAN, as_of=D(2026, 2, 1))


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class _Boom(Exception):
    pass


def test_a_failure_mid_run_leaves_sqlite_exactly_as_before(tmp_path: Path) -> None:
    path = tmp_path / "prm.sqlite3"
    sink = RecordingSink()
    with SqliteStore(path) as store:
        service = CommissionService(
            lambda: SqliteUnitOfWork(store, sink), CLOCK, SequentialIds("evt")
        )
        service.save_plan(graduated_plan())
        service.record([sale("t-1", D(2026, 1, 5), "8000"), sale("t-2", D(2026, 1, 9), "100")])
        service.run("plan", JAN, as_of=D(2026, 1, 31))
        service.record([sale("t-3", D(2026, 1, 25), "5000")])
        before = _dump(path)
        published = len(sink.events)

        class FailingUnit(SqliteUnitOfWork):
            @property
            def commission_periods(self) -> Any:
                raise _Boom("the disk is gone")  # after the ledger lines were appended

        failing = CommissionService(lambda: FailingUnit(store, sink), CLOCK, SequentialIds("x"))
        with pytest.raises(_Boom):
            failing.run("plan", JAN, as_of=D(2026, 2, 1), close=True)
        assert _dump(path) == before
        assert len(sink.events) == published
        dollars = CommissionService(
            lambda: SqliteUnitOfWork(store, sink), CLOCK, SequentialIds("y")
        )
        dollars.record([sale("t-4", D(2026, 1, 26), "10", currency="USD")])
        before = _dump(path)
        with pytest.raises(CurrencyMismatch):
            dollars.run("plan", JAN, as_of=D(2026, 2, 1), close=True)
        assert _dump(path) == before
