"""Commission plans: construction, validation with paths, and loading from dict, JSON, TOML."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest

from prmcore.commissions import (
    Accelerator,
    Basis,
    Cap,
    CommissionPlan,
    Component,
    Draw,
    PlanVersion,
    RateRule,
    Scope,
    Spiff,
    plan_from_dict,
    plan_from_json,
    plan_from_toml,
    plan_to_dict,
)
from prmcore.domain import PartnerKind
from prmcore.errors import ValidationError
from prmcore.periods import FiscalYearCalendar, QuarterCalendar
from prmcore.tiers import Tier, TierMode

from .conftest import D, graduated_plan

PLAN = {
    "id": "resale",
    "name": "Resale 2026",
    "currency": "EUR",
    "calendar": {"kind": "fiscal_year", "start_month": 4},
    "versions": [
        {
            "id": "v1",
            "effective_from": "2026-04-01",
            "components": [{"id": "base", "rate": "0.05"}],
        },
        {
            "id": "v2",
            "effective_from": "2026-07-01",
            "quota": "100000",
            "accelerators": [{"above": "100", "multiplier": "1.5"}],
            "components": [
                {
                    "id": "tiered",
                    "mode": "graduated",
                    "tiers": [
                        {"up_to": "10000", "rate": "0.03"},
                        {"up_to": "50000", "rate": "0.05"},
                        {"up_to": None, "rate": "0.08"},
                    ],
                }
            ],
            "caps": [{"scope": "period", "amount": "5000", "carry_forward": True}],
            "draw": {"amount": "1000", "recovery_rate": "0.5", "delay": 1, "maximum": "3000"},
        },
    ],
}


def test_a_plan_loads_from_a_dict_and_round_trips() -> None:
    plan = plan_from_dict(PLAN)
    assert isinstance(plan.calendar, FiscalYearCalendar)
    assert plan.calendar.start_month == 4
    v2 = plan.versions[1]
    assert v2.components[0].mode is TierMode.GRADUATED
    assert v2.cap(Scope.PERIOD) == Cap("period", "5000", carry_forward=True)
    assert v2.draw == Draw("1000", recovery_rate="0.5", delay=1, maximum="3000")
    assert plan_from_dict(plan_to_dict(plan)) == plan
    assert plan_from_json(json.dumps(plan_to_dict(plan))) == plan


def test_loading_lists_every_problem_with_its_path() -> None:
    data = json.loads(json.dumps(PLAN))
    data["currency"] = "EURO"
    tiers = data["versions"][1]["components"][0]["tiers"]
    tiers[2]["up_to"] = "20000"  # below the tier before it, and the top tier is not open
    tiers[1]["rate"] = "-0.05"
    data["versions"][1]["effective_from"] = "2026-03-01"
    data["versions"][0]["components"][0]["typo"] = 1
    with pytest.raises(ValidationError) as caught:
        plan_from_dict(data)
    paths = set(caught.value.paths)
    assert {
        "currency",
        "versions[1].components[0].tiers[2].up_to",
        "versions[1].components[0].tiers[1].rate",
        "versions[0].components[0].typo",
    } <= paths
    messages = {p.path: p.message for p in caught.value.problems}
    assert "greater than tiers[1].up_to" in messages["versions[1].components[0].tiers[2].up_to"]


def test_version_order_is_checked_with_its_path() -> None:
    data = json.loads(json.dumps(PLAN))
    data["versions"][1]["effective_from"] = "2026-03-01"
    with pytest.raises(ValidationError) as caught:
        plan_from_dict(data)
    assert caught.value.paths == ("versions[1].effective_from",)


def test_a_float_in_plan_data_is_a_type_error() -> None:
    data = json.loads(json.dumps(PLAN))
    data["versions"][0]["components"][0]["rate"] = 0.05
    with pytest.raises(TypeError, match="float"):
        plan_from_dict(data)
    with pytest.raises(TypeError, match="float"):
        Component(id="c", rate=0.05)  # type: ignore[arg-type]


def test_toml_loads_with_decimals_and_bad_toml_is_a_validation_error() -> None:
    text = """
id = "p"
name = "Plan"
currency = "USD"
calendar = { kind = "quarter", start_month = 2 }

[[versions]]
id = "v1"
effective_from = 2026-02-01

[[versions.components]]
id = "tiers"
mode = "volume"
tiers = [{ up_to = 1000, rate = 0.02 }, { rate = 0.04 }]
"""
    plan = plan_from_toml(text)
    assert isinstance(plan.calendar, QuarterCalendar)
    assert plan.versions[0].components[0].tiers[1] == Tier(None, Decimal("0.04"))
    with pytest.raises(ValidationError, match="not valid TOML"):
        plan_from_toml("id = ")
    with pytest.raises(ValidationError) as caught:
        plan_from_toml(text.replace("up_to = 1000", "up_to = -1"))
    assert "versions[0].components[0].tiers[0].up_to" in caught.value.paths


def test_json_is_data_not_code() -> None:
    with pytest.raises(ValidationError) as caught:
        plan_from_json(
            '{"id": "__import__(\'os\')", "name": "x", "currency": "EUR",'
            ' "calendar": {"kind": "month"}, "versions": []}'
        )
    assert set(caught.value.paths) == {"id", "versions"}
    with pytest.raises(ValidationError, match="not valid JSON"):
        plan_from_json("{")


def test_component_needs_exactly_one_way_to_pay() -> None:
    with pytest.raises(ValidationError, match="give a rate"):
        Component(id="c")
    with pytest.raises(ValidationError, match="not both"):
        Component(id="c", rate="0.1", mode="graduated", tiers=[Tier(None, "0.1")])
    with pytest.raises(ValidationError) as caught:
        Component(id="c", tiers=[Tier(None, "0.1")])
    assert caught.value.paths == ("mode",)
    with pytest.raises(ValidationError) as caught:
        Component(id="c", rate="0.1", package_size="5")
    assert caught.value.paths == ("package_size",)


def test_version_checks_quota_duplicates_and_scopes() -> None:
    with pytest.raises(ValidationError) as caught:
        PlanVersion(
            id="v",
            effective_from=D(2026, 1, 1),
            components=[
                Component(id="a", rate="0.1"),
                Component(id="a", basis="attainment", rate="1"),
            ],
            accelerators=[Accelerator("100", "2")],
            caps=[Cap("period", "10"), Cap("period", "20")],
            rounding="ROUND_DOWN",
        )
    assert set(caught.value.paths) == {"components[1].id", "quota", "caps[1].scope", "rounding"}
    with pytest.raises(ValidationError, match="at least one component"):
        PlanVersion(id="v", effective_from=D(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        Cap("transaction", "10", carry_forward=True)
    assert caught.value.paths == ("carry_forward",)
    with pytest.raises(ValidationError) as caught:
        Spiff("s", [], D(2026, 2, 1), D(2026, 1, 1))
    assert set(caught.value.paths) == {"product_lines", "end", ""}
    with pytest.raises(ValidationError) as caught:
        Draw("0", recovery_rate="1.5", delay=-1)
    assert set(caught.value.paths) == {"amount", "recovery_rate", "delay"}


def test_version_on_and_hash() -> None:
    plan = plan_from_dict(PLAN)
    assert plan.version_on(D(2026, 6, 30)).id == "v1"
    assert plan.version_on(D(2026, 7, 1)).id == "v2"
    assert plan.version("v2") is plan.versions[1]
    with pytest.raises(ValidationError, match="no version in effect"):
        plan.version_on(D(2026, 3, 31))
    with pytest.raises(ValidationError):
        plan.version("v9")
    v1 = plan.versions[0]
    assert v1.hash == plan_from_dict(PLAN).versions[0].hash
    assert v1.hash != attrs.evolve(v1, components=[Component(id="base", rate="0.06")]).hash


def test_rate_rules_pick_the_most_specific() -> None:
    component = Component(
        id="c",
        rate="0.01",
        rates=[
            RateRule("0.02", partner_kind="msp"),
            RateRule("0.03", product_line="fw"),
            RateRule("0.04", product_line="fw", partner_kind="msp"),
        ],
    )
    assert component.rate_for("fw", PartnerKind.MSP) == Decimal("0.04")
    assert component.rate_for("fw", PartnerKind.RESELLER) == Decimal("0.03")
    assert component.rate_for("edr", PartnerKind.MSP) == Decimal("0.02")
    assert component.rate_for("edr", None) == Decimal("0.01")
    assert Component(id="c", rates=[RateRule("0.1", product_line="x")]).rate_for("y", None) == 0


def test_accelerators_become_a_multiplier_schedule() -> None:
    plan = graduated_plan(
        components=[Component(id="c", rate="0.1")],
        quota="1000",
        accelerators=[Accelerator("100", "1.5"), Accelerator("150", "2")],
    )
    schedule = plan.versions[0].accelerator_schedule
    assert schedule is not None
    # 1000 at 1x, 500 at 1.5x, 500 at 2x
    assert schedule.total(2000) == Decimal("2750.0")
    assert graduated_plan().versions[0].accelerator_schedule is None


def test_plan_level_checks() -> None:
    with pytest.raises(ValidationError) as caught:
        CommissionPlan(
            id="p",
            name=" ",
            currency="XXX1",
            calendar="month",  # type: ignore[arg-type]
            versions=[
                PlanVersion(
                    id="v",
                    effective_from=D(2026, 1, 1),
                    components=[Component(id="c", rate="0.1", basis=Basis.UNITS)],
                ),
                PlanVersion(
                    id="v", effective_from=D(2026, 1, 1), components=[Component(id="c", rate="0.1")]
                ),
            ],
        )
    assert set(caught.value.paths) == {
        "name",
        "currency",
        "calendar",
        "versions[1].id",
        "versions[1].effective_from",
    }
    assert dt.date(2026, 1, 1) in graduated_plan().calendar.period_containing(D(2026, 1, 9))
