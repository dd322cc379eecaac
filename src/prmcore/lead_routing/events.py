"""Domain events of lead routing: a lead was offered, accepted, declined, expired, or could not
be routed (and went to the fallback queue).

They follow :class:`prmcore.events.DomainEvent`: the id and time come from the host's id
factory and clock, the payload is JSON-ready, and they round-trip through
:mod:`prmcore.serialization`. The routing service publishes them after its unit of work
commits.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import attrs

from prmcore.events import DomainEvent
from prmcore.lead_routing.offers import LeadRouting, Offer

__all__ = ["LeadAccepted", "LeadDeclined", "LeadExpired", "LeadOffered", "LeadUnroutable"]


def _offer_payload(record: LeadRouting, offer: Offer) -> dict[str, object]:
    return {
        "lead_id": record.id,
        "partner_id": offer.partner_id,
        "territory_id": offer.territory_id,
        "attempt": offer.attempt,
        "version": record.version,
    }


class _LeadEventAccessors:
    """Accessors shared by the lead events."""

    __slots__ = ()

    if TYPE_CHECKING:
        payload: Mapping[str, object]

    @property
    def lead_id(self) -> str:
        """The lead."""
        return str(self.payload["lead_id"])


@attrs.frozen
class LeadOffered(_LeadEventAccessors, DomainEvent):
    """A lead was offered to a partner.

    Payload: ``lead_id``, ``partner_id``, ``territory_id``, ``attempt``, ``deadline`` (ISO
    8601), ``model_id``, ``model_version`` and ``version`` (of the routing record).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LeadOffered"
    required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id", "partner_id", "deadline"})

    @classmethod
    def for_offer(
        cls, record: LeadRouting, offer: Offer, *, id: str, occurred_at: dt.datetime
    ) -> LeadOffered:
        """The event for *offer* of the stored *record*."""
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                **_offer_payload(record, offer),
                "deadline": offer.deadline.isoformat(),
                "model_id": record.model_id,
                "model_version": record.model_version,
            },
        )

    @property
    def partner_id(self) -> str:
        """The partner offered the lead."""
        return str(self.payload["partner_id"])


@attrs.frozen
class LeadAccepted(_LeadEventAccessors, DomainEvent):
    """A partner accepted a lead. Payload as :class:`LeadOffered` without the deadline.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LeadAccepted"
    required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id", "partner_id"})

    @classmethod
    def for_offer(
        cls, record: LeadRouting, offer: Offer, *, id: str, occurred_at: dt.datetime
    ) -> LeadAccepted:
        """The event for the accepted *offer*."""
        return cls(id=id, occurred_at=occurred_at, payload=_offer_payload(record, offer))


@attrs.frozen
class LeadDeclined(_LeadEventAccessors, DomainEvent):
    """A partner declined a lead. Payload as :class:`LeadAccepted` plus ``reason`` (a
    :class:`~prmcore.lead_routing.DeclineReason` value) and ``note``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LeadDeclined"
    required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id", "partner_id", "reason"})

    @classmethod
    def for_offer(
        cls, record: LeadRouting, offer: Offer, *, id: str, occurred_at: dt.datetime
    ) -> LeadDeclined:
        """The event for the declined *offer*."""
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                **_offer_payload(record, offer),
                "reason": offer.reason.value if offer.reason else None,
                "note": offer.note,
            },
        )

    @property
    def reason(self) -> str:
        """The decline reason."""
        return str(self.payload["reason"])


@attrs.frozen
class LeadExpired(_LeadEventAccessors, DomainEvent):
    """An offer passed its deadline unanswered. Payload as :class:`LeadAccepted`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LeadExpired"
    required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id", "partner_id"})

    @classmethod
    def for_offer(
        cls, record: LeadRouting, offer: Offer, *, id: str, occurred_at: dt.datetime
    ) -> LeadExpired:
        """The event for the expired *offer*."""
        return cls(id=id, occurred_at=occurred_at, payload=_offer_payload(record, offer))


@attrs.frozen
class LeadUnroutable(_LeadEventAccessors, DomainEvent):
    """A lead went to the fallback queue. Payload: ``lead_id``, ``reason``, ``attempts`` and
    ``version``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LeadUnroutable"
    required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id", "reason"})

    @classmethod
    def for_record(
        cls, record: LeadRouting, *, id: str, occurred_at: dt.datetime
    ) -> LeadUnroutable:
        """The event for the queued *record*."""
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                "lead_id": record.id,
                "reason": record.queue_reason or "",
                "attempts": record.attempts,
                "version": record.version,
            },
        )

    @property
    def reason(self) -> str:
        """Why the lead could not be routed."""
        return str(self.payload["reason"])
