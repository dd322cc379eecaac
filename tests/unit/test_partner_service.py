"""The partner service on both shipped stores, with fakes for failures (no mocks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from prmcore.domain import Partner, PartnerId, PartnerKind, PartnerStatus
from prmcore.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from prmcore.events import FixedClock, PartnerStatusChanged, RecordingSink, SequentialIds
from prmcore.partner_service import PartnerService
from prmcore.repositories import (
    InMemoryStore,
    InMemoryUnitOfWork,
    SqliteStore,
    SqliteUnitOfWork,
    UnitOfWork,
)

AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowFactory]:
    sink = RecordingSink()
    if request.param == "memory":
        memory = InMemoryStore()
        factory: UowFactory = lambda: InMemoryUnitOfWork(memory, sink)  # noqa: E731
        factory.sink = sink  # type: ignore[attr-defined]
        yield factory
    else:
        with SqliteStore(tmp_path / "prm.sqlite3") as store:
            factory = lambda: SqliteUnitOfWork(store, sink)  # noqa: E731
            factory.sink = sink  # type: ignore[attr-defined]
            yield factory


@pytest.fixture
def sink(uow_factory: UowFactory) -> RecordingSink:
    result: RecordingSink = uow_factory.sink  # type: ignore[attr-defined]
    return result


@pytest.fixture
def service(uow_factory: UowFactory) -> PartnerService:
    return PartnerService(uow_factory, FixedClock(AT), SequentialIds("evt"))


def acme(**changes: object) -> Partner:
    values: dict[str, object] = {"id": "p-1", "name": "Acme IT", "kind": PartnerKind.RESELLER}
    values.update(changes)
    return Partner(**values)  # type: ignore[arg-type]


def everything(uow_factory: UowFactory) -> list[Partner]:
    with uow_factory() as uow:
        return uow.partners.list()


def test_register_stores_and_announces(
    service: PartnerService, uow_factory: UowFactory, sink: RecordingSink
) -> None:
    stored = service.register(acme())
    assert stored == attrs.evolve(acme(), version=1)
    assert everything(uow_factory) == [stored]
    (event,) = sink.events
    assert (event.name, event.id, event.occurred_at) == ("PartnerRegistered", "evt-000001", AT)
    assert event.payload["partner_id"] == "p-1"
    assert event.payload["version"] == 1


def test_change_status_walks_the_lifecycle(
    service: PartnerService, uow_factory: UowFactory, sink: RecordingSink
) -> None:
    service.register(acme())
    onboarding = service.change_status("p-1", "onboarding")
    active = service.change_status(PartnerId("p-1"), PartnerStatus.ACTIVE, expected_version=2)
    assert (onboarding.version, active.version, active.status) == (2, 3, PartnerStatus.ACTIVE)
    assert everything(uow_factory) == [active]
    changes = [e for e in sink.events if isinstance(e, PartnerStatusChanged)]
    assert [(e.from_status, e.to_status, e.payload["version"]) for e in changes] == [
        ("prospect", "onboarding", 2),
        ("onboarding", "active", 3),
    ]
    assert [e.id for e in sink.events] == ["evt-000001", "evt-000002", "evt-000003"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.register(acme(name="Second Acme")), ConflictError),
        (lambda s: s.register(acme(id="p-2", version=4)), ValidationError),
        (lambda s: s.change_status("p-1", "active"), InvalidTransition),
        (lambda s: s.change_status("p-1", "dormant"), ValidationError),
        (lambda s: s.change_status("p-1", "onboarding", expected_version=7), ConflictError),
        (lambda s: s.change_status("p-9", "onboarding"), NotFoundError),
    ],
)
def test_a_refused_call_changes_and_publishes_nothing(
    service: PartnerService,
    uow_factory: UowFactory,
    sink: RecordingSink,
    call: Callable[[PartnerService], object],
    error: type[Exception],
) -> None:
    stored = service.register(acme())
    sink.clear()
    with pytest.raises(error):
        call(service)
    assert everything(uow_factory) == [stored]
    assert sink.events == []


class BrokenIds:
    """An id factory that fails after the write has been made: the unit must roll back."""

    def __call__(self) -> str:
        raise RuntimeError("id service unavailable")


class BrokenClock:
    def now(self) -> dt.datetime:
        raise RuntimeError("clock unavailable")


@pytest.mark.parametrize(("clock", "ids"), [(FixedClock(AT), BrokenIds()), (BrokenClock(), None)])
def test_an_injected_failure_after_the_write_leaves_storage_unchanged(
    uow_factory: UowFactory, sink: RecordingSink, clock: object, ids: object
) -> None:
    healthy = PartnerService(uow_factory, FixedClock(AT), SequentialIds("evt"))
    stored = healthy.register(acme())
    sink.clear()
    broken = PartnerService(uow_factory, clock, ids or SequentialIds("x"))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="unavailable"):
        broken.register(acme(id="p-2"))
    with pytest.raises(RuntimeError, match="unavailable"):
        broken.change_status("p-1", "onboarding")
    assert everything(uow_factory) == [stored]
    assert sink.events == []


def test_a_change_made_meanwhile_wins(uow_factory: UowFactory, sink: RecordingSink) -> None:
    """A user looked at version 1; someone else changed the partner since. The status change
    for version 1 fails with ConflictError, and only the other change is kept."""
    service = PartnerService(uow_factory, FixedClock(AT), SequentialIds("evt"))
    seen = service.register(acme())
    with uow_factory() as other:
        other.partners.update(attrs.evolve(seen, name="Changed meanwhile"))
        other.commit()
    sink.clear()
    with pytest.raises(ConflictError) as caught:
        service.change_status("p-1", "onboarding", expected_version=seen.version)
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    (kept,) = everything(uow_factory)
    assert (kept.name, kept.status, kept.version) == (
        "Changed meanwhile",
        PartnerStatus.PROSPECT,
        2,
    )
    assert sink.events == []
