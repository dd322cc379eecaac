"""Coverage semantics and resolution policies, on hand-made territories."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.domain import Lead, Location
from prmcore.errors import ValidationError
from prmcore.lead_routing import (
    GeoCircle,
    GeoGrid,
    MatchKind,
    ResolutionPolicy,
    Territory,
    TerritoryIndex,
    TerritoryModel,
    haversine_km,
    resolve,
)
from prmcore.rules import field

DAY = dt.date(2026, 3, 1)
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
DE = field("location.country").eq("DE")


def lead(**changes: object) -> Lead:
    values: dict[str, object] = {
        "id": "l-1",
        "company_name": "Prospect",
        "location": Location(country="DE", postal_code="80331", latitude=48.14, longitude=11.58),
        "received_at": AT,
        "industry": "retail",
        "employees": 120,
    }
    values.update(changes)
    return Lead(**values)  # type: ignore[arg-type]


TERRITORIES = (
    Territory("de", "Germany", include=DE, priority=5),
    Territory("south", "South", parent_id="de",
              include=field("location.postal_code").starts_with("8", "9"),
              exclude=field("industry").eq("gov"), priority=1),
    Territory("muc", "München", parent_id="south", near=GeoCircle(48.14, 11.58, 40), priority=3),
    Territory("mid", "Mid-market", include=field("employees").between(50, 500), priority=2),
    Territory("key", "Key accounts", named_accounts=["acc-1"], named_domains=["big.example"],
              priority=9),
    Territory("rest", "Rest of world", catch_all=True, exclude=field("industry").eq("embargo")),
)  # fmt: skip


def ids(model: TerritoryModel, subject: Lead, day: dt.date = DAY) -> list[str]:
    return [m.territory_id for m in TerritoryIndex(model).match(subject, day)]


def test_overlapping_matches_in_model_order() -> None:
    model = TerritoryModel("m", 1, TERRITORIES)
    assert ids(model, lead()) == ["de", "south", "muc", "mid"]


def test_exclusion_beats_inclusion_and_is_inherited() -> None:
    model = TerritoryModel("m", 1, TERRITORIES)
    assert ids(model, lead(industry="gov")) == ["de", "mid"]


def test_named_accounts_beat_geography() -> None:
    model = TerritoryModel("m", 1, TERRITORIES)
    matches = TerritoryIndex(model).match(lead(account_id="acc-1", industry="gov"), DAY)
    assert [(m.territory_id, m.kind) for m in matches][-1] == ("key", MatchKind.NAMED_ACCOUNT)
    winners = resolve(matches, ResolutionPolicy("most_specific"))
    assert [w.territory_id for w in winners] == ["key"]
    by_domain = TerritoryIndex(model).match(lead(domain="big.example"), DAY)
    assert [w.territory_id for w in resolve(by_domain, ResolutionPolicy())] == ["key"]


def test_catch_all_only_when_nothing_else_and_respects_its_exclusion() -> None:
    model = TerritoryModel("m", 1, TERRITORIES)
    far = lead(location=Location(country="FR", postal_code="75002"), employees=5)
    matches = TerritoryIndex(model).match(far, DAY)
    assert [(m.territory_id, m.kind) for m in matches] == [("rest", MatchKind.CATCH_ALL)]
    assert ids(model, lead(location=Location(country="FR"), employees=5, industry="embargo")) == []


def test_geographic_circle_uses_kilometres() -> None:
    model = TerritoryModel("m", 1, TERRITORIES)
    # Augsburg is ~55 km from München: in the south, outside the 40 km circle.
    augsburg = lead(location=Location(country="DE", postal_code="86150", latitude=48.37,
                                      longitude=10.90))  # fmt: skip
    assert ids(model, augsburg) == ["de", "south", "mid"]
    no_coordinates = lead(location=Location(country="DE", postal_code="80331"))
    assert "muc" not in ids(model, no_coordinates)


def test_effective_dates() -> None:
    model = TerritoryModel(
        "m",
        1,
        [
            Territory("old", "Old", include=DE, effective_to=dt.date(2026, 2, 28)),
            Territory("new", "New", include=DE, effective_from=dt.date(2026, 3, 1)),
            Territory("child", "Child of old", parent_id="old", include=DE),
        ],
    )
    assert ids(model, lead(), dt.date(2026, 2, 28)) == ["old", "child"]
    assert ids(model, lead(), dt.date(2026, 3, 1)) == ["new"]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (ResolutionPolicy("first_match"), ["south"]),
        (ResolutionPolicy("most_specific"), ["muc"]),
        (ResolutionPolicy("rank", winners=3), ["muc", "south", "de"]),
    ],
)
def test_resolution_policies(policy: ResolutionPolicy, expected: list[str]) -> None:
    model = TerritoryModel("m", 1, TERRITORIES, policy=policy)
    winners = resolve(TerritoryIndex(model).match(lead(), DAY), model.policy)
    assert [w.territory_id for w in winners] == expected


def test_most_specific_breaks_depth_ties_by_specificity_then_priority() -> None:
    model = TerritoryModel(
        "m",
        1,
        [
            Territory("broad", "Broad", include=field("location.country").is_in({"DE", "AT"})),
            Territory("exact", "Exact", include=DE, priority=9),
            Territory("twin", "Twin", include=DE, priority=1),
        ],
    )
    winners = resolve(TerritoryIndex(model).match(lead(), DAY), ResolutionPolicy("rank", 3))
    assert [w.territory_id for w in winners] == ["twin", "exact", "broad"]


def test_index_prunes() -> None:
    postal = field("location.postal_code")
    territories = [
        Territory(f"zip-{p:03d}", f"Zip {p}", include=postal.starts_with(f"{p:03d}"))
        for p in range(500)
    ]
    country = field("location.country")
    territories += [Territory(f"c-{c}", c, include=country.eq(c)) for c in ("FR", "US")]
    index = TerritoryIndex(TerritoryModel("m", 1, territories))
    assert index.scanned == 0
    assert index.indexed == 502
    subject = lead(location=Location(country="FR", postal_code="00712"))
    assert [territories[i].id for i in index.candidates(subject)] == ["zip-007", "c-FR"]


def test_unindexable_rules_are_scanned() -> None:
    model = TerritoryModel(
        "m", 1, [Territory("n", "Not gov", include=~field("industry").eq("gov"))]
    )
    index = TerritoryIndex(model)
    assert (index.indexed, index.scanned) == (0, 1)
    assert ids(model, lead()) == ["n"]


def test_haversine_and_grid() -> None:
    assert round(haversine_km(0, 0, 0, 180)) == 20015
    grid = GeoGrid(5)
    grid.add(1, GeoCircle(0, 179.9, 100))  # crosses the antimeridian
    grid.add(2, GeoCircle(89.9, 0, 50))  # touches the pole
    assert grid.near(0.1, -179.9) == [1]
    assert grid.near(89.95, 120.0) == [2]
    assert len(grid) > 0
    with pytest.raises(ValidationError):
        GeoGrid(0)
    with pytest.raises(ValidationError) as err:
        GeoCircle(91, 0, -1)
    assert set(err.value.paths) == {"latitude", "radius_km"}


def test_nested_prefixes_in_many_countries_stay_selective() -> None:
    """Postal codes repeat across countries and children inherit their parents' prefixes: the
    index keys each territory by country and its own longest prefix, so a lead's candidates
    are its own chain, not every territory sharing a digit."""
    country = field("location.country")
    postal = field("location.postal_code")
    territories = []
    for code in ("DE", "FR", "IT", "ES", "AT"):
        territories.append(Territory(f"{code}", code, include=country.eq(code)))
        for a in "0123456789":
            territories.append(
                Territory(f"{code}-{a}", a, parent_id=code, include=postal.starts_with(a))
            )
            for b in "0123456789":
                territories.append(
                    Territory(f"{code}-{a}{b}", a + b, parent_id=f"{code}-{a}",
                              include=postal.starts_with(a + b))
                )  # fmt: skip
    index = TerritoryIndex(TerritoryModel("m", 1, territories))
    subject = lead(location=Location(country="FR", postal_code="75002"))
    assert [territories[i].id for i in index.candidates(subject)] == ["FR", "FR-7", "FR-75"]
    assert [m.territory_id for m in index.match(subject, DAY)] == ["FR", "FR-7", "FR-75"]


def test_exact_numbers_composite_keys_and_circles_through_the_index() -> None:
    employees = field("employees")
    postal = field("location.postal_code")
    territories = [
        # Keyed by an exact number, alone and as the start of a composite key.
        Territory("e120", "120", include=employees.eq(120)),
        Territory("e120-8", "120 in 8", include=employees.eq(120) & postal.starts_with("8")),
        # Keyed by country and prefix only: the country's entry holds no territory itself.
        Territory("de-9", "DE 9", include=DE & postal.starts_with("9")),
        # Found by the index, then tested against the circle.
        Territory("near", "Near", include=DE, near=GeoCircle(48.14, 11.58, 40)),
    ]
    model = TerritoryModel("m", 1, territories)
    index = TerritoryIndex(model)
    assert (index.indexed, index.scanned) == (4, 0)
    assert ids(model, lead()) == ["e120", "e120-8", "near"]
    far = Location(country="DE", postal_code="90402", latitude=49.45, longitude=11.08)
    assert ids(model, lead(employees=7, location=far)) == ["de-9"]
    nowhere = Location(country="DE", postal_code="90402")
    assert ids(model, lead(employees=7, location=nowhere)) == ["de-9"]
    assert ids(model, lead(employees=None, location=Location(country="FR"))) == []
