"""The batch fast path behind :meth:`prmcore.lead_routing.Router.route_batch`.

With tracing off, no earlier declines and in-memory data, a batch needs none of the
per-lead objects the general path builds (requests, candidates, versioned state): the gates
that only read the partner are decided once per pool member for the whole batch, rotation
counters live on the pool's seats and loads in one plain object per partner while the batch
runs, and the versioned
:class:`~prmcore.lead_routing.RotationState` and :class:`~prmcore.lead_routing.PartnerLoad`
objects are built once at the end. Decisions and final state are the same as routing the
leads one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from prmcore.domain import Lead, PartnerStatus
from prmcore.domain.ids import PartnerId
from prmcore.lead_routing.gates import CapacityGate, DeclinedGate, StatusGate, WeightGate
from prmcore.lead_routing.resolution import _most_specific, resolve
from prmcore.lead_routing.state import (
    PartnerLoad,
    PeriodCount,
    RotationState,
    _load_after_offers,
    _periods_after,
    _rotation,
)
from prmcore.lead_routing.strategies import SmoothWeightedRoundRobin, Strategy, TieBreak
from prmcore.lead_routing.territory import PolicyKind
from prmcore.lead_routing.territory_index import MatchKind, TerritoryMatch

if TYPE_CHECKING:
    from prmcore.lead_routing.router import InMemoryRoutingData, Router, RoutingDecision

_ZERO = Decimal(0)
_SIMPLE_GATES = (WeightGate, StatusGate, DeclinedGate, CapacityGate)


def supports(router: Router) -> bool:
    """Whether the fast path decides exactly like :meth:`Router.route` for *router*: only
    the built-in gates that need no outside source, and plain smooth weighted round robin
    (no filters, ties broken by partner id) in every territory."""
    if any(type(gate) not in _SIMPLE_GATES for gate in router.gates):
        return False
    return all(_plain(s) for s in {id(s): s for s in router._strategy_of}.values())


def _plain(strategy: Strategy) -> bool:
    return (
        type(strategy.scorer) is SmoothWeightedRoundRobin
        and not strategy.filters
        and strategy.tie_breaks == (TieBreak.PARTNER_ID,)
    )


# The room of a partner without an open-lead limit: more offers than any batch makes.
_UNLIMITED = 1 << 62


class _Load:
    """A partner's load while the batch runs: the room left under its open-lead limit and
    its monthly limit (``None`` for none), as the capacity gate reads them."""

    __slots__ = (
        "base",
        "base_open",
        "max_month",
        "offers",
        "pending",
        "pending_period",
        "periods",
        "pid",
        "room",
    )

    def __init__(
        self, pid: PartnerId, base: PartnerLoad | None, max_open: int | None, max_month: int | None
    ) -> None:
        self.pid = pid
        self.base = base  # None: no stored load, an empty one
        self.base_open = base.open if base is not None else 0
        # open >= max_open exactly when room <= 0.
        self.room = _UNLIMITED if max_open is None else max_open - self.base_open
        self.max_month = max_month
        self.offers = 0
        self.periods: tuple[PeriodCount, ...] = base.periods if base is not None else ()
        self.pending_period = ""
        self.pending = 0

    def flush(self) -> tuple[PeriodCount, ...]:
        if self.pending:
            # *pending* offers in a row in one month change the counts as as many single
            # offers do.
            self.periods = _periods_after(self.periods, self.pending_period, self.pending)
            self.pending = 0
        return self.periods

    def in_period(self, period: str) -> int:
        for entry in self.flush():
            if entry.period == period:
                return entry.count
        return 0

    def offer(self, period: str) -> None:
        self.room -= 1
        self.offers += 1
        if self.pending and self.pending_period != period:
            self.flush()
        self.pending_period = period
        self.pending += 1

    def final(self) -> PartnerLoad:
        return _load_after_offers(
            self.base, self.pid, self.base_open + self.offers, self.flush(), self.offers
        )


class _Seat:
    """A pool member worth checking: its partner's load, its weight and its round-robin
    counter (``None`` while the rotation has none for it)."""

    __slots__ = ("current", "first", "load", "pid", "reason", "weight", "wins")

    def __init__(self, load: _Load, weight: Decimal, current: Decimal | None) -> None:
        self.load = load
        self.pid = load.pid
        self.weight = weight
        self.first = _ZERO + weight  # the counter after a first score from none
        self.current = current
        self.wins = 0
        self.reason: str | None = None  # for the pool's usual match kind


class _Pool:
    """A territory's pool for the batch: its seats, the rotation's counters and
    assignment counts before the batch, and the match kind that first chose the territory
    (the seats keep their reason for it)."""

    __slots__ = ("assigned", "base", "currents", "id", "kind", "offers", "seats")

    def __init__(
        self,
        territory_id: str,
        members: list[tuple[_Load, Decimal]],
        base: RotationState | None,
        kind: MatchKind,
    ) -> None:
        self.id = territory_id
        self.base = base  # None: no stored rotation, an empty one
        self.currents = base.currents() if base is not None else {}
        self.assigned = base.assigned() if base is not None else {}
        get = self.currents.get
        self.seats = [_Seat(load, weight, get(load.pid)) for load, weight in members]
        self.offers = 0
        self.kind = kind

    def final(self) -> RotationState:
        currents = self.currents
        assigned = self.assigned
        for seat in self.seats:
            if seat.current is not None:
                currents[seat.pid] = seat.current
            if seat.wins:
                assigned[seat.pid] = assigned.get(seat.pid, 0) + seat.wins
        version = self.base.version if self.base is not None else 0
        return _rotation(self.id, currents, self.assigned, version + self.offers)


def route_batch(
    router: Router,
    leads: Iterable[Lead],
    data: InMemoryRoutingData,
    now: dt.datetime | Callable[[Lead], dt.datetime],
) -> list[RoutingDecision]:
    """Route *leads* in order as :meth:`Router.route_many` does (see :func:`supports`)."""
    from prmcore.lead_routing.router import InMemoryRoutingData, RoutingOutcome, _decision

    gate_types = {type(g) for g in router.gates}
    status_gates = [g for g in router.gates if isinstance(g, StatusGate)]
    statuses: frozenset[PartnerStatus] | None = None
    for gate in status_gates:
        statuses = gate.statuses if statuses is None else statuses & gate.statuses
    check_weight = WeightGate in gate_types
    check_capacity = CapacityGate in gate_types
    needs_partner = statuses is not None or check_capacity
    partners = data.partners
    territories = router._territories
    strategy_names = [s.name for s in router._strategy_of]
    pools: list[_Pool | None] = [None] * len(territories)
    # The stored state is read from the dicts (no empty state is made for what is not
    # stored) unless a subclass reads it another way.
    plain = (
        type(data).load is InMemoryRoutingData.load
        and type(data).rotation is InMemoryRoutingData.rotation
    )
    stored_loads = data.loads
    stored_rotations = data.rotations
    loads: dict[str, _Load] = {}

    def load_of(pid: PartnerId, max_open: int | None, max_month: int | None) -> _Load:
        state = loads.get(pid)
        if state is None:
            base = stored_loads.get(pid) if plain else data.load(pid)
            state = loads[pid] = _Load(pid, base, max_open, max_month)
        return state

    def pool(order: int, kind: MatchKind) -> _Pool:
        territory = territories[order]
        members: list[tuple[_Load, Decimal]] = []
        for member in territory.members:
            pid = member.partner_id
            partner = partners.get(pid)
            weight = member.weight
            if weight is None:
                weight = router._weight(None, partner)
            if check_weight and not weight > 0:
                continue
            if partner is None:
                if not needs_partner:
                    members.append((load_of(pid, None, None), weight))
                continue
            if statuses is not None and partner.status not in statuses:
                continue
            if check_capacity:
                capacity = partner.capacity
                limits = load_of(pid, capacity.max_open_leads, capacity.max_leads_per_month)
                members.append((limits, weight))
            else:
                members.append((load_of(pid, None, None), weight))
        tid = territory.id
        base = stored_rotations.get(tid) if plain else data.rotation(tid)
        made = pools[order] = _Pool(tid, members, base, kind)
        return made

    def reason(found: _Pool, winner: str, kind: MatchKind, order: int) -> str:
        return f"offered to {winner} through {found.id} ({kind.value}, {strategy_names[order]})"

    model = router.model
    model_id = model.id
    model_version = model.version
    policy = model.policy
    single = policy.kind is PolicyKind.MOST_SPECIFIC or (
        policy.kind is PolicyKind.RANK and policy.winners == 1
    )
    match = router._matcher.match
    offered = RoutingOutcome.OFFERED
    unroutable = RoutingOutcome.UNROUTABLE
    fixed = None if callable(now) else now
    day = dt.date.min
    period = ""
    last_moment: dt.datetime | None = None
    out: list[RoutingDecision] = []
    append = out.append
    for lead in leads:
        moment = fixed if fixed is not None else now(lead)  # type: ignore[operator]
        if moment is not last_moment:
            day = moment.date()
            period = f"{day.year:04d}-{day.month:02d}"
            last_moment = moment
        matches = match(lead, day)
        if len(matches) <= 1:
            winners: Sequence[TerritoryMatch] = matches
        elif single:
            winners = (_most_specific(matches),)
        else:
            winners = resolve(matches, policy)
        decision = None
        for m in winners:
            order = m.order
            found = pools[order]
            if found is None:
                found = pool(order, m.kind)
            best: Decimal | None = None
            chosen: _Seat | None = None
            winner = ""
            total = _ZERO
            # One pass: a member within its limits is eligible; its score (counter plus
            # weight) is also its new counter, and the best score wins (ties: partner id).
            for seat in found.seats:
                state = seat.load
                if state.room <= 0:
                    continue
                limit = state.max_month
                if limit is not None and state.in_period(period) >= limit:
                    continue
                weight = seat.weight
                current = seat.current
                score = seat.current = seat.first if current is None else current + weight
                total += weight
                if best is None or score > best or (score == best and seat.pid < winner):
                    best = score
                    winner = seat.pid
                    chosen = seat
            if chosen is None:
                continue
            chosen.current = best - total  # type: ignore[operator]
            chosen.wins += 1
            found.offers += 1
            state = chosen.load
            if state.pending_period is period:
                state.room -= 1
                state.offers += 1
                state.pending += 1
            else:
                state.offer(period)
            kind = m.kind
            if kind is found.kind:
                text = chosen.reason
                if text is None:
                    text = chosen.reason = reason(found, winner, kind, order)
            else:
                text = reason(found, winner, kind, order)
            decision = _decision(lead.id, offered, winner, found.id, text, model_id, model_version)
            break
        if decision is None:
            if not winners:
                text = "no territory covers the lead and there is no catch-all"
            else:
                rejected = ", ".join(territories[m.order].id for m in winners)
                text = f"no eligible partner in {rejected}"
            decision = _decision(lead.id, unroutable, None, None, text, model_id, model_version)
        append(decision)
    for made in pools:
        if made is not None and made.offers:
            stored_rotations[made.id] = made.final()
    for partner_id, state in loads.items():
        if state.offers:
            stored_loads[partner_id] = state.final()
    return out
