"""The offer lifecycle as pure functions, and the redacted preview."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.domain import Contact, Lead, Location
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.lead_routing import (
    DeclineReason,
    OfferPolicy,
    OfferStatus,
    RoutingDecision,
    RoutingOutcome,
    RoutingStatus,
    accept,
    decline,
    expire,
    lead_preview,
    next_offer,
    start_routing,
)

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
POLICY = OfferPolicy(sla=dt.timedelta(hours=24), max_attempts=2)
LEAD = Lead(
    id="l-1",
    company_name="Prospect AG",
    location=Location(country="DE", postal_code="80331", city="München"),
    received_at=AT,
    industry="retail",
    contact=Contact(name="Zoë Müller", email="zoe@prospect.example", phone="+49 89 1234",
                    street="Marienplatz 1", title="CISO"),
)  # fmt: skip


def offered(partner: str, attempt: int = 1) -> RoutingDecision:
    return RoutingDecision("l-1", RoutingOutcome.OFFERED, partner, "de", "offered", "m", 1, attempt)  # type: ignore[arg-type]


UNROUTABLE = RoutingDecision("l-1", RoutingOutcome.UNROUTABLE, None, None, "nobody", "m", 1)


def test_offer_accept() -> None:
    record = start_routing(LEAD, offered("p-1"), "key-1", AT, POLICY)
    assert record.status is RoutingStatus.OFFERED
    offer = record.current
    assert offer is not None
    assert (offer.partner_id, offer.deadline, offer.period) == ("p-1", AT + 24 * HOUR, "2026-03")
    assert record.partner_id == "p-1"
    done = accept(record, "p-1", AT + HOUR)
    assert done.status is RoutingStatus.ACCEPTED
    assert done.offers[-1].status is OfferStatus.ACCEPTED
    assert done.partner_id == "p-1"
    assert done.current is None


def test_accept_needs_the_pending_partner_and_the_deadline() -> None:
    record = start_routing(LEAD, offered("p-1"), "key-1", AT, POLICY)
    with pytest.raises(ValidationError) as err:
        accept(record, "p-2", AT)
    assert err.value.paths == ("partner_id",)
    assert accept(record, "p-1", AT + 24 * HOUR).status is RoutingStatus.ACCEPTED  # inclusive
    with pytest.raises(InvalidTransition):
        accept(record, "p-1", AT + 24 * HOUR + dt.timedelta(seconds=1))


def test_decline_then_reroute_then_queue_after_max_attempts() -> None:
    record = start_routing(LEAD, offered("p-1"), "key-1", AT, POLICY)
    declined = decline(record, "p-1", "no_capacity", AT + HOUR)
    assert declined.offers[-1].reason is DeclineReason.NO_CAPACITY
    assert declined.needs_routing
    assert declined.declined_by == {"p-1"}
    assert declined.partner_id is None
    second = next_offer(declined, offered("p-2", 2), AT + HOUR, POLICY)
    assert [o.partner_id for o in second.offers] == ["p-1", "p-2"]
    assert second.current is not None
    assert second.current.attempt == 2
    with pytest.raises(InvalidTransition):
        next_offer(second, offered("p-3", 3), AT, POLICY)
    expired = expire(second, AT + 30 * HOUR)
    assert expired is not None
    assert expired.offers[-1].status is OfferStatus.EXPIRED
    assert expired.declined_by == {"p-1", "p-2"}
    queued = next_offer(expired, offered("p-3", 3), AT + 30 * HOUR, POLICY)
    assert queued.status is RoutingStatus.QUEUED
    assert queued.queue_reason == "no partner accepted after 2 offers"
    assert queued.attempts == 2


def test_reroute_with_nobody_left_queues_with_the_reason() -> None:
    record = decline(start_routing(LEAD, offered("p-1"), "k", AT, POLICY), "p-1", "not_a_fit", AT)
    queued = next_offer(record, UNROUTABLE, AT, OfferPolicy(max_attempts=5))
    assert (queued.status, queued.queue_reason) == (RoutingStatus.QUEUED, "nobody")


def test_unroutable_lead_is_queued_at_once() -> None:
    record = start_routing(LEAD, UNROUTABLE, "k", AT, POLICY)
    assert (record.status, record.queue_reason, record.attempts) == (
        RoutingStatus.QUEUED,
        "nobody",
        0,
    )


def test_decline_reasons_are_a_taxonomy() -> None:
    record = start_routing(LEAD, offered("p-1"), "k", AT, POLICY)
    with pytest.raises(ValidationError) as err:
        decline(record, "p-1", "bored", AT)
    assert err.value.paths == ("reason",)
    with pytest.raises(ValidationError) as err:
        decline(record, "p-1", DeclineReason.OTHER, AT)
    assert err.value.paths == ("note",)
    other = decline(record, "p-1", "other", AT, note="customer is a competitor's subsidiary")
    assert other.offers[-1].note == "customer is a competitor's subsidiary"


def test_expire_only_after_the_deadline() -> None:
    record = start_routing(LEAD, offered("p-1"), "k", AT, POLICY)
    assert expire(record, AT + 24 * HOUR) is None
    assert expire(accept(record, "p-1", AT), AT + 48 * HOUR) is None


def test_preview_hides_contact_until_acceptance() -> None:
    record = start_routing(LEAD, offered("p-1"), "k", AT, POLICY)
    preview = lead_preview(LEAD, record, "p-1")
    assert preview.redacted
    assert preview.contact is None
    assert preview.contact_title == "CISO"
    assert preview.redacted_fields == ("name", "email", "phone", "street")
    data = preview.to_dict()
    assert data["contact"] == {"name": "•••", "email": "•••", "phone": "•••", "street": "•••",
                               "title": "CISO"}  # fmt: skip
    assert "zoe" not in str(data).lower()
    assert "Marienplatz" not in str(data)
    assert data["company_name"] == "Prospect AG"
    revealed = lead_preview(LEAD, accept(record, "p-1", AT), "p-1")
    assert not revealed.redacted
    assert revealed.contact == LEAD.contact
    assert revealed.to_dict()["contact"]["email"] == "zoe@prospect.example"
    with pytest.raises(ValidationError):
        lead_preview(LEAD, record, "p-2")
    no_contact = Lead(id="l-1", company_name="X", location=Location(country="DE"), received_at=AT)
    assert lead_preview(no_contact, record, "p-1").to_dict()["contact"] is None


def test_policy_validation() -> None:
    with pytest.raises(ValidationError) as err:
        OfferPolicy(sla=dt.timedelta(0), max_attempts=0)
    assert set(err.value.paths) == {"sla", "max_attempts"}
