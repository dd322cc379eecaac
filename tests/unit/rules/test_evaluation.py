"""Evaluation: every operator on every kind of value, the missing-value semantics, and how
fields are read from mappings and objects."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from prmcore._checks import Checks
from prmcore.domain import Lead, Location, PartnerStatus
from prmcore.rules import (
    Between,
    Compare,
    Condition,
    Contains,
    Exists,
    In,
    Leaf,
    NotIn,
    StartsWith,
    compile_condition,
    evaluate,
    field,
)

UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))


def holds(rule: Condition, value: object) -> bool:
    """Evaluate *rule* (on field ``x``) against a record holding *value*, through the compiled
    predicate, the cached one and explain, which must all agree."""
    record = {"x": value}
    verdict = compile_condition(rule)(record)
    assert rule.evaluate(record) is verdict
    assert rule.explain(record).verdict is verdict
    return verdict


class TestCompare:
    @pytest.mark.parametrize(
        ("op", "value", "expected"),
        [
            ("eq", 50, True),
            ("eq", 51, False),
            ("ne", 51, True),
            ("ne", 50, False),
            ("lt", 51, True),
            ("lt", 50, False),
            ("le", 50, True),
            ("le", 49, False),
            ("gt", 49, True),
            ("gt", 50, False),
            ("ge", 50, True),
            ("ge", 51, False),
        ],
    )
    def test_numbers(self, op: str, value: int, expected: bool) -> None:
        assert holds(Compare("x", op, value), 50) is expected

    def test_int_and_decimal_compare_exactly(self) -> None:
        assert holds(field("x").eq(Decimal("50.00")), 50)
        assert holds(field("x").lt(Decimal("50.01")), 50)
        assert holds(field("x").gt(49), Decimal("49.0000000000000000000000000001"))

    def test_float_in_a_record_is_compared_exactly_never_rounded(self) -> None:
        # 0.1 as a float is 0.1000000000000000055511151231257827...: not equal to 0.1.
        assert not holds(field("x").eq(Decimal("0.1")), 0.1)
        assert holds(field("x").gt(Decimal("0.1")), 0.1)
        assert holds(field("x").eq(Decimal("0.5")), 0.5)
        assert holds(field("x").ge(48), 48.137)

    def test_nan_is_not_comparable(self) -> None:
        for nan in (float("nan"), Decimal("NaN")):
            assert not holds(field("x").lt(1), nan)
            assert not holds(field("x").ne(1), nan)

    def test_infinity_compares(self) -> None:
        assert holds(field("x").gt(10**30), float("inf"))
        assert holds(field("x").lt(0), Decimal("-Infinity"))

    def test_bool_is_not_a_number(self) -> None:
        assert not holds(field("x").eq(1), True)
        assert not holds(field("x").eq(True), 1)
        assert holds(field("x").eq(True), True)
        assert holds(field("x").ne(True), False)

    def test_int_subclasses_are_numbers(self) -> None:
        class Size(enum.IntEnum):
            SMALL = 10

        assert holds(field("x").eq(10), Size.SMALL)
        assert holds(field("x").eq(Size.SMALL), 10)
        assert type(Compare("x", "eq", Size.SMALL).value) is int

    def test_decimal_subclasses_are_numbers(self) -> None:
        class Amount(Decimal):
            pass

        assert holds(field("x").eq(1), Amount("1.0"))
        assert not holds(field("x").ne(1), Amount("NaN"))

    def test_text_compares_by_code_point(self) -> None:
        assert holds(field("x").lt("b"), "a")
        assert holds(field("x").lt("a"), "B")
        assert holds(field("x").ge("80000"), "80331")

    def test_text_does_not_equal_a_number(self) -> None:
        assert not holds(field("x").eq("50"), 50)
        assert not holds(field("x").eq(50), "50")
        assert not holds(field("x").gt(5), "50")

    def test_str_enum_in_a_record_is_its_value(self) -> None:
        assert holds(field("x").eq("active"), PartnerStatus.ACTIVE)
        assert holds(field("x").is_in({"active", "suspended"}), PartnerStatus.ACTIVE)

    def test_dates(self) -> None:
        day = dt.date(2024, 5, 1)
        assert holds(field("x").eq(day), dt.date(2024, 5, 1))
        assert holds(field("x").lt(day), dt.date(2024, 4, 30))
        # A datetime is a moment, not a day: not comparable with a date.
        assert not holds(field("x").eq(day), dt.datetime(2024, 5, 1, tzinfo=UTC))
        assert not holds(field("x").le(day), dt.datetime(2024, 5, 1, tzinfo=UTC))

    def test_datetimes_compare_across_zones(self) -> None:
        noon_utc = dt.datetime(2024, 5, 1, 12, tzinfo=UTC)
        assert holds(field("x").eq(noon_utc), dt.datetime(2024, 5, 1, 13, tzinfo=CET))
        assert holds(field("x").lt(noon_utc), dt.datetime(2024, 5, 1, 12, 30, tzinfo=CET))

    def test_naive_datetime_in_a_record_is_not_comparable(self) -> None:
        noon_utc = dt.datetime(2024, 5, 1, 12, tzinfo=UTC)
        assert not holds(field("x").eq(noon_utc), dt.datetime(2024, 5, 1, 12))
        assert not holds(field("x").ne(noon_utc), dt.datetime(2024, 5, 1, 12))

    def test_a_date_is_not_a_datetime(self) -> None:
        noon_utc = dt.datetime(2024, 5, 1, 12, tzinfo=UTC)
        assert not holds(field("x").ge(noon_utc), dt.date(2024, 6, 1))

    def test_collections_are_not_single_values(self) -> None:
        assert not holds(field("x").eq("a"), ("a",))
        assert not holds(field("x").is_in({"a"}), ["a"])


class TestSets:
    def test_in(self) -> None:
        rule = field("x").is_in({"DE", "AT"})
        assert holds(rule, "AT")
        assert not holds(rule, "FR")
        assert not holds(rule, "de")

    def test_not_in(self) -> None:
        rule = field("x").not_in({"gov", "edu"})
        assert holds(rule, "retail")
        assert not holds(rule, "gov")

    def test_numbers_in_a_set(self) -> None:
        rule = field("x").is_in({1, Decimal("2.5")})
        assert holds(rule, Decimal("1.0"))
        assert holds(rule, 2.5)
        assert not holds(rule, True)
        assert not holds(rule, 2)

    def test_booleans_in_a_set(self) -> None:
        rule = In("x", [True])
        assert holds(rule, True)
        assert not holds(rule, 1)


class TestBetween:
    @pytest.mark.parametrize(
        ("bounds", "at_low", "at_high"),
        [("[]", True, True), ("[)", True, False), ("(]", False, True), ("()", False, False)],
    )
    def test_bounds(self, bounds: str, at_low: bool, at_high: bool) -> None:
        rule = field("x").between(50, 500, bounds=bounds)
        assert holds(rule, 50) is at_low
        assert holds(rule, 500) is at_high
        assert holds(rule, 51)
        assert holds(rule, Decimal("499.99"))
        assert not holds(rule, 49)
        assert not holds(rule, 501)

    def test_text_range(self) -> None:
        rule = field("x").between("80000", "89999")
        assert holds(rule, "80331")
        assert not holds(rule, "8")
        assert not holds(rule, 80331)

    def test_date_range(self) -> None:
        rule = field("x").between(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
        assert holds(rule, dt.date(2024, 3, 31))
        assert not holds(rule, dt.date(2024, 4, 1))


class TestStartsWith:
    def test_any_prefix(self) -> None:
        rule = field("x").starts_with("80", "81", "9")
        assert holds(rule, "80331")
        assert holds(rule, "90402")
        assert not holds(rule, "70173")
        assert not holds(rule, "8")

    def test_case_sensitive(self) -> None:
        assert not holds(field("x").starts_with("SW1"), "sw1a 1aa")

    def test_only_text(self) -> None:
        assert not holds(field("x").starts_with("8"), 80331)


class TestContains:
    def test_any(self) -> None:
        rule = field("x").contains("vpn", "firewall")
        assert holds(rule, ("backup", "vpn"))
        assert holds(rule, ["firewall"])
        assert holds(rule, frozenset({"firewall"}))
        assert not holds(rule, ("backup",))

    def test_all(self) -> None:
        rule = field("x").contains_all("vpn", "firewall")
        assert holds(rule, ("vpn", "backup", "firewall"))
        assert not holds(rule, {"vpn", "backup"})

    def test_a_string_is_not_a_collection(self) -> None:
        assert not holds(field("x").contains("vpn"), "vpn")
        assert not holds(field("x").contains("v"), "vpn")

    def test_items_compare_by_kind(self) -> None:
        assert not holds(field("x").contains(1), (True, "1"))
        assert holds(field("x").contains(1), (True, 1.0))
        assert holds(field("x").contains_all(1, 2), [2, Decimal(1)])
        assert not holds(field("x").contains_all(1, 2), [2, True])
        assert not holds(field("x").contains("a"), ([], {}, None))


class TestMissingValues:
    """The table in docs/rules.md, row by row."""

    LEAVES: list[Condition] = [  # noqa: RUF012
        Compare("x", "eq", "a"),
        Compare("x", "ne", "a"),
        Compare("x", "lt", "a"),
        Compare("x", "ge", 1),
        In("x", ["a"]),
        NotIn("x", ["a"]),
        Between("x", 1, 9),
        StartsWith("x", "a"),
        Contains("x", "a"),
        Contains("x", "a", "all"),
        Exists("x"),
    ]

    @pytest.mark.parametrize("record", [{}, {"x": None}, {"x": ""}, {"x": ()}, {"x": []}])
    @pytest.mark.parametrize("leaf", LEAVES, ids=str)
    def test_no_value_fails_every_leaf_and_its_negation_holds(
        self, leaf: Condition, record: dict[str, Any]
    ) -> None:
        assert evaluate(leaf, record) is False
        assert evaluate(~leaf, record) is True

    @pytest.mark.parametrize("value", [object(), b"a", {"a": 1}, 3j])
    @pytest.mark.parametrize("leaf", LEAVES[:-1], ids=str)
    def test_a_value_of_another_kind_fails_every_comparison(
        self, leaf: Condition, value: object
    ) -> None:
        assert evaluate(leaf, {"x": value}) is False
        assert evaluate(~leaf, {"x": value}) is True

    def test_exists_on_values(self) -> None:
        for value in (0, False, "a", ("a",), {"k": 1}, object(), " "):
            assert evaluate(Exists("x"), {"x": value}), value
        for value in (None, "", (), [], set(), frozenset(), {}):
            assert not evaluate(Exists("x"), {"x": value}), value

    def test_ne_and_not_eq_differ_only_on_missing_values(self) -> None:
        ne, not_eq = field("x").ne("gov"), ~field("x").eq("gov")
        for record in ({"x": "gov"}, {"x": "retail"}):
            assert ne.evaluate(record) is not_eq.evaluate(record)
        assert ne.evaluate({}) is False
        assert not_eq.evaluate({}) is True

    def test_missing_helper(self) -> None:
        assert field("x").missing().evaluate({})
        assert not field("x").missing().evaluate({"x": 1})


class _Record(Mapping[str, Any]):
    """A read-only mapping that is not a dict."""

    def __init__(self, **data: Any) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class TestReadingFields:
    LEAD = Lead(
        id="l-1",
        company_name="Brauerei Beispiel GmbH",
        location=Location("DE", postal_code="80331", city="München"),
        received_at=dt.datetime(2024, 5, 1, 9, tzinfo=UTC),
        industry="manufacturing",
        employees=120,
        product_lines=("firewall", "vpn"),
    )

    def test_lead_attributes(self) -> None:
        rule = (
            field("location.country").eq("DE")
            & field("location.postal_code").starts_with("80")
            & field("employees").between(50, 500)
            & field("product_lines").contains("vpn")
            & field("received_at").ge(dt.datetime(2024, 1, 1, tzinfo=UTC))
            & ~field("domain").exists()
        )
        assert rule.evaluate(self.LEAD)

    def test_mappings_nested_and_mixed(self) -> None:
        rule = field("lead.location.country").eq("DE") & field("partner.tier").eq("gold")
        assert rule.evaluate({"lead": self.LEAD, "partner": _Record(tier="gold")})
        assert rule.evaluate(
            SimpleNamespace(
                lead={"location": SimpleNamespace(country="DE")}, partner={"tier": "gold"}
            )
        )

    def test_mapping_keys_are_read_as_keys_even_when_they_are_method_names(self) -> None:
        assert field("values").eq(1).evaluate({"values": 1})
        assert field("a.items").eq(2).evaluate({"a": {"items": 2}})
        assert field("a.items").eq(2).evaluate(SimpleNamespace(a=_Record(items=2)))
        assert not field("values").exists().evaluate({})
        assert not field("a.keys").exists().evaluate({"a": {}})

    def test_methods_are_never_called(self) -> None:
        calls: list[str] = []

        class Sneaky:
            def delete(self) -> str:
                calls.append("delete")
                return "x"

            @property
            def child(self) -> Sneaky:
                return self

        assert not field("delete").exists().evaluate(Sneaky())
        assert not field("child.delete").exists().evaluate(Sneaky())
        assert not field("transition").exists().evaluate(self.LEAD)
        assert not field("location.has_coordinates.x").exists().evaluate(self.LEAD)
        assert calls == []

    def test_properties_are_read(self) -> None:
        assert field("location.has_coordinates").eq(False).evaluate(self.LEAD)

    def test_none_on_the_way_is_missing(self) -> None:
        assert not field("contact.name").exists().evaluate(self.LEAD)
        assert not field("a.b").exists().evaluate({"a": None})
        assert not field("a.b.c").exists().evaluate({"a": {"b": None}})
        assert not field("a").exists().evaluate(None)

    def test_absent_attribute_or_key(self) -> None:
        assert not field("nope").exists().evaluate(self.LEAD)
        assert not field("location.nope").exists().evaluate(self.LEAD)
        assert not field("a.b").exists().evaluate({"a": 1})

    def test_property_raising_attribute_error_is_missing(self) -> None:
        class Broken:
            @property
            def x(self) -> int:
                raise AttributeError("boom")

        assert not field("x").exists().evaluate(Broken())

    def test_other_errors_in_a_property_propagate(self) -> None:
        class Broken:
            @property
            def x(self) -> int:
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            field("x").exists().evaluate(Broken())

    def test_compile_refuses_unknown_leaves(self) -> None:
        @attrs.frozen
        class Custom(Leaf):
            field: str

            def _validate(self, c: Checks) -> None:
                pass

        with pytest.raises(TypeError, match=r"not a prmcore\.rules condition: Custom"):
            compile_condition(Custom("x"))

    def test_compile_refuses_foreign_objects(self) -> None:
        with pytest.raises(TypeError, match=r"not a prmcore\.rules condition"):
            compile_condition("x")  # type: ignore[arg-type]

    def test_groups(self) -> None:
        a, b, c = field("a").eq(1), field("b").eq(1), field("c").eq(1)
        for values in ((0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1), (0, 1, 1)):
            record = dict(zip("abc", values, strict=True))
            assert (a & b).evaluate(record) is (values[0] == 1 and values[1] == 1)
            assert (a & b & c).evaluate(record) is all(v == 1 for v in values)
            assert (a | b).evaluate(record) is (values[0] == 1 or values[1] == 1)
            assert (a | b | c).evaluate(record) is any(v == 1 for v in values)
            assert (~a).evaluate(record) is (values[0] != 1)


def test_the_absent_marker_reads_well_in_a_debugger() -> None:
    from prmcore.rules._access import ABSENT, make_resolver

    assert make_resolver("nope")({}) is ABSENT
    assert repr(ABSENT) == "<absent>"
