"""The router: from a lead to one eligible partner, or to the fallback queue, with the reason.

:class:`Router` is pure: it reads partners and state through a
:class:`~prmcore.lead_routing.RoutingData` and returns a :class:`RoutingDecision` holding the
new rotation and load it implies; it never writes. The routing service stores those with
compare-and-set; :class:`InMemoryRoutingData` applies them in memory for batches and
simulations.

Per lead: the :class:`~prmcore.lead_routing.TerritoryIndex` finds the territories covering it,
the resolution policy orders the winners, and each winner's pool is tried in turn: every member
goes through the gates, the territory's :class:`~prmcore.lead_routing.Strategy` picks one of the
eligible ones. A lead no territory covers, or whose winners have no eligible partner, is
*unroutable*: it goes to the fallback queue with a reason; it never raises.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from prmcore._build import slot_setters
from prmcore.domain import Agreement, Lead, Partner
from prmcore.domain.ids import PartnerId
from prmcore.errors import ValidationError
from prmcore.lead_routing.gates import (
    DEFAULT_GATES,
    Candidate,
    Gate,
    GateVerdict,
    RoutingData,
    RoutingRequest,
)
from prmcore.lead_routing.resolution import resolve
from prmcore.lead_routing.state import PartnerLoad, RotationState
from prmcore.lead_routing.strategies import Strategy
from prmcore.lead_routing.territory import PolicyKind, TerritoryModel
from prmcore.lead_routing.territory_index import MatchKind, TerritoryIndex, TerritoryMatch
from prmcore.lead_routing.trace import CandidateTrace, PoolTrace, RoutingTrace, TerritoryTrace

if TYPE_CHECKING:
    from prmcore.tiers.program import Program

__all__ = [
    "InMemoryRoutingData",
    "Router",
    "RoutingDecision",
    "RoutingOutcome",
    "TerritoryMatcher",
    "WeightSource",
    "program_weights",
]

_ONE = Decimal(1)

WeightSource = Callable[[Partner], Decimal]
"""Gives a partner's routing weight when its pool entry has none (see
:func:`program_weights`).

.. versionadded:: 0.1.0
"""


class TerritoryMatcher(Protocol):
    """**Protocol:** finds the territories covering a lead on a day
    (:class:`~prmcore.lead_routing.TerritoryIndex`,
    :class:`~prmcore.lead_routing.BruteForceMatcher`).

    .. versionadded:: 0.1.0
    """

    def match(self, lead: Any, on: dt.date) -> list[TerritoryMatch]:
        """The territories covering *lead* on *on*, in model order."""
        ...


def program_weights(program: Program, default: Decimal | int = 1) -> WeightSource:
    """A :data:`WeightSource` reading the routing weight of the partner's program level
    (:func:`prmcore.tiers.routing_weight`); *default* for partners without a level or with
    a level the program does not know.

    .. versionadded:: 0.1.0
    """
    fallback = Decimal(default)
    weights = {level.id: level.benefits.routing_weight for level in program.levels}

    def weight(partner: Partner) -> Decimal:
        level = partner.program_level_id
        return weights.get(level, fallback) if level is not None else fallback

    return weight


class RoutingOutcome(enum.StrEnum):
    """What the router decided.

    .. versionadded:: 0.1.0
    """

    OFFERED = "offered"
    """Offer the lead to ``partner_id``."""
    UNROUTABLE = "unroutable"
    """No eligible partner: the lead goes to the fallback queue."""


@attrs.frozen
class RoutingDecision:
    """The router's decision for one lead.

    Attributes:
        lead_id: The lead.
        outcome: Offered or unroutable.
        partner_id: The partner to offer it to (``None`` when unroutable).
        territory_id: The territory it goes through (``None`` when unroutable).
        reason: The decision in one sentence.
        model_id: The territory model used.
        model_version: Its version.
        attempt: The offer attempt.
        rotation: The territory's rotation after this decision (to store).
        load: The partner's load after this offer (to store).
        trace: The full trace, when asked for.

    .. versionadded:: 0.1.0
    """

    lead_id: str
    outcome: RoutingOutcome
    partner_id: PartnerId | None
    territory_id: str | None
    reason: str
    model_id: str
    model_version: int
    attempt: int = 1
    rotation: RotationState | None = attrs.field(default=None, eq=False, repr=False)
    load: PartnerLoad | None = attrs.field(default=None, eq=False, repr=False)
    trace: RoutingTrace | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def offered(self) -> bool:
        """True when the lead is offered to a partner."""
        return self.outcome is RoutingOutcome.OFFERED

    def to_dict(self) -> dict[str, Any]:
        """The decision (without state, with the trace when there is one) as JSON-ready
        data."""
        return {
            "lead_id": self.lead_id,
            "outcome": self.outcome.value,
            "partner_id": self.partner_id,
            "territory_id": self.territory_id,
            "reason": self.reason,
            "model": {"id": self.model_id, "version": self.model_version},
            "attempt": self.attempt,
            "trace": None if self.trace is None else self.trace.to_dict(),
        }


(_lead_id, _outcome, _partner_id, _territory_id, _reason, _model_id, _model_version, _attempt,
 _rotation, _load, _trace) = slot_setters(
    RoutingDecision,
    ("lead_id", "outcome", "partner_id", "territory_id", "reason", "model_id", "model_version",
     "attempt", "rotation", "load", "trace"),
)  # fmt: skip
_new = object.__new__


def _decision(
    lead_id: str,
    outcome: RoutingOutcome,
    partner_id: str | None,
    territory_id: str | None,
    reason: str,
    model_id: str,
    model_version: int,
) -> RoutingDecision:
    """``RoutingDecision(lead_id, outcome, partner_id, territory_id, reason, model_id,
    model_version)`` for the batch path, built through the slots (the class has no
    converters or validators, so the result is the same, in about half the time)."""
    decision: RoutingDecision = _new(RoutingDecision)
    _lead_id(decision, lead_id)
    _outcome(decision, outcome)
    _partner_id(decision, partner_id)
    _territory_id(decision, territory_id)
    _reason(decision, reason)
    _model_id(decision, model_id)
    _model_version(decision, model_version)
    _attempt(decision, 1)
    _rotation(decision, None)
    _load(decision, None)
    _trace(decision, None)
    return decision


def _policy_text(model: TerritoryModel) -> str:
    policy = model.policy
    if policy.kind is PolicyKind.RANK:
        return f"rank:{policy.winners}"
    return policy.kind.value


class Router:
    """Routes leads over one territory model.

    Build it once (it compiles the territory index) and share it: it is immutable and
    thread-safe.

    Args:
        model: The territory model.
        gates: The eligibility gates, in order (default :data:`~prmcore.lead_routing.
            DEFAULT_GATES`).
        strategy: The default selection strategy.
        strategies: Named strategies that territories choose with their ``strategy`` field.
        weights: Where weights come from for pool members without one (default 1 for all).
        matcher: What finds the territories covering a lead (default: a
            :class:`~prmcore.lead_routing.TerritoryIndex` of *model*; a
            :class:`~prmcore.lead_routing.BruteForceMatcher` gives the same decisions slower).

    Raises:
        ValidationError: A territory names a strategy that *strategies* does not have
            (``territories[2].strategy``).

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        model: TerritoryModel,
        *,
        gates: Sequence[Gate] = DEFAULT_GATES,
        strategy: Strategy | None = None,
        strategies: Mapping[str, Strategy] | None = None,
        weights: WeightSource | None = None,
        matcher: TerritoryMatcher | None = None,
    ) -> None:
        self.model = model
        self.index = TerritoryIndex(model)
        self._matcher: TerritoryMatcher = matcher if matcher is not None else self.index
        self.gates = tuple(gates)
        self._checks = tuple(gate.check for gate in self.gates)
        self.strategy = strategy if strategy is not None else Strategy()
        self.strategies = MappingProxyType(dict(strategies or {}))
        self._weights = weights
        problems = [
            (i, t.strategy)
            for i, t in enumerate(model.territories)
            if t.strategy is not None and t.strategy not in self.strategies
        ]
        if problems:
            from prmcore.errors import Problem

            known = ", ".join(sorted(self.strategies)) or "none"
            raise ValidationError(
                [
                    Problem(
                        f"territories[{i}].strategy", f"unknown strategy {name!r}; known: {known}"
                    )
                    for i, name in problems
                ]
            )
        self._territories = model.territories
        self._strategy_of = tuple(
            self.strategies[t.strategy] if t.strategy is not None else self.strategy
            for t in model.territories
        )
        self._policy_text = _policy_text(model)

    def _weight(self, member_weight: Decimal | None, partner: Partner | None) -> Decimal:
        if member_weight is not None:
            return member_weight
        if partner is not None and self._weights is not None:
            return self._weights(partner)
        return _ONE

    def route(
        self,
        lead: Lead,
        data: RoutingData,
        now: dt.datetime,
        *,
        declined: Iterable[str] = (),
        attempt: int = 1,
        trace: bool = False,
    ) -> RoutingDecision:
        """Decide where *lead* goes.

        Args:
            lead: The lead.
            data: Partners, agreements and routing state.
            now: The routing moment (timezone-aware).
            declined: Partners excluded because they declined (or let expire) this lead.
            attempt: The offer attempt number.
            trace: Build a :class:`~prmcore.lead_routing.RoutingTrace`.

        Returns:
            The decision; an unroutable lead is a decision too, never an exception.
        """
        request = RoutingRequest(lead, now, data, declined, attempt)
        checks = self._checks
        matches = self._matcher.match(lead, request.day)
        winners = resolve(matches, self.model.policy)
        pools: list[PoolTrace] = []
        rejected: list[str] = []
        for match in winners:
            order = match.order
            territory = self._territories[order]
            strategy = self._strategy_of[order]
            eligible: list[Candidate] = []
            traced: list[tuple[Candidate, tuple[GateVerdict, ...], bool]] = []
            for member in territory.members:
                pid = member.partner_id
                partner = data.partner(pid)
                weight = member.weight
                if weight is None:
                    weight = self._weight(None, partner)
                candidate = Candidate(member, partner, weight, data.load(pid))
                if trace:
                    verdicts = self._verdicts(candidate, request)
                    ok = all(v.passed for v in verdicts)
                    traced.append((candidate, verdicts, ok))
                    if ok:
                        eligible.append(candidate)
                    continue
                for check in checks:
                    if check(candidate, request) is not None:
                        break
                else:
                    eligible.append(candidate)
            winner = None
            ranked: list[Candidate] = []
            rotation = None
            if eligible:
                rotation = data.rotation(territory.id)
                ranked, winner = strategy.select(eligible, request, rotation, rank=trace)
            if trace:
                pools.append(
                    self._pool_trace(territory.id, strategy, traced, ranked, winner, request)
                )
            if winner is None:
                rejected.append(territory.id)
                continue
            new_rotation = strategy.scorer.rotate(ranked, winner, rotation)
            new_load = winner.load.with_offer(request.period)
            reason = (
                f"offered to {winner.partner_id} through {territory.id} "
                f"({match.kind.value}, {strategy.name})"
            )
            return RoutingDecision(
                lead.id,
                RoutingOutcome.OFFERED,
                PartnerId(winner.partner_id),
                territory.id,
                reason,
                self.model.id,
                self.model.version,
                attempt,
                new_rotation,
                new_load,
                self._trace(
                    request,
                    matches,
                    winners,
                    pools,
                    "offered",
                    winner.partner_id,
                    territory.id,
                    reason,
                )
                if trace
                else None,
            )
        if not winners:
            reason = "no territory covers the lead and there is no catch-all"
        else:
            reason = f"no eligible partner in {', '.join(rejected)}"
        return RoutingDecision(
            lead.id,
            RoutingOutcome.UNROUTABLE,
            None,
            None,
            reason,
            self.model.id,
            self.model.version,
            attempt,
            trace=self._trace(request, matches, winners, pools, "unroutable", None, None, reason)
            if trace
            else None,
        )

    def route_many(
        self,
        leads: Iterable[Lead],
        data: InMemoryRoutingData,
        now: dt.datetime | Callable[[Lead], dt.datetime],
        *,
        trace: bool = False,
    ) -> list[RoutingDecision]:
        """Route a batch in order, applying each decision to *data* before the next lead.

        Args:
            leads: The leads.
            data: In-memory state, updated as the batch goes.
            now: The routing moment, or a function giving it per lead (such as
                ``lambda lead: lead.received_at``).
            trace: Build traces.
        """
        moment = now if callable(now) else (lambda _lead: now)
        out = []
        for lead in leads:
            decision = self.route(lead, data, moment(lead), trace=trace)
            data.apply(decision)
            out.append(decision)
        return out

    def route_batch(
        self,
        leads: Iterable[Lead],
        data: InMemoryRoutingData,
        now: dt.datetime | Callable[[Lead], dt.datetime],
    ) -> list[RoutingDecision]:
        """Route a batch in order with tracing off, the fast way: the same decisions as
        :meth:`route_many`, and the same rotations and loads in *data* at the end.

        Rotation and load are kept in plain counters while the batch runs and stored in
        *data* once, at the end (each one as many versions higher as it took offers), so the
        decisions carry no ``rotation`` or ``load``. Routers with gates that read outside
        sources or with strategies other than plain smooth weighted round robin route the
        batch through :meth:`route_many` (and drop the per-decision state the same way).

        Args:
            leads: The leads.
            data: In-memory state, updated at the end of the batch.
            now: The routing moment, or a function giving it per lead.

        Examples:
            >>> import datetime as dt
            >>> from prmcore.domain import Lead, Location, Partner, PartnerKind, PartnerStatus
            >>> from prmcore.lead_routing import PoolMember, Territory, TerritoryModel
            >>> model = TerritoryModel("m", 1, [Territory("all", "All", catch_all=True,
            ...     members=[PoolMember("p-1"), PoolMember("p-2")])])
            >>> data = InMemoryRoutingData(
            ...     [Partner(id=p, name=p, kind=PartnerKind.RESELLER, status=PartnerStatus.ACTIVE)
            ...      for p in ("p-1", "p-2")])
            >>> at = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
            >>> leads = [Lead(id=f"l-{i}", company_name="Acme", location=Location(country="DE"),
            ...     received_at=at) for i in range(3)]
            >>> [d.partner_id for d in Router(model).route_batch(leads, data, at)]
            ['p-1', 'p-2', 'p-1']
            >>> data.loads["p-1"].open, data.rotations["all"].version
            (2, 3)

        .. versionadded:: 0.1.0
        """
        from prmcore.lead_routing import _batch

        if _batch.supports(self):
            return _batch.route_batch(self, leads, data, now)
        return [
            attrs.evolve(d, rotation=None, load=None) for d in self.route_many(leads, data, now)
        ]

    # -- tracing -----------------------------------------------------------------------------

    def _verdicts(self, candidate: Candidate, request: RoutingRequest) -> tuple[GateVerdict, ...]:
        out = []
        failed = False
        for gate in self.gates:
            if failed and candidate.partner is None:
                out.append(GateVerdict(gate.name, False, "not checked: unknown partner"))
                continue
            reason = gate.check(candidate, request)
            if reason is None:
                out.append(GateVerdict(gate.name, True, gate.describe(candidate, request)))
            else:
                failed = True
                out.append(GateVerdict(gate.name, False, reason))
        return tuple(out)

    def _pool_trace(
        self,
        territory_id: str,
        strategy: Strategy,
        traced: list[tuple[Candidate, tuple[GateVerdict, ...], bool]],
        ranked: list[Candidate],
        winner: Candidate | None,
        request: RoutingRequest,
    ) -> PoolTrace:
        kept = {id(c) for c in ranked}
        candidates = []
        for candidate, verdicts, ok in traced:
            note = candidate.note
            if ok and id(candidate) not in kept:
                note = note or "dropped by the strategy's filters"
            candidates.append(
                CandidateTrace(
                    candidate.partner_id,
                    str(candidate.weight),
                    verdicts,
                    ok,
                    None if candidate.score is None else str(candidate.score),
                    note,
                )
            )
        path = strategy.tie_break_path(ranked, request) if winner is not None else ()
        return PoolTrace(
            territory_id,
            strategy.name,
            tuple(candidates),
            tuple(c.partner_id for c in ranked),
            None if winner is None else winner.partner_id,
            path,
        )

    def _trace(
        self,
        request: RoutingRequest,
        matches: Sequence[TerritoryMatch],
        winners: Sequence[TerritoryMatch],
        pools: list[PoolTrace],
        outcome: str,
        partner_id: str | None,
        territory_id: str | None,
        reason: str,
    ) -> RoutingTrace:
        lead = request.lead
        ranks = {m.territory_id: i + 1 for i, m in enumerate(winners)}
        territories = []
        for m in matches:
            explanation = None
            text = None
            if m.kind is MatchKind.RULE:
                rule = self.model.rule_of(m.territory_id)
                if rule is not None:
                    explained = rule.explain(lead)
                    explanation = explained.to_dict()
                    text = explained.render()
            territories.append(
                TerritoryTrace(
                    m.territory_id,
                    m.kind.value,
                    m.depth,
                    m.specificity,
                    m.priority,
                    ranks.get(m.territory_id),
                    explanation,
                    text,
                )
            )
        return RoutingTrace(
            lead.id,
            self.model.id,
            self.model.version,
            self._policy_text,
            request.now.isoformat(),
            request.attempt,
            len(self.index.candidates(lead)),
            tuple(territories),
            tuple(pools),
            outcome,
            partner_id,
            territory_id,
            reason,
        )


class InMemoryRoutingData:
    """:class:`~prmcore.lead_routing.RoutingData` held in dicts: for batches, simulations,
    notebooks and tests. Not thread-safe.

    Args:
        partners: The partners.
        agreements: Their agreements.
        loads: Stored loads (default: none, every partner starts empty).
        rotations: Stored rotations (default: none).

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        partners: Iterable[Partner],
        agreements: Iterable[Agreement] = (),
        loads: Iterable[PartnerLoad] = (),
        rotations: Iterable[RotationState] = (),
    ) -> None:
        self.partners: dict[str, Partner] = {p.id: p for p in partners}
        self._agreements: dict[str, list[Agreement]] = {}
        for agreement in agreements:
            self._agreements.setdefault(agreement.partner_id, []).append(agreement)
        self.loads: dict[str, PartnerLoad] = {x.id: x for x in loads}
        self.rotations: dict[str, RotationState] = {x.id: x for x in rotations}
        self._empty_loads: dict[str, PartnerLoad] = {}

    def partner(self, partner_id: str) -> Partner | None:
        """The partner, or ``None``."""
        return self.partners.get(partner_id)

    def agreements(self, partner_id: str) -> Sequence[Agreement]:
        """The partner's agreements."""
        return self._agreements.get(partner_id, ())

    def load(self, partner_id: str) -> PartnerLoad:
        """The partner's load (empty when none is held)."""
        found = self.loads.get(partner_id)
        if found is None:
            found = self._empty_loads.get(partner_id)
            if found is None:
                found = self._empty_loads[partner_id] = PartnerLoad.empty(partner_id)
        return found

    def rotation(self, territory_id: str) -> RotationState:
        """The territory's rotation (empty when none is held)."""
        found = self.rotations.get(territory_id)
        return found if found is not None else RotationState.empty(territory_id)

    def apply(self, decision: RoutingDecision) -> None:
        """Keep the rotation and load of an offered decision (each one version higher)."""
        if decision.rotation is not None:
            self.store_rotation(decision.rotation)
        if decision.load is not None:
            self.store_load(decision.load)

    def store_load(self, load: PartnerLoad) -> None:
        """Keep *load*, one version higher."""
        self.loads[load.id] = load.bumped()

    def store_rotation(self, rotation: RotationState) -> None:
        """Keep *rotation*, one version higher."""
        self.rotations[rotation.id] = rotation.bumped()
