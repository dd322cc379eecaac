"""Resolution policies: each names itself and its reason; contests are decided consistently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    CompanyRef,
    ConflictClass,
    ConflictDetector,
    DealRegistration,
    Decision,
    FirstToRegister,
    HigherLevelWins,
    IncumbentWins,
    ManualReview,
    Opportunity,
    ReducedBenefitForSecond,
    RegistrationRules,
    ResolutionPolicy,
)
from prmcore.domain import Account
from prmcore.errors import ValidationError

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RULES = RegistrationRules()
ACME = CompanyRef("Acme Widgets GmbH", domain="acme.de", country="DE")


def reg(
    id: str, partner: str, at: dt.datetime = AT, customer: CompanyRef = ACME
) -> DealRegistration:
    return DealRegistration(
        id=id, partner_id=partner, customer=customer, product_lines=("fw",), created_at=at
    ).submit(at, RULES)


def contest() -> tuple[ConflictDetector, DealRegistration, DealRegistration]:
    first, second = reg("dr-1", "p-1"), reg("dr-2", "p-2", AT + DAY)
    detector = ConflictDetector(RULES)
    detector.load([first, second])
    return detector, first, second


POLICIES: list[ResolutionPolicy] = [
    FirstToRegister(),
    IncumbentWins(),
    HigherLevelWins({"p-1": 2}),
    ManualReview(),
    ReducedBenefitForSecond(),
]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_no_conflict_is_approved_and_the_outcome_names_the_policy(policy: ResolutionPolicy) -> None:
    assert isinstance(policy, ResolutionPolicy)
    detector = ConflictDetector(RULES)
    outcome = policy.resolve(reg("dr-1", "p-1"), detector.check(reg("dr-1", "p-1"), AT))
    assert outcome.decision is Decision.APPROVE
    assert outcome.policy == policy.name
    assert str(outcome) == f"approve by {policy.name}: no conflict found"


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_other_classes_before_the_contest(policy: ResolutionPolicy) -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1"))
    dup = reg("dr-2", "p-1", AT + DAY)
    outcome = policy.resolve(dup, detector.check(dup, AT + DAY))
    assert outcome.decision is Decision.REJECT
    assert outcome.conflict_classes == (ConflictClass.SAME_PARTNER_DUPLICATE,)
    assert "duplicate of the partner's own registration dr-1" in outcome.reason

    detector = ConflictDetector(RULES)
    detector.set_accounts([Account(id="a-1", name="Acme Widgets", domain="acme.de", house=True)])
    outcome = policy.resolve(reg("dr-3", "p-1"), detector.check(reg("dr-3", "p-1"), AT))
    assert outcome.decision is Decision.REJECT
    assert outcome.benefit_factor == 0
    assert "house account a-1" in outcome.reason

    detector = ConflictDetector(RULES)
    detector.set_opportunities([Opportunity(id="o-1", customer=ACME, product_lines=("fw",))])
    detector.set_territories({"p-1": ["FR"]})
    outcome = policy.resolve(reg("dr-4", "p-1"), detector.check(reg("dr-4", "p-1"), AT))
    assert outcome.decision is Decision.REVIEW
    assert outcome.conflict_classes == (
        ConflictClass.EXISTING_CUSTOMER,
        ConflictClass.OUT_OF_TERRITORY,
    )


def test_first_to_register_wins() -> None:
    detector, first, second = contest()
    policy = FirstToRegister()
    late = policy.resolve(second, detector.check(second, AT + DAY))
    assert late.decision is Decision.REJECT
    assert late.winner_id == "dr-1"
    assert late.reason == "registration dr-1 was submitted first (2026-03-02T09:00:00+00:00)"
    early = policy.resolve(first, detector.check(first, AT + DAY))
    assert early.decision is Decision.APPROVE
    assert early.winner_id == "dr-1"


def test_first_to_register_breaks_ties_by_id() -> None:
    a, b = reg("dr-b", "p-1"), reg("dr-a", "p-2")
    detector = ConflictDetector(RULES)
    detector.load([a, b])
    policy = FirstToRegister()
    assert policy.resolve(a, detector.check(a, AT)).decision is Decision.REJECT
    assert policy.resolve(b, detector.check(b, AT)).decision is Decision.APPROVE


def test_incumbent_wins() -> None:
    won = reg("dr-0", "p-2").approve(AT, RULES).close(True, AT + DAY)
    detector, first, second = contest()
    detector.add(won)
    policy = IncumbentWins(days=180)
    at = AT + 2 * DAY
    outcome = policy.resolve(first, detector.check(first, at))
    assert outcome.decision is Decision.REJECT
    assert "partner p-2 is the incumbent: it won dr-0 on 2026-03-03" in outcome.reason
    assert policy.resolve(second, detector.check(second, at)).decision is Decision.APPROVE
    # Without a recent win, first to register decides.
    later = AT + 200 * DAY
    f2, s2 = reg("dr-5", "p-1", later), reg("dr-6", "p-3", later + DAY)
    detector.load([f2, s2])
    outcome = policy.resolve(s2, detector.check(s2, later + DAY))
    assert outcome.decision is Decision.REJECT
    assert outcome.policy == "incumbent_wins"
    assert outcome.reason.startswith("no incumbent in the last 180 days; first_to_register:")


def test_higher_level_wins_and_ties_fall_back() -> None:
    detector, first, second = contest()
    policy = HigherLevelWins({"p-2": 3, "p-1": 1})
    assert policy.resolve(second, detector.check(second, AT + DAY)).decision is Decision.APPROVE
    lower = policy.resolve(first, detector.check(first, AT + DAY))
    assert lower.decision is Decision.REJECT
    assert lower.winner_id == "dr-2"
    assert "higher level (3 > 1)" in lower.reason
    tied = HigherLevelWins({"p-1": 2, "p-2": 2}).resolve(second, detector.check(second, AT + DAY))
    assert tied.decision is Decision.REJECT
    assert tied.reason.startswith("levels tied at 2; first_to_register:")


def test_manual_review_in_the_grey_zone() -> None:
    a = reg("dr-1", "p-1", customer=CompanyRef("Nordic Steel"))
    b = reg("dr-2", "p-2", AT + DAY, customer=CompanyRef("Nordik Steal"))
    detector = ConflictDetector(RULES)
    detector.load([a])
    outcome = ManualReview().resolve(b, detector.check(b, AT + DAY))
    assert outcome.decision is Decision.REVIEW
    assert "grey zone: dr-1 0.894" in outcome.reason
    detector, _first, second = contest()
    clear = ManualReview().resolve(second, detector.check(second, AT + DAY))
    assert clear.decision is Decision.REJECT
    assert clear.policy == "manual_review"
    assert clear.reason.startswith("clear case;")


def test_reduced_benefit_for_second() -> None:
    detector, first, second = contest()
    policy = ReducedBenefitForSecond(Decimal("0.4"))
    outcome = policy.resolve(second, detector.check(second, AT + DAY))
    assert outcome.decision is Decision.APPROVE_REDUCED
    assert outcome.benefit_factor == Decimal("0.4")
    assert outcome.winner_id == "dr-1"
    full = policy.resolve(first, detector.check(first, AT + DAY))
    assert (full.decision, full.benefit_factor) == (Decision.APPROVE, Decimal(1))
    assert ReducedBenefitForSecond("0.25").factor == Decimal("0.25")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ReducedBenefitForSecond(0.5)  # type: ignore[arg-type]
    for bad in ("2", "x", None):
        with pytest.raises(ValidationError):
            ReducedBenefitForSecond(bad)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(st.sampled_from(["p-1", "p-2", "p-3", "p-4"]), st.integers(0, 3)),
        min_size=2,
        max_size=6,
        unique_by=lambda t: t[0],
    )
)
def test_first_to_register_approves_exactly_one_of_a_contest(
    claims: list[tuple[str, int]],
) -> None:
    regs = [
        reg(f"dr-{i}", partner, AT + dt.timedelta(hours=h)) for i, (partner, h) in enumerate(claims)
    ]
    detector = ConflictDetector(RULES)
    detector.load(regs)
    at = AT + DAY
    outcomes = [FirstToRegister().resolve(r, detector.check(r, at)) for r in regs]
    approved = [r for r, o in zip(regs, outcomes, strict=True) if o.decision is Decision.APPROVE]
    assert len(approved) == 1
    earliest = min(regs, key=lambda r: (r.submitted_at, r.id))
    assert approved == [earliest]
    assert {o.winner_id for o in outcomes} == {earliest.id}
