"""Statements: totals equal the sum of ledger lines to the cent; rendering; records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.commissions import (
    STATEMENT_CATEGORIES,
    Cap,
    Component,
    Draw,
    simulate,
    statement_for,
    statements_for,
    to_pandas,
    to_records,
)
from prmcore.tiers import Tier

from .conftest import D, graduated_plan, month, refund, sale

JAN, FEB, MAR = month(2026, 1), month(2026, 2), month(2026, 3)


@st.composite
def activity(draw: st.DrawFn) -> list:  # type: ignore[type-arg]
    txns = []
    for i in range(draw(st.integers(1, 8))):
        cents = draw(st.integers(0, 2_000_000))
        partners = draw(st.sampled_from([[("a", 100)], [("a", 60), ("b", 40)], [("b", 100)]]))
        day = D(2026, draw(st.integers(1, 3)), draw(st.integers(1, 28)))
        txns.append(sale(f"t-{i}", day, str(Decimal(cents).scaleb(-2)), partners))
    for j, target in enumerate(draw(st.lists(st.sampled_from(txns), max_size=3, unique=True))):
        share = draw(st.integers(0, 100))
        amount = (target.amount.amount * share / 100).quantize(
            Decimal("0.01"), rounding="ROUND_DOWN"
        )
        txns.append(refund(f"r-{j}", D(2026, 3, 28), str(amount), of=target.id))
    return txns


@settings(max_examples=60)
@given(activity())
def test_statement_figures_are_sums_of_ledger_lines_to_the_cent(txns: list) -> None:  # type: ignore[type-arg]
    plan = graduated_plan(
        components=[
            Component(id="base", mode="graduated", tiers=[Tier("5000", "0.05"), Tier(None, "0.1")])
        ],
        caps=[Cap("period", "700", carry_forward=True)],
        draw=Draw("50", recovery_rate="0.5"),
    )
    sim = simulate(plan, txns, through=MAR)
    lines = sim.ledger.lines
    for period in (JAN, FEB, MAR):
        for statement in sim.statements(period):
            own = [x for x in lines if x.partner_id == statement.partner_id]
            before = sum((x.amount for x in own if x.period < period), Decimal(0))
            within = [x for x in own if x.period == period]
            assert statement.opening.amount == before
            assert statement.closing.amount == before + sum((x.amount for x in within), Decimal(0))
            for category in STATEMENT_CATEGORIES:
                total = sum((x.amount for x in within if x.category == category), Decimal(0))
                figure = getattr(statement, category).amount
                assert figure == (-total if category == "payout" else total)
            assert statement.closing.amount == (
                statement.opening.amount
                + statement.earnings.amount
                + statement.adjustments.amount
                + statement.clawbacks.amount
                + statement.draws.amount
                + statement.recoveries.amount
                - statement.payout.amount
            )
            assert all(x.amount == x.amount.quantize(Decimal("0.01")) for x in within)
            # a closed period pays out whatever positive balance it has
            assert statement.closing.amount <= 0


def _sim():  # type: ignore[no-untyped-def]
    plan = graduated_plan()
    return simulate(
        plan,
        [
            sale("t-1", D(2026, 1, 5), "12345.67", [("a", 50), ("b", 50)]),
            refund("r-1", D(2026, 2, 5), "1000", of="t-1"),
        ],
    )


def test_rendering_text_and_markdown_in_a_locale() -> None:
    sim = _sim()
    jan = sim.statements(JAN)[0]
    text = jan.render_text("de_DE")
    assert "Statement 2026-01 - a (plan)" in text
    # a's half is 6,172.84 EUR: 10,000 is not reached, so 5% of it
    assert "308,64\xa0€" in text
    markdown = sim.statements(FEB)[0].render_markdown("en_US")
    assert "| Clawbacks | -€" in markdown
    assert markdown.startswith("### Statement 2026-02: a")
    assert "| Line | Kind | Amount | Explanation |" in markdown


def test_records_and_pandas() -> None:
    sim = _sim()
    statements = sim.statements(JAN) + sim.statements(FEB)
    records = to_records(statements)
    assert [r["partner_id"] for r in records] == ["a", "b", "a", "b"]
    assert records[0]["payout"] == statements[0].payout.amount
    assert set(records[0]) >= {"opening", "earnings", "closing", "period", "currency"}
    pandas = pytest.importorskip("pandas")
    frame = to_pandas(statements)
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["partner_id"]) == ["a", "b", "a", "b"]
    assert frame["closing"].tolist() == [r["closing"] for r in records]


def test_a_partner_without_lines_gets_an_empty_statement() -> None:
    sim = _sim()
    empty = statement_for(sim.ledger.lines, "zz", JAN, plan_id="plan", currency="EUR")
    assert empty.lines == ()
    assert empty.closing.amount == 0
    listed = statements_for(sim.ledger.lines, JAN, plan_id="plan", currency="EUR", partners=["zz"])
    assert [s.partner_id for s in listed] == ["a", "b", "zz"]
    assert next(name for name, _ in empty.figures) == "opening"
