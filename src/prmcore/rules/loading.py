"""The dict and JSON forms of conditions: a stable, readable shape that round-trips exactly.

::

    {"all": [
        {"field": "location.country", "op": "in", "value": ["AT", "DE"]},
        {"field": "employees", "op": "between", "low": 50, "high": 500, "bounds": "[]"},
        {"not": {"field": "industry", "op": "eq", "value": "gov"}}
    ]}

Loading checks everything and reports every problem with its path (``all[2].not.op``) in one
:class:`~prmcore.errors.ValidationError`; nothing in the data is ever evaluated as code. Importing
this module also teaches :mod:`prmcore.serialization` about conditions, so a domain object with
a :class:`~prmcore.rules.Condition` field round-trips through ``to_dict``/``from_dict`` too.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import cattrs

from prmcore._checks import Checks
from prmcore.errors import ValidationError, join_path
from prmcore.rules._values import check_path, plain, refuse_float, sorted_values
from prmcore.rules.conditions import (
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
    In,
    Leaf,
    Not,
    NotIn,
    StartsWith,
)
from prmcore.rules.explain import Explanation
from prmcore.rules.schema import FieldKind, FieldSpec, Schema
from prmcore.serialization import converter, storage_converter

__all__ = [
    "MAX_DEPTH",
    "OPERATORS",
    "condition_from_dict",
    "condition_from_json",
    "condition_to_dict",
    "condition_to_json",
]

OPERATORS: Final = (
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
"""The operator names of the dict form, in the order the docs list them.

.. versionadded:: 0.1.0
"""

MAX_DEPTH: Final = 64
"""How deeply groups may nest in loaded data (deeper data is refused, not crashed on).

.. versionadded:: 0.1.0
"""

_GROUPS: Final = ("all", "any", "not")
_TYPES: Final = ("decimal", "date", "datetime")
_LEAF_KEYS: Final[dict[str, tuple[str, ...]]] = {
    **dict.fromkeys(("eq", "ne", "lt", "le", "gt", "ge"), ("field", "op", "value", "type")),
    "in": ("field", "op", "value", "type"),
    "not_in": ("field", "op", "value", "type"),
    "between": ("field", "op", "low", "high", "bounds", "type"),
    "starts_with": ("field", "op", "value"),
    "contains": ("field", "op", "value", "mode", "type"),
    "exists": ("field", "op"),
}
_ANY_LEAF_KEY: Final = frozenset(key for keys in _LEAF_KEYS.values() for key in keys)
_DECIMAL_RE: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_INT_RE: Final = re.compile(r"[+-]?\d+\Z")
_MAX_TEXT: Final = 1000


# --- to dict ----------------------------------------------------------------------------------


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    """The dict form of *condition*: JSON-ready (strings, ints, booleans, lists, dicts).

    Sets are written as sorted lists; ``Decimal``, ``date`` and ``datetime`` values are written
    as strings with a ``"type"`` key (``"decimal"``, ``"date"``, ``"datetime"``) so that they
    load back as what they were, with or without a schema. :func:`condition_from_dict` of the
    result equals *condition*, and its ``condition_to_dict`` equals the result.

    Raises:
        TypeError: *condition* is not a prmcore condition.

    Examples:
        >>> from decimal import Decimal
        >>> from prmcore.rules import field
        >>> condition_to_dict(field("revenue").ge(Decimal("1.5E6")))
        {'field': 'revenue', 'op': 'ge', 'value': '1.5E+6', 'type': 'decimal'}

    .. versionadded:: 0.1.0
    """
    if isinstance(condition, AllOf):
        return {"all": [condition_to_dict(part) for part in condition.conditions]}
    if isinstance(condition, AnyOf):
        return {"any": [condition_to_dict(part) for part in condition.conditions]}
    if isinstance(condition, Not):
        return {"not": condition_to_dict(condition.condition)}
    if not isinstance(condition, Leaf):
        raise TypeError(f"not a prmcore.rules condition: {type(condition).__name__}")
    out: dict[str, Any] = {"field": condition.field, "op": condition.operator}
    values: list[Any]
    if isinstance(condition, Compare):
        values = [condition.value]
    elif isinstance(condition, StartsWith):
        values = sorted_values(condition.prefixes)
    elif isinstance(condition, In | NotIn | Contains):
        values = sorted_values(condition.values)
    elif isinstance(condition, Between):
        values = [condition.low, condition.high]
    else:  # Exists
        values = []
    tag = _tag(values)
    dumped = [_dump(value, tag) for value in values]
    if isinstance(condition, Compare):
        out["value"] = dumped[0]
    elif isinstance(condition, Between):
        out["low"], out["high"] = dumped
        out["bounds"] = condition.bounds.value
    elif not isinstance(condition, Exists):
        out["value"] = dumped
        if isinstance(condition, Contains):
            out["mode"] = condition.mode.value
    if tag is not None:
        out["type"] = tag
    return out


def _dump(value: object, tag: str | None) -> Any:
    if isinstance(value, Decimal) or tag == "decimal":
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _tag(values: list[Any]) -> str | None:
    for value in values:
        if isinstance(value, Decimal):
            return "decimal"
        if isinstance(value, dt.datetime):
            return "datetime"
        if isinstance(value, dt.date):
            return "date"
    return None


def condition_to_json(condition: Condition, *, indent: int | None = None) -> str:
    """*condition* as a JSON string (see :func:`condition_to_dict`).

    .. versionadded:: 0.1.0
    """
    return json.dumps(condition_to_dict(condition), indent=indent, ensure_ascii=False)


# --- from dict --------------------------------------------------------------------------------


def condition_from_dict(data: object, *, schema: Schema | None = None) -> Condition:
    """Build a condition from its dict form, checking everything.

    Without a *schema*, field paths, operators and the shape and kinds of values are checked;
    with one, field names, value types, operators per field type and enum values are checked
    too, and strings are read as what the field holds (``"1.5"`` for a decimal field becomes
    ``Decimal("1.5")``, ``"2024-05-01"`` for a date field a ``date``).

    Args:
        data: The dict form (as from ``json.loads``).
        schema: The schema of the records the condition will run on, if known.

    Raises:
        ValidationError: Listing every problem, each with its path (``all[1].any[0].field:
            unknown field 'location.contry' (did you mean 'location.country'?)``).
        TypeError: A value is a Python ``float`` (JSON read with :func:`condition_from_json`
            never gives one).

    Examples:
        >>> rule = condition_from_dict({"field": "country", "op": "in", "value": ["DE", "AT"]})
        >>> rule.evaluate({"country": "DE"})
        True

    .. versionadded:: 0.1.0
    """
    c = Checks()
    result = _Loader(c, schema).load(data, "", 0)
    c.done()
    assert result is not None
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def condition_from_json(text: str | bytes, *, schema: Schema | None = None) -> Condition:
    """Parse JSON and build a condition (see :func:`condition_from_dict`). Numbers with a
    fraction are read as ``Decimal``, never ``float``.

    Raises:
        ValidationError: The text is not JSON, or the condition is invalid (every problem
            listed).

    .. versionadded:: 0.1.0
    """
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValidationError(f"nested too deeply (at most {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise ValidationError(f"not valid JSON: {exc}") from None
    return condition_from_dict(data, schema=schema)


_NOTHING: Final = object()
_FAILED: Final = object()


class _Loader:
    """One load: the problems found so far and the schema to check against."""

    def __init__(self, c: Checks, schema: Schema | None) -> None:
        self.c = c
        self.schema = schema

    def load(self, data: object, path: str, depth: int) -> Condition | None:
        c = self.c
        if not isinstance(data, Mapping):
            c.add(
                path,
                "must be an object: a leaf {'field': ..., 'op': ...} or a group "
                f"{{'all': [...]}}, {{'any': [...]}} or {{'not': {{...}}}}; "
                f"got {type(data).__name__} {_brief(data)}",
            )
            return None
        if depth > MAX_DEPTH:
            c.add(path, f"nested too deeply (at most {MAX_DEPTH} levels)")
            return None
        groups = [key for key in _GROUPS if key in data]
        if not groups:
            return self._leaf(data, path)
        others = sorted(str(key) for key in data if key not in _GROUPS)
        if len(groups) > 1:
            c.add(path, f"has {' and '.join(map(repr, groups))}: one group per object")
            return None
        if others:
            c.add(
                path,
                f"mixes the group {groups[0]!r} with {', '.join(map(repr, others))}: "
                "a group object has exactly one key",
            )
            return None
        name = groups[0]
        where = join_path(path, name)
        if name == "not":
            inner = self.load(data["not"], where, depth + 1)
            return None if inner is None else Not(inner)
        items = data[name]
        if not isinstance(items, list | tuple):
            c.add(where, f"must be a list of conditions, got {type(items).__name__}")
            return None
        children = [self.load(item, f"{where}[{i}]", depth + 1) for i, item in enumerate(items)]
        if any(child is None for child in children):
            return None
        group = AllOf if name == "all" else AnyOf
        return group(tuple(children))

    def _leaf(self, data: Mapping[Any, Any], path: str) -> Leaf | None:
        c = self.c

        def at(key: str) -> str:
            return join_path(path, key)

        ok = True
        field = data.get("field", _NOTHING)
        if field is _NOTHING:
            c.add(at("field"), "required: the dotted path of the field to test")
            ok = False
        elif not check_path(c, at("field"), field):
            ok = False
        op = data.get("op", _NOTHING)
        allowed: tuple[str, ...] | frozenset[str] = _ANY_LEAF_KEY
        if op is _NOTHING:
            c.add(at("op"), "required: one of " + ", ".join(OPERATORS))
            ok = False
        elif not isinstance(op, str) or op not in _LEAF_KEYS:
            c.add(at("op"), _unknown("operator", op, OPERATORS))
            ok = False
        else:
            allowed = _LEAF_KEYS[op]
        for key in data:
            if key not in allowed:
                where = at(str(key))
                if isinstance(op, str) and op in _LEAF_KEYS:
                    c.add(where, f"unknown key for {op!r} (it takes {', '.join(allowed)})")
                else:
                    c.add(where, "unknown key")
                ok = False
        if not isinstance(op, str) or op not in _LEAF_KEYS:
            return None
        spec = None
        if self.schema is not None and isinstance(field, str):
            spec = self.schema.spec(field)
        tag = self._tag(data, at, spec, field)
        if tag is _FAILED:
            return None  # the values cannot be read without knowing their type
        made = _BUILDERS[op](self, data, at, spec, tag)
        if made is _FAILED or not ok:
            return None
        assert isinstance(field, str)
        try:
            leaf: Leaf = made(field)
        except ValidationError as err:
            c.problems.extend(p.prefixed(path) for p in err.problems)
            return None
        if self.schema is not None:
            with c.nested(path) as inner:
                self.schema.check_leaf(leaf, inner)
        return leaf

    def _tag(self, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, field: object) -> Any:
        if "type" not in data:
            return None
        tag = data["type"]
        if tag not in _TYPES:
            self.c.add(at("type"), _unknown("type", tag, _TYPES))
            return _FAILED
        if spec is not None and not _tag_fits(tag, spec.kind):
            self.c.add(
                at("type"),
                f"says {tag} but {field!r} holds {spec.kind.value} values",
            )
            return _FAILED
        return tag

    # --- values -------------------------------------------------------------------------------

    def scalar(self, raw: object, where: str, spec: FieldSpec | None, tag: str | None) -> Any:
        """One value, read as the type tag or the field's kind says."""
        refuse_float(raw)
        if isinstance(raw, str) and len(raw) > _MAX_TEXT:
            self.c.add(where, f"must be at most {_MAX_TEXT} characters, got {len(raw)}")
            return _FAILED
        if tag is not None:
            return self._tagged(raw, where, tag)
        if spec is not None and isinstance(raw, str):
            kind = spec.kind
            if kind in (FieldKind.INT, FieldKind.DECIMAL, FieldKind.FLOAT):
                return self._number(raw, where, integral=kind is FieldKind.INT)
            if kind is FieldKind.DATE:
                return self._date(raw, where)
            if kind is FieldKind.DATETIME:
                return self._datetime(raw, where)
        if isinstance(raw, str | int | Decimal | dt.date):  # bool is an int
            return plain(raw)
        if raw is None:
            self.c.add(
                where,
                "null is not a value: a missing field never matches; to test for one use "
                '{"not": {"field": ..., "op": "exists"}}',
            )
        else:
            self.c.add(
                where,
                f"must be a string, number or boolean, got {type(raw).__name__} {_brief(raw)}",
            )
        return _FAILED

    def _tagged(self, raw: object, where: str, tag: str) -> Any:
        if tag == "decimal":
            if isinstance(raw, str):
                return self._number(raw, where, integral=False)
            if isinstance(raw, Decimal):
                return raw
            if isinstance(raw, int) and not isinstance(raw, bool):
                return Decimal(raw)
            self.c.add(where, f"must be a decimal number as a string, got {_brief(raw)}")
            return _FAILED
        if tag == "date":
            if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
                return raw
            if isinstance(raw, str):
                return self._date(raw, where)
            self.c.add(where, f"must be an ISO date string (YYYY-MM-DD), got {_brief(raw)}")
            return _FAILED
        if isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, str):
            return self._datetime(raw, where)
        self.c.add(where, f"must be an ISO 8601 datetime string, got {_brief(raw)}")
        return _FAILED

    def _number(self, raw: str, where: str, *, integral: bool) -> Any:
        text = raw.strip()
        if integral and _INT_RE.match(text):
            return int(text)
        if _DECIMAL_RE.match(text):
            return Decimal(text)
        self.c.add(where, f"not a number: {raw!r}")
        return _FAILED

    def _date(self, raw: str, where: str) -> Any:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.c.add(where, f"must be an ISO date (YYYY-MM-DD), got {raw!r}")
            return _FAILED

    def _datetime(self, raw: str, where: str) -> Any:
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            self.c.add(where, f"must be an ISO 8601 datetime, got {raw!r}")
            return _FAILED

    def single(
        self, data: Mapping[Any, Any], key: str, at: Any, spec: FieldSpec | None, tag: str | None
    ) -> Any:
        """A required key holding one value."""
        if key not in data:
            self.c.add(at(key), "required")
            return _FAILED
        raw = data[key]
        if isinstance(raw, list | tuple | Mapping):
            self.c.add(at(key), f"must be a single value, got {type(raw).__name__}")
            return _FAILED
        return self.scalar(raw, at(key), spec, tag)

    def many(
        self,
        data: Mapping[Any, Any],
        at: Any,
        spec: FieldSpec | None,
        tag: str | None,
        *,
        one_allowed: bool,
    ) -> Any:
        """The required ``value`` key holding a list (or, where allowed, one value)."""
        if "value" not in data:
            self.c.add(at("value"), "required")
            return _FAILED
        raw = data["value"]
        if not isinstance(raw, list | tuple):
            if one_allowed and not isinstance(raw, Mapping):
                raw = [raw]
            else:
                self.c.add(at("value"), f"must be a list of values, got {type(raw).__name__}")
                return _FAILED
        items = [self.scalar(item, f"{at('value')}[{i}]", spec, tag) for i, item in enumerate(raw)]
        return _FAILED if any(item is _FAILED for item in items) else items

    def choice(self, data: Mapping[Any, Any], key: str, at: Any, allowed: tuple[str, ...]) -> Any:
        """An optional key naming one of *allowed* (``bounds``, ``mode``); absent means the
        first."""
        value = data.get(key, allowed[0])
        if value not in allowed:
            self.c.add(at(key), _unknown(key, value, allowed))
            return _FAILED
        return value


def _build_compare(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    op = CompareOp(data["op"])
    value = loader.single(data, "value", at, spec, tag)
    if value is _FAILED:
        return _FAILED
    return lambda field: Compare(field, op, value)


def _build_in(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    values = loader.many(data, at, spec, tag, one_allowed=False)
    if values is _FAILED:
        return _FAILED
    cls = In if data["op"] == "in" else NotIn
    return lambda field: cls(field, values)


def _build_between(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    low = loader.single(data, "low", at, spec, tag)
    high = loader.single(data, "high", at, spec, tag)
    bounds = loader.choice(data, "bounds", at, tuple(b.value for b in Bounds))
    if _FAILED in (low, high, bounds):
        return _FAILED
    return lambda field: Between(field, low, high, bounds)


def _build_starts_with(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    prefixes = loader.many(data, at, None, None, one_allowed=True)
    if prefixes is _FAILED:
        return _FAILED
    return lambda field: StartsWith(field, prefixes)


def _build_contains(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    values = loader.many(data, at, spec, tag, one_allowed=True)
    mode = loader.choice(data, "mode", at, tuple(m.value for m in ContainsMode))
    if _FAILED in (values, mode):
        return _FAILED
    return lambda field: Contains(field, values, mode)


def _build_exists(
    loader: _Loader, data: Mapping[Any, Any], at: Any, spec: FieldSpec | None, tag: str | None
) -> Any:
    return Exists


_BUILDERS: Final = {
    **{op.value: _build_compare for op in CompareOp},
    "in": _build_in,
    "not_in": _build_in,
    "between": _build_between,
    "starts_with": _build_starts_with,
    "contains": _build_contains,
    "exists": _build_exists,
}


def _tag_fits(tag: str, kind: FieldKind) -> bool:
    if tag == "decimal":
        return kind in (FieldKind.INT, FieldKind.DECIMAL, FieldKind.FLOAT)
    return tag == kind.value


# Spellings people reach for, so the error can say which operator they meant.
_OPERATOR_HINTS: Final = {
    "=": "eq",
    "==": "eq",
    "equals": "eq",
    "is": "eq",
    "!=": "ne",
    "<>": "ne",
    "not_eq": "ne",
    "<": "lt",
    "<=": "le",
    ">": "gt",
    ">=": "ge",
    "one_of": "in",
    "is_in": "in",
    "in_": "in",
    "not in": "not_in",
    "nin": "not_in",
    "range": "between",
    "startswith": "starts_with",
    "prefix": "starts_with",
    "has": "contains",
    "includes": "contains",
    "contains_all": "contains",
    "exist": "exists",
    "is_set": "exists",
}


def _unknown(what: str, value: object, allowed: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(value, allowed, n=1) if isinstance(value, str) else []
    if what == "operator" and isinstance(value, str) and value.lower() in _OPERATOR_HINTS:
        guess = [_OPERATOR_HINTS[value.lower()]]
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    return f"unknown {what} {_brief(value)}{hint}; one of {', '.join(allowed)}"


def _brief(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- prmcore.serialization hooks --------------------------------------------------------------


def _is_condition_type(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Condition)


def _structure(data: object, cls: type[Condition]) -> Condition:
    condition = condition_from_dict(data)
    if not isinstance(condition, cls):
        raise ValidationError(f"must be a {cls.__name__} condition, got {condition}")
    return condition


def _register(conv: cattrs.Converter) -> None:
    conv.register_unstructure_hook_func(_is_condition_type, condition_to_dict)
    conv.register_structure_hook_func(_is_condition_type, _structure)
    conv.register_unstructure_hook(Explanation, Explanation.to_dict)


for _conv in (converter, storage_converter):
    _register(_conv)
