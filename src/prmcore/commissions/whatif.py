"""What-if: run plans over hypothetical transactions with no storage, compare two plans side by
side, and draw payout curves.

:func:`simulate` closes every period from the first transaction's to the last in one pass and
returns the ledger it would write, with the cost per partner and in total. :func:`compare`
does that for two plans. :func:`payout_curve` gives the points of a schedule's (or a plan's)
payout over a range of bases, and :func:`plot` draws them when matplotlib is installed.

Examples:
    >>> from prmcore.tiers import Tier, TierSchedule
    >>> schedule = TierSchedule.graduated([Tier(10_000, "0.05"), Tier(None, "0.08")])
    >>> [str(p.amount) for p in payout_curve(schedule, 0, 20_000, 10_000)]
    ['0', '500.00', '1300.00']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, trusted_construction
from prmcore.commissions._settlement import Balances, settle
from prmcore.commissions.batch import TransactionBatch
from prmcore.commissions.columnar import ColumnarLedger, simulate_columnar
from prmcore.commissions.engine import PartnerProfile, calculate, ledger_line
from prmcore.commissions.ledger import Ledger, LedgerLine, LineKind
from prmcore.commissions.plan import Basis, CommissionPlan
from prmcore.commissions.statements import Statement, statements_for
from prmcore.commissions.transactions import Transaction
from prmcore.errors import ValidationError
from prmcore.money import Money, RateSource
from prmcore.periods import Period
from prmcore.tiers import TierSchedule
from prmcore.tiers._numbers import CONTEXT, ZERO, to_decimal

__all__ = [
    "Comparison",
    "ComparisonRow",
    "CurvePoint",
    "Simulation",
    "compare",
    "payout_curve",
    "plot",
    "simulate",
]


@attrs.frozen
class Simulation:
    """The outcome of :func:`simulate`: the ledger a plan would write, and its cost.

    .. versionadded:: 0.1.0
    """

    plan: CommissionPlan
    """The plan simulated."""
    periods: tuple[Period, ...]
    """The periods closed, in order."""
    ledger: Ledger | ColumnarLedger
    """Every line, as the periods were closed one after the other (a
    :class:`~prmcore.commissions.ColumnarLedger` for a columnar simulation)."""

    @property
    def cost(self) -> Money:
        """What the plan pays out in total: every line except payouts (the commission
        earned, net of clawbacks, plus draws and less recoveries)."""
        return Money(sum(self.cost_by_partner().values(), ZERO), self.plan.currency)

    def cost_by_partner(self) -> dict[str, Decimal]:
        """The cost per partner (see :attr:`cost`), sorted by partner id."""
        if isinstance(self.ledger, ColumnarLedger):
            return self.ledger.amounts_by_partner(k for k in LineKind if k is not LineKind.PAYOUT)
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in self.ledger.lines:
            if line.kind.value != "payout":
                totals[line.partner_id] += line.amount
        return dict(sorted(totals.items()))

    def statements(self, period: Period) -> list[Statement]:
        """The statements of every partner for *period*."""
        if isinstance(self.ledger, ColumnarLedger):
            return self.ledger.statements(period, plan_id=self.plan.id, currency=self.plan.currency)
        return statements_for(
            self.ledger.lines, period, plan_id=self.plan.id, currency=self.plan.currency
        )


def simulate(
    plan: CommissionPlan,
    transactions: Iterable[Transaction] | TransactionBatch,
    *,
    through: Period | None = None,
    partners: Mapping[str, PartnerProfile] | None = None,
    rates: RateSource | None = None,
    as_of: dt.date | None = None,
    columnar: bool = False,
) -> Simulation:
    """Credit *transactions* under *plan* and close every period in turn, with no storage.

    Args:
        plan: The plan.
        transactions: The transactions (hypothetical or last year's).
        through: The last period to close (default: the last transaction's).
        partners: Partner profiles by id.
        rates: Exchange rates for other currencies.
        as_of: The posting day recorded on lines (default: the day after *through*).
        columnar: Simulate with the columnar path (:mod:`prmcore.commissions.columnar`):
            the same ledger, computed in integer minor units and kept as arrays in a
            :class:`~prmcore.commissions.ColumnarLedger`, for the plans that path supports.
            Give it a :class:`~prmcore.commissions.TransactionBatch` to avoid building
            transaction objects at all.

    Raises:
        ValidationError: No transactions and no *through*, or bad transactions.
        CurrencyMismatch: A transaction in another currency without *rates*.
        UnsupportedFeature: With *columnar*, a plan feature the columnar path does not
            handle.

    .. versionadded:: 0.1.0
    """
    batch: TransactionBatch | None = None
    items: list[Transaction] = []
    if columnar:
        batch = (
            transactions
            if isinstance(transactions, TransactionBatch)
            else TransactionBatch.from_transactions(transactions, plan.currency)
        )
        days = batch._dates
        last = dt.date.fromordinal(max(days)) if days else None
        first_day = dt.date.fromordinal(min(days)) if days else None
    else:
        items = list(transactions)
        last = max((t.date for t in items), default=None)
        first_day = min((t.date for t in items), default=None)
    if through is None:
        if last is None:
            raise ValidationError("give transactions or the period to simulate through", "through")
        through = plan.calendar.period_containing(last)
    first = first_day or through.start
    start = plan.calendar.period_containing(max(first, plan.versions[0].effective_from))
    periods = [start]
    while periods[-1] < through:
        periods.append(plan.calendar.next_period(periods[-1]))
    posted_on = as_of or through.end + dt.timedelta(days=1)
    if batch is not None:
        ledger = simulate_columnar(
            plan,
            batch,
            periods=periods,
            through=through,
            partners=partners,
            rates=rates,
            posted_on=posted_on,
        )
        return Simulation(plan, tuple(periods), ledger)
    calculation = calculate(
        plan, items, through=through, partners=partners, rates=rates, closed=periods
    )
    by_period: dict[Period, list[Any]] = defaultdict(list)
    for due in calculation.due.values():
        if due.amount:
            by_period[due.for_period].append(due)
    # Each period's due lines are dropped once they are posted, so a large simulation holds
    # the ledger and not also everything that went into it.
    del calculation
    counts: dict[Period, int] = defaultdict(int)
    lines: list[LedgerLine] = []
    balances = Balances()
    known = tuple(partners or ())

    def make_id(period: Period, n: int) -> str:
        return f"{plan.id}/{period}/{n:07d}"

    with trusted_construction():
        for period in periods:
            posted = balances.posted
            for due in by_period.pop(period, ()):
                counts[period] += 1
                lines.append(
                    ledger_line(
                        plan,
                        due,
                        period,
                        make_id(period, counts[period]),
                        due.amount,
                        "",
                        posted_on,
                    )
                )
                posted[due.partner_id] += due.amount
            lines.extend(settle(plan, period, balances, known, posted_on, make_id, counts))
            balances.roll()
    return Simulation(plan, tuple(periods), Ledger(lines))


@attrs.frozen
class ComparisonRow:
    """One partner's cost under two plans.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    """The partner."""
    a: Decimal
    """The cost under the first plan."""
    b: Decimal
    """The cost under the second plan."""

    @property
    def difference(self) -> Decimal:
        """``b - a``."""
        return self.b - self.a


@attrs.frozen
class Comparison:
    """Two simulations side by side (see :func:`compare`).

    .. versionadded:: 0.1.0
    """

    a: Simulation
    """The first plan's simulation."""
    b: Simulation
    """The second plan's simulation."""

    @property
    def rows(self) -> list[ComparisonRow]:
        """One row per partner, sorted by partner id."""
        ca, cb = self.a.cost_by_partner(), self.b.cost_by_partner()
        return [
            ComparisonRow(pid, ca.get(pid, ZERO), cb.get(pid, ZERO))
            for pid in sorted(set(ca) | set(cb))
        ]

    @property
    def total_difference(self) -> Money:
        """The second plan's cost less the first's."""
        return self.b.cost - self.a.cost

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per partner, ready for a pandas DataFrame."""
        return [
            {"partner_id": r.partner_id, "a": r.a, "b": r.b, "difference": r.difference}
            for r in self.rows
        ]


def compare(
    a: CommissionPlan,
    b: CommissionPlan,
    transactions: Iterable[Transaction],
    **options: Any,
) -> Comparison:
    """Simulate plans *a* and *b* over the same *transactions* (*options* as for
    :func:`simulate`).

    Raises:
        CurrencyMismatch: The plans are in different currencies.

    .. versionadded:: 0.1.0
    """
    if a.currency != b.currency:
        from prmcore.errors import CurrencyMismatch

        raise CurrencyMismatch(a.currency, b.currency, "compare")
    items = list(transactions)
    return Comparison(simulate(a, items, **options), simulate(b, items, **options))


@attrs.frozen
class CurvePoint:
    """One point of a payout curve: the payout at a basis, and the marginal rate there.

    .. versionadded:: 0.1.0
    """

    basis: Decimal
    """The cumulative basis."""
    amount: Decimal
    """What is paid at that basis."""
    effective_rate: Decimal | None
    """``amount / basis`` (``None`` at 0)."""


def payout_curve(
    source: TierSchedule | CommissionPlan,
    start: str | int | Decimal,
    stop: str | int | Decimal,
    step: str | int | Decimal,
    *,
    component: str | None = None,
    on: dt.date | None = None,
) -> list[CurvePoint]:
    """The payout at bases ``start, start + step, ..., stop`` (``stop`` included when on the
    grid), for a schedule or for one component of a plan version.

    For a plan, *component* names the component (default: the first) of the version in effect
    *on* a day (default: the latest version); a rate component pays ``rate * basis``, with
    accelerators for a revenue basis.

    Raises:
        TypeError: A float argument.
        ValidationError: A bad range (``step`` must be above 0, ``stop`` not below
            ``start``, at most 100,000 points) or an unknown component.

    .. versionadded:: 0.1.0
    """
    low = to_decimal(start, "a basis")
    high = to_decimal(stop, "a basis")
    size = to_decimal(step, "a step")
    c = Checks()
    for path, value in (("start", low), ("stop", high), ("step", size)):
        c.decimal(path, value, minimum=ZERO)
    c.done()
    if size <= 0:
        c.add("step", "must be greater than 0")
    elif high < low:
        c.add("stop", "must not be below start")
    elif (high - low) / size > 100_000:
        c.add("step", "gives more than 100,000 points; use a larger step")
    c.done()
    value = _amount_function(source, component, on)
    points = []
    basis = low
    while basis <= high:
        amount = value(basis)
        rate = CONTEXT.divide(amount, basis) if basis else None
        points.append(CurvePoint(basis, amount, rate))
        basis += size
    return points


def _amount_function(
    source: TierSchedule | CommissionPlan, component: str | None, on: dt.date | None
) -> Any:
    if isinstance(source, TierSchedule):
        return source.total
    if not isinstance(source, CommissionPlan):
        raise TypeError(f"payout_curve needs a TierSchedule or CommissionPlan, not {source!r}")
    version = source.versions[-1] if on is None else source.version_on(on)
    found = [x for x in version.components if component is None or x.id == component]
    if not found:
        raise ValidationError(f"version {version.id!r} has no component {component!r}", "component")
    chosen = found[0]
    schedule = chosen.schedule
    if schedule is not None:
        return schedule.total
    rate = chosen.rate_for(None, None)
    accelerators = version.accelerator_schedule
    if chosen.basis is Basis.REVENUE and accelerators is not None:
        return lambda basis: rate * accelerators.total(basis)
    return lambda basis: rate * basis


def plot(points: Iterable[CurvePoint], *, ax: Any = None, label: str | None = None) -> Any:
    """Draw a payout curve with matplotlib and return the axes.

    Raises:
        ImportError: matplotlib is not installed (``pip install 'prmcore[notebook]'``).

    .. versionadded:: 0.1.0
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plot() needs matplotlib: pip install 'prmcore[notebook]'") from exc
    items = list(points)
    if ax is None:
        _, ax = plt.subplots()
    # Floats for drawing only: a chart has no cents to lose.
    ax.plot([float(p.basis) for p in items], [float(p.amount) for p in items], label=label)
    ax.set_xlabel("basis")
    ax.set_ylabel("payout")
    if label:
        ax.legend()
    return ax
