"""Property tests for prmcore.periods: calendars tile time, windows and month arithmetic."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from prmcore.errors import ValidationError
from prmcore.periods import (
    FiscalYearCalendar,
    HalfYearCalendar,
    MonthCalendar,
    Period,
    PeriodCalendar,
    QuarterCalendar,
    add_months,
    add_years,
    calendar_from_dict,
    calendar_to_dict,
    month_end,
    month_start,
    trailing,
    trailing_full_months,
)
from prmcore.serialization import from_dict, from_json, to_dict, to_json

ONE_DAY = dt.timedelta(days=1)

# Two years away from year 1 and year 9999, where a fiscal year (or the one before or after
# it) may not fit in the supported dates.
LAST = dt.date(9997, 12, 31)
dates = st.dates(min_value=dt.date(3, 1, 1), max_value=LAST)
# Far enough inside the supported dates for a shift of up to two hundred years either way.
middle_dates = st.dates(min_value=dt.date(201, 1, 1), max_value=dt.date(9798, 12, 31))
BuiltIn = MonthCalendar | QuarterCalendar | HalfYearCalendar | FiscalYearCalendar
calendars: st.SearchStrategy[BuiltIn] = st.one_of(
    [
        st.builds(
            kind,
            start_month=st.integers(1, 12),
            name_years_by=st.sampled_from(["end", "start"]),
        )
        for kind in (MonthCalendar, QuarterCalendar, HalfYearCalendar, FiscalYearCalendar)
    ]
)
periods = st.tuples(dates, st.integers(0, 800)).map(
    lambda pair: Period(pair[0], min(pair[0] + dt.timedelta(days=pair[1]), LAST))
)


def month_number(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


@given(calendars, dates)
def test_period_containing_contains_the_day(calendar: PeriodCalendar, d: dt.date) -> None:
    period = calendar.period_containing(d)
    assert d in period
    assert period.label
    assert calendar.is_period(period)
    # Every day of the period maps back to the same period.
    assert calendar.period_containing(period.start) == period
    assert calendar.period_containing(period.end) == period


@given(calendars, dates)
def test_periods_are_whole_months(calendar: BuiltIn, d: dt.date) -> None:
    period = calendar.period_containing(d)
    assert period.start == month_start(period.start)
    assert period.end == month_end(period.end)
    assert month_number(period.end) - month_number(period.start) + 1 == calendar.period_months
    assert (period.start.month - calendar.start_month) % calendar.period_months == 0


@given(calendars, dates)
def test_consecutive_periods_tile_time(calendar: PeriodCalendar, d: dt.date) -> None:
    period = calendar.period_containing(d)
    after = calendar.next_period(period)
    before = calendar.previous_period(period)
    assert after.start == period.end + ONE_DAY
    assert before.end == period.start - ONE_DAY
    assert calendar.previous_period(after) == period
    assert calendar.next_period(before) == period
    assert not after.overlaps(period)
    assert not before.overlaps(period)


@given(calendars, dates, st.integers(0, 2000))
def test_periods_between_covers_the_range_exactly(
    calendar: PeriodCalendar, start: dt.date, length: int
) -> None:
    end = min(start + dt.timedelta(days=length), LAST)
    found = calendar.periods_between(start, end)
    assert found[0] == calendar.period_containing(start)
    assert found[-1] == calendar.period_containing(end)
    assert found == sorted(found)
    for earlier, later in itertools.pairwise(found):
        assert later.start == earlier.end + ONE_DAY
    window = Period(start, end)
    assert all(period.overlaps(window) for period in found)
    shared = [p.intersection(window) for p in found]
    assert sum(p.days for p in shared if p is not None) == window.days
    assert None not in shared


@given(calendars, dates)
def test_years_hold_whole_periods(calendar: BuiltIn, d: dt.date) -> None:
    year = calendar.year_containing(d)
    assert d in year
    assert year.covers(calendar.period_containing(d))
    assert year.start.month == calendar.start_month
    assert year.end == add_months(year.start, 12) - ONE_DAY
    assert (
        year.label
        == f"FY{year.end.year if calendar.name_years_by == 'end' else year.start.year:04d}"
    )
    inside = calendar.periods_in_year(d)
    assert inside[0].start == year.start
    assert inside[-1].end == year.end
    assert len(inside) == 12 // calendar.period_months
    # Labels inside one year are all different.
    assert len({p.label for p in inside}) == len(inside)


@given(st.integers(1, 12), dates)
def test_quarter_labels_count_within_the_fiscal_year(start_month: int, d: dt.date) -> None:
    calendar = QuarterCalendar(start_month=start_month)
    quarters = calendar.periods_in_year(d)
    prefix = str(calendar.year_containing(d))
    if start_month == 1:
        prefix = f"{quarters[0].start.year:04d}"
    assert [p.label for p in quarters] == [f"{prefix}-Q{n}" for n in range(1, 5)]


@given(calendars)
def test_calendar_round_trip(calendar: PeriodCalendar) -> None:
    data = calendar_to_dict(calendar)
    assert calendar_from_dict(data) == calendar
    assert to_dict(calendar) == data
    assert from_dict(PeriodCalendar, data) == calendar  # type: ignore[type-abstract]
    assert from_json(PeriodCalendar, to_json(calendar)) == calendar  # type: ignore[type-abstract]
    assert from_json(type(calendar), to_json(calendar)) == calendar


@given(calendars, dates)
def test_period_round_trip(calendar: PeriodCalendar, d: dt.date) -> None:
    period = calendar.period_containing(d)
    loaded = from_json(Period, to_json(period))
    assert loaded == period
    assert loaded.label == period.label
    assert from_dict(Period, to_dict(period)) == period


@given(middle_dates, st.integers(-1200, 1200))
def test_add_months_lands_in_the_right_month(d: dt.date, months: int) -> None:
    result = add_months(d, months)
    assert month_number(result) == month_number(d) + months
    assert result.day <= d.day
    if result.day < d.day:
        assert result == month_end(result)
    if d.day <= 28:
        assert result.day == d.day


@given(st.dates(), st.integers(-130_000, 130_000))
def test_add_months_is_the_calendar_shift_of_relativedelta(d: dt.date, months: int) -> None:
    """The plain arithmetic gives what relativedelta gives, and the same error outside the
    supported dates."""
    try:
        expected: dt.date | None = d + relativedelta(months=months)
    except (ValueError, OverflowError):
        expected = None
    if expected is None:
        with pytest.raises(ValidationError) as caught:
            add_months(d, months)
        assert caught.value.paths == ("months",)
    else:
        assert add_months(d, months) == expected


@given(middle_dates, st.integers(-100, 100))
def test_add_years_is_twelve_months(d: dt.date, years: int) -> None:
    assert add_years(d, years) == add_months(d, 12 * years)


@given(periods, periods)
def test_overlap_and_intersection_agree(a: Period, b: Period) -> None:
    both = a.intersection(b)
    assert a.overlaps(b) == b.overlaps(a) == (both is not None)
    assert both == b.intersection(a)
    if both is not None:
        assert a.covers(both)
        assert b.covers(both)
        assert both.days <= min(a.days, b.days)
    assert a.covers(b) == (a.intersection(b) == b)


@given(periods)
def test_days_and_dates_agree(period: Period) -> None:
    days = list(period.dates())
    assert len(days) == period.days
    assert days[0] == period.start
    assert days[-1] == period.end
    assert all(d in period for d in days)
    assert period.start - ONE_DAY not in period
    assert period.end + ONE_DAY not in period


@given(st.integers(1, 240), middle_dates)
def test_trailing_window(months: int, as_of: dt.date) -> None:
    window = trailing(months, as_of)
    assert window.end == as_of
    assert window.start == add_months(as_of + ONE_DAY, -months)
    # Never shorter than the shortest run of that many months, never longer than the longest.
    assert 28 * months <= window.days <= 31 * months + 1
    # Moving the end forwards never moves the start backwards.
    assert trailing(months, as_of + ONE_DAY).start >= window.start


@given(st.integers(1, 240), middle_dates)
def test_trailing_at_month_end_is_whole_months(months: int, d: dt.date) -> None:
    as_of = month_end(d)
    window = trailing(months, as_of)
    monthly = MonthCalendar().periods_between(window.start, window.end)
    assert len(monthly) == months
    assert monthly[0].start == window.start


@given(st.integers(1, 240), middle_dates)
def test_trailing_full_months(months: int, as_of: dt.date) -> None:
    window = trailing_full_months(months, as_of)
    assert window.end == month_start(as_of) - ONE_DAY
    assert MonthCalendar().periods_between(window.start, window.end) == [
        MonthCalendar().period_containing(add_months(as_of, -n)) for n in range(months, 0, -1)
    ]


@given(
    calendars,
    st.dates(max_value=dt.date(1, 12, 31)) | st.dates(min_value=dt.date(9999, 1, 1)),
)
def test_edge_years_give_a_period_or_a_validation_error(calendar: BuiltIn, d: dt.date) -> None:
    problems: tuple[str, ...] = ()
    try:
        assert d in calendar.period_containing(d)
    except ValidationError as err:
        problems = err.paths
    # A January year keeps every period inside one calendar year, so nothing spills over.
    if calendar.start_month == 1 or isinstance(calendar, MonthCalendar):
        assert problems == ()
    else:
        assert problems in ((), ("d",))
