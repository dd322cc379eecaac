"""Currencies: conversion to the plan currency with provenance on every line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from prmcore.commissions import Component, LineKind, Override, PartnerProfile, run_period
from prmcore.domain import PartnerKind
from prmcore.errors import CurrencyMismatch, MissingRateError
from prmcore.money import ExchangeRate, InMemoryRateSource, Money

from .conftest import D, graduated_plan, month, refund, sale

JAN = month(2026, 1)
RATES = InMemoryRateSource([ExchangeRate("USD", "EUR", "0.92", D(2026, 1, 2), "ECB")])


def test_converted_lines_keep_the_original_amount_rate_date_and_source() -> None:
    plan = graduated_plan(
        components=[Component(id="base", rate="0.10")], overrides=[Override("0.01")]
    )
    partners = {"r": PartnerProfile("r", PartnerKind.RESELLER, parent_id="d")}
    result = run_period(
        plan,
        JAN,
        [sale("t-1", D(2026, 1, 5), "1000.00", [("r", 100)], currency="USD")],
        as_of=D(2026, 2, 1),
        rates=RATES,
        partners=partners,
    )
    credit, override = result.lines
    assert credit.basis == Decimal("920.00")
    assert credit.amount == Decimal("92.00")
    for line in (credit, override):
        assert line.original_amount == Money("1000.00", "USD")
        assert (line.fx_rate, line.fx_date, line.fx_source) == (
            Decimal("0.92"),
            D(2026, 1, 2),
            "ECB",
        )
        assert line.currency == "EUR"
    assert override.amount == Decimal("9.20")


def test_a_missing_rate_is_an_error_never_one_to_one() -> None:
    plan = graduated_plan()
    early = sale("t-1", D(2026, 1, 1), "10", currency="USD")  # the only rate is from Jan 2
    with pytest.raises(MissingRateError, match="USD->EUR"):
        run_period(plan, JAN, [early], as_of=D(2026, 2, 1), rates=RATES)
    with pytest.raises(CurrencyMismatch):
        run_period(plan, JAN, [early], as_of=D(2026, 2, 1))


def test_a_refund_in_another_currency_than_its_sale_is_refused() -> None:
    plan = graduated_plan()
    txns = [sale("t-1", D(2026, 1, 5), "10"), refund("r-1", D(2026, 1, 6), "10", "t-1", "USD")]
    with pytest.raises(CurrencyMismatch):
        run_period(plan, JAN, txns, as_of=D(2026, 2, 1), rates=RATES)
    ok = run_period(
        plan,
        JAN,
        [
            sale("t-1", D(2026, 1, 5), "100", currency="USD"),
            refund("r-1", D(2026, 1, 6), "100", "t-1", "USD"),
        ],
        as_of=D(2026, 2, 1),
        rates=RATES,
    )
    assert [line.kind for line in ok.lines] == [LineKind.CREDIT, LineKind.CLAWBACK]
    assert sum(line.amount for line in ok.lines) == 0
