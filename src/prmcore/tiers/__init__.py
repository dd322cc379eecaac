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

from prmcore.tiers.breakdown import TierBreakdown, TierLine
from prmcore.tiers.schedule import AboveTopTierError, TierSchedule
from prmcore.tiers.tier import Boundary, PackageRounding, Tier, TierMode

__all__ = [
    "AboveTopTierError",
    "Boundary",
    "PackageRounding",
    "Tier",
    "TierBreakdown",
    "TierLine",
    "TierMode",
    "TierSchedule",
]
