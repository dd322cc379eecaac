"""Locale formatting of money amounts through babel.

Kept apart from :mod:`prmcore.money` (as py-moneyed keeps it in ``l10n``) so that the value type
stays locale-free: ``str(money)`` never depends on a locale, only :meth:`Money.format` does.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import Literal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency

from prmcore.errors import ValidationError

__all__ = ["FORMAT_TYPES", "FormatType", "format_money", "parse_locale"]

FormatType = Literal["standard", "accounting", "name", "code"]
FORMAT_TYPES: tuple[FormatType, ...] = ("standard", "accounting", "name", "code")
"""The ``format_type`` values: babel's three for currencies, and ``"code"`` for the ISO code
before the number (``USD 50,000.00``), as in reports and sentences that mix currencies."""

# The locale's own number symbols and grouping, with the ISO code in front; the fraction digits
# still come from the currency (babel's currency_digits).
_CODE_PATTERN = "\u00a4\u00a4 #,##0.00;\u00a4\u00a4 -#,##0.00"


def parse_locale(locale: object) -> Locale:
    """Parse a locale name (``de_DE`` or the BCP 47 form ``de-DE``) or pass a babel ``Locale``.

    ``None`` is refused on purpose: babel would fall back to the process environment
    (``LC_NUMERIC``), and prmcore output must not depend on where it runs.

    Raises:
        ValidationError: At path ``locale``, for anything that is not a known locale.
    """
    if isinstance(locale, Locale):
        return locale
    if not isinstance(locale, str):
        raise ValidationError(
            f"must be a locale name such as 'en_US', got {type(locale).__name__} {locale!r}",
            path="locale",
        )
    try:
        return Locale.parse(locale.strip(), sep="-" if "-" in locale else "_")
    except (UnknownLocaleError, ValueError):
        raise ValidationError(
            f"unknown locale {locale!r} (use a name such as 'en_US' or 'de-DE')", path="locale"
        ) from None


def format_money(
    amount: Decimal,
    currency: str,
    locale: object,
    *,
    currency_digits: bool,
    format_type: str,
    context: Context,
) -> str:
    """Format *amount* in *currency* for *locale* with ``babel.numbers.format_currency``.

    babel rounds with the *current* decimal context; running it inside *context* keeps the
    output independent of whatever context the host has set (always half-even).

    Raises:
        ValidationError: For an unknown locale (path ``locale``), a non-bool *currency_digits*
            (path ``currency_digits``) or an unknown *format_type* (path ``format_type``).
    """
    parsed = parse_locale(locale)
    if not isinstance(currency_digits, bool):
        raise ValidationError(
            f"must be true or false, got {type(currency_digits).__name__} {currency_digits!r}",
            path="currency_digits",
        )
    if format_type not in FORMAT_TYPES:
        raise ValidationError(
            f"unknown format type {format_type!r}; use one of "
            + ", ".join(repr(f) for f in FORMAT_TYPES),
            path="format_type",
        )
    with localcontext(context):
        if format_type == "code":
            result: str = format_currency(
                amount,
                currency,
                format=_CODE_PATTERN,
                locale=parsed,
                currency_digits=currency_digits,
            )
        else:
            result = format_currency(
                amount,
                currency,
                locale=parsed,
                currency_digits=currency_digits,
                format_type=format_type,
            )
    return result
