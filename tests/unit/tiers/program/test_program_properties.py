"""Property tests for program levels: monotone eligibility, gap sentences, and the policy that
reduces to eligibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from prmcore.money import Money
from prmcore.tiers import (
    DecisionKind,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    PartnerMetrics,
    Program,
    decide,
    eligibility,
    gap_to_next,
)

AS_OF = dt.date(2026, 3, 31)
LEVEL_IDS = ["registered", "silver", "gold", "platinum"]  # the ladder of the program fixture

values = st.fixed_dictionaries(
    {},
    optional={
        "revenue": st.integers(-10_000, 3_000_000).map(lambda n: Money(n, "USD")),
        "deals": st.integers(0, 60),
        "certified_security": st.integers(0, 6),
        "csat": st.decimals(0, 100, places=1),
        "nps": st.decimals(-100, 100, places=0),
    },
)


def _rank(level_id: str | None) -> int:
    return -1 if level_id is None else LEVEL_IDS.index(level_id)


def _raise(metric_id: str, value: object, step: int) -> object:
    if isinstance(value, Money):
        return value + Money(step * 1000, "USD")
    if metric_id == "csat":
        assert isinstance(value, Decimal)
        return min(value + step, Decimal(100))
    assert isinstance(value, int | Decimal)
    return value + step


@given(
    values,
    st.sampled_from(["revenue", "deals", "certified_security", "csat", "nps"]),
    st.integers(0, 500),
)
def test_raising_a_value_never_lowers_the_level(
    program: Program, base: dict[str, object], metric_id: str, step: int
) -> None:
    before = eligibility(program, PartnerMetrics("p", AS_OF, base))  # type: ignore[arg-type]
    raised = dict(base)
    current = base.get(metric_id, program.metric(metric_id).zero())
    raised[metric_id] = _raise(metric_id, current, step)
    after = eligibility(program, PartnerMetrics("p", AS_OF, raised))  # type: ignore[arg-type]
    assert _rank(after.qualified_level_id) >= _rank(before.qualified_level_id)
    assert set(before.qualified_levels) <= set(after.qualified_levels)


@given(values)
def test_gap_sentence_is_empty_exactly_when_the_level_is_met(
    program: Program, base: dict[str, object]
) -> None:
    report = eligibility(program, PartnerMetrics("p", AS_OF, base))  # type: ignore[arg-type]
    for result in report.levels:
        gap = gap_to_next(report, level_id=result.level_id)
        assert (gap.sentence == "") == result.qualified
        assert (gap.gaps == ()) == result.qualified
    default = gap_to_next(report)
    assert default.level_id == report.next_level_id
    assert (default.sentence == "") == (report.next_level_id is None)


@given(
    st.lists(
        st.sampled_from(LEVEL_IDS),
        min_size=1,
        max_size=12,
    )
)
def test_immediate_policy_without_grace_follows_eligibility(
    program: Program, levels: list[str]
) -> None:
    policy = LevelPolicy()
    evaluations = [
        LevelEvaluation(dt.date(2025, 1, 1) + dt.timedelta(days=30 * i), level)
        for i, level in enumerate(levels)
    ]
    history = LevelHistory("p")
    current: str | None = None
    for evaluation in evaluations:
        decision = decide(policy, program, current, history, evaluations, evaluation.on)
        if decision.changes_level:
            assert decision.kind in (DecisionKind.PROMOTE, DecisionKind.DEMOTE)
            assert decision.effective_on == evaluation.on
            history = history.append(decision.change())
            current = decision.to_level
        assert current == evaluation.level_id
        assert history.level_on(evaluation.on) == evaluation.level_id
