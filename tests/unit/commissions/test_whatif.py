"""What-if: simulate, compare two plans, payout curves and the plot helper."""

from __future__ import annotations

from decimal import Decimal

import pytest

from prmcore.commissions import (
    Accelerator,
    Component,
    compare,
    payout_curve,
    plot,
    simulate,
)
from prmcore.errors import CurrencyMismatch, ValidationError
from prmcore.tiers import Tier, TierSchedule

from .conftest import D, graduated_plan, month, sale

SALES = [
    sale("t-1", D(2026, 1, 5), "8000", [("a", 100)]),
    sale("t-2", D(2026, 1, 9), "6000", [("a", 50), ("b", 50)]),
    sale("t-3", D(2026, 2, 2), "3000", [("b", 100)]),
]


def test_simulate_gives_cost_per_partner_and_total() -> None:
    sim = simulate(graduated_plan(), SALES)
    # a: 8,000 + 3,000 in January: 500 + 80 = 580; b: 3,000 in Jan (150) and 3,000 in Feb (150)
    assert sim.cost_by_partner() == {"a": Decimal("580.00"), "b": Decimal("300.00")}
    assert sim.cost.amount == Decimal("880.00")
    assert sim.periods == (month(2026, 1), month(2026, 2))
    with pytest.raises(ValidationError):
        simulate(graduated_plan(), [])


def test_compare_two_plans_side_by_side() -> None:
    flat = graduated_plan(components=[Component(id="flat", rate="0.06")])
    result = compare(graduated_plan(), flat, SALES)
    rows = {r.partner_id: (r.a, r.b, r.difference) for r in result.rows}
    assert rows == {
        "a": (Decimal("580.00"), Decimal("660.00"), Decimal("80.00")),
        "b": (Decimal("300.00"), Decimal("360.00"), Decimal("60.00")),
    }
    assert result.total_difference.amount == Decimal("140.00")
    assert result.to_records()[0] == {
        "partner_id": "a",
        "a": Decimal("580.00"),
        "b": Decimal("660.00"),
        "difference": Decimal("80.00"),
    }
    dollars = graduated_plan()
    import attrs

    with pytest.raises(CurrencyMismatch):
        compare(dollars, attrs.evolve(dollars, currency="USD"), SALES)


def test_payout_curves_for_schedules_and_plans() -> None:
    schedule = TierSchedule.graduated([Tier(100, "0.1"), Tier(None, "0.2")])
    points = payout_curve(schedule, 0, 200, 50)
    assert [(p.basis, p.amount) for p in points] == [
        (0, 0),
        (50, Decimal("5.0")),
        (100, Decimal("10.0")),
        (150, Decimal("20.0")),
        (200, Decimal("30.0")),
    ]
    assert points[0].effective_rate is None
    assert points[-1].effective_rate == Decimal("0.15")
    plan = graduated_plan(
        components=[Component(id="r", rate="0.1")],
        quota="100",
        accelerators=[Accelerator("100", "2")],
    )
    assert [p.amount for p in payout_curve(plan, 0, 200, 100)] == [
        0,
        Decimal("10.0"),
        Decimal("30.0"),
    ]
    tiered = payout_curve(graduated_plan(), 10_000, 10_000, 1, on=D(2026, 5, 1))
    assert [p.amount for p in tiered] == [Decimal("500.00")]
    with pytest.raises(ValidationError) as caught:
        payout_curve(schedule, 10, 0, 1)
    assert caught.value.paths == ("stop",)
    with pytest.raises(ValidationError):
        payout_curve(schedule, 0, 10, 0)
    with pytest.raises(ValidationError):
        payout_curve(schedule, 0, 10**9, 1)
    with pytest.raises(ValidationError):
        payout_curve(plan, 0, 1, 1, component="nope")
    with pytest.raises(TypeError):
        payout_curve(schedule, 0.0, 1, 1)
    with pytest.raises(TypeError):
        payout_curve("schedule", 0, 1, 1)  # type: ignore[arg-type]


def test_plot_draws_the_curve() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    schedule = TierSchedule.graduated([Tier(100, "0.1"), Tier(None, "0.2")])
    ax = plot(payout_curve(schedule, 0, 200, 50), label="graduated")
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == [0, 50, 100, 150, 200]
    assert list(ys) == [0, 5, 10, 20, 30]
    assert ax.get_legend() is not None
    ax2 = plot(payout_curve(schedule, 0, 100, 50), ax=ax)
    assert ax2 is ax
    assert len(ax.lines) == 2
    import matplotlib.pyplot as plt

    plt.close("all")
