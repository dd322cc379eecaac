"""Closing a period: draws, draw recoveries and the payout, from the ledger's balances."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from prmcore.commissions.ledger import LedgerLine, LineKind
from prmcore.commissions.plan import CommissionPlan
from prmcore.money import minor_units
from prmcore.periods import Period
from prmcore.tiers._numbers import CONTEXT, ZERO, format_rate

__all__ = ["Balances", "payout_explanation", "settle"]

_RECOVERABLE = "recoverable"


def _months(period: Period) -> int:
    return period.start.year * 12 + period.start.month


class Balances:
    """Per-partner running figures that closing a period needs."""

    __slots__ = ("first_draw", "opening", "outstanding", "posted")

    def __init__(self) -> None:
        self.opening: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.posted: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.outstanding: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.first_draw: dict[str, Period] = {}

    def track(self, line: LedgerLine) -> None:
        """Count a draw or recovery line in the outstanding draw balance."""
        partner = line.partner_id
        if line.kind is LineKind.DRAW and line.component_id == _RECOVERABLE:
            self.outstanding[partner] += line.amount
            if partner not in self.first_draw or line.period < self.first_draw[partner]:
                self.first_draw[partner] = line.period
        elif line.kind is LineKind.RECOVERY:
            self.outstanding[partner] += line.amount

    def roll(self) -> None:
        """Start the next period: what was posted becomes part of the opening balance."""
        for partner, amount in self.posted.items():
            self.opening[partner] += amount
        self.posted.clear()

    @classmethod
    def of(cls, lines: Sequence[LedgerLine], period: Period) -> Balances:
        """The balances for closing *period*, from every line so far."""
        found = cls()
        for line in lines:
            if line.period < period:
                found.opening[line.partner_id] += line.amount
            elif line.period == period:
                found.posted[line.partner_id] += line.amount
            found.track(line)
        return found


def payout_explanation(
    period: Period,
    opening: Decimal,
    change: Decimal,
    pay: Decimal,
    money: Callable[[Decimal], str],
) -> str:
    """The explanation of a payout line."""
    return (
        f"payout for {period}: opening {money(opening)}, this period {money(change)}, "
        f"paid {money(pay)}"
    )


def settle(
    plan: CommissionPlan,
    period: Period,
    balances: Balances,
    partners: Iterable[str],
    as_of: dt.date,
    make_id: Callable[[Period, int], str],
    counts: dict[Period, int],
) -> list[LedgerLine]:
    """The draw, recovery and payout lines that close *period*; *balances* are updated."""
    version = plan.version_on(max(period.start, plan.versions[0].effective_from))
    quantum = Decimal((0, (1,), -minor_units(plan.currency)))
    currency = plan.currency
    opening = balances.opening
    posted = balances.posted
    outstanding = balances.outstanding
    first_draw = balances.first_draw
    draw = version.draw
    policy = version.payout
    step = getattr(plan.calendar, "period_months", 1)
    new: list[LedgerLine] = []

    spec = f",.{minor_units(currency)}f"

    def money(value: Decimal) -> str:
        # Balances are sums of whole minor units: the fixed format shows them exactly.
        return f"{value:{spec}} {currency}"

    def post(partner: str, kind: LineKind, amount: Decimal, explanation: str, tag: str) -> None:
        counts[period] += 1
        new.append(
            LedgerLine(
                id=make_id(period, counts[period]),
                plan_id=plan.id,
                partner_id=partner,
                period=period,
                for_period=period,
                kind=kind,
                key=f"{kind.value}|{period}|{partner}",
                amount=amount,
                currency=currency,
                plan_version_id=version.id,
                plan_version_hash=version.hash,
                explanation=explanation,
                posted_on=as_of,
                component_id=tag,
            )
        )
        posted[partner] += amount
        balances.track(new[-1])

    def rounded(value: Decimal) -> Decimal:
        return value.quantize(quantum, rounding=version.rounding, context=CONTEXT)

    everyone = sorted(set(partners) | set(opening) | set(posted))
    for partner in everyone:
        net = posted[partner]
        change = net
        if draw is not None:
            owed = outstanding[partner]
            started = first_draw.get(partner)
            due_now = (
                started is not None and (_months(period) - _months(started)) // step > draw.delay
            )
            above = net - draw.amount
            if owed > 0 and due_now and above > 0:
                recovery = min(owed, rounded(above * draw.recovery_rate))
                if recovery > 0:
                    post(
                        partner,
                        LineKind.RECOVERY,
                        -recovery,
                        f"draw recovery: {format_rate(draw.recovery_rate, percent=True)} of the "
                        f"{money(above)} earned above the {money(draw.amount)} draw level, "
                        f"{money(owed)} outstanding: {money(-recovery)}",
                        _RECOVERABLE,
                    )
                    change -= recovery
            shortfall = draw.amount - max(net, ZERO)
            if shortfall > 0:
                advance = shortfall
                if draw.recoverable and draw.maximum is not None:
                    advance = min(advance, max(draw.maximum - owed, ZERO))
                advance = rounded(advance)
                if advance > 0:
                    kind = "recoverable" if draw.recoverable else "non-recoverable"
                    post(
                        partner,
                        LineKind.DRAW,
                        advance,
                        f"{kind} draw: earned {money(net)} in {period}, below the "
                        f"{money(draw.amount)} draw level: {money(advance)}",
                        _RECOVERABLE if draw.recoverable else "non_recoverable",
                    )
                    change += advance
        balance = opening[partner] + change
        pay = balance if policy.hold_while_negative else max(balance, change)
        if pay > 0 and pay >= policy.minimum:
            post(
                partner,
                LineKind.PAYOUT,
                -pay,
                payout_explanation(period, opening[partner], change, pay, money),
                "payout",
            )
    return new
