"""Schemas: building them from attrs classes, and checking conditions against them."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs
import pytest

from prmcore.domain import Lead, Partner
from prmcore.errors import ValidationError
from prmcore.rules import (
    LEAD_SCHEMA,
    Exists,
    FieldKind,
    FieldSpec,
    Schema,
    field,
)

UTC = dt.UTC


class Colour(enum.Enum):
    RED = 1


@attrs.frozen
class Inner:
    flag: bool


@attrs.frozen
class Outer:
    text: str
    number: int | None
    amount: Decimal
    ratio: float
    day: dt.date
    moment: dt.datetime
    tags: frozenset[str]
    scores: list[int]
    maybe_days: set[dt.date | None]
    inner: Inner | None
    colour: Colour
    pair: tuple[int, str]
    other: dict[str, int]
    unknown_items: tuple[object, ...]
    either: int | str
    me: Outer | None = None


def problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


class TestLeadSchema:
    def test_fields(self) -> None:
        assert dict(LEAD_SCHEMA.fields) == {
            "account_id": FieldSpec("str"),
            "company_name": FieldSpec("str"),
            "domain": FieldSpec("str"),
            "employees": FieldSpec("int"),
            "id": FieldSpec("str"),
            "industry": FieldSpec("str"),
            "location.city": FieldSpec("str"),
            "location.country": FieldSpec("country"),
            "location.latitude": FieldSpec("float"),
            "location.longitude": FieldSpec("float"),
            "location.postal_code": FieldSpec("str"),
            "location.region": FieldSpec("str"),
            "product_lines": FieldSpec("str", multi=True),
            "received_at": FieldSpec("datetime"),
            "source": FieldSpec("str"),
        }

    def test_personal_data_and_version_are_left_out(self) -> None:
        assert "contact.email" not in LEAD_SCHEMA
        assert "version" not in LEAD_SCHEMA

    def test_mapping_like_access(self) -> None:
        assert len(LEAD_SCHEMA) == 15
        assert "employees" in list(LEAD_SCHEMA)
        assert LEAD_SCHEMA.spec("nope") is None


class TestFromAttrs:
    def test_enums_become_choices_and_nested_classes_are_walked(self) -> None:
        schema = Schema.from_attrs(Partner, exclude=("version",))
        assert schema.spec("status") == FieldSpec(
            "str",
            choices={"prospect", "onboarding", "active", "suspended", "terminated"},
        )
        assert schema.spec("capacity.max_open_leads") == FieldSpec("int")
        assert schema.spec("product_lines") == FieldSpec("str", multi=True)
        # A tuple of nested objects is not a field the rules can read (yet).
        assert not any(path.startswith("locations") for path in schema)
        assert "version" not in schema

    def test_prefix_and_exclude(self) -> None:
        schema = Schema.from_attrs(Lead, prefix="lead", exclude=("contact", "location"))
        assert "lead.employees" in schema
        assert "lead.location.country" not in schema
        assert "lead.contact.name" not in schema

    def test_every_supported_type(self) -> None:
        schema = Schema.from_attrs(Outer)
        assert {path: str(spec) for path, spec in schema.fields.items()} == {
            "amount": "decimal",
            "day": "date",
            "inner.flag": "bool",
            "maybe_days": "set[date]",
            "moment": "datetime",
            "number": "int",
            "ratio": "float",
            "scores": "set[int]",
            "tags": "set[str]",
            "text": "str",
        }

    def test_only_attrs_classes(self) -> None:
        with pytest.raises(TypeError, match="not an attrs class"):
            Schema.from_attrs(dict)

    def test_unresolvable_types(self) -> None:
        @attrs.frozen
        class Local:
            inner: Nowhere  # type: ignore[name-defined]  # noqa: F821

        with pytest.raises(TypeError, match="cannot read the field types of"):
            Schema.from_attrs(Local)


class TestSchemaConstruction:
    def test_short_forms(self) -> None:
        schema = Schema({"a": "int", "b": FieldKind.DATE, "c": "set[str]", "d": FieldSpec("bool")})
        assert schema.spec("a") == FieldSpec(FieldKind.INT)
        assert schema.spec("b") == FieldSpec("date")
        assert schema.spec("c") == FieldSpec("str", multi=True)
        assert str(schema.spec("c")) == "set[str]"

    def test_problems(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Schema({"a": "nope", "b..c": "int", "c": 5, "d": "set[nope]"})  # type: ignore[dict-item]
        assert problems(exc) == [
            "fields['a']: unknown field kind 'nope'; one of str, country, int, decimal, float, "
            "bool, date, datetime, or set[<kind>]",
            "fields: not a field path: 'b..c' (each dotted part must start with a letter or "
            "digit and hold only letters, digits, '_' and '-')",
            "fields['c']: must be FieldSpec, got int 5",
            "fields['d']: unknown field kind 'set[nope]'; one of str, country, int, decimal, "
            "float, bool, date, datetime, or set[<kind>]",
        ]

    def test_not_a_mapping(self) -> None:
        with pytest.raises(ValidationError, match="must be Mapping"):
            Schema(["a"])  # type: ignore[arg-type]

    def test_field_spec_problems(self) -> None:
        with pytest.raises(ValidationError) as exc:
            FieldSpec("int", choices=["a"])
        assert problems(exc) == ["choices: choices are only for text fields"]
        with pytest.raises(ValidationError, match="at least one value"):
            FieldSpec("str", choices=[])
        with pytest.raises(ValidationError, match="non-empty strings"):
            FieldSpec("str", choices=["a", ""])
        with pytest.raises(ValidationError) as exc:
            FieldSpec("text", multi="yes", choices="abc")  # type: ignore[arg-type]
        assert exc.value.paths == ("kind", "multi", "choices")
        with pytest.raises(ValidationError):
            FieldSpec(3)  # type: ignore[arg-type]

    def test_equality_but_no_hash(self) -> None:
        assert Schema({"a": "int"}) == Schema({"a": FieldSpec("int")})
        assert Schema({"a": "int"}) != Schema({"a": "str"})
        assert Schema({"a": "int"}) != {"a": "int"}
        with pytest.raises(TypeError):
            hash(Schema({"a": "int"}))

    def test_with_fields_without_prefixed(self) -> None:
        schema = LEAD_SCHEMA.with_fields({"score": "int", "employees": "decimal"})
        assert schema.spec("score") == FieldSpec("int")
        assert schema.spec("employees") == FieldSpec("decimal")
        assert LEAD_SCHEMA.spec("employees") == FieldSpec("int")
        smaller = schema.without("location", "score")
        assert "location.country" not in smaller
        assert "score" not in smaller
        assert "employees" in smaller
        assert "lead.employees" in LEAD_SCHEMA.prefixed("lead")


class TestChecking:
    def test_unknown_field_with_a_suggestion(self) -> None:
        with pytest.raises(ValidationError) as exc:
            LEAD_SCHEMA.field("location.contry")
        assert problems(exc) == [
            "field: unknown field 'location.contry' (did you mean 'location.country'?)"
        ]

    def test_unknown_field_without_a_close_match(self) -> None:
        assert LEAD_SCHEMA.suggest("zzz") is None
        assert LEAD_SCHEMA.unknown_field_message("zzz") == "unknown field 'zzz'"

    def test_not_a_path(self) -> None:
        with pytest.raises(ValidationError, match="not a field path"):
            LEAD_SCHEMA.field("__class__")

    def test_paths_follow_the_dict_form(self) -> None:
        rule = field("location.country").eq("DE") & (
            field("employees").gt(5) | ~field("location.contry").eq("DE")
        )
        with pytest.raises(ValidationError) as exc:
            LEAD_SCHEMA.check(rule)
        assert problems(exc) == [
            "all[1].any[1].not.field: unknown field 'location.contry' (did you mean "
            "'location.country'?)"
        ]
        assert LEAD_SCHEMA.problems(rule) == problems(exc)
        assert LEAD_SCHEMA.problems(field("employees").gt(5)) == []

    def test_check_returns_the_condition(self) -> None:
        rule = field("employees").gt(5)
        assert LEAD_SCHEMA.check(rule) is rule

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (
                lambda s: s.field("employees").eq("50"),
                "value: '50' does not fit: 'employees' holds an int",
            ),
            (
                lambda s: s.field("employees").contains(5),
                "op: contains needs a multi-valued field; 'employees' holds an int: use eq or in",
            ),
            (
                lambda s: s.field("product_lines").is_in(["vpn"]),
                "op: in needs a single-valued field; 'product_lines' holds several str values: "
                "use contains",
            ),
            (
                lambda s: s.field("employees").starts_with("5"),
                "op: starts_with needs a text field; 'employees' holds an int",
            ),
            (
                lambda s: s.field("received_at").gt(dt.date(2024, 1, 1)),
                "value: 2024-01-01 does not fit: 'received_at' holds a datetime",
            ),
            (
                lambda s: s.field("flag").between(False, True),
                "low: a range needs ordered values, not booleans",
            ),
            (
                lambda s: s.field("flag").lt(True),
                "op: 'lt' needs an ordered value, not a bool",
            ),
            (
                lambda s: s.field("flag2").lt(1),
                "op: lt needs an ordered field; 'flag2' holds a bool: use eq or ne",
            ),
            (
                lambda s: s.field("employees").between(1, "9"),
                "high: must be of the same kind as low: low is 1, high is '9'",
            ),
            (
                lambda s: s.field("location.country").is_in(["UK", "de", "XX", "el"]),
                "value: 'UK' is not an ISO 3166-1 alpha-2 country code (did you mean 'GB'?)",
            ),
            (
                lambda s: s.field("status").ne("actve"),
                "value: 'actve' is not an allowed value (did you mean 'active'?); one of "
                "'active', 'prospect'",
            ),
            (
                lambda s: s.field("many").eq("x"),
                "value: 'x' is not an allowed value",
            ),
            (
                lambda s: s.field("tags").contains(1),
                "value: 1 does not fit: 'tags' holds several str values",
            ),
        ],
    )
    def test_problems(self, build: object, message: str) -> None:
        schema = LEAD_SCHEMA.with_fields(
            {
                "flag": "bool",
                "flag2": "bool",
                "status": FieldSpec("str", choices=["active", "prospect"]),
                "many": FieldSpec("str", choices=[f"v{i}" for i in range(20)]),
                "tags": "set[str]",
            }
        )
        with pytest.raises(ValidationError) as exc:
            build(schema)  # type: ignore[operator]
        assert problems(exc)[0] == message

    def test_every_country_problem_is_listed(self) -> None:
        with pytest.raises(ValidationError) as exc:
            LEAD_SCHEMA.field("location.country").is_in(["UK", "de", "XX", "el", "DE"])
        assert problems(exc) == [
            "value: 'UK' is not an ISO 3166-1 alpha-2 country code (did you mean 'GB'?)",
            "value: 'XX' is not an ISO 3166-1 alpha-2 country code",
            "value: 'de' is not an ISO 3166-1 alpha-2 country code (did you mean 'DE'?)",
            "value: 'el' is not an ISO 3166-1 alpha-2 country code (did you mean 'GR'?)",
        ]

    def test_what_fits(self) -> None:
        schema = LEAD_SCHEMA.with_fields(
            {"amount": "decimal", "day": "date", "status": FieldSpec("str", choices=["a"])}
        )
        rules = [
            schema.field("employees").between(1, Decimal("9.5")),
            schema.field("location.latitude").ge(Decimal("47.5")),
            schema.field("location.country").starts_with("D"),
            schema.field("location.country").lt("M"),
            schema.field("amount").gt(0),
            schema.field("day").eq(dt.date(2024, 1, 1)),
            schema.field("received_at").lt(dt.datetime(2024, 1, 1, tzinfo=UTC)),
            schema.field("product_lines").contains_all("vpn", "fw"),
            schema.field("status").lt("zzz"),
            schema.field("domain").exists(),
            schema.field("product_lines").missing(),
        ]
        for rule in rules:
            assert schema.problems(rule) == []

    def test_exists_only_needs_a_known_field(self) -> None:
        with pytest.raises(ValidationError, match="unknown field 'nope'"):
            LEAD_SCHEMA.check(Exists("nope"))
