"""Builders shared by the commission tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from prmcore.commissions import (
    CommissionPlan,
    Component,
    Credit,
    PlanVersion,
    Transaction,
)
from prmcore.money import Money
from prmcore.periods import MonthCalendar, Period
from prmcore.tiers import Tier

D = dt.date
CALENDAR = MonthCalendar()


def month(year: int, number: int) -> Period:
    """The calendar month."""
    return CALENDAR.period_containing(D(year, number, 1))


def graduated_plan(**version: Any) -> CommissionPlan:
    """A monthly EUR plan: 5% up to 10,000 and 8% above, per month, plus *version* settings."""
    components = version.pop(
        "components",
        [Component(id="base", mode="graduated", tiers=[Tier(10_000, "0.05"), Tier(None, "0.08")])],
    )
    return CommissionPlan(
        id="plan",
        name="Plan",
        currency="EUR",
        calendar=CALENDAR,
        versions=[
            PlanVersion(id="v1", effective_from=D(2026, 1, 1), components=components, **version)
        ],
    )


def sale(
    id: str,
    day: dt.date,
    amount: str,
    partners: Sequence[tuple[str, int | str]] = (("p-1", 100),),
    currency: str = "EUR",
    **extra: Any,
) -> Transaction:
    """A sale credited to *partners* (id, share percent)."""
    return Transaction(
        id, day, Money(amount, currency), [Credit(p, s) for p, s in partners], **extra
    )


def refund(id: str, day: dt.date, amount: str, of: str, currency: str = "EUR") -> Transaction:
    """A refund of *amount* of sale *of*."""
    return Transaction(id, day, Money(amount, currency), kind="refund", refund_of=of)
