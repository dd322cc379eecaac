"""The territory index finds exactly what testing every territory finds, on random territory
models and random leads; both agree with a plain reading of the coverage rules."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.domain import Lead, Location
from prmcore.lead_routing import (
    BruteForceMatcher,
    GeoCircle,
    MatchKind,
    Territory,
    TerritoryIndex,
    TerritoryModel,
)
from prmcore.rules import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Contains,
    Exists,
    In,
    Not,
    NotIn,
    StartsWith,
)

COUNTRIES = ["DE", "FR", "US"]
INDUSTRIES = ["bank", "gov", "retail"]
LINES = ["fw", "edr", "vpn"]
DAYS = [dt.date(2026, 1, 1), dt.date(2026, 6, 1), dt.date(2026, 12, 31)]
MOMENT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

digits = st.text("0123", min_size=1, max_size=3)
employees = st.integers(0, 60)
leaves: st.SearchStrategy[Condition] = st.one_of(
    st.builds(Compare, st.just("location.country"), st.just("eq"), st.sampled_from(COUNTRIES)),
    st.builds(In, st.just("location.country"), st.sets(st.sampled_from(COUNTRIES), min_size=1)),
    st.builds(StartsWith, st.just("location.postal_code"), st.sets(digits, min_size=1, max_size=3)),
    st.builds(In, st.just("industry"), st.sets(st.sampled_from(INDUSTRIES), min_size=1)),
    st.builds(NotIn, st.just("industry"), st.sets(st.sampled_from(INDUSTRIES), min_size=1)),
    st.builds(Compare, st.just("industry"), st.sampled_from(["eq", "ne"]),
              st.sampled_from(INDUSTRIES)),
    st.tuples(employees, employees, st.sampled_from(["[]", "[)", "(]", "()"])).filter(
        lambda t: t[0] < t[1] or (t[0] == t[1] and t[2] == "[]")
    ).map(lambda t: Between("employees", min(t[0], t[1]), max(t[0], t[1]), bounds=t[2])),
    st.builds(Compare, st.just("employees"), st.sampled_from(["lt", "le", "gt", "ge", "eq"]),
              employees),
    st.builds(Contains, st.just("product_lines"), st.sets(st.sampled_from(LINES), min_size=1),
              mode=st.sampled_from(["any", "all"])),
    st.builds(Exists, st.sampled_from(["domain", "industry", "location.postal_code"])),
)  # fmt: skip
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AllOf(tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AnyOf(tuple(xs))),
        inner.map(Not),
    ),
    max_leaves=5,
)
circles = st.builds(
    GeoCircle,
    st.floats(-60, 60),
    st.floats(-179, 179),
    st.sampled_from([50.0, 300.0, 2000.0]),
)


@st.composite
def models(draw: Any) -> TerritoryModel:
    count = draw(st.integers(1, 10))
    territories = []
    for i in range(count):
        catch_all = draw(st.booleans()) and draw(st.booleans())
        include = None if catch_all else draw(st.none() | conditions)
        near = None if catch_all else draw(st.none() | st.none() | circles)
        start, end = sorted(draw(st.lists(st.sampled_from([None, *DAYS]), min_size=2, max_size=2)),
                            key=lambda d: d or dt.date.min)  # fmt: skip
        territories.append(
            Territory(
                id=f"t{i}",
                name=f"T{i}",
                include=include,
                exclude=draw(st.none() | st.none() | conditions),
                near=near,
                named_accounts=draw(st.sets(st.sampled_from(["acc-1", "acc-2"]), max_size=1)),
                named_domains=draw(st.sets(st.sampled_from(["a.example"]), max_size=1)),
                catch_all=catch_all,
                parent_id=(
                    None if i == 0 or draw(st.booleans()) else f"t{draw(st.integers(0, i - 1))}"
                ),
                priority=draw(st.integers(0, 3)),
                effective_from=start,
                effective_to=end,
            )
        )
    return TerritoryModel("m", 1, territories)


@st.composite
def leads(draw: Any) -> Lead:
    coords = draw(st.none() | st.tuples(st.floats(-60, 60), st.floats(-179, 179)))
    return Lead(
        id="l-1",
        company_name="Prospect",
        location=Location(
            country=draw(st.sampled_from(COUNTRIES)),
            postal_code=draw(st.none() | st.text("0123", min_size=1, max_size=5)),
            latitude=coords[0] if coords else None,
            longitude=coords[1] if coords else None,
        ),
        received_at=MOMENT,
        account_id=draw(st.none() | st.sampled_from(["acc-1", "acc-2", "acc-3"])),
        domain=draw(st.none() | st.sampled_from(["a.example", "b.example"])),
        industry=draw(st.none() | st.sampled_from(INDUSTRIES)),
        employees=draw(st.none() | employees),
        product_lines=tuple(draw(st.sets(st.sampled_from(LINES)))),
    )


def reference(model: TerritoryModel, lead: Lead, on: dt.date) -> list[tuple[str, MatchKind]]:
    """The coverage rules read literally from the model, one territory at a time."""
    out = []
    for t in model.territories:
        if not model.in_force_on(t.id, on):
            continue
        chain = (t, *model.ancestors(t.id))
        if lead.account_id in t.named_accounts or lead.domain in t.named_domains:
            out.append((t.id, MatchKind.NAMED_ACCOUNT))
            continue
        if not t.has_rule:
            continue
        rule = model.rule_of(t.id)
        assert rule is not None
        loc = lead.location
        inside = all(
            loc.latitude is not None
            and loc.longitude is not None
            and x.near.contains(loc.latitude, loc.longitude)
            for x in chain
            if x.near is not None
        )
        excluded = any(x.exclude.evaluate(lead) for x in chain if x.exclude is not None)
        if rule.evaluate(lead) and inside and not excluded:
            out.append((t.id, MatchKind.RULE))
    if out:
        return out
    return [
        (t.id, MatchKind.CATCH_ALL)
        for t in model.territories
        if t.catch_all
        and model.in_force_on(t.id, on)
        and not any(
            x.exclude.evaluate(lead) for x in (t, *model.ancestors(t.id)) if x.exclude is not None
        )
    ]


@settings(max_examples=150)
@given(models(), st.lists(leads(), min_size=1, max_size=8), st.sampled_from(DAYS))
def test_index_equals_brute_force_equals_reference(
    model: TerritoryModel, sample: list[Lead], on: dt.date
) -> None:
    index = TerritoryIndex(model)
    brute = BruteForceMatcher(model)
    for lead in sample:
        indexed = index.match(lead, on)
        assert indexed == brute.match(lead, on)
        assert [(m.territory_id, m.kind) for m in indexed] == reference(model, lead, on)
        proposed = set(index.candidates(lead))
        for m in indexed:
            if m.kind is MatchKind.RULE:
                assert m.order in proposed


@given(models())
def test_every_ruled_territory_is_indexed_or_scanned(model: TerritoryModel) -> None:
    index = TerritoryIndex(model)
    ruled = sum(1 for t in model.territories if t.has_rule)
    assert index.indexed + index.scanned == ruled


def _as_dict(lead: Lead) -> dict[str, Any]:
    loc = lead.location
    return {
        "location": {
            "country": loc.country,
            "postal_code": loc.postal_code,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
        },
        "account_id": lead.account_id,
        "domain": lead.domain,
        "industry": lead.industry,
        "employees": lead.employees,
        "product_lines": lead.product_lines,
    }


def _forms(lead: Lead) -> list[Any]:
    """The same lead as a mapping, and as objects the index cannot read in one go: one
    without a ``domain`` attribute and without coordinates, one whose industry is a method
    (a rule never calls it: the field is absent) and whose location is missing."""
    data = _as_dict(lead)
    sparse = SimpleNamespace(**{k: v for k, v in data.items() if k not in ("domain", "location")})
    sparse.location = SimpleNamespace(
        country=lead.location.country, postal_code=lead.location.postal_code
    )
    with_method = SimpleNamespace(**{**data, "location": None, "industry": lambda: "bank"})
    return [data, sparse, with_method]


@settings(max_examples=100)
@given(models(), st.lists(leads(), min_size=1, max_size=4), st.sampled_from(DAYS))
def test_index_reads_mappings_and_odd_objects_as_the_rules_do(
    model: TerritoryModel, sample: list[Lead], on: dt.date
) -> None:
    index = TerritoryIndex(model)
    brute = BruteForceMatcher(model)
    for lead in sample:
        forms = _forms(lead)
        assert index.match(forms[0], on) == index.match(lead, on)
        for form in forms:
            assert index.match(form, on) == brute.match(form, on)
            proposed = set(index.candidates(form))
            assert {m.order for m in index.match(form, on) if m.kind is MatchKind.RULE} <= proposed
