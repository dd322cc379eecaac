"""A shared sample ladder for the program-level tests (the ``program`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.money import Money
from prmcore.tiers import (
    Benefits,
    CompositeScore,
    Metric,
    PartnerMetrics,
    Program,
    ProgramLevel,
    Requirement,
)

AS_OF = dt.date(2026, 3, 31)


def usd(amount: int | str) -> Money:
    return Money(amount, "USD")


METRICS = (
    Metric("revenue", "money", "trailing-12-month revenue", currency="USD", window_months=12),
    Metric("deals", "count", "closed in the trailing 12 months", unit="deal", window_months=12),
    Metric(
        "certified_security",
        "count",
        "certified in Security Specialist",
        unit="person",
        unit_plural="people",
    ),
    Metric("csat", "percentage", "customer satisfaction"),
    Metric("nps", "number", "net promoter score"),
)


def ladder() -> Program:
    return Program(
        "pp",
        "Partner Program",
        METRICS,
        [
            ProgramLevel("registered", "Registered", 0),
            ProgramLevel(
                "silver",
                "Silver",
                10,
                [Requirement("revenue", usd(50_000)), Requirement("deals", 3)],
                benefits=Benefits(commission_multiplier="1.05", discount_rate="0.1"),
            ),
            ProgramLevel(
                "gold",
                "Gold",
                20,
                [
                    Requirement("revenue", usd(250_000)),
                    Requirement("certified_security", 2),
                ],
                benefits=Benefits(commission_multiplier="1.15", routing_weight=3),
            ),
            ProgramLevel(
                "platinum",
                "Platinum",
                30,
                [Requirement("certified_security", 4)],
                composite=CompositeScore(
                    weights={"revenue": 50, "deals": 20, "csat": 30},
                    targets={"revenue": usd(1_000_000), "deals": 40, "csat": 90},
                    caps={"revenue": "1.5"},
                    minimums={"csat": 80, "nps": 10},
                    pass_mark=90,
                ),
            ),
        ],
    )


def partner(**values: object) -> PartnerMetrics:
    return PartnerMetrics("p-1", AS_OF, values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def program() -> Program:
    return ladder()
