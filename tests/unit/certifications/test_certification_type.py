"""Certification types and durations: validation, clamped arithmetic, dict/JSON round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from prmcore.certifications import CertificationType, Duration, RenewalAnchor
from prmcore.errors import ValidationError
from prmcore.serialization import from_dict, from_json, to_dict, to_json


def test_duration_clamps_month_ends() -> None:
    assert Duration(months=1).after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert Duration(months=1).after(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert Duration(years=1).after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert Duration(months=1).before(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert Duration(years=1, months=1, days=1).after(dt.date(2026, 1, 31)) == dt.date(2027, 3, 1)


def test_zero_duration_is_identity_even_at_the_edges() -> None:
    assert Duration().is_zero
    assert Duration().after(dt.date.max) == dt.date.max
    assert Duration().before(dt.date.min) == dt.date.min
    assert str(Duration()) == "0 days"


def test_duration_outside_supported_dates_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="outside the supported dates"):
        Duration(days=1).after(dt.date.max)
    with pytest.raises(ValidationError, match="outside the supported dates"):
        Duration(days=1).before(dt.date.min)


def test_duration_text() -> None:
    assert str(Duration(years=1, months=2, days=1)) == "1 year 2 months 1 day"
    assert str(Duration(years=3)) == "3 years"


def test_duration_of_relativedelta() -> None:
    assert Duration.of(relativedelta(years=3, months=1, days=2)) == Duration(3, 1, 2)
    same = Duration(days=4)
    assert Duration.of(same) is same
    assert Duration(1, 2, 3).as_relativedelta == relativedelta(years=1, months=2, days=3)


@pytest.mark.parametrize(
    "value",
    [relativedelta(hours=3), relativedelta(day=31), relativedelta(years=1, minutes=1)],
)
def test_duration_refuses_relativedelta_with_more_than_calendar_parts(value: object) -> None:
    with pytest.raises(ValidationError, match="whole years, months and days"):
        Duration.of(value)  # type: ignore[arg-type]


def test_duration_of_refuses_other_things() -> None:
    with pytest.raises(ValidationError, match="must be a Duration"):
        Duration.of(30)  # type: ignore[arg-type]


def test_duration_lists_every_bad_field() -> None:
    with pytest.raises(ValidationError) as err:
        Duration(years=-1, months="2", days=10**6)  # type: ignore[arg-type]
    assert err.value.paths == ("years", "months", "days")


def test_type_defaults() -> None:
    ctype = CertificationType("spec", "Specialist", validity=relativedelta(years=3))
    assert ctype.validity == Duration(years=3)
    assert ctype.renewal_window == Duration(days=90)
    assert ctype.renewal_anchor is RenewalAnchor.EXPIRY
    assert ctype.grace.is_zero
    assert ctype.prerequisites == ctype.satisfies == ()
    assert ctype.reminder_days == (90, 60, 30)


def test_type_accepts_strings_and_lists() -> None:
    ctype = CertificationType(
        "spec",
        "Specialist",
        validity=Duration(months=12),
        renewal_anchor="completion",  # type: ignore[arg-type]
        prerequisites=["basics"],  # type: ignore[arg-type]
        reminder_days=[30, 7],  # type: ignore[arg-type]
    )
    assert ctype.renewal_anchor is RenewalAnchor.COMPLETION
    assert ctype.prerequisites == ("basics",)
    assert ctype.reminder_days == (30, 7)


def test_type_lists_every_problem_with_its_path() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationType(
            "bad id!",
            "",
            validity=Duration(),
            renewal_window=relativedelta(hours=1),  # type: ignore[arg-type]
            renewal_anchor="sometime",  # type: ignore[arg-type]
            grace=5,  # type: ignore[arg-type]
            prerequisites=["bad id!", "x", "x"],  # type: ignore[arg-type]
            satisfies=["bad id!"],  # type: ignore[arg-type]
            reminder_days=[0, 30, 30],  # type: ignore[arg-type]
            version=-1,
        )
    assert err.value.paths == (
        "id",
        "name",
        "validity",
        "renewal_window",
        "renewal_anchor",
        "grace",
        "prerequisites[0]",  # an invalid id stops the duplicate check
        "satisfies[0]",
        "reminder_days[0]",
        "version",
    )
    assert "must be Duration, got relativedelta" in str(err.value)


def test_type_refuses_itself_as_prerequisite_or_satisfied() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationType(
            "spec",
            "Specialist",
            validity=Duration(years=1),
            prerequisites=["basics", "spec"],  # type: ignore[arg-type]
            satisfies=["spec"],  # type: ignore[arg-type]
        )
    assert err.value.paths == ("prerequisites[1]", "satisfies[0]")
    assert "must not be the type itself" in str(err.value)


def test_duplicate_reminder_days_are_refused() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationType("spec", "S", validity=Duration(years=1), reminder_days=(30, 30))
    assert err.value.paths == ("reminder_days[1]",)


def test_type_round_trips_through_dict_and_json() -> None:
    ctype = CertificationType(
        "expert",
        "Security Expert",
        validity=Duration(years=3),
        renewal_window=Duration(months=6),
        renewal_anchor=RenewalAnchor.COMPLETION,
        grace=Duration(days=30),
        prerequisites=("spec",),  # type: ignore[arg-type]
        satisfies=("spec",),  # type: ignore[arg-type]
        reminder_days=(120, 30),
    )
    data = to_dict(ctype)
    assert data["validity"] == {"years": 3, "months": 0, "days": 0}
    assert data["renewal_anchor"] == "completion"
    assert from_dict(CertificationType, data) == ctype
    assert from_json(CertificationType, to_json(ctype)) == ctype


def test_loading_a_bad_type_reports_paths() -> None:
    data = {
        "id": "spec",
        "name": "S",
        "validity": {"years": "three", "months": 0, "days": 0, "weeks": 1},
        "renewal_anchor": "never",
    }
    with pytest.raises(ValidationError) as err:
        from_dict(CertificationType, data)
    assert set(err.value.paths) == {"validity.years", "validity.weeks", "renewal_anchor"}
