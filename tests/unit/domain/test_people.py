"""People and their dated affiliations with partners."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from prmcore.domain import Affiliation, Person
from prmcore.errors import ValidationError

D = dt.date


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


# -- Person ---------------------------------------------------------------------------------------


def test_person_with_unicode_name_and_contact_details() -> None:
    person = Person(id="u-7", name="Zoë Müller", email="zoë@example.de", phone="+49 89 1234567")
    assert person.name == "Zoë Müller"
    assert person.email == "zoë@example.de"
    assert person.version == 0


def test_person_contact_details_are_optional() -> None:
    person = Person(id="u-7", name="李小龍")
    assert (person.email, person.phone) == (None, None)


@pytest.mark.parametrize(
    "email", ["no-at-sign", "@example.com", "ann@localhost", "ann smith@example.com", "ann@"]
)
def test_person_rejects_addresses_that_are_not_email(email: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Person(id="u-7", name="Ann", email=email)
    assert problems(excinfo) == {"email": f"not an e-mail address: {email!r}"}


def test_person_email_must_not_be_blank_or_too_long() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Person(id="u-7", name="Ann", email="  ")
    assert problems(excinfo) == {"email": "must not be empty"}
    long_email = "a" * 310 + "@example.com"
    with pytest.raises(ValidationError) as excinfo:
        Person(id="u-7", name="Ann", email=long_email)
    assert problems(excinfo) == {"email": "must be at most 320 characters, got 322"}


def test_person_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Person(id="u 7", name="", email=42, phone="1" * 51, version="1")  # type: ignore[arg-type]
    assert problems(excinfo) == {
        "id": "must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter or "
        "digit), got 'u 7'",
        "name": "must not be empty",
        "email": "must be str, got int 42",
        "phone": "must be at most 50 characters, got 51",
        "version": "must be an integer, got str '1'",
    }


# -- Affiliation ----------------------------------------------------------------------------------


def affiliation(**changes: object) -> Affiliation:
    fields: dict[str, object] = {
        "id": "af-1",
        "person_id": "u-7",
        "partner_id": "p-1",
        "start": D(2024, 3, 1),
    }
    fields.update(changes)
    return Affiliation(**fields)  # type: ignore[arg-type]


def test_open_ended_affiliation() -> None:
    a = affiliation(role="sales engineer")
    assert a.end is None
    assert a.role == "sales engineer"
    assert a.active_on(D(9999, 12, 31))


def test_active_on_includes_both_ends() -> None:
    a = affiliation(end=D(2024, 6, 30))
    assert not a.active_on(D(2024, 2, 29))
    assert a.active_on(D(2024, 3, 1))
    assert a.active_on(D(2024, 5, 15))
    assert a.active_on(D(2024, 6, 30))
    assert not a.active_on(D(2024, 7, 1))


def test_one_day_affiliation() -> None:
    a = affiliation(start=D(2024, 3, 1), end=D(2024, 3, 1))
    assert a.active_on(D(2024, 3, 1))
    assert not a.active_on(D(2024, 3, 2))


def test_affiliation_end_must_not_be_before_start() -> None:
    with pytest.raises(ValidationError) as excinfo:
        affiliation(end=D(2024, 2, 29))
    assert problems(excinfo) == {"end": "must not be before start (2024-03-01)"}


def test_affiliation_dates_must_be_days_not_moments() -> None:
    moment = dt.datetime(2024, 3, 1, 9, 0)
    with pytest.raises(ValidationError) as excinfo:
        affiliation(start=moment, end="2024-04-01")
    assert problems(excinfo) == {
        "start": f"must be a date, got datetime {moment!r}",
    }
    with pytest.raises(ValidationError) as excinfo:
        affiliation(end="2024-04-01")
    assert problems(excinfo) == {"end": "must be a date, got str '2024-04-01'"}


def test_affiliation_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Affiliation(
            id="",  # type: ignore[arg-type]
            person_id=None,  # type: ignore[arg-type]
            partner_id="p 1",  # type: ignore[arg-type]
            start=D(2024, 3, 1),
            end=D(2024, 1, 1),
            role="",
            version=-2,
        )
    assert excinfo.value.paths == ("id", "person_id", "partner_id", "end", "role", "version")


def test_evolve_affiliation_to_end_it() -> None:
    a = affiliation()
    ended = attrs.evolve(a, end=D(2025, 1, 31))
    assert ended.active_on(D(2025, 1, 31))
    assert not ended.active_on(D(2025, 2, 1))
    with pytest.raises(ValidationError):
        attrs.evolve(a, end=D(2020, 1, 1))
