"""The dict and JSON forms: exact shapes, round trips, every problem with its path, schema
coercion, and the hooks registered on prmcore.serialization."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

from prmcore import serialization
from prmcore.errors import ValidationError
from prmcore.rules import (
    ALWAYS,
    LEAD_SCHEMA,
    MAX_DEPTH,
    NEVER,
    OPERATORS,
    AllOf,
    Compare,
    Condition,
    condition_from_dict,
    condition_from_json,
    condition_to_dict,
    condition_to_json,
    field,
)

UTC = dt.UTC


def problems(data: object, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        condition_from_dict(data, **kwargs)
    return [str(p) for p in exc.value.problems]


SHAPES: list[tuple[Condition, dict[str, Any]]] = [
    (field("a").eq("x"), {"field": "a", "op": "eq", "value": "x"}),
    (field("a").ne(True), {"field": "a", "op": "ne", "value": True}),
    (field("a").lt(5), {"field": "a", "op": "lt", "value": 5}),
    (
        field("a").le(Decimal("5.50")),
        {"field": "a", "op": "le", "value": "5.50", "type": "decimal"},
    ),
    (
        field("a").gt(dt.date(2024, 5, 1)),
        {"field": "a", "op": "gt", "value": "2024-05-01", "type": "date"},
    ),
    (
        field("a").ge(dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        {"field": "a", "op": "ge", "value": "2024-05-01T09:30:00+00:00", "type": "datetime"},
    ),
    (field("a").is_in({"DE", "AT"}), {"field": "a", "op": "in", "value": ["AT", "DE"]}),
    (
        field("a").not_in({3, Decimal("1.5")}),
        {"field": "a", "op": "not_in", "value": ["1.5", "3"], "type": "decimal"},
    ),
    (
        field("a").between(1, 10, bounds="(]"),
        {"field": "a", "op": "between", "low": 1, "high": 10, "bounds": "(]"},
    ),
    (
        field("a").starts_with("81", "80"),
        {"field": "a", "op": "starts_with", "value": ["80", "81"]},
    ),
    (
        field("a").contains("vpn"),
        {"field": "a", "op": "contains", "value": ["vpn"], "mode": "any"},
    ),
    (
        field("a").contains_all(dt.date(2024, 1, 2), dt.date(2024, 1, 1)),
        {
            "field": "a",
            "op": "contains",
            "value": ["2024-01-01", "2024-01-02"],
            "mode": "all",
            "type": "date",
        },
    ),
    (field("a").exists(), {"field": "a", "op": "exists"}),
    (ALWAYS, {"all": []}),
    (NEVER, {"any": []}),
    (
        field("a").eq(1) & (field("b").eq(2) | ~field("c").exists()),
        {
            "all": [
                {"field": "a", "op": "eq", "value": 1},
                {
                    "any": [
                        {"field": "b", "op": "eq", "value": 2},
                        {"not": {"field": "c", "op": "exists"}},
                    ]
                },
            ]
        },
    ),
]


class TestShapes:
    @pytest.mark.parametrize(("condition", "data"), SHAPES, ids=lambda v: str(v)[:40])
    def test_exact_shape_and_round_trip(self, condition: Condition, data: dict[str, Any]) -> None:
        assert condition_to_dict(condition) == data
        assert condition.to_dict() == data
        assert condition_from_dict(data) == condition
        assert condition_to_dict(condition_from_dict(data)) == data
        text = condition_to_json(condition)
        assert json.loads(text) == data
        assert condition_from_json(text) == condition
        assert condition.to_json(indent=2) == json.dumps(data, indent=2)

    def test_keys_are_in_a_stable_order(self) -> None:
        data = condition_to_dict(field("a").between(Decimal(1), Decimal(2)))
        assert list(data) == ["field", "op", "low", "high", "bounds", "type"]

    def test_operators(self) -> None:
        assert OPERATORS == (
            "eq",
            "ne",
            "lt",
            "le",
            "gt",
            "ge",
            "in",
            "not_in",
            "between",
            "starts_with",
            "contains",
            "exists",
        )

    def test_not_a_condition(self) -> None:
        with pytest.raises(TypeError):
            condition_to_dict("a")  # type: ignore[arg-type]

    def test_defaults_and_conveniences_when_loading(self) -> None:
        assert condition_from_dict({"field": "a", "op": "between", "low": 1, "high": 2}) == field(
            "a"
        ).between(1, 2)
        assert condition_from_dict({"field": "a", "op": "contains", "value": "vpn"}) == field(
            "a"
        ).contains("vpn")
        assert condition_from_dict({"field": "a", "op": "starts_with", "value": "80"}) == field(
            "a"
        ).starts_with("80")
        assert condition_from_dict({"field": "a", "op": "in", "value": ("x", "y")}) == field(
            "a"
        ).is_in({"x", "y"})

    def test_python_values_are_accepted(self) -> None:
        day = dt.date(2024, 1, 1)
        moment = dt.datetime(2024, 1, 1, tzinfo=UTC)
        assert condition_from_dict({"field": "a", "op": "eq", "value": day}) == field("a").eq(day)
        assert condition_from_dict(
            {"field": "a", "op": "eq", "value": day, "type": "date"}
        ) == field("a").eq(day)
        assert condition_from_dict(
            {"field": "a", "op": "eq", "value": moment, "type": "datetime"}
        ) == field("a").eq(moment)
        assert condition_from_dict(
            {"field": "a", "op": "eq", "value": 5, "type": "decimal"}
        ) == field("a").eq(Decimal(5))
        assert condition_from_dict(
            {"field": "a", "op": "eq", "value": Decimal("5.1"), "type": "decimal"}
        ) == field("a").eq(Decimal("5.1"))

    def test_json_numbers_with_a_fraction_are_decimals(self) -> None:
        rule = condition_from_json('{"field": "a", "op": "gt", "value": 0.1}')
        assert isinstance(rule, Compare)
        assert rule.value == Decimal("0.1")
        assert rule.to_dict() == {"field": "a", "op": "gt", "value": "0.1", "type": "decimal"}

    def test_json_from_bytes(self) -> None:
        assert condition_from_json(b'{"field": "a", "op": "exists"}') == field("a").exists()

    def test_float_in_python_data_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="float"):
            condition_from_dict({"field": "a", "op": "eq", "value": 0.1})


class TestProblems:
    def test_every_problem_with_its_path(self) -> None:
        data = {
            "all": [
                {"field": "location.contry", "op": "eq", "value": "DE"},
                {
                    "any": [
                        {"field": "employees", "op": "gt", "value": "many"},
                        {"field": "__class__", "op": "==", "value": 1, "extra": 2},
                    ]
                },
                5,
                {"not": {"field": "product_lines", "op": "in", "value": ["vpn"]}},
                {"field": "location.country", "op": "in", "value": ["UK", "DE"]},
                {"field": "employees", "op": "between", "low": 500, "high": 50},
            ]
        }
        assert problems(data, schema=LEAD_SCHEMA) == [
            "all[0].field: unknown field 'location.contry' (did you mean 'location.country'?)",
            "all[1].any[0].value: not a number: 'many'",
            "all[1].any[1].field: not a field path: '__class__' (each dotted part must start "
            "with a letter or digit and hold only letters, digits, '_' and '-')",
            "all[1].any[1].op: unknown operator '==' (did you mean 'eq'?); one of eq, ne, lt, "
            "le, gt, ge, in, not_in, between, starts_with, contains, exists",
            "all[1].any[1].extra: unknown key",
            "all[2]: must be an object: a leaf {'field': ..., 'op': ...} or a group "
            "{'all': [...]}, {'any': [...]} or {'not': {...}}; got int 5",
            "all[3].not.op: in needs a single-valued field; 'product_lines' holds several str "
            "values: use contains",
            "all[4].value: 'UK' is not an ISO 3166-1 alpha-2 country code (did you mean 'GB'?)",
            "all[5].high: must not be below low (500), got 50",
        ]

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ({"op": "eq", "value": 1}, ["field: required: the dotted path of the field to test"]),
            (
                {"field": "a"},
                [
                    "op: required: one of eq, ne, lt, le, gt, ge, in, not_in, between, "
                    "starts_with, contains, exists"
                ],
            ),
            ({"field": "a", "op": "equals", "value": 1}, ["op: unknown operator 'equals' (did"]),
            ({"field": "a", "op": "startswith", "value": "8"}, ["op: unknown operator 'starts"]),
            ({"field": "a", "op": "bteween", "low": 1}, ["op: unknown operator 'bteween' (did y"]),
            ({"field": "a", "op": 5}, ["op: unknown operator 5; one of"]),
            ({"field": "a", "op": "eq"}, ["value: required"]),
            ({"field": "a", "op": "in"}, ["value: required"]),
            ({"field": "a", "op": "starts_with", "value": [None]}, ["value[0]: null is not a"]),
            (
                {"field": "a", "op": "exists", "value": 1},
                ["value: unknown key for 'exists' (it takes field, op)"],
            ),
            (
                {"field": "a", "op": "starts_with", "value": "8", "type": "decimal"},
                ["type: unknown key for 'starts_with' (it takes field, op, value)"],
            ),
            ({"field": "a", "op": "eq", "value": [1]}, ["value: must be a single value, got list"]),
            ({"field": "a", "op": "eq", "value": {"x": 1}}, ["value: must be a single value, got"]),
            ({"field": "a", "op": "in", "value": "DE"}, ["value: must be a list of values, got"]),
            (
                {"field": "a", "op": "contains", "value": {"a": 1}},
                ["value: must be a list of values, got dict"],
            ),
            ({"field": "a", "op": "in", "value": []}, ["value: must hold at least one value"]),
            ({"field": "a", "op": "eq", "value": None}, ["value: null is not a value: a missing"]),
            (
                {"field": "a", "op": "in", "value": ["x", None, b"y"]},
                [
                    "value[1]: null is not a value",
                    "value[2]: must be a string, number or boolean, got bytes b'y'",
                ],
            ),
            ({"field": "a", "op": "eq", "value": ""}, ["value: must not be empty"]),
            ({"field": "a", "op": "eq", "value": "x" * 1001}, ["value: must be at most 1000"]),
            (
                {"field": "a", "op": "eq", "value": 1, "type": "money"},
                ["type: unknown type 'money'; one of decimal, date, datetime"],
            ),
            (
                {"field": "a", "op": "eq", "value": 1, "type": None},
                ["type: unknown type None; one of decimal, date, datetime"],
            ),
            ({"field": "a", "op": "eq", "value": "1,5", "type": "decimal"}, ["value: not a num"]),
            ({"field": "a", "op": "eq", "value": "NaN", "type": "decimal"}, ["value: not a num"]),
            (
                {"field": "a", "op": "eq", "value": True, "type": "decimal"},
                ["value: must be a decimal number as a string, got True"],
            ),
            (
                {"field": "a", "op": "eq", "value": "1.5.2024", "type": "date"},
                ["value: must be an ISO date (YYYY-MM-DD), got '1.5.2024'"],
            ),
            (
                {"field": "a", "op": "eq", "value": 20240501, "type": "date"},
                ["value: must be an ISO date string (YYYY-MM-DD), got 20240501"],
            ),
            (
                {"field": "a", "op": "eq", "value": "yesterday", "type": "datetime"},
                ["value: must be an ISO 8601 datetime, got 'yesterday'"],
            ),
            (
                {"field": "a", "op": "eq", "value": 5, "type": "datetime"},
                ["value: must be an ISO 8601 datetime string, got 5"],
            ),
            (
                {"field": "a", "op": "eq", "value": "2024-05-01T10:00", "type": "datetime"},
                ["value: must be timezone-aware, got 2024-05-01T10:00:00"],
            ),
            (
                {"field": "a", "op": "between", "low": 1, "high": 2, "bounds": "[["},
                ["bounds: unknown bounds '[['; one of [], (], [), ()"],
            ),
            ({"field": "a", "op": "between", "high": 2}, ["low: required"]),
            (
                {"field": "a", "op": "contains", "value": ["x"], "mode": "every"},
                ["mode: unknown mode 'every'; one of any, all"],
            ),
            ({"field": "a", "op": "lt", "value": True}, ["op: 'lt' needs an ordered value"]),
            (
                {"field": "a", "op": "eq", "value": 1, "note": "x"},
                ["note: unknown key for 'eq' (it takes field, op, value, type)"],
            ),
            ({"field": 5, "op": "exists"}, ["field: must be a field path (a string), got int 5"]),
            ({5: "x", "field": "a", "op": "exists"}, ["5: unknown key for 'exists'"]),
        ],
    )
    def test_leaf_problems(self, data: dict[str, Any], expected: list[str]) -> None:
        found = problems(data)
        assert len(found) == len(expected), found
        for got, start in zip(found, expected, strict=True):
            assert got.startswith(start), got

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ([], "must be an object"),
            ("x", "must be an object"),
            ({}, "field: required"),
            ({"all": {}}, "all: must be a list of conditions, got dict"),
            ({"any": "x"}, "any: must be a list of conditions, got str"),
            ({"not": []}, "not: must be an object"),
            ({"all": [], "any": []}, "has 'all' and 'any': one group per object"),
            (
                {"all": [], "field": "a", "op": "exists"},
                "mixes the group 'all' with 'field', 'op': a group object has exactly one key",
            ),
        ],
    )
    def test_group_problems(self, data: object, expected: str) -> None:
        assert expected in problems(data)[0]

    def test_problems_in_several_children_are_all_reported(self) -> None:
        data = {"any": [{"field": "a", "op": "?"}, {"not": {"field": "", "op": "exists"}}]}
        assert [p.split(":")[0] for p in problems(data)] == ["any[0].op", "any[1].not.field"]

    def test_depth_is_limited(self) -> None:
        data: dict[str, Any] = {"field": "a", "op": "exists"}
        for _ in range(MAX_DEPTH):
            data = {"not": data}
        condition_from_dict(data)
        found = problems({"not": data})
        assert found == [
            "not." * MAX_DEPTH + f"not: nested too deeply (at most {MAX_DEPTH} levels)"
        ]

    def test_hostile_json_nesting(self) -> None:
        with pytest.raises(ValidationError, match="nested too deeply"):
            condition_from_json('{"not": ' * 100_000 + "{}" + "}" * 100_000)

    @pytest.mark.parametrize(
        "text", ["{", "", '{"field": "a", "op": "eq", "value": NaN}', b"\xff\xfe\x00"]
    )
    def test_not_json(self, text: str | bytes) -> None:
        with pytest.raises(ValidationError, match="not valid JSON"):
            condition_from_json(text)


class TestSchemaCoercion:
    SCHEMA = LEAD_SCHEMA.with_fields(
        {"revenue": "decimal", "signed_on": "date", "flag": "bool", "score": "float"}
    )

    @pytest.mark.parametrize(
        ("path", "raw", "expected"),
        [
            ("revenue", "1.5E6", Decimal("1.5E6")),
            ("revenue", "100", Decimal("100")),
            ("revenue", 100, 100),
            ("score", " 0.25 ", Decimal("0.25")),
            ("employees", "50", 50),
            ("employees", "+50", 50),
            ("employees", "49.5", Decimal("49.5")),
            ("employees", Decimal("50.0"), Decimal("50")),
            ("signed_on", "2024-05-01", dt.date(2024, 5, 1)),
            ("received_at", "2024-05-01T10:00:00+02:00", dt.datetime(2024, 5, 1, 8, tzinfo=UTC)),
            ("industry", "50", "50"),
        ],
    )
    def test_strings_are_read_as_the_field_holds(
        self, path: str, raw: object, expected: object
    ) -> None:
        rule = condition_from_dict({"field": path, "op": "eq", "value": raw}, schema=self.SCHEMA)
        assert isinstance(rule, Compare)
        assert rule.value == expected
        assert type(rule.value) is type(expected)

    def test_tags_agree_with_the_schema(self) -> None:
        rule = condition_from_dict(
            {"field": "employees", "op": "gt", "value": "49.5", "type": "decimal"},
            schema=self.SCHEMA,
        )
        assert isinstance(rule, Compare)
        assert rule.value == Decimal("49.5")
        assert problems(
            {"field": "employees", "op": "gt", "value": "2024-01-01", "type": "date"},
            schema=self.SCHEMA,
        ) == ["type: says date but 'employees' holds int values"]

    def test_values_that_do_not_fit(self) -> None:
        assert problems(
            {
                "all": [
                    {"field": "employees", "op": "eq", "value": "fifty"},
                    {"field": "signed_on", "op": "eq", "value": "May 1st"},
                    {"field": "received_at", "op": "gt", "value": "soon"},
                    {"field": "flag", "op": "eq", "value": "true"},
                    {"field": "employees", "op": "in", "value": [1, "x", 3]},
                ]
            },
            schema=self.SCHEMA,
        ) == [
            "all[0].value: not a number: 'fifty'",
            "all[1].value: must be an ISO date (YYYY-MM-DD), got 'May 1st'",
            "all[2].value: must be an ISO 8601 datetime, got 'soon'",
            "all[3].value: 'true' does not fit: 'flag' holds a bool",
            "all[4].value[1]: not a number: 'x'",
        ]

    def test_round_trip_with_schema(self) -> None:
        data = {
            "all": [
                {"field": "revenue", "op": "ge", "value": "1000000.00", "type": "decimal"},
                {"field": "location.postal_code", "op": "starts_with", "value": ["80", "81"]},
                {"field": "product_lines", "op": "contains", "value": ["vpn"], "mode": "any"},
            ]
        }
        rule = condition_from_dict(data, schema=self.SCHEMA)
        assert condition_to_dict(rule) == data
        assert condition_from_dict(data) == rule


@attrs.frozen
class Territory:
    """A stand-in for the routing package's territory: a domain object holding a condition."""

    name: str
    coverage: Condition
    exclusions: AllOf | None = None


class TestSerializationHooks:
    RULE = field("location.country").is_in({"DE"}) & field("employees").ge(Decimal("10.5"))

    def test_to_dict_and_from_dict(self) -> None:
        data = serialization.to_dict(self.RULE)
        assert data == condition_to_dict(self.RULE)
        assert serialization.from_dict(Condition, data) == self.RULE
        assert serialization.from_dict(AllOf, data) == self.RULE
        assert serialization.from_json(Condition, serialization.to_json(self.RULE)) == self.RULE

    def test_inside_a_domain_object(self) -> None:
        territory = Territory("south", self.RULE, ALWAYS)
        data = serialization.to_dict(territory)
        assert data["coverage"] == condition_to_dict(self.RULE)
        assert serialization.from_dict(Territory, data) == territory
        stored = serialization.storage_converter.unstructure(territory)
        assert serialization.storage_converter.structure(stored, Territory) == territory

    def test_problems_keep_their_paths(self) -> None:
        data = {"name": "south", "coverage": {"all": [{"field": "a", "op": "?"}]}}
        with pytest.raises(ValidationError) as exc:
            serialization.from_dict(Territory, data)
        assert exc.value.paths == ("coverage.all[0].op",)

    def test_wrong_node_type(self) -> None:
        data = {"name": "south", "coverage": {"all": []}, "exclusions": {"any": []}}
        with pytest.raises(ValidationError) as exc:
            serialization.from_dict(Territory, data)
        assert [str(p) for p in exc.value.problems] == [
            "exclusions: must be a AllOf condition, got never"
        ]

    def test_explanation(self) -> None:
        explanation = self.RULE.explain({"location": {"country": "DE"}, "employees": 11})
        assert serialization.to_dict(explanation) == explanation.to_dict()
