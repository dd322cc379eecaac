"""The commission ledger: append-only lines, each explaining one amount.

Every :class:`LedgerLine` records the transaction, partner and period it belongs to, the plan
version (id and hash) that produced it, the tiers, basis and rate, the rounded amount and a
sentence saying how it came about. Lines are never changed or removed: corrections, clawbacks
and true-ups are new lines. A :class:`Ledger` holds lines in memory for what-if work and
tests; the service keeps them in a repository.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.errors import ValidationError
from prmcore.money import Money
from prmcore.periods import Period

__all__ = [
    "STATEMENT_CATEGORIES",
    "Ledger",
    "LedgerLine",
    "LineKind",
    "PeriodClose",
    "category_of",
]


class LineKind(enum.StrEnum):
    """What a ledger line is.

    - ``credit``: a component's commission on a sale.
    - ``true_up``: a volume (retroactive) component brought to ``f(total)`` at period close.
    - ``spiff``: a SPIFF on a sale.
    - ``override``: a distributor's override on a reseller's sale.
    - ``clawback``: commission reversed by a refund.
    - ``cap``: earnings removed by a cap (negative).
    - ``carry_forward``: capped excess released in a later period.
    - ``floor``: a top-up to a floor.
    - ``draw``: an advance paid at close; ``recovery``: a draw withheld from earnings.
    - ``payout``: what was paid out at close (negative: it leaves the balance).

    .. versionadded:: 0.1.0
    """

    CREDIT = "credit"
    TRUE_UP = "true_up"
    SPIFF = "spiff"
    OVERRIDE = "override"
    CLAWBACK = "clawback"
    CAP = "cap"
    CARRY_FORWARD = "carry_forward"
    FLOOR = "floor"
    DRAW = "draw"
    RECOVERY = "recovery"
    PAYOUT = "payout"


SETTLEMENT_KINDS = frozenset({LineKind.DRAW, LineKind.RECOVERY, LineKind.PAYOUT})

STATEMENT_CATEGORIES = (
    "earnings",
    "adjustments",
    "clawbacks",
    "draws",
    "recoveries",
    "payout",
)
"""The statement categories, in statement order.

.. versionadded:: 0.1.0
"""

_EARNINGS = frozenset({LineKind.CREDIT, LineKind.TRUE_UP, LineKind.SPIFF, LineKind.OVERRIDE})
_CATEGORY = {
    LineKind.CLAWBACK: "clawbacks",
    LineKind.DRAW: "draws",
    LineKind.RECOVERY: "recoveries",
    LineKind.PAYOUT: "payout",
}


def category_of(line: LedgerLine) -> str:
    """The statement category of *line*: earnings, adjustments (caps, floors, carry-forward
    and every difference line for an earlier period), clawbacks, draws, recoveries or payout.

    .. versionadded:: 0.1.0
    """
    kind = line.kind
    if kind in _CATEGORY:
        return _CATEGORY[kind]
    if kind in _EARNINGS and line.for_period == line.period:
        return "earnings"
    return "adjustments"


def _kind(value: LineKind | str) -> LineKind:
    if type(value) is LineKind:
        return value
    result: LineKind = to_enum(LineKind, value)
    return result


def _decimal(value: object) -> Any:
    if type(value) is Decimal:
        return value
    if isinstance(value, float):
        raise TypeError(f"float {value!r} is not accepted for a ledger amount: pass a Decimal")
    return Decimal(value) if isinstance(value, int | str) else value


def _optional_decimal(value: object) -> Any:
    if value is None or type(value) is Decimal:
        return value
    return _decimal(value)


@attrs.frozen
class LedgerLine(Validated):
    """One append-only line of the commission ledger.

    Args:
        id: Unique in the ledger.
        plan_id: The plan.
        partner_id: Who the amount belongs to.
        period: The pay period the line is posted in (always an open period).
        for_period: The period whose calculation it belongs to (an earlier one for a
            difference line).
        kind: A :class:`LineKind`.
        key: What the line reconciles: lines with the same key add up to what the plan says
            is due for it.
        amount: The amount, rounded to the currency's minor unit (a Decimal).
        currency: The plan currency.
        plan_version_id: The version that produced it.
        plan_version_hash: That version's :attr:`~prmcore.commissions.PlanVersion.hash`.
        explanation: How the amount came about, in words.
        posted_on: The ``as_of`` day of the run that appended it.
        transaction_id: The transaction, if any.
        refers_to: For a clawback, the sale it reverses.
        component_id: The component, SPIFF or scope it comes from.
        tiers: The tier indexes touched.
        basis: The basis credited (the deal's revenue or units), if any.
        basis_before: The cumulative basis before the transaction.
        basis_after: The cumulative basis after it.
        rate: The rate applied, if one rate did.
        original_amount: For a converted transaction: the amount in its own currency.
        fx_rate: The exchange rate used.
        fx_date: The date of that rate.
        fx_source: Where the rate came from.

    Raises:
        TypeError: A number is a float.
        ValidationError: Every problem with its path.

    .. versionadded:: 0.1.0
    """

    id: str
    plan_id: str
    partner_id: str
    period: Period
    for_period: Period
    kind: LineKind = attrs.field(converter=_kind)
    key: str
    amount: Decimal = attrs.field(converter=_decimal)
    currency: str
    plan_version_id: str
    plan_version_hash: str
    explanation: str
    posted_on: dt.date
    transaction_id: str | None = None
    refers_to: str | None = None
    component_id: str | None = None
    tiers: tuple[int, ...] = attrs.field(default=(), converter=to_tuple)
    basis: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    basis_before: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    basis_after: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    rate: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    original_amount: Money | None = None
    fx_rate: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    fx_date: dt.date | None = None
    fx_source: str | None = None

    def _validate(self, c: Checks) -> None:
        c.text("id", self.id, max_length=300)
        for name in ("plan_id", "partner_id", "plan_version_id"):
            c.identifier(name, getattr(self, name))
        c.instance("period", self.period, Period)
        c.instance("for_period", self.for_period, Period)
        c.member("kind", self.kind, LineKind)
        c.text("key", self.key, max_length=600)
        if c.decimal("amount", self.amount) and c.instance("currency", self.currency, str):
            try:
                rounded = Money(self.amount, self.currency).is_rounded()
            except ValidationError as err:
                c.problems.extend(err.problems)
            else:
                c.require(rounded, "amount", "must be rounded to the currency's minor unit")
        c.text("explanation", self.explanation, max_length=2000)
        c.date("posted_on", self.posted_on)

    @property
    def money(self) -> Money:
        """The amount as :class:`~prmcore.money.Money`."""
        return Money(self.amount, self.currency)

    @property
    def category(self) -> str:
        """The statement category (see :func:`category_of`)."""
        return category_of(self)


@attrs.frozen
class Ledger:
    """An append-only, in-memory collection of ledger lines.

    :meth:`append` returns a new ledger; the old one is unchanged.

    Examples:
        >>> Ledger().lines
        ()

    .. versionadded:: 0.1.0
    """

    lines: tuple[LedgerLine, ...] = attrs.field(default=(), converter=to_tuple)
    """The lines, in the order they were appended."""

    def append(self, lines: Iterable[LedgerLine]) -> Ledger:
        """A ledger with *lines* added at the end.

        Raises:
            ValidationError: A line id is already in the ledger or appears twice.
        """
        new = tuple(lines)
        seen = {line.id for line in self.lines}
        problems = []
        for i, line in enumerate(new):
            if line.id in seen:
                problems.append(f"[{i}]")
            seen.add(line.id)
        if problems:
            raise ValidationError(
                f"line ids already in the ledger: {', '.join(problems)}", path="lines"
            )
        return Ledger((*self.lines, *new))

    def __iter__(self) -> Iterator[LedgerLine]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def for_partner(self, partner_id: str) -> list[LedgerLine]:
        """The lines of *partner_id*, in ledger order."""
        return [line for line in self.lines if line.partner_id == partner_id]

    def for_period(self, period: Period) -> list[LedgerLine]:
        """The lines posted in *period*, in ledger order."""
        return [line for line in self.lines if line.period == period]

    def total(self, currency: str) -> Money:
        """The sum of every line, in *currency* (the plan currency)."""
        return Money(sum((line.amount for line in self.lines), Decimal(0)), currency)


@attrs.frozen
class PeriodClose(Validated):
    """The record that a plan's period was closed: it is never written to again.

    Args:
        plan_id: The plan.
        period: The closed period.
        closed_on: The ``as_of`` day of the closing run.

    .. versionadded:: 0.1.0
    """

    plan_id: str
    """The plan."""
    period: Period
    """The closed period."""
    closed_on: dt.date
    """When it was closed."""

    def _validate(self, c: Checks) -> None:
        c.identifier("plan_id", self.plan_id)
        c.instance("period", self.period, Period)
        c.date("closed_on", self.closed_on)
