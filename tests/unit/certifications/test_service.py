"""The certification service on both shipped stores: types, awards, renewals and reminders that
are sent exactly once; failures leave storage as it was (fakes, no mocks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.certifications import (
    CertificationAward,
    CertificationCatalog,
    CertificationType,
    Duration,
    MissingPrerequisite,
    RenewalRefused,
    reminders_due,
)
from prmcore.certifications.service import CertificationService
from prmcore.domain import Person
from prmcore.errors import ConflictError, NotFoundError, ValidationError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.repositories import (
    InMemoryStore,
    InMemoryUnitOfWork,
    SqliteStore,
    SqliteUnitOfWork,
    UnitOfWork,
)

D = dt.date
AT = dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC)
UowFactory = Callable[[], UnitOfWork]

SPEC = CertificationType("spec", "Specialist", validity=Duration(years=1), grace=Duration(days=30))  # type: ignore[arg-type]
EXPERT = CertificationType(
    "expert",
    "Expert",
    validity=Duration(years=3),
    prerequisites=["spec"],
    satisfies=["spec"],
    reminder_days=[120, 30],
)  # type: ignore[arg-type]


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


def make_service(factory: UowFactory, ids: Callable[[], str] | None = None) -> CertificationService:
    return CertificationService(factory, FixedClock(AT), ids or SequentialIds("evt"))


@pytest.fixture
def service(uow_factory: UowFactory) -> CertificationService:
    svc = make_service(uow_factory)
    svc.add_types([SPEC, EXPERT])
    with uow_factory() as uow:
        for name in ("ann", "bob"):
            uow.people.add(Person(id=name, name=name.title()))  # type: ignore[arg-type]
        uow.commit()
    return svc


def contents(factory: UowFactory) -> dict[str, list[Any]]:
    with factory() as uow:
        return {
            "types": uow.certification_types.list(),
            "awards": uow.certification_awards.list(),
            "sent": uow.sent_reminders.list(),
        }


# -- types ----------------------------------------------------------------------------------------


def test_types_are_stored_and_form_the_catalog(
    service: CertificationService, uow_factory: UowFactory
) -> None:
    catalog = service.catalog()
    assert [t.id for t in catalog.types] == ["expert", "spec"]
    assert catalog.qualifying_types("spec") == {"spec", "expert"}
    assert all(t.version == 1 for t in contents(uow_factory)["types"])


def test_new_types_are_checked_together_with_the_stored_ones(
    service: CertificationService, uow_factory: UowFactory
) -> None:
    before = contents(uow_factory)
    looping = CertificationType("spec-2", "S2", Duration(years=1), prerequisites=["loop"])  # type: ignore[arg-type]
    loop = CertificationType("loop", "L", Duration(years=1), prerequisites=["spec-2", "nope"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        service.add_types([looping, loop])
    assert caught.value.paths == ("types[3].prerequisites[1]", "types[3].prerequisites[0]")
    assert "loop -> spec-2 -> loop" in str(caught.value)
    with pytest.raises(ConflictError):
        service.add_types([CertificationType("spec", "Again", Duration(years=2))])  # type: ignore[arg-type]
    assert contents(uow_factory) == before


# -- awards ---------------------------------------------------------------------------------------


def test_earn_checks_the_person_and_prerequisites(
    service: CertificationService, uow_factory: UowFactory
) -> None:
    with pytest.raises(NotFoundError):
        service.earn("nobody", "spec", D(2026, 1, 31), "a-0")
    with pytest.raises(MissingPrerequisite):
        service.earn("ann", "expert", D(2026, 1, 31), "a-0")
    with pytest.raises(ValidationError) as caught:
        service.earn("ann", "unknown", D(2026, 1, 31), "a-0")
    assert caught.value.paths == ("type_id",)
    assert contents(uow_factory)["awards"] == []
    spec = service.earn("ann", "spec", D(2026, 1, 31), "a-1")
    assert (spec.version, spec.expires_on) == (1, D(2027, 1, 31))
    # Bob's awards never count for Ann, Ann's own do.
    service.earn("bob", "spec", D(2026, 1, 31), "b-1")
    expert = service.earn("ann", "expert", D(2026, 6, 1), "a-2")
    assert expert.expires_on == D(2029, 6, 1)
    with pytest.raises(ConflictError):
        service.earn("bob", "spec", D(2026, 2, 1), "a-1")


def test_renew_stores_the_new_expiry_or_refuses(
    service: CertificationService, uow_factory: UowFactory
) -> None:
    service.earn("ann", "spec", D(2026, 1, 31), "a-1")
    renewed = service.renew("a-1", D(2026, 12, 1))
    assert (renewed.version, renewed.expires_on) == (2, D(2028, 1, 31))
    assert renewed.renewed_on == D(2026, 12, 1)
    with pytest.raises(RenewalRefused):
        service.renew("a-1", D(2028, 3, 2))  # past the grace
    with pytest.raises(NotFoundError):
        service.renew("a-9", D(2026, 12, 1))
    assert contents(uow_factory)["awards"] == [renewed]


def test_expiring_lists_upcoming_expiries_soonest_first(service: CertificationService) -> None:
    service.earn("ann", "spec", D(2026, 3, 1), "a-1")
    service.earn("bob", "spec", D(2026, 2, 1), "b-1")
    service.earn("ann", "expert", D(2026, 4, 1), "a-2")
    assert [a.id for a in service.expiring(D(2027, 1, 1), D(2027, 12, 31))] == ["b-1", "a-1"]
    assert [a.id for a in service.expiring(D(2027, 3, 1), D(2029, 4, 1))] == ["a-1", "a-2"]


# -- reminders ------------------------------------------------------------------------------------


def test_reminders_are_published_once_and_recorded(
    service: CertificationService, uow_factory: UowFactory, sink: RecordingSink
) -> None:
    service.earn("ann", "spec", D(2026, 5, 31), "a-1")
    first = service.send_reminders(D(2027, 3, 1), D(2027, 4, 30))
    assert [e.idempotency_key for e in first] == ["a-1:2027-05-31:90", "a-1:2027-05-31:60"]
    assert sink.events == first
    assert [r.id for r in contents(uow_factory)["sent"]] == sorted(e.idempotency_key for e in first)
    assert all(r.sent_at == AT for r in contents(uow_factory)["sent"])
    # The same window again, and an overlapping one, repeat nothing.
    assert service.send_reminders(D(2027, 3, 1), D(2027, 4, 30)) == []
    again = make_service(uow_factory, SequentialIds("other")).send_reminders(
        D(2027, 4, 1), D(2027, 6, 30)
    )
    assert [e.name for e in again] == ["CertificationExpiring", "CertificationExpired"]
    assert [e.idempotency_key for e in again] == ["a-1:2027-05-31:30", "a-1:2027-05-31:expired"]
    assert len(sink.events) == 4


def test_a_renewed_award_gets_fresh_reminders(service: CertificationService) -> None:
    service.earn("ann", "spec", D(2026, 5, 31), "a-1")
    assert len(service.send_reminders(D(2027, 3, 1), D(2027, 3, 31))) == 1
    service.renew("a-1", D(2027, 3, 15))
    fresh = service.send_reminders(D(2028, 3, 1), D(2028, 3, 31))
    assert [e.idempotency_key for e in fresh] == ["a-1:2028-05-31:90"]


def test_reminders_reach_as_far_as_the_longest_offset(service: CertificationService) -> None:
    service.earn("ann", "spec", D(2026, 1, 1), "a-1")
    expert = service.earn("ann", "expert", D(2026, 2, 1), "a-2")
    # 120 days before the expert's expiry, far beyond the specialist's 90 days.
    due = D(2029, 2, 1) - dt.timedelta(days=120)
    events = service.send_reminders(due, due)
    assert [(e.award_id, e.offset_days) for e in events] == [(expert.id, 120)]  # type: ignore[union-attr]


def test_bad_windows_are_refused(service: CertificationService) -> None:
    with pytest.raises(ValidationError) as caught:
        service.send_reminders(D(2027, 3, 2), D(2027, 3, 1))
    assert caught.value.paths == ("end",)
    with pytest.raises(ValidationError) as caught:
        service.send_reminders("2027-03-01", D(2027, 3, 1))  # type: ignore[arg-type]
    assert caught.value.paths == ("start",)


def test_windows_at_the_ends_of_the_calendar(service: CertificationService) -> None:
    assert service.send_reminders(D.min, D(1, 12, 31)) == []
    assert service.send_reminders(D(9999, 1, 1), D.max) == []


class FailingIds:
    """An id factory that breaks after *good* ids: the failure comes after the reminder
    records were written in the unit of work."""

    def __init__(self, good: int) -> None:
        self.left = good

    def __call__(self) -> str:
        if self.left == 0:
            raise RuntimeError("id service is down")
        self.left -= 1
        return f"evt-{self.left}"


def test_a_failure_mid_run_leaves_storage_and_the_sink_untouched(tmp_path: Path) -> None:
    sink = RecordingSink()
    with SqliteStore(tmp_path / "prm.sqlite3") as store:
        factory: UowFactory = lambda: SqliteUnitOfWork(store, sink)  # noqa: E731
        setup = make_service(factory)
        setup.add_types([SPEC])
        with factory() as uow:
            uow.people.add(Person(id="ann", name="Ann"))  # type: ignore[arg-type]
            uow.commit()
        setup.earn("ann", "spec", D(2026, 5, 31), "a-1")
        before = contents(factory)
        with pytest.raises(RuntimeError, match="id service is down"):
            make_service(factory, FailingIds(1)).send_reminders(D(2027, 1, 1), D(2027, 12, 31))
        assert contents(factory) == before
        assert sink.events == []
        # Nothing was marked as sent, so the next run sends everything.
        assert len(setup.send_reminders(D(2027, 1, 1), D(2027, 12, 31))) == 4


# -- property: any sequence of windows sends each due reminder exactly once -----------------------

_windows = st.lists(
    st.tuples(st.integers(0, 500), st.integers(0, 120)).map(
        lambda w: (D(2026, 9, 1) + dt.timedelta(days=w[0]), w[1])
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(_windows, st.lists(st.integers(0, 400), min_size=1, max_size=4))
def test_any_windows_send_each_due_reminder_once(
    windows: list[tuple[dt.date, int]], earned_offsets: list[int]
) -> None:
    store, sink = InMemoryStore(), RecordingSink()
    factory: UowFactory = lambda: InMemoryUnitOfWork(store, sink)  # noqa: E731
    svc = make_service(factory)
    svc.add_types([SPEC])
    with factory() as uow:
        uow.people.add(Person(id="ann", name="Ann"))  # type: ignore[arg-type]
        uow.commit()
    awards: list[CertificationAward] = []
    for i, offset in enumerate(earned_offsets):
        awards.append(svc.earn("ann", "spec", D(2026, 1, 1) + dt.timedelta(days=offset), f"a-{i}"))
    covered: set[dt.date] = set()
    for start, length in windows:
        svc.send_reminders(start, start + dt.timedelta(days=length))
        covered.update(start + dt.timedelta(days=k) for k in range(length + 1))
    sent = [e.idempotency_key for e in sink.events]  # type: ignore[attr-defined]
    assert len(sent) == len(set(sent))
    catalog = CertificationCatalog([SPEC])
    expected = {
        r.key
        for r in reminders_due(awards, catalog, min(covered), max(covered))
        if r.due_on in covered
    }
    assert set(sent) == expected
