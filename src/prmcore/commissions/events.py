"""Domain events of the commission service: lines credited, statements issued.

Both follow :class:`prmcore.events.DomainEvent`: the id and time are passed in, the payload is
JSON-ready (amounts as strings), and they round-trip through :mod:`prmcore.serialization`. The
service publishes them only after its unit of work committed.

Examples:
    >>> import datetime as dt
    >>> event = CommissionCredited(
    ...     id="evt-1", occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    ...     payload={"plan_id": "p", "period": "2026-01", "partner_id": "p-1",
    ...              "lines": 2, "amount": "120.00", "currency": "EUR"},
    ... )
    >>> event.name, event.partner_id
    ('CommissionCredited', 'p-1')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from prmcore.events import DomainEvent

__all__ = ["CommissionCredited", "StatementIssued"]


@attrs.frozen
class CommissionCredited(DomainEvent):
    """A period run appended lines for a partner: how many and their total.

    Payload: ``plan_id``, ``period``, ``partner_id``, ``lines``, ``amount``, ``currency``.

    .. versionadded:: 0.1.0
    """

    required_keys: ClassVar[frozenset[str]] = frozenset(
        {"plan_id", "period", "partner_id", "lines", "amount", "currency"}
    )

    @property
    def partner_id(self) -> str:
        """The partner."""
        return str(self.payload["partner_id"])


@attrs.frozen
class StatementIssued(DomainEvent):
    """A closed period's statement for a partner was issued.

    Payload: ``plan_id``, ``period``, ``partner_id``, ``closing``, ``payout``, ``currency``.

    .. versionadded:: 0.1.0
    """

    required_keys: ClassVar[frozenset[str]] = frozenset(
        {"plan_id", "period", "partner_id", "closing", "payout", "currency"}
    )

    @property
    def partner_id(self) -> str:
        """The partner."""
        return str(self.payload["partner_id"])
