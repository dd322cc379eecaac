"""Reading a field of a record, and the per-leaf tests shared by the compiler and explain.

Both :func:`~prmcore.rules.compile_condition` and :func:`~prmcore.rules.explain` use the tests
built here, so an explanation's verdict is, by construction, the compiled verdict.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from prmcore.rules._values import Kind
from prmcore.rules.conditions import (
    Between,
    Bounds,
    Compare,
    CompareOp,
    Contains,
    ContainsMode,
    Exists,
    In,
    Leaf,
    NotIn,
    StartsWith,
)

__all__ = ["ABSENT", "COLLECTIONS", "has_value", "leaf_test", "make_resolver", "normaliser"]


class _Absent:
    """The marker for a field path that does not resolve on a record."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Final = _Absent()
"""What a resolver returns when the record has no such field (as opposed to ``None``)."""

COLLECTIONS: Final = (tuple, list, set, frozenset)
"""The record values that count as multi-valued (for ``contains``)."""

_EMPTIABLE: Final = (str, tuple, list, set, frozenset, dict)

Resolver = Callable[[object], object]
Test = Callable[[object], bool]


# Whether values of a type are read by key (mappings) or by attribute. Caching per type makes
# the walk about twice as fast as an ABC isinstance check per step; it never changes a result.
_IS_MAPPING: dict[type, bool] = {dict: True}


def _is_mapping(kind: type) -> bool:
    known = _IS_MAPPING.get(kind)
    if known is None:
        known = _IS_MAPPING[kind] = issubclass(kind, Mapping)
    return known


def make_resolver(path: str) -> Resolver:
    """A function reading the dotted *path* from a record.

    Each step reads a key from a mapping or an attribute from any other object. A step that
    finds nothing, or a callable (a method: rules read data, they never call code), ends the
    walk with :data:`ABSENT`, and so does a step from ``None``; ``None`` found by the last
    step is returned as it is.
    """
    names: Final = tuple(path.split("."))
    by_attribute = operator.attrgetter(path)

    def resolve(record: object) -> object:
        # Fast path for objects (a Lead): one C-level attribute chain. Whenever it cannot give
        # the exact answer (a mapping, a missing attribute or None on the way, a method), the
        # step-by-step walk below decides.
        if not _is_mapping(type(record)):
            try:
                found = by_attribute(record)
            except AttributeError:
                pass
            else:
                if not callable(found):
                    return found
        value: Any = record
        for name in names:
            if _is_mapping(type(value)):
                value = value.get(name, ABSENT)
            elif value is None:
                return ABSENT
            else:
                value = getattr(value, name, ABSENT)
            if value is ABSENT or callable(value):
                return ABSENT
        return value

    return resolve


def has_value(value: object) -> bool:
    """The ``exists`` test: not absent, not ``None``, not an empty string or collection."""
    if value is None or value is ABSENT:
        return False
    return not (isinstance(value, _EMPTIABLE) and not value)


def _text(value: object) -> str | None:
    # An empty string is a missing value (a blank form field), never a match.
    return value if isinstance(value, str) and value else None


def _number(value: object) -> int | Decimal | None:
    if type(value) is int:
        return value
    if type(value) is Decimal:
        return None if value.is_nan() else value
    if type(value) is float:
        # Converted exactly (Decimal(0.1) is the float's true value), never rounded, and never
        # the other way round: a rule's Decimal is not squeezed into a float.
        return None if value != value else Decimal(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):  # IntEnum and other int subclasses
        return int(value)
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    return None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return None


def _datetime(value: object) -> dt.datetime | None:
    # A naive datetime cannot be ordered against an aware one; it is not comparable.
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value
    return None


_NORMALISERS: Final[dict[Kind, Callable[[object], Any]]] = {
    Kind.STR: _text,
    Kind.NUMBER: _number,
    Kind.BOOL: _bool,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
}


def normaliser(kind: Kind) -> Callable[[object], Any]:
    """The function turning a record value into a value comparable with rule values of
    *kind*, or ``None`` when it is missing or of another kind."""
    return _NORMALISERS[kind]


_COMPARE: Final[dict[CompareOp, Callable[[Any, Any], bool]]] = {
    CompareOp.EQ: operator.eq,
    CompareOp.NE: operator.ne,
    CompareOp.LT: operator.lt,
    CompareOp.LE: operator.le,
    CompareOp.GT: operator.gt,
    CompareOp.GE: operator.ge,
}


def leaf_test(leaf: Leaf) -> Test:
    """The test of one leaf, applied to the value already read from the record."""
    if isinstance(leaf, Compare):
        return _compare_test(leaf)
    if isinstance(leaf, In | NotIn):
        return _membership_test(leaf)
    if isinstance(leaf, Between):
        return _between_test(leaf)
    if isinstance(leaf, StartsWith):
        prefixes = tuple(sorted(leaf.prefixes, key=len, reverse=True))
        return lambda v: isinstance(v, str) and v.startswith(prefixes)
    if isinstance(leaf, Contains):
        return _contains_test(leaf)
    if isinstance(leaf, Exists):
        return has_value
    raise TypeError(f"not a prmcore.rules condition: {type(leaf).__name__}")


def _compare_test(leaf: Compare) -> Test:
    norm = _NORMALISERS[leaf.kind]
    compare = _COMPARE[leaf.op]
    value = leaf.value

    def test(v: object) -> bool:
        x = norm(v)
        return x is not None and compare(x, value)

    return test


def _membership_test(leaf: In | NotIn) -> Test:
    norm = _NORMALISERS[leaf.kind]
    values = leaf.values
    if isinstance(leaf, In):

        def is_in(v: object) -> bool:
            x = norm(v)
            return x is not None and x in values

        return is_in

    def not_in(v: object) -> bool:
        x = norm(v)
        return x is not None and x not in values

    return not_in


def _between_test(leaf: Between) -> Test:
    norm = _NORMALISERS[leaf.kind]
    low: Any = leaf.low
    high: Any = leaf.high
    bounds = leaf.bounds
    if bounds is Bounds.CLOSED:
        return lambda v: (x := norm(v)) is not None and low <= x <= high
    if bounds is Bounds.HIGH_OPEN:
        return lambda v: (x := norm(v)) is not None and low <= x < high
    if bounds is Bounds.LOW_OPEN:
        return lambda v: (x := norm(v)) is not None and low < x <= high
    return lambda v: (x := norm(v)) is not None and low < x < high


def _contains_test(leaf: Contains) -> Test:
    norm = _NORMALISERS[leaf.kind]
    values = leaf.values
    if leaf.mode is ContainsMode.ANY:

        def contains_any(v: object) -> bool:
            if not isinstance(v, COLLECTIONS):
                return False
            for item in v:
                x = norm(item)
                if x is not None and x in values:
                    return True
            return False

        return contains_any

    def contains_all(v: object) -> bool:
        if not isinstance(v, COLLECTIONS):
            return False
        found = {x for item in v if (x := norm(item)) is not None}
        return values <= found

    return contains_all
