"""Deal registrations: lifecycle, protection windows, extensions, expiry and release."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore import Money
from prmcore.conflicts import (
    DEAL_TRANSITIONS,
    CompanyRef,
    DealRegistration,
    DealStatus,
    ProtectionAnchor,
    RegistrationRules,
    due_for_expiry,
)
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.serialization import from_dict, to_dict

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RULES = RegistrationRules()


def draft(**changes: object) -> DealRegistration:
    values: dict[str, object] = {
        "id": "dr-1",
        "partner_id": "p-1",
        "customer": CompanyRef("Müller Maschinenbau GmbH", domain="mueller-mb.de"),
        "product_lines": ("pl-x",),
        "created_at": AT,
    }
    values.update(changes)
    return DealRegistration(**values)  # type: ignore[arg-type]


def test_a_new_registration_is_a_draft_updated_when_created() -> None:
    reg = draft()
    assert reg.status is DealStatus.DRAFT
    assert reg.last_update == AT
    assert not reg.is_active
    assert reg.benefit_factor == Decimal(1)


def test_protection_counts_from_approval_by_default() -> None:
    submitted = draft().submit(AT + DAY, RULES)
    assert submitted.status is DealStatus.SUBMITTED
    assert submitted.submitted_at == AT + DAY
    assert submitted.protection_ends_at is None
    assert not submitted.is_protected(AT + DAY)
    approved = submitted.approve(AT + 3 * DAY, RULES)
    assert approved.protection_starts_at == AT + 3 * DAY
    assert approved.protection_ends_at == AT + 93 * DAY
    assert approved.decided_at == AT + 3 * DAY
    assert approved.is_protected(AT + 92 * DAY)
    assert not approved.is_protected(AT + 93 * DAY)  # the end is exclusive


def test_protection_can_count_from_submission() -> None:
    rules = RegistrationRules(anchor="submission", protection_days=30)
    assert rules.anchor is ProtectionAnchor.SUBMISSION
    submitted = draft().submit(AT, rules)
    assert submitted.protection_ends_at == AT + 30 * DAY
    assert submitted.is_protected(AT)
    approved = submitted.approve(AT + 5 * DAY, rules)
    assert approved.protection_starts_at == AT
    assert approved.protection_ends_at == AT + 30 * DAY


def test_timestamps_are_kept_in_utc() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    reg = draft(created_at=dt.datetime(2026, 3, 2, 11, 0, tzinfo=plus_two))
    assert reg.created_at == AT
    assert reg.created_at.tzinfo is dt.UTC
    submitted = reg.submit(dt.datetime(2026, 3, 2, 12, 0, tzinfo=plus_two), RULES)
    assert submitted.submitted_at is not None
    assert submitted.submitted_at.utcoffset() == dt.timedelta(0)


def test_illegal_transitions_raise() -> None:
    with pytest.raises(InvalidTransition) as info:
        draft().approve(AT, RULES)
    assert info.value.source == "draft"
    assert info.value.allowed == ("submitted", "withdrawn")
    won = draft().submit(AT, RULES).approve(AT, RULES).close(True, AT + DAY)
    assert won.status is DealStatus.WON
    for change in (
        lambda r: r.expire(AT + 2 * DAY),
        lambda r: r.withdraw(AT + 2 * DAY),
        lambda r: r.close(False, AT + 2 * DAY),
    ):
        with pytest.raises(InvalidTransition):
            change(won)
    with pytest.raises(InvalidTransition):
        draft().extend(AT, 10, RULES)


def test_reject_needs_a_reason_and_records_it() -> None:
    submitted = draft().submit(AT, RULES)
    with pytest.raises(ValidationError) as info:
        submitted.reject(AT, " ")
    assert info.value.paths == ("reason",)
    rejected = submitted.reject(AT + DAY, "duplicate")
    assert rejected.status is DealStatus.REJECTED
    assert rejected.status_reason == "duplicate"
    assert not rejected.is_active


def test_changes_need_aware_moments_not_before_the_last_update() -> None:
    with pytest.raises(ValidationError) as info:
        draft().submit(dt.datetime(2026, 3, 3), RULES)
    assert info.value.paths == ("at",)
    with pytest.raises(ValidationError, match="last update"):
        draft().submit(AT - DAY, RULES)


def test_extensions_are_capped_in_number_and_length() -> None:
    rules = RegistrationRules(max_extensions=1, max_extension_days=30)
    approved = draft().submit(AT, rules).approve(AT, rules)
    with pytest.raises(ValidationError) as info:
        approved.extend(AT + DAY, 31, rules)
    assert info.value.paths == ("days",)
    extended = approved.extend(AT + DAY, 30, rules)
    assert extended.extensions == 1
    assert extended.protection_ends_at == AT + 120 * DAY
    assert extended.status is DealStatus.APPROVED
    with pytest.raises(ValidationError) as info:
        extended.extend(AT + 2 * DAY, 5, rules)
    assert info.value.paths == ("extensions",)


def test_an_ended_protection_cannot_be_extended() -> None:
    approved = draft().submit(AT, RULES).approve(AT, RULES)
    with pytest.raises(ValidationError) as info:
        approved.extend(AT + 90 * DAY, 5, RULES)
    assert info.value.paths == ("at",)


def test_expiry_when_protection_ends() -> None:
    rules = RegistrationRules(release_after_days=None)
    approved = draft().submit(AT, rules).approve(AT, rules)
    assert due_for_expiry(approved, AT + 89 * DAY, rules) is None
    assert due_for_expiry(approved, AT + 90 * DAY, rules) == "protection ended"
    expired = approved.expire(AT + 90 * DAY)
    assert expired.status is DealStatus.EXPIRED
    assert expired.closed_at == AT + 90 * DAY
    assert due_for_expiry(expired, AT + 200 * DAY, rules) is None


def test_won_and_lost_deals_never_expire() -> None:
    approved = draft().submit(AT, RULES).approve(AT, RULES)
    for won in (True, False):
        closed = approved.close(won, AT + DAY)
        assert due_for_expiry(closed, AT + 1000 * DAY, RULES) is None


def test_release_after_days_without_update() -> None:
    rules = RegistrationRules(release_after_days=14)
    submitted = draft().submit(AT, rules)
    assert due_for_expiry(submitted, AT + 13 * DAY, rules) is None
    assert due_for_expiry(submitted, AT + 14 * DAY, rules) == "released: no update for 14 days"
    # An update (an extension here) restarts the count.
    approved = submitted.approve(AT + 10 * DAY, rules).extend(AT + 20 * DAY, 5, rules)
    assert due_for_expiry(approved, AT + 33 * DAY, rules) is None
    assert due_for_expiry(approved, AT + 34 * DAY, rules) is not None
    assert due_for_expiry(draft(), AT + 1000 * DAY, rules) is None


def test_bad_input_lists_every_problem_with_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        DealRegistration(
            id="",
            partner_id="p 1",
            customer="Acme",  # type: ignore[arg-type]
            product_lines=(),
            created_at=dt.datetime(2026, 1, 1),
            status="pending",  # type: ignore[arg-type]
            extensions=-1,
        )
    assert set(info.value.paths) == {
        "id",
        "partner_id",
        "customer",
        "product_lines",
        "status",
        "created_at",
        "extensions",
    }


def test_consistency_of_state_and_moments_is_checked() -> None:
    with pytest.raises(ValidationError) as info:
        draft(status="approved")
    assert set(info.value.paths) == {"submitted_at", "protection_ends_at"}
    with pytest.raises(ValidationError) as info:
        draft(
            status="submitted",
            submitted_at=AT - DAY,
            protection_starts_at=AT,
            protection_ends_at=AT,
        )
    assert set(info.value.paths) == {"submitted_at", "protection_ends_at"}
    with pytest.raises(ValidationError) as info:
        draft(protection_starts_at=AT)
    assert info.value.paths == ("protection_ends_at",)
    with pytest.raises(ValidationError) as info:
        draft(benefit_factor=Decimal("1.5"), status_reason="")
    assert set(info.value.paths) == {"benefit_factor", "status_reason"}


def test_float_benefit_factor_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="str or Decimal"):
        draft(benefit_factor=0.5)
    with pytest.raises(TypeError):
        draft().submit(AT, RULES).approve(AT, RULES, benefit_factor=0.5)  # type: ignore[arg-type]
    half = draft().submit(AT, RULES).approve(AT, RULES, benefit_factor="0.5")
    assert half.benefit_factor == Decimal("0.5")


def test_rules_are_validated() -> None:
    with pytest.raises(ValidationError) as info:
        RegistrationRules(
            protection_days=0,
            anchor="signature",  # type: ignore[arg-type]
            max_extensions=-1,
            max_extension_days=0,
            release_after_days=0,
        )
    assert set(info.value.paths) == {
        "protection_days",
        "anchor",
        "max_extensions",
        "max_extension_days",
        "release_after_days",
    }


def test_a_registration_round_trips_through_dicts() -> None:
    reg = draft(amount=Money("120000.00", "EUR"), account_id="acct-1").submit(AT, RULES)
    reg = reg.approve(AT + DAY, RULES, benefit_factor="0.75")
    data = to_dict(reg)
    assert data["status"] == "approved"
    assert data["benefit_factor"] == "0.75"
    assert from_dict(DealRegistration, data) == reg
    bad = dict(data, status="pending", submitted_at="2026-03-02T09:00:00")
    with pytest.raises(ValidationError) as info:
        from_dict(DealRegistration, bad)
    assert {"status", "submitted_at"} <= set(info.value.paths)


def test_claim_window_before_protection_is_prospective() -> None:
    assert draft().claim_window(RULES) == (AT, AT + 90 * DAY)
    submitted = draft().submit(AT + DAY, RULES)
    assert submitted.claim_window(RULES) == (AT + DAY, AT + 91 * DAY)


# -- properties --------------------------------------------------------------------------------

_ACTIONS = ("submit", "approve", "reject", "withdraw", "won", "lost", "expire", "extend")


def _apply(
    reg: DealRegistration, action: str, at: dt.datetime, rules: RegistrationRules
) -> DealRegistration:
    if action == "submit":
        return reg.submit(at, rules)
    if action == "approve":
        return reg.approve(at, rules)
    if action == "reject":
        return reg.reject(at, "no")
    if action == "withdraw":
        return reg.withdraw(at)
    if action in ("won", "lost"):
        return reg.close(action == "won", at)
    if action == "expire":
        return reg.expire(at)
    return reg.extend(at, 5, rules)


_TARGET = {
    "submit": DealStatus.SUBMITTED,
    "approve": DealStatus.APPROVED,
    "reject": DealStatus.REJECTED,
    "withdraw": DealStatus.WITHDRAWN,
    "won": DealStatus.WON,
    "lost": DealStatus.LOST,
    "expire": DealStatus.EXPIRED,
}


@given(
    st.lists(st.tuples(st.sampled_from(_ACTIONS), st.integers(0, 40)), max_size=12),
    st.sampled_from(list(ProtectionAnchor)),
)
def test_any_sequence_of_changes_keeps_the_lifecycle(
    steps: list[tuple[str, int]], anchor: ProtectionAnchor
) -> None:
    rules = RegistrationRules(anchor=anchor, max_extensions=3)
    reg = draft()
    at = AT
    for action, days in steps:
        at = at + dt.timedelta(days=days)
        before = reg
        try:
            reg = _apply(reg, action, at, rules)
        except InvalidTransition:
            target = _TARGET.get(action)
            if target is not None:
                assert target not in DEAL_TRANSITIONS[before.status]
            else:
                assert before.status is not DealStatus.APPROVED
            assert reg is before
            continue
        except ValidationError:
            assert action == "extend"
            continue
        if action in _TARGET:
            assert reg.status is _TARGET[action]
            assert reg.status in DEAL_TRANSITIONS[before.status]
        # Rebuilding from the fields validates every invariant again.
        assert attrs.evolve(reg) == reg
        assert reg.last_update == at
        assert reg.extensions <= rules.max_extensions
        if reg.status is DealStatus.APPROVED:
            assert reg.protection_ends_at is not None
            assert reg.protection_ends_at > reg.protection_starts_at  # type: ignore[operator]
        if not reg.status.is_active and reg.status is not DealStatus.DRAFT:
            assert DEAL_TRANSITIONS[reg.status] == frozenset()
