"""Transaction batches: the same transactions as columns, checked the same way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.commissions import Credit, Transaction, TransactionBatch
from prmcore.errors import CurrencyMismatch, ValidationError
from prmcore.money import Money

from .conftest import D, refund, sale


def test_builder_rows_come_back_as_transactions() -> None:
    builder = TransactionBatch.builder(" eur ")
    assert builder.currency == "EUR"
    builder.sale("t-1", D(2026, 1, 5), "1000", "p-1", product_line="fw", units=3)
    builder.sale("t-2", D(2026, 1, 6), Money("500.50", "EUR"), [("p-1", "60"), Credit("p-2", 40)])
    builder.refund("r-1", D(2026, 1, 9), Decimal("250.00"), "t-2")
    builder.sale("t-3", D(2026, 1, 10), 7, [("p-3", 100)], product_line="edr")
    assert len(builder) == 4
    batch = builder.build()
    assert len(batch) == 4
    assert batch.partners == ("p-1", "p-2", "p-3")
    assert batch.id(2) == "r-1"
    assert list(batch) == [
        sale("t-1", D(2026, 1, 5), "1000", [("p-1", 100)], product_line="fw", units=Decimal(3)),
        sale("t-2", D(2026, 1, 6), "500.50", [("p-1", 60), ("p-2", 40)]),
        refund("r-1", D(2026, 1, 9), "250.00", "t-2"),
        sale("t-3", D(2026, 1, 10), "7", [("p-3", 100)], product_line="edr"),
    ]
    # amounts are written as they were given
    assert [str(t.amount) for t in batch] == ["1000 EUR", "500.50 EUR", "250.00 EUR", "7 EUR"]
    assert batch[-1].id == "t-3"
    with pytest.raises(IndexError):
        batch[4]
    with pytest.raises(ValidationError, match="already built"):
        builder.build()
    with pytest.raises(ValidationError, match="already built"):
        builder.sale("t-9", D(2026, 1, 5), "1", "p-1")


def test_every_problem_of_a_row_is_listed_with_its_path() -> None:
    builder = TransactionBatch.builder("EUR")
    builder.sale("t-1", D(2026, 1, 5), "1.00", "p-1")
    with pytest.raises(ValidationError) as caught:
        builder.sale(
            "t-1",
            dt.datetime(2026, 1, 5, 12),  # type: ignore[arg-type]
            "1.001",
            [("p-1", 60), ("p-1", 30), ("bad id", 10), ("p-2", "x")],
            product_line="no way",
            units="-1",
        )
    assert caught.value.paths == (
        "[1].id",
        "[1].date",
        "[1].product_line",
        "[1].units",
        "[1].amount",
        "[1].credits[1].partner_id",
        "[1].credits[2].partner_id",
        "[1].credits[3].share",
    )
    with pytest.raises(ValidationError) as caught:
        builder.sale("t-2", D(2026, 1, 5), "1.00", [("p-1", 60), ("p-2", 30)])
    assert caught.value.paths == ("[1].credits",)
    assert "must total exactly 100, got 90" in str(caught.value)
    for bad in ("-1", "1E+30", "NaN", object()):
        with pytest.raises(ValidationError, match="amount"):
            builder.sale("t-2", D(2026, 1, 5), bad, "p-1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"\[1\]\.id"):
        builder.sale("-t", D(2026, 1, 5), "1", "p-1")
    with pytest.raises(ValidationError, match="at least one partner"):
        builder.sale("t-2", D(2026, 1, 5), "1", [])
    with pytest.raises(ValidationError, match=r"\[1\]\.credits\[0\]\.partner_id"):
        builder.sale("t-2", D(2026, 1, 5), "1", "not an id!")
    with pytest.raises(ValidationError, match=r"\[1\]\.refund_of"):
        builder.refund("r-1", D(2026, 1, 5), "1", "")
    with pytest.raises(ValidationError, match="at most"):
        builder.sale("t-2", D(2026, 1, 5), "92233720368547758.08", "p-1")
    with pytest.raises(TypeError, match="float"):
        builder.sale("t-2", D(2026, 1, 5), 1.5, "p-1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        builder.sale("t-2", D(2026, 1, 5), "1", [("p-1", 100.0)])  # type: ignore[list-item]
    with pytest.raises(CurrencyMismatch):
        builder.sale("t-2", D(2026, 1, 5), Money("1", "USD"), "p-1")
    # nothing was added by the failed rows
    assert len(builder) == 1
    assert list(builder.build()) == [sale("t-1", D(2026, 1, 5), "1.00")]


def test_from_transactions() -> None:
    items = [sale("t-1", D(2026, 1, 5), "1.00"), refund("r-1", D(2026, 1, 6), "1", "t-1")]
    assert list(TransactionBatch.from_transactions(items)) == items
    assert TransactionBatch.from_transactions([], "USD").currency == "USD"
    with pytest.raises(ValidationError, match="currency"):
        TransactionBatch.from_transactions([])
    with pytest.raises(CurrencyMismatch):
        TransactionBatch.from_transactions(
            [*items, sale("t-2", D(2026, 1, 5), "1", currency="USD")]
        )
    with pytest.raises(ValidationError, match="whole minor units"):
        TransactionBatch.from_transactions([sale("t-1", D(2026, 1, 5), "1.005")])
    with pytest.raises(ValidationError, match="already in the batch"):
        TransactionBatch.from_transactions([*items, sale("t-1", D(2026, 1, 7), "2.00")])


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**9),
            st.sampled_from([-2, -3, 0]),
            st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
            st.sampled_from([None, "fw"]),
            st.integers(0, 5),
        ),
        max_size=20,
    )
)
def test_a_batch_holds_exactly_its_transactions(
    rows: list[tuple[int, int, list[str], str | None, int]],
) -> None:
    items = []
    for n, (cents, exponent, partners, line, units) in enumerate(rows):
        amount = Decimal(cents * 100).scaleb(-2).quantize(Decimal((0, (1,), exponent)))
        share = Decimal(100) / len(partners) if len(partners) != 3 else None
        shares = [share] * len(partners) if share is not None else ["33.3", "33.3", "33.4"]
        items.append(
            Transaction(
                f"t-{n}",
                D(2026, 1, 1) + dt.timedelta(days=n),
                Money(amount, "EUR"),
                [Credit(p, s) for p, s in zip(partners, shares, strict=True)],
                product_line=line,
                units=units,
            )
        )
    batch = TransactionBatch.from_transactions(items, "EUR")
    again = list(batch)
    assert again == items
    assert [str(t.amount) for t in again] == [str(t.amount) for t in items]
