"""Batch routing decides exactly as routing one lead at a time: the same decisions, and the
same rotations and loads (counters, counts and versions) in the data at the end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.domain import Capacity, Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.lead_routing import (
    CapacityGate,
    DeclinedGate,
    InMemoryRoutingData,
    LeastLoad,
    PartnerLoad,
    PeriodCount,
    PoolMember,
    ResolutionPolicy,
    RotationEntry,
    RotationState,
    Router,
    RoutingOutcome,
    StatusGate,
    Strategy,
    Territory,
    TerritoryModel,
    WeightGate,
)
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
PARTNERS = [f"p-{i}" for i in range(6)]
POSTALS = ["1", "10", "2", "8", "80", "81"]


def _partner(
    pid: str, status: PartnerStatus, open_cap: int | None, month_cap: int | None
) -> Partner:
    return Partner(
        id=pid,
        name=pid,
        kind=PartnerKind.RESELLER,
        status=status,
        capacity=Capacity(max_open_leads=open_cap, max_leads_per_month=month_cap),
    )


partners = st.lists(
    st.tuples(
        st.sampled_from([PartnerStatus.ACTIVE] * 3 + [PartnerStatus.SUSPENDED]),
        st.one_of(st.none(), st.integers(0, 6)),
        st.one_of(st.none(), st.integers(0, 6)),
    ),
    min_size=len(PARTNERS),
    max_size=len(PARTNERS),
).map(lambda specs: [_partner(pid, *spec) for pid, spec in zip(PARTNERS, specs, strict=True)])
members = st.lists(
    st.tuples(
        st.sampled_from([*PARTNERS, "p-ghost"]),
        st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal(1), Decimal(2), Decimal("0.5")])),
    ),
    max_size=4,
    unique_by=lambda m: m[0],
).map(lambda ms: tuple(PoolMember(pid, weight=w) for pid, w in ms))


@st.composite
def models(draw: st.DrawFn) -> TerritoryModel:
    territories = [Territory("de", "DE", include=field("location.country").eq("DE"),
                             members=draw(members))]  # fmt: skip
    for i, prefix in enumerate(draw(st.lists(st.sampled_from(POSTALS), max_size=4, unique=True))):
        territories.append(
            Territory(
                f"z-{i}",
                prefix,
                parent_id="de",
                include=field("location.postal_code").starts_with(prefix),
                members=draw(members),
            )
        )
    if draw(st.booleans()):
        territories.append(Territory("n", "Named", named_accounts=["acc-1"], members=draw(members)))
    if draw(st.booleans()):
        territories.append(Territory("rest", "Rest", catch_all=True, members=draw(members)))
    policy = draw(
        st.sampled_from(
            [
                ResolutionPolicy("most_specific"),
                ResolutionPolicy("first_match"),
                ResolutionPolicy("rank", winners=3),
            ]
        )
    )
    return TerritoryModel("m", 3, territories, policy=policy)


leads = st.lists(
    st.tuples(
        st.sampled_from(["DE", "FR"]),
        st.text("0128", min_size=1, max_size=3),
        st.sampled_from([None, "acc-1"]),
        st.sampled_from([AT, AT + dt.timedelta(days=25), AT + dt.timedelta(days=60)]),
    ),
    max_size=30,
).map(
    lambda specs: [
        Lead(
            id=f"l-{i}",
            company_name="Prospect",
            location=Location(country=country, postal_code=postal),
            received_at=moment,
            account_id=account,
        )
        for i, (country, postal, account, moment) in enumerate(specs)
    ]
)
stored_loads = st.lists(
    st.builds(
        PartnerLoad,
        st.sampled_from(PARTNERS),
        open=st.integers(0, 3),
        periods=st.sampled_from([(), (PeriodCount("2026-03", 2),), (PeriodCount("2026-04", 1),)]),
        offered=st.integers(3, 5),
        version=st.integers(0, 3),
    ),
    max_size=3,
    unique_by=lambda x: x.id,
)
stored_rotations = st.lists(
    st.builds(
        RotationState,
        st.sampled_from(["de", "z-0", "n"]),
        entries=st.just(
            (RotationEntry("p-1", Decimal(-1), 2), RotationEntry("p-4", Decimal(1), 1))
        ),
        version=st.integers(0, 3),
    ),
    max_size=2,
    unique_by=lambda x: x.id,
)


def _both(
    router: Router,
    people: list[Partner],
    batch: list[Lead],
    loads: list[PartnerLoad] = [],  # noqa: B006 - never changed
    rotations: list[RotationState] = [],  # noqa: B006 - never changed
) -> None:
    one = InMemoryRoutingData(people, loads=loads, rotations=rotations)
    many = InMemoryRoutingData(people, loads=loads, rotations=rotations)
    expected = router.route_many(batch, one, lambda lead: lead.received_at)
    got = router.route_batch(batch, many, lambda lead: lead.received_at)
    assert got == expected
    assert [d.reason for d in got] == [d.reason for d in expected]
    assert all(d.rotation is None and d.load is None for d in got)
    assert many.loads == one.loads
    assert [x.version for x in many.loads.values()] == [one.loads[k].version for k in many.loads]
    assert many.rotations == one.rotations
    assert {k: x.version for k, x in many.rotations.items()} == {
        k: x.version for k, x in one.rotations.items()
    }


@settings(max_examples=150, deadline=None)
@given(
    models(),
    partners,
    leads,
    stored_loads,
    stored_rotations,
    st.sampled_from(
        [
            None,
            (WeightGate(), StatusGate(), DeclinedGate(), CapacityGate()),
            (CapacityGate(),),
            (WeightGate(), DeclinedGate()),
            (StatusGate({"active", "suspended"}),),
            (),
        ]
    ),
)
def test_batch_routing_equals_one_at_a_time(
    model: TerritoryModel,
    people: list[Partner],
    batch: list[Lead],
    loads: list[PartnerLoad],
    rotations: list[RotationState],
    gates: tuple[object, ...] | None,
) -> None:
    router = Router(model) if gates is None else Router(model, gates=gates)  # type: ignore[arg-type]
    _both(router, people, batch, loads, rotations)


def _model() -> TerritoryModel:
    return TerritoryModel(
        "m",
        1,
        [
            Territory("de", "DE", include=field("location.country").eq("DE"),
                      members=[PoolMember("a", weight=3), PoolMember("b"), PoolMember("c")]),
        ],
    )  # fmt: skip


def _lead(i: int, country: str = "DE") -> Lead:
    return Lead(id=f"l-{i}", company_name="P", location=Location(country=country), received_at=AT)


def test_batch_spreads_by_weight_and_stores_state_once_per_batch() -> None:
    people = [_partner(p, PartnerStatus.ACTIVE, None, None) for p in "abc"]
    data = InMemoryRoutingData(people)
    decisions = Router(_model()).route_batch([_lead(i) for i in range(10)], data, AT)
    assert [d.partner_id for d in decisions] == ["a", "b", "a", "c", "a", "a", "b", "a", "c", "a"]
    assert data.rotations["de"].version == 10
    assert data.loads["a"].open == 6
    assert data.loads["a"].version == 6
    assert data.loads["a"].in_period("2026-03") == 6


def test_batch_with_a_partner_source_weight_and_unroutable_leads() -> None:
    people = [_partner(p, PartnerStatus.ACTIVE, 1, None) for p in "abc"]
    router = Router(_model(), weights=lambda partner: Decimal(2))
    decisions = router.route_batch(
        [_lead(i) for i in range(4)] + [_lead(9, "FR")], InMemoryRoutingData(people), AT
    )
    assert [d.outcome for d in decisions] == [RoutingOutcome.OFFERED] * 3 + [
        RoutingOutcome.UNROUTABLE
    ] * 2
    assert decisions[3].reason == "no eligible partner in de"
    assert decisions[4].reason == "no territory covers the lead and there is no catch-all"


def test_other_strategies_route_through_route_many() -> None:
    people = [_partner(p, PartnerStatus.ACTIVE, None, None) for p in "abc"]
    router = Router(_model(), strategy=Strategy(LeastLoad()))
    one = InMemoryRoutingData(people)
    many = InMemoryRoutingData(people)
    batch = [_lead(i) for i in range(5)]
    expected = router.route_many(batch, one, AT)
    got = router.route_batch(batch, many, AT)
    assert got == expected
    assert all(d.rotation is None and d.load is None for d in got)
    assert many.loads == one.loads


def test_batch_decisions_are_plain_decisions() -> None:
    import attrs

    from prmcore.lead_routing.router import RoutingDecision, _decision

    made = _decision("l-1", RoutingOutcome.OFFERED, "p-1", "t", "why", "m", 4)
    built = RoutingDecision("l-1", RoutingOutcome.OFFERED, "p-1", "t", "why", "m", 4)
    assert type(made) is RoutingDecision
    # Every field, those left out of equality included.
    assert attrs.astuple(made, recurse=False) == attrs.astuple(built, recurse=False)
    assert repr(made) == repr(built)


class _CountingData(InMemoryRoutingData):
    """Routing data that reads state its own way (here: counting the reads)."""

    reads = 0

    def load(self, partner_id: str) -> PartnerLoad:
        self.reads += 1
        return super().load(partner_id)

    def rotation(self, territory_id: str) -> RotationState:
        self.reads += 1
        return super().rotation(territory_id)


def test_batch_reads_state_through_a_subclass_that_reads_it_its_own_way() -> None:
    people = [_partner(p, PartnerStatus.ACTIVE, 4, None) for p in "abc"]
    stored = [PartnerLoad("a", open=2, offered=2, version=2)]
    rotations = [RotationState("de", (RotationEntry("b", Decimal(2), 1),), version=1)]
    batch = [_lead(i) for i in range(8)]
    router = Router(_model())
    one = InMemoryRoutingData(people, loads=stored, rotations=rotations)
    many = _CountingData(people, loads=stored, rotations=rotations)
    assert router.route_batch(batch, many, AT) == router.route_many(batch, one, AT)
    assert many.reads == 4  # three loads and one rotation, once each
    assert many.loads == one.loads
    assert many.rotations == one.rotations


def test_batch_reasons_follow_how_each_lead_matched() -> None:
    model = TerritoryModel(
        "m",
        1,
        [
            Territory("de", "DE", include=field("location.country").eq("DE"),
                      named_accounts=["acc-1"], members=[PoolMember("a"), PoolMember("b")]),
        ],
    )  # fmt: skip
    people = [_partner(p, PartnerStatus.ACTIVE, None, None) for p in "ab"]
    named = Lead(id="l-9", company_name="P", location=Location(country="FR"), received_at=AT,
                 account_id="acc-1")  # fmt: skip
    batch = [_lead(1), named, _lead(2), _lead(3)]
    router = Router(model)
    got = router.route_batch(batch, InMemoryRoutingData(people), AT)
    assert [d.reason for d in got] == [
        "offered to a through de (rule, round_robin)",
        "offered to b through de (named_account, round_robin)",
        "offered to a through de (rule, round_robin)",
        "offered to b through de (rule, round_robin)",
    ]
    assert got == router.route_many(batch, InMemoryRoutingData(people), AT)
