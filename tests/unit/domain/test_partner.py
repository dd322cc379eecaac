"""Partners, their locations and capacity, and the partner lifecycle."""

from __future__ import annotations

import itertools
import math

import attrs
import pytest

from prmcore.domain import (
    PARTNER_TRANSITIONS,
    Capacity,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
)
from prmcore.errors import InvalidTransition, ValidationError


def partner(**changes: object) -> Partner:
    fields: dict[str, object] = {"id": "p-1", "name": "Acme IT", "kind": PartnerKind.RESELLER}
    fields.update(changes)
    return Partner(**fields)  # type: ignore[arg-type]


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


# -- Location -------------------------------------------------------------------------------------


def test_location_upper_cases_and_strips_the_country() -> None:
    assert Location(country=" de ").country == "DE"


def test_location_widens_integer_coordinates_to_float() -> None:
    loc = Location(country="DE", latitude=48, longitude=11)
    assert (loc.latitude, loc.longitude) == (48.0, 11.0)
    assert isinstance(loc.latitude, float)
    assert loc.has_coordinates


def test_location_without_coordinates() -> None:
    loc = Location(country="FR", region="Île-de-France", postal_code="75008", city="Paris")
    assert not loc.has_coordinates
    assert loc.latitude is None


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (-0.0, 179.999)]
)
def test_location_accepts_coordinates_on_the_bounds(latitude: float, longitude: float) -> None:
    assert Location(country="NO", latitude=latitude, longitude=longitude).has_coordinates


@pytest.mark.parametrize(
    ("latitude", "longitude", "path", "message"),
    [
        (90.0001, 0.0, "latitude", "must be between -90 and 90 degrees, got 90.0001"),
        (-91, 0.0, "latitude", "must be between -90 and 90 degrees, got -91.0"),
        (0.0, 180.5, "longitude", "must be between -180 and 180 degrees, got 180.5"),
        (math.nan, 0.0, "latitude", "must be between -90 and 90 degrees, got nan"),
        (0.0, math.inf, "longitude", "must be between -180 and 180 degrees, got inf"),
        (True, 0.0, "latitude", "must be float, got bool True"),
        (0.0, "11.5", "longitude", "must be float, got str '11.5'"),
    ],
)
def test_location_rejects_bad_coordinates(
    latitude: object, longitude: object, path: str, message: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Location(country="DE", latitude=latitude, longitude=longitude)  # type: ignore[arg-type]
    assert problems(excinfo) == {path: message}


def test_location_needs_both_coordinates_or_neither() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Location(country="DE", latitude=48.1)
    assert problems(excinfo) == {"longitude": "give both or neither"}
    with pytest.raises(ValidationError) as excinfo:
        Location(country="DE", longitude=11.5)
    assert problems(excinfo) == {"latitude": "give both or neither"}


def test_location_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Location(country="XX", region="", postal_code="1" * 21, city=" ", latitude=100.0)
    assert problems(excinfo) == {
        "country": "unknown ISO 3166-1 alpha-2 country code 'XX'",
        "region": "must not be empty",
        "postal_code": "must be at most 20 characters, got 21",
        "city": "must not be empty",
        "latitude": "must be between -90 and 90 degrees, got 100.0",
        "longitude": "give both or neither",
    }


def test_location_country_must_be_a_string() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Location(country=49)  # type: ignore[arg-type]
    assert problems(excinfo) == {"country": "must be str, got int 49"}


# -- Capacity -------------------------------------------------------------------------------------


def test_capacity_defaults_to_unlimited() -> None:
    assert Capacity() == Capacity(max_open_leads=None, max_leads_per_month=None)


def test_capacity_accepts_zero() -> None:
    assert Capacity(max_open_leads=0, max_leads_per_month=0).max_open_leads == 0


def test_capacity_rejects_negative_and_non_integer_limits() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Capacity(max_open_leads=-1, max_leads_per_month=2.5)  # type: ignore[arg-type]
    assert problems(excinfo) == {
        "max_open_leads": "must be at least 0, got -1",
        "max_leads_per_month": "must be an integer, got float 2.5",
    }


# -- Partner construction -------------------------------------------------------------------------


def test_partner_defaults() -> None:
    p = partner()
    assert p.status is PartnerStatus.PROSPECT
    assert p.locations == ()
    assert p.product_lines == ()
    assert p.capacity == Capacity()
    assert p.program_level_id is None
    assert p.parent_id is None
    assert p.version == 0
    assert p.headquarters is None
    assert p.countries == frozenset()


def test_partner_lists_become_tuples() -> None:
    p = partner(locations=[Location("de"), Location("AT")], product_lines=["fw", "vpn"])
    assert p.locations == (Location("DE"), Location("AT"))
    assert p.product_lines == ("fw", "vpn")


def test_headquarters_is_the_first_location_and_countries_are_all_of_them() -> None:
    p = partner(locations=(Location("DE", city="Berlin"), Location("AT"), Location("DE")))
    assert p.headquarters == Location("DE", city="Berlin")
    assert p.countries == frozenset({"DE", "AT"})


def test_partner_with_a_parent_distributor() -> None:
    assert partner(kind=PartnerKind.DISTRIBUTOR, parent_id="d-1").parent_id == "d-1"


def test_partner_cannot_be_its_own_parent() -> None:
    with pytest.raises(ValidationError) as excinfo:
        partner(parent_id="p-1")
    assert problems(excinfo) == {"parent_id": "a partner cannot be its own parent"}


def test_partner_product_lines_must_be_unique_ids() -> None:
    with pytest.raises(ValidationError) as excinfo:
        partner(product_lines=("fw", "vpn", "fw", "bad id"))
    assert problems(excinfo) == {
        "product_lines[3]": "must be an id of 1-128 letters, digits or ._:@/+- (starting with "
        "a letter or digit), got 'bad id'"
    }
    with pytest.raises(ValidationError) as excinfo:
        partner(product_lines=("fw", "vpn", "fw"))
    assert problems(excinfo) == {"product_lines[2]": "duplicate value 'fw'"}


def test_partner_reports_every_problem_with_its_path() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Partner(
            id="",  # type: ignore[arg-type]
            name="",
            kind="resold",  # type: ignore[arg-type]
            status="live",  # type: ignore[arg-type]
            program_level_id="gold level",  # type: ignore[arg-type]
            locations=(Location("DE"), {"country": "DE"}),  # type: ignore[arg-type]
            capacity=None,  # type: ignore[arg-type]
            parent_id="-x",  # type: ignore[arg-type]
            version=-1,
        )
    assert excinfo.value.paths == (
        "id",
        "name",
        "kind",
        "status",
        "program_level_id",
        "locations[1]",
        "capacity",
        "parent_id",
        "version",
    )
    found = problems(excinfo)
    assert found["name"] == "must not be empty"
    assert found["kind"] == (
        "must be one of 'reseller', 'distributor', 'referral', 'affiliate', 'msp', 'other'; "
        "got 'resold'"
    )
    assert found["locations[1]"] == "must be Location, got dict {'country': 'DE'}"
    assert found["capacity"] == "must be Capacity, got NoneType None"
    assert found["version"] == "must be at least 0, got -1"


def test_partner_name_length_limit() -> None:
    assert partner(name="ü" * 300).name == "ü" * 300
    with pytest.raises(ValidationError) as excinfo:
        partner(name="ü" * 301)
    assert problems(excinfo) == {"name": "must be at most 300 characters, got 301"}


def test_partner_locations_must_be_a_sequence() -> None:
    with pytest.raises(ValidationError) as excinfo:
        partner(locations=Location("DE"))
    assert problems(excinfo) == {
        "locations": "must be tuple, got Location "
        "Location(country='DE', region=None, postal_code=None, city=None, latitude=None, "
        "longitude=None)"
    }


def test_evolve_validates_the_new_object() -> None:
    p = partner()
    assert attrs.evolve(p, name="Acme IT GmbH").name == "Acme IT GmbH"
    with pytest.raises(ValidationError) as excinfo:
        attrs.evolve(p, name=" ", parent_id="p-1")
    assert excinfo.value.paths == ("name", "parent_id")
    assert p.name == "Acme IT"


def test_partner_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        partner().name = "other"  # type: ignore[misc]


# -- lifecycle ------------------------------------------------------------------------------------

ALLOWED = [(s, t) for s, targets in PARTNER_TRANSITIONS.items() for t in sorted(targets)]
FORBIDDEN = [
    (s, t)
    for s, t in itertools.product(PartnerStatus, PartnerStatus)
    if t not in PARTNER_TRANSITIONS[s]
]


def test_transition_table_covers_every_status() -> None:
    assert set(PARTNER_TRANSITIONS) == set(PartnerStatus)
    assert PARTNER_TRANSITIONS[PartnerStatus.TERMINATED] == frozenset()
    assert len(ALLOWED) + len(FORBIDDEN) == len(PartnerStatus) ** 2


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(s))
def test_every_allowed_transition_works(source: PartnerStatus, target: PartnerStatus) -> None:
    p = partner(status=source, version=3)
    assert p.can_transition(target)
    moved = p.transition(target)
    assert moved.status is target
    assert moved == attrs.evolve(p, status=target)
    assert p.status is source  # the original is unchanged


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(s))
def test_transition_accepts_the_status_value_as_a_string(
    source: PartnerStatus, target: PartnerStatus
) -> None:
    assert partner(status=source).transition(target.value).status is target


@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=lambda s: str(s))
def test_every_other_transition_raises(source: PartnerStatus, target: PartnerStatus) -> None:
    p = partner(status=source)
    assert not p.can_transition(target)
    with pytest.raises(InvalidTransition) as excinfo:
        p.transition(target)
    err = excinfo.value
    assert (err.kind, err.source, err.target) == ("Partner", source.value, target.value)
    assert err.allowed == tuple(sorted(s.value for s in PARTNER_TRANSITIONS[source]))
    assert f"from {source.value!r} to {target.value!r}" in str(err)


def test_invalid_transition_message_names_the_allowed_states() -> None:
    with pytest.raises(InvalidTransition) as excinfo:
        partner().transition(PartnerStatus.ACTIVE)
    assert str(excinfo.value) == (
        "Partner cannot go from 'prospect' to 'active'; allowed: onboarding, terminated"
    )


def test_terminated_is_final() -> None:
    p = partner(status=PartnerStatus.TERMINATED)
    with pytest.raises(InvalidTransition) as excinfo:
        p.transition("active")
    assert excinfo.value.allowed == ()
    assert str(excinfo.value).endswith("allowed: nothing (final state)")


def test_unknown_status_string_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as excinfo:
        partner().transition("approved")
    assert problems(excinfo) == {
        "status": "unknown partner status 'approved'; one of "
        "prospect, onboarding, active, suspended, terminated"
    }


def test_full_lifecycle() -> None:
    p = partner()
    for step in ("onboarding", "active", "suspended", "active", "terminated"):
        p = p.transition(step)
        assert p.status == step


def test_kind_and_status_accept_their_string_values() -> None:
    p = partner(kind="msp", status="suspended")
    assert p.kind is PartnerKind.MSP
    assert p.status is PartnerStatus.SUSPENDED
