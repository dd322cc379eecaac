"""A commission plan from TOML, three months of deals, statements and a what-if comparison.

Run it with ``python examples/commission_plan.py``.
"""

from __future__ import annotations

import datetime as dt

from prmcore.commissions import (
    Component,
    Credit,
    PartnerProfile,
    Transaction,
    compare,
    payout_curve,
    plan_from_toml,
    run_period,
    simulate,
)
from prmcore.domain import PartnerKind
from prmcore.money import ExchangeRate, InMemoryRateSource, Money

PLAN = """
id = "resale-2026"
name = "Resale 2026"
currency = "EUR"
calendar = { kind = "month" }

[[versions]]
id = "2026-v1"
effective_from = 2026-01-01
quota = 20000
accelerators = [{ above = 100, multiplier = 1.5 }]
caps = [{ scope = "period", amount = 5000, carry_forward = true }]
draw = { amount = 300, recoverable = true, recovery_rate = 0.5 }
overrides = [{ rate = 0.01 }]
clawback = { window_days = 90 }

[[versions.components]]
id = "resale"
rate = 0.06
rates = [{ product_line = "edr", rate = 0.08 }]

[[versions.spiffs]]
id = "q1-edr"
product_lines = ["edr"]
start = 2026-01-15
end = 2026-03-31
per_unit = 25
"""

plan = plan_from_toml(PLAN)
partners = {
    "acme": PartnerProfile(
        "acme", PartnerKind.RESELLER, parent_id="dist", commission_multiplier="1.1"
    ),
    "blue": PartnerProfile("blue", PartnerKind.RESELLER, parent_id="dist"),
    "dist": PartnerProfile("dist", PartnerKind.DISTRIBUTOR),
}
rates = InMemoryRateSource([ExchangeRate("USD", "EUR", "0.92", dt.date(2026, 1, 1), "ECB")])
D = dt.date
deals = [
    Transaction(
        "t-1", D(2026, 1, 8), Money("18000.00", "EUR"), [Credit("acme")], product_line="fw"
    ),
    Transaction(
        "t-2",
        D(2026, 1, 20),
        Money("9000.00", "USD"),
        [Credit("acme", 70), Credit("blue", 30)],
        product_line="edr",
        units=6,
    ),
    Transaction("t-3", D(2026, 2, 3), Money("2000.00", "EUR"), [Credit("blue")], product_line="fw"),
    Transaction("r-1", D(2026, 2, 10), Money("4500.00", "USD"), kind="refund", refund_of="t-2"),
    Transaction(
        "t-4", D(2026, 3, 12), Money("41000.00", "EUR"), [Credit("blue")], product_line="fw"
    ),
]

# Month by month, as a portal would: run, then close; the ledger only grows.
ledger: list = []
closed: list = []
period = plan.calendar.period_containing(D(2026, 1, 1))
for _ in range(3):
    for close in (False, True):
        result = run_period(
            plan,
            period,
            deals,
            ledger,
            as_of=period.end + dt.timedelta(days=1),
            partners=partners,
            rates=rates,
            closed=closed,
            close=close,
        )
        ledger.extend(result.lines)
    closed.append(period)
    period = plan.calendar.next_period(period)

march = closed[-1]
sim = simulate(plan, deals, partners=partners, rates=rates)
assert [(x.kind, x.amount) for x in sim.ledger] == [(x.kind, x.amount) for x in ledger]
for statement in sim.statements(march):
    print(statement.render_text("en_IE"))
    print()

# What if the resale rate were a flat 7% with no accelerator?
flatter = plan.versions[0]
import attrs  # noqa: E402

alternative = attrs.evolve(
    plan,
    versions=[
        attrs.evolve(flatter, accelerators=(), components=[Component(id="resale", rate="0.07")])
    ],
)
comparison = compare(plan, alternative, deals, partners=partners, rates=rates)
print("partner   current   flat 7%   difference")
for row in comparison.rows:
    print(f"{row.partner_id:<8}{row.a:>10}{row.b:>10}{row.difference:>12}")
print(f"total difference: {comparison.total_difference}")

print("payout curve of the resale component (basis -> commission):")
for point in payout_curve(plan, 0, 40_000, 10_000):
    print(f"  {point.basis:>6} -> {point.amount}")
