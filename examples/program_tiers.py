"""Partner-program levels: a Registered/Silver/Gold/Platinum ladder, three partners' metrics,
eligibility with gap sentences, a level-policy timeline and the benefits other engines read.

Run it with ``python examples/program_tiers.py``.
"""

from __future__ import annotations

import datetime as dt

from prmcore.events import SequentialIds
from prmcore.money import Money
from prmcore.periods import QuarterCalendar
from prmcore.serialization import from_json, to_json
from prmcore.tiers import (
    Benefits,
    CompositeScore,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    Metric,
    PartnerMetrics,
    Program,
    ProgramLevel,
    Requirement,
    commission_multiplier,
    decide,
    decision_event,
    eligibility,
    gap_to_next,
    routing_weight,
    trailing_total,
)


def usd(amount: int) -> Money:
    return Money(amount, "USD")


def build_program() -> Program:
    metrics = [
        Metric("revenue", "money", "trailing-12-month revenue", currency="USD", window_months=12),
        Metric("deals", "count", "closed in the trailing 12 months", unit="deal", window_months=12),
        Metric(
            "certified_security",
            "count",
            "certified in Security Specialist",
            unit="person",
            unit_plural="people",
        ),
        Metric("csat", "percentage", "customer satisfaction", window_months=6),
    ]
    levels = [
        ProgramLevel("registered", "Registered", 0),
        ProgramLevel(
            "silver",
            "Silver",
            1,
            [Requirement("revenue", usd(50_000)), Requirement("deals", 3)],
            benefits=Benefits(commission_multiplier="1.05", discount_rate="0.10"),
        ),
        ProgramLevel(
            "gold",
            "Gold",
            2,
            [
                Requirement("revenue", usd(250_000)),
                Requirement("deals", 10),
                Requirement("certified_security", 2),
            ],
            benefits=Benefits(
                commission_multiplier="1.15",
                discount_rate="0.20",
                mdf_accrual_rate="0.02",
                routing_weight=3,
            ),
        ),
        ProgramLevel(
            "platinum",
            "Platinum",
            3,
            [Requirement("certified_security", 4)],
            composite=CompositeScore(
                weights={"revenue": 50, "deals": 20, "csat": 30},
                targets={"revenue": usd(1_000_000), "deals": 40, "csat": 90},
                caps={"revenue": "1.5"},
                minimums={"csat": 80},
                pass_mark=90,
            ),
            benefits=Benefits(
                commission_multiplier="1.25",
                discount_rate="0.30",
                mdf_accrual_rate="0.03",
                routing_weight=5,
                custom={"dedicated_partner_manager": True},
            ),
        ),
    ]
    return Program("partner-program", "Partner Program", metrics, levels)


def main() -> None:
    program = build_program()
    # The program is data: it survives a JSON round trip unchanged.
    assert from_json(Program, to_json(program)) == program
    as_of = dt.date(2026, 3, 31)

    # A host passes raw revenue lines; trailing_total sums the last 12 months.
    acme_lines = [
        (dt.date(2025, 2, 14), usd(90_000)),  # outside the window
        (dt.date(2025, 6, 30), usd(120_000)),
        (dt.date(2026, 1, 15), usd(80_000)),
    ]
    acme_revenue = trailing_total(acme_lines, months=12, as_of=as_of, currency="USD")
    partners = [
        PartnerMetrics(
            "acme",
            as_of,
            {"revenue": acme_revenue, "deals": 11, "certified_security": 1, "csat": 88},
        ),
        PartnerMetrics(
            "globex",
            as_of,
            {"revenue": usd(1_300_000), "deals": 36, "certified_security": 5, "csat": "92.5"},
        ),
        PartnerMetrics("initech", as_of, {"revenue": usd(12_000), "deals": 1, "csat": 70}),
    ]

    print(f"Eligibility on {as_of}:")
    for metrics in partners:
        report = eligibility(program, metrics)
        gap = gap_to_next(report)
        level = report.qualified_level_id
        print(f"  {metrics.partner_id:8} qualifies for {level}; next {gap.level_id}: ", end="")
        print(gap.sentence or "nothing more to reach")
        platinum = report.level("platinum").composite
        assert platinum is not None
        print(f"           Platinum score {platinum.score:.2f} of {platinum.pass_mark}")

    # A policy: quarterly promotions, demotion at the 1 January review or after 3 months,
    # a 3-month lookback.
    policy = LevelPolicy(
        promotion_cadence=QuarterCalendar(), grace_months=3, review_month=1, lookback_months=3
    )
    timeline = [
        LevelEvaluation(dt.date(2026, 1, 31), "silver"),
        LevelEvaluation(dt.date(2026, 2, 28), "gold"),
        LevelEvaluation(dt.date(2026, 3, 31), "silver"),
        LevelEvaluation(dt.date(2026, 4, 30), "silver"),
        LevelEvaluation(dt.date(2026, 5, 31), "silver"),
        LevelEvaluation(dt.date(2026, 6, 30), "silver"),
        LevelEvaluation(dt.date(2026, 7, 31), "silver"),
        LevelEvaluation(dt.date(2026, 8, 31), "silver"),
    ]
    history = LevelHistory("acme")
    current: str | None = None
    ids = SequentialIds("evt")
    print("\nLevel timeline for acme (quarterly promotion, 3-month grace, 3-month lookback):")
    decision_days = sorted({e.on for e in timeline} | {dt.date(2026, 4, 1)})
    for when in decision_days:
        decision = decide(policy, program, current, history, timeline, when)
        at = dt.datetime.combine(when, dt.time(6), tzinfo=dt.UTC)
        event = decision_event(decision, id=ids(), occurred_at=at)
        print(f"  {when}: {decision.kind:8} {decision.to_level!s:9} {decision.reason}")
        if decision.changes_level:
            history = history.append(decision.change())
            current = decision.to_level
            assert event is not None
            print(f"              -> {event.name} effective {decision.effective_on}")

    print("\nBenefits the commission and routing engines read:")
    for level in program.ladder:
        print(
            f"  {level.name:9} commission x{commission_multiplier(program, level.id)}, "
            f"discount {level.benefits.discount_rate:.0%}, "
            f"routing weight {routing_weight(program, level.id)}"
        )


if __name__ == "__main__":
    main()
