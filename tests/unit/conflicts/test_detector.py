"""Conflict detection: every class, overlap semantics, evidence and rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    CompanyRef,
    ConflictClass,
    ConflictDetector,
    DealRegistration,
    DealStatus,
    DetectorConfig,
    MatchBand,
    Opportunity,
    RegistrationRules,
)
from prmcore.domain import Account
from prmcore.errors import ValidationError

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RULES = RegistrationRules()
MUELLER = CompanyRef("Müller Maschinenbau GmbH", domain="mueller-mb.de", country="DE")


def reg(
    id: str,
    partner: str = "p-1",
    customer: CompanyRef = MUELLER,
    products: tuple[str, ...] = ("pl-x",),
    at: dt.datetime = AT,
    status: str = "submitted",
) -> DealRegistration:
    r = DealRegistration(
        id=id, partner_id=partner, customer=customer, product_lines=products, created_at=at
    )
    if status == "draft":
        return r
    r = r.submit(at, RULES)
    moves: dict[str, Any] = {
        "submitted": lambda x: x,
        "approved": lambda x: x.approve(at, RULES),
        "rejected": lambda x: x.reject(at, "no"),
        "withdrawn": lambda x: x.withdraw(at),
        "expired": lambda x: x.expire(at),
        "won": lambda x: x.approve(at, RULES).close(True, at + DAY),
        "lost": lambda x: x.approve(at, RULES).close(False, at + DAY),
    }
    return moves[status](r)  # type: ignore[no-any-return]


def test_partner_vs_partner_with_evidence_and_rule() -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", status="approved"))
    new = reg(
        "dr-2", "p-2", CompanyRef("Mueller Maschinenbau", email="k@mueller-mb.de"), at=AT + DAY
    )
    report = detector.check(new, AT + DAY)
    (conflict,) = report.conflicts
    assert conflict.conflict_class is ConflictClass.PARTNER_VS_PARTNER
    assert conflict.other_id == "dr-1"
    assert conflict.other_partner_id == "p-1"
    assert conflict.band is MatchBand.MATCH
    assert conflict.score is not None
    assert conflict.score > 0.99
    assert conflict.shared_product_lines == ("pl-x",)
    assert conflict.overlap == (AT + DAY, AT + 90 * DAY)
    assert conflict.other_submitted_at == AT
    assert "partner p-1 holds approved registration dr-1" in conflict.rule
    text = report.explain()
    assert "same domain mueller-mb.de" in text
    assert "product lines in common: pl-x" in text
    assert report.classes == (ConflictClass.PARTNER_VS_PARTNER,)
    assert report.candidates == 1


def test_same_partner_duplicate() -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1"))
    report = detector.check(reg("dr-2", "p-1"), AT)
    assert [c.conflict_class for c in report.conflicts] == [ConflictClass.SAME_PARTNER_DUPLICATE]


def test_a_registration_is_not_its_own_conflict() -> None:
    detector = ConflictDetector(RULES)
    stored = reg("dr-1")
    detector.add(stored)
    assert not detector.check(stored, AT).has_conflicts
    assert detector.check(stored, AT).explain() == "dr-1: no conflict (0 candidates scored)"


@pytest.mark.parametrize("status", ["draft", "rejected", "withdrawn", "expired", "lost"])
def test_inactive_registrations_never_conflict(status: str) -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", status=status))
    assert len(detector) == 0
    assert not detector.check(reg("dr-2", "p-2"), AT).has_conflicts


def test_a_registration_that_becomes_inactive_leaves_the_index() -> None:
    detector = ConflictDetector(RULES)
    active = reg("dr-1", "p-1", status="approved")
    detector.add(active)
    assert detector.get("dr-1") == active
    detector.add(active.withdraw(AT + DAY))
    assert detector.get("dr-1") is None
    assert not detector.remove("dr-1")
    assert not detector.check(reg("dr-2", "p-2"), AT + DAY).has_conflicts


def test_product_lines_must_overlap_unless_configured_otherwise() -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", products=("pl-x", "pl-y")))
    assert not detector.check(reg("dr-2", "p-2", products=("pl-z",)), AT).has_conflicts
    assert detector.check(reg("dr-3", "p-2", products=("pl-y",)), AT).has_conflicts
    loose = ConflictDetector(RULES, DetectorConfig(require_product_overlap=False))
    loose.add(reg("dr-1", "p-1", products=("pl-x",)))
    (conflict,) = loose.check(reg("dr-2", "p-2", products=("pl-z",)), AT).conflicts
    assert conflict.shared_product_lines == ()


def test_windows_must_overlap() -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", status="approved"))  # protected AT .. AT+90d
    assert detector.check(reg("dr-2", "p-2", at=AT + 89 * DAY), AT + 89 * DAY).has_conflicts
    # Submitted after protection ended (not yet expired by the service): no overlap.
    assert not detector.check(reg("dr-3", "p-2", at=AT + 90 * DAY), AT + 90 * DAY).has_conflicts
    # A draft is checked as if submitted at as_of.
    late_draft = reg("dr-4", "p-2", status="draft", at=AT)
    assert not detector.check(late_draft, AT + 95 * DAY).has_conflicts


def test_different_customers_do_not_conflict() -> None:
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", CompanyRef("Bank of America", domain="bankofamerica.com")))
    other = CompanyRef("America First Bank", domain="americafirst.com")
    assert not detector.check(reg("dr-2", "p-2", other), AT).has_conflicts


def test_review_band_conflicts_can_be_left_out() -> None:
    a = CompanyRef("Nordic Steel")
    b = CompanyRef("Nordik Steal")
    detector = ConflictDetector(RULES)
    detector.add(reg("dr-1", "p-1", a))
    found = detector.check(reg("dr-2", "p-2", b), AT).conflicts
    assert [c.band for c in found] == [MatchBand.REVIEW]
    strict = ConflictDetector(RULES, DetectorConfig(report_review=False))
    strict.add(reg("dr-1", "p-1", a))
    assert not strict.check(reg("dr-2", "p-2", b), AT).has_conflicts


def test_house_named_and_customer_accounts() -> None:
    detector = ConflictDetector(RULES)
    detector.set_accounts(
        [
            Account(id="a-house", name="Müller Maschinenbau", domain="mueller-mb.de", house=True),
            Account(id="a-named", name="Initech", domain="initech.com", owner_partner_id="p-9"),
            Account(id="a-own", name="Globex", domain="globex.com", owner_partner_id="p-2"),
            Account(id="a-cust", name="Hooli", domain="hooli.com", is_customer=True),
            Account(id="a-plain", name="Umbrella", domain="umbrella.com"),
        ]
    )
    house = detector.check(reg("dr-1", "p-2"), AT).conflicts
    assert [(c.conflict_class, c.other_id) for c in house] == [
        (ConflictClass.HOUSE_OR_NAMED_ACCOUNT, "a-house")
    ]
    assert "owned by direct sales" in house[0].rule
    named = detector.check(reg("dr-2", "p-2", CompanyRef("Initech Inc", domain="initech.com")), AT)
    assert named.conflicts[0].other_partner_id == "p-9"
    assert "named account of partner p-9" in named.conflicts[0].rule
    own = detector.check(reg("dr-3", "p-2", CompanyRef("Globex", domain="globex.com")), AT)
    assert not own.has_conflicts  # the partner's own named account
    cust = detector.check(reg("dr-4", "p-2", CompanyRef("Hooli", domain="hooli.com")), AT)
    assert cust.classes == (ConflictClass.EXISTING_CUSTOMER,)
    plain = detector.check(reg("dr-5", "p-2", CompanyRef("Umbrella", domain="umbrella.com")), AT)
    assert not plain.has_conflicts
    detector.set_accounts([])
    assert not detector.check(reg("dr-1", "p-2"), AT).has_conflicts


def test_open_opportunities() -> None:
    detector = ConflictDetector(RULES)
    detector.set_opportunities(
        [
            Opportunity(id="o-1", customer=MUELLER, product_lines=("pl-x",)),
            Opportunity(
                id="o-2", customer=MUELLER, product_lines=("pl-x",), owner_partner_id="p-2"
            ),
            Opportunity(id="o-3", customer=MUELLER, product_lines=("pl-y",)),
            Opportunity(id="o-4", customer=MUELLER, product_lines=("pl-x",), open=False),
        ]
    )
    report = detector.check(reg("dr-1", "p-2"), AT)
    assert [(c.conflict_class, c.other_id) for c in report.conflicts] == [
        (ConflictClass.EXISTING_CUSTOMER, "o-1")
    ]
    assert "direct sales works open opportunity o-1" in report.conflicts[0].rule
    other = detector.check(reg("dr-2", "p-3"), AT)
    assert [c.other_id for c in other.conflicts] == ["o-1", "o-2"]
    detector.set_opportunities([])
    assert not detector.check(reg("dr-1", "p-2"), AT).has_conflicts


def test_out_of_territory() -> None:
    detector = ConflictDetector(RULES)
    detector.set_territories({"p-1": ["at", "CH"]})
    (conflict,) = detector.check(reg("dr-1", "p-1"), AT).conflicts
    assert conflict.conflict_class is ConflictClass.OUT_OF_TERRITORY
    assert conflict.match is None
    assert conflict.score is None
    assert conflict.band is None
    assert conflict.evidence == ("customer country DE; territory: AT, CH",)
    assert not detector.check(reg("dr-2", "p-2"), AT).has_conflicts  # no territory: anywhere
    no_country = reg("dr-3", "p-1", CompanyRef("Acme"))
    assert not detector.check(no_country, AT).has_conflicts
    with pytest.raises(ValidationError) as info:
        detector.set_territories({"p-1": ["DE", "XX"]})
    assert info.value.paths == ("territories[p-1][1]",)


def test_won_deals_are_prior_wins_not_conflicts() -> None:
    detector = ConflictDetector(RULES, DetectorConfig(incumbent_days=100))
    detector.load([reg("dr-1", "p-1", status="won"), reg("dr-0", "p-3", status="lost")])
    assert len(detector) == 1
    report = detector.check(reg("dr-2", "p-2", at=AT + 30 * DAY), AT + 30 * DAY)
    assert not report.has_conflicts
    assert [(w.registration_id, w.partner_id) for w in report.prior_wins] == [("dr-1", "p-1")]
    old = detector.check(reg("dr-3", "p-2", at=AT + 200 * DAY), AT + 200 * DAY)
    assert old.prior_wins == ()


def test_bad_arguments() -> None:
    detector = ConflictDetector(RULES)
    with pytest.raises(ValidationError) as info:
        detector.check(reg("dr-1"), dt.datetime(2026, 1, 1))
    assert info.value.paths == ("as_of",)
    with pytest.raises(TypeError):
        detector.check("dr-1", AT)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        detector.add("dr-1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        DetectorConfig(incumbent_days=-1)


customers = st.sampled_from(
    [MUELLER, CompanyRef("Mueller Maschinenbau"), CompanyRef("Acme", domain="acme.com"),
     CompanyRef("ACME Ltd"), CompanyRef("Zeta Corp", email="x@zeta.io")]
)  # fmt: skip
statuses = st.sampled_from([s.value for s in DealStatus])


@given(
    st.lists(st.tuples(customers, statuses, st.sampled_from(["p-1", "p-2"])), max_size=8),
    customers,
)
def test_only_active_registrations_conflict(
    stored: list[tuple[CompanyRef, str, str]], customer: CompanyRef
) -> None:
    detector = ConflictDetector(RULES)
    regs = [reg(f"dr-{i}", p, c, status=s) for i, (c, s, p) in enumerate(stored)]
    detector.load(regs)
    report = detector.check(reg("new", "p-1", customer), AT)
    by_id = {r.id: r for r in regs}
    for conflict in report.conflicts:
        other = by_id[str(conflict.other_id)]
        assert other.is_active
        assert (conflict.conflict_class is ConflictClass.SAME_PARTNER_DUPLICATE) == (
            other.partner_id == "p-1"
        )
    for win in report.prior_wins:
        assert by_id[win.registration_id].status is DealStatus.WON
