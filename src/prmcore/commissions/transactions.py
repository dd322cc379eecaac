"""Commissionable transactions: sales that credit one or more partners, and refunds that
point at the sale they reverse.

Examples:
    >>> import datetime as dt
    >>> from prmcore.money import Money
    >>> sale = Transaction(
    ...     id="t-1", date=dt.date(2026, 3, 2), amount=Money("1000.00", "EUR"),
    ...     credits=[Credit("p-1", 60), Credit("p-2", 40)], product_line="fw",
    ... )
    >>> [str(part) for part in sale.shares()]
    ['600.00 EUR', '400.00 EUR']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.money import Money
from prmcore.tiers._numbers import ZERO, check_number, to_decimal

__all__ = ["Credit", "Transaction", "TransactionKind"]

_HUNDRED = Decimal(100)


class TransactionKind(enum.StrEnum):
    """A ``sale`` earns commission; a ``refund`` claws it back.

    .. versionadded:: 0.1.0
    """

    SALE = "sale"
    REFUND = "refund"


def _kind(value: TransactionKind | str) -> TransactionKind:
    result: TransactionKind = to_enum(TransactionKind, value)
    return result


def _share(value: object) -> Any:
    return to_decimal(value, "a split share")


def _units(value: object) -> Any:
    return to_decimal(value, "a number of units")


@attrs.frozen
class Credit(Validated):
    """One partner's share of a sale, in percent.

    Args:
        partner_id: The credited partner.
        share: Its share in percent, above 0 and at most 100 (``60`` is 60%).

    Raises:
        TypeError: *share* is a float.
        ValidationError: Every problem with its path.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    """The credited partner."""
    share: Decimal = attrs.field(default=_HUNDRED, converter=_share)
    """The share in percent."""

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        if check_number(c, "share", self.share, above=True):
            c.require(self.share <= _HUNDRED, "share", f"must be at most 100, got {self.share}")


@attrs.frozen
class Transaction(Validated):
    """A sale or a refund.

    A sale credits one or more partners (:class:`Credit`, shares totalling exactly 100%). A
    refund names the sale it refunds in *refund_of* and the amount refunded (positive, in the
    sale's currency); it credits nobody itself. Amounts may be in any currency: the engine
    converts them to the plan currency with a rate source, keeping the rate on every line.

    Args:
        id: The transaction's id.
        date: The day it happened; it decides the pay period and the plan version.
        amount: The amount (a :class:`~prmcore.money.Money`, at least 0).
        credits: The credited partners (sales only; at least one).
        kind: ``sale`` (default) or ``refund``.
        refund_of: For a refund, the id of the sale.
        product_line: The product line, or ``None``.
        units: Units sold (at least 0), for unit-based components and SPIFFs.

    Raises:
        TypeError: *amount* is not a Money, or a number is a float.
        ValidationError: Every problem with its path (``credits: shares must total exactly
            100, got 90``).

    .. versionadded:: 0.1.0
    """

    id: str
    """The transaction's id."""
    date: dt.date
    """When it happened."""
    amount: Money
    """The amount."""
    credits: tuple[Credit, ...] = attrs.field(default=(), converter=to_tuple)
    """Who is credited (sales)."""
    kind: TransactionKind = attrs.field(default=TransactionKind.SALE, converter=_kind)
    """Sale or refund."""
    refund_of: str | None = None
    """The refunded sale."""
    product_line: str | None = None
    """The product line."""
    units: Decimal = attrs.field(default=ZERO, converter=_units)
    """Units sold."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.date("date", self.date)
        amount: object = self.amount
        if not isinstance(amount, Money):
            if isinstance(amount, float | int | str | Decimal):
                raise TypeError(
                    f"amount must be a Money (with its currency), not "
                    f"{type(amount).__name__} {amount!r}"
                )
            c.instance("amount", amount, Money)
        elif self.amount.amount < 0:
            c.add("amount", f"must not be negative, got {self.amount}")
        kind_ok = c.member("kind", self.kind, TransactionKind)
        credits_ok = c.each("credits", self.credits, lambda p, v: c.instance(p, v, Credit))
        c.optional_identifier("refund_of", self.refund_of)
        c.optional_identifier("product_line", self.product_line)
        check_number(c, "units", self.units)
        if not kind_ok:
            return
        if self.kind is TransactionKind.REFUND:
            c.require(self.refund_of is not None, "refund_of", "a refund names the sale it refunds")
            c.require(not self.credits, "credits", "a refund credits the partners of its sale")
            return
        c.require(self.refund_of is None, "refund_of", "only refunds refer to a sale")
        if not credits_ok:
            return
        if not self.credits:
            c.add("credits", "a sale credits at least one partner")
            return
        partners = [credit.partner_id for credit in self.credits]
        for i, partner in enumerate(partners):
            if partner in partners[:i]:
                c.add(f"credits[{i}].partner_id", f"{partner!r} is credited twice")
        total = sum((credit.share for credit in self.credits), ZERO)
        c.require(
            total == _HUNDRED,
            "credits",
            f"shares must total exactly 100, got {total.normalize():f}",
        )

    def shares(self, amount: Money | None = None) -> tuple[Money, ...]:
        """Split *amount* (default: this amount) among the credits with largest-remainder
        allocation, so the parts add up exactly to the (rounded) whole.

        Examples:
            >>> sale = Transaction("t", dt.date(2026, 1, 1), Money("100.00", "USD"),
            ...                    [Credit("a", "33.3"), Credit("b", "33.3"), Credit("c", "33.4")])
            >>> [str(m) for m in sale.shares()]
            ['33.30 USD', '33.30 USD', '33.40 USD']
        """
        whole = self.amount if amount is None else amount
        return whole.allocate([credit.share for credit in self.credits])
