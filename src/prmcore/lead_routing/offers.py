"""The offer lifecycle: offer a lead with an SLA deadline, accept, decline with a reason, let
it expire, re-route excluding earlier decliners, and fall back to the queue after N attempts.

A :class:`LeadRouting` is the stored record of one lead's routing (an aggregate keyed by the
lead id, with a ``version``): every :class:`Offer` made, in order, the status, and the
idempotency key it was first routed with. The functions here are pure: each returns the next
record and never touches storage.

Until a partner accepts, it sees a :class:`LeadPreview` with the contact's personal data
(name, e-mail, phone, street) hidden; after accepting, it sees the contact.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.domain import Contact, Lead, Location
from prmcore.domain.ids import LeadId, PartnerId, ProductLineId
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.lead_routing.router import RoutingDecision

__all__ = [
    "DeclineReason",
    "LeadPreview",
    "LeadRouting",
    "Offer",
    "OfferPolicy",
    "OfferStatus",
    "RoutingStatus",
    "accept",
    "decline",
    "expire",
    "lead_preview",
    "next_offer",
    "start_routing",
]


class OfferStatus(enum.StrEnum):
    """Where one offer stands.

    .. versionadded:: 0.1.0
    """

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class RoutingStatus(enum.StrEnum):
    """Where a lead's routing stands.

    .. versionadded:: 0.1.0
    """

    OFFERED = "offered"
    """An offer is pending, or one was just declined or expired and the lead is re-routed."""
    ACCEPTED = "accepted"
    """A partner accepted the lead."""
    QUEUED = "queued"
    """In the fallback queue: no eligible partner, or too many attempts."""
    CLOSED = "closed"
    """The accepted lead was closed (won or lost)."""


class DeclineReason(enum.StrEnum):
    """Why a partner declines a lead: the taxonomy reports group by.

    .. versionadded:: 0.1.0
    """

    NO_CAPACITY = "no_capacity"
    OUT_OF_TERRITORY = "out_of_territory"
    NOT_A_FIT = "not_a_fit"
    EXISTING_RELATIONSHIP = "existing_relationship"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    DUPLICATE = "duplicate"
    BAD_DATA = "bad_data"
    OTHER = "other"
    """Needs a note."""


def _to_offer_status(value: object) -> OfferStatus:
    result: OfferStatus = to_enum(OfferStatus, value)
    return result


def _to_routing_status(value: object) -> RoutingStatus:
    result: RoutingStatus = to_enum(RoutingStatus, value)
    return result


def _to_reason(value: object) -> DeclineReason | None:
    if value is None:
        return None
    result: DeclineReason = to_enum(DeclineReason, value)
    return result


@attrs.frozen
class Offer(Validated):
    """One offer of a lead to a partner.

    Args:
        partner_id: The partner offered the lead.
        territory_id: The territory it was offered through.
        attempt: 1 for the first offer of the lead, then 2, 3...
        offered_at: When (timezone-aware).
        deadline: When it expires unless answered (the SLA).
        status: :class:`OfferStatus`.
        responded_at: When it was accepted, declined or expired.
        reason: Why it was declined.
        note: Free text with the decline (required for ``other``).

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    territory_id: str
    attempt: int
    offered_at: dt.datetime
    deadline: dt.datetime
    status: OfferStatus = attrs.field(default=OfferStatus.PENDING, converter=_to_offer_status)
    responded_at: dt.datetime | None = None
    reason: DeclineReason | None = attrs.field(default=None, converter=_to_reason)
    note: str | None = None

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        c.identifier("territory_id", self.territory_id)
        c.integer("attempt", self.attempt, minimum=1)
        if c.aware_datetime("offered_at", self.offered_at) and c.aware_datetime(
            "deadline", self.deadline
        ):
            c.require(self.deadline > self.offered_at, "deadline", "must be after offered_at")
        c.member("status", self.status, OfferStatus)
        if self.responded_at is not None:
            c.aware_datetime("responded_at", self.responded_at)
        if self.reason is not None:
            c.member("reason", self.reason, DeclineReason)
        c.optional_text("note", self.note, max_length=1000)

    @property
    def period(self) -> str:
        """The month of the offer, ``"YYYY-MM"`` (the capacity period it counts in)."""
        return f"{self.offered_at.year:04d}-{self.offered_at.month:02d}"


@attrs.frozen
class OfferPolicy(Validated):
    """How long partners have to answer, and how often a lead is re-routed.

    Args:
        sla: The time a partner has to accept or decline (default 48 hours).
        max_attempts: Offers made before the lead goes to the fallback queue (default 3).

    .. versionadded:: 0.1.0
    """

    sla: dt.timedelta = dt.timedelta(hours=48)
    max_attempts: int = 3

    def _validate(self, c: Checks) -> None:
        if c.instance("sla", self.sla, dt.timedelta):
            c.require(self.sla > dt.timedelta(0), "sla", "must be positive")
        c.integer("max_attempts", self.max_attempts, minimum=1, maximum=100)


@attrs.frozen
class LeadRouting(Validated):
    """The routing record of one lead (stored, versioned).

    Args:
        id: The lead id.
        idempotency_key: The key it was first routed with (routing again with the same key
            returns this record).
        status: :class:`RoutingStatus`.
        offers: Every offer, in order.
        model_id: The territory model of the first decision.
        model_version: Its version.
        queue_reason: Why the lead is in the fallback queue.
        created_at: When it was first routed.
        version: Set by the repository.

    .. versionadded:: 0.1.0
    """

    id: LeadId
    idempotency_key: str
    status: RoutingStatus = attrs.field(converter=_to_routing_status)
    created_at: dt.datetime
    model_id: str
    model_version: int
    offers: tuple[Offer, ...] = attrs.field(default=(), converter=to_tuple)
    queue_reason: str | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("idempotency_key", self.idempotency_key, max_length=200)
        c.member("status", self.status, RoutingStatus)
        c.aware_datetime("created_at", self.created_at)
        c.identifier("model_id", self.model_id)
        c.integer("model_version", self.model_version, minimum=1)
        c.each("offers", self.offers, lambda p, v: c.instance(p, v, Offer))
        c.optional_text("queue_reason", self.queue_reason, max_length=2000)
        c.integer("version", self.version, minimum=0)

    @property
    def current(self) -> Offer | None:
        """The pending offer, if there is one."""
        if self.offers and self.offers[-1].status is OfferStatus.PENDING:
            return self.offers[-1]
        return None

    @property
    def partner_id(self) -> PartnerId | None:
        """The partner holding the lead: the pending offer's, or the accepting one's."""
        if self.offers and self.offers[-1].status in (OfferStatus.PENDING, OfferStatus.ACCEPTED):
            return self.offers[-1].partner_id
        return None

    @property
    def declined_by(self) -> frozenset[str]:
        """Partners that declined the lead or let an offer expire."""
        return frozenset(
            o.partner_id
            for o in self.offers
            if o.status in (OfferStatus.DECLINED, OfferStatus.EXPIRED)
        )

    @property
    def attempts(self) -> int:
        """How many offers were made."""
        return len(self.offers)

    @property
    def needs_routing(self) -> bool:
        """True after a decline or expiry, until the next offer (or the queue)."""
        return self.status is RoutingStatus.OFFERED and self.current is None


def _offer_from(decision: RoutingDecision, now: dt.datetime, policy: OfferPolicy) -> Offer:
    assert decision.partner_id is not None
    assert decision.territory_id is not None
    return Offer(
        decision.partner_id, decision.territory_id, decision.attempt, now, now + policy.sla
    )


def start_routing(
    lead: Lead,
    decision: RoutingDecision,
    idempotency_key: str,
    now: dt.datetime,
    policy: OfferPolicy,
) -> LeadRouting:
    """The first record of a lead: an offer, or the fallback queue with the decision's reason.

    .. versionadded:: 0.1.0
    """
    if decision.offered:
        return LeadRouting(
            lead.id,
            idempotency_key,
            RoutingStatus.OFFERED,
            now,
            decision.model_id,
            decision.model_version,
            (_offer_from(decision, now, policy),),
        )
    return LeadRouting(
        lead.id,
        idempotency_key,
        RoutingStatus.QUEUED,
        now,
        decision.model_id,
        decision.model_version,
        queue_reason=decision.reason,
    )


def next_offer(
    record: LeadRouting, decision: RoutingDecision, now: dt.datetime, policy: OfferPolicy
) -> LeadRouting:
    """The record after re-routing a declined or expired lead: the next offer, or the queue
    (when the router found nobody, or *policy.max_attempts* offers were made).

    Raises:
        InvalidTransition: The lead is not waiting to be re-routed.

    .. versionadded:: 0.1.0
    """
    if not record.needs_routing:
        raise InvalidTransition("LeadRouting", record.status.value, "re-routed", ["offered"])
    if record.attempts >= policy.max_attempts:
        return attrs.evolve(
            record,
            status=RoutingStatus.QUEUED,
            queue_reason=f"no partner accepted after {record.attempts} offers",
        )
    if not decision.offered:
        return attrs.evolve(record, status=RoutingStatus.QUEUED, queue_reason=decision.reason)
    return attrs.evolve(record, offers=(*record.offers, _offer_from(decision, now, policy)))


def _pending(record: LeadRouting, partner_id: str, now: dt.datetime, action: str) -> Offer:
    offer = record.current
    if offer is None or offer.partner_id != partner_id:
        raise ValidationError(
            f"partner {partner_id!r} has no pending offer of lead {record.id!r} to {action}",
            "partner_id",
        )
    if now > offer.deadline:
        raise InvalidTransition("Offer", "expired", action, [])
    return offer


def _replace_last(record: LeadRouting, offer: Offer, **changes: Any) -> LeadRouting:
    return attrs.evolve(record, offers=(*record.offers[:-1], offer), **changes)


def accept(record: LeadRouting, partner_id: str, now: dt.datetime) -> LeadRouting:
    """The record after *partner_id* accepted its pending offer.

    Raises:
        ValidationError: The partner has no pending offer of this lead.
        InvalidTransition: The offer's deadline passed (it is expired, even before the sweep
            marks it).

    .. versionadded:: 0.1.0
    """
    offer = _pending(record, partner_id, now, "accept")
    done = attrs.evolve(offer, status=OfferStatus.ACCEPTED, responded_at=now)
    return _replace_last(record, done, status=RoutingStatus.ACCEPTED)


def decline(
    record: LeadRouting,
    partner_id: str,
    reason: DeclineReason | str,
    now: dt.datetime,
    note: str | None = None,
) -> LeadRouting:
    """The record after *partner_id* declined its pending offer; the lead then needs
    re-routing (:func:`next_offer`).

    Raises:
        ValidationError: No pending offer for the partner; an unknown reason; ``other``
            without a note.
        InvalidTransition: The offer's deadline passed.

    .. versionadded:: 0.1.0
    """
    c = Checks()
    wanted = to_enum(DeclineReason, reason)
    if c.member("reason", wanted, DeclineReason) and wanted is DeclineReason.OTHER:
        c.require(bool(note and note.strip()), "note", "a decline for 'other' needs a note")
    c.done()
    offer = _pending(record, partner_id, now, "decline")
    done = attrs.evolve(
        offer, status=OfferStatus.DECLINED, responded_at=now, reason=wanted, note=note
    )
    return _replace_last(record, done)


def expire(record: LeadRouting, now: dt.datetime) -> LeadRouting | None:
    """The record with its pending offer expired if the deadline passed before *now*, else
    ``None`` (nothing to do).

    .. versionadded:: 0.1.0
    """
    offer = record.current
    if offer is None or now <= offer.deadline:
        return None
    done = attrs.evolve(offer, status=OfferStatus.EXPIRED, responded_at=now)
    return _replace_last(record, done)


_HIDDEN = "•••"


@attrs.frozen
class LeadPreview:
    """What an offered partner sees of a lead.

    Attributes:
        lead_id: The lead.
        company_name: The prospect's company.
        location: Where it is (no street: that is on the contact).
        industry: Its industry.
        employees: Its size.
        product_lines: Product lines of interest.
        received_at: When the lead came in.
        contact: The contact, or ``None`` while redacted.
        contact_title: The contact's job title (kept while the rest is redacted).
        redacted: True until the partner accepts.
        redacted_fields: The contact fields hidden.

    .. versionadded:: 0.1.0
    """

    lead_id: str
    company_name: str
    location: Location
    industry: str | None
    employees: int | None
    product_lines: tuple[ProductLineId, ...]
    received_at: dt.datetime
    contact: Contact | None
    contact_title: str | None
    redacted: bool
    redacted_fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; hidden contact fields read ``"•••"``."""
        contact: dict[str, Any] | None
        if self.contact is not None:
            contact = {
                "name": self.contact.name,
                "email": self.contact.email,
                "phone": self.contact.phone,
                "street": self.contact.street,
                "title": self.contact.title,
            }
        elif self.redacted_fields:
            contact = {**dict.fromkeys(self.redacted_fields, _HIDDEN), "title": self.contact_title}
        else:
            contact = None
        loc = self.location
        return {
            "lead_id": self.lead_id,
            "company_name": self.company_name,
            "location": {
                "country": loc.country,
                "region": loc.region,
                "postal_code": loc.postal_code,
                "city": loc.city,
            },
            "industry": self.industry,
            "employees": self.employees,
            "product_lines": list(self.product_lines),
            "received_at": self.received_at.isoformat(),
            "contact": contact,
            "redacted": self.redacted,
        }


def lead_preview(lead: Lead, record: LeadRouting, partner_id: str) -> LeadPreview:
    """What *partner_id* may see of *lead*: everything once it accepted, the lead without the
    contact's personal data while its offer is pending.

    Raises:
        ValidationError: The partner holds no pending or accepted offer of the lead.

    .. versionadded:: 0.1.0
    """
    if record.partner_id != partner_id:
        raise ValidationError(
            f"partner {partner_id!r} holds no offer of lead {lead.id!r}", "partner_id"
        )
    revealed = record.status in (RoutingStatus.ACCEPTED, RoutingStatus.CLOSED)
    contact = lead.contact
    hidden: tuple[str, ...] = ()
    if contact is not None and not revealed:
        hidden = tuple(
            name for name in ("name", "email", "phone", "street") if getattr(contact, name)
        )
    return LeadPreview(
        lead.id,
        lead.company_name,
        lead.location,
        lead.industry,
        lead.employees,
        lead.product_lines,
        lead.received_at,
        contact if revealed else None,
        contact.title if contact is not None else None,
        not revealed,
        hidden,
    )
