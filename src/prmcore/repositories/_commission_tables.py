"""The in-memory store's commission data: committed tables, a unit's staged writes, and the
commission repositories over both."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from prmcore.commissions.ledger import LedgerLine, PeriodClose
from prmcore.commissions.plan import CommissionPlan
from prmcore.commissions.transactions import Transaction
from prmcore.errors import ConflictError, NotFoundError
from prmcore.periods import Period

__all__ = [
    "CommissionStaging",
    "CommissionTables",
    "MemoryCommissionLedger",
    "MemoryCommissionPeriods",
    "MemoryCommissionPlans",
    "MemoryCommissionTransactions",
    "check_plan",
    "check_transactions",
    "check_lines",
    "check_close",
    "closed_twice",
]


def _require(obj: object, kind: type, repository: str) -> None:
    if not isinstance(obj, kind):
        raise TypeError(
            f"the {repository} repository stores {kind.__name__} objects, not {type(obj).__name__}"
        )


def check_plan(plan: object) -> None:
    """A plan repository takes plans only."""
    _require(plan, CommissionPlan, "commission_plans")


def check_transactions(transactions: Iterable[Transaction]) -> list[Transaction]:
    """A batch of new transactions: the right type, no id twice."""
    batch = list(transactions)
    seen: set[str] = set()
    for txn in batch:
        _require(txn, Transaction, "commission_transactions")
        if txn.id in seen:
            raise ConflictError("Transaction", txn.id, None, None, "appears twice in one batch")
        seen.add(txn.id)
    return batch


def check_lines(lines: Iterable[LedgerLine]) -> list[LedgerLine]:
    """A batch of new ledger lines: the right type, no id twice."""
    batch = list(lines)
    seen: set[str] = set()
    for line in batch:
        _require(line, LedgerLine, "commission_ledger")
        if line.id in seen:
            raise ConflictError("LedgerLine", line.id, None, None, "appears twice in one batch")
        seen.add(line.id)
    return batch


def check_close(record: object) -> None:
    """A period repository takes period closes only."""
    _require(record, PeriodClose, "commission_periods")


def closed_twice(record: PeriodClose) -> ConflictError:
    """The error for closing a period again."""
    return ConflictError(
        "PeriodClose",
        f"{record.plan_id}/{record.period}",
        None,
        None,
        "is closed already; a closed period is never written again",
    )


class CommissionTables:
    """Committed commission data of an in-memory store (guarded by the store's lock)."""

    def __init__(self) -> None:
        self.plans: dict[str, CommissionPlan] = {}
        self.transactions: dict[str, Transaction] = {}
        self.lines: list[LedgerLine] = []
        self.line_ids: set[str] = set()
        self.closes: dict[tuple[str, Period], PeriodClose] = {}

    def check(self, staged: CommissionStaging) -> None:
        """Raise :class:`ConflictError` if *staged* clashes with what is committed."""
        for txn in staged.transactions.values():
            if txn.id in self.transactions:
                raise ConflictError("Transaction", txn.id, None, None, "is recorded already")
        for line in staged.lines:
            if line.id in self.line_ids:
                raise ConflictError("LedgerLine", line.id, None, None, "is in the ledger already")
        for key, record in staged.closes.items():
            if key in self.closes:
                raise closed_twice(record)

    def apply(self, staged: CommissionStaging) -> None:
        """Apply *staged* (after :meth:`check`)."""
        self.plans.update(staged.plans)
        self.transactions.update(staged.transactions)
        self.lines.extend(staged.lines)
        self.line_ids.update(line.id for line in staged.lines)
        self.closes.update(staged.closes)


class CommissionStaging:
    """A unit's uncommitted commission writes."""

    def __init__(self) -> None:
        self.plans: dict[str, CommissionPlan] = {}
        self.transactions: dict[str, Transaction] = {}
        self.lines: list[LedgerLine] = []
        self.line_ids: set[str] = set()
        self.closes: dict[tuple[str, Period], PeriodClose] = {}

    def __bool__(self) -> bool:
        return bool(self.plans or self.transactions or self.lines or self.closes)


Access = Callable[[Callable[[CommissionTables], Any]], Any]
"""Run a function on the committed tables under the store's lock."""


class _Base:
    def __init__(self, staged: Callable[[], CommissionStaging], access: Access) -> None:
        self._staged = staged
        self._access = access


class MemoryCommissionPlans(_Base):
    """Commission plans of an in-memory unit of work."""

    def get(self, plan_id: str) -> CommissionPlan:
        found = self.find(plan_id)
        if found is None:
            raise NotFoundError("CommissionPlan", plan_id)
        return found

    def find(self, plan_id: str) -> CommissionPlan | None:
        staged = self._staged().plans.get(plan_id)
        if staged is not None:
            return staged
        found: CommissionPlan | None = self._access(lambda t: t.plans.get(plan_id))
        return found

    def save(self, plan: CommissionPlan) -> CommissionPlan:
        check_plan(plan)
        self._staged().plans[plan.id] = plan
        return plan

    def list(self) -> builtins.list[CommissionPlan]:
        view: dict[str, CommissionPlan] = self._access(lambda t: dict(t.plans))
        view.update(self._staged().plans)
        return [view[key] for key in sorted(view)]


class MemoryCommissionTransactions(_Base):
    """Commissionable transactions of an in-memory unit of work."""

    def add_many(self, transactions: Iterable[Transaction]) -> builtins.list[Transaction]:
        batch = check_transactions(transactions)
        staged = self._staged()
        committed: set[str] = self._access(
            lambda t: {txn.id for txn in batch if txn.id in t.transactions}
        )
        for txn in batch:
            if txn.id in committed or txn.id in staged.transactions:
                raise ConflictError("Transaction", txn.id, None, None, "is recorded already")
        for txn in batch:
            staged.transactions[txn.id] = txn
        return batch

    def get(self, transaction_id: str) -> Transaction:
        found = self._staged().transactions.get(transaction_id)
        if found is None:
            found = self._access(lambda t: t.transactions.get(transaction_id))
        if found is None:
            raise NotFoundError("Transaction", transaction_id)
        return found

    def list(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> builtins.list[Transaction]:
        view: dict[str, Transaction] = self._access(lambda t: dict(t.transactions))
        view.update(self._staged().transactions)
        items = [
            txn
            for txn in view.values()
            if (start is None or txn.date >= start) and (end is None or txn.date <= end)
        ]
        return sorted(items, key=lambda txn: (txn.date, txn.id))

    def count(self) -> int:
        committed: int = self._access(lambda t: len(t.transactions))
        return committed + len(self._staged().transactions)


class MemoryCommissionLedger(_Base):
    """The commission ledger of an in-memory unit of work."""

    def append(self, lines: Iterable[LedgerLine]) -> None:
        batch = check_lines(lines)
        staged = self._staged()
        taken: set[str] = self._access(lambda t: {x.id for x in batch if x.id in t.line_ids})
        for line in batch:
            if line.id in taken or line.id in staged.line_ids:
                raise ConflictError("LedgerLine", line.id, None, None, "is in the ledger already")
        staged.lines.extend(batch)
        staged.line_ids.update(line.id for line in batch)

    def list(
        self,
        plan_id: str,
        *,
        period: Period | None = None,
        partner_id: str | None = None,
    ) -> builtins.list[LedgerLine]:
        committed: list[LedgerLine] = self._access(lambda t: list(t.lines))
        return [
            line
            for line in [*committed, *self._staged().lines]
            if line.plan_id == plan_id
            and (period is None or line.period == period)
            and (partner_id is None or line.partner_id == partner_id)
        ]

    def count(self) -> int:
        committed: int = self._access(lambda t: len(t.lines))
        return committed + len(self._staged().lines)


class MemoryCommissionPeriods(_Base):
    """The closed commission periods of an in-memory unit of work."""

    def close(self, record: PeriodClose) -> PeriodClose:
        check_close(record)
        key = (record.plan_id, record.period)
        staged = self._staged()
        if key in staged.closes or self._access(lambda t: key in t.closes):
            raise closed_twice(record)
        staged.closes[key] = record
        return record

    def closed(self, plan_id: str) -> builtins.list[PeriodClose]:
        view: dict[tuple[str, Period], PeriodClose] = self._access(lambda t: dict(t.closes))
        view.update(self._staged().closes)
        return sorted(
            (record for key, record in view.items() if key[0] == plan_id),
            key=lambda record: record.period,
        )
