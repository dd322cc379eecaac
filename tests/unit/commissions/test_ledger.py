"""The ledger: idempotent runs, difference lines for late transactions and plan corrections,
closed periods never written, nothing appended by a failed run."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from prmcore.commissions import Component, Ledger, LedgerLine, LineKind, run_period
from prmcore.errors import CurrencyMismatch, MissingRateError, ValidationError
from prmcore.money import InMemoryRateSource
from prmcore.tiers import Tier

from .conftest import D, graduated_plan, month, sale

JAN, FEB, MAR = month(2026, 1), month(2026, 2), month(2026, 3)


def test_running_a_period_twice_appends_nothing() -> None:
    plan = graduated_plan()
    sales = [sale("t-1", D(2026, 1, 5), "8000"), sale("t-2", D(2026, 1, 20), "4000")]
    first = run_period(plan, JAN, sales, as_of=D(2026, 1, 31))
    again = run_period(plan, JAN, sales, first.lines, as_of=D(2026, 1, 31))
    assert first.lines
    assert again.lines == ()
    closed = run_period(plan, JAN, sales, first.lines, as_of=D(2026, 2, 1), close=True)
    assert [line.kind for line in closed.lines] == [LineKind.PAYOUT]
    ledger = [*first.lines, *closed.lines]
    assert run_period(plan, JAN, sales, ledger, as_of=D(2026, 2, 2), closed=[JAN]).lines == ()
    assert run_period(plan, FEB, sales, ledger, as_of=D(2026, 3, 1), closed=[JAN]).lines == ()


def test_a_late_transaction_adds_difference_lines_in_the_open_period() -> None:
    plan = graduated_plan()
    sales = [sale("t-1", D(2026, 1, 5), "8000"), sale("t-3", D(2026, 1, 25), "4000")]
    jan = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), close=True)
    ledger = list(jan.lines)
    late = [*sales, sale("t-2", D(2026, 1, 20), "2000")]
    feb = run_period(plan, FEB, late, ledger, as_of=D(2026, 3, 1), closed=[JAN])
    assert all(line.period == FEB and line.for_period == JAN for line in feb.lines)
    by_txn = {line.transaction_id: line.amount for line in feb.lines}
    # t-2 now takes 2,000 at 5%; t-3 moves from (8,000 -> 12,000) to (10,000 -> 14,000): 320
    assert by_txn == {"t-2": Decimal("100.00"), "t-3": Decimal("60.00")}
    assert "difference for 2026-01" in feb.lines[-1].explanation
    assert all(line.category == "adjustments" for line in feb.lines)
    total = sum(line.amount for line in [*ledger, *feb.lines] if line.kind is LineKind.CREDIT)
    assert total == Decimal("820.00")  # f(14,000) = 500 + 320
    # nothing in January changed, and running February again adds nothing
    assert [line for line in ledger if line.period == JAN] == list(jan.lines)
    assert (
        run_period(plan, FEB, late, [*ledger, *feb.lines], as_of=D(2026, 3, 1), closed=[JAN]).lines
        == ()
    )


def test_a_plan_correction_adds_difference_lines_with_the_new_hash() -> None:
    plan = graduated_plan()
    sales = [sale("t-1", D(2026, 1, 5), "1000")]
    jan = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), close=True)
    corrected = attrs.evolve(
        plan,
        versions=[
            attrs.evolve(
                plan.versions[0],
                components=[
                    Component(
                        id="base",
                        mode="graduated",
                        tiers=[Tier(10_000, "0.06"), Tier(None, "0.08")],
                    )
                ],
            )
        ],
    )
    feb = run_period(corrected, FEB, sales, jan.lines, as_of=D(2026, 3, 1), closed=[JAN])
    assert [(line.amount, line.plan_version_hash) for line in feb.lines] == [
        (Decimal("10.00"), corrected.versions[0].hash)
    ]
    assert feb.lines[0].plan_version_hash != jan.lines[0].plan_version_hash


def test_a_component_dropped_by_a_correction_is_reversed() -> None:
    plan = graduated_plan(
        components=[Component(id="a", rate="0.1"), Component(id="b", rate="0.01")]
    )
    sales = [sale("t-1", D(2026, 1, 5), "1000")]
    jan = run_period(plan, JAN, sales, as_of=D(2026, 2, 1), close=True)
    fixed = attrs.evolve(
        plan, versions=[attrs.evolve(plan.versions[0], components=[Component(id="a", rate="0.1")])]
    )
    feb = run_period(fixed, FEB, sales, jan.lines, as_of=D(2026, 3, 1), closed=[JAN])
    assert [(line.component_id, line.amount) for line in feb.lines] == [("b", Decimal("-10.00"))]
    assert feb.lines[0].explanation.startswith("no longer due")


def test_a_failed_run_appends_nothing() -> None:
    plan = graduated_plan()
    good = sale("t-1", D(2026, 1, 5), "100")
    dollars = sale("t-2", D(2026, 1, 6), "100", currency="USD")
    with pytest.raises(CurrencyMismatch):
        run_period(plan, JAN, [good, dollars], as_of=D(2026, 2, 1))
    with pytest.raises(MissingRateError):
        run_period(plan, JAN, [good, dollars], as_of=D(2026, 2, 1), rates=InMemoryRateSource())
    with pytest.raises(ValidationError) as caught:
        run_period(plan, JAN, [good], as_of="2026-02-01")  # type: ignore[arg-type]
    assert caught.value.paths == ("as_of",)


def test_ledger_is_append_only_and_lines_validate() -> None:
    plan = graduated_plan()
    result = run_period(plan, JAN, [sale("t-1", D(2026, 1, 5), "100")], as_of=D(2026, 2, 1))
    ledger = Ledger().append(result.lines)
    assert len(ledger) == 1
    assert list(ledger) == list(result.lines)
    assert ledger.total("EUR").amount == Decimal("5.00")
    assert ledger.for_partner("p-1") == list(result.lines)
    assert ledger.for_period(JAN) == list(result.lines)
    assert ledger.for_period(FEB) == []
    with pytest.raises(ValidationError):
        ledger.append(result.lines)
    line = result.lines[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.amount = Decimal(0)  # type: ignore[misc]
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(line, amount=Decimal("1.001"), partner_id="", kind="nope")
    assert set(caught.value.paths) == {"amount", "partner_id", "kind"}
    with pytest.raises(TypeError):
        attrs.evolve(line, amount=1.5)
    assert isinstance(line, LedgerLine)
    assert line.money.currency == "EUR"
