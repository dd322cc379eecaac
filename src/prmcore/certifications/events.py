"""Domain events for certifications: the reminders :class:`CertificationExpiring` and
:class:`CertificationExpired`, and :class:`ComplianceLost` when a partner no longer has enough
certified people.

They follow :class:`prmcore.events.DomainEvent`: the event id and time are passed in, the
payload is JSON-ready, and each event round-trips through :mod:`prmcore.serialization` by its
``type`` name. The payload carries the reminder's ``idempotency_key``, so a consumer can drop a
reminder it has already delivered even if the host produced it twice.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import attrs

from prmcore.events import DomainEvent

if TYPE_CHECKING:
    from prmcore.certifications.compliance import ComplianceReport
    from prmcore.certifications.reminders import Reminder

__all__ = ["CertificationExpired", "CertificationExpiring", "ComplianceLost"]

_KEYS = frozenset({"award_id", "person_id", "type_id", "expires_on", "due_on", "idempotency_key"})


def _payload(reminder: Reminder) -> dict[str, object]:
    return {
        "award_id": reminder.award_id,
        "person_id": reminder.person_id,
        "type_id": reminder.type_id,
        "expires_on": reminder.expires_on.isoformat(),
        "due_on": reminder.due_on.isoformat(),
        "idempotency_key": reminder.key,
    }


class _ReminderFields:
    """The payload fields both reminder events share (a mixin: not itself an event type)."""

    __slots__ = ()
    payload: Mapping[str, object]

    @property
    def award_id(self) -> str:
        """The award the reminder is about."""
        return str(self.payload["award_id"])

    @property
    def person_id(self) -> str:
        """Its holder (whom to remind)."""
        return str(self.payload["person_id"])

    @property
    def type_id(self) -> str:
        """Its certification type."""
        return str(self.payload["type_id"])

    @property
    def expires_on(self) -> dt.date:
        """Its expiry date (the last valid day)."""
        return dt.date.fromisoformat(str(self.payload["expires_on"]))

    @property
    def idempotency_key(self) -> str:
        """The reminder's key: the same reminder always has the same key."""
        return str(self.payload["idempotency_key"])


@attrs.frozen
class CertificationExpiring(_ReminderFields, DomainEvent):
    """A certification expires in ``offset_days`` days: remind its holder to renew.

    Payload: ``award_id``, ``person_id``, ``type_id``, ``expires_on``, ``due_on`` (ISO dates),
    ``offset_days`` and ``idempotency_key``. Build it with :meth:`for_reminder`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "CertificationExpiring"
    required_keys: ClassVar[frozenset[str]] = _KEYS | {"offset_days"}

    @classmethod
    def for_reminder(
        cls, reminder: Reminder, *, id: str, occurred_at: dt.datetime
    ) -> CertificationExpiring:
        """The event for a ``before_expiry`` *reminder*.

        .. versionadded:: 0.1.0
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={**_payload(reminder), "offset_days": reminder.offset_days},
        )

    @property
    def offset_days(self) -> int:
        """How many days before expiry the reminder was due."""
        value = self.payload["offset_days"]
        assert isinstance(value, int)
        return value


@attrs.frozen
class CertificationExpired(_ReminderFields, DomainEvent):
    """A certification has expired (it is in grace until ``grace_ends_on``, or lapsed).

    Payload: ``award_id``, ``person_id``, ``type_id``, ``expires_on``, ``due_on``,
    ``grace_ends_on`` (ISO dates) and ``idempotency_key``. Build it with :meth:`for_reminder`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "CertificationExpired"
    required_keys: ClassVar[frozenset[str]] = _KEYS | {"grace_ends_on"}

    @classmethod
    def for_reminder(
        cls, reminder: Reminder, *, id: str, occurred_at: dt.datetime
    ) -> CertificationExpired:
        """The event for an ``expired`` *reminder*.

        .. versionadded:: 0.1.0
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={**_payload(reminder), "grace_ends_on": reminder.grace_ends_on.isoformat()},
        )

    @property
    def grace_ends_on(self) -> dt.date:
        """The last day the award still counts as held (its expiry when there is no grace)."""
        return dt.date.fromisoformat(str(self.payload["grace_ends_on"]))


@attrs.frozen
class ComplianceLost(DomainEvent):
    """A partner no longer meets its certification requirements: too few of its people hold
    a required certification on ``as_of`` (awards lapsed, or people left).

    Payload: ``partner_id``, ``as_of`` (ISO date), ``level_id`` (the program level whose
    requirements are not met, or null) and ``gaps``: one ``{"type_id", "held", "required"}``
    object per unmet requirement. Build it with :meth:`for_report`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "ComplianceLost"
    required_keys: ClassVar[frozenset[str]] = frozenset({"partner_id", "as_of", "gaps"})

    @classmethod
    def for_report(
        cls,
        report: ComplianceReport,
        *,
        level_id: str | None = None,
        id: str,
        occurred_at: dt.datetime,
    ) -> ComplianceLost:
        """The event for a :class:`~prmcore.certifications.ComplianceReport` that is not
        compliant.

        Args:
            report: From :func:`~prmcore.certifications.compliance`.
            level_id: The program level whose requirements were checked, if any.
            id: The event id.
            occurred_at: When it was found, timezone-aware.

        .. versionadded:: 0.1.0
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                "partner_id": report.partner_id,
                "as_of": report.as_of.isoformat(),
                "level_id": level_id,
                "gaps": [
                    {
                        "type_id": gap.requirement.type_id,
                        "held": gap.held,
                        "required": gap.required,
                    }
                    for gap in report.gaps
                ],
            },
        )

    @property
    def partner_id(self) -> str:
        """The partner."""
        return str(self.payload["partner_id"])

    @property
    def as_of(self) -> dt.date:
        """The day compliance was lost (the day evaluated)."""
        return dt.date.fromisoformat(str(self.payload["as_of"]))

    @property
    def level_id(self) -> str | None:
        """The program level whose requirements are not met (``None`` if not given)."""
        value = self.payload.get("level_id")
        return None if value is None else str(value)

    @property
    def gaps(self) -> tuple[tuple[str, int, int], ...]:
        """``(type_id, held, required)`` for each unmet requirement."""
        found: list[tuple[str, int, int]] = []
        for item in self.payload["gaps"]:  # type: ignore[attr-defined]
            found.append((str(item["type_id"]), int(item["held"]), int(item["required"])))
        return tuple(found)
