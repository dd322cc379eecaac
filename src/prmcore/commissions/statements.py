"""Partner statements: one per partner per period, made from the ledger.

A :class:`Statement` shows the opening balance, the period's earnings, adjustments,
clawbacks, draws, recoveries and payout, and the closing balance; each figure is the sum of
ledger lines, to the cent, and ``closing = opening + earnings + adjustments + clawbacks +
draws + recoveries - payout``. Statements render as plain text or Markdown with babel's locale
formatting and turn into records for a pandas DataFrame.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import to_tuple
from prmcore.commissions.ledger import LedgerLine, category_of
from prmcore.money import Money
from prmcore.periods import Period

__all__ = ["Statement", "statement_for", "statements_for", "to_pandas", "to_records"]

_ZERO = Decimal(0)
_LABELS = (
    ("opening", "Opening balance"),
    ("earnings", "Earnings"),
    ("adjustments", "Adjustments"),
    ("clawbacks", "Clawbacks"),
    ("draws", "Draws"),
    ("recoveries", "Recoveries"),
    ("payout", "Payout"),
    ("closing", "Closing balance"),
)


@attrs.frozen
class Statement:
    """A partner's statement for one period.

    Every figure is a :class:`~prmcore.money.Money` in the plan currency; *payout* is what
    was paid (positive), the others are sums of lines (clawbacks and recoveries negative).

    .. versionadded:: 0.1.0
    """

    plan_id: str
    """The plan."""
    partner_id: str
    """The partner."""
    period: Period
    """The period."""
    opening: Money
    """The balance carried in."""
    earnings: Money
    """Credits, true-ups, SPIFFs and overrides of the period."""
    adjustments: Money
    """Caps, floors, carry-forward and differences for earlier periods."""
    clawbacks: Money
    """Commission reversed by refunds."""
    draws: Money
    """Draws paid."""
    recoveries: Money
    """Draws recovered."""
    payout: Money
    """What was paid out."""
    closing: Money
    """The balance carried forward."""
    lines: tuple[LedgerLine, ...] = attrs.field(converter=to_tuple)
    """The ledger lines posted in the period for the partner."""

    @property
    def figures(self) -> tuple[tuple[str, Money], ...]:
        """``(name, amount)`` for each figure, in statement order."""
        return tuple((name, getattr(self, name)) for name, _ in _LABELS)

    def render_text(self, locale: str = "en_US") -> str:
        """The statement as aligned plain text, amounts formatted for *locale*."""
        head = f"Statement {self.period} - {self.partner_id} ({self.plan_id})"
        rows = [(label, getattr(self, name).format(locale)) for name, label in _LABELS]
        width = max(len(label) for label, _ in rows)
        amount_width = max(len(text) for _, text in rows)
        body = [f"{label.ljust(width)}  {text.rjust(amount_width)}" for label, text in rows]
        details = [
            f"  {line.kind.value:<13} {line.money.format(locale):>14}  {line.explanation}"
            for line in self.lines
        ]
        return "\n".join(
            [head, "=" * len(head), *body, *(["", "Lines:", *details] if details else [])]
        )

    def render_markdown(self, locale: str = "en_US") -> str:
        """The statement as Markdown tables, amounts formatted for *locale*."""
        out = [
            f"### Statement {self.period}: {self.partner_id}",
            "",
            "| | Amount |",
            "|---|---:|",
        ]
        for name, label in _LABELS:
            out.append(f"| {label} | {getattr(self, name).format(locale)} |")
        if self.lines:
            out += ["", "| Line | Kind | Amount | Explanation |", "|---|---|---:|---|"]
            for line in self.lines:
                text = line.explanation.replace("|", "\\|")
                out.append(
                    f"| {line.id} | {line.kind.value} | {line.money.format(locale)} | {text} |"
                )
        return "\n".join(out)

    def to_record(self) -> dict[str, Any]:
        """A flat dict: ids, the period, and every figure as a Decimal."""
        record: dict[str, Any] = {
            "plan_id": self.plan_id,
            "partner_id": self.partner_id,
            "period": str(self.period),
            "period_start": self.period.start,
            "period_end": self.period.end,
            "currency": self.opening.currency,
        }
        for name, _ in _LABELS:
            record[name] = getattr(self, name).amount
        return record


def statement_for(
    lines: Iterable[LedgerLine], partner_id: str, period: Period, *, plan_id: str, currency: str
) -> Statement:
    """The statement of *partner_id* for *period* from the ledger *lines*.

    Examples:
        >>> import datetime as dt
        >>> january = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31), label="2026-01")
        >>> statement_for([], "p-1", january, plan_id="plan", currency="EUR").closing
        Money('0.00', 'EUR')

    .. versionadded:: 0.1.0
    """
    sums = dict.fromkeys(("earnings", "adjustments", "clawbacks", "draws", "recoveries"), _ZERO)
    sums["payout"] = _ZERO
    opening = _ZERO
    own: list[LedgerLine] = []
    for line in lines:
        if line.partner_id != partner_id:
            continue
        if line.period < period:
            opening += line.amount
        elif line.period == period:
            own.append(line)
            sums[category_of(line)] += line.amount
    payout = -sums["payout"]
    closing = opening + sum(sums.values(), _ZERO)
    zero = Money.zero(currency)

    def money(value: Decimal) -> Money:
        return zero + Money(value, currency)

    return Statement(
        plan_id=plan_id,
        partner_id=partner_id,
        period=period,
        opening=money(opening),
        earnings=money(sums["earnings"]),
        adjustments=money(sums["adjustments"]),
        clawbacks=money(sums["clawbacks"]),
        draws=money(sums["draws"]),
        recoveries=money(sums["recoveries"]),
        payout=money(payout),
        closing=money(closing),
        lines=own,
    )


def statements_for(
    lines: Iterable[LedgerLine],
    period: Period,
    *,
    plan_id: str,
    currency: str,
    partners: Iterable[str] = (),
) -> list[Statement]:
    """The statements for *period* of every partner with a line in the ledger up to it (and
    of *partners*), sorted by partner id.

    .. versionadded:: 0.1.0
    """
    items = [line for line in lines if line.period <= period]
    ids = sorted({line.partner_id for line in items} | set(partners))
    by_partner: dict[str, list[LedgerLine]] = {pid: [] for pid in ids}
    for line in items:
        by_partner[line.partner_id].append(line)
    return [
        statement_for(by_partner[pid], pid, period, plan_id=plan_id, currency=currency)
        for pid in ids
    ]


def to_records(statements: Sequence[Statement]) -> list[dict[str, Any]]:
    """One flat dict per statement (see :meth:`Statement.to_record`), ready for
    ``pandas.DataFrame(records)``.

    .. versionadded:: 0.1.0
    """
    return [s.to_record() for s in statements]


def to_pandas(statements: Sequence[Statement]) -> Any:
    """The statements as a ``pandas.DataFrame`` (amounts stay Decimal objects).

    Raises:
        ImportError: pandas is not installed (``pip install prmcore[notebook]``).

    .. versionadded:: 0.1.0
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'prmcore[notebook]'") from exc
    return pandas.DataFrame(to_records(statements))
