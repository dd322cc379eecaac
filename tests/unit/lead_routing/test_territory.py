"""Territories and territory models: validation, hierarchy, lifecycle, dict/JSON loading."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from prmcore.errors import InvalidTransition, NotFoundError, ValidationError
from prmcore.lead_routing import (
    GeoCircle,
    ModelStatus,
    PolicyKind,
    PoolMember,
    ResolutionPolicy,
    Territory,
    TerritoryModel,
    territory_model_from_dict,
    territory_model_from_json,
    territory_model_to_dict,
    territory_model_to_json,
)
from prmcore.rules import field

DE = field("location.country").eq("DE")
SOUTH = field("location.postal_code").starts_with("8", "9")


def model(*territories: Territory, **kw: object) -> TerritoryModel:
    return TerritoryModel("m", 1, territories, **kw)  # type: ignore[arg-type]


def test_hierarchy_rule_depth_and_specificity() -> None:
    m = model(
        Territory("de", "Germany", include=DE),
        Territory("south", "South", parent_id="de", include=SOUTH),
        Territory("muc", "München", parent_id="south", near=GeoCircle(48.14, 11.58, 30)),
    )
    assert m.depth("de") == 0
    assert m.depth("muc") == 2
    assert [t.id for t in m.ancestors("muc")] == ["south", "de"]
    assert str(m.rule_of("south")) == str(DE & SOUTH)
    assert m.specificity_of("south") == 160
    assert m.specificity_of("muc") == 160 + 60
    assert [t.id for t in m.children(None)] == ["de"]
    assert [t.id for t in m.children("de")] == ["south"]
    with pytest.raises(NotFoundError):
        m.territory("nope")


def test_named_only_territory_has_no_rule() -> None:
    m = model(Territory("key", "Key accounts", named_accounts=["acc-1"]))
    assert m.rule_of("key") is None
    assert m.specificity_of("key") == 0


def test_effective_dates_follow_ancestors() -> None:
    m = model(
        Territory("de", "Germany", include=DE, effective_to=dt.date(2026, 6, 30)),
        Territory("south", "South", parent_id="de", include=SOUTH),
    )
    assert m.in_force_on("south", dt.date(2026, 6, 30))
    assert not m.in_force_on("south", dt.date(2026, 7, 1))


def test_model_problems_are_all_listed_with_paths() -> None:
    with pytest.raises(ValidationError) as err:
        model(
            Territory("a", "A", include=DE, parent_id="c"),
            Territory("b", "B", include=DE, parent_id="ghost"),
            Territory("c", "C", include=DE, parent_id="a"),
            Territory("a", "A again", include=DE),
        )
    paths = err.value.paths
    assert "territories[3].id" in paths
    assert "territories[1].parent_id" in paths
    assert "territories[0].parent_id" in paths  # the a -> c -> a cycle


def test_territory_problems_are_all_listed() -> None:
    with pytest.raises(ValidationError) as err:
        Territory(
            "bad id!",
            "",
            include=DE,
            catch_all=True,
            effective_from=dt.date(2026, 2, 1),
            effective_to=dt.date(2026, 1, 1),
            members=(PoolMember("p-1"), PoolMember("p-1")),
        )
    assert set(err.value.paths) >= {
        "id",
        "name",
        "catch_all",
        "effective_to",
        "members[1].partner_id",
    }


def test_pool_member_weights() -> None:
    assert PoolMember("p-1", weight="2.5").weight == Decimal("2.5")
    assert PoolMember("p-1", weight=0).weight == Decimal(0)
    with pytest.raises(TypeError):
        PoolMember("p-1", weight=1.5)
    with pytest.raises(ValidationError) as err:
        PoolMember("p-1", weight=-1, quota="x")
    assert set(err.value.paths) == {"weight", "quota"}


def test_policy_validation() -> None:
    assert ResolutionPolicy("rank", winners=3).kind is PolicyKind.RANK
    with pytest.raises(ValidationError) as err:
        ResolutionPolicy("first_match", winners=2)
    assert err.value.paths == ("winners",)
    with pytest.raises(ValidationError):
        ResolutionPolicy("best")


def test_lifecycle() -> None:
    draft = model(Territory("de", "Germany", include=DE))
    active = draft.transition("active")
    assert active.status is ModelStatus.ACTIVE
    assert active.transition(ModelStatus.ARCHIVED).status is ModelStatus.ARCHIVED
    with pytest.raises(InvalidTransition):
        active.transition("draft")
    with pytest.raises(InvalidTransition):
        draft.transition("nonsense")
    nxt = active.next_draft()
    assert (nxt.version, nxt.status) == (2, ModelStatus.DRAFT)
    assert nxt.territories == active.territories


SAMPLE = {
    "id": "emea",
    "version": 3,
    "status": "draft",
    "policy": {"kind": "rank", "winners": 2},
    "description": "EMEA alignment",
    "territories": [
        {
            "id": "de",
            "name": "Germany",
            "include": {"field": "location.country", "op": "eq", "value": "DE"},
            "members": [{"partner_id": "p-1", "weight": "2"}, {"partner_id": "p-2", "quota": 3}],
            "effective_from": "2026-01-01",
        },
        {
            "id": "de-south",
            "name": "Southern Germany",
            "parent_id": "de",
            "include": {"field": "location.postal_code", "op": "starts_with", "value": ["8"]},
            "exclude": {"field": "industry", "op": "eq", "value": "government"},
            "near": {"latitude": 48.1, "longitude": 11.5, "radius_km": 200},
            "priority": 2,
            "strategy": "nearest",
            "effective_to": "2026-12-31",
        },
        {"id": "key", "name": "Key accounts", "named_accounts": ["acc-1"],
         "named_domains": ["acme.example"]},
        {"id": "fallback", "name": "Everything else", "catch_all": True},
    ],
}  # fmt: skip


def test_dict_round_trip() -> None:
    m = territory_model_from_dict(SAMPLE)
    assert m.policy == ResolutionPolicy("rank", 2)
    assert m.territory("de").members[0].weight == Decimal(2)
    assert m.territory("de-south").near == GeoCircle(48.1, 11.5, 200)
    again = territory_model_from_dict(territory_model_to_dict(m))
    assert again == m
    assert territory_model_to_dict(again) == territory_model_to_dict(m)
    assert territory_model_from_json(territory_model_to_json(m, indent=2)) == m


def test_json_numbers_are_decimals() -> None:
    data = json.loads(json.dumps(SAMPLE))
    data["territories"][0]["members"][0]["weight"] = 1.25
    text = json.dumps(data)
    m = territory_model_from_json(text)
    assert m.territory("de").members[0].weight == Decimal("1.25")


def test_every_loading_problem_is_listed_with_its_path() -> None:
    data = json.loads(json.dumps(SAMPLE))
    data["colour"] = "blue"
    data["policy"] = {"kind": "first_match", "winners": 2}
    t0 = data["territories"][0]
    t0["include"] = {"field": "location.contry", "op": "eq", "value": "DE"}
    t0["members"][1]["weight"] = "-1"
    t0["members"].append({"partner": "p-3"})
    t1 = data["territories"][1]
    t1["exclude"] = {"field": "industry", "op": "around", "value": "x"}
    t1["effective_to"] = "tomorrow"
    t1["near"] = {"latitude": 95, "longitude": 11.5, "radius_km": 0}
    data["territories"][2]["named_accounts"] = "acc-1"
    data["territories"].append({"id": "x"})
    with pytest.raises(ValidationError) as err:
        territory_model_from_dict(data)
    paths = set(err.value.paths)
    assert {
        "colour",
        "policy.winners",
        "territories[0].include.field",
        "territories[0].members[1].weight",
        "territories[0].members[2].partner",
        "territories[1].exclude.op",
        "territories[1].effective_to",
        "territories[1].near.latitude",
        "territories[1].near.radius_km",
        "territories[2].named_accounts",
        "territories[4].name",
    } <= paths, paths


def test_model_level_problems_after_loading() -> None:
    data = {
        "id": "m",
        "version": 1,
        "territories": [
            {"id": "a", "name": "A", "parent_id": "zz", "catch_all": True},
            {"id": "a", "name": "A2", "catch_all": True},
        ],
    }
    with pytest.raises(ValidationError) as err:
        territory_model_from_dict(data)
    assert set(err.value.paths) == {"territories[0].parent_id", "territories[1].id"}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], ""),
        ({"id": "m", "territories": []}, "version"),
        ({"id": "m", "version": 1, "territories": {}}, "territories"),
        ({"id": "m", "version": 1, "territories": [3]}, "territories[0]"),
        ({"id": "m", "version": 1, "territories": [
            {"id": "a", "name": "A", "members": "p-1"}]}, "territories[0].members"),
        ({"id": "m", "version": 0, "territories": []}, "version"),
    ],
)  # fmt: skip
def test_shapes_are_checked(data: object, path: str) -> None:
    with pytest.raises(ValidationError) as err:
        territory_model_from_dict(data)
    assert path in err.value.paths


def test_bad_json() -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        territory_model_from_json("{")
