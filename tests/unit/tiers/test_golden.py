"""Golden tests: worked examples published in public billing documentation, reproduced exactly.

Each test names its source. The published tiers are written with whole-unit ranges ("1-5",
"6-10", "11+"; "0 to 1,000", "1,001 to 10,000"), which is the default ``(lower, upper]``
convention with ``up_to`` 5, 10, ... ("up to and including").
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from prmcore.tiers import Tier, TierSchedule

D = Decimal

# Stripe, "Set up tiered pricing" (docs.stripe.com/subscriptions/pricing-models/tiered-pricing):
# Typographic charges per font per month, first tier 1-5 at 7 USD, second tier 6-10 at
# 6.50 USD, third tier 11+ at 6 USD.
TYPOGRAPHIC = [Tier(5, 7), Tier(10, "6.5"), Tier(None, 6)]


@pytest.mark.parametrize(
    ("fonts", "total"), [(1, "7"), (5, "35"), (6, "39"), (20, "120"), (25, "150")]
)
def test_stripe_volume_based_pricing_table(fonts: int, total: str) -> None:
    """Stripe's volume-based table: "a customer with 5 fonts is charged 35 USD (5 x 7 USD)
    ... If they use 6 fonts ... Typographic charges 39 USD (6 x 6.5 USD)"; 20 fonts 120 USD,
    25 fonts 150 USD."""
    schedule = TierSchedule.volume(TYPOGRAPHIC)
    assert schedule.total(fonts) == D(total)
    assert len(schedule.apply(fonts).lines) == 1


@pytest.mark.parametrize(
    ("fonts", "total"), [(1, "7"), (5, "35"), (6, "41.50"), (20, "127.50"), (25, "157.50")]
)
def test_stripe_graduated_pricing_table(fonts: int, total: str) -> None:
    """Stripe's graduated table: 6 fonts are 5 x 7 + 1 x 6.50 = 41.50 USD; 20 fonts are
    5 x 7 + 5 x 6.50 + 10 x 6 = 127.50 USD; 25 fonts 157.50 USD."""
    assert TierSchedule.graduated(TYPOGRAPHIC).total(fonts) == D(total)


def test_stripe_graduated_breakdown_for_25_fonts() -> None:
    lines = TierSchedule.graduated(TYPOGRAPHIC).apply(25).lines
    assert [(line.slice, line.rate, line.amount) for line in lines] == [
        (D(5), D(7), D(35)),
        (D(5), D("6.5"), D("32.5")),
        (D(15), D(6), D(90)),
    ]


def test_lago_graduated_percentage_with_flat_fees_credited_transaction_by_transaction() -> None:
    """Lago, "Graduated percentage" charge model (getlago.com/docs/guide/plans/charges/
    charge-models/graduated-percentage): tiers 0-1,000 at 1% + $200, 1,001-10,000 at 2% + $300,
    10,001+ at 3% + $400. "A first transaction at $500 would cost (500 units x 1%) + $200 flat
    fee = $205.00; a second transaction at $550 would cost [(500 units x 1%) + (50 units x 2%)]
    + $300 flat fee = $306.00; a third transaction at $4,000 would cost (4,000 x 2%) = $80.00."
    The flat fee applies to the entire tier, once, not per transaction."""
    schedule = TierSchedule.graduated(
        [Tier(1_000, "0.01", 200), Tier(10_000, "0.02", 300), Tier(None, "0.03", 400)]
    )
    credited = []
    cumulative = D(0)
    for amount in (500, 550, 4_000):
        credited.append(schedule.increment(cumulative, cumulative + amount))
        cumulative += amount
    assert credited == [D("205.00"), D("306.00"), D("80.00")]
    assert sum(credited) == schedule.total(cumulative)


def test_lago_volume_with_fixed_fee() -> None:
    """Lago, "Volume" charge model (getlago.com/docs/guide/plans/charges/charge-models/volume):
    0-10,000 at $0.0010, 10,001-50,000 at $0.0008, 50,001-100,000 at $0.0006, 100,001+ at
    $0.0004, each with a $10 fixed fee: "65,000 API calls would cost 65,000 x $0.0006 + $10
    = $49"."""
    schedule = TierSchedule.volume(
        [
            Tier(10_000, "0.0010", 10),
            Tier(50_000, "0.0008", 10),
            Tier(100_000, "0.0006", 10),
            Tier(None, "0.0004", 10),
        ]
    )
    assert schedule.total(65_000) == D(49)
    [line] = schedule.apply(65_000).lines
    assert (line.tier, line.slice, line.rate, line.flat) == (2, D(65_000), D("0.0006"), D(10))


def test_zuplo_graduated_and_volume_examples() -> None:
    """Zuplo, "Pricing models" (zuplo.com/docs/articles/monetization/pricing-models): tiers
    0-1,000 at $0.10, 1,001-10,000 at $0.05, 10,001+ at $0.01. Graduated: 15,000 units pay
    (1,000 x $0.10) + (9,000 x $0.05) + (5,000 x $0.01) = $600; volume: 15,000 x $0.01 = $150."""
    tiers = [Tier(1_000, "0.10"), Tier(10_000, "0.05"), Tier(None, "0.01")]
    assert TierSchedule.graduated(tiers).total(15_000) == D(600)
    assert TierSchedule.volume(tiers).total(15_000) == D(150)


def test_autumn_graduated_example() -> None:
    """Autumn, "Graduated pricing" (docs.useautumn.com/documentation/modelling-pricing/
    graduated-pricing): first 1,000 requests at $0.01, next 9,000 at $0.008, above 10,000 at
    $0.005; 15,000 requests pay (1,000 x $0.01) + (9,000 x $0.008) + (5,000 x $0.005) = $107."""
    schedule = TierSchedule.graduated(
        [Tier(1_000, "0.01"), Tier(10_000, "0.008"), Tier(None, "0.005")]
    )
    assert schedule.total(15_000) == D(107)


def test_flexprice_package_rounds_a_started_package_up() -> None:
    """Flexprice, "Tiered" billing model, package size in a tier (docs.flexprice.io/docs/
    product-catalogue/plans/billing-models/tiered): packages of 1,000 calls at $1.00; "4,500
    calls make 4.5 packages, which round up to 5: 5 packages x $1.00 = $5"."""
    schedule = TierSchedule.package([Tier(None, "1.00")], package_size=1_000)
    breakdown = schedule.apply(4_500)
    assert breakdown.packages == 5
    assert breakdown.total == D(5)
