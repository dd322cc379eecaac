"""Property tests of prmcore.rules.

- ``explain(r).verdict == evaluate(r)`` for random condition trees and random records, and
  every node of the explanation agrees with a naive interpreter written here from the docs;
- the compiled predicate agrees with that naive interpreter;
- the dict and JSON forms round-trip exactly (the condition and its dict);
- the same holds for schema-checked conditions over real :class:`~prmcore.domain.Lead` s.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from prmcore.rules import (
    LEAD_SCHEMA,
    AllOf,
    AnyOf,
    Between,
    Bounds,
    Compare,
    CompareOp,
    Condition,
    Contains,
    ContainsMode,
    Exists,
    Explanation,
    In,
    Not,
    NotIn,
    StartsWith,
    compile_condition,
    condition_from_dict,
    condition_from_json,
    condition_to_dict,
    condition_to_json,
    conjuncts,
    evaluate,
    explain,
    fields,
    specificity,
)
from prmcore.testing import strategies as ps

UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))

# --- a naive interpreter, written from the semantics in docs/rules.md ----------------------------

_ABSENT = object()
_OPS: dict[CompareOp, Callable[[Any, Any], bool]] = {
    CompareOp.EQ: operator.eq,
    CompareOp.NE: operator.ne,
    CompareOp.LT: operator.lt,
    CompareOp.LE: operator.le,
    CompareOp.GT: operator.gt,
    CompareOp.GE: operator.ge,
}


def _read(record: object, path: str) -> object:
    value: Any = record
    for name in path.split("."):
        if value is None or value is _ABSENT:
            return _ABSENT
        value = (
            value.get(name, _ABSENT)
            if isinstance(value, Mapping)
            else getattr(value, name, _ABSENT)
        )
        if callable(value):
            return _ABSENT
    return value


def _kind(value: object) -> str | None:
    """The kind of a value, or None for a missing or incomparable one."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "str" if value else None
    if isinstance(value, float):
        return None if value != value else "number"
    if isinstance(value, Decimal):
        return None if value.is_nan() else "number"
    if isinstance(value, int):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime" if value.utcoffset() is not None else None
    if isinstance(value, dt.date):
        return "date"
    return None


def _exact(value: Any) -> Any:
    return Decimal(value) if isinstance(value, float) else value


def naive(condition: Condition, record: object) -> bool:
    if isinstance(condition, AllOf):
        return all(naive(part, record) for part in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(naive(part, record) for part in condition.conditions)
    if isinstance(condition, Not):
        return not naive(condition.condition, record)
    assert not isinstance(condition, AllOf | AnyOf | Not)
    value: Any = _read(record, condition.field)  # type: ignore[attr-defined]
    if isinstance(condition, Exists):
        if value is None or value is _ABSENT:
            return False
        return not (isinstance(value, str | tuple | list | set | frozenset | dict) and not value)
    if isinstance(condition, StartsWith):
        return isinstance(value, str) and any(value.startswith(p) for p in condition.prefixes)
    if isinstance(condition, Contains):
        if not isinstance(value, tuple | list | set | frozenset):
            return False
        wanted = _kind(next(iter(condition.values)))
        items = [_exact(item) for item in value if _kind(item) == wanted]
        check = all if condition.mode is ContainsMode.ALL else any
        return check(v in items for v in condition.values)
    if isinstance(condition, Compare):
        rule_values: list[Any] = [condition.value]
    elif isinstance(condition, Between):
        rule_values = [condition.low, condition.high]
    else:
        assert isinstance(condition, In | NotIn)
        rule_values = list(condition.values)
    if _kind(value) != _kind(rule_values[0]):
        return False
    x = _exact(value)
    if isinstance(condition, Compare):
        return _OPS[condition.op](x, condition.value)
    if isinstance(condition, In):
        return any(x == v for v in condition.values)
    if isinstance(condition, NotIn):
        return all(x != v for v in condition.values)
    assert isinstance(condition, Between)
    low_ok = condition.low <= x if condition.bounds.low_inclusive else condition.low < x
    high_ok = x <= condition.high if condition.bounds.high_inclusive else x < condition.high
    return low_ok and high_ok


# --- strategies ----------------------------------------------------------------------------------

POOLS: dict[str, list[Any]] = {
    "str": ["a", "ab", "b", "DE", "80331", "803", "8"],
    "number": [0, 1, -1, 50, Decimal("0.5"), Decimal("50.00"), Decimal("1E+2")],
    "date": [dt.date(2024, 1, 1), dt.date(2024, 6, 30), dt.date(2025, 1, 1)],
    "datetime": [
        dt.datetime(2024, 1, 1, tzinfo=UTC),
        dt.datetime(2024, 1, 1, 1, tzinfo=CET),  # the same moment as the one above
        dt.datetime(2024, 6, 1, 12, tzinfo=UTC),
    ],
    "bool": [True, False],
}
FIELDS = ["a", "b", "tags", "n.x"]


@st.composite
def leaves(draw: st.DrawFn) -> Condition:
    path = draw(st.sampled_from(FIELDS))
    kind = draw(st.sampled_from(sorted(POOLS)))
    pool = st.sampled_from(POOLS[kind])
    shape = draw(
        st.sampled_from(["compare", "in", "not_in", "between", "starts_with", "contains", "exists"])
    )
    if shape == "exists":
        return Exists(path)
    if shape == "starts_with":
        return StartsWith(
            path, draw(st.lists(st.sampled_from(POOLS["str"]), min_size=1, max_size=3))
        )
    if shape == "contains":
        values = draw(st.lists(pool, min_size=1, max_size=3))
        return Contains(path, values, draw(st.sampled_from(ContainsMode)))
    if shape in ("in", "not_in"):
        values = draw(st.lists(pool, min_size=1, max_size=3))
        return In(path, values) if shape == "in" else NotIn(path, values)
    if kind == "bool":
        return Compare(path, draw(st.sampled_from([CompareOp.EQ, CompareOp.NE])), draw(pool))
    if shape == "between":
        low, high = sorted([draw(pool), draw(pool)])
        bounds = draw(st.sampled_from(Bounds)) if low != high else Bounds.CLOSED
        return Between(path, low, high, bounds)
    return Compare(path, draw(st.sampled_from(CompareOp)), draw(pool))


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(AllOf),
        st.lists(children, max_size=3).map(AnyOf),
        children.map(Not),
    ),
    max_leaves=10,
)

_ALL_VALUES = [v for pool in POOLS.values() for v in pool]
record_values = st.one_of(
    st.sampled_from([*_ALL_VALUES, "", None]),
    st.sampled_from(
        [0.5, 50.0, 1.0, -1.0, float("nan"), Decimal("NaN"), dt.datetime(2024, 1, 1), b"a"]
    ),
    st.lists(st.sampled_from([*POOLS["str"], 0, 1, Decimal("0.5"), True, 0.5]), max_size=3).map(
        tuple
    ),
    st.sets(st.sampled_from(POOLS["str"]), max_size=2),
)


@st.composite
def records(draw: st.DrawFn) -> object:
    nested = draw(st.one_of(st.none(), st.fixed_dictionaries({}, optional={"x": record_values})))
    data: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {}, optional={"a": record_values, "b": record_values, "tags": record_values}
        )
    )
    if draw(st.booleans()):
        data["n"] = nested
    if draw(st.booleans()):  # the same data as an object with attributes
        if isinstance(nested, dict) and draw(st.booleans()):
            data["n"] = SimpleNamespace(**nested)
        return SimpleNamespace(**data)
    return data


# --- properties ----------------------------------------------------------------------------------


def _agrees_everywhere(explanation: Explanation, record: object) -> None:
    assert explanation.verdict is naive(explanation.condition, record)
    for child in explanation.children:
        _agrees_everywhere(child, record)


@given(conditions, records())
def test_explain_agrees_with_evaluate_and_the_naive_interpreter(
    condition: Condition, record: object
) -> None:
    expected = naive(condition, record)
    assert compile_condition(condition)(record) is expected
    assert evaluate(condition, record) is expected
    explanation = explain(condition, record)
    assert explanation.verdict is expected
    _agrees_everywhere(explanation, record)
    json.dumps(explanation.to_dict())
    assert explanation.render().startswith("✓" if expected else "✗")


@given(conditions)
def test_dict_and_json_round_trip_exactly(condition: Condition) -> None:
    data = condition_to_dict(condition)
    json.dumps(data)  # JSON-ready as it is
    loaded = condition_from_dict(data)
    assert loaded == condition
    assert condition_to_dict(loaded) == data
    assert condition_from_json(condition_to_json(condition)) == condition
    assert condition_from_json(json.dumps(data, indent=1)) == condition


@given(conditions, records())
def test_a_loaded_condition_decides_as_the_original(condition: Condition, record: object) -> None:
    loaded = condition_from_json(condition_to_json(condition))
    assert loaded.evaluate(record) is condition.evaluate(record)


@given(conditions, records())
def test_conjuncts_are_equivalent_to_the_condition(condition: Condition, record: object) -> None:
    assert AllOf(conjuncts(condition)).evaluate(record) is condition.evaluate(record)


@given(conditions)
def test_fields_and_specificity(condition: Condition) -> None:
    assert fields(condition) <= set(FIELDS)
    assert specificity(condition) >= 0
    assert specificity(condition & condition) == 2 * specificity(condition) or isinstance(
        condition, AllOf
    )


# --- real leads, schema-checked conditions -------------------------------------------------------

COUNTRIES = ["DE", "AT", "CH", "US", "FR", "GB"]
PRODUCT_LINES = ["vpn", "firewall", "backup"]
INDUSTRIES = ["gov", "retail", "manufacturing"]


@st.composite
def lead_leaves(draw: st.DrawFn) -> Condition:
    choice = draw(st.integers(0, 8))
    if choice == 0:
        values = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3))
        return draw(st.sampled_from([In, NotIn]))("location.country", values)  # type: ignore[no-any-return]
    if choice == 1:
        prefixes = draw(st.lists(st.sampled_from(["1", "8", "80", "9", "D"]), min_size=1))
        return StartsWith("location.postal_code", prefixes)
    if choice == 2:
        numbers = st.sampled_from([0, 10, 50, 500, Decimal("49.5"), 10**6])
        low, high = sorted([draw(numbers), draw(numbers)])
        return Between("employees", low, high)
    if choice == 3:
        number = draw(st.sampled_from([0, 10, 50, Decimal("49.5")]))
        return Compare("employees", draw(st.sampled_from(CompareOp)), number)
    if choice == 4:
        values = draw(st.lists(st.sampled_from(PRODUCT_LINES), min_size=1, max_size=2))
        return Contains("product_lines", values, draw(st.sampled_from(ContainsMode)))
    if choice == 5:
        return Compare(
            "industry", draw(st.sampled_from(CompareOp)), draw(st.sampled_from(INDUSTRIES))
        )
    if choice == 6:
        moment = dt.datetime(2000, 1, 1, tzinfo=UTC) + dt.timedelta(
            days=draw(st.integers(0, 20000))
        )
        return Compare("received_at", draw(st.sampled_from(CompareOp)), moment)
    if choice == 7:
        return Compare(
            "location.latitude", CompareOp.GE, draw(st.sampled_from([Decimal("47.5"), 0]))
        )
    return Exists(draw(st.sampled_from(["domain", "industry", "employees", "product_lines"])))


lead_conditions = st.recursive(
    lead_leaves(),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(AllOf),
        st.lists(children, max_size=3).map(AnyOf),
        children.map(Not),
    ),
    max_leaves=6,
)
leads = ps.leads(
    location=ps.locations(country=st.sampled_from(COUNTRIES)),
    industry=st.sampled_from([None, *INDUSTRIES]),
    product_lines=st.lists(st.sampled_from(PRODUCT_LINES), unique=True, max_size=3).map(tuple),
)


@given(lead_conditions, leads)
def test_lead_conditions(condition: Condition, lead: object) -> None:
    assert LEAD_SCHEMA.check(condition) is condition
    expected = naive(condition, lead)
    assert condition.evaluate(lead) is expected
    assert explain(condition, lead).verdict is expected
    data = condition_to_dict(condition)
    assert condition_from_dict(data, schema=LEAD_SCHEMA) == condition
    assert condition_to_dict(condition_from_json(json.dumps(data), schema=LEAD_SCHEMA)) == data


def _values_of(leaf: Condition) -> list[Any]:
    if isinstance(leaf, Compare):
        return [leaf.value]
    if isinstance(leaf, Between):
        return [leaf.low, leaf.high]
    if isinstance(leaf, StartsWith):
        return sorted(leaf.prefixes)
    if isinstance(leaf, In | NotIn | Contains):
        return sorted(leaf.values, key=repr)
    return []


@given(leaves(), st.data())
def test_each_leaf_at_its_own_values(leaf: Condition, data: st.DataObject) -> None:
    """Record values equal to (or near) the rule's own values hit every boundary."""
    own = _values_of(leaf)
    near = [v + 1 for v in own if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    near += [v + "0" for v in own if isinstance(v, str)]
    candidates = st.sampled_from(own + near) if own else record_values
    value = data.draw(st.one_of(candidates, candidates.map(lambda v: (v,)), record_values))
    record = {"a": value}
    leaf = attrs.evolve(leaf, field="a")  # type: ignore[misc]
    assert leaf.evaluate(record) is naive(leaf, record)
    assert explain(leaf, record).verdict is naive(leaf, record)
