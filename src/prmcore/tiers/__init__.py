"""Tier-schedule math: graduated, volume, package, interpolated and threshold-bonus schedules.

A :class:`TierSchedule` turns a basis — revenue, units, attainment percentage — into an exact
``Decimal`` amount, with a :class:`TierBreakdown` that explains it tier by tier.
:meth:`TierSchedule.increment` gives the marginal amount between two cumulative bases, which is
how commissions credit transactions against a period total.

Examples:
    >>> from prmcore.tiers import Tier, TierSchedule
    >>> plan = TierSchedule.graduated(
    ...     [Tier(10_000, "0.03"), Tier(50_000, "0.05"), Tier(None, "0.08")]
    ... )
    >>> plan.apply(22_000).total
    Decimal('900.00')
    >>> plan.increment(0, 8_000) + plan.increment(8_000, 22_000)
    Decimal('900.00')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.tiers.benefits import (
    Benefits,
    CustomBenefit,
    benefits_for,
    commission_multiplier,
    discount_rate,
    mdf_accrual_rate,
    routing_weight,
)
from prmcore.tiers.breakdown import TierBreakdown, TierLine
from prmcore.tiers.eligibility import (
    CompositeResult,
    EligibilityReport,
    Gap,
    LevelGap,
    LevelResult,
    RequirementResult,
    ScoreLine,
    eligibility,
    gap_to_next,
)
from prmcore.tiers.evaluator import CertifiedHeadcount, PartnerEvaluation, ProgramEvaluator
from prmcore.tiers.events import LevelChanged, LevelChangePending, decision_event
from prmcore.tiers.level_policy import (
    DecisionKind,
    LevelChange,
    LevelDecision,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    decide,
)
from prmcore.tiers.level_record import LevelRecord
from prmcore.tiers.metrics import (
    Metric,
    MetricKind,
    MetricValue,
    PartnerMetrics,
    trailing_count,
    trailing_total,
)
from prmcore.tiers.program import CompositeScore, Program, ProgramLevel, Requirement
from prmcore.tiers.schedule import AboveTopTierError, TierSchedule
from prmcore.tiers.tier import Boundary, PackageRounding, Tier, TierMode

__all__ = [
    "AboveTopTierError",
    "Benefits",
    "Boundary",
    "CertifiedHeadcount",
    "CompositeResult",
    "CompositeScore",
    "CustomBenefit",
    "DecisionKind",
    "EligibilityReport",
    "Gap",
    "LevelChange",
    "LevelChangePending",
    "LevelChanged",
    "LevelDecision",
    "LevelEvaluation",
    "LevelGap",
    "LevelHistory",
    "LevelPolicy",
    "LevelRecord",
    "LevelResult",
    "Metric",
    "MetricKind",
    "MetricValue",
    "PackageRounding",
    "PartnerEvaluation",
    "PartnerMetrics",
    "Program",
    "ProgramEvaluator",
    "ProgramLevel",
    "Requirement",
    "RequirementResult",
    "ScoreLine",
    "Tier",
    "TierBreakdown",
    "TierLine",
    "TierMode",
    "TierSchedule",
    "benefits_for",
    "commission_multiplier",
    "decide",
    "decision_event",
    "discount_rate",
    "eligibility",
    "gap_to_next",
    "mdf_accrual_rate",
    "routing_weight",
    "trailing_count",
    "trailing_total",
]
