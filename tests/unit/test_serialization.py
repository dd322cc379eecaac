"""Dict and JSON round trips, the validating loader, and the error hierarchy."""

from __future__ import annotations

import datetime as dt
import enum
import json
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest

from prmcore._checks import Checks, Validated
from prmcore.domain import (
    Account,
    Agreement,
    AgreementKind,
    Capacity,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
)
from prmcore.errors import (
    ConflictError,
    CurrencyMismatch,
    InvalidTransition,
    MissingRateError,
    NotFoundError,
    PrmError,
    Problem,
    ValidationError,
    join_path,
)
from prmcore.serialization import (
    converter,
    from_dict,
    from_json,
    storage_converter,
    to_dict,
    to_json,
)

# -- test-only types ------------------------------------------------------------------------------


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@attrs.frozen
class Price:
    """A plain attrs class (not self-validating) with the types the converter handles."""

    amount: Decimal
    when: dt.date | None = None
    at: dt.datetime | None = None
    tags: frozenset[str] = frozenset()
    colour: Colour = Colour.RED
    level: Level = Level.LOW
    counts: dict[str, int] = attrs.field(factory=dict)
    ratio: float = 0.0


@attrs.frozen
class Basket:
    items: tuple[Price, ...]


class Odd:
    """A type whose (test-registered) structure hook fails in a chosen way."""

    def __init__(self, raw: object) -> None:
        self.raw = raw


def _structure_odd(value: object, _: type) -> Odd:
    failures: dict[object, BaseException] = {
        "value": ValueError("odd value"),
        "empty": ValueError(),
        "key": KeyError("k"),
        "type": TypeError("odd type"),
        "prm": NotFoundError("Odd", "x"),
        "runtime": RuntimeError("odd runtime"),
    }
    if value == "noted":
        exc = ValueError("odd with a note")
        exc.add_note("a note added by a hook")
        raise exc
    if value in failures:
        raise failures[value]
    return Odd(value)


converter.register_structure_hook(Odd, _structure_odd)


@attrs.frozen
class HasOdd:
    odd: Odd
    n: int = 0


@attrs.frozen
class SelfChecked(Validated):
    """A self-validating class whose checks trip over a field that failed to load."""

    odd: Odd
    size: int
    label: str = "x"

    def _validate(self, c: Checks) -> None:
        c.require(self.size + 1 > 1, "size", "must be positive")  # TypeError on a missing size
        c.text("label", self.label)


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def assert_plain_json_data(value: object) -> None:
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for item in value.values():
            assert_plain_json_data(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain_json_data(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), repr(value)


PARTNER = Partner(
    id="p-1",
    name="Müller & Söhne",
    kind=PartnerKind.RESELLER,
    status=PartnerStatus.ACTIVE,
    program_level_id="gold",
    locations=(
        Location(
            "DE",
            region="BY",
            postal_code="80331",
            city="München",
            latitude=48.137,
            longitude=11.575,
        ),
        Location("AT"),
    ),
    product_lines=("fw", "vpn"),
    capacity=Capacity(max_open_leads=5),
    parent_id="d-1",
    version=3,
)

# -- to_dict --------------------------------------------------------------------------------------


def test_to_dict_of_a_partner_is_plain_json_data() -> None:
    data = to_dict(PARTNER)
    assert_plain_json_data(data)
    assert data == {
        "id": "p-1",
        "name": "Müller & Söhne",
        "kind": "reseller",
        "status": "active",
        "program_level_id": "gold",
        "locations": [
            {
                "country": "DE",
                "region": "BY",
                "postal_code": "80331",
                "city": "München",
                "latitude": 48.137,
                "longitude": 11.575,
            },
            {
                "country": "AT",
                "region": None,
                "postal_code": None,
                "city": None,
                "latitude": None,
                "longitude": None,
            },
        ],
        "product_lines": ["fw", "vpn"],
        "capacity": {"max_open_leads": 5, "max_leads_per_month": None},
        "parent_id": "d-1",
        "version": 3,
    }


def test_to_dict_writes_dates_datetimes_decimals_enums_and_sets_as_json_values() -> None:
    price = Price(
        amount=Decimal("12.30"),
        when=dt.date(2026, 1, 31),
        at=dt.datetime(2026, 1, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        tags=frozenset({"b", "a", "c"}),
        colour=Colour.BLUE,
        level=Level.HIGH,
        counts={"x": 1},
        ratio=0.5,
    )
    data = to_dict(price)
    assert_plain_json_data(data)
    assert data == {
        "amount": "12.30",
        "when": "2026-01-31",
        "at": "2026-01-31T23:59:00+01:00",
        "tags": ["a", "b", "c"],
        "colour": "blue",
        "level": 2,
        "counts": {"x": 1},
        "ratio": 0.5,
    }
    assert from_dict(Price, data) == price


def test_to_dict_of_an_agreement_and_a_lead() -> None:
    agreement = Agreement(
        "ag-1", "p-1", AgreementKind.NDA, dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    )
    assert to_dict(agreement)["signed_on"] == "2024-01-01"
    assert to_dict(agreement)["kind"] == "nda"
    lead = Lead("l-1", "Initech", Location("US"), dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))
    assert to_dict(lead)["received_at"] == "2026-03-02T09:30:00+00:00"
    assert to_dict(lead)["product_lines"] == []


def test_to_json_keeps_unicode_and_field_order() -> None:
    text = to_json(PARTNER)
    assert "Müller & Söhne" in text
    assert list(json.loads(text)) == [f.name for f in attrs.fields(Partner)]
    assert to_json(PARTNER, indent=2).startswith('{\n  "id": "p-1"')


# -- round trips ----------------------------------------------------------------------------------


def test_partner_round_trips_through_dict_and_json() -> None:
    assert from_dict(Partner, to_dict(PARTNER)) == PARTNER
    assert from_json(Partner, to_json(PARTNER)) == PARTNER
    assert from_json(Partner, to_json(PARTNER).encode()) == PARTNER


def test_storage_converter_round_trip() -> None:
    data = storage_converter.unstructure(PARTNER)
    assert data == to_dict(PARTNER)
    assert storage_converter.structure(data, Partner) == PARTNER


def test_storage_converter_still_validates_through_the_constructor() -> None:
    data = to_dict(PARTNER)
    data["parent_id"] = "p-1"
    with pytest.raises(ValidationError) as excinfo:
        storage_converter.structure(data, Partner)
    assert excinfo.value.paths == ("parent_id",)


def test_from_dict_fills_defaults() -> None:
    partner = from_dict(Partner, {"id": "p-2", "name": "Acme", "kind": "msp"})
    assert partner == Partner(id="p-2", name="Acme", kind=PartnerKind.MSP)


def test_from_dict_accepts_date_objects_and_lower_case_countries() -> None:
    agreement = from_dict(
        Agreement,
        {"id": "a", "partner_id": "p", "kind": "nda", "signed_on": dt.date(2024, 1, 1)},
    )
    assert agreement.signed_on == dt.date(2024, 1, 1)
    assert from_dict(Location, {"country": "de"}).country == "DE"


def test_from_json_reads_fractions_as_decimal_not_float() -> None:
    price = from_json(Price, '{"amount": 0.10, "ratio": 0.25}')
    assert price.amount == Decimal("0.10")
    assert str(price.amount) == "0.10"
    assert price.ratio == 0.25
    location = from_json(Location, '{"country": "DE", "latitude": 48.137, "longitude": 11}')
    assert (location.latitude, location.longitude) == (48.137, 11.0)


# -- every problem, with its path -----------------------------------------------------------------


def test_bad_id_empty_name_and_bad_nested_country_are_reported_together() -> None:
    data = {"id": "bad id", "name": "", "kind": "reseller", "locations": [{"country": "XX"}]}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, data)
    assert sorted(excinfo.value.paths) == ["id", "locations[0].country", "name"]
    assert problems(excinfo)["locations[0].country"] == (
        "unknown ISO 3166-1 alpha-2 country code 'XX'"
    )
    assert str(excinfo.value).startswith("3 problems: ")


def test_unknown_keys_missing_fields_and_wrong_types_are_all_listed() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, {"name": 5, "colour": "red", "status": "approved", "version": True})
    assert problems(excinfo) == {
        "colour": "unknown field (not part of the schema)",
        "id": "required field is missing",
        "name": "must be a string, got int 5",
        "kind": "required field is missing",
        "status": "must be one of 'prospect', 'onboarding', 'active', 'suspended', "
        "'terminated'; got 'approved'",
        "version": "must be an integer, got bool True",
    }


def test_nested_paths_into_lists_of_objects() -> None:
    data = {
        "id": "p-1",
        "name": "Acme",
        "kind": "reseller",
        "locations": [
            {"country": "DE"},
            {"country": "DE", "latitude": "north", "longitude": 11},
            {"country": "FR", "latitude": 95, "longitude": 2, "town": "Paris"},
        ],
        "capacity": {"max_open_leads": -1},
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, data)
    assert problems(excinfo) == {
        "locations[1].latitude": "must be a number, got str 'north'",
        "locations[2].town": "unknown field (not part of the schema)",
        "locations[2].latitude": "must be between -90 and 90 degrees, got 95.0",
        "capacity.max_open_leads": "must be at least 0, got -1",
    }


def test_nested_class_checks_run_once_its_fields_load() -> None:
    data = {
        "id": "p-1",
        "name": "Acme",
        "kind": "reseller",
        "locations": [{"country": "DE"}, {"country": "FR", "latitude": 95, "longitude": 2}],
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, data)
    assert problems(excinfo) == {
        "locations[1].latitude": "must be between -90 and 90 degrees, got 95.0"
    }


def test_external_id_paths() -> None:
    data = {
        "id": "acc-1",
        "name": "Globex",
        "external_ids": [
            {"scheme": "DUNS", "value": "1"},
            {"scheme": "lei"},
            {"scheme": "lei", "value": "2"},
        ],
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Account, data)
    assert problems(excinfo) == {
        "external_ids[0].scheme": "must be lower-case letters, digits or _ (like 'duns'), "
        "got 'DUNS'",
        "external_ids[1].value": "required field is missing",
    }
    data["external_ids"] = [{"scheme": "lei", "value": "1"}, {"scheme": "lei", "value": "2"}]
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Account, data)
    assert problems(excinfo) == {"external_ids[1].scheme": "duplicate scheme 'lei'"}


def test_class_checks_on_partially_loaded_data_skip_failed_fields() -> None:
    # kind fails to load; the partner's own check (parent is itself) still runs, and nothing
    # is said twice about kind.
    data = {"id": "p-1", "name": "Acme", "kind": "shop", "parent_id": "p-1"}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, data)
    assert excinfo.value.paths == ("kind", "parent_id")


def test_naive_received_at_is_reported_with_other_problems() -> None:
    data = {
        "id": "l-1",
        "company_name": "",
        "location": {"country": "us", "extra": 1},
        "received_at": "2026-03-02T09:30:00",
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Lead, data)
    assert problems(excinfo) == {
        "location.extra": "unknown field (not part of the schema)",
        "company_name": "must not be empty",
        "received_at": "must be timezone-aware (use datetime.timezone.utc)",
    }
    data = {**data, "company_name": "Initech", "location": {"country": "us"}}
    data["received_at"] = "2026-03-02T09:30:00Z"
    assert from_dict(Lead, data).received_at == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("product_lines", "fw", "must be a list, got str 'fw'"),
        ("locations", {"country": "DE"}, "must be a list, got dict {'country': 'DE'}"),
        ("capacity", [5], "must be an object (a mapping), got list"),
        ("name", None, "must be a string, got NoneType None"),
        ("version", "1", "must be an integer, got str '1'"),
    ],
)
def test_containers_and_scalars_of_the_wrong_shape(field: str, value: object, message: str) -> None:
    data = {"id": "p-1", "name": "Acme", "kind": "reseller", field: value}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, data)
    assert problems(excinfo) == {field: message}


def test_external_ids_as_a_mapping_are_not_the_wire_format() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Account, {"id": "a", "name": "n", "external_ids": {"duns": "1"}})
    assert problems(excinfo) == {"external_ids": "must be a list, got dict {'duns': '1'}"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number, got bool True"),
        ("48.1", "must be a number, got str '48.1'"),
        (None, None),
        (48, None),
        (Decimal("48.1"), None),
    ],
)
def test_coordinates_load_only_from_numbers(value: object, message: str | None) -> None:
    data: dict[str, Any] = {"country": "DE", "latitude": value, "longitude": 11.5}
    if value is None:
        data["longitude"] = None
    if message is None:
        loaded = from_dict(Location, data)
        assert loaded.latitude == (None if value is None else float(value))  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Location, data)
        assert problems(excinfo) == {"latitude": message}


def test_the_top_level_must_be_an_object() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Partner, ["p-1"])
    assert problems(excinfo) == {"": "must be an object (a mapping), got list"}


# -- exact numbers --------------------------------------------------------------------------------


def test_float_where_a_decimal_belongs_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"float 0\.1 is not accepted .*pass a str or Decimal"):
        from_dict(Price, {"amount": 0.1})
    with pytest.raises(TypeError, match="float"):
        from_dict(Basket, {"items": [{"amount": "1"}, {"amount": 2.5}]})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12,30", "not a decimal number: '12,30'"),
        ("NaN", "must be finite, got 'NaN'"),
        ("-Infinity", "must be finite, got '-Infinity'"),
        (True, "must be a decimal number as a string, got bool True"),
        (None, "must be a decimal number as a string, got NoneType None"),
    ],
)
def test_bad_decimals(value: object, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Price, {"amount": value})
    assert problems(excinfo) == {"amount": message}


@pytest.mark.parametrize(
    ("value", "expected"), [("12.30", "12.30"), (7, "7"), (Decimal("1E+3"), "1E+3")]
)
def test_good_decimals(value: object, expected: str) -> None:
    assert str(from_dict(Price, {"amount": value}).amount) == expected


# -- dates, times, enums, plain attrs classes -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"when": "2026-02-30"}, "when", "must be an ISO date (YYYY-MM-DD), got '2026-02-30'"),
        ({"when": 20260101}, "when", "must be an ISO date string (YYYY-MM-DD), got 20260101"),
        (
            {"when": dt.datetime(2026, 1, 1)},
            "when",
            "must be an ISO date string (YYYY-MM-DD), got datetime.datetime(2026, 1, 1, 0, 0)",
        ),
        ({"at": "yesterday"}, "at", "must be an ISO 8601 datetime, got 'yesterday'"),
        ({"at": 1700000000}, "at", "must be an ISO 8601 datetime string, got 1700000000"),
        ({"colour": "green"}, "colour", "must be one of 'red', 'blue'; got 'green'"),
        ({"level": 3}, "level", "must be one of 1, 2; got 3"),
        ({"tags": ["a", 1]}, "tags", "must be a string, got int 1"),
        ({"counts": {"a": "x"}}, "counts[a]", "must be an integer, got str 'x'"),
        ({"extra": 1}, "extra", "unknown field (not part of the schema)"),
    ],
)
def test_plain_attrs_class_problems(data: dict[str, object], path: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Price, {"amount": "1", **data})
    found = problems(excinfo)
    assert list(found) in ([path], [path.split("[")[0] + "[1]"], [path.split("[")[0] + "[0]"])
    assert message in found.values()


def test_datetime_objects_pass_through() -> None:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert from_dict(Price, {"amount": "1", "at": moment}).at == moment


def test_plain_class_missing_fields_and_nested_paths() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Basket, {"items": [{"amount": "1"}, {"amount": "x", "y": 2}, {}]})
    assert problems(excinfo) == {
        "items[1].amount": "not a decimal number: 'x'",
        "items[1].y": "unknown field (not part of the schema)",
        "items[2].amount": "required field is missing",
    }


def test_plain_class_from_a_non_mapping() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Price, ["1"])
    assert excinfo.value.paths == ("",)
    assert "AttributeError" in str(excinfo.value)


def test_from_dict_of_scalars_and_lists() -> None:
    assert from_dict(tuple[int, ...], [1, 2]) == (1, 2)
    assert from_dict(list[str], ["a"]) == ["a"]
    with pytest.raises(ValidationError) as excinfo:
        from_dict(list[int], [1, "x"])
    assert problems(excinfo) == {"[1]": "must be an integer, got str 'x'"}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(int, "x")
    assert problems(excinfo) == {"": "must be an integer, got str 'x'"}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(bool, "yes")
    assert problems(excinfo) == {"": "must be true or false, got str 'yes'"}


# -- hooks that fail in other ways ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("value", "odd value"),
        ("empty", "ValueError: "),
        ("type", "wrong type: odd type"),
        ("prm", "Odd 'x' not found"),
        ("runtime", "RuntimeError: odd runtime"),
        ("noted", "odd with a note"),
    ],
)
def test_hook_failures_inside_a_plain_class(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(HasOdd, {"odd": raw})
    assert problems(excinfo) == {"odd": message}


@pytest.mark.parametrize(
    ("raw", "message"),
    [("value", "odd value"), ("key", "KeyError: 'k'")],
)
def test_hook_failures_at_the_top_level(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(Odd, raw)
    assert problems(excinfo) == {"": message}


def test_other_prm_errors_at_the_top_level_pass_through() -> None:
    with pytest.raises(NotFoundError, match="Odd 'x' not found"):
        from_dict(Odd, "prm")


@pytest.mark.parametrize(
    ("raw", "message"),
    [("value", "odd value"), ("key", "KeyError: 'k'"), ("prm", "Odd 'x' not found")],
)
def test_hook_failures_inside_a_self_validating_class(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(SelfChecked, {"odd": raw, "size": 2, "label": ""})
    assert problems(excinfo) == {"odd": message, "label": "must not be empty"}


def test_class_checks_that_trip_over_a_missing_field_add_nothing() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_dict(SelfChecked, {"odd": "ok", "size": "2", "label": ""})
    # size failed to load, so _validate raised TypeError: only the load problem is reported.
    assert problems(excinfo) == {"size": "must be an integer, got str '2'"}


def test_self_validating_class_loads() -> None:
    loaded = from_dict(SelfChecked, {"odd": "fine", "size": 2})
    assert (loaded.odd.raw, loaded.size, loaded.label) == ("fine", 2, "x")


# -- JSON -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["{", "", "[1,]", b"\xff", '{"id": NaN}', '{"latitude": -Infinity}', "\ufeff{}"]
)
def test_from_json_rejects_invalid_json(text: str | bytes) -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_json(Partner, text)
    assert excinfo.value.paths == ("",)
    assert str(excinfo.value).startswith("1 problem: not valid JSON: ")


def test_from_json_reports_data_problems_too() -> None:
    with pytest.raises(ValidationError) as excinfo:
        from_json(Partner, '{"id": "p-1", "name": "", "kind": "reseller"}')
    assert problems(excinfo) == {"name": "must not be empty"}


# -- errors ---------------------------------------------------------------------------------------


def test_problem_rendering_and_prefixing() -> None:
    assert str(Problem("a.b", "bad")) == "a.b: bad"
    assert str(Problem("", "bad")) == "bad"
    assert Problem("country", "x").prefixed("locations[0]").path == "locations[0].country"
    assert Problem("[2].upper", "x").prefixed("tiers").path == "tiers[2].upper"
    assert Problem("", "x").prefixed("plans[0]").path == "plans[0]"
    assert Problem("a", "x").prefixed("").path == "a"


@pytest.mark.parametrize(
    ("prefix", "path", "joined"),
    [("a", "b", "a.b"), ("a", "[0].b", "a[0].b"), ("", "b", "b"), ("a", "", "a"), ("", "", "")],
)
def test_join_path(prefix: str, path: str, joined: str) -> None:
    assert join_path(prefix, path) == joined


def test_validation_error_rendering_and_paths() -> None:
    one = ValidationError("must not be empty", path="name")
    assert str(one) == "1 problem: name: must not be empty"
    assert one.paths == ("name",)
    assert str(ValidationError("whole object is wrong")) == "1 problem: whole object is wrong"
    many = ValidationError(
        (Problem("id", "bad id"), Problem("locations[0].country", "unknown country 'XX'"))
    )
    assert str(many) == "2 problems: id: bad id; locations[0].country: unknown country 'XX'"
    assert many.paths == ("id", "locations[0].country")
    assert isinstance(many, PrmError)


def test_validation_error_prefixed() -> None:
    err = ValidationError([Problem("upper", "too low"), Problem("", "overlaps")])
    moved = err.prefixed("tiers[2]")
    assert moved.paths == ("tiers[2].upper", "tiers[2]")
    assert err.paths == ("upper", "")
    assert str(moved) == "2 problems: tiers[2].upper: too low; tiers[2]: overlaps"


def test_validation_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        ValidationError([])


ERRORS: list[PrmError] = [
    PrmError("plain"),
    ValidationError([Problem("a", "x"), Problem("b[0]", "y")]),
    ValidationError("single", path="name"),
    NotFoundError("Partner", "p-1"),
    ConflictError("Partner", "p-1", 2, 3),
    ConflictError("Partner", "p-1", None, 1, detail="id is already taken"),
    CurrencyMismatch("EUR", "USD", operation="add"),
    MissingRateError("EUR", "USD", dt.date(2026, 1, 31)),
    InvalidTransition("Partner", "active", "prospect", ["suspended", "terminated"]),
    InvalidTransition("Partner", "terminated", "active"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_pickles(error: PrmError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)


def test_error_messages() -> None:
    assert str(NotFoundError("Partner", "p-1")) == "Partner 'p-1' not found"
    conflict = ConflictError("Partner", "p-1", 2, 3)
    assert str(conflict) == (
        "Partner 'p-1' is at version 3, not 2: it was changed by someone else; reload and retry"
    )
    assert (conflict.expected, conflict.actual, conflict.detail) == (2, 3, "")
    assert str(ConflictError("Partner", "p-1", None, 1, "id is already taken")) == (
        "Partner 'p-1': id is already taken"
    )
    assert str(CurrencyMismatch("EUR", "USD")) == (
        "cannot combine EUR and USD: convert one of them first (see prmcore.money.convert)"
    )
    assert str(CurrencyMismatch("EUR", "USD", "compare")).startswith("cannot compare EUR and USD")
    assert str(MissingRateError("EUR", "USD", dt.date(2026, 1, 31))) == (
        "no exchange rate EUR->USD on or before 2026-01-31"
    )
    transition = InvalidTransition("Partner", "active", "prospect", ("suspended", "terminated"))
    assert str(transition) == (
        "Partner cannot go from 'active' to 'prospect'; allowed: suspended, terminated"
    )
    assert str(InvalidTransition("Deal", "won", "lost")) == (
        "Deal cannot go from 'won' to 'lost'; allowed: nothing (final state)"
    )


def test_every_error_is_a_prm_error() -> None:
    for error in ERRORS:
        assert isinstance(error, PrmError)
    assert not issubclass(ValidationError, ValueError)
