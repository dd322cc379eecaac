"""The fairness report: for a batch of routed leads, per territory pool, how many leads each
partner got against its weight, how many it declined or let expire, and a Gini coefficient of
leads per unit of weight (0 when every partner got exactly its weighted share, towards 1 when
one partner got everything).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from prmcore.domain import Partner
from prmcore.lead_routing.offers import LeadRouting, OfferStatus
from prmcore.lead_routing.router import RoutingDecision, WeightSource
from prmcore.lead_routing.territory import TerritoryModel

__all__ = ["FairnessReport", "PartnerFairness", "PoolFairness", "fairness_report", "gini"]

_PLACES = Decimal("0.0001")


def _q(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_EVEN)


def gini(values: Iterable[Decimal | int | float]) -> float:
    """The Gini coefficient of non-negative *values* (0 for equal values, an empty or all-zero
    list).

    Examples:
        >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
        (0.0, 0.75)

    .. versionadded:: 0.1.0
    """
    xs = sorted(float(v) for v in values)
    n = len(xs)
    total = sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return round((2 * weighted) / (n * total) - (n + 1) / n, 6)


@attrs.frozen
class PartnerFairness:
    """One partner in one pool.

    Attributes:
        partner_id: The partner.
        weight: Its weight.
        assignments: Leads offered to it through this pool.
        share: Its share of the pool's assignments.
        expected_share: Its weight over the pool's total weight.
        accepted: Offers it accepted.
        declines: Offers it declined.
        expiries: Offers it let expire.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    weight: Decimal
    assignments: int
    share: Decimal
    expected_share: Decimal
    accepted: int
    declines: int
    expiries: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (decimals as strings)."""
        return {
            "partner_id": self.partner_id,
            "weight": str(self.weight),
            "assignments": self.assignments,
            "share": str(self.share),
            "expected_share": str(self.expected_share),
            "accepted": self.accepted,
            "declines": self.declines,
            "expiries": self.expiries,
        }


@attrs.frozen
class PoolFairness:
    """One territory's pool.

    Attributes:
        territory_id: The territory.
        assignments: Leads offered through it.
        partners: Its members, in pool order.
        gini: The Gini coefficient of assignments per unit of weight over members with a
            weight above 0.

    .. versionadded:: 0.1.0
    """

    territory_id: str
    assignments: int
    partners: tuple[PartnerFairness, ...]
    gini: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "territory_id": self.territory_id,
            "assignments": self.assignments,
            "gini": self.gini,
            "partners": [p.to_dict() for p in self.partners],
        }


@attrs.frozen
class FairnessReport:
    """The fairness of a batch.

    Attributes:
        pools: One per territory with members, in model order.
        unroutable: Leads that went to the fallback queue.

    .. versionadded:: 0.1.0
    """

    pools: tuple[PoolFairness, ...]
    unroutable: int

    def pool(self, territory_id: str) -> PoolFairness:
        """The pool of *territory_id*.

        Raises:
            KeyError: No such pool in the report.
        """
        for pool in self.pools:
            if pool.territory_id == territory_id:
                return pool
        raise KeyError(territory_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"pools": [p.to_dict() for p in self.pools], "unroutable": self.unroutable}

    def render(self, *, only_used: bool = True) -> str:
        """A text table per pool (pools without assignments left out unless *only_used* is
        false)."""
        lines = [f"unroutable (fallback queue): {self.unroutable}"]
        for pool in self.pools:
            if only_used and pool.assignments == 0:
                continue
            lines.append(f"{pool.territory_id}: {pool.assignments} leads, Gini {pool.gini:.3f}")
            lines.append("  partner          weight  leads  share   target  acc  dec  exp")
            for p in pool.partners:
                lines.append(
                    f"  {p.partner_id:<16} {p.weight!s:>6}  {p.assignments:>5}  "
                    f"{p.share:.3f}  {p.expected_share:.3f}  {p.accepted:>3}  {p.declines:>3}"
                    f"  {p.expiries:>3}"
                )
        return "\n".join(lines)


def fairness_report(
    model: TerritoryModel,
    outcomes: Iterable[RoutingDecision | LeadRouting],
    *,
    partners: Mapping[str, Partner] | None = None,
    weights: WeightSource | None = None,
) -> FairnessReport:
    """Build the report from routing decisions (each offer counts one assignment) and/or
    routing records (each of their offers counts one assignment, with its outcome).

    Args:
        model: The territory model the leads were routed over.
        outcomes: Decisions and records.
        partners: The partners, to weigh members without a weight of their own through
            *weights*.
        weights: As for the router.

    .. versionadded:: 0.1.0
    """
    assigned: Counter[tuple[str, str]] = Counter()
    accepted: Counter[tuple[str, str]] = Counter()
    declined: Counter[tuple[str, str]] = Counter()
    expired: Counter[tuple[str, str]] = Counter()
    unroutable = 0
    for outcome in outcomes:
        if isinstance(outcome, RoutingDecision):
            if outcome.partner_id is not None and outcome.territory_id is not None:
                assigned[(outcome.territory_id, outcome.partner_id)] += 1
            else:
                unroutable += 1
            continue
        for offer in outcome.offers:
            key = (offer.territory_id, offer.partner_id)
            assigned[key] += 1
            if offer.status is OfferStatus.ACCEPTED:
                accepted[key] += 1
            elif offer.status is OfferStatus.DECLINED:
                declined[key] += 1
            elif offer.status is OfferStatus.EXPIRED:
                expired[key] += 1
        if outcome.queue_reason is not None:
            unroutable += 1
    pools = []
    known = partners or {}
    for territory in model.territories:
        if not territory.members:
            continue
        member_weights = []
        for m in territory.members:
            if m.weight is not None:
                member_weights.append(m.weight)
            elif weights is not None and m.partner_id in known:
                member_weights.append(weights(known[m.partner_id]))
            else:
                member_weights.append(Decimal(1))
        total_weight = sum(member_weights, Decimal(0))
        total = sum(assigned[(territory.id, m.partner_id)] for m in territory.members)
        rows = []
        per_weight = []
        for m, w in zip(territory.members, member_weights, strict=True):
            key = (territory.id, m.partner_id)
            n = assigned[key]
            rows.append(
                PartnerFairness(
                    m.partner_id,
                    w,
                    n,
                    _q(Decimal(n) / total) if total else Decimal(0),
                    _q(w / total_weight) if total_weight else Decimal(0),
                    accepted[key],
                    declined[key],
                    expired[key],
                )
            )
            if w > 0:
                per_weight.append(Decimal(n) / w)
        pools.append(PoolFairness(territory.id, total, tuple(rows), gini(per_weight)))
    return FairnessReport(tuple(pools), unroutable)
