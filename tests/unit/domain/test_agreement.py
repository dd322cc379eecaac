"""Agreements a partner signs, and when they are in force."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.domain import Agreement, AgreementKind
from prmcore.errors import ValidationError

D = dt.date


def agreement(**changes: object) -> Agreement:
    fields: dict[str, object] = {
        "id": "ag-1",
        "partner_id": "p-1",
        "kind": AgreementKind.RESELLER,
        "signed_on": D(2024, 1, 15),
    }
    fields.update(changes)
    return Agreement(**fields)  # type: ignore[arg-type]


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


@pytest.mark.parametrize("kind", list(AgreementKind))
def test_every_kind_of_agreement(kind: AgreementKind) -> None:
    assert agreement(kind=kind).kind is kind


def test_agreement_defaults() -> None:
    a = agreement()
    assert (a.expires_on, a.title, a.version) == (None, None, 0)


def test_in_force_on_includes_signing_and_expiry_days() -> None:
    a = agreement(expires_on=D(2025, 1, 14), title="Reseller Agreement 2024")
    assert not a.in_force_on(D(2024, 1, 14))
    assert a.in_force_on(D(2024, 1, 15))
    assert a.in_force_on(D(2025, 1, 14))
    assert not a.in_force_on(D(2025, 1, 15))


def test_open_ended_agreement_stays_in_force() -> None:
    a = agreement()
    assert not a.in_force_on(D(2024, 1, 14))
    assert a.in_force_on(D(9999, 12, 31))


def test_agreement_signed_and_expiring_the_same_day() -> None:
    a = agreement(expires_on=D(2024, 1, 15))
    assert a.in_force_on(D(2024, 1, 15))
    assert not a.in_force_on(D(2024, 1, 16))


def test_expiry_before_signing_is_rejected() -> None:
    with pytest.raises(ValidationError) as excinfo:
        agreement(expires_on=D(2024, 1, 14))
    assert problems(excinfo) == {"expires_on": "must not be before signed_on (2024-01-15)"}


def test_kind_accepts_a_value_string_and_rejects_unknown_kinds() -> None:
    assert agreement(kind="nda").kind is AgreementKind.NDA
    with pytest.raises(ValidationError) as excinfo:
        agreement(kind="ndaa")
    assert problems(excinfo)["kind"].startswith("must be one of 'nda', 'reseller'")
    assert problems(excinfo)["kind"].endswith("; got 'ndaa'")


def test_bad_signing_date_skips_the_order_check() -> None:
    with pytest.raises(ValidationError) as excinfo:
        agreement(signed_on=None, expires_on=D(2000, 1, 1))
    assert problems(excinfo) == {"signed_on": "must be a date, got NoneType None"}


def test_agreement_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Agreement(
            id="ag 1",  # type: ignore[arg-type]
            partner_id="",  # type: ignore[arg-type]
            kind=None,  # type: ignore[arg-type]
            signed_on=D(2024, 1, 15),
            expires_on=dt.datetime(2025, 1, 1, 0, 0),
            title="t" * 301,
            version=1.0,  # type: ignore[arg-type]
        )
    assert problems(excinfo) == {
        "id": "must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter or "
        "digit), got 'ag 1'",
        "partner_id": "must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter "
        "or digit), got ''",
        "kind": (
            "must be one of 'nda', 'reseller', 'distribution', 'referral', 'affiliate', 'msp', "
            "'data_processing', 'mdf', 'other'; got None"
        ),
        "expires_on": "must be a date, got datetime datetime.datetime(2025, 1, 1, 0, 0)",
        "title": "must be at most 300 characters, got 301",
        "version": "must be an integer, got float 1.0",
    }
