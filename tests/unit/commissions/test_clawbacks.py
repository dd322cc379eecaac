"""Clawbacks: full refunds net to zero across periods and tiers, partial refunds are
proportional, the window, negative balances carried with payout held."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from prmcore.commissions import ClawbackPolicy, LineKind, PayoutPolicy, run_period, simulate

from .conftest import D, graduated_plan, month, refund, sale

JAN, FEB, MAR = month(2026, 1), month(2026, 2), month(2026, 3)


def deal_total(lines, sale_id: str) -> Decimal:  # type: ignore[no-untyped-def]
    return sum(
        (
            line.amount
            for line in lines
            if line.transaction_id == sale_id or line.refers_to == sale_id
        ),
        Decimal(0),
    )


@given(
    st.lists(st.integers(100, 3_000_000), min_size=1, max_size=6),
    st.data(),
)
def test_a_full_refund_nets_the_deal_to_exactly_zero(cents: list[int], data: st.DataObject) -> None:
    plan = graduated_plan()
    sales = [
        sale(f"t-{i}", D(2026, 1, 1 + i), str(Decimal(c).scaleb(-2)), [("a", 50), ("b", 50)])
        for i, c in enumerate(cents)
    ]
    target = data.draw(st.sampled_from(sales))
    pieces = data.draw(st.integers(1, 3))
    whole = int(target.amount.amount * 100)
    cuts = (
        sorted(
            data.draw(
                st.lists(
                    st.integers(1, whole - 1), min_size=pieces - 1, max_size=pieces - 1, unique=True
                )
            )
        )
        if whole > 1
        else []
    )
    bounds = [0, *cuts, whole]
    refunds = [
        refund(
            f"r-{k}",
            D(2026, 2, 1 + k),
            str(Decimal(bounds[k + 1] - bounds[k]).scaleb(-2)),
            of=target.id,
        )
        for k in range(len(bounds) - 1)
        if bounds[k + 1] > bounds[k]
    ]
    jan = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), close=True)
    feb = run_period(plan, FEB, [*sales, *refunds], jan.lines, as_of=D(2026, 3, 1), closed=[JAN])
    lines = [*jan.lines, *feb.lines]
    assert deal_total(lines, target.id) == 0
    assert any(line.kind is LineKind.CLAWBACK for line in feb.lines)
    assert all(line.period == FEB for line in feb.lines)


def test_partial_refunds_reverse_proportionally() -> None:
    plan = graduated_plan()
    sales = [sale("t-1", D(2026, 1, 5), "12000")]  # earns 660
    txns = [*sales, refund("r-1", D(2026, 1, 20), "3000", of="t-1")]
    result = run_period(plan, JAN, txns, as_of=D(2026, 2, 1))
    claw = [line for line in result.lines if line.kind is LineKind.CLAWBACK]
    assert [(c.amount, c.refers_to, c.transaction_id) for c in claw] == [
        (Decimal("-165.00"), "t-1", "r-1")
    ]
    assert "25% of sale t-1" in claw[0].explanation
    assert claw[0].category == "clawbacks"


def test_a_refund_outside_the_window_claws_nothing() -> None:
    plan = graduated_plan(clawback=ClawbackPolicy(window_days=30))
    txns = [
        sale("t-1", D(2026, 1, 5), "1000"),
        sale("t-2", D(2026, 1, 6), "1000"),
        refund("r-1", D(2026, 2, 4), "1000", of="t-1"),  # 30 days later: inside
        refund("r-2", D(2026, 2, 6), "1000", of="t-2"),  # 31 days later: outside
    ]
    result = run_period(plan, FEB, txns, as_of=D(2026, 3, 1))
    claw = [line.refers_to for line in result.lines if line.kind is LineKind.CLAWBACK]
    assert claw == ["t-1"]


def test_negative_balances_carry_forward_and_hold_payout() -> None:
    plan = graduated_plan()
    txns = [
        sale("t-1", D(2026, 1, 5), "10000"),  # 500 paid in January
        refund("r-1", D(2026, 2, 3), "10000", of="t-1"),  # -500 in February
        sale("t-2", D(2026, 2, 10), "2000"),  # +100 in February
        sale("t-3", D(2026, 3, 10), "10000"),  # +500 in March
    ]
    sim = simulate(plan, txns)
    jan, feb, mar = (sim.statements(p)[0] for p in (JAN, FEB, MAR))
    assert (jan.payout.amount, jan.closing.amount) == (Decimal("500.00"), 0)
    assert (feb.clawbacks.amount, feb.payout.amount) == (Decimal("-500.00"), 0)
    assert feb.closing.amount == Decimal("-400.00")
    assert (mar.opening.amount, mar.payout.amount) == (Decimal("-400.00"), Decimal("100.00"))
    # the other policy pays each period's own positive earnings and keeps the debt
    paying = simulate(graduated_plan(payout=PayoutPolicy(hold_while_negative=False)), txns)
    feb2, mar2 = paying.statements(FEB)[0], paying.statements(MAR)[0]
    assert feb2.payout.amount == 0  # the period's net is -400: nothing to pay
    assert (mar2.payout.amount, mar2.closing.amount) == (Decimal("500.00"), Decimal("-400.00"))


def test_minimum_payout_keeps_small_balances() -> None:
    plan = graduated_plan(payout=PayoutPolicy(minimum="50"))
    sim = simulate(plan, [sale("t-1", D(2026, 1, 5), "400"), sale("t-2", D(2026, 2, 5), "800")])
    jan, feb = sim.statements(JAN)[0], sim.statements(FEB)[0]
    assert (jan.payout.amount, jan.closing.amount) == (0, Decimal("20.00"))
    assert (feb.payout.amount, feb.closing.amount) == (Decimal("60.00"), 0)
