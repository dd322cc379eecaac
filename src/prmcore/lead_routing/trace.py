"""The decision trace: everything needed to answer "why did they get it and not us?".

A :class:`RoutingTrace` records the territories the lead matched (with their rule
explanations), which won under the resolution policy, every candidate of every pool tried with
each gate's verdict, the scores, the tie-break path and the model version. It is
JSON-serialisable (:meth:`RoutingTrace.to_dict`) and renders as text (:meth:`RoutingTrace.render`).
Traces are only built when asked for: with tracing off the router builds none of this.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from prmcore.lead_routing.gates import GateVerdict

__all__ = ["CandidateTrace", "PoolTrace", "RoutingTrace", "TerritoryTrace"]


@attrs.frozen
class TerritoryTrace:
    """A territory the lead matched.

    Attributes:
        territory_id: The territory.
        kind: ``named_account``, ``rule`` or ``catch_all``.
        depth: Depth in the hierarchy.
        specificity: Rule specificity.
        priority: Priority.
        rank: Its place among the winners (1 is best), or ``None`` when it lost.
        explanation: The explanation of its rule on the lead (dict form), when it matched by
            rule.
        explanation_text: The same explanation rendered as text.

    .. versionadded:: 0.1.0
    """

    territory_id: str
    kind: str
    depth: int
    specificity: int
    priority: int
    rank: int | None
    explanation: dict[str, Any] | None = attrs.field(default=None, eq=False, hash=False)
    explanation_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "territory_id": self.territory_id,
            "kind": self.kind,
            "depth": self.depth,
            "specificity": self.specificity,
            "priority": self.priority,
            "rank": self.rank,
            "explanation": self.explanation,
        }


@attrs.frozen
class CandidateTrace:
    """One pool member considered.

    Attributes:
        partner_id: The partner.
        weight: Its weight (as a string: a Decimal).
        verdicts: Each gate's verdict, in gate order.
        eligible: Whether every gate passed.
        score: Its score (as text), when it was scored.
        note: What a filter or strategy said about it.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    weight: str
    verdicts: tuple[GateVerdict, ...]
    eligible: bool
    score: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "partner_id": self.partner_id,
            "weight": self.weight,
            "eligible": self.eligible,
            "score": self.score,
            "note": self.note,
            "verdicts": [v.to_dict() for v in self.verdicts],
        }


@attrs.frozen
class PoolTrace:
    """One territory's pool, tried for the lead.

    Attributes:
        territory_id: The territory.
        strategy: The strategy's name.
        candidates: Every member, in pool order.
        ranking: The scored candidates' ids, best first.
        winner: The chosen partner, or ``None``.
        tie_break: The tie-break path (see :meth:`~prmcore.lead_routing.Strategy.tie_break_path`).

    .. versionadded:: 0.1.0
    """

    territory_id: str
    strategy: str
    candidates: tuple[CandidateTrace, ...]
    ranking: tuple[str, ...]
    winner: str | None
    tie_break: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "territory_id": self.territory_id,
            "strategy": self.strategy,
            "candidates": [c.to_dict() for c in self.candidates],
            "ranking": list(self.ranking),
            "winner": self.winner,
            "tie_break": list(self.tie_break),
        }


@attrs.frozen
class RoutingTrace:
    """The full story of one routing decision.

    Attributes:
        lead_id: The lead.
        model_id: The territory model.
        model_version: Its version.
        policy: The resolution policy (``"most_specific"``, ``"rank:3"``...).
        at: The routing moment (ISO 8601).
        attempt: The offer attempt.
        index_candidates: How many territories the index proposed for full evaluation.
        territories: Every territory matched.
        pools: Every pool tried, in order.
        outcome: ``offered`` or ``unroutable``.
        partner_id: The partner offered the lead, if any.
        territory_id: The territory it was offered through, if any.
        reason: The decision in one sentence.

    .. versionadded:: 0.1.0
    """

    lead_id: str
    model_id: str
    model_version: int
    policy: str
    at: str
    attempt: int
    index_candidates: int
    territories: tuple[TerritoryTrace, ...]
    pools: tuple[PoolTrace, ...]
    outcome: str
    partner_id: str | None
    territory_id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The trace as JSON-ready data (``json.dumps`` accepts it as it is)."""
        return {
            "lead_id": self.lead_id,
            "model": {"id": self.model_id, "version": self.model_version},
            "policy": self.policy,
            "at": self.at,
            "attempt": self.attempt,
            "index_candidates": self.index_candidates,
            "territories": [t.to_dict() for t in self.territories],
            "pools": [p.to_dict() for p in self.pools],
            "outcome": self.outcome,
            "partner_id": self.partner_id,
            "territory_id": self.territory_id,
            "reason": self.reason,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The trace as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render(self) -> str:
        """The trace as readable text, one fact per line."""
        lines = [
            f"lead {self.lead_id} at {self.at} (attempt {self.attempt})",
            f"model {self.model_id} v{self.model_version}, policy {self.policy}",
            f"index proposed {self.index_candidates} territories; matched {len(self.territories)}:",
        ]
        if not self.territories:
            lines.append("  (none)")
        for t in self.territories:
            rank = f"winner #{t.rank}" if t.rank is not None else "not chosen"
            lines.append(
                f"  {t.territory_id}: {t.kind}, depth {t.depth}, specificity {t.specificity}, "
                f"priority {t.priority} -> {rank}"
            )
            if t.explanation_text is not None:
                lines.extend(f"      {line}" for line in t.explanation_text.splitlines())
        for pool in self.pools:
            lines.append(f"pool of {pool.territory_id} ({pool.strategy}):")
            for c in pool.candidates:
                mark = "eligible" if c.eligible else "not eligible"
                score = f", score {c.score}" if c.score is not None else ""
                note = f", {c.note}" if c.note else ""
                lines.append(f"  {c.partner_id} (weight {c.weight}): {mark}{score}{note}")
                for v in c.verdicts:
                    lines.append(f"      {'✓' if v.passed else '✗'} {v.gate}: {v.detail}")
            if pool.ranking:
                lines.append(f"  ranking: {', '.join(pool.ranking)}")
            if pool.winner is not None:
                lines.append(f"  winner {pool.winner}, decided by {' > '.join(pool.tie_break)}")
        lines.append(f"outcome: {self.outcome}: {self.reason}")
        return "\n".join(lines)
