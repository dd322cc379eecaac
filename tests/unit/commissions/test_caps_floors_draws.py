"""Caps and floors per transaction, period and year with carry-forward; draws and recovery."""

from __future__ import annotations

from decimal import Decimal

from prmcore.commissions import Cap, Component, Draw, Floor, LineKind, simulate
from prmcore.periods import Period

from .conftest import D, graduated_plan, month, sale

JAN, FEB, MAR, APR = (month(2026, m) for m in (1, 2, 3, 4))
RATE = [Component(id="base", rate="0.10")]


def kinds(sim, period: Period) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(line.kind.value, str(line.amount)) for line in sim.ledger.for_period(period)]


def test_transaction_cap_and_floor() -> None:
    capped = simulate(
        graduated_plan(components=RATE, caps=[Cap("transaction", "50")]),
        [sale("t-1", D(2026, 1, 5), "1000"), sale("t-2", D(2026, 1, 6), "300")],
    )
    assert kinds(capped, JAN)[:3] == [("credit", "100.00"), ("cap", "-50.00"), ("credit", "30.00")]
    floored = simulate(
        graduated_plan(components=RATE, floors=[Floor("transaction", "40")]),
        [sale("t-1", D(2026, 1, 5), "300")],
    )
    assert kinds(floored, JAN)[:2] == [("credit", "30.00"), ("floor", "10.00")]


def test_period_cap_carries_excess_forward_within_later_caps() -> None:
    plan = graduated_plan(components=RATE, caps=[Cap("period", "100", carry_forward=True)])
    sim = simulate(
        plan,
        [
            sale("t-1", D(2026, 1, 5), "2500"),  # 250: 150 carried
            sale("t-2", D(2026, 2, 5), "400"),  # 40 + 60 released
            sale("t-3", D(2026, 3, 5), "0"),  # 90 released
        ],
    )
    assert kinds(sim, JAN) == [("credit", "250.00"), ("cap", "-150.00"), ("payout", "-100.00")]
    assert kinds(sim, FEB) == [
        ("credit", "40.00"),
        ("carry_forward", "60.00"),
        ("payout", "-100.00"),
    ]
    assert kinds(sim, MAR) == [("carry_forward", "90.00"), ("payout", "-90.00")]
    forfeit = simulate(
        graduated_plan(components=RATE, caps=[Cap("period", "100")]),
        [sale("t-1", D(2026, 1, 5), "2500"), sale("t-2", D(2026, 2, 5), "400")],
    )
    assert ("carry_forward", "60.00") not in kinds(forfeit, FEB)
    assert "forfeited" in forfeit.ledger.for_period(JAN)[1].explanation


def test_year_cap_and_year_floor() -> None:
    plan = graduated_plan(components=RATE, caps=[Cap("year", "300")])
    sim = simulate(plan, [sale(f"t-{m}", D(2026, m, 5), "2000") for m in (1, 2, 3)])
    # 200 a month: February reaches 400 (100 capped), March earns 200 more (all capped)
    assert [line.amount for line in sim.ledger.lines if line.kind is LineKind.CAP] == [
        Decimal("-100.00"),
        Decimal("-200.00"),
    ]
    assert sim.ledger.for_period(MAR)[1].component_id == "year"
    assert sim.cost.amount == Decimal("300.00")
    floor_plan = graduated_plan(components=RATE, floors=[Floor("year", "5000")])
    december = month(2026, 12)
    floor_sim = simulate(floor_plan, [sale("t-1", D(2026, 1, 5), "1000")], through=december)
    floors = [line for line in floor_sim.ledger.lines if line.kind is LineKind.FLOOR]
    assert [(f.period, f.amount) for f in floors] == [(december, Decimal("4900.00"))]


def test_period_floor_tops_up_at_close() -> None:
    plan = graduated_plan(components=RATE, floors=[Floor("period", "75")])
    sim = simulate(plan, [sale("t-1", D(2026, 1, 5), "500"), sale("t-2", D(2026, 2, 5), "900")])
    assert kinds(sim, JAN) == [("credit", "50.00"), ("floor", "25.00"), ("payout", "-75.00")]
    assert kinds(sim, FEB) == [("credit", "90.00"), ("payout", "-90.00")]


def test_recoverable_draw_is_recovered_after_the_delay_up_to_the_rate() -> None:
    plan = graduated_plan(
        components=RATE,
        draw=Draw("100", recovery_rate="0.5", delay=1, maximum="70"),
    )
    sim = simulate(
        plan,
        [
            sale("t-1", D(2026, 1, 5), "200"),  # earns 20: draw 80, limited to 70
            sale("t-2", D(2026, 2, 5), "2000"),  # earns 200, but recovery waits one period
            sale("t-3", D(2026, 3, 5), "2000"),  # earns 200: recovers 50% of 100 above the draw
            sale("t-4", D(2026, 4, 5), "2000"),  # recovers the last 20
        ],
    )
    assert kinds(sim, JAN) == [("credit", "20.00"), ("draw", "70.00"), ("payout", "-90.00")]
    assert kinds(sim, FEB) == [("credit", "200.00"), ("payout", "-200.00")]
    assert kinds(sim, MAR) == [("credit", "200.00"), ("recovery", "-50.00"), ("payout", "-150.00")]
    assert kinds(sim, APR) == [("credit", "200.00"), ("recovery", "-20.00"), ("payout", "-180.00")]


def test_non_recoverable_draw_is_a_guarantee() -> None:
    plan = graduated_plan(components=RATE, draw=Draw("100", recoverable=False))
    sim = simulate(plan, [sale("t-1", D(2026, 1, 5), "200"), sale("t-2", D(2026, 2, 5), "3000")])
    assert kinds(sim, JAN) == [("credit", "20.00"), ("draw", "80.00"), ("payout", "-100.00")]
    assert kinds(sim, FEB) == [("credit", "300.00"), ("payout", "-300.00")]
    assert "non-recoverable" in sim.ledger.for_period(JAN)[1].explanation
