"""Status derived as of a day: the timeline, inclusive expiry, clamping, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.certifications import (
    AwardDates,
    CertificationAward,
    CertificationCatalog,
    CertificationStatus,
    CertificationType,
    Duration,
    award_dates,
    resolve_type,
    status,
)
from prmcore.errors import ValidationError
from prmcore.serialization import to_dict

D = dt.date
S = CertificationStatus
SPEC = CertificationType(
    "spec",  # type: ignore[arg-type]
    "Specialist",
    validity=Duration(years=1),
    renewal_window=Duration(days=90),
    grace=Duration(days=30),
)
AWARD = CertificationAward("a-1", "p-1", "spec", D(2026, 1, 31), D(2027, 1, 31))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 30), S.PENDING),
        (D(2026, 1, 31), S.ACTIVE),  # earned on the day
        (D(2026, 11, 1), S.ACTIVE),
        (D(2026, 11, 2), S.EXPIRING),  # the window opens 90 days before expiry
        (D(2027, 1, 31), S.EXPIRING),  # expiry is inclusive
        (D(2027, 2, 1), S.IN_GRACE),
        (D(2027, 3, 2), S.IN_GRACE),  # 30 days of grace
        (D(2027, 3, 3), S.EXPIRED),
    ],
)
def test_timeline(day: dt.date, expected: CertificationStatus) -> None:
    assert status(AWARD, SPEC, day) is expected
    assert status(AWARD, CertificationCatalog([SPEC]), day) is expected


def test_award_dates() -> None:
    assert award_dates(AWARD, SPEC) == AwardDates(
        D(2026, 1, 31), D(2026, 11, 2), D(2027, 1, 31), D(2027, 3, 2)
    )


def test_no_grace_means_expired_the_day_after() -> None:
    ctype = CertificationType("spec", "S", validity=Duration(years=1))  # type: ignore[arg-type]
    assert status(AWARD, ctype, D(2027, 1, 31)) is S.EXPIRING
    assert status(AWARD, ctype, D(2027, 2, 1)) is S.EXPIRED


def test_zero_window_only_the_expiry_day_is_expiring() -> None:
    ctype = CertificationType("spec", "S", validity=Duration(years=1), renewal_window=Duration())  # type: ignore[arg-type]
    assert status(AWARD, ctype, D(2027, 1, 30)) is S.ACTIVE
    assert status(AWARD, ctype, D(2027, 1, 31)) is S.EXPIRING


def test_window_longer_than_the_award_starts_at_earning() -> None:
    short = CertificationAward("a-2", "p-1", "spec", D(2026, 1, 1), D(2026, 2, 1))  # type: ignore[arg-type]
    assert award_dates(short, SPEC).renewal_opens_on == D(2026, 1, 1)
    assert status(short, SPEC, D(2026, 1, 1)) is S.EXPIRING
    assert status(short, SPEC, D(2025, 12, 31)) is S.PENDING


def test_dates_at_the_edge_of_the_calendar_do_not_overflow() -> None:
    first = CertificationAward("a-3", "p-1", "spec", D.min, D(1, 1, 5))  # type: ignore[arg-type]
    last = CertificationAward("a-4", "p-1", "spec", D(9999, 12, 1), D.max)  # type: ignore[arg-type]
    assert award_dates(first, SPEC).renewal_opens_on == D.min
    assert award_dates(last, SPEC).grace_ends_on == D.max
    assert status(last, SPEC, D.max) is S.EXPIRING


def test_held_and_valid() -> None:
    assert [s for s in S if s.is_valid] == [S.ACTIVE, S.EXPIRING]
    assert [s for s in S if s.is_held] == [S.ACTIVE, S.EXPIRING, S.IN_GRACE]


def test_bad_input() -> None:
    with pytest.raises(ValidationError) as err:
        status(AWARD, SPEC, dt.datetime(2026, 5, 1))  # type: ignore[arg-type]
    assert err.value.paths == ("as_of",)
    other = CertificationType("other", "O", validity=Duration(years=1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        status(AWARD, other, D(2026, 5, 1))
    assert err.value.paths == ("award.type_id",)
    with pytest.raises(ValidationError) as err:
        status(AWARD, CertificationCatalog([other]), D(2026, 5, 1))
    assert err.value.paths == ("award.type_id",)
    assert "unknown certification type 'spec'" in str(err.value)
    with pytest.raises(ValidationError) as err:
        resolve_type("a-1", [SPEC], path="awards[0]")  # type: ignore[arg-type]
    assert err.value.paths == ("awards[0]", "types")


def test_status_does_not_change_its_inputs() -> None:
    before = (to_dict(AWARD), to_dict(SPEC))
    status(AWARD, SPEC, D(2027, 2, 1))
    assert before == (to_dict(AWARD), to_dict(SPEC))
