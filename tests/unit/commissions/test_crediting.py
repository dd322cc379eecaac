"""Crediting: f(after) - f(before) per period, splits, overrides, multipliers, SPIFFs,
accelerators, bases and accumulation, volume true-ups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.commissions import (
    Accelerator,
    Component,
    LineKind,
    Override,
    PartnerProfile,
    RateRule,
    Spiff,
    calculate,
    run_period,
)
from prmcore.domain import Partner, PartnerKind
from prmcore.errors import ValidationError
from prmcore.tiers import Benefits, Tier

from .conftest import D, graduated_plan, month, refund, sale

JAN = month(2026, 1)
FEB = month(2026, 2)


def amounts(result) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(line.kind.value, line.partner_id, str(line.amount)) for line in result.lines]


def test_golden_graduated_month() -> None:
    # 5% up to 10,000 and 8% above: 8,000 earns 400; the next 4,000 earns 2,000 at 5% and
    # 2,000 at 8% = 260; together f(12,000) = 500 + 160 = 660.
    plan = graduated_plan()
    result = run_period(
        plan,
        JAN,
        [sale("t-1", D(2026, 1, 5), "8000"), sale("t-2", D(2026, 1, 20), "4000")],
        as_of=D(2026, 2, 1),
    )
    assert amounts(result) == [("credit", "p-1", "400.00"), ("credit", "p-1", "260.00")]
    second = result.lines[1]
    assert second.tiers == (0, 1)
    assert (second.basis_before, second.basis_after) == (Decimal("8000"), Decimal("12000"))
    assert second.rate is None  # two rates applied
    assert result.lines[0].rate == Decimal("0.05")
    assert "f(after) - f(before) over tier(s) 1, 2" in second.explanation
    assert second.plan_version_id == "v1"
    assert second.plan_version_hash == plan.versions[0].hash
    assert second.period == JAN
    assert second.for_period == JAN


def test_the_basis_resets_each_period_unless_it_accumulates_over_the_year() -> None:
    sales = [sale("t-1", D(2026, 1, 5), "10000"), sale("t-2", D(2026, 2, 5), "5000")]
    monthly = calculate(graduated_plan(), sales, through=FEB)
    assert [d.amount for d in monthly.due.values()] == [Decimal("500.00"), Decimal("250.00")]
    ytd = graduated_plan(
        components=[
            Component(
                id="ytd",
                mode="graduated",
                accumulate="year",
                tiers=[Tier(10_000, "0.05"), Tier(None, "0.08")],
            ),
        ]
    )
    yearly = calculate(ytd, sales, through=FEB)
    assert [d.amount for d in yearly.due.values()] == [Decimal("500.00"), Decimal("400.00")]


@given(st.lists(st.integers(1, 2_000_000), min_size=1, max_size=12), st.randoms())
def test_graduated_total_does_not_depend_on_order(cents: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    plan = graduated_plan()
    sales = [
        sale(f"t-{i:03d}", D(2026, 1, 1 + i), str(Decimal(c).scaleb(-2)))
        for i, c in enumerate(cents)
    ]
    total = sum((Decimal(c).scaleb(-2) for c in cents), Decimal(0))
    expected = plan.versions[0].components[0].schedule.total(total).quantize(Decimal("0.01"))
    shuffled = list(sales)
    rnd.shuffle(shuffled)
    days = [s.date for s in sales]
    rnd.shuffle(days)
    import attrs

    reordered = [attrs.evolve(s, date=d) for s, d in zip(sales, days, strict=True)]
    for txns in (sales, reordered):
        calc = calculate(plan, txns, through=JAN)
        assert calc.total() == expected


def test_splits_are_allocated_so_parts_add_up() -> None:
    plan = graduated_plan(components=[Component(id="flat", rate="0.1")])
    three = sale(
        "t-1", D(2026, 1, 5), "100.00", [("a", "33.3333"), ("b", "33.3333"), ("c", "33.3334")]
    )
    result = run_period(plan, JAN, [three], as_of=D(2026, 2, 1))
    bases = [line.basis for line in result.lines]
    assert bases == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(bases, Decimal(0)) == Decimal("100.00")


def test_level_multiplier_rate_rules_and_partner_kind_filters() -> None:
    plan = graduated_plan(
        components=[
            Component(id="base", rate="0.05", rates=[RateRule("0.07", product_line="fw")]),
            Component(id="msp-only", rate="0.01", partner_kinds=["msp"], level_multiplier=False),
        ]
    )
    partners = {
        "gold": PartnerProfile.from_partner(
            Partner(id="gold", name="Gold", kind=PartnerKind.MSP),
            Benefits(commission_multiplier="1.5"),
        ),
        "plain": PartnerProfile("plain", PartnerKind.RESELLER),
    }
    sales = [
        sale("t-1", D(2026, 1, 5), "1000", [("gold", 100)], product_line="fw"),
        sale("t-2", D(2026, 1, 6), "1000", [("plain", 100)], product_line="edr"),
    ]
    result = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), partners=partners)
    assert amounts(result) == [
        ("credit", "gold", "105.00"),  # 1000 x 7% x 1.5
        ("credit", "gold", "10.00"),  # no multiplier on this component
        ("credit", "plain", "50.00"),
    ]
    assert "level multiplier 1.5" in result.lines[0].explanation


def test_distributor_overrides_roll_up_from_resellers() -> None:
    plan = graduated_plan(
        components=[Component(id="base", rate="0.10")],
        overrides=[Override("0.02")],
    )
    partners = {
        "r-1": PartnerProfile("r-1", PartnerKind.RESELLER, parent_id="dist"),
        "m-1": PartnerProfile("m-1", PartnerKind.MSP, parent_id="dist"),
    }
    sales = [
        sale("t-1", D(2026, 1, 5), "1000", [("r-1", 100)]),
        sale("t-2", D(2026, 1, 6), "1000", [("m-1", 100)]),
    ]
    result = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), partners=partners)
    assert amounts(result) == [
        ("credit", "r-1", "100.00"),
        ("override", "dist", "20.00"),
        ("credit", "m-1", "100.00"),
    ]


def test_spiffs_pay_per_unit_and_rate_within_their_window() -> None:
    plan = graduated_plan(
        components=[Component(id="base", rate="0.05")],
        spiffs=[Spiff("q1-fw", ["fw"], D(2026, 1, 10), D(2026, 1, 31), per_unit="25", rate="0.01")],
    )
    sales = [
        sale("t-1", D(2026, 1, 5), "1000", product_line="fw", units=2),  # before the window
        sale("t-2", D(2026, 1, 15), "1000", product_line="fw", units=2),
        sale("t-3", D(2026, 1, 16), "1000", product_line="edr", units=2),
    ]
    result = run_period(plan, JAN, sales, as_of=D(2026, 2, 1))
    spiffs = [line for line in result.lines if line.kind is LineKind.SPIFF]
    assert [(s.transaction_id, s.amount) for s in spiffs] == [("t-2", Decimal("60.00"))]


def test_accelerators_pay_the_slice_beyond_quota_at_the_multiplier() -> None:
    plan = graduated_plan(
        components=[Component(id="base", rate="0.10")],
        quota="10000",
        accelerators=[Accelerator("100", "1.5")],
    )
    sales = [sale("t-1", D(2026, 1, 5), "8000"), sale("t-2", D(2026, 1, 6), "4000")]
    result = run_period(plan, JAN, sales, as_of=D(2026, 2, 1))
    # 8,000 at 10%; then 2,000 at 10% and 2,000 at 15%
    assert [line.amount for line in result.lines] == [Decimal("800.00"), Decimal("500.00")]
    assert "on 5,000.00 EUR after accelerators" in result.lines[1].explanation


def test_attainment_and_units_bases() -> None:
    plan = graduated_plan(
        quota="20000",
        components=[
            Component(
                id="bonus",
                basis="attainment",
                mode="threshold_bonus",
                tiers=[Tier("100"), Tier(None, flat="1000")],
            ),
            Component(id="per-unit", basis="units", rate="3"),
        ],
    )
    sales = [
        sale("t-1", D(2026, 1, 5), "15000", units=4),
        sale("t-2", D(2026, 1, 6), "6000", units=1),
    ]
    result = run_period(plan, JAN, sales, as_of=D(2026, 2, 1))
    # t-1 reaches 75% attainment: no bonus (a zero line is not posted); t-2 crosses 100%.
    assert amounts(result) == [
        ("credit", "p-1", "12.00"),
        ("credit", "p-1", "1000.00"),
        ("credit", "p-1", "3.00"),
    ]
    bonus = [line for line in result.lines if line.component_id == "bonus"]
    assert [(b.basis_before, b.basis_after) for b in bonus] == [(Decimal(75), Decimal(105))]


def test_volume_plans_true_up_at_close() -> None:
    plan = graduated_plan(
        components=[
            Component(id="vol", mode="volume", tiers=[Tier(10_000, "0.05"), Tier(None, "0.08")]),
        ]
    )
    sales = [sale("t-1", D(2026, 1, 5), "6000"), sale("t-2", D(2026, 1, 6), "6000")]
    open_run = run_period(plan, JAN, sales, as_of=D(2026, 1, 31))
    assert amounts(open_run) == [("credit", "p-1", "300.00"), ("credit", "p-1", "480.00")]
    closing = run_period(plan, JAN, sales, open_run.lines, as_of=D(2026, 2, 1), close=True)
    true_up = [line for line in closing.lines if line.kind is LineKind.TRUE_UP]
    # f(12,000) = 12,000 x 8% = 960; 780 credited
    assert [line.amount for line in true_up] == [Decimal("180.00")]
    assert true_up[0].tiers == (1,)
    total = sum(line.amount for line in [*open_run.lines, *true_up])
    assert total == Decimal("960.00")


def test_bad_input_is_reported() -> None:
    plan = graduated_plan()
    with pytest.raises(ValidationError) as caught:
        calculate(plan, [refund("r-1", D(2026, 1, 5), "10", of="nope")], through=JAN)
    assert caught.value.paths == ("transactions[0].refund_of",)
    with pytest.raises(ValidationError, match="more than the sale"):
        calculate(
            plan,
            [sale("t-1", D(2026, 1, 1), "10"), refund("r", D(2026, 1, 2), "11", "t-1")],
            through=JAN,
        )
    with pytest.raises(ValidationError) as caught:
        calculate(plan, [], through=graduated_plan().calendar.year_containing(D(2026, 1, 1)))
    assert caught.value.paths == ("through",)
    with pytest.raises(ValidationError) as caught:
        calculate(plan, [sale("t-0", D(2025, 12, 31), "10")], through=JAN)
    assert caught.value.paths == ("date",)


@given(
    st.integers(1, 10**9),
    st.lists(st.integers(1, 97), min_size=2, max_size=4),
)
def test_split_parts_are_exactly_money_allocate(cents: int, weights: list[int]) -> None:
    total = sum(weights)
    shares = [Decimal(w * 100) / total for w in weights]
    shares = [s.quantize(Decimal("0.0001")) for s in shares]
    shares[-1] = Decimal(100) - sum(shares[:-1], Decimal(0))
    if shares[-1] <= 0:
        return
    plan = graduated_plan(components=[Component(id="flat", rate="0.1")])
    deal = sale(
        "t-1",
        D(2026, 1, 5),
        str(Decimal(cents).scaleb(-2)),
        [(f"p-{i}", s) for i, s in enumerate(shares)],
    )
    calc = calculate(plan, [deal], through=JAN)
    bases = [due.basis for due in calc.due.values()]
    assert bases == [m.amount for m in deal.shares()]
    assert sum(bases, Decimal(0)) == deal.amount.amount
