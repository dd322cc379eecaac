"""Programs, levels, requirements, composite scores, metrics and benefits: construction,
validation with paths, serialization, and the benefit accessors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from prmcore.errors import CurrencyMismatch, NotFoundError, ValidationError
from prmcore.money import Money
from prmcore.serialization import from_dict, from_json, storage_converter, to_dict, to_json
from prmcore.tiers import (
    Benefits,
    CompositeScore,
    Metric,
    MetricKind,
    PartnerMetrics,
    Program,
    ProgramLevel,
    Requirement,
    benefits_for,
    commission_multiplier,
    discount_rate,
    mdf_accrual_rate,
    routing_weight,
    trailing_count,
    trailing_total,
)

D = Decimal
USD = "USD"


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def usd(amount: int | str) -> Money:
    return Money(amount, USD)


# -- metrics ----------------------------------------------------------------------------------


def test_metric_kinds_and_nouns() -> None:
    people = Metric("cert", "count", "certified", unit="person", unit_plural="people")
    assert people.kind is MetricKind.COUNT
    assert (people.noun(1), people.noun(2), people.noun(0)) == ("person", "people", "people")
    deals = Metric("deals", "count", "closed", unit="deal")
    assert deals.noun(D(3)) == "deals"
    assert Metric("x", "number", "score").noun(2) == ""
    assert Metric("r", "money", "revenue", currency="eur").zero() == Money("0.00", "EUR")
    assert Metric("x", "number", "score").zero() == D(0)
    assert people.zero() == 0


def test_metric_validation_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Metric("bad id!", "volume", "", unit_plural="x", window_months=0)
    assert set(problems(excinfo)) == {"id", "kind", "label", "unit_plural", "window_months"}
    with pytest.raises(ValidationError) as excinfo:
        Metric("r", "money", "revenue", unit="dollar")
    assert set(problems(excinfo)) == {"currency", "unit"}
    with pytest.raises(ValidationError) as excinfo:
        Metric("r", "money", "revenue", currency="XXY")
    assert "unknown ISO 4217" in problems(excinfo)["currency"]
    with pytest.raises(ValidationError) as excinfo:
        Metric("c", "count", "deals", currency="USD")
    assert "only money metrics" in problems(excinfo)["currency"]


def test_partner_metrics_convert_and_check_values() -> None:
    m = PartnerMetrics("p", dt.date(2026, 1, 1), {"a": "1.5", "b": 2, "c": usd(3), "d": "-0"})
    assert m.values == {"a": D("1.5"), "b": 2, "c": usd(3), "d": D(0)}
    assert str(m.values["d"]) == "0"
    with pytest.raises(TypeError, match="float"):
        PartnerMetrics("p", dt.date(2026, 1, 1), {"a": 1.5})
    with pytest.raises(ValidationError) as excinfo:
        PartnerMetrics(
            "p",
            dt.datetime(2026, 1, 1),  # type: ignore[arg-type]
            {"a": "abc", "b": True, "c": D("NaN"), "d": 10**30, "bad key": 1},  # type: ignore[dict-item]
        )
    assert set(problems(excinfo)) == {
        "as_of",
        "values.a",
        "values.b",
        "values.c",
        "values.d",
        "values.<key 'bad key'>",
    }
    with pytest.raises(ValidationError) as excinfo:
        PartnerMetrics("p", dt.date(2026, 1, 1), [1])  # type: ignore[arg-type]
    assert set(problems(excinfo)) == {"values"}


def test_trailing_total_sums_money_inside_the_window_only() -> None:
    lines = [
        (dt.date(2025, 3, 31), usd(1)),  # the day before the window
        (dt.date(2025, 4, 1), usd("2.50")),
        (dt.date(2026, 3, 31), usd(4)),
        (dt.date(2026, 4, 1), usd(8)),  # after as_of
    ]
    total = trailing_total(lines, months=12, as_of=dt.date(2026, 3, 31), currency=USD)
    assert total == usd("6.50")
    assert trailing_total([], months=1, as_of=dt.date(2026, 1, 1), currency=USD) == usd(0)
    assert trailing_total([], months=1, as_of=dt.date(2026, 1, 1)) == 0
    amounts = [(dt.date(2026, 1, 1), 2), (dt.date(2026, 1, 2), 3)]
    assert trailing_total(amounts, months=1, as_of=dt.date(2026, 1, 31)) == 5
    mixed = [(dt.date(2026, 1, 1), 2), (dt.date(2026, 1, 2), "0.5")]
    assert trailing_total(mixed, months=1, as_of=dt.date(2026, 1, 31)) == D("2.5")


def test_trailing_total_reports_every_bad_observation() -> None:
    bad: list[Any] = [
        (dt.date(2026, 1, 1), Money(1, "EUR")),
        (dt.date(2026, 1, 1), 5),
        "not a pair",
        ("2026-01-01", usd(1)),
        (dt.date(2026, 1, 1), "x"),
    ]
    with pytest.raises(ValidationError) as excinfo:
        trailing_total(bad, months=0, as_of=dt.date(2026, 1, 1), currency=USD)
    assert set(problems(excinfo)) == {
        "months",
        "observations[0][1]",
        "observations[1][1]",
        "observations[2]",
        "observations[3][0]",
        "observations[4][1]",
    }
    with pytest.raises(ValidationError) as excinfo:
        trailing_total([(dt.date(2026, 1, 1), usd(1))], months=1, as_of=dt.date(2026, 1, 1))
    assert "pass currency=" in problems(excinfo)["observations[0][1]"]
    with pytest.raises(ValidationError) as excinfo:
        trailing_total({}, months=1, as_of=dt.date(2026, 1, 1), currency="??")  # type: ignore[arg-type]
    assert set(problems(excinfo)) == {"observations", "currency"}
    with pytest.raises(TypeError, match="float"):
        trailing_total([(dt.date(2026, 1, 1), 1.5)], months=1, as_of=dt.date(2026, 1, 1))  # type: ignore[list-item]


def test_trailing_count() -> None:
    days = [dt.date(2025, 3, 31), dt.date(2025, 4, 1), dt.date(2026, 3, 31)]
    assert trailing_count(days, months=12, as_of=dt.date(2026, 3, 31)) == 2
    with pytest.raises(ValidationError) as excinfo:
        trailing_count([dt.date(2026, 1, 1), "x"], months=1, as_of="2026-01-01")  # type: ignore[list-item, arg-type]
    assert set(problems(excinfo)) == {"dates[1]", "as_of"}


# -- requirements and composite scores -------------------------------------------------------------


def test_requirement_thresholds() -> None:
    assert Requirement("deals", "12.0").threshold == D("12.0")
    assert Requirement("deals", "-0").threshold == D(0)
    with pytest.raises(ValidationError) as excinfo:
        Requirement("revenue", usd(-1))
    assert problems(excinfo) == {"threshold": "must not be negative, got -1 USD"}
    with pytest.raises(ValidationError) as excinfo:
        Requirement("deals", -3)
    assert "must not be negative" in problems(excinfo)["threshold"]
    with pytest.raises(ValidationError):
        Requirement("deals", "lots")
    with pytest.raises(TypeError, match="float"):
        Requirement("deals", 1.5)  # type: ignore[arg-type]


def test_composite_max_score_and_caps() -> None:
    score = CompositeScore(
        weights={"a": 60, "b": "40"}, targets={"a": usd(100), "b": 90}, pass_mark=80, caps={"a": 2}
    )
    assert score.max_score == D(160)
    assert score.cap_for("a") == D(2)
    assert score.cap_for("b") == D(1)


def test_composite_validation_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        CompositeScore(
            weights={"a": 0, "b": -1, "c": 1, "bad key": 1},
            targets={"a": usd(0), "d": 5, "c": "x"},
            pass_mark=0,
            caps={"c": 0, "e": 1},
            minimums={"a": -1},
            default_cap=0,
        )
    assert set(problems(excinfo)) == {
        "weights.a",
        "weights.b",
        "weights.<key 'bad key'>",
        "default_cap",
        "targets.a",
        "targets.c",
        "targets.d",
        "targets.b",
        "caps.c",
        "caps.e",
        "minimums.a",
        "pass_mark",
    }
    with pytest.raises(ValidationError) as excinfo:
        CompositeScore(weights={}, targets={}, pass_mark=1)
    assert problems(excinfo) == {"weights": "give at least one weighted metric"}
    with pytest.raises(ValidationError) as excinfo:
        CompositeScore(weights={"a": 50}, targets={"a": 10}, pass_mark=51)
    assert "highest possible score 50" in problems(excinfo)["pass_mark"]
    with pytest.raises(ValidationError) as excinfo:
        CompositeScore(weights=[], targets=[], pass_mark=1, caps=[], minimums=[])  # type: ignore[arg-type]
    assert set(problems(excinfo)) == {"weights", "targets", "caps", "minimums"}


# -- levels and programs ------------------------------------------------------------------------


def test_level_validation() -> None:
    with pytest.raises(ValidationError) as excinfo:
        ProgramLevel(
            "gold",
            " ",
            "2",  # type: ignore[arg-type]
            [Requirement("deals", 1), Requirement("deals", 2), "x"],  # type: ignore[list-item]
            composite="x",  # type: ignore[arg-type]
            benefits={},  # type: ignore[arg-type]
        )
    assert set(problems(excinfo)) == {"name", "rank", "requirements[2]", "composite", "benefits"}
    with pytest.raises(ValidationError) as excinfo:
        ProgramLevel("gold", "Gold", 2, [Requirement("deals", 1), Requirement("deals", 2)])
    assert "already required" in problems(excinfo)["requirements[1].metric_id"]


def test_program_ladder_and_lookups(program: Program) -> None:
    assert [level.id for level in program.ladder] == ["registered", "silver", "gold", "platinum"]
    shuffled = Program("pp", "PP", program.metrics, tuple(reversed(program.levels)))
    assert shuffled.ladder == program.ladder
    assert program.level("gold").name == "Gold"
    assert program.rank_of("gold") == 20
    assert program.metric("deals").unit == "deal"
    with pytest.raises(NotFoundError):
        program.level("diamond")
    with pytest.raises(NotFoundError):
        program.metric("nope")


def test_program_validation_reports_every_problem_with_its_path() -> None:
    metrics = [
        Metric("revenue", "money", "revenue", currency=USD),
        Metric("deals", "count", "deals"),
        Metric("deals", "number", "again"),
        Metric("csat", "percentage", "csat"),
    ]
    levels = [
        ProgramLevel("a", "A", 1),
        ProgramLevel("b", "B", 1, [Requirement("revenue", Money(5, "EUR"))]),
        ProgramLevel(
            "a",
            "A again",
            3,
            [
                Requirement("unknown", 1),
                Requirement("deals", D("1.5")),
                Requirement("revenue", 5),
                Requirement("csat", 101),
            ],
        ),
        ProgramLevel(
            "c",
            "C",
            4,
            [Requirement("deals", usd(1))],
            composite=CompositeScore(
                weights={"ghost": 1, "deals": 1},
                targets={"ghost": 1, "deals": usd(5)},
                minimums={"phantom": 1, "csat": 200},
                pass_mark=1,
            ),
        ),
    ]
    with pytest.raises(ValidationError) as excinfo:
        Program("p", "P", metrics, levels)
    found = problems(excinfo)
    assert set(found) == {
        "metrics[2].id",
        "levels[1].rank",
        "levels[1].requirements[0].threshold",
        "levels[2].id",
        "levels[2].requirements[0].metric_id",
        "levels[2].requirements[1].threshold",
        "levels[2].requirements[2].threshold",
        "levels[2].requirements[3].threshold",
        "levels[3].requirements[0].threshold",
        "levels[3].composite.weights.ghost",
        "levels[3].composite.targets.deals",
        "levels[3].composite.minimums.phantom",
        "levels[3].composite.minimums.csat",
    }
    assert "must be in USD" in found["levels[1].requirements[0].threshold"]
    assert "whole number" in found["levels[2].requirements[1].threshold"]
    assert "must be Money in USD" in found["levels[2].requirements[2].threshold"]
    assert "from 0 to 100" in found["levels[2].requirements[3].threshold"]
    assert "not Money" in found["levels[3].requirements[0].threshold"]
    assert "duplicate rank 1 (also levels[0])" in found["levels[1].rank"]
    with pytest.raises(ValidationError) as excinfo:
        Program("p", "P", ["x"], [])  # type: ignore[list-item]
    assert set(problems(excinfo)) == {"metrics[0]", "levels"}
    with pytest.raises(ValidationError) as excinfo:
        Program("p", "P", ["x"], [ProgramLevel("a", "A", 1, [Requirement("nope", 1)])])  # type: ignore[list-item]
    assert set(problems(excinfo)) == {"metrics[0]"}
    with pytest.raises(ValidationError) as excinfo:
        Program("p", "P", [], "x")  # type: ignore[arg-type]
    assert set(problems(excinfo)) == {"levels"}


def test_program_round_trips_through_json(program: Program) -> None:
    data = to_dict(program)
    assert data["levels"][1]["requirements"][0] == {
        "metric_id": "revenue",
        "threshold": {"amount": "50000", "currency": "USD"},
    }
    assert data["levels"][3]["composite"]["caps"] == {"revenue": "1.5"}
    assert from_dict(Program, data) == program
    assert from_json(Program, to_json(program)) == program
    assert storage_converter.structure(storage_converter.unstructure(program), Program) == program


def test_program_loading_lists_every_problem_with_paths(program: Program) -> None:
    data = to_dict(program)
    data["levels"][2]["requirements"][0]["threshold"] = {"amount": "-5", "currency": "USD"}
    data["levels"][2]["rank"] = 10
    data["levels"][3]["requirements"][0]["threshold"] = "many"
    data["levels"][1]["benefits"]["discount_rate"] = "2"
    data["levels"][1]["requirements"][1]["threshold"] = True
    data["metrics"][0]["kind"] = "volume"
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Program, data)
    assert set(problems(excinfo)) == {
        "levels[2].requirements[0].threshold",
        "levels[3].requirements[0].threshold",
        "levels[1].benefits.discount_rate",
        "levels[1].requirements[1].threshold",
        "metrics[0].kind",
    }
    data = to_dict(program)
    data["levels"][2]["requirements"][0]["threshold"] = {"amount": "-5", "currency": "USD"}
    data["levels"][2]["rank"] = 10
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Program, data)
    assert set(problems(excinfo)) == {"levels[2].requirements[0].threshold"}
    data = to_dict(program)
    data["levels"][2]["rank"] = 10
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Program, data)
    assert set(problems(excinfo)) == {"levels[2].rank"}
    data = to_dict(program)
    data["levels"][0]["requirements"] = [{"metric_id": "deals", "threshold": 1.5}]
    with pytest.raises(TypeError, match="float"):
        from_dict(Program, data)
    data["levels"][0]["requirements"] = [{"metric_id": "deals", "threshold": [1]}]
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Program, data)
    assert set(problems(excinfo)) == {"levels[0].requirements[0].threshold"}
    data["levels"][0]["requirements"] = [{"metric_id": "deals", "threshold": "NaN"}]
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Program, data)
    assert set(problems(excinfo)) == {"levels[0].requirements[0].threshold"}


def test_json_numbers_load_as_exact_values(program: Program) -> None:
    text = json.dumps(to_dict(program)).replace('"1.5"', "1.5")
    assert from_json(Program, text) == program


# -- benefits -----------------------------------------------------------------------------------


def test_benefits_defaults_and_conversion() -> None:
    default = Benefits()
    assert default.commission_multiplier == 1
    assert default.discount_rate == default.mdf_accrual_rate == 0
    assert default.routing_weight == 1
    assert dict(default.custom) == {}
    custom = Benefits(routing_weight=0, custom={"badge": "gold", "days": 30, "x": D("0.5")})
    assert custom.routing_weight == D(0)
    assert custom.custom["x"] == D("0.5")


def test_benefits_validation() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Benefits(
            commission_multiplier=-1,
            discount_rate="1.01",
            mdf_accrual_rate=-1,
            routing_weight="-1",
            custom={"a": D("Inf"), "b": None, "c": " ", "bad key": 1},  # type: ignore[dict-item]
        )
    assert set(problems(excinfo)) == {
        "commission_multiplier",
        "discount_rate",
        "mdf_accrual_rate",
        "routing_weight",
        "custom.a",
        "custom.b",
        "custom.c",
        "custom.<key 'bad key'>",
    }
    with pytest.raises(ValidationError) as excinfo:
        Benefits(custom=[1])  # type: ignore[arg-type]
    assert set(problems(excinfo)) == {"custom"}
    with pytest.raises(TypeError, match="float"):
        Benefits(custom={"x": 0.5})
    with pytest.raises(TypeError, match="float"):
        Benefits(discount_rate=0.5)  # type: ignore[arg-type]


def test_benefits_round_trip_custom_types() -> None:
    benefits = Benefits(custom={"badge": "gold", "days": 30, "x": D("0.5"), "flag": True})
    data = to_dict(benefits)
    assert data["custom"] == {"badge": "gold", "days": 30, "x": {"decimal": "0.5"}, "flag": True}
    loaded = from_dict(Benefits, data)
    assert loaded == benefits
    assert loaded.custom["flag"] is True
    assert from_json(Benefits, '{"custom": {"x": 0.25}}').custom["x"] == D("0.25")
    for bad in ({"decimal": 5}, {"decimal": "x"}, {"other": "1"}, None, [1]):
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Benefits, {"custom": {"x": bad}})
        assert set(problems(excinfo)) == {"custom[x]"}
    with pytest.raises(TypeError, match="float"):
        from_dict(Benefits, {"custom": {"x": 0.5}})


def test_benefit_accessors_return_plain_values(program: Program) -> None:
    assert benefits_for(program, "gold") == program.level("gold").benefits
    assert commission_multiplier(program, "silver") == D("1.05")
    assert discount_rate(program, "silver") == D("0.1")
    assert mdf_accrual_rate(program, "silver") == D(0)
    assert routing_weight(program, "gold") == D(3)
    with pytest.raises(NotFoundError):
        commission_multiplier(program, "diamond")


def test_money_threshold_currency_mismatch_is_not_raised_at_evaluation(program: Program) -> None:
    # Currency problems are caught when the program is built, never as CurrencyMismatch later.
    with pytest.raises(ValidationError):
        Program(
            "p",
            "P",
            program.metrics,
            [ProgramLevel("a", "A", 1, [Requirement("revenue", Money(1, "EUR"))])],
        )
    assert issubclass(CurrencyMismatch, Exception)
