"""Money on :class:`~decimal.Decimal`: ISO 4217 currencies, rounding, allocation, formatting, FX.

A :class:`Money` is an exact amount in one currency. It never holds a ``float``, never rounds
behind your back (rounding is an explicit call, once per payable line), refuses to mix
currencies, and splits into parts that always add up to the whole. Conversion between
currencies needs an :class:`ExchangeRate` with a date and a source, supplied by a host's
:class:`RateSource`, and keeps that provenance on the :class:`ConvertedAmount`.

Examples:
    >>> from decimal import Decimal
    >>> price = Money("19.99", "EUR")
    >>> total = price * 3
    >>> total
    Money('59.97', 'EUR')
    >>> total.allocate([1, 1, 1])
    (Money('19.99', 'EUR'), Money('19.99', 'EUR'), Money('19.99', 'EUR'))
    >>> (total * Decimal("0.175")).round()
    Money('10.49', 'EUR')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from collections.abc import Iterable
from datetime import date
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
)
from fractions import Fraction
from functools import cache
from typing import Any, Literal, Protocol, runtime_checkable

import attrs
from babel.numbers import get_currency_precision, list_currencies

from prmcore._checks import Checks
from prmcore._money_format import format_money
from prmcore.errors import CurrencyMismatch, MissingRateError, ValidationError

__all__ = [
    "ConvertedAmount",
    "ExchangeRate",
    "InMemoryRateSource",
    "Money",
    "RateSource",
    "convert",
    "currency_codes",
    "minor_units",
]

_ROUNDING_MODES = frozenset(
    {
        ROUND_05UP,
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    }
)
# Every decimal rounding constant; Money.round and friends accept any of them.

# All arithmetic runs in this fixed context, never the caller's thread-local one, so results
# do not depend on how a host has configured ``decimal``. 34 significant digits (IEEE 754
# decimal128) keep every realistic sum and product exact; only division and products of
# long factors are ever rounded, and then far below any minor unit.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero])

# Amounts are bounded so that rounding to any minor unit (at most 4 places) stays exact within
# the context above, and so that hostile input ("1E+999999999") cannot exhaust memory.
_MAX_AMOUNT = Decimal("1E+24")
_MAX_AMOUNT_TEXT = "10**24"


# --------------------------------------------------------------------------------------------
# Currencies


@cache
def currency_codes() -> frozenset[str]:
    """Every ISO 4217 currency code prmcore accepts: the codes CLDR knows, through babel.

    This includes historical codes (``DEM``) and the special ``X`` codes (``XAU``, ``XDR``), so
    that old ledgers still load.

    Examples:
        >>> "EUR" in currency_codes(), "EURO" in currency_codes()
        (True, False)

    .. versionadded:: 0.1.0
    """
    return frozenset(code for code in list_currencies() if len(code) == 3 and code.isupper())


def _normalize_code(value: str) -> Any:
    """attrs converter: strip and upper-case a currency code; leave a non-string alone."""
    raw: object = value
    return raw.strip().upper() if isinstance(raw, str) else raw


def _check_currency(checks: Checks, path: str, value: object) -> bool:
    if not isinstance(value, str):
        checks.add(
            path,
            f"must be an ISO 4217 currency code such as 'EUR', "
            f"got {type(value).__name__} {value!r}",
        )
        return False
    return checks.require(
        value in currency_codes(), path, f"unknown ISO 4217 currency code {value!r}"
    )


def _currency(value: object, path: str) -> str:
    """Normalise and validate one currency code argument, raising at *path*."""
    code = value.strip().upper() if isinstance(value, str) else value
    checks = Checks()
    _check_currency(checks, path, code)
    checks.done()
    assert isinstance(code, str)
    return code


def minor_units(currency: str) -> int:
    """The number of decimal places of *currency*'s minor unit, from CLDR through babel.

    Args:
        currency: An ISO 4217 code (case and surrounding spaces do not matter).

    Raises:
        ValidationError: At path ``currency`` for an unknown code.

    Examples:
        >>> [minor_units(c) for c in ("JPY", "USD", "BHD", "CLF")]
        [0, 2, 3, 4]

    .. versionadded:: 0.1.0
    """
    return _minor_units(_currency(currency, "currency"))


@cache
def _minor_units(code: str) -> int:
    digits: int = get_currency_precision(code)
    return digits


def _quantum(code: str) -> Decimal:
    return Decimal((0, (1,), -_minor_units(code)))


# --------------------------------------------------------------------------------------------
# Decimal input


def _refuse_float(value: object, what: str) -> None:
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted for {what}: pass a str or Decimal "
            f"(for example Decimal({str(value)!r})), because a float is already inexact"
        )


def _to_decimal(value: object, what: str) -> Any:
    """Turn a str, int or Decimal into a Decimal; refuse a float; leave other input for the
    validator to report (so that every problem of an object is listed together)."""
    _refuse_float(value, what)
    result: Decimal
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return value
    else:
        return value
    if result.is_zero() and result.is_signed():
        # -0.00 is the same amount as 0.00; keep it from showing up as "-0.00 EUR".
        result = result.copy_abs()
    return result


def _to_amount(value: str | int | Decimal) -> Any:
    """attrs converter for money amounts."""
    return _to_decimal(value, "a money amount")


def _to_rate(value: str | int | Decimal) -> Any:
    """attrs converter for exchange rates."""
    return _to_decimal(value, "an exchange rate")


def _check_decimal(checks: Checks, path: str, value: object, *, bounded: bool = False) -> bool:
    if isinstance(value, str):
        checks.add(path, f"not a decimal number: {value!r}")
        return False
    if not isinstance(value, Decimal):
        checks.add(
            path,
            f"must be a decimal number (a str, int or Decimal), "
            f"got {type(value).__name__} {value!r}",
        )
        return False
    if not value.is_finite():
        checks.add(path, f"must be a finite number, got {value}")
        return False
    if bounded and value.copy_abs() >= _MAX_AMOUNT:
        checks.add(path, f"must be less than {_MAX_AMOUNT_TEXT} in absolute value, got {value}")
        return False
    return True


def _check_rate(checks: Checks, path: str, value: object) -> bool:
    if not _check_decimal(checks, path, value):
        return False
    assert isinstance(value, Decimal)
    return checks.require(value > 0, path, f"must be greater than 0, got {value}")


def _check_rounding(rounding: object) -> None:
    if not isinstance(rounding, str) or rounding not in _ROUNDING_MODES:
        raise ValidationError(
            f"unknown rounding mode {rounding!r}; use a decimal constant such as "
            "ROUND_HALF_EVEN or ROUND_HALF_UP",
            path="rounding",
        )


def _trim_zeros(value: Decimal) -> Decimal:
    """Drop trailing fractional zeros (``1.2500`` -> ``1.25``) without switching to exponent
    notation (``100`` stays ``100``)."""
    normal = value.normalize(_CONTEXT)
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0 and normal.adjusted() < _CONTEXT.prec:
        return normal.quantize(Decimal(1), context=_CONTEXT)
    return normal


def _plain(value: Decimal) -> str:
    """*value* without exponent notation (``1E+3`` -> ``1000``), unless that would take more
    than about a hundred characters (``1E-999999`` stays as it is)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -100:
        return format(value, "f")
    return str(value)


def _require_instance(value: object, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(
            f"{what} must be of type {kind.__name__}, got {type(value).__name__} {value!r}"
        )


def _check_factor(value: object, operation: str) -> Decimal | None:
    """The Decimal value of a multiplier or divisor, or None when the type is not supported."""
    _refuse_float(value, f"a factor to {operation} Money by")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    factor = Decimal(value)
    if not factor.is_finite():
        raise ValidationError(f"cannot {operation} Money by {factor}: the factor must be finite")
    return factor


# --------------------------------------------------------------------------------------------
# Money


@attrs.frozen
class Money:
    """An exact amount of money in one ISO 4217 currency.

    The amount keeps full precision (``Money("0.125", "USD")`` stays ``0.125``); call
    :meth:`round` once per payable line. Totals are sums of rounded lines.

    Arithmetic: ``+``, ``-``, comparisons and :func:`sum` need the same currency (a different one
    raises :class:`~prmcore.errors.CurrencyMismatch`), except ``==``, which is simply ``False``
    across currencies. ``*`` and ``/`` take an ``int`` or ``Decimal``. ``0 + money`` is
    ``money`` so that ``sum()`` works; ``sum([])`` is the int ``0``, so pass a start value when a
    list may be empty: ``sum(lines, Money.zero("EUR"))``. ``bool(money)`` is ``amount != 0``.
    All arithmetic runs with 34 significant digits regardless of the caller's decimal context.

    Args:
        amount: A ``str``, ``int`` or ``Decimal``; finite and below ``10**24`` in absolute value.
        currency: An ISO 4217 code; surrounding spaces are stripped and it is upper-cased.

    Raises:
        TypeError: *amount* is a ``float`` (pass a str or Decimal).
        ValidationError: Listing every problem: path ``amount`` for a non-number, NaN, infinity,
            a bool or an amount out of range; path ``currency`` for an unknown code.

    Examples:
        >>> Money("12.30", "eur")
        Money('12.30', 'EUR')
        >>> str(Money(5, "JPY"))
        '5 JPY'
        >>> sum([Money("1.10", "EUR"), Money("2.20", "EUR")])
        Money('3.30', 'EUR')

    .. versionadded:: 0.1.0
    """

    amount: Decimal = attrs.field(converter=_to_amount)
    """The exact amount (:class:`~decimal.Decimal`), not rounded."""
    currency: str = attrs.field(converter=_normalize_code)
    """The upper-case ISO 4217 code."""

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_decimal(checks, "amount", self.amount, bounded=True)
        _check_currency(checks, "currency", self.currency)
        checks.done()

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in *currency*, written with the currency's minor unit (``0.00`` for EUR).

        Use it as the start value of :func:`sum` for lists that may be empty.

        Raises:
            ValidationError: At path ``currency`` for an unknown code.

        Examples:
            >>> Money.zero("EUR"), sum([], Money.zero("JPY"))
            (Money('0.00', 'EUR'), Money('0', 'JPY'))

        .. versionadded:: 0.1.0
        """
        code = _currency(currency, "currency")
        return cls(Decimal((0, (0,), -_minor_units(code))), code)

    @classmethod
    def from_minor_units(cls, units: int, currency: str) -> Money:
        """The amount that is *units* minor units of *currency* (cents, fils, yen).

        Raises:
            ValidationError: *units* is not an int (path ``units``) or the code is unknown
                (path ``currency``).

        Examples:
            >>> Money.from_minor_units(1999, "USD"), Money.from_minor_units(1999, "JPY")
            (Money('19.99', 'USD'), Money('1999', 'JPY'))

        .. versionadded:: 0.1.0
        """
        checks = Checks()
        checks.integer("units", units)
        checks.done()
        code = _currency(currency, "currency")
        return cls(Decimal(units).scaleb(-_minor_units(code), _CONTEXT), code)

    # -- currency facts ---------------------------------------------------------------------

    @property
    def quantum(self) -> Decimal:
        """The currency's minor unit as a Decimal: ``0.01`` for EUR, ``1`` for JPY.

        .. versionadded:: 0.1.0
        """
        return _quantum(self.currency)

    # -- rounding ---------------------------------------------------------------------------

    def round(self, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Round to the currency's minor unit with *rounding* (default banker's rounding).

        Args:
            rounding: One of the :mod:`decimal` constants, e.g. ``ROUND_HALF_UP``.

        Raises:
            ValidationError: At path ``rounding`` for an unknown mode.

        Examples:
            >>> from decimal import ROUND_HALF_UP
            >>> Money("0.125", "USD").round(), Money("0.125", "USD").round(ROUND_HALF_UP)
            (Money('0.12', 'USD'), Money('0.13', 'USD'))
            >>> Money("2.5", "JPY").round()
            Money('2', 'JPY')

        .. versionadded:: 0.1.0
        """
        _check_rounding(rounding)
        return Money(
            self.amount.quantize(self.quantum, rounding=rounding, context=_CONTEXT),
            self.currency,
        )

    def is_rounded(self) -> bool:
        """Whether the amount is a whole number of minor units (``1.230`` EUR is).

        .. versionadded:: 0.1.0
        """
        return self.amount == self.round(ROUND_DOWN).amount

    def to_minor_units(self, rounding: str = ROUND_HALF_EVEN) -> int:
        """The amount as an int number of minor units, rounding first with *rounding*.

        Payment APIs such as Stripe take amounts in this form.

        Raises:
            ValidationError: At path ``rounding`` for an unknown mode.

        Examples:
            >>> Money("19.995", "USD").to_minor_units()
            2000

        .. versionadded:: 0.1.0
        """
        rounded = self.round(rounding).amount
        return int(rounded.scaleb(_minor_units(self.currency), _CONTEXT))

    # -- allocation -------------------------------------------------------------------------

    def allocate(
        self, ratios: Iterable[int | Decimal], rounding: str = ROUND_HALF_EVEN
    ) -> tuple[Money, ...]:
        """Split the amount in proportion to *ratios*; the parts add up exactly to the whole.

        The amount is first rounded to the minor unit with *rounding*; the parts are then whole
        minor units, found with the largest-remainder method: each part gets the floor of its
        exact share, and the units left over go one each to the largest remainders, the earlier
        ratio first on a tie. Each part is therefore within one minor unit of its exact share.
        A negative amount is split as its absolute value, with every part negated.

        Args:
            ratios: Non-negative ``int`` or ``Decimal`` weights, at least one of them positive.
                They need not add up to anything in particular (``[50, 30, 20]`` and
                ``[Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]`` are the same split).
            rounding: How to round the whole before splitting it.

        Raises:
            TypeError: A ratio is a ``float``.
            ValidationError: Listing every bad ratio at its path (``ratios[2]``), ``ratios`` when
                it is empty or all zero, and ``rounding`` for an unknown mode.

        Examples:
            >>> Money("100.00", "EUR").allocate([1, 1, 1])
            (Money('33.34', 'EUR'), Money('33.33', 'EUR'), Money('33.33', 'EUR'))
            >>> Money("-10", "JPY").allocate([Decimal("0.7"), Decimal("0.3")])
            (Money('-7', 'JPY'), Money('-3', 'JPY'))

        .. versionadded:: 0.1.0
        """
        weights = _check_ratios(ratios)
        whole = self.round(rounding)
        units = abs(int(whole.amount.scaleb(_minor_units(self.currency), _CONTEXT)))
        sign = -1 if whole.amount < 0 else 1
        exponent = -_minor_units(self.currency)
        return tuple(
            Money(Decimal(sign * part).scaleb(exponent, _CONTEXT), self.currency)
            for part in _largest_remainder(units, weights)
        )

    def split(self, parts: int, rounding: str = ROUND_HALF_EVEN) -> tuple[Money, ...]:
        """Split into *parts* equal shares that differ by at most one minor unit.

        The same as ``allocate([1] * parts)``: the earlier parts get the extra units.

        Raises:
            ValidationError: At path ``parts`` unless it is an int of at least 1.

        Examples:
            >>> Money("10.00", "USD").split(3)
            (Money('3.34', 'USD'), Money('3.33', 'USD'), Money('3.33', 'USD'))

        .. versionadded:: 0.1.0
        """
        checks = Checks()
        checks.integer("parts", parts, minimum=1)
        checks.done()
        return self.allocate([1] * parts, rounding)

    # -- formatting -------------------------------------------------------------------------

    def format(
        self,
        locale: str = "en_US",
        *,
        currency_digits: bool = True,
        format_type: Literal["standard", "accounting", "name", "code"] = "standard",
    ) -> str:
        """Format for people, in *locale*, with ``babel.numbers.format_currency``.

        With *currency_digits* the amount shows the currency's minor unit, rounded half-even
        for display only (round with :meth:`round` first for another mode); without it the
        locale's pattern decides the decimals. The output does not depend on the process locale
        or decimal context.

        Args:
            locale: A locale name, ``de_DE`` or ``de-DE``.
            currency_digits: Use the currency's number of decimals.
            format_type: ``"standard"``, ``"accounting"`` (negatives in parentheses in many
                locales), ``"name"`` (``1,234.50 euros``) or ``"code"`` (``EUR 1,234.50``:
                the ISO code first, for sentences and reports that mix currencies).

        Raises:
            ValidationError: At path ``locale``, ``currency_digits`` or ``format_type``.

        Examples:
            >>> Money("1234.5", "EUR").format("de_DE")
            '1.234,50\\xa0€'
            >>> Money("-5", "USD").format(format_type="accounting")
            '($5.00)'

        .. versionadded:: 0.1.0
        """
        return format_money(
            self.amount,
            self.currency,
            locale,
            currency_digits=currency_digits,
            format_type=format_type,
            context=_CONTEXT,
        )

    def __str__(self) -> str:
        return f"{_plain(self.amount)} {self.currency}"

    def __repr__(self) -> str:
        return f"Money({_plain(self.amount)!r}, {self.currency!r})"

    # -- arithmetic -------------------------------------------------------------------------

    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def __add__(self, other: Money | int) -> Money:
        if isinstance(other, Money):
            self._same_currency(other, "add")
            return Money(_CONTEXT.add(self.amount, other.amount), self.currency)
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __radd__(self, other: int) -> Money:
        # Only the int 0 reaches here from Python's own types: sum() starts with it.
        return self.__add__(other)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return Money(_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        value = _check_factor(factor, "multiply")
        if value is None:
            return NotImplemented
        return Money(_CONTEXT.multiply(self.amount, value), self.currency)

    def __rmul__(self, factor: int | Decimal) -> Money:
        return self.__mul__(factor)

    def __truediv__(self, divisor: int | Decimal) -> Money:
        value = _check_factor(divisor, "divide")
        if value is None:
            return NotImplemented
        if value.is_zero():
            raise ZeroDivisionError(f"cannot divide {self!r} by zero")
        return Money(_CONTEXT.divide(self.amount, value), self.currency)

    def __bool__(self) -> bool:
        return not self.amount.is_zero()

    def _ordered(self, other: object) -> bool:
        if not isinstance(other, Money):
            return False
        self._same_currency(other, "compare")
        return True

    def __lt__(self, other: object) -> bool:
        if not self._ordered(other):
            return NotImplemented
        assert isinstance(other, Money)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not self._ordered(other):
            return NotImplemented
        assert isinstance(other, Money)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not self._ordered(other):
            return NotImplemented
        assert isinstance(other, Money)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not self._ordered(other):
            return NotImplemented
        assert isinstance(other, Money)
        return self.amount >= other.amount


def _check_ratios(ratios: Iterable[int | Decimal]) -> list[Fraction]:
    """Validate allocation ratios (every problem listed) and return them as exact fractions."""
    items: tuple[object, ...] = tuple(ratios)
    checks = Checks()
    weights: list[Fraction] = []
    for i, ratio in enumerate(items):
        path = f"ratios[{i}]"
        _refuse_float(ratio, "an allocation ratio")
        if isinstance(ratio, bool) or not isinstance(ratio, int | Decimal):
            checks.add(path, f"must be an int or Decimal, got {type(ratio).__name__} {ratio!r}")
        elif isinstance(ratio, Decimal) and not ratio.is_finite():
            checks.add(path, f"must be a finite number, got {ratio}")
        elif ratio < 0:
            checks.add(path, f"must not be negative, got {ratio}")
        else:
            weights.append(Fraction(ratio))
    if not items:
        checks.add("ratios", "must not be empty")
    elif not checks.problems and not any(weights):
        checks.add("ratios", "at least one ratio must be greater than 0")
    checks.done()
    return weights


def _largest_remainder(units: int, weights: list[Fraction]) -> list[int]:
    """Split *units* (>= 0) in proportion to *weights*, exactly, with the largest-remainder
    method; ties go to the earlier weight. Exact fractions, so no rounding can creep in."""
    total = sum(weights)
    shares = [units * weight / total for weight in weights]
    parts = [math.floor(share) for share in shares]
    left_over = units - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[:left_over]:
        parts[i] += 1
    return parts


_NEW = object.__new__
_SET = object.__setattr__


def _difference(minuend: Money, subtrahend: Money) -> Money:
    """``minuend - subtrahend``, exactly as the operator gives it, for callers on a hot path
    (eligibility works out one shortfall per unmet revenue threshold per partner): when both
    are in one currency and the difference is a non-zero amount in range, it needs none of the
    constructor's conversions and checks, so it is built directly; anything else (another
    currency, a zero, an amount out of range) goes through the operator and its checks."""
    currency = minuend.currency
    if currency == subtrahend.currency:
        amount = _CONTEXT.subtract(minuend.amount, subtrahend.amount)
        if not amount.is_zero() and amount.copy_abs() < _MAX_AMOUNT:
            money: Money = _NEW(Money)
            _SET(money, "amount", amount)
            _SET(money, "currency", currency)
            return money
    return minuend - subtrahend


# --------------------------------------------------------------------------------------------
# Exchange rates


@attrs.frozen
class ExchangeRate:
    """The price of one unit of *base* in *quote* on a date, and where it came from.

    ``ExchangeRate("EUR", "USD", "1.0842", date(2024, 1, 31), "ECB")`` means 1 EUR = 1.0842 USD.
    A rate from a currency to itself is allowed only with the rate 1 (an identity rate, as
    :class:`InMemoryRateSource` returns for ``EUR->EUR``).

    Args:
        base: The ISO 4217 code being priced.
        quote: The ISO 4217 code the price is in; different from *base* unless *rate* is 1.
        rate: Units of *quote* per unit of *base*: a ``str``, ``int`` or ``Decimal`` above 0.
        as_of: The day the rate applies to (a ``date``, not a ``datetime``).
        source: Where the rate came from, such as ``"ECB"``; not empty.

    Raises:
        TypeError: *rate* is a ``float``.
        ValidationError: Listing every problem, each at its field's path.

    .. versionadded:: 0.1.0
    """

    base: str = attrs.field(converter=_normalize_code)
    """The ISO 4217 code being priced."""
    quote: str = attrs.field(converter=_normalize_code)
    """The ISO 4217 code the price is in."""
    rate: Decimal = attrs.field(converter=_to_rate)
    """Units of :attr:`quote` per unit of :attr:`base`."""
    as_of: date
    """The day the rate applies to."""
    source: str
    """Where the rate came from."""

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        codes_ok = _check_currency(checks, "base", self.base)
        codes_ok = _check_currency(checks, "quote", self.quote) and codes_ok
        rate_ok = _check_rate(checks, "rate", self.rate)
        if codes_ok and rate_ok and self.base == self.quote and self.rate != 1:
            checks.add(
                "quote",
                f"must differ from base ({self.base}); a same-currency rate can only be 1",
            )
        checks.date("as_of", self.as_of)
        checks.text("source", self.source)
        checks.done()

    def inverse(self) -> ExchangeRate:
        """The quote->base rate: ``1 / rate`` to 34 significant digits (trailing zeros dropped),
        the same date, and the source marked ``" (inverted)"``.

        Inverting twice gives the original rate to within the last of those digits, not always
        exactly, and the source ``"ECB (inverted) (inverted)"``.

        Examples:
            >>> inverse = ExchangeRate("EUR", "GBP", "0.8", date(2024, 1, 31), "ECB").inverse()
            >>> str(inverse)
            '1 GBP = 1.25 EUR on 2024-01-31 (ECB (inverted))'

        .. versionadded:: 0.1.0
        """
        return ExchangeRate(
            self.quote,
            self.base,
            _trim_zeros(_CONTEXT.divide(Decimal(1), self.rate)),
            self.as_of,
            f"{self.source} (inverted)",
        )

    def __str__(self) -> str:
        return (
            f"1 {self.base} = {_plain(self.rate)} {self.quote} on {self.as_of.isoformat()} "
            f"({self.source})"
        )


@runtime_checkable
class RateSource(Protocol):
    """**Protocol:** where :func:`convert` gets exchange rates; hosts implement it over their
    own feed (ECB, a treasury table, a database).

    An implementation must return the rate for *base* -> *quote* that applies on *as_of*:
    never one dated after *as_of*, and never a silent 1:1 for different currencies.
    :class:`InMemoryRateSource` is the reference implementation.

    .. versionadded:: 0.1.0
    """

    def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
        """The rate for *base* -> *quote* on *as_of*.

        Raises:
            MissingRateError: No usable rate is known.
        """
        ...


class InMemoryRateSource:
    """A :class:`RateSource` over rates held in memory; deterministic and for tests, notebooks
    and hosts that load a rate table at start-up.

    A lookup returns the most recent stored rate dated on or before *as_of* (never a future
    one). With *allow_inverse*, a stored quote->base rate also counts, inverted; when both
    directions are stored, the more recent wins, and the direct one on the same date. The same
    currency on both sides gives a rate of 1 with the source ``"identity"``. Adding a rate for
    a pair and date that is already stored replaces it (a correction).

    Args:
        rates: The initial rates.
        max_age_days: When set, a rate older than this many days before *as_of* is not used.
        allow_inverse: Whether an inverted quote->base rate may answer a base->quote lookup.

    Raises:
        ValidationError: *max_age_days* is not a non-negative int (path ``max_age_days``) or
            *allow_inverse* is not a bool (path ``allow_inverse``).
        TypeError: An item of *rates* is not an :class:`ExchangeRate`.

    Examples:
        >>> rates = InMemoryRateSource(
        ...     [ExchangeRate("EUR", "USD", "1.0842", date(2024, 1, 31), "ECB")]
        ... )
        >>> rates.rate("EUR", "USD", date(2024, 2, 3)).rate
        Decimal('1.0842')
        >>> rates.rate("USD", "EUR", date(2024, 2, 3)).source
        'ECB (inverted)'

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_allow_inverse", "_by_pair", "_max_age_days")

    def __init__(
        self,
        rates: Iterable[ExchangeRate] = (),
        *,
        max_age_days: int | None = None,
        allow_inverse: bool = True,
    ) -> None:
        checks = Checks()
        if max_age_days is not None:
            checks.integer("max_age_days", max_age_days, minimum=0)
        checks.instance("allow_inverse", allow_inverse, bool)
        checks.done()
        self._max_age_days = max_age_days
        self._allow_inverse = allow_inverse
        # (base, quote) -> (sorted dates, date -> rate)
        self._by_pair: dict[tuple[str, str], tuple[list[date], dict[date, ExchangeRate]]] = {}
        for rate in rates:
            self.add(rate)

    def add(self, rate: ExchangeRate) -> None:
        """Store *rate*, replacing a stored rate for the same pair and date.

        Raises:
            TypeError: *rate* is not an :class:`ExchangeRate`.

        .. versionadded:: 0.1.0
        """
        _require_instance(rate, ExchangeRate, "rate")
        dates, by_date = self._by_pair.setdefault((rate.base, rate.quote), ([], {}))
        if rate.as_of not in by_date:
            insort(dates, rate.as_of)
        by_date[rate.as_of] = rate

    def __len__(self) -> int:
        return sum(len(by_date) for _, by_date in self._by_pair.values())

    def __repr__(self) -> str:
        return (
            f"InMemoryRateSource(<{len(self)} rates>, max_age_days={self._max_age_days}, "
            f"allow_inverse={self._allow_inverse})"
        )

    def _latest(self, base: str, quote: str, as_of: date) -> ExchangeRate | None:
        stored = self._by_pair.get((base, quote))
        if stored is None:
            return None
        dates, by_date = stored
        index = bisect_right(dates, as_of)
        return by_date[dates[index - 1]] if index else None

    def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
        """The most recent usable rate for *base* -> *quote* on or before *as_of*.

        Raises:
            ValidationError: An unknown currency code (path ``base`` or ``quote``) or an
                *as_of* that is not a date (path ``as_of``).
            MissingRateError: No rate on or before *as_of* (within *max_age_days* when set);
                when a rate exists but is too old, a note on the error says how old.

        .. versionadded:: 0.1.0
        """
        checks = Checks()
        base = _normalize_code(base)
        quote = _normalize_code(quote)
        _check_currency(checks, "base", base)
        _check_currency(checks, "quote", quote)
        checks.date("as_of", as_of)
        checks.done()
        if base == quote:
            return ExchangeRate(base, quote, Decimal(1), as_of, "identity")
        found = self._latest(base, quote, as_of)
        if self._allow_inverse:
            reverse = self._latest(quote, base, as_of)
            if reverse is not None and (found is None or reverse.as_of > found.as_of):
                found = reverse.inverse()
        if found is None:
            raise MissingRateError(base, quote, as_of)
        if self._max_age_days is not None and (as_of - found.as_of).days > self._max_age_days:
            error = MissingRateError(base, quote, as_of)
            error.add_note(
                f"the latest {base}->{quote} rate is from {found.as_of.isoformat()}, more than "
                f"max_age_days={self._max_age_days} days before {as_of.isoformat()}"
            )
            raise error
        return found


# --------------------------------------------------------------------------------------------
# Conversion


@attrs.frozen
class ConvertedAmount:
    """The result of :func:`convert`: the converted amount with its provenance.

    Args:
        amount: The converted amount, rounded to the target currency's minor unit.
        original: The amount before conversion, as given.
        rate: The rate applied: units of ``amount.currency`` per unit of
            ``original.currency`` (1 when both are the same currency).
        rate_date: The date of the rate used (on or before the requested date).
        source: Where the rate came from (``"identity"`` for a same-currency conversion).

    Raises:
        TypeError: *rate* is a ``float``.
        ValidationError: Listing every problem, each at its field's path.

    .. versionadded:: 0.1.0
    """

    amount: Money
    """The converted amount, rounded to the target currency's minor unit."""
    original: Money
    """The amount before conversion."""
    rate: Decimal = attrs.field(converter=_to_rate)
    """The rate applied."""
    rate_date: date
    """The date of the rate used."""
    source: str
    """Where the rate came from."""

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        moneys_ok = checks.instance("amount", self.amount, Money)
        moneys_ok = checks.instance("original", self.original, Money) and moneys_ok
        rate_ok = _check_rate(checks, "rate", self.rate)
        if (
            moneys_ok
            and rate_ok
            and self.amount.currency == self.original.currency
            and self.rate != 1
        ):
            checks.add("rate", f"must be 1 for a same-currency conversion, got {self.rate}")
        checks.date("rate_date", self.rate_date)
        checks.text("source", self.source)
        checks.done()

    def __str__(self) -> str:
        return (
            f"{self.amount} ({self.original} at {_plain(self.rate)} on "
            f"{self.rate_date.isoformat()}, {self.source})"
        )


def convert(
    money: Money,
    to_currency: str,
    as_of: date,
    rates: RateSource,
    *,
    rounding: str = ROUND_HALF_EVEN,
) -> ConvertedAmount:
    """Convert *money* to *to_currency* with the rate *rates* gives for *as_of*.

    The exact product ``money.amount * rate`` is rounded once, to the target currency's minor
    unit, with *rounding*. The original amount, rate, rate date and source are kept on the
    result. Converting to the same currency needs no rate: the rate is 1, the source
    ``"identity"`` and the amount is *money* rounded.

    Args:
        money: The amount to convert.
        to_currency: The ISO 4217 code to convert to.
        as_of: The day whose rate applies.
        rates: Any :class:`RateSource`.
        rounding: How to round the converted amount.

    Raises:
        TypeError: *money* is not a :class:`Money`, or *rates* returned something other than
            an :class:`ExchangeRate`.
        ValidationError: Path ``to_currency``, ``as_of`` or ``rounding`` for bad arguments;
            path ``rates`` when the source returned a rate for another pair or a later date.
        MissingRateError: The source knows no rate for the pair on or before *as_of*.

    Examples:
        >>> ecb = InMemoryRateSource(
        ...     [ExchangeRate("EUR", "USD", "1.0842", date(2024, 1, 31), "ECB")]
        ... )
        >>> converted = convert(Money("100", "EUR"), "USD", date(2024, 2, 1), ecb)
        >>> str(converted)
        '108.42 USD (100 EUR at 1.0842 on 2024-01-31, ECB)'

    .. versionadded:: 0.1.0
    """
    _require_instance(money, Money, "money")
    checks = Checks()
    target = _normalize_code(to_currency)
    _check_currency(checks, "to_currency", target)
    checks.date("as_of", as_of)
    checks.done()
    _check_rounding(rounding)
    if target == money.currency:
        return ConvertedAmount(money.round(rounding), money, Decimal(1), as_of, "identity")
    found: object = rates.rate(money.currency, target, as_of)
    _require_instance(found, ExchangeRate, "the rate returned by the rate source")
    assert isinstance(found, ExchangeRate)
    if (found.base, found.quote) != (money.currency, target) or found.as_of > as_of:
        raise ValidationError(
            f"the rate source returned {found.base}->{found.quote} on "
            f"{found.as_of.isoformat()} for {money.currency}->{target} on {as_of.isoformat()}",
            path="rates",
        )
    converted = Money(_CONTEXT.multiply(money.amount, found.rate), target).round(rounding)
    return ConvertedAmount(converted, money, found.rate, found.as_of, found.source)
