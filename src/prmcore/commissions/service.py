"""The commission service: plans, transactions and period runs through the repositories, each
call in one unit of work.

A period run loads the plan, the transactions, the ledger and the closed periods, lets
:func:`~prmcore.commissions.run_period` work out the lines to append, appends them (and, when
closing, records the close) and commits; only then are
:class:`~prmcore.commissions.events.CommissionCredited` (one per partner with new lines) and
:class:`~prmcore.commissions.events.StatementIssued` (one per statement of a closed period)
published. A run that fails for any reason leaves storage as it was and publishes nothing.

Example:
    >>> import datetime as dt
    >>> from prmcore.events import FixedClock, RecordingSink, SequentialIds
    >>> from prmcore.money import Money
    >>> from prmcore.periods import MonthCalendar
    >>> from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork
    >>> from prmcore.commissions import Component, Credit, PlanVersion, Transaction
    >>> store, sink = InMemoryStore(), RecordingSink()
    >>> service = CommissionService(
    ...     lambda: InMemoryUnitOfWork(store, sink),
    ...     FixedClock(dt.datetime(2026, 2, 1, tzinfo=dt.UTC)), SequentialIds("evt"),
    ... )
    >>> plan = service.save_plan(CommissionPlan(
    ...     id="plan", name="Plan", currency="EUR", calendar=MonthCalendar(),
    ...     versions=[PlanVersion(id="v1", effective_from=dt.date(2026, 1, 1),
    ...                           components=[Component(id="base", rate="0.1")])]))
    >>> _ = service.record([Transaction("t-1", dt.date(2026, 1, 5), Money("100", "EUR"),
    ...                                 [Credit("p-1")])])
    >>> january = plan.calendar.period_containing(dt.date(2026, 1, 1))
    >>> [str(line.money) for line in service.run("plan", january, as_of=dt.date(2026, 2, 1),
    ...                                          close=True).lines]
    ['10.00 EUR', '-10.00 EUR']
    >>> sink.names
    ['CommissionCredited', 'StatementIssued']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from prmcore.commissions.engine import PartnerProfile, RunResult, run_period
from prmcore.commissions.events import CommissionCredited, StatementIssued
from prmcore.commissions.ledger import LedgerLine, PeriodClose
from prmcore.commissions.plan import CommissionPlan
from prmcore.commissions.statements import Statement, statements_for
from prmcore.commissions.transactions import Transaction
from prmcore.events import Clock, DomainEvent, IdFactory
from prmcore.money import RateSource
from prmcore.periods import Period

if TYPE_CHECKING:
    from prmcore.repositories.protocols import UnitOfWork

__all__ = ["CommissionService"]


class CommissionService:
    """Stores plans and transactions, runs and closes periods, and issues statements.

    Args:
        uow_factory: Makes a new, not yet entered unit of work; each call uses one.
        clock: Gives the time stamped on events.
        ids: Gives the event ids.
        rates: Exchange rates for transactions in other currencies.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        rates: RateSource | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._rates = rates

    def save_plan(self, plan: CommissionPlan) -> CommissionPlan:
        """Store *plan* (a new plan, or a new or corrected version of a stored one).

        Raises:
            TypeError: *plan* is not a :class:`~prmcore.commissions.CommissionPlan`.
        """
        with self._uow_factory() as uow:
            stored = uow.commission_plans.save(plan)
            uow.commit()
        return stored

    def record(self, transactions: Iterable[Transaction]) -> list[Transaction]:
        """Record new transactions; all or nothing.

        Raises:
            ConflictError: An id is recorded already or appears twice.
        """
        with self._uow_factory() as uow:
            stored = uow.commission_transactions.add_many(transactions)
            uow.commit()
        return stored

    def run(
        self,
        plan_id: str,
        period: Period,
        *,
        as_of: dt.date,
        partners: Mapping[str, PartnerProfile] | None = None,
        close: bool = False,
    ) -> RunResult:
        """Run (and with *close*, close) *period* of the plan, in one unit of work.

        Every transaction dated up to the end of *period* is taken into account, so late
        transactions and corrected plan versions turn into difference lines. Running a period
        again appends nothing; a closed period is not run again (the result is empty).

        Raises:
            NotFoundError: No plan *plan_id*.
            ValidationError: Bad arguments or transactions.
            CurrencyMismatch: A transaction in another currency and no rate source.
            MissingRateError: A rate is missing.
            ConflictError: Another run of the same plan committed first; nothing is stored.
        """
        with self._uow_factory() as uow:
            plan = uow.commission_plans.get(plan_id)
            closed = [record.period for record in uow.commission_periods.closed(plan_id)]
            if period in closed:
                return RunResult(period, (), False)
            transactions = uow.commission_transactions.list(end=period.end)
            ledger = uow.commission_ledger.list(plan_id)
            result = run_period(
                plan,
                period,
                transactions,
                ledger,
                as_of=as_of,
                partners=partners,
                rates=self._rates,
                closed=closed,
                close=close,
            )
            uow.commission_ledger.append(result.lines)
            events: list[DomainEvent] = self._credited(plan, period, result.lines)
            if close:
                uow.commission_periods.close(PeriodClose(plan.id, period, as_of))
                everything = [*ledger, *result.lines]
                for statement in statements_for(
                    everything,
                    period,
                    plan_id=plan.id,
                    currency=plan.currency,
                    partners=partners or (),
                ):
                    events.append(self._issued(statement))
            uow.collect(*events)
            uow.commit()
        return result

    def statements(self, plan_id: str, period: Period) -> list[Statement]:
        """The statements of every partner of the plan for *period*, from the ledger.

        Raises:
            NotFoundError: No plan *plan_id*.
        """
        with self._uow_factory() as uow:
            plan = uow.commission_plans.get(plan_id)
            lines = uow.commission_ledger.list(plan_id)
        return statements_for(lines, period, plan_id=plan.id, currency=plan.currency)

    def ledger(self, plan_id: str, *, partner_id: str | None = None) -> list[LedgerLine]:
        """The plan's ledger lines in append order (optionally one partner's)."""
        with self._uow_factory() as uow:
            return uow.commission_ledger.list(plan_id, partner_id=partner_id)

    def _credited(
        self, plan: CommissionPlan, period: Period, lines: Iterable[LedgerLine]
    ) -> list[DomainEvent]:
        counts: dict[str, int] = defaultdict(int)
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in lines:
            if line.kind.value in ("payout", "draw", "recovery"):
                continue
            counts[line.partner_id] += 1
            totals[line.partner_id] += line.amount
        now = self._clock.now()
        return [
            CommissionCredited(
                self._ids(),
                now,
                {
                    "plan_id": plan.id,
                    "period": str(period),
                    "partner_id": partner,
                    "lines": counts[partner],
                    "amount": str(totals[partner]),
                    "currency": plan.currency,
                },
            )
            for partner in sorted(counts)
        ]

    def _issued(self, statement: Statement) -> StatementIssued:
        return StatementIssued(
            self._ids(),
            self._clock.now(),
            {
                "plan_id": statement.plan_id,
                "period": str(statement.period),
                "partner_id": statement.partner_id,
                "closing": str(statement.closing.amount),
                "payout": str(statement.payout.amount),
                "currency": statement.closing.currency,
            },
        )
