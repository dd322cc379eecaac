"""The problem collector behind every domain object's validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from prmcore._checks import (
    Checks,
    Validated,
    country_codes,
    is_country_code,
    to_tuple,
    upper_or_none,
)
from prmcore.errors import Problem, ValidationError


def test_done_without_problems_does_nothing() -> None:
    c = Checks()
    assert c.require(True, "x", "never")
    c.done()
    assert c.problems == []


def test_done_raises_once_with_every_problem() -> None:
    c = Checks()
    assert not c.require(False, "a", "first")
    c.add("b[0]", "second")
    with pytest.raises(ValidationError) as excinfo:
        c.done()
    assert excinfo.value.problems == (Problem("a", "first"), Problem("b[0]", "second"))


def test_prefix_is_joined_to_every_path() -> None:
    c = Checks("plans[0]")
    c.add("tiers[2].upper", "bad")
    c.add("[3]", "bad item")
    c.add("", "bad plan")
    assert [p.path for p in c.problems] == ["plans[0].tiers[2].upper", "plans[0][3]", "plans[0]"]


# -- countries ------------------------------------------------------------------------------------


def test_country_codes_are_iso_alpha2_without_pseudo_regions() -> None:
    codes = country_codes()
    assert {"DE", "US", "JP", "BR", "ZA", "XK"} <= codes
    assert not {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "001", "419"} & codes
    assert all(len(code) == 2 for code in codes)
    assert all(code.isupper() for code in codes)
    assert country_codes() is codes  # computed once


@pytest.mark.parametrize(
    ("value", "expected"), [("DE", True), ("de", False), ("DEU", False), ("", False), (49, False)]
)
def test_is_country_code(value: object, expected: bool) -> None:
    assert is_country_code(value) is expected


def test_country_check() -> None:
    c = Checks()
    assert c.country("a", "FR")
    assert not c.country("b", "Fr")
    assert not c.country("c", None)
    assert c.optional_country("d", None)
    assert not c.optional_country("e", "XX")
    assert {p.path: p.message for p in c.problems} == {
        "b": "unknown ISO 3166-1 alpha-2 country code 'Fr'",
        "c": "must be str, got NoneType None",
        "e": "unknown ISO 3166-1 alpha-2 country code 'XX'",
    }


def test_converters() -> None:
    assert upper_or_none(" gb ") == "GB"
    assert upper_or_none(None) is None
    assert upper_or_none(7) == 7
    assert to_tuple(["a", "b"]) == ("a", "b")
    assert to_tuple(("a",)) == ("a",)
    assert to_tuple("ab") == "ab"
    assert to_tuple(None) is None


# -- identifiers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["a", "0", "p-1", "ACME_it.eu:42", "user@host/x+y", "a" * 128, "9" + "-" * 127],
)
def test_identifiers_that_pass(value: str) -> None:
    c = Checks()
    assert c.identifier("id", value)
    assert c.optional_identifier("id", value)
    assert c.problems == []


@pytest.mark.parametrize(
    "value",
    ["", "-a", ".a", "_a", "a b", "a\n", "a\tb", "ä", "a" * 129, "a#b", "a,b", "a;b", "a\\b"],
)
def test_identifiers_that_fail(value: str) -> None:
    c = Checks()
    assert not c.identifier("id", value)
    assert c.problems == [
        Problem(
            "id",
            "must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter or digit), "
            f"got {value!r}",
        )
    ]


def test_identifier_must_be_a_string() -> None:
    c = Checks()
    assert not c.identifier("id", 42)
    assert c.optional_identifier("other", None)
    assert c.problems == [Problem("id", "must be str, got int 42")]


# -- text and types -------------------------------------------------------------------------------


def test_text_rules() -> None:
    c = Checks()
    assert c.text("a", "x" * 10, max_length=10)
    assert not c.text("b", "x" * 11, max_length=10)
    assert not c.text("c", "\t\n ")
    assert not c.text("d", b"bytes")
    assert c.optional_text("e", None)
    assert not c.optional_text("f", "")
    assert {p.path: p.message for p in c.problems} == {
        "b": "must be at most 10 characters, got 11",
        "c": "must not be empty",
        "d": "must be str, got bytes b'bytes'",
        "f": "must not be empty",
    }


def test_instance_with_several_kinds() -> None:
    c = Checks()
    assert c.instance("a", 1, (int, str))
    assert not c.instance("b", 1.5, (int, str))
    assert c.problems == [Problem("b", "must be int or str, got float 1.5")]


# -- dates and times ------------------------------------------------------------------------------


def test_date_refuses_datetimes_and_strings() -> None:
    c = Checks()
    assert c.date("a", dt.date(2024, 2, 29))
    assert not c.date("b", dt.datetime(2024, 2, 29, 12))
    assert not c.date("c", "2024-02-29")
    assert c.optional_date("d", None)
    assert not c.optional_date("e", 20240229)
    assert [p.path for p in c.problems] == ["b", "c", "e"]
    assert (
        c.problems[0].message
        == "must be a date, got datetime datetime.datetime(2024, 2, 29, 12, 0)"
    )


def test_date_order() -> None:
    c = Checks()
    d = dt.date(2024, 5, 1)
    assert c.date_order("start", d, "end", d)
    assert c.date_order("start", d, "end", dt.date(2024, 5, 2))
    assert c.date_order("start", d, "end", None)  # open-ended
    assert c.date_order("start", "not a date", "end", d)  # reported elsewhere
    assert not c.date_order("start", d, "end", dt.date(2024, 4, 30))
    assert c.problems == [Problem("end", "must not be before start (2024-05-01)")]


def test_aware_datetime() -> None:
    c = Checks()
    assert c.aware_datetime("a", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert not c.aware_datetime("b", dt.datetime(2024, 1, 1))
    assert not c.aware_datetime("c", dt.date(2024, 1, 1))
    assert [p.path for p in c.problems] == ["b", "c"]


# -- numbers --------------------------------------------------------------------------------------


def test_integer_bounds_are_inclusive() -> None:
    c = Checks()
    assert c.integer("a", 0, minimum=0, maximum=10)
    assert c.integer("a", 10, minimum=0, maximum=10)
    assert c.integer("a", -(10**30))
    assert not c.integer("b", -1, minimum=0, maximum=10)
    assert not c.integer("c", 11, minimum=0, maximum=10)
    assert not c.integer("d", True)
    assert not c.integer("e", 1.0)
    assert not c.integer("f", "1")
    assert {p.path: p.message for p in c.problems} == {
        "b": "must be at least 0, got -1",
        "c": "must be at most 10, got 11",
        "d": "must be an integer, got bool True",
        "e": "must be an integer, got float 1.0",
        "f": "must be an integer, got str '1'",
    }


def test_decimal_bounds_are_inclusive() -> None:
    c = Checks()
    low, high = Decimal("0"), Decimal("1.00")
    assert c.decimal("a", Decimal("0.00"), minimum=low, maximum=high)
    assert c.decimal("a", Decimal("1"), minimum=low, maximum=high)
    assert c.decimal("a", Decimal("-1E+30"))
    assert not c.decimal("b", Decimal("-0.01"), minimum=low, maximum=high)
    assert not c.decimal("c", Decimal("1.001"), minimum=low, maximum=high)
    assert not c.decimal("d", Decimal("NaN"))
    assert not c.decimal("e", Decimal("-Infinity"))
    assert not c.decimal("f", 0.5)
    assert not c.decimal("g", "1")
    assert {p.path: p.message for p in c.problems} == {
        "b": "must be at least 0, got -0.01",
        "c": "must be at most 1.00, got 1.001",
        "d": "must be a finite Decimal, got Decimal Decimal('NaN')",
        "e": "must be a finite Decimal, got Decimal Decimal('-Infinity')",
        "f": "must be a finite Decimal, got float 0.5",
        "g": "must be a finite Decimal, got str '1'",
    }


# -- collections ----------------------------------------------------------------------------------


def test_each_checks_every_item_and_reports_each_bad_one() -> None:
    c = Checks()
    assert not c.each("ids", ("a", "b c", "d", "-e"), c.identifier)
    assert [p.path for p in c.problems] == ["ids[1]", "ids[3]"]


def test_each_needs_a_tuple() -> None:
    c = Checks()
    assert not c.each("ids", ["a"], c.identifier)
    assert c.problems == [Problem("ids", "must be tuple, got list ['a']")]


def test_each_unique_reports_every_repeat() -> None:
    c = Checks()
    assert c.each("ids", (), c.identifier, unique=True)
    assert c.each("ids", ("a", "b"), c.identifier, unique=True)
    assert not c.each("ids", ("a", "b", "a", "a"), c.identifier, unique=True)
    assert c.problems == [
        Problem("ids[2]", "duplicate value 'a'"),
        Problem("ids[3]", "duplicate value 'a'"),
    ]


def test_each_unique_skips_the_duplicate_check_when_an_item_is_bad() -> None:
    c = Checks()
    assert not c.each("ids", ("a b", "a b"), c.identifier, unique=True)
    assert [p.path for p in c.problems] == ["ids[0]", "ids[1]"]
    assert all("duplicate" not in p.message for p in c.problems)


def test_one_of() -> None:
    c = Checks()
    assert c.one_of("mode", "up", ("up", "down"))
    assert c.one_of("mode", 2, iter([1, 2]))  # any iterable, consumed once
    assert not c.one_of("mode", "sideways", ["up", "down"])
    assert c.problems == [Problem("mode", "must be one of 'up', 'down'; got 'sideways'")]


# -- nested ---------------------------------------------------------------------------------------


def _raise_problems(*problems: Problem) -> None:
    raise ValidationError(problems)


def test_nested_prefixes_problems_raised_inside() -> None:
    c = Checks("plan")
    with c.nested("tiers[2]"):
        _raise_problems(Problem("upper", "too low"), Problem("", "overlaps tier 1"))
    assert c.problems == [
        Problem("plan.tiers[2].upper", "too low"),
        Problem("plan.tiers[2]", "overlaps tier 1"),
    ]


def test_nested_collects_problems_added_inside_and_goes_on() -> None:
    c = Checks()
    with c.nested("location") as inner:
        inner.add("country", "unknown")
        assert not inner.text("city", "")
    with c.nested("capacity") as inner:
        pass
    c.add("name", "empty")
    assert [p.path for p in c.problems] == ["location.country", "location.city", "name"]


def test_nested_keeps_problems_added_before_a_raise() -> None:
    c = Checks()
    with c.nested("[0]") as inner:
        inner.add("a", "first")
        _raise_problems(Problem("b", "second"))
    assert [p.path for p in c.problems] == ["[0].a", "[0].b"]


def test_nested_does_not_swallow_other_errors() -> None:
    c = Checks()
    with pytest.raises(KeyError), c.nested("x"):
        raise KeyError("boom")


# -- Validated ------------------------------------------------------------------------------------


def test_validated_runs_validate_after_init() -> None:
    class Thing(Validated):
        def __init__(self, size: int) -> None:
            self.size = size
            self.__attrs_post_init__()

        def _validate(self, c: Checks) -> None:
            c.integer("size", self.size, minimum=1)

    assert Thing(3).size == 3
    with pytest.raises(ValidationError) as excinfo:
        Thing(0)
    assert excinfo.value.paths == ("size",)


def test_trusted_construction_skips_checks_only_inside_the_block() -> None:
    from prmcore._checks import trusted_construction
    from prmcore.domain import Capacity

    with trusted_construction():
        unchecked = Capacity(max_open_leads=-1)
    assert unchecked.max_open_leads == -1
    with pytest.raises(ValidationError):
        Capacity(max_open_leads=-1)


def test_trusted_construction_is_reset_after_an_exception() -> None:
    from prmcore._checks import trusted_construction
    from prmcore.domain import Capacity

    with pytest.raises(RuntimeError), trusted_construction():
        raise RuntimeError("boom")
    with pytest.raises(ValidationError):
        Capacity(max_open_leads=-1)
