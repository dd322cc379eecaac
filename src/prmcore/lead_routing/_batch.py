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
from prmcore.lead_routing.state import PartnerLoad, PeriodCount, RotationState, _fast
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
    """A partner's load while the batch runs."""

    __slots__ = ("base", "offers", "open", "pending", "pending_period", "periods")

    def __init__(self, base: PartnerLoad) -> None:
        self.base = base
        self.open = base.open
        self.offers = 0
        self.periods: tuple[PeriodCount, ...] = base.periods
        self.pending_period = ""
        self.pending = 0

    def flush(self) -> tuple[PeriodCount, ...]:
        if self.pending:
            self.periods = _periods_plus(self.base, self.periods, self.pending_period, self.pending)
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
        return self.base._fast_copy(
            open=self.open,
            offered=self.base.offered + self.offers,
            periods=self.flush(),
            version=self.base.version + self.offers,
        )


def _periods_plus(
    base: PartnerLoad, periods: tuple[PeriodCount, ...], period: str, count: int
) -> tuple[PeriodCount, ...]:
    # *count* offers in a row in one month change the counts as *count* single offers do.
    holder = base._fast_copy(periods=periods)
    return holder._periods_plus(period, count)


class _Rotation:
    """A territory's rotation while the batch runs."""

    __slots__ = ("assigned", "base", "currents", "offers")

    def __init__(self, base: RotationState) -> None:
        self.base = base
        self.currents = base.currents()
        self.assigned = base.assigned()
        self.offers = 0

    def final(self) -> RotationState:
        state = self.base.with_values(self.currents, self.assigned)
        result: RotationState = _fast(
            RotationState, id=state.id, entries=state.entries, version=state.version + self.offers
        )
        return result


# One pool member that passes the gates reading only the partner: partner id, weight,
# open-lead limit and monthly limit (``None`` without limit), and its load.
_Member = tuple[PartnerId, Decimal, "int | None", "int | None", _Load]


class _Pool:
    """A territory's pool for the batch: the members worth checking per lead, the
    territory's rotation and the reasons given so far (one per winner and match kind)."""

    __slots__ = ("id", "members", "reasons", "rotation")

    def __init__(self, territory_id: str, members: list[_Member], rotation: _Rotation) -> None:
        self.id = territory_id
        self.members = members
        self.rotation = rotation
        self.reasons: dict[MatchKind, dict[str, str]] = {kind: {} for kind in MatchKind}


def route_batch(
    router: Router,
    leads: Iterable[Lead],
    data: InMemoryRoutingData,
    now: dt.datetime | Callable[[Lead], dt.datetime],
) -> list[RoutingDecision]:
    """Route *leads* in order as :meth:`Router.route_many` does (see :func:`supports`)."""
    from prmcore.lead_routing.router import RoutingOutcome, _decision

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

    loads: dict[str, _Load] = {}
    rotations: dict[str, _Rotation] = {}

    def load_of(pid: str) -> _Load:
        state = loads.get(pid)
        if state is None:
            state = loads[pid] = _Load(data.load(pid))
        return state

    def pool(order: int) -> _Pool:
        territory = territories[order]
        members: list[_Member] = []
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
                    members.append((pid, weight, None, None, load_of(pid)))
                continue
            if statuses is not None and partner.status not in statuses:
                continue
            capacity = partner.capacity
            max_open = capacity.max_open_leads if check_capacity else None
            max_month = capacity.max_leads_per_month if check_capacity else None
            members.append((pid, weight, max_open, max_month, load_of(pid)))
        tid = territory.id
        rotation = rotations[tid] = _Rotation(data.rotation(tid))
        made = pools[order] = _Pool(tid, members, rotation)
        return made

    def reason(found: _Pool, winner: str, kind: MatchKind, order: int) -> str:
        text = found.reasons[kind][winner] = (
            f"offered to {winner} through {found.id} ({kind.value}, {strategy_names[order]})"
        )
        return text

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
                found = pool(order)
            rotation = found.rotation
            currents = rotation.currents
            best: Decimal | None = None
            winner: str = ""
            chosen: _Load | None = None
            total = _ZERO
            # One pass: a member within its limits is eligible; its score (counter plus
            # weight) is also its new counter, and the best score wins (ties: partner id).
            for pid, weight, max_open, max_month, state in found.members:
                if max_open is not None and state.open >= max_open:
                    continue
                if max_month is not None and state.in_period(period) >= max_month:
                    continue
                score = currents[pid] = currents.get(pid, _ZERO) + weight
                total += weight
                if best is None or score > best or (score == best and pid < winner):
                    best = score
                    winner = pid
                    chosen = state
            if chosen is None:
                continue
            currents[winner] -= total
            assigned = rotation.assigned
            assigned[winner] = assigned.get(winner, 0) + 1
            rotation.offers += 1
            if chosen.pending_period is period:
                chosen.open += 1
                chosen.offers += 1
                chosen.pending += 1
            else:
                chosen.offer(period)
            kind = m.kind
            text = found.reasons[kind].get(winner)
            if text is None:
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
    for tid, rotation in rotations.items():
        if rotation.offers:
            data.rotations[tid] = rotation.final()
    for partner_id, state in loads.items():
        if state.offers:
            data.loads[partner_id] = state.final()
    return out
