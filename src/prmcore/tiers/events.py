"""Domain events for partner-program levels: a level changed, or a change waits for approval.

Both follow :class:`prmcore.events.DomainEvent`: the id and time are passed in (from the host's
id factory and clock), the payload is JSON-ready, and they round-trip through
:mod:`prmcore.serialization`. :func:`decision_event` turns a
:class:`~prmcore.tiers.LevelDecision` into the right event.

Examples:
    >>> import datetime as dt
    >>> from prmcore.tiers import LevelDecision
    >>> decision = LevelDecision("p-1", "promote", "silver", "gold", dt.date(2026, 4, 1),
    ...                          "qualified for Gold on 2026-03-31")
    >>> event = decision_event(decision, id="evt-1",
    ...                        occurred_at=dt.datetime(2026, 4, 1, 6, tzinfo=dt.UTC))
    >>> event.name, event.to_level, event.effective_on
    ('LevelChanged', 'gold', datetime.date(2026, 4, 1))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import attrs

from prmcore.events import DomainEvent
from prmcore.tiers.level_policy import DecisionKind, LevelChange, LevelDecision

__all__ = [
    "LevelChangePending",
    "LevelChanged",
    "decision_event",
]

_KEYS = frozenset({"partner_id", "from_level", "to_level", "effective_on", "kind", "reason"})


class _LevelEventAccessors:
    """Accessors shared by the two level events (a mixin, so it is no event type itself)."""

    __slots__ = ()

    if TYPE_CHECKING:
        payload: Mapping[str, object]

    @property
    def partner_id(self) -> str:
        """The partner."""
        return str(self.payload["partner_id"])

    @property
    def from_level(self) -> str | None:
        """The level before (``None`` for a first placement)."""
        value = self.payload["from_level"]
        return None if value is None else str(value)

    @property
    def to_level(self) -> str:
        """The new level."""
        return str(self.payload["to_level"])

    @property
    def effective_on(self) -> dt.date:
        """The first day at the new level."""
        return dt.date.fromisoformat(str(self.payload["effective_on"]))

    @property
    def kind(self) -> str:
        """``"promote"`` or ``"demote"``."""
        return str(self.payload["kind"])

    @property
    def reason(self) -> str:
        """Why, in words."""
        return str(self.payload["reason"])


@attrs.frozen
class LevelChanged(_LevelEventAccessors, DomainEvent):
    """A partner's program level changed.

    Payload: ``partner_id``, ``from_level`` (or null), ``to_level``, ``effective_on`` (ISO
    date), ``kind`` (``promote``/``demote``), ``reason`` and ``approved_by`` (or null). Build
    it with :meth:`for_change` or :func:`decision_event`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LevelChanged"
    required_keys: ClassVar[frozenset[str]] = _KEYS

    @classmethod
    def for_change(
        cls, change: LevelChange, kind: DecisionKind, *, id: str, occurred_at: dt.datetime
    ) -> LevelChanged:
        """The event for an applied :class:`~prmcore.tiers.LevelChange`.

        Args:
            change: The change as appended to the history.
            kind: ``DecisionKind.PROMOTE`` or ``DecisionKind.DEMOTE``.
            id: The event id.
            occurred_at: When it happened, timezone-aware.

        .. versionadded:: 0.1.0
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                "partner_id": change.partner_id,
                "from_level": change.from_level,
                "to_level": change.to_level,
                "effective_on": change.effective_on.isoformat(),
                "kind": DecisionKind(kind).value,
                "reason": change.reason,
                "approved_by": change.approved_by,
            },
        )

    @property
    def approved_by(self) -> str | None:
        """Who approved the change, if approval was required."""
        value = self.payload.get("approved_by")
        return None if value is None else str(value)


@attrs.frozen
class LevelChangePending(_LevelEventAccessors, DomainEvent):
    """A level change is due but waits for approval (the policy requires it).

    Payload: ``partner_id``, ``from_level`` (or null), ``to_level``, ``effective_on``,
    ``kind`` (the proposed ``promote``/``demote``) and ``reason``.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "LevelChangePending"
    required_keys: ClassVar[frozenset[str]] = _KEYS


def decision_event(
    decision: LevelDecision, *, id: str, occurred_at: dt.datetime
) -> LevelChanged | LevelChangePending | None:
    """The event announcing *decision*: :class:`LevelChanged` for promote and demote,
    :class:`LevelChangePending` for pending, ``None`` for hold.

    Args:
        decision: From :func:`~prmcore.tiers.decide`.
        id: The event id (from the host's id factory).
        occurred_at: When the decision was made, timezone-aware (from the host's clock).

    Raises:
        ValidationError: A bad *id* or *occurred_at*.

    .. versionadded:: 0.1.0
    """
    if decision.kind is DecisionKind.HOLD:
        return None
    if decision.kind is DecisionKind.PENDING:
        assert decision.proposed is not None
        assert decision.to_level is not None
        assert decision.effective_on is not None
        return LevelChangePending(
            id=id,
            occurred_at=occurred_at,
            payload={
                "partner_id": decision.partner_id,
                "from_level": decision.from_level,
                "to_level": decision.to_level,
                "effective_on": decision.effective_on.isoformat(),
                "kind": decision.proposed.value,
                "reason": decision.reason,
            },
        )
    return LevelChanged.for_change(decision.change(), decision.kind, id=id, occurred_at=occurred_at)
