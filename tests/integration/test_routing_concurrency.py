"""Several routers at once, in threads on both stores and in processes on one SQLite file: no
lead is assigned twice, no capacity is exceeded, equal weights stay within one lead of each
other. Every conflict is retried, so the outcome does not depend on the interleaving."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections import Counter
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from prmcore.domain import Capacity, Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.lead_routing import (
    LeadRoutingService,
    PoolMember,
    Router,
    RoutingStatus,
    Territory,
    TerritoryModel,
)
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork, SqliteStore, SqliteUnitOfWork
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
PARTNERS = ("p-1", "p-2", "p-3", "p-4")
TIMEOUT = 120.0


def model() -> TerritoryModel:
    return TerritoryModel(
        "m",
        1,
        [
            Territory(
                "de",
                "Germany",
                include=field("location.country").eq("DE"),
                members=[PoolMember(p) for p in PARTNERS],
            )
        ],
    )


def lead(number: int) -> Lead:
    return Lead(
        id=f"l-{number:04d}",
        company_name=f"Prospect {number}",
        location=Location(country="DE"),
        received_at=AT,
    )


def seed(unit: Any, store: Any, capacity: int) -> None:
    with unit(store) as uow:
        uow.partners.add_many(
            [
                Partner(
                    id=p,
                    name=p,
                    kind=PartnerKind.RESELLER,
                    status=PartnerStatus.ACTIVE,
                    capacity=Capacity(max_open_leads=capacity),
                )
                for p in PARTNERS
            ]
        )
        uow.commit()


def service(unit: Any, store: Any, sink: RecordingSink | None = None) -> LeadRoutingService:
    return LeadRoutingService(
        lambda: unit(store, sink), Router(model()), FixedClock(AT), SequentialIds("evt")
    )


def check(unit: Any, store: Any, leads: int, capacity: int) -> Counter[str]:
    with unit(store) as uow:
        records = uow.lead_routings.list()
        loads = {x.id: x for x in uow.partner_loads.list()}
        rotation = uow.rotation_states.get("de")
    assert len(records) == leads  # every lead routed exactly once
    offered = Counter(r.partner_id for r in records if r.status is RoutingStatus.OFFERED)
    assert all(n <= capacity for n in offered.values())
    assert {p: loads[p].open for p in offered} == dict(offered)  # loads agree with records
    assert rotation.assigned() == dict(offered)
    expected_offers = min(leads, capacity * len(PARTNERS))
    assert sum(offered.values()) == expected_offers
    assert sum(1 for r in records if r.status is RoutingStatus.QUEUED) == leads - expected_offers
    return offered


def run_threads(svc: LeadRoutingService, threads: int, per_thread: int) -> None:
    barrier = threading.Barrier(threads, timeout=TIMEOUT)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                svc.route(lead(index * per_thread + i))
                # Every thread also replays a lead another thread routes: never twice.
                svc.route(lead(((index + 1) % threads) * per_thread + i))
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(TIMEOUT)
        assert not w.is_alive()
    assert not errors, errors


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "memory":
        yield InMemoryUnitOfWork, InMemoryStore()
    else:
        with SqliteStore(tmp_path / "r.sqlite3", synchronous="NORMAL", busy_timeout=60) as s:
            yield SqliteUnitOfWork, s


def test_threads_share_fairly_within_capacity(backend: Any) -> None:
    unit, store = backend
    seed(unit, store, capacity=100)
    sink = RecordingSink()
    run_threads(service(unit, store, sink), threads=4, per_thread=15)
    offered = check(unit, store, leads=60, capacity=100)
    assert max(offered.values()) - min(offered.values()) <= 1
    assert sink.names.count("LeadOffered") == 60  # replays published nothing


def test_threads_never_exceed_capacity(backend: Any) -> None:
    unit, store = backend
    seed(unit, store, capacity=5)
    run_threads(service(unit, store), threads=4, per_thread=8)
    offered = check(unit, store, leads=32, capacity=5)
    assert offered == dict.fromkeys(PARTNERS, 5)


def route_in_process(path: str, numbers: list[int], barrier: Barrier, results: Any) -> None:
    """Runs in a child process: route *numbers* against the shared file."""
    try:
        with SqliteStore(path, busy_timeout=60) as store:
            svc = service(SqliteUnitOfWork, store)
            barrier.wait()
            for n in numbers:
                svc.route(lead(n))
            outcome = f"ok {svc.conflicts}"
    except BaseException as exc:  # reported to the parent
        outcome = f"error {exc!r}"
    results.put(outcome)


@pytest.mark.slow
@pytest.mark.parametrize("capacity", [100, 4])
def test_processes_on_one_sqlite_file(tmp_path: Path, capacity: int) -> None:
    path = str(tmp_path / "shared.sqlite3")
    with SqliteStore(path) as store:
        seed(SqliteUnitOfWork, store, capacity=capacity)
    context = multiprocessing.get_context("spawn")
    processes = 3
    barrier = context.Barrier(processes, timeout=TIMEOUT)
    results = context.Queue()
    # Overlapping lead numbers: each lead is routed by two processes, assigned once.
    batches = [list(range(i * 8, i * 8 + 12)) for i in range(processes)]
    workers = [
        context.Process(target=route_in_process, args=(path, batch, barrier, results))
        for batch in batches
    ]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=TIMEOUT) for _ in workers]
    for w in workers:
        w.join(TIMEOUT)
        assert w.exitcode == 0
    assert all(o.startswith("ok") for o in outcomes), outcomes
    leads = len({n for batch in batches for n in batch})
    with SqliteStore(path) as store:
        offered = check(SqliteUnitOfWork, store, leads=leads, capacity=capacity)
    assert max(offered.values()) - min(offered.values()) <= 1
