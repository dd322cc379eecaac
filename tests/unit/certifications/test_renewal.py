"""Earning (prerequisites, ``satisfies``) and renewing (window, anchors, grace, policy)."""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest

from prmcore.certifications import (
    AwardRenewal,
    CertificationAward,
    CertificationCatalog,
    CertificationType,
    Duration,
    MissingPrerequisite,
    RenewalAnchor,
    RenewalPolicy,
    RenewalRefused,
    earn,
    renew,
)
from prmcore.errors import InvalidTransition, ValidationError

D = dt.date
THREE_YEARS = Duration(years=3)
SPEC = CertificationType(
    "spec",  # type: ignore[arg-type]
    "Security Specialist",
    validity=THREE_YEARS,
    grace=Duration(days=30),
)
SPEC_BY_COMPLETION = attrs.evolve(SPEC, renewal_anchor=RenewalAnchor.COMPLETION)
AWARD = CertificationAward("a-1", "p-1", "spec", D(2024, 5, 31), D(2027, 5, 31))  # type: ignore[arg-type]


# -- renew -------------------------------------------------------------------------------------


def test_renewing_inside_the_window_extends_from_expiry() -> None:
    renewed = renew(AWARD, SPEC, D(2027, 4, 2))
    assert renewed.expires_on == D(2030, 5, 31)
    assert renewed.history == (AwardRenewal(D(2027, 4, 2), D(2027, 5, 31), D(2030, 5, 31)),)
    assert (renewed.id, renewed.earned_on, renewed.version) == ("a-1", D(2024, 5, 31), 0)
    assert AWARD.expires_on == D(2027, 5, 31)  # unchanged


def test_early_renewal_loses_no_time_with_the_expiry_anchor() -> None:
    assert renew(AWARD, SPEC, D(2025, 1, 1)).expires_on == D(2030, 5, 31)


def test_early_renewal_can_be_refused() -> None:
    policy = RenewalPolicy(allow_early_renewal=False)
    with pytest.raises(RenewalRefused) as err:
        renew(AWARD, SPEC, D(2027, 3, 1), policy)
    assert "renewal opens on 2027-03-02" in str(err.value)
    assert isinstance(err.value, InvalidTransition)
    assert renew(AWARD, SPEC, D(2027, 3, 2), policy).expires_on == D(2030, 5, 31)


def test_renewing_in_grace_keeps_the_expiry_anchor() -> None:
    renewed = renew(AWARD, SPEC, D(2027, 6, 30))
    assert renewed.expires_on == D(2030, 5, 31)


def test_after_grace_it_must_be_earned_again() -> None:
    with pytest.raises(RenewalRefused) as err:
        renew(AWARD, SPEC, D(2027, 7, 1))
    assert "must be earned again" in str(err.value)
    assert "held until 2027-06-30" in str(err.value)
    assert (err.value.source, err.value.target, err.value.award_id) == ("expired", "renewed", "a-1")
    copy = pickle.loads(pickle.dumps(err.value))
    assert str(copy) == str(err.value)


def test_late_renewal_when_allowed_counts_from_completion() -> None:
    renewed = renew(AWARD, SPEC, D(2028, 1, 10), RenewalPolicy(allow_late_renewal=True))
    assert renewed.expires_on == D(2031, 1, 10)


def test_completion_anchor() -> None:
    assert renew(AWARD, SPEC_BY_COMPLETION, D(2027, 4, 2)).expires_on == D(2030, 4, 2)
    assert renew(AWARD, SPEC_BY_COMPLETION, D(2027, 6, 15)).expires_on == D(2030, 6, 15)


def test_completion_anchor_never_moves_expiry_earlier() -> None:
    # A six-month certification renewable any time in its last year: renewing the day after
    # earning would otherwise shorten it.
    odd = CertificationType(
        "spec",  # type: ignore[arg-type]
        "S",
        validity=Duration(months=6),
        renewal_window=Duration(years=1),
        renewal_anchor=RenewalAnchor.COMPLETION,
    )
    short = CertificationAward("a-9", "p-1", "spec", D(2026, 1, 1), D(2026, 7, 1))  # type: ignore[arg-type]
    assert renew(short, odd, D(2026, 1, 1)).expires_on == D(2026, 7, 1)


def test_renewing_twice_chains_history() -> None:
    once = renew(AWARD, SPEC, D(2027, 4, 2))
    twice = renew(once, CertificationCatalog([SPEC]), D(2030, 4, 2))
    assert twice.expires_on == D(2033, 5, 31)
    assert [r.completed_on for r in twice.history] == [D(2027, 4, 2), D(2030, 4, 2)]


def test_month_end_clamping_on_renewal() -> None:
    leap = CertificationAward("a-2", "p-1", "spec", D(2025, 2, 28), D(2028, 2, 29))  # type: ignore[arg-type]
    yearly = attrs.evolve(SPEC, validity=Duration(years=1))
    assert renew(leap, yearly, D(2028, 2, 1)).expires_on == D(2029, 2, 28)


def test_renewal_bad_input() -> None:
    with pytest.raises(ValidationError) as err:
        renew(AWARD, SPEC, D(2024, 5, 30))
    assert err.value.paths == ("completed_on",)
    with pytest.raises(ValidationError) as err:
        renew(AWARD, SPEC, "2027-04-01", policy="lenient")  # type: ignore[arg-type]
    assert err.value.paths == ("completed_on", "policy")
    renewed = renew(AWARD, SPEC, D(2027, 4, 2))
    with pytest.raises(ValidationError) as err:
        renew(renewed, SPEC, D(2027, 4, 1))
    assert err.value.paths == ("completed_on",)


def test_renewal_beyond_the_calendar_is_a_validation_error() -> None:
    far = CertificationAward("a-3", "p-1", "spec", D(9990, 1, 1), D(9998, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        renew(far, SPEC, D(9997, 12, 1))
    assert err.value.paths == ("validity",)


# -- earn --------------------------------------------------------------------------------------

CATALOG = CertificationCatalog(
    [
        CertificationType("associate", "Associate", validity=Duration(years=2)),  # type: ignore[arg-type]
        CertificationType(
            "spec",  # type: ignore[arg-type]
            "Specialist",
            validity=THREE_YEARS,
            grace=Duration(days=30),
            prerequisites=("associate",),  # type: ignore[arg-type]
        ),
        CertificationType(
            "expert",  # type: ignore[arg-type]
            "Expert",
            validity=THREE_YEARS,
            prerequisites=("spec",),  # type: ignore[arg-type]
            satisfies=("spec",),  # type: ignore[arg-type]
        ),
        CertificationType(
            "architect",  # type: ignore[arg-type]
            "Architect",
            validity=THREE_YEARS,
            prerequisites=("spec", "associate"),  # type: ignore[arg-type]
        ),
    ]
)


def test_earn_without_prerequisites() -> None:
    award = earn("p-1", "associate", D(2026, 1, 31), [], CATALOG, "a-1")
    assert award == CertificationAward("a-1", "p-1", "associate", D(2026, 1, 31), D(2028, 1, 31))  # type: ignore[arg-type]


def test_earn_needs_an_active_prerequisite() -> None:
    associate = earn("p-1", "associate", D(2024, 1, 31), [], CATALOG, "a-1")
    spec = earn("p-1", "spec", D(2025, 6, 1), [associate], CATALOG, "a-2")
    assert spec.expires_on == D(2028, 6, 1)
    with pytest.raises(MissingPrerequisite) as err:
        earn("p-1", "spec", D(2026, 2, 1), [associate], CATALOG, "a-3")  # expired on 2026-01-31
    assert err.value.paths == ("prerequisites[0]",)
    assert "'p-1' holds no 'associate' on 2026-02-01" in str(err.value)
    assert isinstance(err.value, ValidationError)


def test_prerequisite_in_grace_counts() -> None:
    spec = CertificationAward("s", "p-1", "spec", D(2023, 1, 1), D(2026, 1, 1))  # type: ignore[arg-type]
    assert earn("p-1", "expert", D(2026, 1, 31), [spec], CATALOG, "e").type_id == "expert"
    with pytest.raises(MissingPrerequisite):
        earn("p-1", "expert", D(2026, 2, 1), [spec], CATALOG, "e")


def test_a_type_that_satisfies_the_prerequisite_counts() -> None:
    expert = CertificationAward("e", "p-1", "expert", D(2025, 1, 1), D(2028, 1, 1))  # type: ignore[arg-type]
    associate = CertificationAward("a", "p-1", "associate", D(2025, 1, 1), D(2027, 1, 1))  # type: ignore[arg-type]
    earned = earn("p-1", "architect", D(2026, 1, 1), [expert, associate], CATALOG, "x")
    assert earned.type_id == "architect"


def test_every_missing_prerequisite_is_listed_and_others_awards_do_not_count() -> None:
    someone_else = CertificationAward("s", "p-2", "spec", D(2025, 1, 1), D(2028, 1, 1))  # type: ignore[arg-type]
    pending = CertificationAward("p", "p-1", "associate", D(2026, 6, 1), D(2028, 6, 1))  # type: ignore[arg-type]
    with pytest.raises(MissingPrerequisite) as err:
        earn("p-1", "architect", D(2026, 1, 1), [someone_else, pending], CATALOG, "x")
    assert err.value.paths == ("prerequisites[0]", "prerequisites[1]")
    assert "'spec' (or 'expert', which satisfies it)" in str(err.value)


def test_earn_bad_input() -> None:
    ghost = CertificationAward("g", "p-1", "ghost", D(2025, 1, 1), D(2028, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        earn("", "nope", "2026-01-01", [ghost, "x"], CATALOG, "a")  # type: ignore[arg-type, list-item]
    assert err.value.paths == (
        "person_id",
        "earned_on",
        "type_id",
        "held_awards[0].type_id",
        "held_awards[1]",
    )
    with pytest.raises(ValidationError) as err:
        earn("p-1", "spec", D(2026, 1, 1), [ghost], [SPEC], "a")  # type: ignore[arg-type]
    assert err.value.paths == ("catalog",)
    with pytest.raises(ValidationError) as err:
        earn("p-1", "associate", D(2026, 1, 1), [], CATALOG, "bad id")
    assert err.value.paths == ("id",)


def test_earn_does_not_change_the_held_awards() -> None:
    held = [CertificationAward("a", "p-1", "associate", D(2025, 1, 1), D(2027, 1, 1))]  # type: ignore[arg-type]
    snapshot = list(held)
    earn("p-1", "spec", D(2026, 1, 1), held, CATALOG, "s")
    assert held == snapshot


def test_missing_prerequisite_names_every_type_that_would_do() -> None:
    catalog = CertificationCatalog(
        [
            CertificationType("base", "Base", validity=THREE_YEARS),  # type: ignore[arg-type]
            CertificationType("x", "X", validity=THREE_YEARS, satisfies=("base",)),  # type: ignore[arg-type]
            CertificationType("y", "Y", validity=THREE_YEARS, satisfies=("x",)),  # type: ignore[arg-type]
            CertificationType("top", "Top", validity=THREE_YEARS, prerequisites=("base",)),  # type: ignore[arg-type]
        ]
    )
    with pytest.raises(MissingPrerequisite, match=r"'base' \(or 'x', 'y', which satisfy it\)"):
        earn("p-1", "top", D(2026, 1, 1), [], catalog, "t")
