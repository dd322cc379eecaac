"""Transactions and partner profiles: validation with paths, splits, floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.commissions import Credit, PartnerProfile, Transaction, calculate
from prmcore.errors import ValidationError
from prmcore.money import Money

from .conftest import D, graduated_plan, month, sale


def test_split_shares_must_total_exactly_100() -> None:
    with pytest.raises(ValidationError) as caught:
        Transaction("t", D(2026, 1, 1), Money("10", "EUR"), [Credit("a", 60), Credit("b", 30)])
    assert caught.value.paths == ("credits",)
    assert "exactly 100, got 90" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        Transaction("t", D(2026, 1, 1), Money("10", "EUR"), [Credit("a", 50), Credit("a", 50)])
    assert caught.value.paths == ("credits[1].partner_id",)
    with pytest.raises(ValidationError) as caught:
        Credit("", "150")
    assert set(caught.value.paths) == {"partner_id", "share"}
    with pytest.raises(TypeError, match="float"):
        Credit("a", 50.0)  # type: ignore[arg-type]


def test_sales_and_refunds_have_their_own_rules() -> None:
    with pytest.raises(ValidationError) as caught:
        Transaction("t", D(2026, 1, 1), Money("10", "EUR"))
    assert caught.value.paths == ("credits",)
    with pytest.raises(ValidationError) as caught:
        Transaction("t", D(2026, 1, 1), Money("10", "EUR"), [Credit("a")], refund_of="s")
    assert caught.value.paths == ("refund_of",)
    with pytest.raises(ValidationError) as caught:
        Transaction("r", D(2026, 1, 1), Money("10", "EUR"), [Credit("a")], kind="refund")
    assert set(caught.value.paths) == {"refund_of", "credits"}
    with pytest.raises(ValidationError) as caught:
        Transaction(
            "t",
            "2026-01-01",
            Money("-1", "EUR"),
            [Credit("a")],
            kind="swap",  # type: ignore[arg-type]
            units="-2",
            product_line="",
        )
    assert set(caught.value.paths) == {"date", "amount", "kind", "units", "product_line"}


def test_amounts_must_be_money_and_floats_are_type_errors() -> None:
    with pytest.raises(TypeError, match="must be a Money"):
        Transaction("t", D(2026, 1, 1), 10.5, [Credit("a")])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Money"):
        Transaction("t", D(2026, 1, 1), "10", [Credit("a")])  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        Transaction("t", D(2026, 1, 1), None, [Credit("a")])  # type: ignore[arg-type]
    assert caught.value.paths == ("amount",)
    with pytest.raises(TypeError, match="float"):
        Transaction("t", D(2026, 1, 1), Money("1", "EUR"), [Credit("a")], units=1.5)  # type: ignore[arg-type]


@given(
    st.integers(1, 10**9),
    st.lists(st.integers(1, 1000), min_size=1, max_size=5),
)
def test_shares_add_up_to_the_whole(cents: int, weights: list[int]) -> None:
    total = sum(weights)
    shares = [Decimal(w * 100) / total for w in weights]
    shares[-1] = Decimal(100) - sum(shares[:-1], Decimal(0))
    if any(s <= 0 for s in shares):
        return
    txn = Transaction(
        "t",
        D(2026, 1, 1),
        Money(Decimal(cents).scaleb(-2), "EUR"),
        [Credit(f"p-{i}", s) for i, s in enumerate(shares)],
    )
    parts = txn.shares()
    assert sum((p.amount for p in parts), Decimal(0)) == txn.amount.amount
    assert all(
        abs(p.amount - txn.amount.amount * s / 100) < Decimal("0.01")
        for p, s in zip(parts, shares, strict=True)
    )


def test_partner_profiles_validate_and_calculations_total_by_partner() -> None:
    with pytest.raises(ValidationError) as caught:
        PartnerProfile("", kind="nope", parent_id="", commission_multiplier="-1")  # type: ignore[arg-type]
    assert set(caught.value.paths) == {"partner_id", "kind", "parent_id", "commission_multiplier"}
    calc = calculate(
        graduated_plan(),
        [sale("t-1", D(2026, 1, 5), "1000", [("a", 50), ("b", 50)])],
        through=month(2026, 1),
    )
    assert calc.by_partner() == {"a": Decimal("25.00"), "b": Decimal("25.00")}
    assert calc.periods == (month(2026, 1),)
    assert "25.00" in repr(next(iter(calc.due.values())))
