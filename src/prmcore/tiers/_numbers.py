"""Exact numbers for tier schedules: input conversion, checks, the arithmetic context and display.

Every bound, rate, flat amount and basis is a :class:`~decimal.Decimal`. Input may be a ``str``,
an ``int`` or a ``Decimal``; a ``float`` is a :class:`TypeError` (it is already inexact).
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any, TypeGuard

from prmcore._checks import Checks

__all__ = [
    "CONTEXT",
    "MAX_MAGNITUDE",
    "ZERO",
    "check_number",
    "format_amount",
    "format_number",
    "format_rate",
    "is_basis",
    "number_input",
    "number_inputs",
    "refuse_float",
    "to_decimal",
]

CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
"""All schedule arithmetic runs in this context, never the caller's thread-local one.

60 significant digits hold every product and sum of inputs below ``10**24`` with up to 18
decimal places exactly, so nothing is rounded; the one division (interpolated tiers whose width
has a prime factor other than 2 and 5) is rounded to 60 significant digits."""

MAX_MAGNITUDE = Decimal("1E+24")
_MAX_TEXT = "10**24"
ZERO = Decimal(0)


def refuse_float(value: object, what: str) -> None:
    """Raise :class:`TypeError` for a float *value*, saying what to pass instead."""
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted for {what}: pass a str or Decimal "
            f"(for example Decimal({str(value)!r})), because a float is already inexact"
        )


def to_decimal(value: object, what: str) -> Any:
    """Turn a str, int or Decimal into a Decimal; refuse a float; leave anything else (and a
    string that is not a number) as it is, for the object's checks to report with its path."""
    refuse_float(value, what)
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
        result = result.copy_abs()  # -0 is 0; keep it from showing as "-0"
    return result


def check_number(
    c: Checks, path: str, value: object, *, minimum: Decimal | None = ZERO, above: bool = False
) -> bool:
    """*value* must be a finite Decimal below ``10**24`` in absolute value and at least
    *minimum* (greater than it when *above*); ``minimum=None`` allows any sign."""
    if isinstance(value, str):
        c.add(path, f"not a decimal number: {value!r}")
        return False
    if not isinstance(value, Decimal):
        c.add(
            path,
            "must be a decimal number (a str, int or Decimal), "
            f"got {type(value).__name__} {value!r}",
        )
        return False
    if not value.is_finite():
        c.add(path, f"must be a finite number, got {value}")
        return False
    if value.copy_abs() >= MAX_MAGNITUDE:
        c.add(path, f"must be less than {_MAX_TEXT} in absolute value, got {value}")
        return False
    if minimum is not None:
        if above and value <= minimum:
            c.add(path, f"must be greater than {minimum}, got {value}")
            return False
        if value < minimum:
            c.add(path, f"must be at least {minimum}, got {value}")
            return False
    return True


def is_basis(value: object) -> TypeGuard[Decimal]:
    """Whether *value* is already a valid basis: a finite Decimal in ``[0, 10**24)``."""
    return type(value) is Decimal and value.is_finite() and ZERO <= value < MAX_MAGNITUDE


def number_input(value: object, path: str) -> Decimal:
    """Convert and check one non-negative number argument (a basis), raising at *path*.

    Raises:
        TypeError: *value* is a float.
        ValidationError: It is not a finite number in ``[0, 10**24)``.
    """
    if is_basis(value):
        return value  # the common case, without the collector
    return number_inputs((value, path))[0]


def number_inputs(*arguments: tuple[object, str]) -> list[Decimal]:
    """Like :func:`number_input` for several ``(value, path)`` arguments, listing every
    problem in one :class:`ValidationError`."""
    for value, _ in arguments:
        refuse_float(value, "a tier basis")
    c = Checks()
    converted = [to_decimal(value, "a tier basis") for value, _ in arguments]
    for number, (_, path) in zip(converted, arguments, strict=True):
        check_number(c, path, number)
    c.done()
    return converted


def format_number(value: Decimal) -> str:
    """*value* with thousands separators and without exponent notation: ``12,000.5``."""
    return format(value, ",f")


def format_amount(value: Decimal) -> str:
    """An amount with thousands separators and two decimals, or more when they are not zeros;
    never rounded: ``600.00`` (also for ``600.0000``), ``0.125``."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        value = value.normalize(CONTEXT)  # 600.0000 -> 6E+2; 0.1250 -> 0.125
        exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"), context=CONTEXT)
    return format(value, ",f")


def format_rate(rate: Decimal, *, percent: bool) -> str:
    """A rate as a percentage (``0.055`` -> ``5.5%``) or as a plain number (``6.5``)."""
    shown = CONTEXT.multiply(rate, Decimal(100)) if percent else rate
    text = format(shown.normalize(CONTEXT), ",f")
    return text + "%" if percent else text
