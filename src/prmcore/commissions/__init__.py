"""Commissions: effective-dated plans, crediting, an append-only ledger, clawbacks, draws,
statements and what-if simulation.

A :class:`CommissionPlan` says how partners are paid; :func:`run_period` credits the
transactions of a period against it and returns the ledger lines to append (only the
differences, so a run is idempotent); :func:`statements_for` turns the ledger into partner
statements; :func:`simulate` and :func:`compare` try plans out with no storage at all.
:class:`CommissionService` does the same through the repositories, in one unit of work.

Examples:
    >>> import datetime as dt
    >>> from prmcore.money import Money
    >>> from prmcore.periods import MonthCalendar
    >>> from prmcore.tiers import Tier
    >>> plan = CommissionPlan(
    ...     id="resale", name="Resale", currency="EUR", calendar=MonthCalendar(),
    ...     versions=[PlanVersion(id="v1", effective_from=dt.date(2026, 1, 1), components=[
    ...         Component(id="base", mode="graduated",
    ...                   tiers=[Tier(10_000, "0.05"), Tier(None, "0.08")])])],
    ... )
    >>> january = plan.calendar.period_containing(dt.date(2026, 1, 1))
    >>> sales = [Transaction("t-1", dt.date(2026, 1, 5), Money("12000.00", "EUR"),
    ...                      [Credit("p-1")])]
    >>> result = run_period(plan, january, sales, as_of=dt.date(2026, 2, 1))
    >>> [str(line.money) for line in result.lines]
    ['660.00 EUR']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.commissions.batch import TransactionBatch, TransactionBatchBuilder
from prmcore.commissions.columnar import ColumnarLedger, UnsupportedFeature
from prmcore.commissions.engine import (
    Calculation,
    DueLine,
    PartnerProfile,
    RunResult,
    calculate,
    run_period,
)
from prmcore.commissions.ledger import (
    STATEMENT_CATEGORIES,
    Ledger,
    LedgerLine,
    LineKind,
    PeriodClose,
    category_of,
)
from prmcore.commissions.plan import (
    Accelerator,
    Accumulation,
    Basis,
    Cap,
    ClawbackPolicy,
    CommissionPlan,
    Component,
    Draw,
    Floor,
    Override,
    PayoutPolicy,
    PlanVersion,
    RateRule,
    Scope,
    Spiff,
    plan_from_dict,
    plan_from_json,
    plan_from_toml,
    plan_to_dict,
)
from prmcore.commissions.service import CommissionService
from prmcore.commissions.statements import (
    Statement,
    statement_for,
    statements_for,
    to_pandas,
    to_records,
)
from prmcore.commissions.transactions import Credit, Transaction, TransactionKind
from prmcore.commissions.whatif import (
    Comparison,
    ComparisonRow,
    CurvePoint,
    Simulation,
    compare,
    payout_curve,
    plot,
    simulate,
)

__all__ = [
    "STATEMENT_CATEGORIES",
    "Accelerator",
    "Accumulation",
    "Basis",
    "Calculation",
    "Cap",
    "ClawbackPolicy",
    "ColumnarLedger",
    "Comparison",
    "ComparisonRow",
    "CommissionPlan",
    "CommissionService",
    "Component",
    "Credit",
    "CurvePoint",
    "Draw",
    "DueLine",
    "Floor",
    "Ledger",
    "LedgerLine",
    "LineKind",
    "Override",
    "PartnerProfile",
    "PayoutPolicy",
    "PeriodClose",
    "PlanVersion",
    "RateRule",
    "RunResult",
    "Scope",
    "Simulation",
    "Spiff",
    "Statement",
    "Transaction",
    "TransactionBatch",
    "TransactionBatchBuilder",
    "TransactionKind",
    "UnsupportedFeature",
    "calculate",
    "category_of",
    "compare",
    "payout_curve",
    "plot",
    "plan_from_dict",
    "plan_from_json",
    "plan_from_toml",
    "plan_to_dict",
    "run_period",
    "simulate",
    "statement_for",
    "statements_for",
    "to_pandas",
    "to_records",
]
