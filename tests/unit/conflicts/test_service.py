"""The deal-registration service on both shipped stores: one unit of work per call, events
after commit, the detector kept current, and nothing changed by a failed call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from prmcore.conflicts import (
    CompanyRef,
    ConflictDetector,
    ConflictReport,
    DealRegistration,
    DealRegistrationService,
    DealStatus,
    Decision,
    ReducedBenefitForSecond,
    RegistrationRules,
    Resolution,
)
from prmcore.conflicts.events import ConflictDetected, DealApproved, DealSubmitted
from prmcore.domain import Account
from prmcore.errors import ConflictError, InvalidTransition, NotFoundError, ValidationError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork, SqliteStore, SqliteUnitOfWork
from prmcore.repositories.protocols import UnitOfWork

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ACME = CompanyRef("Acme Widgets GmbH", domain="acme.de", country="DE")

Factory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[RecordingSink], Factory]]:
    if request.param == "memory":
        memory = InMemoryStore()
        yield lambda sink: lambda: InMemoryUnitOfWork(memory, sink)
    else:
        with SqliteStore(tmp_path / "prm.sqlite3", synchronous="OFF") as sqlite:
            yield lambda sink: lambda: SqliteUnitOfWork(sqlite, sink)


def draft(
    id: str, partner: str, customer: CompanyRef = ACME, at: dt.datetime = AT
) -> DealRegistration:
    return DealRegistration(
        id=id, partner_id=partner, customer=customer, product_lines=("fw",), created_at=at
    )


def make(
    factory: Callable[[RecordingSink], Factory],
    clock: FixedClock | None = None,
    **options: object,
) -> tuple[DealRegistrationService, RecordingSink, FixedClock]:
    sink = RecordingSink()
    clock = clock or FixedClock(AT)
    service = DealRegistrationService(
        factory(sink),
        clock,
        SequentialIds("evt"),
        **options,  # type: ignore[arg-type]
    )
    return service, sink, clock


def stored(factory: Callable[[RecordingSink], Factory]) -> list[DealRegistration]:
    with factory(RecordingSink())() as uow:
        return uow.deal_registrations.list()


def test_submit_checks_conflicts_and_publishes(
    uow_factory: Callable[[RecordingSink], Factory],
) -> None:
    service, sink, clock = make(uow_factory)
    first = service.submit(draft("dr-1", "p-1"))
    assert first.registration.status is DealStatus.SUBMITTED
    assert first.registration.version == 1
    assert first.resolution.decision is Decision.APPROVE
    assert sink.names == ["DealSubmitted"]
    clock.advance(DAY)
    second = service.submit(draft("dr-2", "p-2", CompanyRef("ACME Widgets", email="jo@acme.de")))
    assert [c.other_id for c in second.report.conflicts] == ["dr-1"]
    assert second.resolution.decision is Decision.REJECT
    assert sink.names == ["DealSubmitted", "DealSubmitted", "ConflictDetected"]
    event = sink.events[-1]
    assert isinstance(event, ConflictDetected)
    assert event.registration_id == "dr-2"
    assert event.conflicts[0]["class"] == "partner_vs_partner"
    assert event.conflicts[0]["other_id"] == "dr-1"
    assert event.payload["resolution"]["policy"] == "first_to_register"  # type: ignore[index]
    assert [r.status for r in stored(uow_factory)] == [DealStatus.SUBMITTED] * 2


def test_auto_decide_applies_the_policy(uow_factory: Callable[[RecordingSink], Factory]) -> None:
    service, sink, clock = make(
        uow_factory, policy=ReducedBenefitForSecond(Decimal("0.5")), auto_decide=True
    )
    one = service.submit(draft("dr-1", "p-1")).registration
    assert one.status is DealStatus.APPROVED
    assert one.protection_ends_at == AT + 90 * DAY
    clock.advance(DAY)
    two = service.submit(draft("dr-2", "p-2")).registration
    assert two.status is DealStatus.APPROVED
    assert two.benefit_factor == Decimal("0.5")
    approved = [e for e in sink.events if isinstance(e, DealApproved)]
    assert [e.payload["benefit_factor"] for e in approved] == ["1", "0.5"]
    clock.advance(DAY)
    rejecting, sink2, _ = make(uow_factory, auto_decide=True)
    rejecting._clock = clock
    rejecting.load_index()
    three = rejecting.submit(draft("dr-3", "p-3", at=AT + 2 * DAY)).registration
    assert three.status is DealStatus.REJECTED
    assert three.status_reason is not None
    assert three.status_reason.startswith("first_to_register: registration dr-1")
    assert sink2.names == ["DealSubmitted", "ConflictDetected", "DealRejected"]


def test_lifecycle_calls_store_and_publish(uow_factory: Callable[[RecordingSink], Factory]) -> None:
    service, sink, clock = make(uow_factory)
    service.submit(draft("dr-1", "p-1"))
    clock.advance(DAY)
    approved = service.approve("dr-1", expected_version=1)
    assert (approved.status, approved.version) == (DealStatus.APPROVED, 2)
    extended = service.extend("dr-1", 20)
    assert extended.protection_ends_at == AT + 111 * DAY
    won = service.close("dr-1", True)
    assert won.status is DealStatus.WON
    service.submit(draft("dr-2", "p-1", CompanyRef("Other Co")))
    rejected = service.reject("dr-2", "not a real opportunity")
    assert rejected.status_reason == "not a real opportunity"
    service.submit(draft("dr-3", "p-1", CompanyRef("Third Co")))
    assert service.withdraw("dr-3").status is DealStatus.WITHDRAWN
    service.submit(draft("dr-4", "p-1", CompanyRef("Fourth Co")))
    assert service.expire("dr-4", "customer gone").status_reason == "customer gone"
    assert sink.names == [
        "DealSubmitted",
        "DealApproved",
        "DealExtended",
        "DealClosed",
        "DealSubmitted",
        "DealRejected",
        "DealSubmitted",
        "DealWithdrawn",
        "DealSubmitted",
        "DealExpired",
    ]
    assert [e.payload["version"] for e in sink.events[:4]] == [1, 2, 3, 4]
    assert service.detector.get("dr-1") == won  # won deals stay indexed (incumbency)
    assert service.detector.get("dr-2") is None


def test_stale_version_and_missing_ids(uow_factory: Callable[[RecordingSink], Factory]) -> None:
    service, sink, _ = make(uow_factory)
    service.submit(draft("dr-1", "p-1"))
    with pytest.raises(ConflictError):
        service.approve("dr-1", expected_version=7)
    with pytest.raises(NotFoundError):
        service.approve("dr-9")
    with pytest.raises(InvalidTransition):
        service.close("dr-1", True)
    assert sink.names == ["DealSubmitted"]
    assert [r.version for r in stored(uow_factory)] == [1]


def test_expire_due_skips_won_and_lost(uow_factory: Callable[[RecordingSink], Factory]) -> None:
    rules = RegistrationRules(release_after_days=30)
    service, sink, clock = make(uow_factory, rules=rules)
    for i in range(1, 5):
        service.submit(
            draft(f"dr-{i}", f"p-{i}", CompanyRef(f"Customer {i} Co", domain=f"c{i}.com"))
        )
    service.approve("dr-1")
    service.approve("dr-2")
    service.approve("dr-3")
    service.close("dr-2", True)
    service.close("dr-3", False)
    sink.clear()
    clock.advance(29 * DAY)
    assert service.expire_due() == []
    clock.advance(DAY)
    expired = service.expire_due()
    assert [r.id for r in expired] == ["dr-1", "dr-4"]
    assert all(r.status_reason == "released: no update for 30 days" for r in expired)
    assert sink.names == ["DealExpired", "DealExpired"]
    by_id = {r.id: r.status for r in stored(uow_factory)}
    assert by_id == {
        "dr-1": DealStatus.EXPIRED,
        "dr-2": DealStatus.WON,
        "dr-3": DealStatus.LOST,
        "dr-4": DealStatus.EXPIRED,
    }
    assert service.detector.get("dr-1") is None


def test_load_index_builds_the_detector_from_storage(
    uow_factory: Callable[[RecordingSink], Factory],
) -> None:
    service, _, _ = make(uow_factory)
    service.submit(draft("dr-1", "p-1"))
    service.submit(draft("dr-2", "p-2", CompanyRef("Other Co")))
    service.withdraw("dr-2")
    with uow_factory(RecordingSink())() as uow:
        uow.accounts.add(Account(id="a-1", name="Initech", domain="initech.com", house=True))
        uow.commit()
    fresh, _, _ = make(uow_factory)
    assert fresh.load_index() == 1
    report, resolution = fresh.check(draft("dr-3", "p-3"))
    assert [c.other_id for c in report.conflicts] == ["dr-1"]
    assert resolution.decision is Decision.REJECT
    house, _ = fresh.check(draft("dr-4", "p-3", CompanyRef("Initech", domain="initech.com")))
    assert [c.other_id for c in house.conflicts] == ["a-1"]
    assert len(stored(uow_factory)) == 2  # check() stores nothing


class _NaiveClock:
    def now(self) -> dt.datetime:
        return dt.datetime(2026, 3, 2, 9, 0)


class _Boom(Exception):
    pass


class _ExplodingPolicy:
    name = "exploding"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        raise _Boom


def test_a_failed_submission_stores_and_publishes_nothing(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "prm.sqlite3") as store:
        sink = RecordingSink()
        clock = FixedClock(AT)
        detector = ConflictDetector()
        service = DealRegistrationService(
            lambda: SqliteUnitOfWork(store, sink), clock, SequentialIds("evt"), detector=detector
        )
        first = service.submit(draft("dr-1", "p-1")).registration
        sink.clear()
        # The id is taken: the add fails after the conflict check.
        with pytest.raises(ConflictError):
            service.submit(draft("dr-1", "p-2", CompanyRef("Someone Else")))
        # Not a draft.
        with pytest.raises(InvalidTransition):
            service.submit(first)
        # A naive clock.
        clock.set(AT)
        naive = DealRegistrationService(
            lambda: SqliteUnitOfWork(store, sink), _NaiveClock(), SequentialIds("evt")
        )
        with pytest.raises(ValidationError) as info:
            naive.submit(draft("dr-5", "p-1"))
        assert info.value.paths == ("clock.now()",)
        # The policy fails.
        failing = DealRegistrationService(
            lambda: SqliteUnitOfWork(store, sink),
            clock,
            SequentialIds("evt"),
            detector=detector,
            policy=_ExplodingPolicy(),
        )
        with pytest.raises(_Boom):
            failing.submit(draft("dr-2", "p-2"))
        assert sink.events == []
        with SqliteUnitOfWork(store) as uow:
            assert uow.deal_registrations.list() == [first]
        assert len(detector) == 1
        assert detector.get("dr-1") == first


def test_submit_of_a_stored_draft_updates_it(
    uow_factory: Callable[[RecordingSink], Factory],
) -> None:
    service, sink, _ = make(uow_factory)
    with uow_factory(RecordingSink())() as uow:
        saved = uow.deal_registrations.add(draft("dr-1", "p-1"))
        uow.commit()
    result = service.submit(saved)
    assert result.registration.version == 2
    assert isinstance(sink.events[0], DealSubmitted)
    with pytest.raises(TypeError):
        service.submit("dr-1")  # type: ignore[arg-type]
