"""Transactions as columns: a year of sales and refunds without a million objects.

A :class:`TransactionBatch` holds the same data as a list of
:class:`~prmcore.commissions.Transaction` objects, validated the same way, but as parallel
arrays: ids, day ordinals, amounts in whole minor units, credits as partner and share codes.
It is what the columnar simulation (``simulate(..., columnar=True)``) reads, and it gives
its rows back as :class:`~prmcore.commissions.Transaction` objects when asked.

Build one with :meth:`TransactionBatch.builder` (row by row, checked as it goes) or from
existing transactions with :meth:`TransactionBatch.from_transactions`.

Examples:
    >>> import datetime as dt
    >>> builder = TransactionBatch.builder("EUR")
    >>> builder.sale("t-1", dt.date(2026, 1, 5), "1000.00", "p-1")
    >>> builder.sale("t-2", dt.date(2026, 1, 6), "500.00", [("p-1", 60), ("p-2", 40)])
    >>> builder.refund("r-1", dt.date(2026, 1, 9), "250.00", "t-2")
    >>> batch = builder.build()
    >>> len(batch), batch[1].credits[1].partner_id, str(batch[2].amount)
    (3, 'p-2', '250.00 EUR')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from prmcore._checks import _ID_RE, Checks, trusted_construction
from prmcore.commissions.transactions import Credit, Transaction, TransactionKind
from prmcore.errors import CurrencyMismatch, ValidationError
from prmcore.money import Money, minor_units
from prmcore.tiers._numbers import MAX_MAGNITUDE, ZERO, refuse_float

__all__ = ["TransactionBatch", "TransactionBatchBuilder"]

_HUNDRED = Decimal(100)
SALE = 0
REFUND = 1


class TransactionBatch:
    """Sales and refunds in one currency, stored as columns (see the module docs).

    A batch is immutable once built; its rows are in the order they were added. It holds the
    same information as the :class:`~prmcore.commissions.Transaction` objects it stands for
    (iterate over it, or index it, to get them), with two rules of its own: every amount is in
    the batch's currency and in whole minor units, and ids are unique within the batch.

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_amounts",
        "_credit_end",
        "_credit_partner",
        "_credit_share",
        "_dates",
        "_exponents",
        "_ids",
        "_kinds",
        "_line_codes",
        "_lines",
        "_partners",
        "_refund_of",
        "_shares",
        "_units",
        "currency",
    )

    currency: str
    """The currency of every amount."""

    def __init__(self, builder: TransactionBatchBuilder) -> None:
        """Take over the columns of *builder* (use :meth:`TransactionBatchBuilder.build`)."""
        self.currency = builder.currency
        self._ids = builder._ids
        self._dates = builder._dates
        self._kinds = builder._kinds
        self._amounts = builder._amounts
        self._exponents = builder._exponents
        self._refund_of = builder._refund_of
        self._credit_end = builder._credit_end
        self._credit_partner = builder._credit_partner
        self._credit_share = builder._credit_share
        self._partners = builder._partners
        self._shares = builder._shares
        self._lines = builder._lines
        self._line_codes = builder._line_codes
        self._units = builder._units

    @staticmethod
    def builder(currency: str) -> TransactionBatchBuilder:
        """A builder for a batch in *currency*.

        Raises:
            ValidationError: An unknown currency code.
        """
        return TransactionBatchBuilder(currency)

    @classmethod
    def from_transactions(
        cls, transactions: Iterable[Transaction], currency: str | None = None
    ) -> TransactionBatch:
        """A batch of *transactions* (in their order), in *currency* (default: the first
        transaction's).

        Raises:
            CurrencyMismatch: A transaction in another currency.
            ValidationError: An amount that is not in whole minor units, or an id used twice
                (path ``[i]...``, *i* the transaction's position).
        """
        items = iter(transactions)
        first = next(items, None)
        if first is None:
            if currency is None:
                raise ValidationError("an empty batch needs a currency", "currency")
            return cls.builder(currency).build()
        builder = cls.builder(currency or first.amount.currency)
        builder.add(first)
        for txn in items:
            builder.add(txn)
        return builder.build()

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[Transaction]:
        for i in range(len(self._ids)):
            yield self[i]

    def __getitem__(self, index: int) -> Transaction:
        """The transaction at *index*, as a :class:`~prmcore.commissions.Transaction`."""
        i = range(len(self._ids))[index]
        units = self._units.get(i, ZERO)
        code = self._line_codes[i] if self._line_codes is not None else 0
        line = self._lines[code - 1] if code else None
        with trusted_construction():
            if self._kinds[i] == REFUND:
                return Transaction(
                    self._ids[i],
                    dt.date.fromordinal(self._dates[i]),
                    self.money(i),
                    kind=TransactionKind.REFUND,
                    refund_of=self._refund_of[i],
                    product_line=line,
                    units=units,
                )
            start = self._credit_end[i - 1] if i else 0
            credits = tuple(
                Credit(self._partners[self._credit_partner[j]], self._shares[self._credit_share[j]])
                for j in range(start, self._credit_end[i])
            )
            return Transaction(
                self._ids[i],
                dt.date.fromordinal(self._dates[i]),
                self.money(i),
                credits,
                product_line=line,
                units=units,
            )

    def money(self, index: int) -> Money:
        """The amount of the transaction at *index*, written as it was given."""
        cents = Decimal(self._amounts[index]).scaleb(-minor_units(self.currency))
        exponent = self._exponents[index]
        if cents.as_tuple().exponent != exponent:
            cents = cents.quantize(Decimal((0, (1,), exponent)))
        return Money(cents, self.currency)

    def id(self, index: int) -> str:
        """The id of the transaction at *index*."""
        return self._ids[index]

    @property
    def partners(self) -> tuple[str, ...]:
        """Every partner credited in the batch, in order of first appearance."""
        return tuple(self._partners)


class TransactionBatchBuilder:
    """Adds rows to a :class:`TransactionBatch`, checking each as a
    :class:`~prmcore.commissions.Transaction` would be checked (see
    :meth:`TransactionBatch.builder`).

    Amounts are a :class:`~prmcore.money.Money` in the batch currency, or a ``Decimal``, ``str``
    or ``int`` in the currency's major unit (``"12.50"``); a float is a :class:`TypeError`.

    .. versionadded:: 0.1.0
    """

    def __init__(self, currency: str) -> None:
        """Start an empty batch in *currency*."""
        self._digits = minor_units(currency)
        self.currency: str = Money.zero(currency).currency
        self._ids: list[str] = []
        self._seen: set[str] = set()
        self._dates = array("i")
        self._kinds = bytearray()
        self._amounts = array("q")
        self._exponents = array("b")
        self._refund_of: dict[int, str] = {}
        self._credit_end = array("i")
        self._credit_partner = array("i")
        self._credit_share = array("H")
        self._partners: list[str] = []
        self._partner_codes: dict[str, int] = {}
        self._shares: list[Decimal] = [_HUNDRED]
        self._share_codes: dict[Decimal, int] = {_HUNDRED: 0}
        self._lines: list[str] = []
        self._line_codes: array[int] | None = None
        self._line_index: dict[str, int] = {}
        self._units: dict[int, Decimal] = {}
        self._built = False

    def __len__(self) -> int:
        return len(self._ids)

    # -- rows -------------------------------------------------------------------------------

    def sale(
        self,
        id: str,
        date: dt.date,
        amount: Money | Decimal | str | int,
        credits: str | Sequence[Credit | tuple[str, Decimal | str | int]],
        *,
        product_line: str | None = None,
        units: Decimal | str | int = ZERO,
    ) -> None:
        """Add a sale of *amount* crediting *credits*: one partner id (100%), or
        :class:`~prmcore.commissions.Credit` objects or ``(partner_id, share)`` pairs whose
        shares total exactly 100.

        Raises:
            TypeError: A float amount, share or number of units.
            ValidationError: Every problem of the row, at ``[i].field``.
            CurrencyMismatch: A Money amount in another currency.
        """
        index = len(self._ids)
        c = Checks()
        cents, exponent = self._head(c, index, id, date, amount, product_line, units)
        codes: list[tuple[int, int]] = []
        if isinstance(credits, str):
            if self._partner(c, f"[{index}].credits[0].partner_id", credits, codes):
                codes[-1] = (codes[-1][0], 0)
        elif not credits:
            c.add(f"[{index}].credits", "a sale credits at least one partner")
        else:
            total = ZERO
            seen: list[str] = []
            for k, credit in enumerate(credits):
                path = f"[{index}].credits[{k}]"
                if isinstance(credit, Credit):
                    partner, share = credit.partner_id, credit.share
                else:
                    partner, raw = credit
                    refuse_float(raw, "a split share")
                    share = _to_decimal(raw)
                if partner in seen:
                    c.add(f"{path}.partner_id", f"{partner!r} is credited twice")
                seen.append(partner)
                if not self._partner(c, f"{path}.partner_id", partner, codes):
                    continue
                if not (
                    isinstance(share, Decimal) and share.is_finite() and ZERO < share <= _HUNDRED
                ):
                    c.add(f"{path}.share", f"must be above 0 and at most 100, got {share!r}")
                    continue
                total += share
                code = self._share_codes.get(share)
                if code is None:
                    code = self._share_codes[share] = len(self._shares)
                    self._shares.append(share)
                codes[-1] = (codes[-1][0], code)
            if not c.problems and total != _HUNDRED:
                c.add(
                    f"[{index}].credits",
                    f"shares must total exactly 100, got {total.normalize():f}",
                )
        c.done()
        self._append(id, date, SALE, cents, exponent, product_line, units)
        for partner_code, share_code in codes:
            self._credit_partner.append(partner_code)
            self._credit_share.append(share_code)
        self._credit_end.append(len(self._credit_partner))

    def refund(
        self,
        id: str,
        date: dt.date,
        amount: Money | Decimal | str | int,
        refund_of: str,
        *,
        product_line: str | None = None,
        units: Decimal | str | int = ZERO,
    ) -> None:
        """Add a refund of *amount* of the sale *refund_of* (a sale of the batch, dated no
        later; the simulation checks that).

        Raises:
            TypeError: A float amount or number of units.
            ValidationError: Every problem of the row, at ``[i].field``.
            CurrencyMismatch: A Money amount in another currency.
        """
        index = len(self._ids)
        c = Checks()
        cents, exponent = self._head(c, index, id, date, amount, product_line, units)
        c.identifier(f"[{index}].refund_of", refund_of)
        c.done()
        self._append(id, date, REFUND, cents, exponent, product_line, units)
        self._refund_of[index] = refund_of
        self._credit_end.append(len(self._credit_partner))

    def add(self, transaction: Transaction) -> None:
        """Add a :class:`~prmcore.commissions.Transaction` (already validated)."""
        if transaction.kind is TransactionKind.REFUND:
            assert transaction.refund_of is not None
            self.refund(
                transaction.id,
                transaction.date,
                transaction.amount,
                transaction.refund_of,
                product_line=transaction.product_line,
                units=transaction.units,
            )
        else:
            self.sale(
                transaction.id,
                transaction.date,
                transaction.amount,
                transaction.credits,
                product_line=transaction.product_line,
                units=transaction.units,
            )

    def build(self) -> TransactionBatch:
        """The batch; the builder cannot be used afterwards.

        Raises:
            ValidationError: The builder was already built.
        """
        if self._built:
            raise ValidationError("this builder was already built", "builder")
        self._built = True
        self._seen = set()
        return TransactionBatch(self)

    # -- helpers ----------------------------------------------------------------------------

    def _head(
        self,
        c: Checks,
        index: int,
        id: str,
        date: dt.date,
        amount: object,
        product_line: str | None,
        units: object,
    ) -> tuple[int, int]:
        if self._built:
            raise ValidationError("this builder was already built", "builder")
        if not (type(id) is str and _ID_RE.match(id)):
            c.identifier(f"[{index}].id", id)
        elif id in self._seen:
            c.add(f"[{index}].id", f"{id!r} is already in the batch")
        if type(date) is not dt.date:
            c.date(f"[{index}].date", date)
        c.optional_identifier(f"[{index}].product_line", product_line)
        refuse_float(units, "a number of units")
        value = _to_decimal(units)
        if value is not ZERO and not (
            isinstance(value, Decimal) and value.is_finite() and ZERO <= value < MAX_MAGNITUDE
        ):
            c.add(f"[{index}].units", f"must be a number of at least 0, got {units!r}")
        return self._cents(c, index, amount)

    def _cents(self, c: Checks, index: int, amount: object) -> tuple[int, int]:
        path = f"[{index}].amount"
        if isinstance(amount, Money):
            if amount.currency != self.currency:
                raise CurrencyMismatch(amount.currency, self.currency, "add to a batch in")
            value: object = amount.amount
        else:
            refuse_float(amount, "an amount")
            value = _to_decimal(amount)
        if not (isinstance(value, Decimal) and value.is_finite()):
            c.add(path, f"must be a decimal amount, got {amount!r}")
            return 0, 0
        if value < 0:
            c.add(path, f"must not be negative, got {value}")
            return 0, 0
        if value >= MAX_MAGNITUDE:
            c.add(path, f"must be less than 10**24, got {value}")
            return 0, 0
        scaled = value.scaleb(self._digits)
        if scaled != scaled.to_integral_value():
            c.add(
                path,
                f"must be in whole minor units of {self.currency} "
                f"({self._digits} decimal places), got {value}",
            )
            return 0, 0
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        return int(scaled), max(min(exponent, 127), -128)

    def _partner(self, c: Checks, path: str, partner: object, codes: list[tuple[int, int]]) -> bool:
        code = self._partner_codes.get(partner) if type(partner) is str else None
        if code is None:
            if not c.identifier(path, partner):
                return False
            assert isinstance(partner, str)
            code = self._partner_codes[partner] = len(self._partners)
            self._partners.append(partner)
        codes.append((code, 0))
        return True

    def _append(
        self,
        id: str,
        date: dt.date,
        kind: int,
        cents: int,
        exponent: int,
        product_line: str | None,
        units: object,
    ) -> None:
        index = len(self._ids)
        try:
            self._amounts.append(cents)
        except OverflowError:
            raise ValidationError(
                f"too large for a batch (at most {2**63 - 1} minor units)", f"[{index}].amount"
            ) from None
        self._ids.append(id)
        self._seen.add(id)
        self._dates.append(date.toordinal())
        self._kinds.append(kind)
        self._exponents.append(exponent)
        if product_line is not None:
            if self._line_codes is None:
                self._line_codes = array("i", bytes(4 * index))
            code = self._line_index.get(product_line)
            if code is None:
                self._lines.append(product_line)
                code = self._line_index[product_line] = len(self._lines)
            self._line_codes.append(code)
        elif self._line_codes is not None:
            self._line_codes.append(0)
        value = _to_decimal(units)
        if value:
            self._units[index] = value


def _to_decimal(value: object) -> Any:
    if type(value) is Decimal:
        return value
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return value
    return value
