"""Eligibility reports, composite scores and gap sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from prmcore.errors import NotFoundError, ValidationError
from prmcore.money import Money
from prmcore.serialization import to_dict
from prmcore.tiers import (
    CompositeScore,
    Metric,
    PartnerMetrics,
    Program,
    ProgramLevel,
    Requirement,
    eligibility,
    gap_to_next,
)

D = Decimal
AS_OF = dt.date(2026, 3, 31)


def usd(amount: int | str) -> Money:
    return Money(amount, "USD")


def metrics(**values: object) -> PartnerMetrics:
    return PartnerMetrics("p-1", AS_OF, values)  # type: ignore[arg-type]


def test_report_lists_every_level_and_requirement(program: Program) -> None:
    report = eligibility(
        program, metrics(revenue=usd(200_000), deals=4, certified_security=1, csat=85, nps=3)
    )
    assert [r.level_id for r in report.levels] == ["registered", "silver", "gold", "platinum"]
    assert report.qualified_levels == ("registered", "silver")
    assert report.qualified_level_id == "silver"
    assert report.next_level_id == "gold"
    assert (report.program_id, report.partner_id, report.as_of) == ("pp", "p-1", AS_OF)
    gold = report.level("gold")
    assert not gold.qualified
    revenue, certified = gold.requirements
    assert (revenue.met, revenue.value, revenue.threshold, revenue.shortfall) == (
        False,
        usd(200_000),
        usd(250_000),
        usd(50_000),
    )
    assert (certified.met, certified.shortfall) == (False, 1)
    silver = report.level("silver")
    assert all(r.met for r in silver.requirements)
    assert silver.requirements[0].shortfall == Money("0.00", "USD")
    assert silver.requirements[1].shortfall == 0
    with pytest.raises(NotFoundError):
        report.level("diamond")
    with pytest.raises(NotFoundError):
        report.metric("nope")


def test_gap_sentence_for_the_next_level(program: Program) -> None:
    report = eligibility(program, metrics(revenue=usd(200_000), deals=4, certified_security=1))
    gap = gap_to_next(report)
    assert gap.level_id == "gold"
    assert gap.name == "Gold"
    assert gap.sentence == (
        "needs USD 50,000.00 more trailing-12-month revenue and "
        "1 more person certified in Security Specialist"
    )
    assert [g.metric_id for g in gap.gaps] == ["revenue", "certified_security"]
    assert gap_to_next(report, locale="de_DE").gaps[0].phrase.startswith("USD 50.000,00")
    with pytest.raises(ValidationError) as excinfo:
        gap_to_next(report, locale="xx_NOPE")
    assert excinfo.value.paths == ("locale",)


def test_gap_plurals_and_three_part_sentences(program: Program) -> None:
    report = eligibility(program, metrics(deals=1))
    assert report.qualified_level_id == "registered"
    assert gap_to_next(report).sentence == (
        "needs USD 50,000.00 more trailing-12-month revenue and "
        "2 more deals closed in the trailing 12 months"
    )
    assert gap_to_next(report, level_id="gold").sentence == (
        "needs USD 250,000.00 more trailing-12-month revenue and "
        "2 more people certified in Security Specialist"
    )
    sentence = gap_to_next(report, level_id="platinum").sentence
    assert sentence.startswith("needs 4 more people certified in Security Specialist, ")
    assert ", 80 more percentage points of customer satisfaction, " in sentence
    assert "10 more net promoter score" in sentence
    assert sentence.endswith(" and 89.5 more composite score points")


def test_missing_values_count_as_zero_and_are_flagged(program: Program) -> None:
    report = eligibility(program, metrics())
    revenue = report.level("silver").requirements[0]
    assert (revenue.value, revenue.supplied, revenue.met) == (Money("0.00", "USD"), False, False)
    assert report.qualified_level_id == "registered"


def test_composite_score_formula(program: Program) -> None:
    report = eligibility(
        program,
        metrics(revenue=usd(2_000_000), deals=10, certified_security=4, csat="81", nps=10),
    )
    composite = report.level("platinum").composite
    assert composite is not None
    lines = {line.metric_id: line for line in composite.lines}
    assert lines["revenue"].ratio == D("1.5")  # capped
    assert lines["revenue"].points == D("75.0")
    assert lines["deals"].ratio == D("0.25")
    assert lines["csat"].ratio == D("0.9")
    assert composite.score == D("75.0") + D("5.00") + D("27.0")
    assert composite.met
    assert composite.score_shortfall == 0
    assert report.qualified_level_id == "platinum"
    assert report.next_level_id is None
    top = gap_to_next(report)
    assert (top.level_id, top.gaps, top.sentence) == (None, (), "")


def test_composite_minimums_block_a_passing_score(program: Program) -> None:
    report = eligibility(
        program, metrics(revenue=usd(2_000_000), deals=40, certified_security=4, csat=79, nps=9)
    )
    composite = report.level("platinum").composite
    assert composite is not None
    assert composite.score >= composite.pass_mark
    assert not composite.met
    assert [m.metric_id for m in composite.minimums if not m.met] == ["csat", "nps"]
    gap = gap_to_next(report, level_id="platinum")
    assert gap.sentence == (
        "needs 1 more percentage point of customer satisfaction and 1 more net promoter score"
    )


def test_negative_values_score_nothing() -> None:
    program = Program(
        "p",
        "P",
        [Metric("revenue", "money", "revenue", currency="USD")],
        [
            ProgramLevel(
                "a",
                "A",
                1,
                composite=CompositeScore(
                    weights={"revenue": 1}, targets={"revenue": usd(3)}, pass_mark="0.5"
                ),
            )
        ],
    )
    report = eligibility(program, PartnerMetrics("p", AS_OF, {"revenue": usd(-5)}))
    composite = report.level("a").composite
    assert composite is not None
    assert composite.score == 0
    assert gap_to_next(report).sentence == "needs 0.5 more composite score points"
    report = eligibility(program, PartnerMetrics("p", AS_OF, {"revenue": usd(1)}))
    # 0.5 - 1/3 = 0.1666..., shown rounded up
    assert gap_to_next(report).sentence == "needs 0.17 more composite score points"


def test_values_are_checked_against_their_metrics(program: Program) -> None:
    with pytest.raises(ValidationError) as excinfo:
        eligibility(
            program,
            metrics(revenue=Money(5, "EUR"), deals=-1, certified_security=D("1.5"), csat=120),
        )
    assert set(excinfo.value.paths) == {
        "metrics.values.revenue",
        "metrics.values.deals",
        "metrics.values.certified_security",
        "metrics.values.csat",
    }
    report = eligibility(program, metrics(unrelated=5, nps=-30))
    assert report.level("platinum").composite is not None
    with pytest.raises(ValidationError) as excinfo:
        eligibility("program", "metrics")  # type: ignore[arg-type]
    assert set(excinfo.value.paths) == {"program", "metrics"}
    with pytest.raises(ValidationError):
        gap_to_next("report")  # type: ignore[arg-type]


def test_levels_are_judged_on_their_own_requirements() -> None:
    program = Program(
        "p",
        "P",
        [Metric("a", "count", "a"), Metric("b", "count", "b")],
        [
            ProgramLevel("low", "Low", 1, [Requirement("a", 5)]),
            ProgramLevel("high", "High", 2, [Requirement("b", 5)]),
        ],
    )
    report = eligibility(program, PartnerMetrics("p", AS_OF, {"a": 0, "b": 9}))
    assert report.qualified_levels == ("high",)
    assert report.qualified_level_id == "high"
    assert gap_to_next(report, level_id="low").sentence == "needs 5 more a"


def test_evaluation_does_not_mutate_and_report_serializes(program: Program) -> None:
    values = {"revenue": usd(60_000), "deals": 3}
    partner = PartnerMetrics("p-1", AS_OF, values)
    before = to_dict(program)
    report = eligibility(program, partner)
    assert to_dict(program) == before
    assert values == {"revenue": usd(60_000), "deals": 3}
    assert eligibility(program, partner) == report
    data = to_dict(report)
    assert data["qualified_level_id"] == "silver"
    assert data["levels"][1]["requirements"][0]["shortfall"] == {
        "amount": "0.00",
        "currency": "USD",
    }
