"""Certification types: what a certification is worth, for how long, and how it is renewed.

A :class:`CertificationType` is program data ("Security Specialist, valid 3 years, renewable in
the last 90 days, 30 days of grace"). Its lengths of time are :class:`Duration` s — calendar
years, months and days applied with month-end clamping — rather than bare
``dateutil.relativedelta`` objects, so that a type round-trips through
:mod:`prmcore.serialization` as plain JSON (``{"years": 3, "months": 0, "days": 0}``).
A ``relativedelta`` of years, months and days is accepted wherever a :class:`Duration` is.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, NewType

import attrs
from dateutil.relativedelta import relativedelta

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.errors import ValidationError

__all__ = [
    "CertificationType",
    "CertificationTypeId",
    "Duration",
    "RenewalAnchor",
]

CertificationTypeId = NewType("CertificationTypeId", str)
"""The id of a :class:`CertificationType` (such as ``"security-specialist"``).

.. versionadded:: 0.1.0
"""

_MAX_YEARS = 200
_MAX_MONTHS = _MAX_YEARS * 12
_MAX_DAYS = _MAX_YEARS * 366


@attrs.frozen
class Duration(Validated):
    """A calendar length of time: whole years, months and days, none negative.

    Adding a duration to a date applies years and months first, clamped to the end of the
    month (January 31 plus one month is February 28, or 29 in a leap year; February 29 plus one
    year is February 28), then days — exactly as ``dateutil.relativedelta`` does.

    Args:
        years: Whole years, 0-200.
        months: Whole months, 0-2400.
        days: Whole days, 0-73200.

    Raises:
        ValidationError: Listing every field that is not an integer in its range.

    Examples:
        >>> import datetime as dt
        >>> Duration(months=1).after(dt.date(2026, 1, 31))
        datetime.date(2026, 2, 28)
        >>> Duration(years=1).after(dt.date(2028, 2, 29))
        datetime.date(2029, 2, 28)
        >>> Duration(days=90).before(dt.date(2026, 6, 30))
        datetime.date(2026, 4, 1)
        >>> Duration.of(relativedelta(years=3))
        Duration(years=3, months=0, days=0)

    .. versionadded:: 0.1.0
    """

    years: int = 0
    """Whole calendar years."""
    months: int = 0
    """Whole calendar months."""
    days: int = 0
    """Whole days."""

    def _validate(self, c: Checks) -> None:
        c.integer("years", self.years, minimum=0, maximum=_MAX_YEARS)
        c.integer("months", self.months, minimum=0, maximum=_MAX_MONTHS)
        c.integer("days", self.days, minimum=0, maximum=_MAX_DAYS)

    @classmethod
    def of(cls, value: Duration | relativedelta) -> Duration:
        """*value* as a :class:`Duration`: a duration as it is, a ``relativedelta`` of whole
        years, months and days converted.

        Raises:
            ValidationError: *value* is neither, or the ``relativedelta`` has hours, weekdays,
                absolute fields (``year=``, ``day=``) or negative parts.

        .. versionadded:: 0.1.0
        """
        if isinstance(value, Duration):
            return value
        if isinstance(value, relativedelta):
            extra = (
                value.hours,
                value.minutes,
                value.seconds,
                value.microseconds,
                value.leapdays,
                value.weekday,
                value.year,
                value.month,
                value.day,
                value.hour,
                value.minute,
                value.second,
                value.microsecond,
            )
            if any(part for part in extra):
                raise ValidationError(
                    f"a relativedelta of whole years, months and days only, got {value!r}"
                )
            return cls(value.years, value.months, value.days)
        raise ValidationError(
            f"must be a Duration or a dateutil relativedelta, got {type(value).__name__} {value!r}"
        )

    @property
    def is_zero(self) -> bool:
        """True when the duration is no time at all.

        .. versionadded:: 0.1.0
        """
        return not (self.years or self.months or self.days)

    @property
    def as_relativedelta(self) -> relativedelta:
        """The duration as a ``dateutil.relativedelta``.

        .. versionadded:: 0.1.0
        """
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def after(self, day: dt.date) -> dt.date:
        """The date this long after *day* (month ends clamped).

        Raises:
            ValidationError: The result is outside the dates Python supports.

        .. versionadded:: 0.1.0
        """
        if self.is_zero:
            return day
        try:
            return day + self.as_relativedelta
        except (OverflowError, ValueError):
            raise ValidationError(
                f"{day.isoformat()} + {self} is outside the supported dates"
            ) from None

    def before(self, day: dt.date) -> dt.date:
        """The date this long before *day* (month ends clamped).

        Raises:
            ValidationError: The result is outside the dates Python supports.

        .. versionadded:: 0.1.0
        """
        if self.is_zero:
            return day
        try:
            return day - self.as_relativedelta
        except (OverflowError, ValueError):
            raise ValidationError(
                f"{day.isoformat()} - {self} is outside the supported dates"
            ) from None

    def __str__(self) -> str:
        parts = [
            f"{count} {unit}{'' if count == 1 else 's'}"
            for count, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if count
        ]
        return " ".join(parts) or "0 days"


def _to_duration(value: object) -> Any:
    # A relativedelta is accepted where a Duration belongs; anything else is left for the
    # class's checks to report with its path.
    if isinstance(value, relativedelta):
        try:
            return Duration.of(value)
        except ValidationError:
            return value
    return value


class RenewalAnchor(enum.StrEnum):
    """Where a renewed certification's new validity is counted from.

    - ``expiry`` (the default): from the current expiry date, so renewing early never loses
      time (a 3-year certification expiring 2027-05-31, renewed in March 2027, now expires
      2030-05-31).
    - ``completion``: from the day the renewal was completed (renewed 2027-03-10, it expires
      2030-03-10). Never earlier than the current expiry: renewing does not cost the holder
      time.

    .. versionadded:: 0.1.0
    """

    EXPIRY = "expiry"
    COMPLETION = "completion"


def _to_anchor(value: object) -> Any:
    result: RenewalAnchor = to_enum(RenewalAnchor, value)
    return result


def _to_days(value: object) -> Any:
    return to_tuple(value)


@attrs.frozen
class CertificationType(Validated):
    """A kind of certification a person can earn, with its validity and renewal rules.

    Args:
        id: The program's id for the type.
        name: Display name, such as ``"Security Specialist"``.
        validity: How long an award is valid: it expires ``validity`` after it was earned (or
            renewed), and the expiry day itself is still valid. Not zero.
        renewal_window: How long before expiry renewal opens (default 90 days). On the day it
            opens and until expiry the status is ``expiring``.
        renewal_anchor: Where a renewal counts its new validity from (default
            :attr:`RenewalAnchor.EXPIRY`).
        grace: How long after expiry the award still counts as held and can be renewed
            (default none).
        prerequisites: Types a person must hold (active, expiring or in grace) on the day they
            earn this one; an award of a type that satisfies a prerequisite counts.
        satisfies: Types that an award of this one also counts for ("Security Expert" satisfies
            "Security Specialist"). Transitive.
        reminder_days: Days before expiry on which reminders fall due (default 90, 60 and 30);
            an "expired" notice always follows on the day after expiry.
        version: Set by the repository.

    A ``relativedelta`` of whole years, months and days is accepted for the durations; a list
    for the tuples.

    Raises:
        ValidationError: Listing every bad field, such as a zero ``validity``, a type listing
            itself as a prerequisite (``prerequisites[0]``) or a duplicate reminder day.

    Examples:
        >>> from dateutil.relativedelta import relativedelta
        >>> expert = CertificationType(
        ...     "sec-expert",
        ...     "Security Expert",
        ...     validity=relativedelta(years=3),
        ...     prerequisites=["sec-specialist"],
        ...     satisfies=["sec-specialist"],
        ... )
        >>> expert.validity, expert.reminder_days
        (Duration(years=3, months=0, days=0), (90, 60, 30))

    .. versionadded:: 0.1.0
    """

    id: CertificationTypeId
    """The type's id."""
    name: str
    """Display name."""
    validity: Duration = attrs.field(converter=_to_duration)
    """How long an award stays valid after it is earned or renewed."""
    renewal_window: Duration = attrs.field(default=Duration(days=90), converter=_to_duration)
    """How long before expiry renewal opens."""
    renewal_anchor: RenewalAnchor = attrs.field(default=RenewalAnchor.EXPIRY, converter=_to_anchor)
    """Where a renewal counts its new validity from."""
    grace: Duration = attrs.field(default=Duration(), converter=_to_duration)
    """How long after expiry an award still counts and can be renewed."""
    prerequisites: tuple[CertificationTypeId, ...] = attrs.field(default=(), converter=to_tuple)
    """Types that must be held on the day this one is earned."""
    satisfies: tuple[CertificationTypeId, ...] = attrs.field(default=(), converter=to_tuple)
    """Types an award of this one also counts for."""
    reminder_days: tuple[int, ...] = attrs.field(default=(90, 60, 30), converter=_to_days)
    """Days before expiry on which reminders fall due."""
    version: int = 0
    """Set by the repository."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=300)
        if c.instance("validity", self.validity, Duration):
            c.require(not self.validity.is_zero, "validity", "must be longer than zero")
        c.instance("renewal_window", self.renewal_window, Duration)
        c.member("renewal_anchor", self.renewal_anchor, RenewalAnchor)
        c.instance("grace", self.grace, Duration)
        for field in ("prerequisites", "satisfies"):
            values = getattr(self, field)
            if c.each(field, values, c.identifier, unique=True):
                for i, value in enumerate(values):
                    c.require(value != self.id, f"{field}[{i}]", "must not be the type itself")
        c.each(
            "reminder_days",
            self.reminder_days,
            lambda path, value: c.integer(path, value, minimum=1, maximum=_MAX_DAYS),
            unique=True,
        )
        c.integer("version", self.version, minimum=0)
