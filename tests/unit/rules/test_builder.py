"""The builder API: every method builds the node it says, checked against a schema when the
field came from one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from prmcore.errors import ValidationError
from prmcore.rules import (
    LEAD_SCHEMA,
    AllOf,
    AnyOf,
    Between,
    Bounds,
    Compare,
    CompareOp,
    Contains,
    ContainsMode,
    Exists,
    FieldRef,
    In,
    Not,
    NotIn,
    StartsWith,
    all_of,
    any_of,
    field,
    not_,
)


def test_every_method() -> None:
    f = field("x")
    assert f == FieldRef("x")
    assert f.eq(1) == Compare("x", CompareOp.EQ, 1)
    assert f.ne(1) == Compare("x", CompareOp.NE, 1)
    assert f.lt(1) == Compare("x", CompareOp.LT, 1)
    assert f.le(1) == Compare("x", CompareOp.LE, 1)
    assert f.gt(1) == Compare("x", CompareOp.GT, 1)
    assert f.ge(1) == Compare("x", CompareOp.GE, 1)
    assert f.is_in([1, 2]) == In("x", {1, 2})
    assert f.not_in((1, 2)) == NotIn("x", {1, 2})
    assert f.between(1, 2) == Between("x", 1, 2, Bounds.CLOSED)
    assert f.between(1, 2, bounds="()") == Between("x", 1, 2, Bounds.OPEN)
    assert f.starts_with("8", "9") == StartsWith("x", {"8", "9"})
    assert f.contains("a", "b") == Contains("x", {"a", "b"}, ContainsMode.ANY)
    assert f.contains("a", mode="all") == Contains("x", {"a"}, ContainsMode.ALL)
    assert f.contains_all("a", "b") == Contains("x", {"a", "b"}, ContainsMode.ALL)
    assert f.exists() == Exists("x")
    assert f.missing() == Not(Exists("x"))


def test_group_functions_keep_nesting() -> None:
    a, b, c = field("a").eq(1), field("b").eq(2), field("c").eq(3)
    assert all_of(a, all_of(b, c)) == AllOf((a, AllOf((b, c))))
    assert any_of(a, b) == AnyOf((a, b))
    assert all_of() == AllOf(())
    assert any_of() == AnyOf(())
    assert not_(not_(a)) == Not(Not(a))


def test_bad_paths_fail_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        field("location..country")
    assert exc.value.paths == ("field",)


def test_schema_fields_check_what_they_build() -> None:
    employees = LEAD_SCHEMA.field("employees")
    assert employees.schema is LEAD_SCHEMA
    assert employees.ge(Decimal("10.5")) == Compare("employees", "ge", Decimal("10.5"))
    with pytest.raises(ValidationError, match="'x' does not fit: 'employees' holds an int"):
        employees.eq("x")
    with pytest.raises(ValidationError, match="contains needs a multi-valued field"):
        employees.contains(1)
    # A schema-bound field equals an unbound one: the schema only checks.
    assert employees == field("employees")


def test_schema_fields_check_exists() -> None:
    assert LEAD_SCHEMA.field("domain").exists() == Exists("domain")
