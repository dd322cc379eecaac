"""Property tests of the domain core, and of the strategies in :mod:`prmcore.testing`.

Every generated object must round-trip exactly through dict, JSON and the storage converter,
be hashable and equal to its round trip, and refuse an invalid change through attrs.evolve.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from prmcore._checks import Checks
from prmcore.domain import (
    PARTNER_TRANSITIONS,
    Account,
    Affiliation,
    Agreement,
    Capacity,
    Contact,
    ExternalId,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
    Person,
    ProductLine,
)
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.money import Money, minor_units
from prmcore.periods import Period
from prmcore.serialization import from_dict, from_json, storage_converter, to_dict, to_json
from prmcore.testing import strategies as ps

# (strategy, class, a field, an invalid value for it)
DOMAIN = [
    (ps.locations(), Location, "country", "XX"),
    (ps.capacities(), Capacity, "max_open_leads", -1),
    (ps.partners(), Partner, "name", " "),
    (ps.people(), Person, "email", "not-an-address"),
    (ps.affiliations(), Affiliation, "start", dt.datetime(2024, 1, 1)),
    (ps.agreements(), Agreement, "kind", "non-disclosure"),
    (ps.external_ids(), ExternalId, "scheme", "DUNS"),
    (ps.accounts(), Account, "domain", "https://example.com"),
    (ps.contacts(), Contact, "email", "no-at-sign"),
    (ps.leads(), Lead, "received_at", dt.datetime(2026, 1, 1)),
    (ps.product_lines(), ProductLine, "id", "has space"),
]
IDS = [cls.__name__ for _, cls, _, _ in DOMAIN]
# Tests of the strategies' own behaviour need fewer examples than the domain properties.
QUICK = settings(max_examples=30)


def assert_plain_json_data(value: object) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_plain_json_data(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain_json_data(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), repr(value)


# -- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("strategy", "cls", "field", "bad"), DOMAIN, ids=IDS)
@settings(max_examples=40)
@given(data=st.data())
def test_round_trip_through_dict_and_json(
    strategy: st.SearchStrategy[Any], cls: type, field: str, bad: object, data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    as_dict = to_dict(obj)
    assert_plain_json_data(as_dict)
    again = from_dict(cls, as_dict)
    assert again == obj
    assert hash(again) == hash(obj)
    assert to_dict(again) == as_dict
    assert from_json(cls, to_json(obj)) == obj
    assert from_json(cls, to_json(obj, indent=2).encode()) == obj


@pytest.mark.parametrize(("strategy", "cls", "field", "bad"), DOMAIN, ids=IDS)
@settings(max_examples=40)
@given(data=st.data())
def test_round_trip_through_the_storage_converter(
    strategy: st.SearchStrategy[Any], cls: type, field: str, bad: object, data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    stored = storage_converter.unstructure(obj)
    assert stored == to_dict(obj)
    again = storage_converter.structure(stored, cls)
    assert again == obj
    assert hash(again) == hash(obj)
    assert {again, obj} == {obj}


@pytest.mark.parametrize(("strategy", "cls", "field", "bad"), DOMAIN, ids=IDS)
@settings(max_examples=20)
@given(data=st.data())
def test_evolve_with_an_invalid_value_raises(
    strategy: st.SearchStrategy[Any], cls: type, field: str, bad: object, data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    assert attrs.evolve(obj) == obj
    with pytest.raises(ValidationError) as excinfo:
        attrs.evolve(obj, **{field: bad})
    assert field in excinfo.value.paths


# -- domain invariants ----------------------------------------------------------------------------


@given(ps.partners(), st.sampled_from(PartnerStatus))
def test_transition_succeeds_exactly_when_the_table_allows_it(
    partner: Partner, target: PartnerStatus
) -> None:
    if target in PARTNER_TRANSITIONS[partner.status]:
        moved = partner.transition(target)
        assert moved.status is target
        assert attrs.evolve(moved, status=partner.status) == partner
    else:
        with pytest.raises(InvalidTransition):
            partner.transition(target)


@given(ps.partners())
def test_partner_views(partner: Partner) -> None:
    assert partner.countries == {loc.country for loc in partner.locations}
    assert partner.headquarters == (partner.locations[0] if partner.locations else None)
    assert partner.parent_id != partner.id


@given(ps.affiliations())
def test_affiliation_holds_on_both_ends_and_not_outside(affiliation: Affiliation) -> None:
    assert affiliation.active_on(affiliation.start)
    if affiliation.start > dt.date.min:
        assert not affiliation.active_on(affiliation.start - dt.timedelta(days=1))
    if affiliation.end is not None:
        assert affiliation.active_on(affiliation.end)
        if affiliation.end < dt.date.max:
            assert not affiliation.active_on(affiliation.end + dt.timedelta(days=1))


@given(ps.agreements())
def test_agreement_in_force_on_both_ends_and_not_outside(agreement: Agreement) -> None:
    assert agreement.in_force_on(agreement.signed_on)
    if agreement.signed_on > dt.date.min:
        assert not agreement.in_force_on(agreement.signed_on - dt.timedelta(days=1))
    if agreement.expires_on is not None:
        assert agreement.in_force_on(agreement.expires_on)
        if agreement.expires_on < dt.date.max:
            assert not agreement.in_force_on(agreement.expires_on + dt.timedelta(days=1))


@given(ps.accounts())
def test_account_external_id_lookup(account: Account) -> None:
    for ext in account.external_ids:
        assert account.external_id(ext.scheme) == ext.value
    as_mapping = {ext.scheme: ext.value for ext in account.external_ids}
    rebuilt = attrs.evolve(account, external_ids=as_mapping)
    assert [e.scheme for e in rebuilt.external_ids] == sorted(as_mapping)
    assert not (account.house and account.owner_partner_id is not None)


@given(ps.leads())
def test_leads_are_timezone_aware(lead: Lead) -> None:
    assert lead.received_at.utcoffset() is not None


# -- the strategies themselves --------------------------------------------------------------------


@QUICK
@given(ps.identifiers())
def test_identifiers_are_valid_ids(value: str) -> None:
    checks = Checks()
    assert checks.identifier("id", value), checks.problems
    assert 1 <= len(value) <= 128


@QUICK
@given(ps.country_codes(), ps.currencies())
def test_codes(country: str, currency: str) -> None:
    assert Location(country).country == country
    assert Money(0, currency).currency == currency


@QUICK
@given(ps.partners(status=PartnerStatus.ACTIVE, kind=st.sampled_from([PartnerKind.MSP]), id="p-1"))
def test_partner_overrides_as_values_and_strategies(partner: Partner) -> None:
    assert (partner.status, partner.kind, partner.id) == (
        PartnerStatus.ACTIVE,
        PartnerKind.MSP,
        "p-1",
    )
    assert partner.parent_id != "p-1"


@QUICK
@given(ps.partners(parent_id="d-1"))
def test_partner_with_a_given_parent_gets_another_id(partner: Partner) -> None:
    assert partner.parent_id == "d-1"
    assert partner.id != "d-1"


@QUICK
@given(ps.partners(id="p-1", parent_id=st.sampled_from(["p-1", "d-1", None])))
def test_partner_overrides_that_contradict_are_skipped(partner: Partner) -> None:
    assert partner.parent_id in ("d-1", None)


@QUICK
@given(ps.affiliations(end=dt.date(2000, 1, 1)))
def test_affiliation_start_moves_before_a_given_end(affiliation: Affiliation) -> None:
    assert affiliation.end == dt.date(2000, 1, 1)
    assert affiliation.start <= affiliation.end


@QUICK
@given(ps.agreements(signed_on=dt.date(9999, 12, 30)))
def test_agreement_expiry_follows_a_given_signing_day(agreement: Agreement) -> None:
    assert agreement.signed_on == dt.date(9999, 12, 30)
    assert agreement.expires_on in (None, dt.date(9999, 12, 30), dt.date(9999, 12, 31))


@QUICK
@given(
    ps.agreements(
        signed_on=dt.date(2024, 1, 1),
        expires_on=st.sampled_from([dt.date(2023, 12, 31), dt.date(2024, 1, 1)]),
    )
)
def test_agreement_contradicting_dates_are_skipped(agreement: Agreement) -> None:
    assert agreement.expires_on == dt.date(2024, 1, 1)


@QUICK
@given(ps.locations(latitude=45.0), ps.locations(longitude=None))
def test_location_coordinates_follow_an_override(with_lat: Location, without: Location) -> None:
    assert with_lat.latitude == 45.0
    assert with_lat.longitude is not None
    assert without.longitude is None
    assert without.latitude is None


@QUICK
@given(ps.locations(latitude=None, longitude=st.sampled_from([None, 5.0])))
def test_location_contradicting_coordinates_are_skipped(location: Location) -> None:
    assert not location.has_coordinates


@QUICK
@given(
    ps.accounts(house=True),
    ps.accounts(owner_partner_id="p-1"),
    ps.accounts(house=True, owner_partner_id=st.sampled_from([None, "p-1"])),
)
def test_account_ownership_follows_an_override(
    house: Account, named: Account, both: Account
) -> None:
    assert house.house
    assert house.owner_partner_id is None
    assert named.owner_partner_id == "p-1"
    assert not named.house
    assert both.house
    assert both.owner_partner_id is None


def test_unknown_override_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match="Partner has no field 'colour'"):
        ps.partners(colour="red")


@QUICK
@given(ps.money())
def test_money_is_written_with_its_minor_unit(money: Money) -> None:
    assert money.is_rounded()
    assert -(Decimal(10) ** 24) < money.amount < Decimal(10) ** 24
    exponent = money.amount.as_tuple().exponent
    assert exponent == -minor_units(money.currency)


@QUICK
@given(
    ps.money("jpy", min_value=0, max_value=100),
    ps.money(["BHD", "EUR"], min_value="-0.5"),
    ps.money(st.just("USD"), max_value=Decimal("1.25")),
)
def test_money_bounds_and_currencies(yen: Money, mixed: Money, dollars: Money) -> None:
    assert yen.currency == "JPY"
    assert 0 <= yen.amount <= 100
    assert mixed.currency in ("BHD", "EUR")
    assert mixed.amount >= Decimal("-0.5")
    assert dollars.currency == "USD"
    assert dollars.amount <= Decimal("1.25")


def test_money_argument_errors() -> None:
    with pytest.raises(InvalidArgument, match="at least one currency"):
        ps.money([])
    with pytest.raises(InvalidArgument, match="above max_value"):
        ps.money("EUR", min_value=2, max_value=1)
    with pytest.raises(ValidationError):
        ps.money("EURO")


@QUICK
@given(ps.periods(), ps.periods(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 1, 31)))
def test_periods(period: Period, january: Period) -> None:
    assert period.start <= period.end
    assert dt.date(2026, 1, 1) <= january.start <= january.end <= dt.date(2026, 1, 31)
    assert from_dict(Period, to_dict(period)) == period


def test_periods_argument_error() -> None:
    with pytest.raises(InvalidArgument, match="after max_value"):
        ps.periods(min_value=dt.date(2026, 2, 1), max_value=dt.date(2026, 1, 1))
