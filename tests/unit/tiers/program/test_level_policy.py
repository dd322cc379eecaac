"""Level policy: placement, promotion (immediate and at a cadence), demotion (grace and annual
review), lookback, approval, history and events."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.errors import InvalidTransition, ValidationError
from prmcore.events import DomainEvent
from prmcore.periods import QuarterCalendar
from prmcore.serialization import from_dict, to_dict
from prmcore.tiers import (
    DecisionKind,
    LevelChange,
    LevelChanged,
    LevelChangePending,
    LevelDecision,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    PartnerMetrics,
    Program,
    decide,
    decision_event,
    eligibility,
)

d = dt.date
AT = dt.datetime(2026, 4, 1, 6, tzinfo=dt.UTC)


def ev(day: dt.date, level: str | None) -> LevelEvaluation:
    return LevelEvaluation(day, level)


START = d(2025, 1, 1)


def placed(level: str, on: dt.date = START) -> LevelHistory:
    return LevelHistory("p-1", [LevelChange("p-1", None, level, on, "placed")])


# -- policy, history, decision objects ------------------------------------------------------------


def test_policy_validation() -> None:
    with pytest.raises(ValidationError) as excinfo:
        LevelPolicy(
            promotion_cadence="quarter",  # type: ignore[arg-type]
            grace_months=None,
            review_month=None,
            review_day=0,
            lookback_months=-1,
            approval_required=1,  # type: ignore[arg-type]
        )
    assert set(excinfo.value.paths) == {
        "promotion_cadence",
        "grace_months",
        "review_day",
        "lookback_months",
        "approval_required",
    }
    with pytest.raises(ValidationError) as excinfo:
        LevelPolicy(grace_months=-1, review_month=13)
    assert set(excinfo.value.paths) == {"grace_months", "review_month"}


def test_review_dates_clamp_to_month_end() -> None:
    policy = LevelPolicy(grace_months=None, review_month=2, review_day=30)
    assert policy.review_on_or_before(d(2028, 3, 1)) == d(2028, 2, 29)
    assert policy.review_on_or_before(d(2026, 2, 27)) == d(2025, 2, 28)
    assert policy.review_after(d(2026, 2, 27)) == d(2026, 2, 28)
    assert policy.review_after(d(2026, 2, 28)) == d(2027, 2, 28)
    assert policy.review_on_or_before(d(1, 1, 1)) is None
    assert policy.review_after(d(9999, 12, 31)) is None
    assert LevelPolicy().review_on_or_before(d(2026, 1, 1)) is None
    assert LevelPolicy().review_after(d(2026, 1, 1)) is None


def test_policy_round_trips(program: Program) -> None:
    policy = LevelPolicy(QuarterCalendar(start_month=2), 3, 1, 15, 6, True)
    assert from_dict(LevelPolicy, to_dict(policy)) == policy
    assert to_dict(policy)["promotion_cadence"] == {
        "kind": "quarter",
        "start_month": 2,
        "name_years_by": "end",
    }


def test_history_is_append_only_and_checked() -> None:
    history = placed("silver")
    later = history.append(LevelChange("p-1", "silver", "gold", d(2025, 6, 1), "promoted"))
    assert history.changes != later.changes
    assert later.level_on(d(2024, 12, 31)) is None
    assert later.level_on(d(2025, 5, 31)) == "silver"
    assert later.level_on(d(2025, 6, 1)) == "gold"
    assert later.last_change(d(2025, 6, 1)) == later.changes[1]
    with pytest.raises(ValidationError) as excinfo:
        later.append(LevelChange("p-2", "silver", "gold", d(2025, 5, 1), "x"))
    assert set(excinfo.value.paths) == {
        "changes[2].partner_id",
        "changes[2].from_level",
        "changes[2].effective_on",
    }
    with pytest.raises(ValidationError) as excinfo:
        LevelHistory("p-1", ["x"])  # type: ignore[list-item]
    assert excinfo.value.paths == ("changes[0]",)
    with pytest.raises(ValidationError) as excinfo:
        LevelChange("p-1", "gold", "gold", d(2025, 1, 1), " ", approved_by="")
    assert set(excinfo.value.paths) == {"to_level", "reason", "approved_by"}
    with pytest.raises(ValidationError) as excinfo:
        LevelChange("p-1", None, "bad id!", d(2025, 1, 1), "x")
    assert excinfo.value.paths == ("to_level",)


def test_decision_objects_are_consistent() -> None:
    with pytest.raises(ValidationError) as excinfo:
        LevelDecision("p-1", "hold", "a", "a", d(2026, 1, 1), "x", proposed="promote")
    assert set(excinfo.value.paths) == {"effective_on", "proposed"}
    with pytest.raises(ValidationError) as excinfo:
        LevelDecision("p-1", "pending", "a", "b", d(2026, 1, 1), "x")
    assert excinfo.value.paths == ("proposed",)
    hold = LevelDecision("p-1", "hold", "a", "a", None, "x")
    assert not hold.changes_level
    with pytest.raises(InvalidTransition):
        hold.change()
    pending = LevelDecision("p-1", "pending", "a", "b", d(2026, 1, 1), "x", proposed="demote")
    with pytest.raises(InvalidTransition):
        pending.change()
    assert pending.change(approved_by="pam").approved_by == "pam"
    assert from_dict(LevelDecision, to_dict(pending)) == pending


# -- decisions ----------------------------------------------------------------------------------


def test_no_evidence_holds(program: Program) -> None:
    decision = decide(LevelPolicy(), program, None, LevelHistory("p-1"), [], d(2026, 1, 1))
    assert decision.kind is DecisionKind.HOLD
    assert decision.reason == "no evaluation on or before 2026-01-01"
    future = [ev(d(2026, 2, 1), "gold")]
    decision = decide(LevelPolicy(), program, None, LevelHistory("p-1"), future, d(2026, 1, 1))
    assert decision.kind is DecisionKind.HOLD


def test_placement_is_immediate_even_with_a_cadence(program: Program) -> None:
    policy = LevelPolicy(promotion_cadence=QuarterCalendar())
    history = LevelHistory("p-1")
    decision = decide(
        policy, program, None, history, [ev(d(2026, 2, 10), "silver")], d(2026, 2, 10)
    )
    assert (decision.kind, decision.to_level, decision.effective_on) == (
        DecisionKind.PROMOTE,
        "silver",
        d(2026, 2, 10),
    )
    assert decision.reason == "placed at Silver: qualified on 2026-02-10"
    nothing = decide(policy, program, None, history, [ev(d(2026, 2, 10), None)], d(2026, 2, 10))
    assert (nothing.kind, nothing.reason) == (DecisionKind.HOLD, "qualifies for no level yet")


def test_immediate_promotion_and_hold(program: Program) -> None:
    history = placed("silver")
    evaluations = [ev(d(2026, 3, 31), "gold"), ev(d(2026, 1, 31), "silver")]
    decision = decide(LevelPolicy(), program, "silver", history, evaluations, d(2026, 4, 2))
    assert (decision.kind, decision.from_level, decision.to_level, decision.effective_on) == (
        DecisionKind.PROMOTE,
        "silver",
        "gold",
        d(2026, 4, 2),
    )
    assert decision.reason == "qualified for Gold on 2026-03-31"
    same = decide(LevelPolicy(), program, "silver", history, evaluations, d(2026, 2, 1))
    assert (same.kind, same.reason) == (
        DecisionKind.HOLD,
        "qualifies for Silver, the current level",
    )


def test_cadence_promotion_takes_effect_at_the_period_start(program: Program) -> None:
    policy = LevelPolicy(promotion_cadence=QuarterCalendar())
    history = placed("silver")
    evaluations = [ev(d(2026, 2, 10), "gold"), ev(d(2026, 3, 31), "gold")]
    waiting = decide(policy, program, "silver", history, evaluations, d(2026, 3, 31))
    assert waiting.kind is DecisionKind.HOLD
    assert waiting.reason.endswith("next on 2026-04-01")
    late = decide(policy, program, "silver", history, evaluations, d(2026, 5, 20))
    assert (late.kind, late.to_level, late.effective_on) == (
        DecisionKind.PROMOTE,
        "gold",
        d(2026, 4, 1),
    )
    assert "at the start of 2026-Q2" in late.reason
    # Same answer on the boundary itself: the run date does not matter.
    on_time = decide(policy, program, "silver", history, evaluations, d(2026, 4, 1))
    assert on_time == late
    # A change after the period start postpones the promotion to the next boundary.
    recent = placed("silver", d(2026, 4, 15))
    postponed = decide(policy, program, "silver", recent, evaluations, d(2026, 5, 20))
    assert postponed.kind is DecisionKind.HOLD
    assert postponed.reason.endswith("next on 2026-07-01")


def test_grace_demotion(program: Program) -> None:
    policy = LevelPolicy(grace_months=2)
    history = placed("gold", d(2025, 12, 1))
    evaluations = [
        ev(d(2025, 12, 31), "gold"),
        ev(d(2026, 1, 31), "silver"),
        ev(d(2026, 2, 28), "gold"),
        ev(d(2026, 3, 31), "silver"),
        ev(d(2026, 4, 30), "registered"),
        ev(d(2026, 5, 31), "silver"),
    ]
    waiting = decide(policy, program, "gold", history, evaluations, d(2026, 5, 30))
    assert waiting.kind is DecisionKind.HOLD
    assert waiting.reason == (
        "not qualified for Gold since 2026-03-31; a demotion is possible from 2026-05-31"
    )
    due = decide(policy, program, "gold", history, evaluations, d(2026, 5, 31))
    assert (due.kind, due.to_level, due.effective_on) == (
        DecisionKind.DEMOTE,
        "silver",
        d(2026, 5, 31),
    )
    assert due.reason == "not qualified for Gold since 2026-03-31 (a 2-month grace period)"


def test_zero_grace_demotes_at_once_and_never_out_of_the_program(program: Program) -> None:
    history = placed("silver")
    evaluations = [ev(d(2026, 1, 31), None)]
    decision = decide(LevelPolicy(), program, "silver", history, evaluations, d(2026, 1, 31))
    assert (decision.kind, decision.to_level) == (DecisionKind.DEMOTE, "registered")
    assert decision.reason == (
        "not qualified for Silver since 2026-01-31 (no grace period); "
        "qualifies for no level, so to the lowest (Registered)"
    )
    lowest = decide(
        LevelPolicy(), program, "registered", placed("registered"), evaluations, d(2026, 1, 31)
    )
    assert lowest.kind is DecisionKind.HOLD
    assert lowest.reason == "qualifies for no level, and Registered is already the lowest"


def test_no_evaluation_since_the_last_change_never_demotes_by_grace(program: Program) -> None:
    history = placed("gold", d(2026, 2, 1))
    evaluations = [ev(d(2026, 1, 31), "silver")]
    decision = decide(LevelPolicy(), program, "gold", history, evaluations, d(2026, 3, 1))
    assert decision.kind is DecisionKind.HOLD
    assert decision.reason == "not qualified for Gold"


def test_annual_review_demotion(program: Program) -> None:
    policy = LevelPolicy(grace_months=None, review_month=1, review_day=1)
    history = placed("gold", d(2025, 6, 1))
    evaluations = [ev(d(2025, 11, 30), "silver"), ev(d(2026, 2, 28), "silver")]
    before = decide(policy, program, "gold", history, evaluations, d(2025, 12, 31))
    assert before.kind is DecisionKind.HOLD
    assert before.reason == (
        "not qualified for Gold since 2025-11-30; a demotion is possible from 2026-01-01"
    )
    after = decide(policy, program, "gold", history, evaluations, d(2026, 3, 15))
    assert (after.kind, after.to_level, after.effective_on) == (
        DecisionKind.DEMOTE,
        "silver",
        d(2026, 1, 1),
    )
    assert after.reason == "not qualified for Gold at the annual review on 2026-01-01"
    # Qualified at the review, dropped after it: wait for the next review.
    qualified = [ev(d(2025, 12, 31), "gold"), ev(d(2026, 2, 28), "silver")]
    kept = decide(policy, program, "gold", history, qualified, d(2026, 3, 15))
    assert kept.kind is DecisionKind.HOLD
    assert kept.reason.endswith("a demotion is possible from 2027-01-01")
    # Promoted after the review: wait for the next one.
    recent = placed("gold", d(2026, 1, 2))
    held = decide(policy, program, "gold", recent, evaluations, d(2026, 3, 15))
    assert held.kind is DecisionKind.HOLD
    assert held.reason.endswith("a demotion is possible from 2027-01-01")


def test_earlier_of_review_and_grace_wins(program: Program) -> None:
    policy = LevelPolicy(grace_months=0, review_month=1)
    history = placed("gold", d(2025, 6, 1))
    evaluations = [ev(d(2025, 12, 31), "silver"), ev(d(2026, 1, 31), "registered")]
    decision = decide(policy, program, "gold", history, evaluations, d(2026, 2, 1))
    assert (decision.effective_on, decision.to_level) == (d(2026, 1, 1), "silver")


def test_lookback_keeps_the_best_level_in_the_window(program: Program) -> None:
    policy = LevelPolicy(lookback_months=3)
    history = placed("gold", d(2025, 12, 1))
    evaluations = [
        ev(d(2026, 2, 28), "gold"),
        ev(d(2026, 3, 31), "silver"),
        ev(d(2026, 4, 30), "silver"),
        ev(d(2026, 5, 31), "silver"),
    ]
    kept = decide(policy, program, "gold", history, evaluations, d(2026, 4, 30))
    assert kept.kind is DecisionKind.HOLD
    dropped = decide(policy, program, "gold", history, evaluations, d(2026, 5, 31))
    assert (dropped.kind, dropped.to_level) == (DecisionKind.DEMOTE, "silver")
    assert dropped.reason.startswith("not qualified for Gold since 2026-05-31")


def test_approval_required_yields_pending(program: Program) -> None:
    policy = LevelPolicy(approval_required=True)
    history = placed("silver")
    evaluations = [ev(d(2026, 3, 31), "gold")]
    decision = decide(policy, program, "silver", history, evaluations, d(2026, 3, 31))
    assert (decision.kind, decision.proposed, decision.to_level) == (
        DecisionKind.PENDING,
        DecisionKind.PROMOTE,
        "gold",
    )
    assert decision.reason.endswith("; waiting for approval")
    event = decision_event(decision, id="evt-1", occurred_at=AT)
    assert isinstance(event, LevelChangePending)
    assert (event.partner_id, event.from_level, event.to_level, event.kind) == (
        "p-1",
        "silver",
        "gold",
        "promote",
    )
    assert event.effective_on == d(2026, 3, 31)
    assert event.reason == decision.reason
    change = decision.change(approved_by="pam")
    applied = history.append(change)
    assert applied.level_on(d(2026, 3, 31)) == "gold"


def test_evaluations_may_be_reports(program: Program) -> None:
    metrics = PartnerMetrics("p-1", d(2026, 3, 31), {"deals": 3})
    report = eligibility(program, metrics)
    decision = decide(LevelPolicy(), program, None, LevelHistory("p-1"), [report], d(2026, 4, 1))
    assert decision.to_level == "registered"
    other = eligibility(program, PartnerMetrics("p-2", d(2026, 3, 31), {}))
    with pytest.raises(ValidationError) as excinfo:
        decide(LevelPolicy(), program, None, LevelHistory("p-1"), [other], d(2026, 4, 1))
    assert excinfo.value.paths == ("evaluations[0].partner_id",)


def test_decide_reports_every_bad_argument(program: Program) -> None:
    evaluations = [ev(d(2026, 1, 1), "diamond"), ev(d(2026, 1, 1), "gold"), "x"]
    with pytest.raises(ValidationError) as excinfo:
        decide(LevelPolicy(), program, "emerald", placed("silver"), evaluations, d(2026, 2, 1))  # type: ignore[arg-type]
    assert set(excinfo.value.paths) == {
        "current_level",
        "evaluations[0].level_id",
        "evaluations[1].on",
        "evaluations[2]",
    }
    with pytest.raises(ValidationError) as excinfo:
        decide("p", "q", 5, "h", "evaluations", "today")  # type: ignore[arg-type]
    assert set(excinfo.value.paths) == {
        "policy",
        "program",
        "history",
        "as_of",
        "current_level",
        "evaluations",
    }
    with pytest.raises(ValidationError) as excinfo:
        decide(LevelPolicy(), program, None, LevelHistory("p-1"), "x", d(2026, 2, 1))  # type: ignore[arg-type]
    assert excinfo.value.paths == ("evaluations",)
    with pytest.raises(ValidationError) as excinfo:
        decide(LevelPolicy(), program, "gold", placed("silver"), [], d(2026, 2, 1))
    assert "must be 'silver'" in str(excinfo.value)


# -- events -------------------------------------------------------------------------------------


def test_decision_events(program: Program) -> None:
    history = placed("silver")
    evaluations = [ev(d(2026, 3, 31), "gold")]
    decision = decide(LevelPolicy(), program, "silver", history, evaluations, d(2026, 3, 31))
    event = decision_event(decision, id="evt-2", occurred_at=AT)
    assert isinstance(event, LevelChanged)
    assert (event.kind, event.to_level, event.approved_by) == ("promote", "gold", None)
    data = to_dict(event)
    assert data["type"] == "LevelChanged"
    assert data["payload"]["effective_on"] == "2026-03-31"
    assert from_dict(DomainEvent, data) == event
    hold = decide(LevelPolicy(), program, "silver", history, [], d(2026, 3, 31))
    assert decision_event(hold, id="evt-3", occurred_at=AT) is None
    change = LevelChange("p-1", None, "gold", d(2026, 1, 1), "placed", approved_by="pam")
    placed_event = LevelChanged.for_change(change, DecisionKind.PROMOTE, id="evt-4", occurred_at=AT)
    assert (placed_event.from_level, placed_event.approved_by) == (None, "pam")
    with pytest.raises(ValidationError):
        decision_event(decision, id="bad id", occurred_at=AT)
