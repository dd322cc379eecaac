"""Versioned routing state: round-robin rotation per territory and load per partner.

Both are aggregates with a ``version`` that the repositories maintain, so they change only by
compare-and-set: a router that read version 4 writes version 5, and if another router wrote 5
first, the write raises :class:`~prmcore.errors.ConflictError` and the routing service starts
over from fresh state. The router itself is pure: it reads these objects and returns the new
ones in its decision.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_tuple, trusted_construction
from prmcore.domain.ids import PartnerId

__all__ = ["PartnerLoad", "PeriodCount", "RotationEntry", "RotationState"]

_ZERO = Decimal(0)


_NEW = object.__new__
_SET = object.__setattr__


def _entry(partner_id: str, current: Decimal, assigned: int) -> RotationEntry:
    entry: RotationEntry = _NEW(RotationEntry)
    _SET(entry, "partner_id", partner_id)
    _SET(entry, "current", current)
    _SET(entry, "assigned", assigned)
    return entry


def _fast(cls: type[Any], **values: Any) -> Any:
    """An instance of the frozen attrs class *cls* built without converters or checks: only
    for values computed from objects that passed them (the router's hot path)."""
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def _to_decimal(value: object) -> Any:
    if isinstance(value, float):
        raise TypeError(f"float {value!r} is not accepted: pass an int, str or Decimal")
    if isinstance(value, int | str) and not isinstance(value, bool):
        return Decimal(value)
    return value


@attrs.frozen
class RotationEntry(Validated):
    """One partner's place in a territory's rotation.

    Args:
        partner_id: The partner.
        current: Its smooth-weighted-round-robin counter (any sign).
        assigned: Leads assigned to it in this territory so far (the quota strategy's count).

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    current: Decimal = attrs.field(default=_ZERO, converter=_to_decimal)
    assigned: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        c.decimal("current", self.current)
        c.integer("assigned", self.assigned, minimum=0)


@attrs.frozen
class RotationState(Validated):
    """The rotation of one territory's pool (stored per territory, versioned).

    Args:
        id: The territory id.
        entries: One entry per partner that took part, sorted by partner id.
        version: Set by the repository.

    .. versionadded:: 0.1.0
    """

    id: str
    entries: tuple[RotationEntry, ...] = attrs.field(default=(), converter=to_tuple)
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        if c.each("entries", self.entries, lambda p, v: c.instance(p, v, RotationEntry)):
            ids = [e.partner_id for e in self.entries]
            c.require(ids == sorted(set(ids)), "entries", "must be sorted by unique partner id")
        c.integer("version", self.version, minimum=0)

    def currents(self) -> dict[str, Decimal]:
        """The round-robin counters by partner id."""
        return {e.partner_id: e.current for e in self.entries}

    def assigned(self) -> dict[str, int]:
        """The assignment counts by partner id."""
        return {e.partner_id: e.assigned for e in self.entries}

    def with_values(
        self, currents: Mapping[str, Decimal], assigned: Mapping[str, int]
    ) -> RotationState:
        """A copy (at the same version) holding *currents* and *assigned*."""
        return _rotation(self.id, currents, assigned, self.version)

    @classmethod
    def empty(cls, territory_id: str) -> RotationState:
        """A fresh rotation at version 0 (*territory_id* is trusted to be an id)."""
        result: RotationState = _fast(cls, id=territory_id, entries=(), version=0)
        return result

    def bumped(self) -> RotationState:
        """A copy one version higher (what a store returns after saving it)."""
        result: RotationState = _fast(
            RotationState, id=self.id, entries=self.entries, version=self.version + 1
        )
        return result


def _rotation(
    territory_id: str, currents: Mapping[str, Decimal], assigned: Mapping[str, int], version: int
) -> RotationState:
    """The rotation of *territory_id* holding *currents* and *assigned*, at *version*."""
    ids = sorted(currents.keys() | assigned.keys())
    # Counters and counts computed from a valid state are valid: skip re-checking them.
    entries = tuple(_entry(pid, currents.get(pid, _ZERO), assigned.get(pid, 0)) for pid in ids)
    result: RotationState = _NEW(RotationState)
    _SET(result, "id", territory_id)
    _SET(result, "entries", entries)
    _SET(result, "version", version)
    return result


@attrs.frozen
class PeriodCount(Validated):
    """Leads offered to a partner in one calendar month and not declined or expired.

    Args:
        period: The month, ``"YYYY-MM"``.
        count: How many.

    .. versionadded:: 0.1.0
    """

    period: str
    count: int

    def _validate(self, c: Checks) -> None:
        c.require(
            isinstance(self.period, str)
            and len(self.period) == 7
            and self.period[4] == "-"
            and self.period.replace("-", "").isdigit(),
            "period",
            f"must be a month 'YYYY-MM', got {self.period!r}",
        )
        c.integer("count", self.count, minimum=0)


_KEEP_PERIODS = 13


@attrs.frozen
class PartnerLoad(Validated):
    """How much a partner has on its plate, and how it handled offers so far.

    Args:
        id: The partner id.
        open: Leads offered or accepted and not yet closed (the concurrent capacity count).
        periods: Per month, leads offered and not declined or expired (the per-period cap's
            count); the last 13 months are kept.
        offered: Offers made, ever.
        accepted: Offers accepted.
        declined: Offers declined.
        expired: Offers that expired.
        won: Accepted leads closed as won.
        lost: Accepted leads closed as lost.
        version: Set by the repository.

    .. versionadded:: 0.1.0
    """

    id: PartnerId
    open: int = 0
    periods: tuple[PeriodCount, ...] = attrs.field(default=(), converter=to_tuple)
    offered: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    won: int = 0
    lost: int = 0
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        for name in ("open", "offered", "accepted", "declined", "expired", "won", "lost"):
            c.integer(name, getattr(self, name), minimum=0)
        c.each("periods", self.periods, lambda p, v: c.instance(p, v, PeriodCount))
        c.integer("version", self.version, minimum=0)

    def in_period(self, period: str) -> int:
        """The count for month *period* (``"YYYY-MM"``)."""
        for entry in self.periods:
            if entry.period == period:
                return entry.count
        return 0

    def _periods_plus(self, period: str, delta: int) -> tuple[PeriodCount, ...]:
        return _periods_after(self.periods, period, delta)

    def _fast_copy(self, **changes: Any) -> PartnerLoad:
        obj = _NEW(PartnerLoad)
        for name in _LOAD_FIELDS:
            _SET(obj, name, changes.get(name, getattr(self, name)))
        return obj

    def with_offer(self, period: str) -> PartnerLoad:
        """After a new offer in month *period* (``"YYYY-MM"``, as the router writes it)."""
        # The router calls this once per lead: counts that only grow need no re-checking.
        obj = _NEW(PartnerLoad)
        _SET(obj, "id", self.id)
        _SET(obj, "open", self.open + 1)
        _SET(obj, "periods", self._periods_plus(period, 1))
        _SET(obj, "offered", self.offered + 1)
        for name in _COUNTERS:
            _SET(obj, name, getattr(self, name))
        _SET(obj, "version", self.version)
        return obj

    @classmethod
    def empty(cls, partner_id: str) -> PartnerLoad:
        """A fresh load at version 0 (*partner_id* is trusted to be an id)."""
        result: PartnerLoad = _fast(cls, **_EMPTY_LOAD, id=partner_id)
        return result

    def bumped(self) -> PartnerLoad:
        """A copy one version higher (what a store returns after saving it)."""
        return self._fast_copy(version=self.version + 1)

    def with_accept(self) -> PartnerLoad:
        """After an offer was accepted (it stays open until closed)."""
        return attrs.evolve(self, accepted=self.accepted + 1)

    def with_decline(self, period: str) -> PartnerLoad:
        """After an offer made in month *period* was declined."""
        return attrs.evolve(
            self,
            open=max(0, self.open - 1),
            declined=self.declined + 1,
            periods=self._periods_plus(period, -1),
        )

    def with_expiry(self, period: str) -> PartnerLoad:
        """After an offer made in month *period* expired."""
        return attrs.evolve(
            self,
            open=max(0, self.open - 1),
            expired=self.expired + 1,
            periods=self._periods_plus(period, -1),
        )

    def with_close(self, *, won: bool) -> PartnerLoad:
        """After an accepted lead was closed, won or lost."""
        return attrs.evolve(
            self,
            open=max(0, self.open - 1),
            won=self.won + (1 if won else 0),
            lost=self.lost + (0 if won else 1),
        )


_LOAD_FIELDS: tuple[str, ...] = tuple(a.name for a in attrs.fields(PartnerLoad))
_EMPTY_LOAD: dict[str, Any] = {
    a.name: a.default for a in attrs.fields(PartnerLoad) if a.name != "id"
}


def _period_count(period: str, count: int) -> PeriodCount:
    entry: PeriodCount = _NEW(PeriodCount)
    _SET(entry, "period", period)
    _SET(entry, "count", count)
    return entry


def _load_after_offers(
    base: PartnerLoad | None,
    partner_id: str,
    open_leads: int,
    periods: tuple[PeriodCount, ...],
    offers: int,
) -> PartnerLoad:
    """*base* (``None``: an empty load of *partner_id*) after *offers* offers, with
    *open_leads* open and the monthly counts *periods*, as many versions higher."""
    obj: PartnerLoad = _NEW(PartnerLoad)
    _SET(obj, "id", partner_id)
    _SET(obj, "open", open_leads)
    _SET(obj, "periods", periods)
    if base is None:
        _SET(obj, "offered", offers)
        for name in _COUNTERS:
            _SET(obj, name, 0)
        _SET(obj, "version", offers)
    else:
        _SET(obj, "offered", base.offered + offers)
        for name in _COUNTERS:
            _SET(obj, name, getattr(base, name))
        _SET(obj, "version", base.version + offers)
    return obj


def _periods_after(
    periods: tuple[PeriodCount, ...], period: str, delta: int
) -> tuple[PeriodCount, ...]:
    """The monthly counts *periods* after adding *delta* to month *period* (never below
    zero; the last 13 months are kept)."""
    if not periods:  # a partner's first month
        return (_period_count(period, max(0, delta)),)
    if periods[-1].period == period:  # the usual case: this month again
        return (*periods[:-1], _period_count(period, max(0, periods[-1].count + delta)))
    counts = {p.period: p.count for p in periods}
    counts[period] = max(0, counts.get(period, 0) + delta)
    kept = sorted(counts.items())[-_KEEP_PERIODS:]
    with trusted_construction():
        return tuple(PeriodCount(p, n) for p, n in kept)


_COUNTERS: tuple[str, ...] = ("accepted", "declined", "expired", "won", "lost")
