"""Unit tests for prmcore.periods: month arithmetic, Period, calendars, trailing windows."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

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
from prmcore.serialization import from_dict, from_json, storage_converter, to_dict, to_json

D = dt.date


def paths(excinfo: pytest.ExceptionInfo[ValidationError]) -> tuple[str, ...]:
    return excinfo.value.paths


def spans(periods: list[Period]) -> list[tuple[str, str, str]]:
    return [(p.start.isoformat(), p.end.isoformat(), str(p)) for p in periods]


# --- month arithmetic --------------------------------------------------------------------------


class TestAddMonths:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (D(2027, 1, 31), 1, D(2027, 2, 28)),
            (D(2028, 1, 31), 1, D(2028, 2, 29)),
            (D(2026, 3, 31), -1, D(2026, 2, 28)),
            (D(2028, 3, 31), -1, D(2028, 2, 29)),
            (D(2026, 5, 31), 1, D(2026, 6, 30)),
            (D(2026, 1, 15), 0, D(2026, 1, 15)),
            (D(2026, 11, 30), 3, D(2027, 2, 28)),
            (D(2026, 1, 31), -13, D(2024, 12, 31)),
            (D(2026, 8, 31), 18, D(2028, 2, 29)),
        ],
    )
    def test_clamps_to_month_end(self, start: dt.date, months: int, expected: dt.date) -> None:
        assert add_months(start, months) == expected

    def test_clamping_is_lossy(self) -> None:
        assert add_months(add_months(D(2026, 3, 31), -1), 1) == D(2026, 3, 28)

    def test_rejects_bad_arguments_listing_both(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            add_months(dt.datetime(2026, 1, 1), 1.5)  # type: ignore[arg-type]
        assert paths(excinfo) == ("d", "months")

    def test_rejects_bool_months(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            add_months(D(2026, 1, 1), True)
        assert paths(excinfo) == ("months",)

    @pytest.mark.parametrize(
        ("start", "months"),
        [(D(9999, 12, 1), 1), (D(1, 1, 31), -1), (D(2026, 1, 1), 10**30)],
    )
    def test_out_of_range_is_a_validation_error(self, start: dt.date, months: int) -> None:
        with pytest.raises(ValidationError, match="outside the supported dates") as excinfo:
            add_months(start, months)
        assert paths(excinfo) == ("months",)


class TestAddYears:
    def test_leap_day_clamps(self) -> None:
        assert add_years(D(2028, 2, 29), 1) == D(2029, 2, 28)
        assert add_years(D(2028, 2, 29), -4) == D(2024, 2, 29)
        assert add_years(D(2026, 7, 14), 2) == D(2028, 7, 14)

    def test_rejects_bad_arguments(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            add_years("2026-01-01", "1")  # type: ignore[arg-type]
        assert paths(excinfo) == ("d", "years")

    def test_out_of_range(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            add_years(D(9999, 1, 1), 1)
        assert paths(excinfo) == ("years",)


class TestMonthBounds:
    def test_start_and_end(self) -> None:
        assert month_start(D(2026, 2, 17)) == D(2026, 2, 1)
        assert month_end(D(2026, 2, 17)) == D(2026, 2, 28)
        assert month_end(D(2028, 2, 1)) == D(2028, 2, 29)
        assert month_end(D(2026, 12, 31)) == D(2026, 12, 31)
        assert month_end(dt.date.max) == dt.date.max

    @pytest.mark.parametrize("function", [month_start, month_end])
    def test_rejects_datetime(self, function: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            function(dt.datetime(2026, 1, 1))  # type: ignore[operator]
        assert paths(excinfo) == ("d",)


# --- Period ------------------------------------------------------------------------------------


class TestPeriod:
    def test_inclusive_days(self) -> None:
        january = Period(D(2026, 1, 1), D(2026, 1, 31))
        assert january.days == 31
        assert D(2026, 1, 1) in january
        assert D(2026, 1, 31) in january
        assert D(2025, 12, 31) not in january
        assert D(2026, 2, 1) not in january
        assert Period(D(2026, 1, 1), D(2026, 1, 1)).days == 1

    def test_dates(self) -> None:
        days = list(Period(D(2028, 2, 27), D(2028, 3, 1)).dates())
        assert days == [D(2028, 2, 27), D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1)]

    def test_end_before_start(self) -> None:
        with pytest.raises(ValidationError, match="must not be before start") as excinfo:
            Period(D(2026, 2, 1), D(2026, 1, 31))
        assert paths(excinfo) == ("end",)

    def test_lists_every_problem(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Period(dt.datetime(2026, 1, 1), "2026-01-31", label=7)  # type: ignore[arg-type]
        assert paths(excinfo) == ("start", "end", "label")

    def test_blank_label(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Period(D(2026, 1, 1), D(2026, 1, 2), label="  ")
        assert paths(excinfo) == ("label",)

    def test_evolve_validates(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            attrs.evolve(Period(D(2026, 1, 1), D(2026, 1, 2)), end=D(2025, 1, 1))
        assert paths(excinfo) == ("end",)

    def test_label_is_display_only(self) -> None:
        plain = Period(D(2026, 1, 1), D(2026, 1, 31))
        named = Period(D(2026, 1, 1), D(2026, 1, 31), label="2026-01")
        assert plain == named
        assert hash(plain) == hash(named)
        assert str(named) == "2026-01"
        assert str(plain) == "2026-01-01..2026-01-31"

    def test_ordered_by_start_then_end(self) -> None:
        a = Period(D(2026, 1, 1), D(2026, 3, 31))
        b = Period(D(2026, 1, 1), D(2026, 1, 31), label="zzz")
        c = Period(D(2026, 2, 1), D(2026, 2, 1), label="aaa")
        assert sorted([c, a, b]) == [b, a, c]
        assert b < a < c

    def test_contains_rejects_non_dates(self) -> None:
        january = Period(D(2026, 1, 1), D(2026, 1, 31))
        with pytest.raises(ValidationError) as excinfo:
            dt.datetime(2026, 1, 5, 12) in january  # noqa: B015
        assert paths(excinfo) == ("d",)
        with pytest.raises(ValidationError):
            "2026-01-05" in january  # noqa: B015

    def test_overlaps_covers_intersection(self) -> None:
        q1 = Period(D(2026, 1, 1), D(2026, 3, 31), label="2026-Q1")
        march_april = Period(D(2026, 3, 1), D(2026, 4, 30))
        april = Period(D(2026, 4, 1), D(2026, 4, 30))
        assert q1.overlaps(march_april)
        assert march_april.overlaps(q1)
        assert not q1.overlaps(april)
        assert q1.intersection(march_april) == Period(D(2026, 3, 1), D(2026, 3, 31))
        assert q1.intersection(march_april).label is None  # type: ignore[union-attr]
        assert q1.intersection(april) is None
        # Touching on one day still overlaps.
        assert q1.intersection(Period(D(2026, 3, 31), D(2026, 5, 1))) == Period(
            D(2026, 3, 31), D(2026, 3, 31)
        )
        assert q1.covers(Period(D(2026, 2, 1), D(2026, 3, 31)))
        assert q1.covers(q1)
        assert not q1.covers(march_april)
        assert not q1.covers(Period(D(2025, 12, 31), D(2026, 1, 5)))

    @pytest.mark.parametrize("method", ["overlaps", "covers", "intersection"])
    def test_period_methods_reject_non_periods(self, method: str) -> None:
        q1 = Period(D(2026, 1, 1), D(2026, 3, 31))
        with pytest.raises(ValidationError, match="must be Period") as excinfo:
            getattr(q1, method)((D(2026, 1, 1), D(2026, 1, 2)))
        assert paths(excinfo) == ("other",)

    def test_dict_and_json_round_trip(self) -> None:
        period = Period(D(2026, 1, 1), D(2026, 1, 31), label="2026-01")
        data = to_dict(period)
        assert data == {"start": "2026-01-01", "end": "2026-01-31", "label": "2026-01"}
        loaded = from_dict(Period, data)
        assert loaded == period
        assert loaded.label == "2026-01"
        assert from_json(Period, to_json(period)).label == "2026-01"
        assert from_dict(Period, {"start": "2026-01-01", "end": "2026-01-31"}).label is None

    def test_loading_lists_problems_with_paths(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Period, {"start": "2026-02-30", "label": 3, "kind": "month"})
        assert set(paths(excinfo)) == {"start", "end", "label", "kind"}
        with pytest.raises(ValidationError) as excinfo:
            from_json(Period, '{"start": "2026-02-01", "end": "2026-01-01"}')
        assert paths(excinfo) == ("end",)


# --- calendars ---------------------------------------------------------------------------------


class TestMonthCalendar:
    def test_period_containing(self) -> None:
        march = MonthCalendar().period_containing(D(2026, 3, 15))
        assert (march.start, march.end, march.label) == (D(2026, 3, 1), D(2026, 3, 31), "2026-03")
        february = MonthCalendar().period_containing(D(2028, 2, 29))
        assert (february.start, february.end) == (D(2028, 2, 1), D(2028, 2, 29))

    def test_next_and_previous_across_years(self) -> None:
        calendar = MonthCalendar()
        december = calendar.period_containing(D(2025, 12, 31))
        assert str(calendar.next_period(december)) == "2026-01"
        assert calendar.previous_period(calendar.next_period(december)) == december
        assert str(calendar.previous_period(december)) == "2025-11"

    def test_start_month_sets_the_year_only(self) -> None:
        calendar = MonthCalendar(start_month=4)
        assert calendar.period_containing(D(2026, 3, 31)) == MonthCalendar().period_containing(
            D(2026, 3, 31)
        )
        year = calendar.year_containing(D(2026, 3, 31))
        assert (year.start, year.end, year.label) == (D(2025, 4, 1), D(2026, 3, 31), "FY2026")
        months = calendar.periods_in_year(D(2026, 3, 31))
        assert [str(p) for p in months][:2] == ["2025-04", "2025-05"]
        assert len(months) == 12
        assert str(months[-1]) == "2026-03"

    def test_calendar_year(self) -> None:
        year = MonthCalendar().year_containing(D(2026, 6, 1))
        assert (year.start, year.end, year.label) == (D(2026, 1, 1), D(2026, 12, 31), "FY2026")


class TestQuarterCalendar:
    def test_calendar_quarters(self) -> None:
        calendar = QuarterCalendar()
        assert spans(calendar.periods_in_year(D(2026, 5, 5))) == [
            ("2026-01-01", "2026-03-31", "2026-Q1"),
            ("2026-04-01", "2026-06-30", "2026-Q2"),
            ("2026-07-01", "2026-09-30", "2026-Q3"),
            ("2026-10-01", "2026-12-31", "2026-Q4"),
        ]

    def test_fiscal_quarters_starting_in_february(self) -> None:
        calendar = QuarterCalendar(start_month=2)
        q1 = calendar.period_containing(D(2026, 2, 1))
        assert (q1.start, q1.end, q1.label) == (D(2026, 2, 1), D(2026, 4, 30), "FY2027-Q1")
        january = calendar.period_containing(D(2026, 1, 31))
        assert (january.start, january.end, january.label) == (
            D(2025, 11, 1),
            D(2026, 1, 31),
            "FY2026-Q4",
        )
        assert calendar.next_period(january) == q1
        assert str(calendar.period_containing(D(2026, 12, 25))) == "FY2027-Q4"

    def test_start_year_naming(self) -> None:
        calendar = QuarterCalendar(start_month=2, name_years_by="start")
        assert str(calendar.period_containing(D(2026, 2, 1))) == "FY2026-Q1"
        assert str(calendar.year_containing(D(2026, 2, 1))) == "FY2026"

    def test_periods_between_spanning_years(self) -> None:
        calendar = QuarterCalendar(start_month=2)
        assert spans(calendar.periods_between(D(2025, 12, 15), D(2027, 2, 1))) == [
            ("2025-11-01", "2026-01-31", "FY2026-Q4"),
            ("2026-02-01", "2026-04-30", "FY2027-Q1"),
            ("2026-05-01", "2026-07-31", "FY2027-Q2"),
            ("2026-08-01", "2026-10-31", "FY2027-Q3"),
            ("2026-11-01", "2027-01-31", "FY2027-Q4"),
            ("2027-02-01", "2027-04-30", "FY2028-Q1"),
        ]

    def test_periods_between_one_day(self) -> None:
        assert spans(QuarterCalendar().periods_between(D(2026, 3, 31), D(2026, 3, 31))) == [
            ("2026-01-01", "2026-03-31", "2026-Q1")
        ]


class TestHalfYearCalendar:
    def test_calendar_halves(self) -> None:
        assert spans(HalfYearCalendar().periods_between(D(2025, 12, 31), D(2026, 7, 1))) == [
            ("2025-07-01", "2025-12-31", "2025-H2"),
            ("2026-01-01", "2026-06-30", "2026-H1"),
            ("2026-07-01", "2026-12-31", "2026-H2"),
        ]

    def test_fiscal_halves(self) -> None:
        calendar = HalfYearCalendar(start_month=10)
        assert spans(calendar.periods_in_year(D(2026, 1, 1))) == [
            ("2025-10-01", "2026-03-31", "FY2026-H1"),
            ("2026-04-01", "2026-09-30", "FY2026-H2"),
        ]


class TestFiscalYearCalendar:
    def test_fiscal_year_starting_in_april(self) -> None:
        calendar = FiscalYearCalendar(start_month=4)
        fy = calendar.period_containing(D(2026, 4, 1))
        assert (fy.start, fy.end, fy.label) == (D(2026, 4, 1), D(2027, 3, 31), "FY2027")
        before = calendar.period_containing(D(2026, 3, 31))
        assert (before.start, before.end, before.label) == (
            D(2025, 4, 1),
            D(2026, 3, 31),
            "FY2026",
        )
        assert calendar.previous_period(fy) == before
        assert calendar.year_containing(D(2026, 6, 1)) == fy
        assert calendar.periods_in_year(D(2026, 6, 1)) == [fy]

    def test_naming_by_start_year(self) -> None:
        fy = FiscalYearCalendar(start_month=4, name_years_by="start").period_containing(
            D(2026, 4, 1)
        )
        assert fy.label == "FY2026"

    def test_january_fiscal_year_is_the_calendar_year(self) -> None:
        for naming in ("end", "start"):
            fy = FiscalYearCalendar(name_years_by=naming).period_containing(D(2026, 12, 31))
            assert (fy.start, fy.end, fy.label) == (D(2026, 1, 1), D(2026, 12, 31), "FY2026")

    def test_periods_between_spanning_years(self) -> None:
        calendar = FiscalYearCalendar(start_month=7)
        assert spans(calendar.periods_between(D(2025, 6, 30), D(2026, 7, 1))) == [
            ("2024-07-01", "2025-06-30", "FY2025"),
            ("2025-07-01", "2026-06-30", "FY2026"),
            ("2026-07-01", "2027-06-30", "FY2027"),
        ]


class TestCalendarErrors:
    @pytest.mark.parametrize("kind", [MonthCalendar, QuarterCalendar, HalfYearCalendar])
    @pytest.mark.parametrize("start_month", [0, 13, "2", 2.0, True])
    def test_bad_start_month(self, kind: type[PeriodCalendar], start_month: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            kind(start_month=start_month)  # type: ignore[call-arg]
        assert paths(excinfo) == ("start_month",)

    def test_lists_every_problem(self) -> None:
        with pytest.raises(ValidationError, match="must be at most 12") as excinfo:
            FiscalYearCalendar(start_month=14, name_years_by="middle")  # type: ignore[arg-type]
        assert paths(excinfo) == ("start_month", "name_years_by")

    def test_abstract_base(self) -> None:
        with pytest.raises(TypeError):
            PeriodCalendar()  # type: ignore[abstract]

    def test_calendars_are_frozen_values(self) -> None:
        assert QuarterCalendar(2) == QuarterCalendar(start_month=2)
        assert QuarterCalendar(2) != HalfYearCalendar(2)  # type: ignore[comparison-overlap]
        assert len({QuarterCalendar(2), QuarterCalendar(2), QuarterCalendar(3)}) == 2
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            QuarterCalendar(2).start_month = 3  # type: ignore[misc]

    def test_rejects_non_dates_and_non_periods(self) -> None:
        calendar = QuarterCalendar()
        with pytest.raises(ValidationError) as excinfo:
            calendar.period_containing(dt.datetime(2026, 1, 1))
        assert paths(excinfo) == ("d",)
        with pytest.raises(ValidationError) as excinfo:
            calendar.year_containing("2026-01-01")  # type: ignore[arg-type]
        assert paths(excinfo) == ("d",)
        for method in (calendar.next_period, calendar.previous_period, calendar.is_period):
            with pytest.raises(ValidationError) as excinfo:
                method(D(2026, 1, 1))  # type: ignore[arg-type]
            assert paths(excinfo) == ("period",)

    def test_periods_between_problems(self) -> None:
        calendar = MonthCalendar()
        with pytest.raises(ValidationError) as excinfo:
            calendar.periods_between(D(2026, 2, 1), D(2026, 1, 31))
        assert paths(excinfo) == ("end",)
        with pytest.raises(ValidationError) as excinfo:
            calendar.periods_between("2026-01-01", None)  # type: ignore[arg-type]
        assert paths(excinfo) == ("start", "end")

    def test_periods_at_the_edges_of_supported_dates(self) -> None:
        calendar = FiscalYearCalendar(start_month=4)
        with pytest.raises(ValidationError, match="fiscal year containing 0001-02-01") as exc:
            calendar.period_containing(D(1, 2, 1))
        assert paths(exc) == ("d",)
        with pytest.raises(ValidationError, match="year containing 9999-06-01") as exc:
            calendar.year_containing(D(9999, 6, 1))
        assert paths(exc) == ("d",)
        with pytest.raises(ValidationError) as exc:
            calendar.periods_between(D(1, 2, 1), D(1, 5, 1))
        assert paths(exc) == ("start",)
        with pytest.raises(ValidationError) as exc:
            calendar.periods_between(D(9999, 1, 1), D(9999, 12, 31))
        assert paths(exc) == ("end",)
        last_full = calendar.period_containing(D(9998, 4, 1))
        with pytest.raises(ValidationError) as exc:
            calendar.next_period(last_full)
        assert paths(exc) == ("period",)
        first_full = calendar.period_containing(D(1, 4, 1))
        with pytest.raises(ValidationError) as exc:
            calendar.previous_period(first_full)
        assert paths(exc) == ("period",)

    def test_no_period_beyond_the_first_and_last_dates(self) -> None:
        calendar = MonthCalendar()
        last = calendar.period_containing(dt.date.max)
        assert last.end == dt.date.max
        with pytest.raises(ValidationError, match="no period after") as exc:
            calendar.next_period(last)
        assert paths(exc) == ("period",)
        first = calendar.period_containing(dt.date.min)
        with pytest.raises(ValidationError, match="no period before") as exc:
            calendar.previous_period(first)
        assert paths(exc) == ("period",)


class TestIsPeriod:
    def test_exact_periods_only(self) -> None:
        calendar = QuarterCalendar(start_month=2)
        assert calendar.is_period(Period(D(2026, 2, 1), D(2026, 4, 30)))
        assert not calendar.is_period(Period(D(2026, 1, 1), D(2026, 3, 31)))
        assert not calendar.is_period(Period(D(2026, 2, 1), D(2026, 4, 29)))

    def test_period_at_the_edge(self) -> None:
        assert not FiscalYearCalendar(start_month=4).is_period(Period(D(1, 1, 1), D(1, 3, 31)))


class TestOtherPeriods:
    def test_next_and_previous_accept_any_period(self) -> None:
        calendar = QuarterCalendar()
        window = Period(D(2026, 2, 10), D(2026, 5, 3))
        assert str(calendar.next_period(window)) == "2026-Q2"
        assert str(calendar.previous_period(window)) == "2026-Q1"


# --- calendar serialization --------------------------------------------------------------------


class TestCalendarSerialization:
    @pytest.mark.parametrize(
        ("calendar", "data"),
        [
            (MonthCalendar(), {"kind": "month", "start_month": 1, "name_years_by": "end"}),
            (QuarterCalendar(2), {"kind": "quarter", "start_month": 2, "name_years_by": "end"}),
            (
                HalfYearCalendar(7, "start"),
                {"kind": "half_year", "start_month": 7, "name_years_by": "start"},
            ),
            (
                FiscalYearCalendar(4),
                {"kind": "fiscal_year", "start_month": 4, "name_years_by": "end"},
            ),
        ],
    )
    def test_round_trip(self, calendar: PeriodCalendar, data: dict[str, object]) -> None:
        assert calendar_to_dict(calendar) == data
        assert to_dict(calendar) == data
        assert calendar_from_dict(data) == calendar
        assert from_dict(PeriodCalendar, data) == calendar  # type: ignore[type-abstract]
        assert from_dict(type(calendar), data) == calendar
        assert from_json(PeriodCalendar, json.dumps(data)) == calendar  # type: ignore[type-abstract]
        assert from_json(PeriodCalendar, to_json(calendar)) == calendar  # type: ignore[type-abstract]

    def test_defaults_may_be_left_out(self) -> None:
        assert calendar_from_dict({"kind": "quarter"}) == QuarterCalendar()
        assert calendar_from_dict({"kind": "quarter", "start_month": 2}) == QuarterCalendar(2)

    def test_unknown_kind_lists_allowed_kinds(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            calendar_from_dict({"kind": "week"})
        assert paths(excinfo) == ("kind",)
        message = excinfo.value.problems[0].message
        for kind in ("'month'", "'quarter'", "'half_year'", "'fiscal_year'"):
            assert kind in message

    def test_missing_kind(self) -> None:
        with pytest.raises(ValidationError, match="required field is missing") as excinfo:
            calendar_from_dict({"start_month": 2})
        assert paths(excinfo) == ("kind",)

    def test_not_an_object(self) -> None:
        with pytest.raises(ValidationError, match="must be an object with a 'kind'") as excinfo:
            calendar_from_dict(["quarter"])
        assert paths(excinfo) == ("",)

    def test_every_problem_listed(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            calendar_from_dict(
                {"kind": "quarter", "start_month": 13, "name_years_by": 1, "startmonth": 2}
            )
        assert paths(excinfo) == ("startmonth", "start_month", "name_years_by")

    def test_unknown_field_alone(self) -> None:
        with pytest.raises(ValidationError, match="unknown field") as excinfo:
            calendar_from_dict({"kind": "month", "label": "x"})
        assert paths(excinfo) == ("label",)

    def test_json_float_is_not_an_integer(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            from_json(PeriodCalendar, '{"kind": "quarter", "start_month": 2.0}')  # type: ignore[type-abstract]
        assert paths(excinfo) == ("start_month",)

    def test_concrete_type_restricts_kind(self) -> None:
        with pytest.raises(ValidationError, match="must be one of 'quarter'") as excinfo:
            from_dict(QuarterCalendar, {"kind": "month"})
        assert paths(excinfo) == ("kind",)

    def test_nested_field_paths(self) -> None:
        @attrs.frozen
        class Plan:
            calendar: PeriodCalendar
            periods: tuple[Period, ...] = ()

        plan = Plan(FiscalYearCalendar(4), (Period(D(2026, 4, 1), D(2027, 3, 31), label="FY27"),))
        data = to_dict(plan)
        assert data == {
            "calendar": {"kind": "fiscal_year", "start_month": 4, "name_years_by": "end"},
            "periods": [{"start": "2026-04-01", "end": "2027-03-31", "label": "FY27"}],
        }
        assert from_dict(Plan, data) == plan
        with pytest.raises(ValidationError) as excinfo:
            from_dict(
                Plan,
                {
                    "calendar": {"kind": "decade"},
                    "periods": [{"start": "2026-04-01", "end": "2026-03-31"}],
                },
            )
        assert paths(excinfo) == ("calendar.kind", "periods[0].end")

    def test_storage_converter_knows_calendars(self) -> None:
        @attrs.frozen
        class Plan:
            calendar: PeriodCalendar
            period: Period

        plan = Plan(HalfYearCalendar(7), Period(D(2026, 1, 1), D(2026, 6, 30), label="FY2026-H2"))
        data = storage_converter.unstructure(plan)
        assert data == to_dict(plan)
        assert data["calendar"] == {"kind": "half_year", "start_month": 7, "name_years_by": "end"}
        loaded = storage_converter.structure(data, Plan)
        assert loaded == plan
        assert loaded.period.label == "FY2026-H2"
        with pytest.raises(ValidationError):
            storage_converter.structure({"kind": "week"}, PeriodCalendar)  # type: ignore[type-abstract]

    def test_custom_calendar_is_not_serialized(self) -> None:
        @attrs.frozen
        class Weekly(MonthCalendar):
            pass

        with pytest.raises(TypeError, match="not a built-in calendar"):
            calendar_to_dict(Weekly())


# --- trailing windows --------------------------------------------------------------------------


class TestTrailing:
    @pytest.mark.parametrize(
        ("months", "as_of", "start"),
        [
            (12, D(2026, 3, 15), D(2025, 3, 16)),
            (1, D(2026, 2, 28), D(2026, 2, 1)),
            (1, D(2026, 3, 31), D(2026, 3, 1)),
            (3, D(2026, 4, 30), D(2026, 2, 1)),
            (1, D(2026, 3, 30), D(2026, 2, 28)),
            (1, D(2026, 1, 30), D(2025, 12, 31)),
            (12, D(2028, 2, 29), D(2027, 3, 1)),
            (12, D(2028, 2, 28), D(2027, 2, 28)),
            (1, dt.date.max, D(9999, 12, 1)),
        ],
    )
    def test_window(self, months: int, as_of: dt.date, start: dt.date) -> None:
        window = trailing(months, as_of)
        assert (window.start, window.end, window.label) == (start, as_of, None)

    @pytest.mark.parametrize("months", [0, -1, "12", 1.0])
    def test_bad_months(self, months: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            trailing(months, D(2026, 1, 1))  # type: ignore[arg-type]
        assert paths(excinfo) == ("months",)

    def test_bad_as_of(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            trailing(0, dt.datetime(2026, 1, 1))
        assert paths(excinfo) == ("months", "as_of")

    @pytest.mark.parametrize("as_of", [D(1, 3, 15), D(1, 3, 31)])
    def test_before_the_first_date(self, as_of: dt.date) -> None:
        with pytest.raises(ValidationError, match="outside the supported dates") as excinfo:
            trailing(12, as_of)
        assert paths(excinfo) == ("months",)


class TestTrailingFullMonths:
    @pytest.mark.parametrize(
        ("months", "as_of", "start", "end"),
        [
            (12, D(2026, 3, 15), D(2025, 3, 1), D(2026, 2, 28)),
            (12, D(2026, 3, 31), D(2025, 3, 1), D(2026, 2, 28)),
            (1, D(2026, 1, 1), D(2025, 12, 1), D(2025, 12, 31)),
            (3, D(2028, 3, 2), D(2027, 12, 1), D(2028, 2, 29)),
            (1, D(1, 2, 3), D(1, 1, 1), D(1, 1, 31)),
        ],
    )
    def test_window(self, months: int, as_of: dt.date, start: dt.date, end: dt.date) -> None:
        window = trailing_full_months(months, as_of)
        assert (window.start, window.end, window.label) == (start, end, None)

    def test_problems(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            trailing_full_months(0, "2026-01-01")  # type: ignore[arg-type]
        assert paths(excinfo) == ("months", "as_of")
        with pytest.raises(ValidationError) as excinfo:
            trailing_full_months(1, D(1, 1, 31))
        assert paths(excinfo) == ("months",)


def test_no_clock_is_read() -> None:
    from pathlib import Path

    import prmcore.periods

    source = Path(prmcore.periods.__file__).read_text(encoding="utf-8")
    for call in ("today(", "now(", "utcnow(", "time.time"):
        assert call not in source
