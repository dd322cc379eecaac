"""Awards: dates, renewal history, dict/JSON round trips."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.certifications import AwardRenewal, CertificationAward
from prmcore.errors import ValidationError
from prmcore.serialization import from_dict, from_json, to_dict, to_json

D = dt.date


def award(**changes: object) -> CertificationAward:
    fields: dict[str, object] = {
        "id": "a-1",
        "person_id": "p-1",
        "type_id": "spec",
        "earned_on": D(2024, 5, 31),
        "expires_on": D(2027, 5, 31),
    }
    fields.update(changes)
    return CertificationAward(**fields)  # type: ignore[arg-type]


def test_an_award_that_expires_before_it_is_earned_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        award(expires_on=D(2024, 5, 30))
    assert err.value.paths == ("expires_on",)
    assert "must not be before earned_on (2024-05-31)" in str(err.value)


def test_a_one_day_award_is_fine() -> None:
    assert award(expires_on=D(2024, 5, 31)).expires_on == D(2024, 5, 31)


def test_every_bad_field_is_listed() -> None:
    with pytest.raises(ValidationError) as err:
        award(id="", person_id=3, type_id="bad id", earned_on="2024-01-01", history=[1], version=-2)
    assert err.value.paths == ("id", "person_id", "type_id", "earned_on", "history[0]", "version")


def test_history_dates_and_properties() -> None:
    first = AwardRenewal(D(2027, 4, 1), D(2027, 5, 31), D(2030, 5, 31))
    second = AwardRenewal(D(2030, 4, 1), D(2030, 5, 31), D(2033, 5, 31))
    renewed = award(expires_on=D(2033, 5, 31), history=[first, second])
    assert renewed.history == (first, second)
    assert renewed.renewed_on == D(2030, 4, 1)
    assert renewed.term_start == D(2030, 4, 1)
    fresh = award()
    assert fresh.renewed_on is None
    assert fresh.term_start == fresh.earned_on


def test_history_must_chain() -> None:
    first = AwardRenewal(D(2027, 4, 1), D(2027, 5, 31), D(2030, 5, 31))
    broken = AwardRenewal(D(2027, 3, 1), D(2030, 1, 1), D(2033, 5, 31))
    with pytest.raises(ValidationError) as err:
        award(expires_on=D(2033, 6, 1), history=[first, broken])
    assert err.value.paths == (
        "history[1].completed_on",
        "history[1].previous_expires_on",
        "expires_on",
    )
    with pytest.raises(ValidationError) as err:
        award(earned_on=D(2027, 5, 1), history=[first], expires_on=D(2030, 5, 31))
    assert err.value.paths == ("history[0].completed_on",)


def test_renewal_record_is_checked() -> None:
    with pytest.raises(ValidationError) as err:
        AwardRenewal(D(2031, 1, 1), D(2027, 5, 31), D(2027, 5, 30))
    assert err.value.paths == ("expires_on", "expires_on")
    with pytest.raises(ValidationError) as err:
        AwardRenewal("x", None, D(2027, 5, 30))  # type: ignore[arg-type]
    assert err.value.paths == ("completed_on", "previous_expires_on")


def test_round_trip() -> None:
    renewed = award(
        expires_on=D(2030, 5, 31),
        history=[AwardRenewal(D(2027, 4, 1), D(2027, 5, 31), D(2030, 5, 31))],
    )
    data = to_dict(renewed)
    assert data["history"][0]["completed_on"] == "2027-04-01"
    assert from_dict(CertificationAward, data) == renewed
    assert from_json(CertificationAward, to_json(renewed)) == renewed


def test_loading_a_reversed_award_reports_the_path() -> None:
    data = to_dict(award())
    data["expires_on"] = "2020-01-01"
    data["earned_on"] = "not a date"
    with pytest.raises(ValidationError) as err:
        from_dict(CertificationAward, data)
    assert err.value.paths == ("earned_on",)
