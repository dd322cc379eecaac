"""Edge cases of deal registration, detection, events and the service."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.conflicts import (
    CompanyRef,
    ConflictDetector,
    DealRegistration,
    DealRegistrationService,
    DealStatus,
    Decision,
    ManualReview,
    Opportunity,
    RegistrationRules,
)
from prmcore.conflicts.events import DealSubmitted
from prmcore.domain import Account
from prmcore.errors import ValidationError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork

AT = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RULES = RegistrationRules()


def draft(id: str = "dr-1", partner: str = "p-1", name: str = "Acme Widgets") -> DealRegistration:
    return DealRegistration(
        id=id, partner_id=partner, customer=CompanyRef(name), product_lines=("fw",), created_at=AT
    )


def test_a_benefit_factor_that_is_not_a_number_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        DealRegistration(
            id="dr-1", partner_id="p-1", customer=CompanyRef("Acme"), product_lines=("fw",),
            created_at=AT, benefit_factor="a lot",  # type: ignore[arg-type]
        )  # fmt: skip
    assert info.value.paths == ("benefit_factor",)


def test_an_extension_dated_before_the_last_update_is_refused() -> None:
    approved = draft().submit(AT, RULES).approve(AT + 2 * DAY, RULES)
    with pytest.raises(ValidationError) as info:
        approved.extend(AT + DAY, 5, RULES)
    assert info.value.paths == ("at",)


def test_accounts_and_opportunities_with_other_customers_do_not_conflict() -> None:
    detector = ConflictDetector(RULES)
    detector.set_accounts([Account(id="a-1", name="Acme Foods", house=True)])
    detector.set_opportunities(
        [Opportunity(id="o-1", customer=CompanyRef("Acme Foods"), product_lines=("fw",))]
    )
    report = detector.check(draft(), AT)
    assert report.candidates == 2  # both share the word "acme" ...
    assert not report.has_conflicts  # ... and neither is the same customer


def test_event_accessors() -> None:
    reg = draft().submit(AT, RULES)
    event = DealSubmitted.for_registration(reg, id="evt-1", occurred_at=AT)
    assert (event.registration_id, event.partner_id) == ("dr-1", "p-1")
    assert event.payload["customer"] == "Acme Widgets"


def test_auto_decide_leaves_a_review_submitted() -> None:
    store, sink = InMemoryStore(), RecordingSink()
    service = DealRegistrationService(
        lambda: InMemoryUnitOfWork(store, sink),
        FixedClock(AT),
        SequentialIds("evt"),
        policy=ManualReview(),
        auto_decide=True,
    )
    assert service.submit(draft("dr-1", "p-1", "Nordic Steel")).registration.status is (
        DealStatus.APPROVED
    )
    second = service.submit(draft("dr-2", "p-2", "Nordik Steal"))
    assert second.resolution.decision is Decision.REVIEW
    assert second.registration.status is DealStatus.SUBMITTED
    assert sink.names[-2:] == ["DealSubmitted", "ConflictDetected"]
