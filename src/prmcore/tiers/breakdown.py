"""What a tier schedule paid on a basis, tier by tier, and why.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from prmcore.tiers._numbers import format_amount, format_number, format_rate
from prmcore.tiers.tier import Boundary, TierMode

__all__ = [
    "TierBreakdown",
    "TierLine",
]


@attrs.frozen
class TierLine:
    """The part of an amount that one tier contributed.

    Args:
        tier: The tier's index in the schedule's ``tiers`` (0-based; :meth:`TierBreakdown.explain`
            counts from 1).
        lower: The tier's lower bound.
        upper: Its upper bound (``None`` for the open top tier).
        slice: How much of the basis this tier paid on: the part inside the tier (graduated,
            interpolated, threshold bonus), the whole basis (volume) or the number of packages
            inside the tier (package).
        rate: The rate applied; for an interpolated tier, the rate at the start of the slice.
        flat: The flat amount paid for the tier (0 when it has none).
        amount: ``slice * rate + flat`` (for an interpolated tier, the integral of the rate over
            the slice, plus ``flat``), exact and not rounded.
        rate_end: Interpolated tiers only: the rate at the end of the slice.

    .. versionadded:: 0.1.0
    """

    tier: int
    lower: Decimal
    upper: Decimal | None
    slice: Decimal
    rate: Decimal
    flat: Decimal
    amount: Decimal
    rate_end: Decimal | None = None

    def label(self, boundary: Boundary) -> str:
        """The tier's range in interval notation: ``(10,000, 50,000]``, ``[0, 500)``,
        ``(50,000, ∞)``.

        .. versionadded:: 0.1.0
        """
        upper = "∞" if self.upper is None else format_number(self.upper)
        if boundary is Boundary.LOWER_INCLUSIVE:
            return f"[{format_number(self.lower)}, {upper})"
        close = ")" if self.upper is None else "]"
        return f"({format_number(self.lower)}, {upper}{close}"


@attrs.frozen
class TierBreakdown:
    """The result of :meth:`TierSchedule.apply <prmcore.tiers.TierSchedule.apply>`: the
    total, and one line per tier that paid.

    Amounts are exact (never rounded here); commissions round each payable line once, later.
    ``total`` is the sum of the lines' amounts (0, with no lines, when nothing is paid).

    Args:
        basis: The basis the schedule was applied to.
        total: The amount.
        lines: One :class:`TierLine` per tier touched, lowest first (for ``volume``, the one
            tier containing the basis; for ``threshold_bonus``, one per threshold crossed).
        mode: The schedule's mode.
        boundary: The schedule's boundary convention (for labelling tiers).
        packages: ``package`` mode only: the number of packages the basis counted as.

    .. versionadded:: 0.1.0
    """

    basis: Decimal
    total: Decimal
    lines: tuple[TierLine, ...]
    mode: TierMode
    boundary: Boundary
    packages: Decimal | None = None

    def explain(self, *, percent: bool | None = None) -> str:
        """A human-readable account of the amount, one line per tier and then the total.

        Args:
            percent: Show rates as percentages (``5%``, for rates that are fractions of
                revenue) or as plain numbers (``6.5 per unit``, for prices). The default shows
                percentages, except for ``package`` schedules, whose rates are prices.

        Examples:
            >>> from prmcore.tiers import Tier, TierSchedule
            >>> plan = TierSchedule.graduated([Tier(10_000, "0.03"), Tier(None, "0.05")])
            >>> print(plan.apply("22000.00").explain())
            10,000 at 3% in tier 1 (0, 10,000] = 300.00
            12,000.00 at 5% in tier 2 (10,000, ∞) = 600.00
            total 900.00 on a basis of 22,000.00

        .. versionadded:: 0.1.0
        """
        as_percent = self.mode is not TierMode.PACKAGE if percent is None else percent
        unit = ""
        if not as_percent:
            unit = " per package" if self.mode is TierMode.PACKAGE else " per unit"
        rows = [self._explain_line(line, as_percent, unit) for line in self.lines]
        basis = format_number(self.basis)
        if self.packages is not None:
            basis += f" ({format_number(self.packages)} packages)"
        total = f"total {format_amount(self.total)} on a basis of {basis}"
        if not rows:
            nothing = "crossed" if self.mode is TierMode.THRESHOLD_BONUS else "entered"
            return f"{total}: no {'threshold' if nothing == 'crossed' else 'tier'} {nothing}"
        rows.append(total)
        return "\n".join(rows)

    def _explain_line(self, line: TierLine, percent: bool, unit: str) -> str:
        where = f"tier {line.tier + 1} {line.label(self.boundary)}"
        amount = format_amount(line.amount)
        flat = f" + flat {format_amount(line.flat)}" if line.flat else ""
        rate = format_rate(line.rate, percent=percent) + unit
        if self.mode is TierMode.THRESHOLD_BONUS:
            return f"bonus {amount} for crossing {format_number(line.lower)} into {where}"
        if self.mode is TierMode.VOLUME:
            return f"all {format_number(line.slice)} at {rate}{flat} in {where} = {amount}"
        if line.rate_end is not None and line.rate_end != line.rate:
            rate = (
                f"{format_rate(line.rate, percent=percent)} → "
                f"{format_rate(line.rate_end, percent=percent)}"
            )
        what = format_number(line.slice)
        if self.mode is TierMode.PACKAGE:
            what += " packages"
        return f"{what} at {rate}{flat} in {where} = {amount}"
