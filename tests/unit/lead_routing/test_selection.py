"""Gates and selection strategies, through the router."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.domain import (
    Agreement,
    AgreementKind,
    Capacity,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
)
from prmcore.errors import ValidationError
from prmcore.lead_routing import (
    AgreementGate,
    AvailabilityGate,
    AwayWindow,
    CapacityGate,
    CertificationGate,
    DealRegistrationGate,
    DeclinedGate,
    InMemoryRoutingData,
    LeastLoad,
    MinimumLevelGate,
    Nearest,
    PartnerLoad,
    PerformanceScore,
    PeriodCount,
    PoolMember,
    QuotaWeighted,
    Router,
    RoutingOutcome,
    SmoothWeightedRoundRobin,
    StatusGate,
    Strategy,
    Territory,
    TerritoryModel,
    TieBreak,
    WeightedRandom,
    WeightGate,
    WithinRadius,
    program_weights,
)
from prmcore.rules import field
from prmcore.tiers import Benefits, Program, ProgramLevel

AT = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
DE = field("location.country").eq("DE")


def partner(pid: str, **changes: object) -> Partner:
    values: dict[str, object] = {
        "id": pid,
        "name": f"Partner {pid}",
        "kind": PartnerKind.RESELLER,
        "status": PartnerStatus.ACTIVE,
        "locations": (Location(country="DE", latitude=48.14, longitude=11.58),),
    }
    values.update(changes)
    return Partner(**values)  # type: ignore[arg-type]


def lead(number: int = 1, **changes: object) -> Lead:
    values: dict[str, object] = {
        "id": f"l-{number}",
        "company_name": "Prospect",
        "location": Location(country="DE", postal_code="80331", latitude=48.14, longitude=11.58),
        "received_at": AT,
    }
    values.update(changes)
    return Lead(**values)  # type: ignore[arg-type]


def one_pool(*members: PoolMember, **router: object) -> Router:
    model = TerritoryModel("m", 1, [Territory("de", "Germany", include=DE, members=members)])
    return Router(model, **router)  # type: ignore[arg-type]


def run(router: Router, data: InMemoryRoutingData, n: int) -> list[str | None]:
    return [d.partner_id for d in router.route_many((lead(i) for i in range(n)), data, AT)]


def test_smooth_weighted_round_robin_sequence() -> None:
    router = one_pool(
        PoolMember("a", weight=5), PoolMember("b", weight=1), PoolMember("c", weight=1)
    )
    data = InMemoryRoutingData([partner("a"), partner("b"), partner("c")])
    assert run(router, data, 7) == ["a", "a", "b", "a", "c", "a", "a"]
    rotation = data.rotation("de")
    assert rotation.version == 7
    assert rotation.assigned() == {"a": 5, "b": 1, "c": 1}
    assert all(v == 0 for v in rotation.currents().values())  # a full cycle returns to zero


@given(st.lists(st.integers(0, 4), min_size=2, max_size=6), st.integers(1, 60))
def test_round_robin_shares_follow_weights(weights: list[int], n: int) -> None:
    members = [PoolMember(f"p{i}", weight=w) for i, w in enumerate(weights)]
    router = one_pool(*members)
    data = InMemoryRoutingData([partner(m.partner_id) for m in members])
    counts = Counter(run(router, data, n))
    total = sum(weights)
    for i, w in enumerate(weights):
        got = counts.get(f"p{i}", 0)
        if total == 0 or w == 0:
            assert got == 0  # weight 0 means never
        else:
            assert abs(got - n * w / total) < len(weights)
    if total == 0:
        assert counts == {None: n}
    equal = [f"p{i}" for i, w in enumerate(weights) if w == max(weights) and w > 0]
    if equal:
        got = [counts.get(p, 0) for p in equal]
        assert max(got) - min(got) <= 1


def test_weighted_random_is_seeded_and_follows_weights() -> None:
    members = (PoolMember("a", weight=3), PoolMember("b", weight=1))
    first = run(one_pool(*members, strategy=Strategy(WeightedRandom(seed=7))),
                InMemoryRoutingData([partner("a"), partner("b")]), 400)  # fmt: skip
    again = run(one_pool(*members, strategy=Strategy(WeightedRandom(seed=7))),
                InMemoryRoutingData([partner("a"), partner("b")]), 400)  # fmt: skip
    other = run(one_pool(*members, strategy=Strategy(WeightedRandom(seed=8))),
                InMemoryRoutingData([partner("a"), partner("b")]), 400)  # fmt: skip
    assert first == again
    assert first != other
    assert 240 < first.count("a") < 360


def test_least_load_relative_to_capacity() -> None:
    router = one_pool(PoolMember("a"), PoolMember("b"), strategy=Strategy(LeastLoad()))
    data = InMemoryRoutingData(
        [
            partner("a", capacity=Capacity(max_open_leads=10)),
            partner("b", capacity=Capacity(max_open_leads=2)),
        ],
        loads=[PartnerLoad("a", open=4), PartnerLoad("b", open=1)],
    )
    # a is at 40%, b at 50%: a wins; after that a is at 50% and the tie goes to the id.
    assert run(router, data, 2) == ["a", "a"]
    assert run(router, data, 1) == ["b"]  # a at 60%, b at 50%


def test_quota_weighted_redraws_after_each_lead() -> None:
    router = one_pool(
        PoolMember("a", quota=2), PoolMember("b", quota=1), strategy=Strategy(QuotaWeighted())
    )
    data = InMemoryRoutingData([partner("a"), partner("b")])
    picks = run(router, data, 9)
    assert Counter(picks) == {"a": 6, "b": 3}
    assert picks[:3] in (["a", "b", "a"], ["a", "a", "b"])


def test_nearest_with_widening_radius() -> None:
    berlin = partner("ber", locations=(Location(country="DE", latitude=52.52, longitude=13.40),))
    augsburg = partner("aug", locations=(Location(country="DE", latitude=48.37, longitude=10.90),))
    nowhere = partner("zzz", locations=(Location(country="DE"),))
    strategy = Strategy(Nearest(), filters=(WithinRadius((10, 100, 1000)),))
    router = one_pool(PoolMember("ber"), PoolMember("aug"), PoolMember("zzz"), strategy=strategy)
    data = InMemoryRoutingData([berlin, augsburg, nowhere])
    decision = router.route(lead(), data, AT, trace=True)
    assert decision.partner_id == "aug"
    assert decision.trace is not None
    notes = {c.partner_id: c.note for c in decision.trace.pools[0].candidates}
    assert notes["aug"] == "within 100 km"
    assert notes["ber"] == "dropped by the strategy's filters"
    # Nobody within 1000 km of Tokyo: the filter leaves nobody and the lead is unroutable.
    tokyo = lead(location=Location(country="DE", latitude=35.68, longitude=139.76))
    assert router.route(tokyo, data, AT).outcome is RoutingOutcome.UNROUTABLE
    # A lead without coordinates keeps everyone; all score the same; the id decides.
    blind = lead(location=Location(country="DE"))
    assert router.route(blind, data, AT).partner_id == "aug"


def test_nearest_scores_partners_without_coordinates_last() -> None:
    nowhere = partner("aaa", locations=(Location(country="DE"),))
    router = one_pool(PoolMember("aaa"), PoolMember("zzz"), strategy=Strategy(Nearest()))
    data = InMemoryRoutingData([nowhere, partner("zzz")])
    assert router.route(lead(), data, AT).partner_id == "zzz"


def test_performance_score_prefers_smoothed_rates() -> None:
    router = one_pool(PoolMember("new"), PoolMember("good"), PoolMember("bad"),
                      strategy=Strategy(PerformanceScore()))  # fmt: skip
    data = InMemoryRoutingData(
        [partner("new"), partner("good"), partner("bad")],
        loads=[
            PartnerLoad("good", offered=10, accepted=9, won=5, lost=1),
            PartnerLoad("bad", offered=10, accepted=1, won=0, lost=1),
        ],
    )
    decision = router.route(lead(), data, AT, trace=True)
    assert decision.partner_id == "good"
    assert decision.trace is not None
    scores = {c.partner_id: float(c.score or 0) for c in decision.trace.pools[0].candidates}
    assert scores["new"] == pytest.approx(0.5)
    assert scores["good"] > scores["new"] > scores["bad"]


def test_tie_break_chain_and_path() -> None:
    strategy = Strategy(LeastLoad(), tie_breaks=("highest_weight", "fewest_open"))
    assert strategy.tie_breaks[-1] is TieBreak.PARTNER_ID
    members = (PoolMember("a", weight=1), PoolMember("b", weight=2), PoolMember("c", weight=2))
    router = one_pool(*members, strategy=strategy)
    data = InMemoryRoutingData([partner("a"), partner("b"), partner("c")])
    decision = router.route(lead(), data, AT, trace=True)
    assert decision.partner_id == "b"
    assert decision.trace is not None
    assert decision.trace.pools[0].tie_break == (
        "score",
        "highest_weight",
        "fewest_open",
        "partner_id",
    )
    with pytest.raises(ValidationError):
        Strategy(tie_breaks=("coin_flip",))
    assert Strategy(Nearest(), filters=(WithinRadius(5),)).name == "nearest+within_radius"
    with pytest.raises(ValidationError):
        WithinRadius((100, 50))


def test_gates_each_report_a_verdict() -> None:
    program = Program(
        id="prog",
        name="Program",
        metrics=(),
        levels=[
            ProgramLevel(id="silver", name="Silver", rank=1, benefits=Benefits(routing_weight=1)),
            ProgramLevel(id="gold", name="Gold", rank=2, benefits=Benefits(routing_weight=3)),
        ],
    )
    uncertified = {"uncertified"}
    gates = (
        WeightGate(),
        StatusGate(),
        AgreementGate(["reseller"]),
        MinimumLevelGate.from_program(program, "gold"),
        CertificationGate({"sec"}, lambda pid, req, on: req if pid in uncertified else frozenset()),
        CapacityGate(),
        AvailabilityGate({"away": [AwayWindow(AT - DAY, AT + DAY, "holiday")]}),
        DeclinedGate(),
        DealRegistrationGate(lambda lead, on: "ok" if lead.account_id == "acc-9" else None),
    )  # fmt: skip
    signed = dt.date(2025, 1, 1)
    partners = [
        partner("ok", program_level_id="gold"),
        partner("zero", program_level_id="gold"),
        partner("suspended", program_level_id="gold", status="suspended"),
        partner("unsigned", program_level_id="gold"),
        partner("silver", program_level_id="silver"),
        partner("uncertified", program_level_id="gold"),
        partner("full", program_level_id="gold", capacity=Capacity(max_leads_per_month=1)),
        partner("away", program_level_id="gold"),
        partner("decliner", program_level_id="gold"),
    ]
    agreements = [
        Agreement(id=f"ag-{p.id}", partner_id=p.id, kind=AgreementKind.RESELLER, signed_on=signed)
        for p in partners
        if p.id != "unsigned"
    ]
    members = [PoolMember(p.id, weight=0 if p.id == "zero" else None) for p in partners]
    members.append(PoolMember("ghost"))
    router = one_pool(*members, gates=gates, weights=program_weights(program))
    data = InMemoryRoutingData(
        partners, agreements, loads=[PartnerLoad("full", periods=[PeriodCount("2026-03", 1)])]
    )
    decision = router.route(lead(), data, AT, declined={"decliner"}, trace=True)
    assert decision.partner_id == "ok"
    assert decision.trace is not None
    failed = {
        c.partner_id: [v.gate for v in c.verdicts if not v.passed]
        for c in decision.trace.pools[0].candidates
    }
    assert failed == {
        "ok": [],
        "zero": ["weight"],
        "suspended": ["status"],
        "unsigned": ["agreements"],
        "silver": ["program_level"],
        "uncertified": ["certifications"],
        "full": ["capacity"],
        "away": ["availability"],
        "decliner": ["previous_declines"],
        "ghost": ["status", "agreements", "program_level", "certifications", "capacity",
                  "availability", "previous_declines", "deal_registration"],
    }  # fmt: skip
    weights = {c.partner_id: c.weight for c in decision.trace.pools[0].candidates}
    assert weights["ok"] == "3"
    assert weights["zero"] == "0"
    # Without tracing the same partner wins.
    assert router.route(lead(), data, AT, declined={"decliner"}).partner_id == "ok"
    # A deal registration by another partner blocks everyone else.
    registered = router.route(lead(account_id="acc-9"), data, AT)
    assert registered.partner_id == "ok"
    data.partners["ok"] = partner("ok", program_level_id="gold", status="suspended")
    blocked = router.route(lead(account_id="acc-9"), data, AT, trace=True)
    assert blocked.outcome is RoutingOutcome.UNROUTABLE
    assert blocked.trace is not None
    text = blocked.trace.render()
    assert "holds an active deal registration" in text


def test_minimum_level_gate_needs_a_known_level() -> None:
    with pytest.raises(ValidationError):
        MinimumLevelGate("platinum", {"gold": 2})
    with pytest.raises(ValidationError):
        AwayWindow(AT, AT)


def test_unknown_strategy_name_is_reported() -> None:
    model = TerritoryModel("m", 1, [Territory("de", "DE", include=DE, strategy="fastest")])
    with pytest.raises(ValidationError) as err:
        Router(model, strategies={"nearest": Strategy(Nearest())})
    assert err.value.paths == ("territories[0].strategy",)
    named = Router(model, strategies={"fastest": Strategy(LeastLoad())})
    assert named.route(lead(), InMemoryRoutingData([]), AT).reason == "no eligible partner in de"


def test_weights_default_to_one_and_decimal() -> None:
    router = one_pool(PoolMember("a"), PoolMember("b", weight=Decimal("0.5")),
                      strategy=Strategy(SmoothWeightedRoundRobin()))  # fmt: skip
    data = InMemoryRoutingData([partner("a"), partner("b")])
    assert Counter(run(router, data, 30)) == {"a": 20, "b": 10}
