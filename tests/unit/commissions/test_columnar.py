"""The columnar simulation gives exactly the object engine's ledger, or says it cannot."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.commissions import (
    Accelerator,
    Cap,
    ClawbackPolicy,
    ColumnarLedger,
    CommissionPlan,
    Component,
    Draw,
    Floor,
    LedgerLine,
    LineKind,
    Override,
    PartnerProfile,
    PayoutPolicy,
    PlanVersion,
    RateRule,
    Spiff,
    Transaction,
    TransactionBatch,
    UnsupportedFeature,
    simulate,
    statements_for,
)
from prmcore.domain import PartnerKind
from prmcore.errors import CurrencyMismatch, PrmError, ValidationError
from prmcore.money import InMemoryRateSource
from prmcore.periods import MonthCalendar
from prmcore.tiers import AboveTopTierError, Tier

from .conftest import D, graduated_plan, month, refund, sale

ROUNDINGS = [ROUND_HALF_EVEN, ROUND_HALF_UP]
PARTNERS = ["a", "b", "c", "d"]
SPLITS = [
    ["100"],
    ["50", "50"],
    ["60", "40"],
    ["70", "30"],
    ["33.3", "33.3", "33.4"],
    ["25", "25", "50"],
    ["0.5", "99.5"],
]


def ytd_plan(**version: Any) -> CommissionPlan:
    """The benchmark's plan: 3% to 50,000, 5% to 200,000, 7% above, on year-to-date revenue."""
    return CommissionPlan(
        id="ytd",
        name="Year to date",
        currency="EUR",
        calendar=MonthCalendar(),
        versions=[
            PlanVersion(
                id="v1",
                effective_from=D(2026, 1, 1),
                components=[
                    Component(
                        id="ytd",
                        mode="graduated",
                        accumulate="year",
                        tiers=[Tier(50_000, "0.03"), Tier(200_000, "0.05"), Tier(None, "0.07")],
                    )
                ],
                **version,
            )
        ],
    )


def assert_same(
    plan: CommissionPlan, transactions: list[Transaction], **options: Any
) -> list[LedgerLine]:
    """Simulate both ways; both fail alike, or give the same lines, costs and statements."""
    failure: PrmError | None = None
    try:
        expected = simulate(plan, transactions, **options)
    except PrmError as err:
        failure = err
    if failure is not None:
        with pytest.raises(type(failure)) as caught:
            simulate(plan, transactions, columnar=True, **options)
        assert str(caught.value) == str(failure)
        return []
    batch = TransactionBatch.from_transactions(transactions, plan.currency)
    got = simulate(plan, batch, columnar=True, **options)
    assert isinstance(got.ledger, ColumnarLedger)
    assert got.periods == expected.periods
    lines = got.ledger.lines
    assert len(lines) == len(expected.ledger.lines)
    for mine, theirs in zip(lines, expected.ledger.lines, strict=True):
        assert mine == theirs
        assert mine.explanation == theirs.explanation
    assert got.cost_by_partner() == expected.cost_by_partner()
    assert got.cost == expected.cost
    for period in expected.periods:
        assert got.statements(period) == expected.statements(period)
    return list(lines)


# -- golden -----------------------------------------------------------------------------------


def test_golden_year_to_date_split_and_refund() -> None:
    plan = ytd_plan()
    transactions = [
        sale("s-1", D(2026, 1, 5), "40000.00", [("a", 100)]),
        sale("s-2", D(2026, 1, 9), "20000.00", [("a", 60), ("b", 40)]),
        refund("r-1", D(2026, 1, 20), "10000.00", "s-2"),
        sale("s-3", D(2026, 2, 3), "100.00", [("b", 100)]),
    ]
    lines = assert_same(plan, transactions)
    # a: 40,000 at 3% = 1,200; then 12,000 from 40,000 to 52,000: 10,000 at 3% + 2,000 at 5%
    # = 400. b: 8,000 at 3% = 240. Half of s-2 refunded: a gives back 200, b 120.
    # February: b 100.00 at 3% = 3.00 (year to date 8,100).
    assert [(x.id, x.kind.value, x.partner_id, str(x.amount)) for x in lines] == [
        ("ytd/2026-01/0000001", "credit", "a", "1200.00"),
        ("ytd/2026-01/0000002", "credit", "a", "400.00"),
        ("ytd/2026-01/0000003", "credit", "b", "240.00"),
        ("ytd/2026-01/0000004", "clawback", "a", "-200.00"),
        ("ytd/2026-01/0000005", "clawback", "b", "-120.00"),
        ("ytd/2026-01/0000006", "payout", "a", "-1400.00"),
        ("ytd/2026-01/0000007", "payout", "b", "-120.00"),
        ("ytd/2026-02/0000001", "credit", "b", "3.00"),
        ("ytd/2026-02/0000002", "payout", "b", "-3.00"),
    ]
    assert lines[1].tiers == (0, 1)
    assert lines[1].rate is None
    assert lines[2].rate == Decimal("0.03")
    assert lines[1].explanation == (
        "ytd: 12,000.00 EUR revenue (cumulative 40,000.00 -> 52,000.00 in FY2026) = "
        "f(after) - f(before) over tier(s) 1, 2: 400.00 EUR"
    )
    assert lines[3].explanation == (
        "refund r-1 of 10000.00 EUR (50% of sale s-2) reverses that share of the 400.00 EUR "
        "it earned: -200.00 EUR"
    )
    assert lines[5].explanation == (
        "payout for 2026-01: opening 0.00 EUR, this period 1,400.00 EUR, paid 1,400.00 EUR"
    )


def test_golden_threshold_bonus_flats_and_rates_by_product_line() -> None:
    plan = graduated_plan(
        components=[
            Component(
                id="bonus",
                mode="threshold_bonus",
                tiers=[Tier(1_000), Tier(2_000, flat=50), Tier(None, flat=70)],
            ),
            Component(id="fw", rates=[RateRule("0.125", product_line="fw"), RateRule("0.01")]),
        ]
    )
    transactions = [
        sale("t-1", D(2026, 1, 2), "999.99", product_line="fw"),
        sale("t-2", D(2026, 1, 3), "1500.01"),
    ]
    lines = assert_same(plan, transactions)
    assert [(x.component_id, str(x.amount)) for x in lines if x.kind is LineKind.CREDIT] == [
        ("fw", "125.00"),  # 999.99 at 12.5% = 124.99875
        ("bonus", "120.00"),  # crossing 1,000 and 2,000: 50 + 70
        ("fw", "15.00"),  # 1500.01 at 1% = 15.0001, running 140.00 after 124.99875
    ]


def test_golden_flat_paid_on_entering_the_first_tier() -> None:
    plan = graduated_plan(
        components=[
            Component(
                id="c",
                mode="graduated",
                tiers=[Tier("100.005", "0.1", flat=5), Tier(None, "0.2")],
            )
        ]
    )
    # 50.00: the 5.00 flat and 10% of 50; then 50.00 more to 100.00, still in tier 1 (5.00);
    # then 0.01 to 100.01, past 100.005: 0.0005 at 10% and 0.005 at 20%, 0.0015 in all.
    transactions = [
        sale("t-1", D(2026, 1, 2), "50.00"),
        sale("t-2", D(2026, 1, 3), "50.00"),
        sale("t-3", D(2026, 1, 4), "0.01"),
    ]
    lines = assert_same(plan, transactions)
    assert [str(x.amount) for x in lines] == ["10.00", "5.00", "-15.00"]
    assert assert_same(plan, [*transactions, sale("t-4", D(2026, 1, 5), "3.33")])[2].amount == (
        Decimal("0.67")
    )


def test_golden_accumulation_resumes_when_a_later_version_goes_back_to_the_year() -> None:
    def version(n: int, month_number: int, accumulate: str) -> PlanVersion:
        return PlanVersion(
            id=f"v{n}",
            effective_from=D(2026, month_number, 1),
            components=[
                Component(
                    id="c",
                    mode="graduated",
                    accumulate=accumulate,
                    tiers=[Tier(1_000, "0.01"), Tier(None, "0.1")],
                )
            ],
        )

    plan = CommissionPlan(
        id="p",
        name="P",
        currency="EUR",
        calendar=MonthCalendar(),
        versions=[version(1, 1, "year"), version(2, 2, "period"), version(3, 3, "year")],
    )
    transactions = [
        sale("t-1", D(2026, 1, 2), "900.00"),
        sale("t-2", D(2026, 2, 2), "900.00"),
        sale("t-3", D(2026, 3, 2), "200.00"),
    ]
    lines = assert_same(plan, transactions)
    # March carries on from January's 900 of the year: 100 at 1% and 100 at 10%.
    assert [str(x.amount) for x in lines if x.kind is LineKind.CREDIT] == ["9.00", "9.00", "11.00"]


def test_golden_level_multiplier_and_partner_kind_filter() -> None:
    plan = graduated_plan(
        components=[
            Component(id="base", rate="0.05"),
            Component(id="msp", rate="0.01", partner_kinds=["msp"], level_multiplier=False),
        ]
    )
    partners = {
        "a": PartnerProfile("a", kind=PartnerKind.MSP, commission_multiplier="1.25"),
        "z": PartnerProfile("z"),
    }
    transactions = [sale("t-1", D(2026, 1, 2), "1000.00", [("a", 50), ("b", 50)])]
    lines = assert_same(plan, transactions, partners=partners)
    assert [(x.partner_id, x.component_id, str(x.amount)) for x in lines] == [
        ("a", "base", "31.25"),
        ("a", "msp", "5.00"),
        ("b", "base", "25.00"),
        ("a", "payout", "-36.25"),
        ("b", "payout", "-25.00"),
    ]
    assert "x level multiplier 1.25" in lines[0].explanation


# -- property ---------------------------------------------------------------------------------

amounts = st.integers(0, 3_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
rates = st.integers(0, 999).map(lambda n: Decimal(n).scaleb(-4))


@st.composite
def tiers(draw: st.DrawFn) -> list[Tier]:
    count = draw(st.integers(1, 3))
    bounds = sorted(draw(st.sets(st.integers(1, 4_000_000), min_size=count, max_size=count)))
    out = []
    for i, bound in enumerate(bounds):
        up_to = Decimal(bound).scaleb(-draw(st.sampled_from([0, 2, 3])))
        flat = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("12.345")]))
        last = i == len(bounds) - 1
        open_top = last and draw(st.booleans() | st.just(True))
        if out and up_to <= out[-1].up_to:
            continue
        out.append(Tier(None if open_top else up_to, draw(rates), flat))
    return out


@st.composite
def components(draw: st.DrawFn, index: int) -> Component:
    common: dict[str, Any] = {
        "id": f"c{index}",
        "accumulate": draw(st.sampled_from(["period", "year"])),
        "level_multiplier": draw(st.booleans()),
    }
    if draw(st.booleans()):
        common["product_lines"] = ["fw"]
    if draw(st.integers(0, 3)) == 0:
        common["partner_kinds"] = ["reseller"]
    if draw(st.booleans()):
        return Component(
            rate=draw(rates),
            rates=draw(
                st.lists(
                    st.builds(
                        RateRule,
                        rates,
                        product_line=st.sampled_from([None, "fw", "edr"]),
                        partner_kind=st.sampled_from([None, PartnerKind.MSP]),
                    ),
                    max_size=2,
                )
            ),
            **common,
        )
    return Component(
        mode="graduated",
        tiers=draw(tiers()),
        boundary=draw(st.sampled_from(["upper_inclusive", "lower_inclusive"])),
        **common,
    )


@st.composite
def versions(draw: st.DrawFn, index: int, start: dt.date) -> PlanVersion:
    count = draw(st.integers(1, 2))
    return PlanVersion(
        id=f"v{index}",
        effective_from=start,
        components=[draw(components(k)) for k in range(count)],
        rounding=draw(st.sampled_from(ROUNDINGS)),
        clawback=ClawbackPolicy(window_days=draw(st.sampled_from([None, 0, 20]))),
        payout=PayoutPolicy(
            hold_while_negative=draw(st.booleans()),
            minimum=draw(st.sampled_from([Decimal(0), Decimal("50.005")])),
        ),
    )


@st.composite
def plans(draw: st.DrawFn) -> CommissionPlan:
    first = draw(versions(1, D(2026, 1, 1)))
    items = [first]
    if draw(st.booleans()):
        items.append(draw(versions(2, D(2026, 2, draw(st.integers(1, 28))))))
    return CommissionPlan(
        id="plan", name="Plan", currency="EUR", calendar=MonthCalendar(), versions=items
    )


@st.composite
def histories(draw: st.DrawFn) -> list[Transaction]:
    out: list[Transaction] = []
    sales: list[Transaction] = []
    refunded: dict[str, Decimal] = {}
    for n in range(draw(st.integers(0, 25))):
        day = D(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 100)))
        txn_id = f"t-{draw(st.integers(0, 99)):02d}-{n}"
        if sales and draw(st.integers(0, 3)) == 0:
            original = draw(st.sampled_from(sales))
            left = original.amount.amount - refunded.get(original.id, Decimal(0))
            share = draw(st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("0.37")]))
            amount = (left * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            refunded[original.id] = refunded.get(original.id, Decimal(0)) + amount
            late = max(day, original.date)
            out.append(refund(txn_id, late, str(amount), original.id))
            continue
        split = draw(st.sampled_from(SPLITS))
        partners = draw(st.permutations(PARTNERS))[: len(split)]
        line = draw(st.sampled_from([None, None, "fw", "edr"]))
        txn = sale(
            txn_id,
            day,
            str(draw(amounts)),
            list(zip(partners, split, strict=True)),
            product_line=line,
        )
        out.append(txn)
        sales.append(txn)
    return out


profiles = st.dictionaries(
    st.sampled_from([*PARTNERS, "e"]),
    st.tuples(
        st.sampled_from([None, PartnerKind.RESELLER, PartnerKind.MSP]),
        st.sampled_from(["1", "1.25", "0.9", "1.125"]),
    ),
    max_size=3,
).map(lambda d: {p: PartnerProfile(p, kind=k, commission_multiplier=m) for p, (k, m) in d.items()})


@given(plans(), histories(), profiles)
def test_columnar_is_the_object_engine_to_the_cent(
    plan: CommissionPlan, transactions: list[Transaction], partners: dict[str, PartnerProfile]
) -> None:
    if not transactions:
        transactions = [sale("only", D(2026, 1, 1), "1.00")]
    assert_same(plan, transactions, partners=partners)


@given(histories())
def test_columnar_on_the_benchmark_plan(transactions: list[Transaction]) -> None:
    if transactions:
        assert_same(ytd_plan(), transactions)


# -- errors -----------------------------------------------------------------------------------


def test_refund_errors_are_the_object_engines() -> None:
    plan = ytd_plan()
    assert_same(plan, [refund("r-1", D(2026, 1, 2), "1.00", "nope")])
    assert_same(
        plan,
        [sale("s-1", D(2026, 1, 2), "5.00"), refund("r-1", D(2026, 1, 2), "6.00", "s-1")],
    )
    assert_same(
        plan,
        [
            sale("s-1", D(2026, 1, 2), "5.00"),
            refund("r-1", D(2026, 1, 2), "2", "s-1"),
            refund("r-2", D(2026, 1, 3), "3.5", "s-1"),
        ],
    )
    assert_same(
        plan,
        [sale("s-1", D(2026, 1, 2), "5.00"), refund("r-1", D(2026, 1, 2), "6", "s-1")],
    )
    # a refund dated before its sale
    assert_same(
        plan,
        [sale("s-1", D(2026, 1, 3), "5.00"), refund("r-1", D(2026, 1, 2), "1.00", "s-1")],
    )
    # a transaction before the plan starts
    assert_same(plan, [sale("s-1", D(2025, 12, 3), "5.00")])


def test_above_a_bounded_top_tier_raises_as_the_object_engine_does() -> None:
    plan = graduated_plan(
        components=[Component(id="b", mode="graduated", tiers=[Tier(100, "0.1")])]
    )
    with pytest.raises(AboveTopTierError):
        simulate(plan, [sale("s-1", D(2026, 1, 3), "100.01")], columnar=True)
    assert_same(plan, [sale("s-1", D(2026, 1, 3), "100.01")])


def test_through_a_later_period_and_as_of() -> None:
    transactions = [sale("s-1", D(2026, 1, 3), "5000.00", [("a", 100)])]
    options = {"through": month(2026, 3), "as_of": D(2026, 4, 2)}
    lines = assert_same(ytd_plan(), transactions, **options)
    assert {line.posted_on for line in lines} == {D(2026, 4, 2)}
    # transactions after the last period are left out
    later = [*transactions, sale("s-2", D(2026, 2, 3), "10.00"), sale("s-3", D(2026, 3, 3), "1")]
    lines = assert_same(ytd_plan(), later, through=month(2026, 1))
    assert {line.transaction_id for line in lines} == {"s-1", None}
    # a through period that is not one of the calendar's
    bad = month(2026, 3)
    import attrs

    odd = attrs.evolve(bad, start=D(2026, 3, 2))
    with pytest.raises(ValidationError, match="not a period"):
        simulate(ytd_plan(), transactions, through=odd, columnar=True)
    with pytest.raises(ValidationError, match="give transactions"):
        simulate(ytd_plan(), [], columnar=True)


def test_unsupported_features_are_named() -> None:
    plan = CommissionPlan(
        id="p",
        name="P",
        currency="EUR",
        calendar=MonthCalendar(),
        versions=[
            PlanVersion(
                id="v1",
                effective_from=D(2026, 1, 1),
                components=[
                    Component(id="u", basis="units", rate="1"),
                    Component(id="v", mode="volume", tiers=[Tier(None, "0.05")]),
                ],
                quota=1000,
                accelerators=[Accelerator(above=100, multiplier="1.5")],
                spiffs=[
                    Spiff(
                        id="s",
                        product_lines=["fw"],
                        start=D(2026, 1, 1),
                        end=D(2026, 2, 1),
                        per_unit=1,
                    )
                ],
                caps=[Cap(scope="period", amount=100)],
                floors=[Floor(scope="period", amount=1)],
                draw=Draw(amount=100),
                overrides=[Override(rate="0.01", from_kinds=["reseller"])],
            )
        ],
    )
    with pytest.raises(UnsupportedFeature) as caught:
        simulate(plan, [sale("s-1", D(2026, 1, 3), "5.00")], columnar=True)
    assert caught.value.features == (
        "versions[0].accelerators",
        "versions[0].spiffs",
        "versions[0].caps",
        "versions[0].floors",
        "versions[0].overrides",
        "versions[0].draw",
        "versions[0].components[0].basis (units)",
        "versions[0].components[1].mode (volume)",
    )
    assert "simulate without columnar=True" in str(caught.value)
    import pickle

    assert pickle.loads(pickle.dumps(caught.value)).features == caught.value.features


def test_other_currencies_are_refused() -> None:
    dollars = [sale("s-1", D(2026, 1, 3), "5.00", currency="USD")]
    with pytest.raises(CurrencyMismatch):
        simulate(ytd_plan(), dollars, columnar=True)
    with pytest.raises(CurrencyMismatch):
        simulate(ytd_plan(), TransactionBatch.from_transactions(dollars), columnar=True)
    rates = InMemoryRateSource()
    with pytest.raises(UnsupportedFeature, match="converting currencies"):
        simulate(
            ytd_plan(), TransactionBatch.from_transactions(dollars), rates=rates, columnar=True
        )


def test_amounts_too_large_for_the_arrays_are_refused() -> None:
    big = "92233720368547758.07"  # 2**63 - 1 cents
    transactions = [sale("s-1", D(2026, 1, 3), big), sale("s-2", D(2026, 1, 4), big)]
    with pytest.raises(UnsupportedFeature, match="2\\*\\*63"):
        simulate(ytd_plan(), transactions, columnar=True)


# -- the ledger's reading API -----------------------------------------------------------------


def test_columnar_ledger_reads_like_a_ledger() -> None:
    plan = ytd_plan()
    transactions = [
        sale("s-2", D(2026, 1, 9), "20000.00", [("a", 60), ("b", 40)]),
        sale("s-1", D(2026, 1, 9), "40000.00", [("a", 100)]),
        refund("r-1", D(2026, 2, 20), "20000.00", "s-2"),
    ]
    expected = simulate(plan, transactions).ledger
    sim = simulate(plan, transactions, columnar=True)
    ledger = sim.ledger
    assert isinstance(ledger, ColumnarLedger)
    assert len(ledger) == len(expected)
    assert ledger[0] == expected.lines[0]
    assert ledger[-1] == expected.lines[-1]
    assert list(ledger) == list(expected)
    assert ledger.to_ledger() == expected
    assert ledger.lines is ledger.lines
    assert ledger.for_partner("a") == expected.for_partner("a")
    assert ledger.for_partner("nobody") == []
    assert ledger.for_period(month(2026, 2)) == expected.for_period(month(2026, 2))
    assert ledger.for_period(month(2027, 2)) == []
    assert ledger.total("EUR") == expected.total("EUR")
    assert ledger.amounts_by_partner([LineKind.CLAWBACK, "credit"]) == {
        "a": Decimal("1600.00") - Decimal("400.00"),
        "b": Decimal("240.00") - Decimal("240.00"),
    }
    assert ledger.amounts_by_partner(["payout"]) == {
        "a": Decimal("-1600.00"),
        "b": Decimal("-240.00"),
    }
    for period in (month(2025, 12), month(2026, 3)):
        assert ledger.statements(
            period, plan_id="ytd", currency="EUR", partners=["z"]
        ) == statements_for(expected.lines, period, plan_id="ytd", currency="EUR", partners=["z"])
