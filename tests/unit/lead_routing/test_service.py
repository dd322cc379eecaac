"""The routing service on both stores: events after commit, idempotency, offers, retries and
all-or-nothing calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from prmcore.domain import Capacity, Contact, Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.lead_routing import (
    LeadRoutingService,
    OfferPolicy,
    PoolMember,
    Router,
    RoutingStatus,
    Territory,
    TerritoryModel,
)
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork, SqliteStore, SqliteUnitOfWork
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
MODEL = TerritoryModel(
    "m",
    1,
    [
        Territory(
            "de",
            "Germany",
            include=field("location.country").eq("DE"),
            members=[PoolMember("p-a"), PoolMember("p-b"), PoolMember("p-c")],
        )
    ],
)


def partner(pid: str, **changes: object) -> Partner:
    values: dict[str, object] = {
        "id": pid,
        "name": pid,
        "kind": PartnerKind.RESELLER,
        "status": PartnerStatus.ACTIVE,
        "capacity": Capacity(max_open_leads=2),
    }
    values.update(changes)
    return Partner(**values)  # type: ignore[arg-type]


def lead(number: int, country: str = "DE") -> Lead:
    return Lead(
        id=f"l-{number}",
        company_name=f"Prospect {number}",
        location=Location(country=country),
        received_at=AT,
        contact=Contact(name="Zoë Müller", email="zoe@example.com"),
    )


Factory = Callable[[], Any]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryStore()
    else:
        with SqliteStore(tmp_path / "routing.sqlite3", synchronous="NORMAL") as sqlite:
            yield sqlite


class World:
    def __init__(self, store: Any, **service: Any) -> None:
        self.store = store
        self.sink = RecordingSink()
        self.clock = FixedClock(AT)
        unit = InMemoryUnitOfWork if isinstance(store, InMemoryStore) else SqliteUnitOfWork
        self.unit: Callable[..., Any] = unit
        with unit(store) as uow:
            uow.partners.add_many([partner("p-a"), partner("p-b"), partner("p-c")])
            uow.commit()
        self.service = LeadRoutingService(
            lambda: unit(store, self.sink),
            Router(MODEL),
            self.clock,
            SequentialIds("evt"),
            policy=OfferPolicy(sla=dt.timedelta(hours=24), max_attempts=2),
            **service,
        )

    def snapshot(self) -> tuple[Any, ...]:
        with self.unit(self.store) as uow:
            return (
                uow.lead_routings.list(),
                uow.partner_loads.list(),
                uow.rotation_states.list(),
                uow.leads.list(),
            )

    def load(self, pid: str) -> Any:
        with self.unit(self.store) as uow:
            return uow.partner_loads.get(pid)


def test_route_stores_record_state_and_publishes_after_commit(store: Any) -> None:
    world = World(store, trace=True)
    result = world.service.route(lead(1))
    assert result.record.status is RoutingStatus.OFFERED
    assert result.record.version == 1
    assert result.record.partner_id == "p-a"
    assert result.decision is not None
    assert result.decision.trace is not None
    assert world.sink.names == ["LeadOffered"]
    event = world.sink.events[0]
    assert event.payload["partner_id"] == "p-a"
    assert event.payload["deadline"] == (AT + dt.timedelta(hours=24)).isoformat()
    records, loads, rotations, leads = world.snapshot()
    assert records == [result.record]
    assert [(x.id, x.open, x.offered, x.version) for x in loads] == [("p-a", 1, 1, 1)]
    assert [(r.id, r.version) for r in rotations] == [("de", 1)]
    assert [x.id for x in leads] == ["l-1"]


def test_same_idempotency_key_returns_the_same_decision(store: Any) -> None:
    world = World(store)
    first = world.service.route(lead(1), idempotency_key="req-1")
    before = world.snapshot()
    again = world.service.route(lead(1), idempotency_key="req-1")
    assert again.replayed
    assert again.record == first.record
    assert world.snapshot() == before
    assert world.sink.names == ["LeadOffered"]
    with pytest.raises(ConflictError, match="idempotency key 'req-1'"):
        world.service.route(lead(1), idempotency_key="req-2")
    assert world.snapshot() == before


def test_unmatched_lead_goes_to_the_queue(store: Any) -> None:
    world = World(store, trace=True)
    result = world.service.route(lead(1, country="FR"))
    assert result.record.status is RoutingStatus.QUEUED
    assert result.record.queue_reason == "no territory covers the lead and there is no catch-all"
    assert result.decision is not None
    assert result.decision.trace is not None
    assert world.sink.names == ["LeadUnroutable"]
    assert world.snapshot()[1] == []  # no load changed


def test_decline_reroutes_excluding_decliners_then_queues(store: Any) -> None:
    world = World(store)
    world.service.route(lead(1))
    second = world.service.decline("l-1", "p-a", "not_a_fit")
    assert [o.partner_id for o in second.record.offers] == ["p-a", "p-b"]
    assert world.load("p-a").open == 0
    assert world.load("p-a").declined == 1
    assert world.load("p-b").open == 1
    third = world.service.decline("l-1", "p-b", "no_capacity")
    assert third.record.status is RoutingStatus.QUEUED
    assert third.record.queue_reason == "no partner accepted after 2 offers"
    assert world.sink.names == [
        "LeadOffered", "LeadDeclined", "LeadOffered", "LeadDeclined", "LeadUnroutable",
    ]  # fmt: skip
    assert world.load("p-b").open == 0
    with pytest.raises(ValidationError):
        world.service.decline("l-1", "p-c", "no_capacity")


def test_expiry_reroutes(store: Any) -> None:
    world = World(store)
    world.service.route(lead(1))
    world.service.route(lead(2))
    assert world.service.expire_due() == []
    world.service.accept("l-2", "p-b")
    world.clock.advance(dt.timedelta(hours=25))
    results = world.service.expire_due()
    assert [r.record.id for r in results] == ["l-1"]
    assert [o.status.value for o in results[0].record.offers] == ["expired", "pending"]
    assert results[0].record.partner_id == "p-c"
    assert world.load("p-a").expired == 1
    assert world.sink.names[-2:] == ["LeadExpired", "LeadOffered"]


def test_accept_preview_and_close(store: Any) -> None:
    world = World(store)
    world.service.route(lead(1))
    preview = world.service.preview("l-1", "p-a")
    assert preview.redacted
    assert preview.contact is None
    with pytest.raises(ValidationError):
        world.service.accept("l-1", "p-b")
    accepted = world.service.accept("l-1", "p-a")
    assert accepted.status is RoutingStatus.ACCEPTED
    assert world.sink.names == ["LeadOffered", "LeadAccepted"]
    assert world.service.preview("l-1", "p-a").contact == lead(1).contact
    assert world.load("p-a").accepted == 1
    closed = world.service.close("l-1", won=True)
    assert closed.status is RoutingStatus.CLOSED
    load = world.load("p-a")
    assert (load.open, load.won) == (0, 1)
    with pytest.raises(InvalidTransition):
        world.service.close("l-1", won=False)
    with pytest.raises(NotFoundError):
        world.service.accept("l-9", "p-a")


def test_late_acceptance_fails_and_changes_nothing(store: Any) -> None:
    world = World(store)
    world.service.route(lead(1))
    before = world.snapshot()
    world.clock.advance(dt.timedelta(hours=30))
    with pytest.raises(InvalidTransition):
        world.service.accept("l-1", "p-a")
    with pytest.raises(ValidationError):
        world.service.decline("l-1", "p-a", "other")
    assert world.snapshot() == before
    assert world.sink.names == ["LeadOffered"]


def test_capacity_fills_then_leads_queue(store: Any) -> None:
    world = World(store)
    results = [world.service.route(lead(i)) for i in range(8)]
    statuses = [r.record.status.value for r in results]
    assert statuses == ["offered"] * 6 + ["queued"] * 2
    assert results[-1].record.queue_reason == "no eligible partner in de"
    assert [world.load(p).open for p in ("p-a", "p-b", "p-c")] == [2, 2, 2]


def test_a_stale_write_is_retried_not_lost(store: Any) -> None:
    """Another router commits between this call's read and its write: the write conflicts,
    the service starts over on fresh state, and both leads are kept."""
    world = World(store)
    unit = world.unit
    rival = LeadRoutingService(
        lambda: unit(store), Router(MODEL), world.clock, SequentialIds("rival")
    )
    raced = []

    class Racing:
        def __init__(self) -> None:
            self.inner = unit(store, world.sink)

        def __enter__(self) -> Any:
            uow = self.inner.__enter__()
            real_commit = uow.commit

            def commit() -> None:
                if not raced:
                    raced.append(True)
                    rival.route(lead(99))
                real_commit()

            uow.commit = commit
            return uow

        def __exit__(self, *exc: object) -> None:
            self.inner.__exit__(*exc)

    if isinstance(store, SqliteStore):
        # SQLite holds the write lock from the first write: the rival must read and write
        # before this unit writes. Race at the first read of the rotation instead.
        class RacingRead(Racing):
            def __enter__(self) -> Any:
                uow = self.inner.__enter__()
                rotations = uow.rotation_states
                real_find = rotations.find

                def find(key: str) -> Any:
                    found = real_find(key)
                    if not raced:
                        raced.append(True)
                        rival.route(lead(99))
                    return found

                rotations.find = find
                return uow

        factory: Callable[[], Any] = RacingRead
    else:
        factory = Racing
    service = LeadRoutingService(factory, Router(MODEL), world.clock, SequentialIds("evt"))
    result = service.route(lead(1))
    assert service.conflicts == 1
    assert result.record.partner_id == "p-b"  # p-a went to the rival's lead first
    records = world.snapshot()[0]
    assert [(r.id, r.partner_id) for r in records] == [("l-1", "p-b"), ("l-99", "p-a")]
    assert [world.load(p).open for p in ("p-a", "p-b")] == [1, 1]


def test_conflicts_beyond_the_retry_limit_propagate(store: Any) -> None:
    world = World(store)
    calls = []

    def always_conflicting() -> Any:
        calls.append(1)
        raise ConflictError("RotationState", "de", 1, 2)

    service = LeadRoutingService(
        always_conflicting, Router(MODEL), world.clock, SequentialIds(), max_retries=3
    )
    with pytest.raises(ConflictError):
        service.route(lead(1))
    assert len(calls) == 4
