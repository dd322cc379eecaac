"""Periods and period calendars: the spans of days that commissions accumulate over and that
program requirements look back over.

A :class:`Period` is a run of whole days with **both ends inclusive**: January 2026 is
``Period(date(2026, 1, 1), date(2026, 1, 31))``. A :class:`PeriodCalendar` cuts time into
consecutive periods with no gap and no overlap (months, quarters, halves, fiscal years), all
aligned to a fiscal year that starts on the first day of a configurable month. Fiscal years are
named by the calendar year in which they end (a year from February 2026 to January 2027 is
``FY2027``) unless a calendar says ``name_years_by="start"``.

Month arithmetic clamps to the end of the month (January 31 plus one month is February 28, or
February 29 in a leap year), through python-dateutil's ``relativedelta``. Nothing here reads the
clock: every function takes the day it works from as an argument.

Examples:
    >>> import datetime as dt
    >>> calendar = QuarterCalendar(start_month=2)
    >>> quarter = calendar.period_containing(dt.date(2026, 3, 15))
    >>> print(quarter, quarter.start, quarter.end)
    FY2027-Q1 2026-02-01 2026-04-30
    >>> print(trailing(12, dt.date(2026, 3, 15)))
    2025-03-16..2026-03-15
    >>> add_months(dt.date(2027, 1, 31), 1)
    datetime.date(2027, 2, 28)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import abc
import calendar as _calendar
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from prmcore._checks import Checks, Validated
from prmcore.errors import Problem, ValidationError
from prmcore.serialization import converter, storage_converter

__all__ = [
    "FiscalYearCalendar",
    "HalfYearCalendar",
    "MonthCalendar",
    "Period",
    "PeriodCalendar",
    "QuarterCalendar",
    "YearNaming",
    "add_months",
    "add_years",
    "calendar_from_dict",
    "calendar_to_dict",
    "month_end",
    "month_start",
    "trailing",
    "trailing_full_months",
]

_ONE_DAY = dt.timedelta(days=1)
_SUPPORTED = f"the supported dates ({dt.date.min.isoformat()}..{dt.date.max.isoformat()})"

YearNaming: TypeAlias = Literal["end", "start"]
"""How a calendar names its fiscal years: ``"end"`` (the default) by the calendar year in which
the fiscal year ends, ``"start"`` by the year in which it starts. The two agree for a fiscal year
that starts in January.

.. versionadded:: 0.1.0
"""


# --- argument checks ---------------------------------------------------------------------------


def _require_dates(**values: object) -> None:
    checks = Checks()
    for path, value in values.items():
        checks.date(path, value)
    checks.done()


def _require_period(path: str, value: object) -> None:
    checks = Checks()
    checks.instance(path, value, Period)
    checks.done()


@contextmanager
def _reported_at(path: str) -> Iterator[None]:
    """Report problems raised inside at *path*: a helper's own argument names mean nothing to
    the caller of the public function."""
    try:
        yield
    except ValidationError as err:
        raise ValidationError([Problem(path, p.message) for p in err.problems]) from None


# --- month arithmetic --------------------------------------------------------------------------


def _shift(d: dt.date, delta: relativedelta, path: str, what: str) -> dt.date:
    """``d + delta``, or a :class:`ValidationError` at *path* saying that *what* does not fit."""
    try:
        return d + delta
    except (ValueError, OverflowError):
        # relativedelta raises ValueError outside years 1-9999, OverflowError for absurd counts.
        raise ValidationError(f"{what} is outside {_SUPPORTED}", path) from None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: dt.date, months: int) -> dt.date:
    """Return *d* moved by *months* calendar months, clamped to the end of the target month.

    The day of the month is kept when the target month has it, otherwise the result is the
    target month's last day. Clamping loses information, so adding then subtracting a month
    does not always return the start (March 31 - 1 month + 1 month is March 28).

    Args:
        d: The day to start from (a :class:`datetime.date`, not a ``datetime``).
        months: How many months to move; negative moves back.

    Raises:
        ValidationError: *d* is not a date (path ``d``), *months* is not an integer (path
            ``months``), or the result is outside the dates Python supports (path ``months``).

    Examples:
        >>> add_months(dt.date(2026, 1, 31), 1), add_months(dt.date(2028, 1, 31), 1)
        (datetime.date(2026, 2, 28), datetime.date(2028, 2, 29))
        >>> add_months(dt.date(2026, 3, 31), -1)
        datetime.date(2026, 2, 28)

    .. versionadded:: 0.1.0
    """
    if type(d) is dt.date and type(months) is int:
        # The common case in plain arithmetic, the same as relativedelta (which costs many
        # times more: level decisions shift dates for every partner evaluated).
        year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
        if dt.MINYEAR <= year <= dt.MAXYEAR:
            day = d.day
            if day > 28:
                last = _MONTH_DAYS[month] + (month == 1 and _calendar.isleap(year))
                day = min(day, last)
            return dt.date(year, month + 1, day)
    checks = Checks()
    checks.date("d", d)
    checks.integer("months", months)
    checks.done()
    return _shift(d, relativedelta(months=months), "months", f"{d.isoformat()} {months:+d} months")


def add_years(d: dt.date, years: int) -> dt.date:
    """Return *d* moved by *years* calendar years; February 29 becomes February 28 in a year
    that is not a leap year.

    Args:
        d: The day to start from (a :class:`datetime.date`, not a ``datetime``).
        years: How many years to move; negative moves back.

    Raises:
        ValidationError: *d* is not a date (path ``d``), *years* is not an integer (path
            ``years``), or the result is outside the dates Python supports (path ``years``).

    Examples:
        >>> add_years(dt.date(2028, 2, 29), 1)
        datetime.date(2029, 2, 28)

    .. versionadded:: 0.1.0
    """
    checks = Checks()
    checks.date("d", d)
    checks.integer("years", years)
    checks.done()
    return _shift(d, relativedelta(years=years), "years", f"{d.isoformat()} {years:+d} years")


def month_start(d: dt.date) -> dt.date:
    """Return the first day of the month containing *d*.

    Raises:
        ValidationError: *d* is not a date (path ``d``).

    Examples:
        >>> month_start(dt.date(2026, 2, 17))
        datetime.date(2026, 2, 1)

    .. versionadded:: 0.1.0
    """
    _require_dates(d=d)
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    """Return the last day of the month containing *d*.

    Raises:
        ValidationError: *d* is not a date (path ``d``).

    Examples:
        >>> month_end(dt.date(2028, 2, 3))
        datetime.date(2028, 2, 29)

    .. versionadded:: 0.1.0
    """
    _require_dates(d=d)
    # An absolute day of 31 is clamped by relativedelta to the month's last day.
    return d + relativedelta(day=31)


# --- periods -----------------------------------------------------------------------------------


@attrs.frozen(order=True)
class Period(Validated):
    """A run of whole days from *start* to *end*, both inclusive.

    Periods are ordered by start, then end. The *label* is for display only ("2026-Q2"): it is
    not part of equality, hashing or ordering, so a quarter made by a calendar equals the
    unlabelled ``Period`` with the same days. :func:`attrs.evolve` keeps the label, so pass a
    new one (or ``label=None``) when changing the dates.

    Args:
        start: The first day.
        end: The last day (not before *start*; equal to it for a one-day period).
        label: An optional display name; calendars set one on every period they make.

    Raises:
        ValidationError: Listing every problem: *start* or *end* not a date (a ``datetime``
            is refused too), *end* before *start* (path ``end``), *label* not a non-blank
            string of at most 100 characters.

    Examples:
        >>> january = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31), label="2026-01")
        >>> january.days, dt.date(2026, 1, 31) in january, str(january)
        (31, True, '2026-01')
        >>> january == Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        True
        >>> str(Period(dt.date(2026, 1, 5), dt.date(2026, 2, 3)))
        '2026-01-05..2026-02-03'

    .. versionadded:: 0.1.0
    """

    start: dt.date
    end: dt.date
    label: str | None = attrs.field(default=None, eq=False, kw_only=True)

    def _validate(self, c: Checks) -> None:
        # & rather than "and": both dates are checked even when the first is bad.
        if c.date("start", self.start) & c.date("end", self.end):
            c.date_order("start", self.start, "end", self.end)
        c.optional_text("label", self.label, max_length=100)

    def __str__(self) -> str:
        return self.label or f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __contains__(self, d: object) -> bool:
        """Whether the day *d* is inside this period (ends included).

        Raises:
            ValidationError: *d* is not a date; a ``datetime`` is refused because a moment
                needs a time zone before it names a day.
        """
        _require_dates(d=d)
        assert isinstance(d, dt.date)
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        """The number of days in the period, both ends counted (a one-day period has 1)."""
        return (self.end - self.start).days + 1

    def dates(self) -> Iterator[dt.date]:
        """Yield every day of the period in order, from :attr:`start` to :attr:`end`."""
        for offset in range(self.days):
            yield self.start + dt.timedelta(days=offset)

    def overlaps(self, other: Period) -> bool:
        """Whether this period and *other* share at least one day.

        Raises:
            ValidationError: *other* is not a :class:`Period` (path ``other``).
        """
        _require_period("other", other)
        return self.start <= other.end and other.start <= self.end

    def covers(self, other: Period) -> bool:
        """Whether every day of *other* is inside this period.

        Raises:
            ValidationError: *other* is not a :class:`Period` (path ``other``).
        """
        _require_period("other", other)
        return self.start <= other.start and other.end <= self.end

    def intersection(self, other: Period) -> Period | None:
        """The days this period and *other* share, as an unlabelled period, or ``None`` when
        they share none.

        Raises:
            ValidationError: *other* is not a :class:`Period` (path ``other``).
        """
        _require_period("other", other)
        start = max(self.start, other.start)
        end = min(self.end, other.end)
        return Period(start, end) if start <= end else None


# --- trailing windows --------------------------------------------------------------------------


def trailing(months: int, as_of: dt.date) -> Period:
    """Return the window of *months* months that ends on *as_of*, inclusive.

    The window runs from ``add_months(as_of + 1 day, -months)`` to *as_of*: with ``D`` the day
    after *as_of*, it is the half-open span ``[D - months, D)`` in clamped month arithmetic
    (:func:`add_months`). So ``trailing(12, 2026-03-15)`` is 2025-03-16..2026-03-15 and
    ``trailing(1, 2026-03-30)`` is 2026-02-28..2026-03-30. Counting back from the day after
    makes a window that ends on a month's last day exactly *months* whole calendar months
    (``trailing(1, 2026-02-28)`` is February 2026), and the start never moves backwards as
    *as_of* moves forwards. Windows are not labelled.

    Args:
        months: The window's length in months, at least 1.
        as_of: The last day of the window.

    Raises:
        ValidationError: *months* is not an integer of at least 1 (path ``months``), *as_of*
            is not a date (path ``as_of``), or the window starts before the first date Python
            supports (path ``months``).

    Examples:
        >>> print(trailing(12, dt.date(2026, 3, 15)))
        2025-03-16..2026-03-15
        >>> print(trailing(3, dt.date(2026, 4, 30)))
        2026-02-01..2026-04-30

    .. versionadded:: 0.1.0
    """
    checks = Checks()
    checks.integer("months", months, minimum=1)
    checks.date("as_of", as_of)
    checks.done()
    what = f"the {months}-month window ending {as_of.isoformat()}"
    if as_of == month_end(as_of):
        # The day after is the 1st of the next month (and past date.max for 9999-12-31), so
        # counting back from it lands on the 1st of the month months - 1 before as_of's.
        start = _shift(as_of.replace(day=1), relativedelta(months=1 - months), "months", what)
    else:
        start = _shift(as_of + _ONE_DAY, relativedelta(months=-months), "months", what)
    return Period(start, as_of)


def trailing_full_months(months: int, as_of: dt.date) -> Period:
    """Return the *months* complete calendar months before the month containing *as_of*.

    The month of *as_of* is never included, even when *as_of* is its last day: use
    :func:`trailing` for a window that ends on *as_of*. Windows are not labelled.

    Args:
        months: How many calendar months, at least 1.
        as_of: Any day of the month that follows the window.

    Raises:
        ValidationError: *months* is not an integer of at least 1 (path ``months``), *as_of*
            is not a date (path ``as_of``), or the window starts before the first date Python
            supports (path ``months``).

    Examples:
        >>> print(trailing_full_months(12, dt.date(2026, 3, 15)))
        2025-03-01..2026-02-28

    .. versionadded:: 0.1.0
    """
    checks = Checks()
    checks.integer("months", months, minimum=1)
    checks.date("as_of", as_of)
    checks.done()
    first = as_of.replace(day=1)
    what = f"the {months} months before {first.isoformat()}"
    start = _shift(first, relativedelta(months=-months), "months", what)
    return Period(start, first - _ONE_DAY)


# --- calendars ---------------------------------------------------------------------------------


class PeriodCalendar(abc.ABC):
    """A way of cutting time into consecutive periods, with no gap and no overlap, grouped
    into (fiscal or plan) years.

    Subclasses implement :meth:`period_containing` and :meth:`year_containing`; the other
    methods are built on those two. The built-in calendars are :class:`MonthCalendar`,
    :class:`QuarterCalendar`, :class:`HalfYearCalendar` and :class:`FiscalYearCalendar`; they
    serialize as tagged dicts (see :func:`calendar_to_dict`), also through
    :mod:`prmcore.serialization` for any field declared as ``PeriodCalendar``.

    Examples:
        >>> calendar = MonthCalendar()
        >>> [str(p) for p in calendar.periods_between(dt.date(2025, 12, 20), dt.date(2026, 2, 1))]
        ['2025-12', '2026-01', '2026-02']

    .. versionadded:: 0.1.0
    """

    __slots__ = ()

    kind: ClassVar[str]
    """The tag that names the calendar in its dict form (``"quarter"``)."""

    @abc.abstractmethod
    def period_containing(self, d: dt.date) -> Period:
        """Return the labelled period of this calendar that contains the day *d*.

        Raises:
            ValidationError: *d* is not a date, or the period reaches outside the dates
                Python supports (path ``d``).
        """
        ...

    @abc.abstractmethod
    def year_containing(self, d: dt.date) -> Period:
        """Return the (fiscal or plan) year that contains the day *d*, labelled ``FY2027``.

        Per-plan-year caps and year-to-date figures are scoped by this year.

        Raises:
            ValidationError: *d* is not a date, or the year reaches outside the dates Python
                supports (path ``d``).
        """
        ...

    def next_period(self, period: Period) -> Period:
        """Return the period that contains the day after *period* ends.

        For a period of this calendar that is the next one in sequence, starting the day after
        *period* ends; any other period is accepted too.

        Raises:
            ValidationError: *period* is not a :class:`Period`, or no supported date follows it
                (path ``period``).
        """
        _require_period("period", period)
        if period.end == dt.date.max:
            raise ValidationError(f"no period after {period}: {_SUPPORTED} end there", "period")
        with _reported_at("period"):
            return self.period_containing(period.end + _ONE_DAY)

    def previous_period(self, period: Period) -> Period:
        """Return the period that contains the day before *period* starts.

        For a period of this calendar that is the previous one in sequence; it inverts
        :meth:`next_period`.

        Raises:
            ValidationError: *period* is not a :class:`Period`, or no supported date precedes it
                (path ``period``).
        """
        _require_period("period", period)
        if period.start == dt.date.min:
            raise ValidationError(f"no period before {period}: {_SUPPORTED} start there", "period")
        with _reported_at("period"):
            return self.period_containing(period.start - _ONE_DAY)

    def periods_between(self, start: dt.date, end: dt.date) -> list[Period]:
        """Return every period of this calendar that shares a day with *start*..*end*
        (inclusive), in order: the first contains *start*, the last contains *end*.

        Raises:
            ValidationError: Listing every problem: *start* or *end* not a date, *end* before
                *start* (path ``end``), a period reaching outside the supported dates.
        """
        checks = Checks()
        if checks.date("start", start) & checks.date("end", end):
            checks.date_order("start", start, "end", end)
        checks.done()
        with _reported_at("start"):
            period = self.period_containing(start)
        found = [period]
        with _reported_at("end"):
            while period.end < end:
                period = self.next_period(period)
                found.append(period)
        return found

    def periods_in_year(self, d: dt.date) -> list[Period]:
        """Return the periods of the year containing *d* (see :meth:`year_containing`), in
        order: the twelve months, four quarters, two halves or the one year.

        Raises:
            ValidationError: *d* is not a date, or the year reaches outside the supported dates
                (path ``d``).
        """
        year = self.year_containing(d)
        return self.periods_between(year.start, year.end)

    def is_period(self, period: Period) -> bool:
        """Whether *period* has exactly the days of one of this calendar's periods (labels
        are ignored).

        Raises:
            ValidationError: *period* is not a :class:`Period` (path ``period``).
        """
        _require_period("period", period)
        try:
            return self.period_containing(period.start) == period
        except ValidationError:
            # Its start lies in a period that does not fit in the supported dates: not one of
            # ours, since periods are always whole.
            return False


def _month(ordinal: int) -> dt.date:
    """The first day of the month *ordinal* months after January of year 0."""
    year, month0 = divmod(ordinal, 12)
    return dt.date(year, month0 + 1, 1)


@attrs.frozen
class _MonthSpanCalendar(PeriodCalendar, Validated):
    """Periods of :attr:`period_months` months, aligned to a year starting in *start_month*."""

    start_month: int = 1
    name_years_by: YearNaming = "end"

    period_months: ClassVar[int]
    """How many calendar months each period has (1, 3, 6 or 12); handy for pro-rating annual
    quotas."""

    def _validate(self, c: Checks) -> None:
        c.integer("start_month", self.start_month, minimum=1, maximum=12)
        c.one_of("name_years_by", self.name_years_by, ("end", "start"))

    def period_containing(self, d: dt.date) -> Period:
        _require_dates(d=d)
        return self._span(d, self.period_months, self.kind.replace("_", " "), self._label)

    def year_containing(self, d: dt.date) -> Period:
        _require_dates(d=d)
        return self._span(d, 12, "year", lambda first: f"FY{self._fiscal_year(first):04d}")

    def _span(self, d: dt.date, months: int, noun: str, label: Callable[[int], str]) -> Period:
        ordinal = d.year * 12 + d.month - 1
        # Python's % is never negative here, so this floors to the period's first month.
        first = ordinal - (ordinal - (self.start_month - 1)) % months
        last = first + months - 1
        if first < 12 or last >= 10000 * 12:
            raise ValidationError(
                f"the {noun} containing {d.isoformat()} does not fit in {_SUPPORTED}",
                "d",
            )
        return Period(_month(first), month_end(_month(last)), label=label(first))

    def _fiscal_year(self, first: int) -> int:
        """The number of the fiscal year that contains month ordinal *first*."""
        year, month0 = divmod(first, 12)
        start_year = year if month0 + 1 >= self.start_month else year - 1
        if self.name_years_by == "start" or self.start_month == 1:
            return start_year
        return start_year + 1

    def _index_in_year(self, first: int) -> int:
        """1 for the first period of the fiscal year, 2 for the second, and so on."""
        return (first % 12 - (self.start_month - 1)) % 12 // self.period_months + 1

    def _year_prefix(self, first: int) -> str:
        # Quarters and halves of a January year are the familiar calendar ones ("2026-Q2").
        if self.start_month == 1:
            return f"{first // 12:04d}"
        return f"FY{self._fiscal_year(first):04d}"

    @abc.abstractmethod
    def _label(self, first: int) -> str:
        """The display label of the period whose first month has ordinal *first*."""


@attrs.frozen
class MonthCalendar(_MonthSpanCalendar):
    """Calendar months, labelled ``2026-03``.

    *start_month* only sets the year that :meth:`year_containing` returns, for plans paid
    monthly with caps per fiscal year.

    Args:
        start_month: The month (1-12) in which the fiscal year starts; default January.
        name_years_by: How fiscal years are named (see :data:`YearNaming`); default by the
            year in which they end.

    Raises:
        ValidationError: *start_month* is not an integer from 1 to 12 (path ``start_month``),
            or *name_years_by* is not ``"end"`` or ``"start"`` (path ``name_years_by``).

    Examples:
        >>> calendar = MonthCalendar(start_month=4)
        >>> print(calendar.period_containing(dt.date(2026, 3, 31)))
        2026-03
        >>> year = calendar.year_containing(dt.date(2026, 3, 31))
        >>> print(year, year.start, year.end)
        FY2026 2025-04-01 2026-03-31

    .. versionadded:: 0.1.0
    """

    kind: ClassVar[str] = "month"
    period_months: ClassVar[int] = 1

    def _label(self, first: int) -> str:
        return f"{first // 12:04d}-{first % 12 + 1:02d}"


@attrs.frozen
class QuarterCalendar(_MonthSpanCalendar):
    """Quarters of a fiscal year starting in *start_month*.

    Quarters of a January year are labelled ``2026-Q2``; other quarters carry the fiscal year,
    ``FY2027-Q1`` (February to April 2026 when the year starts in February).

    Args:
        start_month: The month (1-12) in which the fiscal year, and so its first quarter,
            starts; default January.
        name_years_by: How fiscal years are named (see :data:`YearNaming`); default by the
            year in which they end.

    Raises:
        ValidationError: *start_month* is not an integer from 1 to 12 (path ``start_month``),
            or *name_years_by* is not ``"end"`` or ``"start"`` (path ``name_years_by``).

    Examples:
        >>> q = QuarterCalendar(start_month=2).period_containing(dt.date(2026, 1, 15))
        >>> print(q, q.start, q.end)
        FY2026-Q4 2025-11-01 2026-01-31

    .. versionadded:: 0.1.0
    """

    kind: ClassVar[str] = "quarter"
    period_months: ClassVar[int] = 3

    def _label(self, first: int) -> str:
        return f"{self._year_prefix(first)}-Q{self._index_in_year(first)}"


@attrs.frozen
class HalfYearCalendar(_MonthSpanCalendar):
    """Halves of a fiscal year starting in *start_month*.

    Halves of a January year are labelled ``2026-H1``; others carry the fiscal year,
    ``FY2027-H1``.

    Args:
        start_month: The month (1-12) in which the fiscal year, and so its first half,
            starts; default January.
        name_years_by: How fiscal years are named (see :data:`YearNaming`); default by the
            year in which they end.

    Raises:
        ValidationError: *start_month* is not an integer from 1 to 12 (path ``start_month``),
            or *name_years_by* is not ``"end"`` or ``"start"`` (path ``name_years_by``).

    Examples:
        >>> print(HalfYearCalendar().period_containing(dt.date(2026, 7, 1)))
        2026-H2

    .. versionadded:: 0.1.0
    """

    kind: ClassVar[str] = "half_year"
    period_months: ClassVar[int] = 6

    def _label(self, first: int) -> str:
        return f"{self._year_prefix(first)}-H{self._index_in_year(first)}"


@attrs.frozen
class FiscalYearCalendar(_MonthSpanCalendar):
    """Fiscal years of twelve months starting on the 1st of *start_month*, labelled
    ``FY2027``.

    A fiscal year is named by the calendar year in which it ends (April 2026 to March 2027 is
    ``FY2027``), or by the year in which it starts with ``name_years_by="start"``. A January
    fiscal year is the calendar year, ``FY2026``.

    Args:
        start_month: The month (1-12) in which each fiscal year starts; default January.
        name_years_by: How fiscal years are named (see :data:`YearNaming`).

    Raises:
        ValidationError: *start_month* is not an integer from 1 to 12 (path ``start_month``),
            or *name_years_by* is not ``"end"`` or ``"start"`` (path ``name_years_by``).

    Examples:
        >>> fy = FiscalYearCalendar(start_month=4).period_containing(dt.date(2026, 4, 1))
        >>> print(fy, fy.start, fy.end)
        FY2027 2026-04-01 2027-03-31
        >>> print(FiscalYearCalendar(4, name_years_by="start").period_containing(fy.start))
        FY2026

    .. versionadded:: 0.1.0
    """

    kind: ClassVar[str] = "fiscal_year"
    period_months: ClassVar[int] = 12

    def _label(self, first: int) -> str:
        return f"FY{self._fiscal_year(first):04d}"


# --- calendar serialization --------------------------------------------------------------------

_CALENDARS: Mapping[str, type[_MonthSpanCalendar]] = MappingProxyType(
    {
        cls.kind: cls
        for cls in (MonthCalendar, QuarterCalendar, HalfYearCalendar, FiscalYearCalendar)
    }
)


def calendar_to_dict(calendar: PeriodCalendar) -> dict[str, Any]:
    """Return the JSON-ready tagged dict of a built-in calendar: ``kind`` and every setting.

    :func:`prmcore.serialization.to_dict` gives the same dict.

    Raises:
        TypeError: *calendar* is not one of the built-in calendar classes (a host's own
            calendar has to be stored its own way).

    Examples:
        >>> calendar_to_dict(QuarterCalendar(start_month=2))
        {'kind': 'quarter', 'start_month': 2, 'name_years_by': 'end'}

    .. versionadded:: 0.1.0
    """
    cls = type(calendar)
    known = _CALENDARS.get(getattr(cls, "kind", ""))
    if known is None or known is not cls:
        raise TypeError(
            f"{cls.__name__} is not a built-in calendar ({', '.join(_CALENDARS)}); "
            "serialize it yourself"
        )
    return {"kind": known.kind} | {f.name: getattr(calendar, f.name) for f in attrs.fields(known)}


def calendar_from_dict(data: object) -> PeriodCalendar:
    """Build a calendar from its tagged dict, validating fully.

    Settings left out take their defaults. :func:`prmcore.serialization.from_dict` with
    ``PeriodCalendar`` (or a concrete calendar class) as the type does the same.

    Raises:
        ValidationError: Listing every problem: *data* not an object, ``kind`` missing or
            unknown (the message lists the allowed kinds), unknown fields, bad settings.

    Examples:
        >>> calendar_from_dict({"kind": "fiscal_year", "start_month": 4})
        FiscalYearCalendar(start_month=4, name_years_by='end')

    .. versionadded:: 0.1.0
    """
    return _load_calendar(data, PeriodCalendar)


def _load_calendar(data: object, expected: type[Any]) -> PeriodCalendar:
    allowed = [kind for kind, cls in _CALENDARS.items() if issubclass(cls, expected)]
    if not isinstance(data, Mapping):
        raise ValidationError(
            f"must be an object with a 'kind' (one of {', '.join(map(repr, allowed))}), "
            f"got {type(data).__name__} {data!r}"
        )
    checks = Checks()
    if "kind" not in data:
        checks.add("kind", f"required field is missing; one of {', '.join(map(repr, allowed))}")
    else:
        checks.one_of("kind", data["kind"], allowed)
    checks.done()
    cls = _CALENDARS[data["kind"]]
    names = set(attrs.fields_dict(cls))
    for key in sorted(map(str, data)):
        if key != "kind" and key not in names:
            checks.add(key, "unknown field (not part of the schema)")
    calendar: PeriodCalendar | None = None
    try:
        calendar = cls(**{key: value for key, value in data.items() if key in names})
    except ValidationError as err:
        checks.problems.extend(err.problems)
    checks.done()
    assert calendar is not None
    return calendar


def _is_calendar_type(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, PeriodCalendar)


for _converter in (converter, storage_converter):
    _converter.register_structure_hook_func(_is_calendar_type, _load_calendar)
    _converter.register_unstructure_hook_func(_is_calendar_type, calendar_to_dict)
