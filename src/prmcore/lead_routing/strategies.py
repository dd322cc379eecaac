"""Selection strategies: how the router picks one partner from the eligible candidates.

A :class:`Strategy` is a chain of *filters* (each narrows the candidates, such as
:class:`WithinRadius`) followed by a *scorer* that gives every remaining candidate a score
(higher wins), then a tie-break chain (:class:`TieBreak`) that always ends with the partner
id, so the choice is fully deterministic.

Scorers:

* :class:`SmoothWeightedRoundRobin`: nginx's smooth weighted round robin; deterministic, with
  its counters persisted per territory (:class:`~prmcore.lead_routing.RotationState`);
* :class:`WeightedRandom`: weighted random with an explicit seed (the same seed, lead and
  attempt always give the same partner);
* :class:`LeastLoad`: the lowest open leads relative to capacity;
* :class:`QuotaWeighted`: the biggest shortfall against the quota share, re-drawn after every
  lead;
* :class:`Nearest`: the shortest great-circle distance (km) to any of the partner's locations;
* :class:`PerformanceScore`: smoothed acceptance and win rates.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.lead_routing.gates import Candidate, RoutingRequest
from prmcore.lead_routing.geo import haversine_km

__all__ = [
    "CandidateFilter",
    "LeastLoad",
    "Nearest",
    "PerformanceScore",
    "QuotaWeighted",
    "Scorer",
    "SmoothWeightedRoundRobin",
    "Strategy",
    "TieBreak",
    "WeightedRandom",
    "WithinRadius",
    "lead_point",
]

_ZERO = Decimal(0)


def lead_point(request: RoutingRequest) -> tuple[float, float] | None:
    """The lead's coordinates, or ``None`` when it has none.

    .. versionadded:: 0.1.0
    """
    location = request.lead.location
    if location.latitude is None or location.longitude is None:
        return None
    return location.latitude, location.longitude


def _distance(candidate: Candidate, point: tuple[float, float]) -> float | None:
    if candidate.distance_km is not None:
        return candidate.distance_km
    partner = candidate.partner
    if partner is None:
        return None
    best: float | None = None
    for location in partner.locations:
        if location.latitude is not None and location.longitude is not None:
            d = haversine_km(point[0], point[1], location.latitude, location.longitude)
            if best is None or d < best:
                best = d
    candidate.distance_km = best
    return best


class CandidateFilter(Protocol):
    """**Protocol:** narrows the eligible candidates before scoring.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str]

    def apply(self, candidates: list[Candidate], request: RoutingRequest) -> list[Candidate]:
        """The candidates to keep (notes on the candidates say why others were dropped)."""
        ...


def _to_radii(value: object) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, list | tuple):
        return tuple(
            float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value
        )
    return value


@attrs.frozen
class WithinRadius(Validated):
    """Keep the candidates within the first radius (km) that has any; the radius widens step by
    step up to the last one. Leads without coordinates keep every candidate.

    Args:
        radii_km: Increasing radii in kilometres (one number is one step).

    Raises:
        ValidationError: No radii, or radii that are not positive and increasing.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "within_radius"
    radii_km: tuple[float, ...] = attrs.field(converter=_to_radii)

    def _validate(self, c: Checks) -> None:
        radii = self.radii_km
        if not c.instance("radii_km", radii, tuple) or not c.require(
            bool(radii), "radii_km", "must hold at least one radius"
        ):
            return
        ok = all(isinstance(r, float) and math.isfinite(r) and r > 0 for r in radii)
        c.require(ok, "radii_km", f"must be positive numbers of kilometres, got {radii!r}")
        if ok:
            c.require(list(radii) == sorted(set(radii)), "radii_km", "must increase step by step")

    def apply(self, candidates: list[Candidate], request: RoutingRequest) -> list[Candidate]:
        """The candidates within the smallest radius that has any."""
        point = lead_point(request)
        if point is None:
            return candidates
        for radius in self.radii_km:
            kept = [c for c in candidates if (d := _distance(c, point)) is not None and d <= radius]
            if kept:
                for c in kept:
                    c.note = f"within {radius:g} km"
                return kept
        return []


class Scorer(Protocol):
    """**Protocol:** gives every candidate a score (higher wins) and says how the territory's
    rotation changes once the winner is known.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str]

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Set ``candidate.score`` on each candidate (*rotation* is the territory's
        :class:`~prmcore.lead_routing.RotationState`)."""
        ...

    def rotate(self, candidates: Sequence[Candidate], winner: Candidate, rotation: Any) -> Any:
        """The territory's rotation after *winner* was chosen (or *rotation* unchanged)."""
        ...


class _Stateless:
    __slots__ = ()

    def rotate(self, candidates: Sequence[Candidate], winner: Candidate, rotation: Any) -> Any:
        """The rotation, unchanged (also counting the assignment for reports)."""
        assigned = rotation.assigned()
        assigned[winner.partner_id] = assigned.get(winner.partner_id, 0) + 1
        return rotation.with_values(rotation.currents(), assigned)


@attrs.frozen
class SmoothWeightedRoundRobin(_Stateless):
    """Smooth weighted round robin (as in nginx): every eligible candidate's counter grows by
    its weight, the highest counter wins and drops by the total weight. Over any run of leads
    each partner's share follows its weight as closely as whole leads allow, spread evenly
    (weights 5, 1, 1 give a, a, b, a, c, a, a rather than a, a, a, a, a, b, c).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "round_robin"

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: counter plus weight."""
        currents = rotation.currents()
        for c in candidates:
            c.score = currents.get(c.partner_id, _ZERO) + c.weight

    def rotate(self, candidates: Sequence[Candidate], winner: Candidate, rotation: Any) -> Any:
        """Counters of the candidates grow by their weights; the winner's drops by the
        total."""
        currents = rotation.currents()
        total = _ZERO
        for c in candidates:
            currents[c.partner_id] = currents.get(c.partner_id, _ZERO) + c.weight
            total += c.weight
        currents[winner.partner_id] -= total
        assigned = rotation.assigned()
        assigned[winner.partner_id] = assigned.get(winner.partner_id, 0) + 1
        return rotation.with_values(currents, assigned)


@attrs.frozen
class WeightedRandom(_Stateless):
    """A random choice in proportion to weight, reproducible: the draw is seeded with *seed*,
    the lead id, the territory and the attempt (Efraimidis-Spirakis keys ``u ** (1 / w)``).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "weighted_random"
    seed: int | str = 0

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: a random key, larger for larger weights."""
        rng = random.Random(f"{self.seed}|{request.lead.id}|{rotation.id}|{request.attempt}")
        for c in candidates:
            u = rng.random()
            c.score = u ** (1.0 / float(c.weight)) if u > 0 else 0.0


@attrs.frozen
class LeastLoad(_Stateless):
    """The fewest open leads relative to capacity (``open / max_open_leads``); a partner
    without a limit counts as having *unlimited_as* slots.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "least_load"
    unlimited_as: int = 100

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: minus the relative load."""
        for c in candidates:
            limit = c.partner.capacity.max_open_leads if c.partner else None
            slots = limit if limit else self.unlimited_as
            c.score = -(c.load.open / slots)


@attrs.frozen
class QuotaWeighted(_Stateless):
    """The biggest shortfall against the quota: a candidate with quota share ``q`` (its
    member ``quota``, else its weight, over the candidates' total) should have had
    ``q * (n + 1)`` of the territory's ``n + 1`` leads; the score is that minus what it had.
    Re-drawn after each lead from the counts in the rotation state.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "quota"

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: the shortfall in leads."""
        assigned = rotation.assigned()
        quotas = [c.member.quota if c.member.quota is not None else c.weight for c in candidates]
        total_quota = sum(quotas, _ZERO)
        total = sum(assigned.get(c.partner_id, 0) for c in candidates) + 1
        for c, quota in zip(candidates, quotas, strict=True):
            share = quota / total_quota if total_quota else _ZERO
            c.score = share * total - assigned.get(c.partner_id, 0)


@attrs.frozen
class Nearest(_Stateless):
    """The shortest great-circle distance (km) from the lead to any of the partner's
    locations; partners without coordinates come last. For a lead without coordinates every
    candidate scores the same and the tie-break decides.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "nearest"

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: minus the distance."""
        point = lead_point(request)
        for c in candidates:
            if point is None:
                c.score = 0.0
                continue
            d = _distance(c, point)
            c.score = -math.inf if d is None else -d


@attrs.frozen
class PerformanceScore(_Stateless):
    """Smoothed acceptance and win rates: ``(accepted + a) / (offered + a + b)`` and
    ``(won + a) / (won + lost + a + b)`` with a Beta(a, b) prior (default 1, 1: a new partner
    starts at one half), combined with the given weights.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "performance"
    acceptance_weight: float = 0.5
    win_weight: float = 0.5
    prior_a: float = 1.0
    prior_b: float = 1.0

    def score(
        self, candidates: Sequence[Candidate], request: RoutingRequest, rotation: Any
    ) -> None:
        """Score: the weighted smoothed rates."""
        a, b = self.prior_a, self.prior_b
        for c in candidates:
            load = c.load
            acceptance = (load.accepted + a) / (load.offered + a + b)
            wins = (load.won + a) / (load.won + load.lost + a + b)
            c.score = self.acceptance_weight * acceptance + self.win_weight * wins


class TieBreak(enum.StrEnum):
    """The tie-breakers, applied in order after the score; the partner id always ends the
    chain.

    .. versionadded:: 0.1.0
    """

    FEWEST_OPEN = "fewest_open"
    """Fewer open leads first."""
    HIGHEST_WEIGHT = "highest_weight"
    """Higher weight first."""
    NEAREST = "nearest"
    """Shorter distance first (unknown distances last)."""
    PARTNER_ID = "partner_id"
    """Smaller partner id first."""


def _to_tie_breaks(value: object) -> Any:
    if isinstance(value, list | tuple):
        items = tuple(to_enum(TieBreak, v) for v in value)
        if items and items[-1] is not TieBreak.PARTNER_ID:
            items = (*(i for i in items if i is not TieBreak.PARTNER_ID), TieBreak.PARTNER_ID)
        return items or (TieBreak.PARTNER_ID,)
    return value


def _tie_value(tie: TieBreak, c: Candidate, point: tuple[float, float] | None) -> Any:
    if tie is TieBreak.FEWEST_OPEN:
        return c.load.open
    if tie is TieBreak.HIGHEST_WEIGHT:
        return -c.weight
    if tie is TieBreak.NEAREST:
        d = None if point is None else _distance(c, point)
        return math.inf if d is None else d
    return c.partner_id


@attrs.frozen
class Strategy(Validated):
    """Filters, then a scorer, then the tie-break chain.

    Args:
        scorer: Scores the candidates (default :class:`SmoothWeightedRoundRobin`).
        filters: Applied in order before scoring.
        tie_breaks: :class:`TieBreak` s (or their values) after the score; the partner id is
            added at the end when missing.

    Examples:
        >>> Strategy(Nearest(), filters=(WithinRadius((50, 100, 250)),)).tie_breaks
        (<TieBreak.PARTNER_ID: 'partner_id'>,)

    .. versionadded:: 0.1.0
    """

    scorer: Scorer = attrs.field(factory=SmoothWeightedRoundRobin)
    filters: tuple[CandidateFilter, ...] = attrs.field(default=(), converter=to_tuple)
    tie_breaks: tuple[TieBreak, ...] = attrs.field(
        default=(TieBreak.PARTNER_ID,), converter=_to_tie_breaks
    )

    def _validate(self, c: Checks) -> None:
        c.require(hasattr(self.scorer, "score"), "scorer", "must be a scorer")
        c.each(
            "filters",
            self.filters,
            lambda p, v: c.require(hasattr(v, "apply"), p, "must be a candidate filter"),
        )
        c.each("tie_breaks", self.tie_breaks, lambda p, v: c.member(p, v, TieBreak))

    @property
    def name(self) -> str:
        """The scorer's name with the filters': ``"nearest+within_radius"``."""
        return "+".join((self.scorer.name, *(f.name for f in self.filters)))

    def select(
        self,
        candidates: list[Candidate],
        request: RoutingRequest,
        rotation: Any,
        *,
        rank: bool = True,
    ) -> tuple[list[Candidate], Candidate | None]:
        """Filter, score and choose.

        Returns:
            The candidates left after the filters (ranked best first when *rank* is true; in
            pool order otherwise, which is faster) and the winner (``None`` when the filters
            left nobody).
        """
        for f in self.filters:
            candidates = f.apply(candidates, request)
            if not candidates:
                return [], None
        self.scorer.score(candidates, request, rotation)
        if len(candidates) == 1:
            return candidates, candidates[0]
        point = lead_point(request) if TieBreak.NEAREST in self.tie_breaks else None
        ties = self.tie_breaks

        def key(c: Candidate) -> tuple[Any, ...]:
            return (_neg(c.score), *(_tie_value(t, c, point) for t in ties))

        if rank:
            ranked = sorted(candidates, key=key)
            return ranked, ranked[0]
        best = max(c.score for c in candidates)
        top = [c for c in candidates if c.score == best]
        return candidates, top[0] if len(top) == 1 else min(top, key=key)

    def tie_break_path(
        self, ranked: Sequence[Candidate], request: RoutingRequest
    ) -> tuple[str, ...]:
        """Which criteria it took to separate the winner from the runner-up: ``("score",)``
        when the score did, ``("score", "fewest_open", "partner_id")`` when it came down to
        the id."""
        if len(ranked) < 2:
            return ("only candidate",) if ranked else ()
        first, second = ranked[0], ranked[1]
        path = ["score"]
        if _neg(first.score) != _neg(second.score):
            return tuple(path)
        point = lead_point(request)
        for tie in self.tie_breaks:
            path.append(tie.value)
            if _tie_value(tie, first, point) != _tie_value(tie, second, point):
                break
        return tuple(path)


def _neg(score: Any) -> Any:
    return -score
