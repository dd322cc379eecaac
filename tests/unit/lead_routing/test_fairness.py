"""The fairness report: shares against weights, declines, expiries and the Gini coefficient."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.domain import Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.lead_routing import (
    InMemoryRoutingData,
    OfferPolicy,
    PoolMember,
    Router,
    RoutingDecision,
    RoutingOutcome,
    Territory,
    TerritoryModel,
    decline,
    expire,
    fairness_report,
    gini,
    next_offer,
    start_routing,
)
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
MODEL = TerritoryModel(
    "m",
    1,
    [
        Territory("de", "Germany", include=field("location.country").eq("DE"),
                  members=[PoolMember("a", weight=2), PoolMember("b"), PoolMember("c")]),
        Territory("empty", "No pool", include=field("location.country").eq("FR")),
        Territory("zero", "Zero", include=field("location.country").eq("AT"),
                  members=[PoolMember("a", weight=0)]),
    ],
)  # fmt: skip


def partner(pid: str) -> Partner:
    return Partner(id=pid, name=pid, kind=PartnerKind.MSP, status=PartnerStatus.ACTIVE)


def lead(number: int, country: str = "DE") -> Lead:
    return Lead(
        id=f"l-{number}", company_name="P", location=Location(country=country), received_at=AT
    )


def test_report_of_a_round_robin_batch() -> None:
    data = InMemoryRoutingData([partner("a"), partner("b"), partner("c")])
    decisions = Router(MODEL).route_many(
        [lead(i) for i in range(40)] + [lead(99, "AT"), lead(98, "JP")], data, AT
    )
    report = fairness_report(MODEL, decisions)
    assert [p.territory_id for p in report.pools] == ["de", "zero"]
    pool = report.pool("de")
    assert pool.assignments == 40
    assert [(p.partner_id, p.assignments) for p in pool.partners] == [
        ("a", 20),
        ("b", 10),
        ("c", 10),
    ]
    assert [str(p.share) for p in pool.partners] == ["0.5000", "0.2500", "0.2500"]
    assert [str(p.expected_share) for p in pool.partners] == ["0.5000", "0.2500", "0.2500"]
    assert pool.gini == 0.0
    assert report.unroutable == 2
    text = report.render()
    assert "de: 40 leads, Gini 0.000" in text
    assert "zero" not in text
    assert "zero" in report.render(only_used=False)
    assert report.to_dict()["pools"][0]["partners"][0]["share"] == "0.5000"
    with pytest.raises(KeyError):
        report.pool("empty")


def test_declines_and_expiries_from_records() -> None:
    policy = OfferPolicy(max_attempts=3)

    def offered(pid: str, attempt: int) -> RoutingDecision:
        return RoutingDecision("l-1", RoutingOutcome.OFFERED, pid, "de", "", "m", 1, attempt)  # type: ignore[arg-type]

    record = start_routing(lead(1), offered("a", 1), "k", AT, policy)
    record = next_offer(decline(record, "a", "not_a_fit", AT), offered("b", 2), AT, policy)
    expired = expire(record, AT + dt.timedelta(days=3))
    assert expired is not None
    queued = next_offer(expired, RoutingDecision("l-1", RoutingOutcome.UNROUTABLE, None, None,
                                                 "nobody", "m", 1), AT, policy)  # fmt: skip
    report = fairness_report(MODEL, [queued])
    rows = {p.partner_id: p for p in report.pool("de").partners}
    assert (rows["a"].assignments, rows["a"].declines, rows["a"].expiries) == (1, 1, 0)
    assert (rows["b"].assignments, rows["b"].declines, rows["b"].expiries) == (1, 0, 1)
    assert report.unroutable == 1


def test_weights_from_a_source() -> None:
    de = field("location.country").eq("DE")
    pool = [PoolMember("a"), PoolMember("b")]
    model = TerritoryModel("m", 1, [Territory("de", "DE", include=de, members=pool)])
    report = fairness_report(model, [], partners={"a": partner("a")}, weights=lambda p: Decimal(3))
    assert [p.weight for p in report.pool("de").partners] == [Decimal(3), Decimal(1)]
    assert report.pool("de").gini == 0.0


@given(st.lists(st.integers(0, 100), min_size=1, max_size=20))
def test_gini_is_between_0_and_1(values: list[int]) -> None:
    g = gini(values)
    assert 0.0 <= g < 1.0
    assert gini([v * 3 for v in values]) == pytest.approx(g)
    if len(set(values)) == 1:
        assert g == 0.0


def test_gini_examples() -> None:
    assert gini([]) == 0.0
    assert gini([0, 0]) == 0.0
    assert gini([0, 0, 0, 4]) == 0.75
    assert gini([1, 3]) == 0.25
