"""The router's decisions and traces; simulation, diff, locks and activation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from prmcore.domain import Capacity, Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.lead_routing import (
    InMemoryRoutingData,
    ModelStatus,
    PoolMember,
    ResolutionPolicy,
    Router,
    RoutingLocks,
    RoutingOutcome,
    Territory,
    TerritoryModel,
    activate,
    diff_models,
    simulate,
)
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
DE = field("location.country").eq("DE")
SOUTH = field("location.postal_code").starts_with("8")


def partner(pid: str, **changes: object) -> Partner:
    values: dict[str, object] = {
        "id": pid,
        "name": pid,
        "kind": PartnerKind.RESELLER,
        "status": PartnerStatus.ACTIVE,
    }
    values.update(changes)
    return Partner(**values)  # type: ignore[arg-type]


def lead(number: int = 1, postal: str = "80331", **changes: object) -> Lead:
    values: dict[str, object] = {
        "id": f"l-{number}",
        "company_name": "Prospect",
        "location": Location(country="DE", postal_code=postal),
        "received_at": AT,
    }
    values.update(changes)
    return Lead(**values)  # type: ignore[arg-type]


def ranked_model(winners: int = 2) -> TerritoryModel:
    return TerritoryModel(
        "m",
        4,
        [
            Territory("de", "Germany", include=DE, members=[PoolMember("p-de")]),
            Territory("south", "South", parent_id="de", include=SOUTH, members=[PoolMember("p-s")]),
        ],
        policy=ResolutionPolicy("rank", winners=winners),
    )


def test_rank_falls_through_to_the_next_winner() -> None:
    data = InMemoryRoutingData([partner("p-de"), partner("p-s", status="suspended")])
    decision = Router(ranked_model()).route(lead(), data, AT, trace=True)
    assert (decision.partner_id, decision.territory_id) == ("p-de", "de")
    assert decision.trace is not None
    assert [p.territory_id for p in decision.trace.pools] == ["south", "de"]
    assert [p.winner for p in decision.trace.pools] == [None, "p-de"]
    only_one = Router(ranked_model(winners=1)).route(lead(), data, AT)
    assert only_one.outcome is RoutingOutcome.UNROUTABLE
    assert only_one.reason == "no eligible partner in south"


def test_trace_is_json_and_readable() -> None:
    data = InMemoryRoutingData([partner("p-de"), partner("p-s")])
    decision = Router(ranked_model()).route(lead(), data, AT, trace=True)
    assert decision.trace is not None
    payload = json.loads(json.dumps(decision.to_dict()))
    trace = payload["trace"]
    assert trace["model"] == {"id": "m", "version": 4}
    assert trace["policy"] == "rank:2"
    assert [t["territory_id"] for t in trace["territories"]] == ["de", "south"]
    assert [t["rank"] for t in trace["territories"]] == [2, 1]
    south = trace["territories"][1]["explanation"]
    assert south["verdict"] is True
    assert south["all"][1]["note"] == "matched prefix '8'"
    pool = trace["pools"][0]
    assert pool["winner"] == "p-s"
    assert [v["gate"] for v in pool["candidates"][0]["verdicts"]] == [
        "weight",
        "status",
        "previous_declines",
        "capacity",
    ]
    text = decision.trace.render()
    assert "model m v4, policy rank:2" in text
    assert "south: rule, depth 1, specificity 160, priority 0 -> winner #1" in text
    assert "✓ location.postal_code starts with '8'" in text
    assert "winner p-s, decided by only candidate" in text
    assert text.endswith("outcome: offered: offered to p-s through south (rule, round_robin)")


def test_unmatched_lead_is_unroutable_with_a_reason_never_an_error() -> None:
    data = InMemoryRoutingData([partner("p-de")])
    french = lead(location=Location(country="FR", postal_code="75002"))
    decision = Router(ranked_model()).route(french, data, AT, trace=True)
    assert decision.outcome is RoutingOutcome.UNROUTABLE
    assert not decision.offered
    assert decision.reason == "no territory covers the lead and there is no catch-all"
    assert decision.trace is not None
    assert "(none)" in decision.trace.render()
    assert decision.to_dict()["trace"]["territories"] == []


def test_tracing_does_not_change_the_decision() -> None:
    partners = [partner("p-de"), partner("p-s", capacity=Capacity(max_open_leads=3))]
    plain = InMemoryRoutingData(partners)
    traced = InMemoryRoutingData(partners)
    router = Router(ranked_model())
    leads = [lead(i, postal="80331" if i % 3 else "10115") for i in range(12)]
    a = router.route_many(leads, plain, AT)
    b = router.route_many(leads, traced, AT, trace=True)
    assert a == b
    assert all(d.trace is None for d in a)
    assert all(d.trace is not None for d in b)
    assert plain.loads == traced.loads
    by_moment = router.route_many(
        leads[1:2], InMemoryRoutingData(partners), lambda x: x.received_at
    )
    assert by_moment[0].partner_id == "p-s"


def test_simulate_diff_locks_and_activate() -> None:
    active = TerritoryModel(
        "m", 1, [Territory("de", "Germany", include=DE)], status=ModelStatus.ACTIVE
    )
    draft = active.next_draft(
        [
            Territory("de", "Germany", include=DE),
            Territory("south", "South", include=SOUTH),
            Territory("east", "East", include=field("location.postal_code").starts_with("0")),
        ]
    )
    draft = TerritoryModel(
        draft.id, draft.version, draft.territories, policy=ResolutionPolicy("first_match")
    )
    sample = [
        lead(1, "80331"),
        lead(2, "80331", account_id="acc-locked"),
        lead(3, "10115"),
        lead(4, "01067"),
        lead(5, "99999", location=Location(country="FR")),
    ]
    sim = simulate(draft, sample, AT.date())
    assert sim.assignments["l-1"] == ("de",)  # first match: de has the same priority, comes first
    draft = TerritoryModel(
        "m",
        2,
        [
            Territory("south", "South", include=SOUTH, priority=0),
            Territory("east", "East", include=field("location.postal_code").starts_with("0")),
            Territory("de", "Germany", include=DE, priority=5),
        ],
        policy=ResolutionPolicy("first_match"),
    )
    diff = diff_models(
        active, draft, sample, AT.date(), locks=RoutingLocks(account_ids={"acc-locked"})
    )
    assert [c.to_dict() for c in diff.changes] == [
        {"lead_id": "l-1", "before": ["de"], "after": ["south"]},
        {"lead_id": "l-4", "before": ["de"], "after": ["east"]},
    ]
    assert [c.lead_id for c in diff.locked] == ["l-2"]
    assert diff.unchanged == 2
    assert diff.moves() == {("de", "east"): 1, ("de", "south"): 1}
    assert diff.assignments()["l-2"] == ("de",)
    assert diff.assignments()["l-1"] == ("south",)
    assert diff.base.per_territory() == {"": 1, "de": 4}
    assert RoutingLocks(lead_ids={"l-3"}).locks(sample[2])
    new, old = activate(draft, active)
    assert (new.status, old and old.status) == (ModelStatus.ACTIVE, ModelStatus.ARCHIVED)
    with pytest.raises(InvalidTransition):
        activate(new, None)
    with pytest.raises(ValidationError):
        activate(active.next_draft(), TerritoryModel("other", 1, [], status="active"))
    with pytest.raises(ValidationError):
        activate(TerritoryModel("m", 1, []), active)
    with pytest.raises(ValidationError):
        diff_models(active, TerritoryModel("other", 1, []), sample, AT.date())
