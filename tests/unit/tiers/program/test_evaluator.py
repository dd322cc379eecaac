"""The program evaluator gives exactly what the engine functions give one by one: headcounts
with ``compliance``, ``eligibility``, ``decide`` and the level's ``compliance``, for random
programs, policies, catalogs, awards, affiliations, values, histories and evaluations; bad
input raises the same problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationCatalog,
    CertificationRequirement,
    CertificationType,
    Duration,
    compliance,
)
from prmcore.domain import Affiliation
from prmcore.errors import Problem, ValidationError
from prmcore.money import Money
from prmcore.periods import MonthCalendar, QuarterCalendar
from prmcore.tiers import (
    CertifiedHeadcount,
    CompositeScore,
    DecisionKind,
    LevelChange,
    LevelDecision,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    Metric,
    PartnerEvaluation,
    PartnerMetrics,
    Program,
    ProgramEvaluator,
    ProgramLevel,
    Requirement,
    decide,
    eligibility,
)
from prmcore.tiers.evaluator import _decision, certification_requirements

AS_OF = dt.date(2026, 6, 30)
TYPES = ["t0", "t1", "t2"]
PARTNERS = ["p-0", "p-1", "p-2", "p-3"]
PEOPLE = [f"u-{i}" for i in range(6)]
METRICS = [
    Metric("revenue", "money", "trailing-12-month revenue", currency="USD"),
    Metric("deals", "count", "closed deals", unit="deal"),
    Metric("head_a", "count", "certified in A", unit="person"),
    Metric("head_b", "count", "certified in B", unit="person"),
    Metric("csat", "percentage", "customer satisfaction"),
    Metric("nps", "number", "net promoter score"),
]
KIND = {m.id: m.kind.value for m in METRICS}


@st.composite
def catalogs(draw: st.DrawFn) -> CertificationCatalog:
    types = []
    for type_id in TYPES:
        others = [t for t in TYPES if t != type_id]
        grace = draw(
            st.sampled_from(
                [Duration(), Duration(days=30), Duration(months=1), Duration(years=1, days=3)]
            )
        )
        satisfies = draw(st.lists(st.sampled_from(others), unique=True, max_size=2))
        types.append(
            CertificationType(
                type_id, type_id.upper(), Duration(years=1), grace=grace, satisfies=satisfies
            )  # type: ignore[arg-type]
        )
    return CertificationCatalog(types)


def thresholds(metric_id: str) -> st.SearchStrategy[Any]:
    kind = KIND[metric_id]
    if kind == "money":
        return st.integers(0, 2_000).map(lambda n: Money(n * 100, "USD"))
    if kind == "count":
        return st.integers(0, 5) | st.sampled_from([Decimal(2), Decimal("3.0"), Decimal(0)])
    if kind == "percentage":
        return st.integers(0, 100) | st.decimals(0, 100, places=1)
    return st.integers(0, 50) | st.decimals(0, 50, places=2)


@st.composite
def programs(draw: st.DrawFn) -> Program:
    ranks = draw(st.lists(st.integers(-3, 9), min_size=1, max_size=4, unique=True))
    levels = []
    for i, rank in enumerate(ranks):
        required = draw(st.lists(st.sampled_from([m.id for m in METRICS]), unique=True, max_size=4))
        requirements = [Requirement(m, draw(thresholds(m))) for m in required]
        composite = None
        if draw(st.integers(0, 4)) == 0:
            weighted = draw(
                st.lists(st.sampled_from(["revenue", "deals", "csat"]), min_size=1, unique=True)
            )
            targets = {"revenue": Money(100_000, "USD"), "deals": 20, "csat": 90}
            composite = CompositeScore(
                weights=dict.fromkeys(weighted, 10),
                targets={m: targets[m] for m in weighted},
                pass_mark=5 * len(weighted),
                minimums=draw(st.sampled_from([{}, {"nps": 0}, {"head_a": 1}])),
            )
        levels.append(ProgramLevel(f"l{i}", f"Level {i}", rank, requirements, composite))
    return Program("prog", "Program", METRICS, levels)


@st.composite
def policies(draw: st.DrawFn) -> LevelPolicy:
    grace = draw(st.sampled_from([None, 0, 3]))
    return LevelPolicy(
        promotion_cadence=draw(st.sampled_from([None, QuarterCalendar(), MonthCalendar()])),
        grace_months=grace,
        review_month=draw(st.sampled_from([1, 7] if grace is None else [None, 1, 7])),
        lookback_months=draw(st.sampled_from([0, 2])),
        approval_required=draw(st.booleans()),
    )


# Days near the day evaluated, where off-by-one mistakes would show: affiliations and awards
# that start, end or expire on it, the day before or the day after, or a month or more away.
OFFSETS = [-400, -31, -30, -1, 0, 0, 1, 30, 31, 400]


def near(as_of: dt.date) -> st.SearchStrategy[dt.date]:
    return st.sampled_from(OFFSETS).map(lambda n: as_of + dt.timedelta(days=n))


@st.composite
def awards(draw: st.DrawFn, as_of: dt.date) -> list[CertificationAward]:
    found = []
    for i in range(draw(st.integers(0, 12))):
        earned = draw(near(as_of))
        expires = max(earned, draw(near(as_of)))
        person = draw(st.sampled_from(PEOPLE))
        type_id = draw(st.sampled_from(TYPES))
        found.append(CertificationAward(f"a-{i}", person, type_id, earned, expires))  # type: ignore[arg-type]
    return found


@st.composite
def affiliations(draw: st.DrawFn, as_of: dt.date) -> list[Affiliation]:
    found = []
    for i in range(draw(st.integers(0, 10))):
        start = draw(near(as_of))
        end = draw(st.none() | near(as_of))
        if end is not None:
            end = max(start, end)
        person = draw(st.sampled_from(PEOPLE))
        partner = draw(st.sampled_from(PARTNERS))
        found.append(Affiliation(f"f-{i}", person, partner, start, end))  # type: ignore[arg-type]
    return found


def plain_values(metric_id: str) -> st.SearchStrategy[Any]:
    kind = KIND[metric_id]
    if kind == "money":
        return st.integers(-1_000, 3_000).map(lambda n: Money(n * 100, "USD"))
    if kind == "count":
        return st.integers(0, 1_200)
    if kind == "percentage":
        return st.integers(0, 100) | st.decimals(0, 100, places=2)
    return st.integers(-50, 50) | st.decimals(-50, 50, places=2)


# Values the quick checks leave to the full ones: some convert, some are refused.
odd_values = st.sampled_from(
    [
        "12.5",
        Decimal("-0"),
        Decimal(3),
        Money(5, "EUR"),
        -1,
        101,
        Decimal("NaN"),
        True,
        None,
        10**30,
    ]
)


@st.composite
def value_maps(draw: st.DrawFn, odd: bool) -> dict[str, Any]:
    values = {}
    for metric in METRICS:
        if draw(st.integers(0, 3)) > 0:
            values[metric.id] = draw(plain_values(metric.id))
    if odd and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from([*KIND, "custom", "bad key"]))
        values[key] = draw(odd_values | plain_values("deals"))
    return values


@st.composite
def histories(draw: st.DrawFn, partner_id: str, ladder: list[str], as_of: dt.date) -> LevelHistory:
    history = LevelHistory(partner_id)
    level = None
    for day in sorted(draw(st.lists(near(as_of), max_size=3))):
        target = draw(st.sampled_from(ladder))
        if target == level:
            continue
        history = history.append(LevelChange(partner_id, level, target, day, "changed"))
        level = target
    return history


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    as_of = draw(st.sampled_from([AS_OF, dt.date(2026, 1, 1), dt.date(2026, 3, 31)]))
    program = draw(programs())
    catalog = draw(catalogs())
    ladder = [level.id for level in program.ladder]
    headcounts = draw(
        st.sampled_from(
            [
                [],
                [CertifiedHeadcount("head_a", "t0")],  # type: ignore[arg-type]
                [CertifiedHeadcount("head_a", "t0"), CertifiedHeadcount("head_b", "t1")],  # type: ignore[arg-type]
                [CertifiedHeadcount("head_b", "t2"), CertifiedHeadcount("head_a", "t2")],  # type: ignore[arg-type]
            ]
        )
    )
    odd = draw(st.booleans())
    # Partners often share their values and earlier evaluations (so that what one partner's
    # evaluation worked out may serve another) and differ in their histories.
    shared_values = draw(value_maps(odd))
    shared_earlier = draw(earlier_evaluations(ladder, as_of))
    partners = []
    for partner_id in PARTNERS:
        history = draw(st.none() | histories(partner_id, ladder, as_of))
        current = draw(st.none() | st.sampled_from(ladder))
        if history is not None and history.changes and draw(st.integers(0, 5)) > 0:
            current = history.level_on(as_of)
        if odd and draw(st.integers(0, 8)) == 0:
            current = draw(st.sampled_from(["unknown", "bad level"]))
        same = draw(st.booleans())
        partners.append(
            {
                "partner_id": partner_id,
                "values": shared_values if same else draw(value_maps(odd)),
                "current_level": current,
                "history": history,
                "evaluations": shared_earlier if same else draw(earlier_evaluations(ladder, as_of)),
            }
        )
    return {
        "program": program,
        "policy": draw(policies()),
        "catalog": catalog,
        "awards": draw(awards(as_of)),
        "affiliations": draw(affiliations(as_of)),
        "headcounts": headcounts,
        "partners": partners,
        "as_of": as_of,
    }


def earlier_evaluations(ladder: list[str], as_of: dt.date) -> st.SearchStrategy[Any]:
    return st.lists(
        st.builds(LevelEvaluation, near(as_of), st.none() | st.sampled_from(ladder)),
        max_size=3,
        unique_by=lambda e: e.on,
    )


def one_by_one(case: dict[str, Any], partner: dict[str, Any]) -> PartnerEvaluation:
    """The engine functions, called one after another."""
    program, catalog, as_of = case["program"], case["catalog"], case["as_of"]
    index = AwardIndex(case["awards"], catalog)
    pid, mine = partner["partner_id"], case["affiliations"]
    headcounts = case["headcounts"]
    counted = compliance(
        pid, [CertificationRequirement(h.type_id) for h in headcounts], mine, index, catalog, as_of
    )
    values = {**partner["values"]}
    for headcount, result in zip(headcounts, counted.results, strict=True):
        values[headcount.metric_id] = result.held
    try:
        report = eligibility(program, PartnerMetrics(pid, as_of, values))
    except ValidationError as err:
        raise ValidationError(
            [Problem(p.path.removeprefix("metrics."), p.message) for p in err.problems]
        ) from None
    current = partner["current_level"]
    history = partner["history"] or LevelHistory(pid)
    kept = [e for e in partner["evaluations"] if e.on != as_of]
    decision = decide(case["policy"], program, current, history, [*kept, report], as_of)
    changed = decision.kind in (DecisionKind.PROMOTE, DecisionKind.DEMOTE)
    level = decision.to_level if changed else current
    types = {h.metric_id: h.type_id for h in headcounts}
    needed = []
    if level is not None:
        for requirement in program.level(level).requirements:
            threshold = requirement.threshold
            whole = not isinstance(threshold, Money) and threshold == int(threshold)
            if requirement.metric_id in types and whole and threshold > 0:
                needed.append(
                    CertificationRequirement(types[requirement.metric_id], int(threshold))
                )
    return PartnerEvaluation(
        pid, report, decision, level, compliance(pid, needed, mine, index, catalog, as_of)
    )


def outcome(run: Any) -> tuple[str, Any]:
    try:
        return "ok", run()
    except ValidationError as err:
        return "invalid", err.problems
    except TypeError as err:
        return "type error", str(err)


@settings(max_examples=200)
@given(cases())
def test_the_evaluator_equals_the_engine_functions(case: dict[str, Any]) -> None:
    evaluator = ProgramEvaluator(
        case["program"], case["policy"], case["catalog"], case["awards"], case["headcounts"]
    )
    for _ in range(2):  # the second round reuses what the first worked out
        for partner in case["partners"]:

            def run(partner: dict[str, Any] = partner) -> PartnerEvaluation:
                return evaluator.evaluate(
                    partner["partner_id"],
                    case["as_of"],
                    partner["values"],
                    case["affiliations"],
                    current_level=partner["current_level"],
                    history=partner["history"],
                    evaluations=partner["evaluations"],
                )

            assert outcome(run) == outcome(lambda partner=partner: one_by_one(case, partner))


@settings(max_examples=60)
@given(cases())
def test_plain_inputs_take_the_quick_path(case: dict[str, Any]) -> None:
    """Valid, common inputs are evaluated without the full checks, with the same result."""
    evaluator = ProgramEvaluator(
        case["program"], case["policy"], case["catalog"], case["awards"], case["headcounts"]
    )
    for partner in case["partners"]:
        values = partner["values"]
        plain = all(
            key in KIND
            and (
                (type(v) is Money and v.currency == "USD" and KIND[key] == "money")
                or (
                    type(v) is int
                    and KIND[key] != "money"
                    and 0 <= v < 10**24
                    and (KIND[key] != "percentage" or v <= 100)
                )
                or (
                    type(v) is Decimal
                    and KIND[key] in ("number", "percentage")
                    and v.is_finite()
                    and not (v.is_zero() and v.is_signed())
                )
            )
            for key, v in values.items()
        )
        history = partner["history"]
        current = partner["current_level"]
        valid_level = current is None or current in {lv.id for lv in case["program"].levels}
        consistent = (
            history is None or not history.changes or history.level_on(case["as_of"]) == current
        )
        if not (plain and valid_level and consistent):
            continue
        kept = [e for e in partner["evaluations"] if e.on != case["as_of"]]
        quick = evaluator._quick(
            partner["partner_id"],
            case["as_of"],
            values,
            case["affiliations"],
            current,
            history,
            kept,
        )
        assert quick is not None
        assert quick == one_by_one(case, partner)


def test_the_evaluator_checks_its_configuration() -> None:
    catalog = CertificationCatalog(
        [CertificationType("t0", "T0", Duration(years=1))]  # type: ignore[arg-type]
    )
    other = CertificationCatalog(
        [CertificationType("t9", "T9", Duration(years=1))]  # type: ignore[arg-type]
    )
    program = Program("prog", "Program", METRICS, [ProgramLevel("l0", "Level 0", 0)])
    with pytest.raises(ValidationError) as caught:
        ProgramEvaluator(
            program,
            "policy",  # type: ignore[arg-type]
            catalog,
            AwardIndex([], other),
            [
                CertifiedHeadcount("nope", "t0"),  # type: ignore[arg-type]
                CertifiedHeadcount("revenue", "t0"),  # type: ignore[arg-type]
                CertifiedHeadcount("head_a", "t0"),  # type: ignore[arg-type]
                CertifiedHeadcount("head_a", "t7"),  # type: ignore[arg-type]
                "head_b",  # type: ignore[list-item]
            ],
        )
    assert caught.value.paths == (
        "policy",
        "headcounts[0].metric_id",
        "headcounts[1].metric_id",
        "headcounts[3].metric_id",
        "headcounts[3].type_id",
        "headcounts[4]",
        "awards",
    )
    with pytest.raises(ValidationError) as caught:
        ProgramEvaluator(
            "program",  # type: ignore[arg-type]
            LevelPolicy(),
            "catalog",  # type: ignore[arg-type]
            [],
        )
    assert caught.value.paths == ("program", "catalog")
    award = CertificationAward("a-1", "u-1", "t9", AS_OF, AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        ProgramEvaluator(program, LevelPolicy(), catalog, [award])
    assert caught.value.paths == ("awards[0].type_id",)


def test_the_evaluator_keeps_what_it_was_built_with() -> None:
    catalog = CertificationCatalog(
        [CertificationType("t0", "T0", Duration(years=1))]  # type: ignore[arg-type]
    )
    program = Program(
        "prog",
        "Program",
        METRICS,
        [
            ProgramLevel("l0", "Level 0", 0),
            ProgramLevel("l1", "Level 1", 1, [Requirement("head_a", 2), Requirement("deals", 1)]),
        ],
    )
    index = AwardIndex([], catalog)
    headcounts = [CertifiedHeadcount("head_a", "t0")]  # type: ignore[arg-type]
    evaluator = ProgramEvaluator(program, LevelPolicy(), catalog, index, headcounts)
    assert evaluator.program is program
    assert evaluator.index is index
    assert evaluator.policy == LevelPolicy()
    assert evaluator.headcounts == tuple(headcounts)
    assert evaluator.certification_requirements("l1") == [CertificationRequirement("t0", 2)]  # type: ignore[arg-type]
    assert evaluator.certification_requirements("l0") == []
    assert evaluator.certification_requirements(None) == []
    assert evaluator.certification_requirements("unknown") == []
    result = evaluator.evaluate("p-1", AS_OF, {"deals": 3})
    assert (result.decision.kind, result.level_id) == (DecisionKind.PROMOTE, "l0")
    assert result.report.qualified_level_id == "l0"
    assert result.compliance.results == ()


@pytest.mark.parametrize("threshold", [Decimal(2), Decimal("2.0"), Decimal("0.2E+1")])
def test_a_whole_decimal_head_count_is_a_certification_requirement(threshold: Decimal) -> None:
    """A count threshold written as a whole Decimal requires that many certified people, as
    an int does: the level is not left without its certification requirement."""
    catalog = CertificationCatalog(
        [CertificationType("t0", "T0", Duration(years=1))]  # type: ignore[arg-type]
    )
    program = Program(
        "prog",
        "Program",
        METRICS,
        [
            ProgramLevel("l0", "Level 0", 0),
            ProgramLevel("l1", "Level 1", 1, [Requirement("head_a", threshold)]),
        ],
    )
    headcounts = [CertifiedHeadcount("head_a", "t0")]  # type: ignore[arg-type]
    award = CertificationAward("a-1", "u-1", "t0", AS_OF, AS_OF)  # type: ignore[arg-type]
    policy = LevelPolicy(grace_months=3)
    evaluator = ProgramEvaluator(program, policy, catalog, [award], headcounts)
    expected = [CertificationRequirement("t0", 2)]  # type: ignore[arg-type]
    assert evaluator.certification_requirements("l1") == expected
    assert certification_requirements(program, {"head_a": "t0"}, "l1") == expected  # type: ignore[dict-item]
    one = Affiliation("f-1", "u-1", "p-1", AS_OF)  # type: ignore[arg-type]
    result = evaluator.evaluate("p-1", AS_OF, {}, [one], current_level="l1")
    assert result.level_id == "l1"  # one person short, but demotion waits for the grace
    assert [(r.required, r.held, r.gap) for r in result.compliance.results] == [(2, 1, 1)]
    assert not result.compliance.compliant


def test_fractions_and_money_are_no_head_count_requirement() -> None:
    program = Program(
        "prog",
        "Program",
        METRICS,
        [
            ProgramLevel("l0", "Level 0", 0, [Requirement("revenue", Money(5, "USD"))]),
            ProgramLevel("l1", "Level 1", 1, [Requirement("csat", Decimal("2.5"))]),
            ProgramLevel("l2", "Level 2", 2, [Requirement("head_a", Decimal(0))]),
        ],
    )
    counted: Any = {"revenue": "t0", "csat": "t0", "head_a": "t0"}
    assert [certification_requirements(program, counted, lv) for lv in ("l0", "l1", "l2")] == [
        [],
        [],
        [],
    ]


def test_affiliations_may_be_read_once() -> None:
    """A generator of affiliations is read once and serves both the quick path and the full
    checks: a bad item is reported at its place."""
    catalog = CertificationCatalog(
        [CertificationType("t0", "T0", Duration(years=1))]  # type: ignore[arg-type]
    )
    program = Program(
        "prog",
        "Program",
        METRICS,
        [ProgramLevel("l0", "Level 0", 0), ProgramLevel("l1", "L1", 1, [Requirement("head_a", 1)])],
    )
    award = CertificationAward("a-1", "u-1", "t0", AS_OF, AS_OF)  # type: ignore[arg-type]
    evaluator = ProgramEvaluator(
        program,
        LevelPolicy(),
        catalog,
        [award],
        [CertifiedHeadcount("head_a", "t0")],  # type: ignore[arg-type]
    )
    works = Affiliation("f-1", "u-1", "p-1", AS_OF)  # type: ignore[arg-type]
    result = evaluator.evaluate("p-1", AS_OF, {}, (a for a in [works]))
    assert result.report.qualified_level_id == "l1"  # the one person was counted
    with pytest.raises(ValidationError) as caught:
        evaluator.evaluate("p-1", AS_OF, {}, (a for a in [works, "not one"]))  # type: ignore[misc]
    assert caught.value.paths == ("affiliations[1]",)


@pytest.mark.parametrize(
    "fields",
    [
        ("acme", DecisionKind.PROMOTE, "silver", "gold", dt.date(2026, 7, 1), "qualified", None),
        ("acme", DecisionKind.HOLD, None, None, None, "not qualified", None),
        (
            "p-2",
            DecisionKind.PENDING,
            "gold",
            "silver",
            dt.date(2026, 9, 1),
            "r",
            DecisionKind.DEMOTE,
        ),
    ],
)
def test_a_decision_from_known_fields_is_the_constructed_one(fields: tuple[Any, ...]) -> None:
    built = _decision(*fields)
    constructed = LevelDecision(*fields)
    assert type(built) is LevelDecision
    assert built == constructed
    assert hash(built) == hash(constructed)
    assert repr(built) == repr(constructed)
    assert attrs.astuple(built, recurse=False) == fields
