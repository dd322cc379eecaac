"""The batch fast path behind :meth:`prmcore.lead_routing.Router.route_batch`.

With tracing off, no earlier declines and in-memory data, a batch needs none of the
per-lead objects the general path builds (requests, candidates, versioned state): the gates
that only read the partner are decided once per pool member for the whole batch, rotation
counters and loads live in plain dicts and ints while the batch runs, and the versioned
:class:`~prmcore.lead_routing.RotationState` and :class:`~prmcore.lead_routing.PartnerLoad`
objects are built once at the end. Decisions and final state are the same as routing the
leads one at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from prmcore.domain import Lead, PartnerStatus
from prmcore.domain.ids import PartnerId
from prmcore.lead_routing.gates import CapacityGate, DeclinedGate, StatusGate, WeightGate
from prmcore.lead_routing.resolution import resolve
from prmcore.lead_routing.state import (
    PartnerLoad,
    PeriodCount,
    RotationState,
    _load_after_offers,
    _periods_after,
    _rotation,
)
from prmcore.lead_routing.strategies import SmoothWeightedRoundRobin, Strategy, TieBreak
from prmcore.lead_routing.territory_index import MatchKind

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


class _Load:
    """A partner's load while the batch runs, with the limits the capacity gate puts on it
    (``None`` for none)."""

    __slots__ = (
        "base",
        "max_month",
        "max_open",
        "offers",
        "open",
        "pending",
        "pending_period",
        "periods",
        "pid",
    )

    def __init__(
        self, pid: PartnerId, base: PartnerLoad | None, max_open: int | None, max_month: int | None
    ) -> None:
        self.pid = pid
        self.base = base  # None: no stored load, an empty one
        self.max_open = max_open
        self.max_month = max_month
        self.open = base.open if base is not None else 0
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
        self.open += 1
        self.offers += 1
        if self.pending and self.pending_period != period:
            self.flush()
        self.pending_period = period
        self.pending += 1

    def final(self) -> PartnerLoad:
        return _load_after_offers(self.base, self.pid, self.open, self.flush(), self.offers)


class _Pool:
    """A territory's pool for the batch: the loads (with limits) and weights of the members
    worth checking per lead, the territory's rotation counters, and the reasons given so
    far for the match kind that first chose the territory, by winner."""

    __slots__ = (
        "assigned",
        "base",
        "currents",
        "id",
        "kind",
        "loads",
        "offers",
        "reasons",
        "weights",
    )

    def __init__(
        self,
        territory_id: str,
        loads: list[_Load],
        weights: list[Decimal],
        base: RotationState | None,
        kind: MatchKind,
    ) -> None:
        self.id = territory_id
        self.loads = loads
        self.weights = weights
        self.base = base  # None: no stored rotation, an empty one
        self.currents = base.currents() if base is not None else {}
        self.assigned = base.assigned() if base is not None else {}
        self.offers = 0
        self.kind = kind
        self.reasons: dict[str, str] = {}

    def final(self) -> RotationState:
        version = self.base.version if self.base is not None else 0
        return _rotation(self.id, self.currents, self.assigned, version + self.offers)


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
        members: list[_Load] = []
        weights: list[Decimal] = []
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
                    members.append(load_of(pid, None, None))
                    weights.append(weight)
                continue
            if statuses is not None and partner.status not in statuses:
                continue
            if check_capacity:
                capacity = partner.capacity
                members.append(load_of(pid, capacity.max_open_leads, capacity.max_leads_per_month))
            else:
                members.append(load_of(pid, None, None))
            weights.append(weight)
        tid = territory.id
        base = stored_rotations.get(tid) if plain else data.rotation(tid)
        made = pools[order] = _Pool(tid, members, weights, base, kind)
        return made

    def reason(found: _Pool, winner: str, kind: MatchKind, order: int) -> str:
        return f"offered to {winner} through {found.id} ({kind.value}, {strategy_names[order]})"

    model = router.model
    model_id = model.id
    model_version = model.version
    policy = model.policy
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
        winners = matches if len(matches) == 1 else resolve(matches, policy)
        decision = None
        for m in winners:
            order = m.order
            found = pools[order]
            if found is None:
                found = pool(order, m.kind)
            currents = found.currents
            best: Decimal | None = None
            chosen: _Load | None = None
            winner = ""
            total = _ZERO
            # One pass: a member within its limits is eligible; its score (counter plus
            # weight) is also its new counter, and the best score wins (ties: partner id).
            for state, weight in zip(found.loads, found.weights, strict=True):
                limit = state.max_open
                if limit is not None and state.open >= limit:
                    continue
                limit = state.max_month
                if limit is not None and state.in_period(period) >= limit:
                    continue
                pid = state.pid
                score = currents[pid] = currents.get(pid, _ZERO) + weight
                total += weight
                if best is None or score > best or (score == best and pid < winner):
                    best = score
                    winner = pid
                    chosen = state
            if chosen is None:
                continue
            currents[winner] -= total
            assigned = found.assigned
            assigned[winner] = assigned.get(winner, 0) + 1
            found.offers += 1
            if chosen.pending_period is period:
                chosen.open += 1
                chosen.offers += 1
                chosen.pending += 1
            else:
                chosen.offer(period)
            kind = m.kind
            if kind is found.kind:
                text = found.reasons.get(winner)
                if text is None:
                    text = found.reasons[winner] = reason(found, winner, kind, order)
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
