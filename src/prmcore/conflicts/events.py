"""Domain events of deal registration: submitted, conflict detected, approved, rejected,
extended, expired, withdrawn, closed.

They follow :class:`prmcore.events.DomainEvent`: the event id and time are passed in, the
payload is JSON-ready, and each event round-trips through :mod:`prmcore.serialization` by its
``type`` name. Every payload carries ``registration_id``, ``partner_id``, ``status`` and
``version`` (of the registration as stored); :class:`ConflictDetected` adds each conflict
(class, other claim, score, band, rule) and the policy's outcome.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs

from prmcore.events import DomainEvent

if TYPE_CHECKING:
    from prmcore.conflicts.detector import ConflictReport
    from prmcore.conflicts.policies import Resolution
    from prmcore.conflicts.registration import DealRegistration

__all__ = [
    "ConflictDetected",
    "DealApproved",
    "DealClosed",
    "DealExpired",
    "DealExtended",
    "DealRejected",
    "DealSubmitted",
    "DealWithdrawn",
]

_KEYS = frozenset({"registration_id", "partner_id", "status", "version"})


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _base(registration: DealRegistration) -> dict[str, object]:
    return {
        "registration_id": registration.id,
        "partner_id": registration.partner_id,
        "status": registration.status.value,
        "version": registration.version,
    }


class _DealEvent:
    """The fields and builder every deal-registration event shares (a mixin: not itself an
    event type)."""

    __slots__ = ()
    payload: Mapping[str, object]
    required_keys: ClassVar[frozenset[str]] = _KEYS

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {}

    @classmethod
    def for_registration(
        cls, registration: DealRegistration, *, id: str, occurred_at: dt.datetime
    ) -> Self:
        """The event for *registration* as stored (so ``version`` is the stored version).

        .. versionadded:: 0.1.0
        """
        payload = {**_base(registration), **cls._extra(registration)}
        return cls(id=id, occurred_at=occurred_at, payload=payload)  # type: ignore[call-arg]

    @property
    def registration_id(self) -> str:
        """The registration."""
        return str(self.payload["registration_id"])

    @property
    def partner_id(self) -> str:
        """Its partner."""
        return str(self.payload["partner_id"])


@attrs.frozen
class DealSubmitted(_DealEvent, DomainEvent):
    """A partner submitted a deal registration.

    Payload: the common keys, ``customer`` (the name as written), ``product_lines`` and
    ``submitted_at``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealSubmitted"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {
            "customer": registration.customer.name,
            "product_lines": list(registration.product_lines),
            "submitted_at": _iso(registration.submitted_at),
        }


@attrs.frozen
class DealApproved(_DealEvent, DomainEvent):
    """A registration was approved; payload adds ``protection_ends_at`` and
    ``benefit_factor`` (a decimal string).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealApproved"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {
            "protection_ends_at": _iso(registration.protection_ends_at),
            "benefit_factor": str(registration.benefit_factor),
        }


@attrs.frozen
class DealRejected(_DealEvent, DomainEvent):
    """A registration was rejected; payload adds ``reason``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealRejected"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {"reason": registration.status_reason}


@attrs.frozen
class DealExtended(_DealEvent, DomainEvent):
    """A registration's protection was extended; payload adds ``protection_ends_at`` and
    ``extensions``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealExtended"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {
            "protection_ends_at": _iso(registration.protection_ends_at),
            "extensions": registration.extensions,
        }


@attrs.frozen
class DealExpired(_DealEvent, DomainEvent):
    """A registration expired (protection ended, or it was released); payload adds
    ``reason``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealExpired"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {"reason": registration.status_reason}


@attrs.frozen
class DealWithdrawn(_DealEvent, DomainEvent):
    """The partner withdrew a registration; payload adds ``reason`` (may be ``None``).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealWithdrawn"

    @classmethod
    def _extra(cls, registration: DealRegistration) -> dict[str, object]:
        return {"reason": registration.status_reason}


@attrs.frozen
class DealClosed(_DealEvent, DomainEvent):
    """An approved deal was won or lost (``status`` says which).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DealClosed"


def _conflict_payload(report: ConflictReport) -> list[dict[str, Any]]:
    return [
        {
            "class": c.conflict_class.value,
            "other_kind": c.other_kind,
            "other_id": c.other_id,
            "other_partner_id": c.other_partner_id,
            "score": c.score,
            "band": None if c.band is None else c.band.value,
            "rule": c.rule,
        }
        for c in report.conflicts
    ]


@attrs.frozen
class ConflictDetected(_DealEvent, DomainEvent):
    """A submitted registration has conflicts.

    Payload: the common keys, ``conflicts`` (each with ``class``, ``other_kind``,
    ``other_id``, ``other_partner_id``, ``score``, ``band`` and ``rule``) and ``resolution``
    (``decision``, ``policy``, ``reason``, ``benefit_factor``). Build it with
    :meth:`for_report`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "ConflictDetected"
    required_keys: ClassVar[frozenset[str]] = _KEYS | {"conflicts", "resolution"}

    @classmethod
    def for_report(
        cls,
        registration: DealRegistration,
        report: ConflictReport,
        resolution: Resolution,
        *,
        id: str,
        occurred_at: dt.datetime,
    ) -> ConflictDetected:
        """The event for *registration* (as stored), its *report* and the policy's
        *resolution*.

        .. versionadded:: 0.1.0
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                **_base(registration),
                "conflicts": _conflict_payload(report),
                "resolution": {
                    "decision": resolution.decision.value,
                    "policy": resolution.policy,
                    "reason": resolution.reason,
                    "benefit_factor": str(resolution.benefit_factor),
                },
            },
        )

    @property
    def conflicts(self) -> tuple[Mapping[str, object], ...]:
        """The conflicts, as in the payload."""
        value = self.payload["conflicts"]
        assert isinstance(value, tuple)
        return value
