"""One tier of a schedule, and the vocabulary of schedules: modes, boundary conventions, package
rounding.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated
from prmcore.tiers._numbers import ZERO, check_number, to_decimal

__all__ = [
    "Boundary",
    "PackageRounding",
    "Tier",
    "TierMode",
]


class TierMode(enum.StrEnum):
    """How a :class:`~prmcore.tiers.TierSchedule` turns a basis into an amount.

    - ``graduated``: each slice of the basis is paid at its own tier's rate (marginal).
    - ``volume``: the tier containing the basis sets the rate for all of it (retroactive).
    - ``package``: the basis is counted in whole packages, which are priced graduated.
    - ``interpolated``: the rate moves linearly across each tier; the amount is its integral.
    - ``threshold_bonus``: flat amounts paid once when the basis crosses thresholds.

    .. versionadded:: 0.1.0
    """

    GRADUATED = "graduated"
    VOLUME = "volume"
    PACKAGE = "package"
    INTERPOLATED = "interpolated"
    THRESHOLD_BONUS = "threshold_bonus"


class Boundary(enum.StrEnum):
    """Which tier a basis exactly on a bound belongs to.

    - ``upper_inclusive`` (the default): tiers are ``(lower, upper]``; a basis equal to a tier's
      ``up_to`` is in that (lower) tier. This is Stripe's convention ("up to and including").
    - ``lower_inclusive``: tiers are ``[lower, upper)``; a basis equal to ``up_to`` is already
      in the next tier. This is Oracle's convention.

    .. versionadded:: 0.1.0
    """

    UPPER_INCLUSIVE = "upper_inclusive"
    LOWER_INCLUSIVE = "lower_inclusive"


class PackageRounding(enum.StrEnum):
    """How a ``package`` schedule counts a partly filled package.

    - ``up`` (the default): every started package counts (4,500 units in packages of 1,000
      are 5 packages), as in Stripe's package pricing.
    - ``down``: only complete packages count (4,500 units are 4 packages).

    .. versionadded:: 0.1.0
    """

    UP = "up"
    DOWN = "down"


def _to_bound(value: str | int | Decimal | None) -> Any:
    return None if value is None else to_decimal(value, "a tier bound")


def _to_rate(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a tier rate")


def _to_flat(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a flat amount")


def _to_rate_to(value: str | int | Decimal | None) -> Any:
    return None if value is None else to_decimal(value, "a tier rate")


@attrs.frozen
class Tier(Validated):
    """One tier of a :class:`~prmcore.tiers.TierSchedule`: where it ends, and what it pays.

    A tier's lower bound is the previous tier's ``up_to`` (the schedule's ``start``, default 0,
    for the first tier), so tiers can have neither gaps nor overlaps; the schedule checks that
    the bounds increase.

    Args:
        up_to: The tier's upper bound, or ``None`` for the open top tier (only the last tier of
            a schedule may be open). Whether a basis equal to ``up_to`` is in this tier or the
            next depends on the schedule's :class:`Boundary`.
        rate: What one unit of the basis earns in this tier, at least 0. The basis can be
            revenue (then ``rate`` is a fraction: ``"0.05"`` is 5%), a number of units (then it
            is a price per unit, or per package in a ``package`` schedule) or an attainment
            percentage. ``threshold_bonus`` schedules need 0.
        flat: An amount paid once when the basis enters this tier (``graduated``,
            ``package``, ``interpolated``, ``threshold_bonus``) or on top of the rate when the
            basis ends in it (``volume``); at least 0.
        rate_to: ``interpolated`` schedules only: the rate at the tier's upper bound. When it
            is ``None`` the rate rises (or falls) to the next tier's ``rate``; the open top
            tier and a bounded last tier without ``rate_to`` keep a constant rate.

    Numbers may be given as ``str``, ``int`` or ``Decimal``.

    Raises:
        TypeError: A number is a ``float`` (pass a str or Decimal).
        ValidationError: Listing every bad field: a non-number, NaN, infinity, a magnitude of
            ``10**24`` or more, or a negative ``rate``, ``flat`` or ``rate_to``.

    Examples:
        >>> Tier(10_000, "0.05")
        Tier(up_to=Decimal('10000'), rate=Decimal('0.05'), flat=Decimal('0'), rate_to=None)
        >>> Tier(None, rate="0.08", flat=250).flat
        Decimal('250')

    .. versionadded:: 0.1.0
    """

    up_to: Decimal | None = attrs.field(converter=_to_bound)
    """The upper bound (``None`` for the open top tier)."""
    rate: Decimal = attrs.field(default=ZERO, converter=_to_rate)
    """The rate per unit of basis (a fraction, or a price per unit or package)."""
    flat: Decimal = attrs.field(default=ZERO, converter=_to_flat)
    """The flat amount paid for entering (or, in ``volume`` mode, ending in) this tier."""
    rate_to: Decimal | None = attrs.field(default=None, converter=_to_rate_to)
    """``interpolated`` only: the rate at the upper bound."""

    def _validate(self, c: Checks) -> None:
        if self.up_to is not None:
            check_number(c, "up_to", self.up_to, minimum=None)
        check_number(c, "rate", self.rate)
        check_number(c, "flat", self.flat)
        if self.rate_to is not None:
            check_number(c, "rate_to", self.rate_to)

    @property
    def is_open(self) -> bool:
        """True for the open top tier (``up_to is None``).

        .. versionadded:: 0.1.0
        """
        return self.up_to is None
