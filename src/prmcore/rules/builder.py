"""A small builder API that reads like the rule it builds.

::

    from prmcore.rules import field

    rule = (
        field("location.country").is_in({"DE", "AT"})
        & field("employees").between(50, 500)
        | ~field("industry").eq("gov")
    )

``&`` binds tighter than ``|`` (as in Python), so the rule above is
``(country and employees) or not gov``. Use parentheses when you mean something else.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

import attrs

from prmcore._checks import Checks
from prmcore.rules._values import Scalar, check_path
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

if TYPE_CHECKING:
    from prmcore.rules.schema import Schema

__all__ = ["FieldRef", "all_of", "any_of", "field", "not_"]

L = TypeVar("L", bound=Leaf)


def field(path: str) -> FieldRef:
    """Start a condition on the field at the dotted *path* (``"location.postal_code"``).

    To check field names and value types while building, start from a schema instead:
    ``LEAD_SCHEMA.field("employees")``.

    Raises:
        ValidationError: *path* is not a field path (path ``field``).

    Examples:
        >>> field("employees").between(50, 500)
        Between(field='employees', low=50, high=500, bounds=<Bounds.CLOSED: '[]'>)

    .. versionadded:: 0.1.0
    """
    c = Checks()
    check_path(c, "field", path)
    c.done()
    return FieldRef(path)


@attrs.frozen
class FieldRef:
    """A field to build conditions on; made by :func:`field` or :meth:`Schema.field`.

    Each method returns a leaf condition. With a schema, the leaf is checked against it when
    built (wrong value types, operators that do not apply, unknown enum values).

    Args:
        path: The field's dotted path.
        schema: The schema to check built conditions against, if any.

    .. versionadded:: 0.1.0
    """

    path: str
    schema: Schema | None = attrs.field(default=None, eq=False, repr=False)

    def _checked(self, leaf: L) -> L:
        if self.schema is not None:
            c = Checks()
            self.schema.check_leaf(leaf, c)
            c.done()
        return leaf

    def eq(self, value: Scalar) -> Compare:
        """The field equals *value*.

        Raises:
            ValidationError: *value* is unusable (or, with a schema, does not fit the field).
            TypeError: *value* is a float.
        """
        return self._checked(Compare(self.path, CompareOp.EQ, value))

    def ne(self, value: Scalar) -> Compare:
        """The field has a value and it differs from *value*. A missing field does not
        satisfy ``ne``; ``~field(...).eq(value)`` is the condition that also holds for it."""
        return self._checked(Compare(self.path, CompareOp.NE, value))

    def lt(self, value: Scalar) -> Compare:
        """The field is below *value*."""
        return self._checked(Compare(self.path, CompareOp.LT, value))

    def le(self, value: Scalar) -> Compare:
        """The field is at most *value*."""
        return self._checked(Compare(self.path, CompareOp.LE, value))

    def gt(self, value: Scalar) -> Compare:
        """The field is above *value*."""
        return self._checked(Compare(self.path, CompareOp.GT, value))

    def ge(self, value: Scalar) -> Compare:
        """The field is at least *value*."""
        return self._checked(Compare(self.path, CompareOp.GE, value))

    def is_in(self, values: Iterable[Scalar]) -> In:
        """The field has one of *values* (a set, list or tuple, not a single string).

        Examples:
            >>> field("country").is_in({"DE", "AT"}).evaluate({"country": "DE"})
            True
        """
        return self._checked(In(self.path, values))

    def not_in(self, values: Iterable[Scalar]) -> NotIn:
        """The field has a value and it is none of *values*. A missing field does not
        satisfy ``not_in``; ``~field(...).is_in(values)`` is the condition that also holds for
        it."""
        return self._checked(NotIn(self.path, values))

    def between(
        self, low: Scalar, high: Scalar, *, bounds: Bounds | str = Bounds.CLOSED
    ) -> Between:
        """The field is in the range from *low* to *high*; *bounds* says which ends belong
        to it (``"[]"``, the default, ``"[)"``, ``"(]"`` or ``"()"``)."""
        return self._checked(Between(self.path, low, high, bounds))

    def starts_with(self, *prefixes: str) -> StartsWith:
        """The field is text starting with one of *prefixes* (postal-code areas).

        Examples:
            >>> field("postal_code").starts_with("80", "81").evaluate({"postal_code": "81675"})
            True
        """
        return self._checked(StartsWith(self.path, prefixes))

    def contains(self, *values: Scalar, mode: ContainsMode | str = ContainsMode.ANY) -> Contains:
        """The multi-valued field holds any of *values* (or, with ``mode="all"``, all of
        them)."""
        return self._checked(Contains(self.path, values, mode))

    def contains_all(self, *values: Scalar) -> Contains:
        """The multi-valued field holds every one of *values*."""
        return self.contains(*values, mode=ContainsMode.ALL)

    def exists(self) -> Exists:
        """The field has a value (present, not ``None``, not empty)."""
        return self._checked(Exists(self.path))

    def missing(self) -> Not:
        """The field has no value: ``~exists()``."""
        return Not(self.exists())


def all_of(*conditions: Condition) -> AllOf:
    """Every one of *conditions* holds; ``all_of()`` always holds.

    Unlike ``&``, nested groups are kept as they are.

    .. versionadded:: 0.1.0
    """
    return AllOf(conditions)


def any_of(*conditions: Condition) -> AnyOf:
    """At least one of *conditions* holds; ``any_of()`` never holds.

    .. versionadded:: 0.1.0
    """
    return AnyOf(conditions)


def not_(condition: Condition) -> Not:
    """*condition* does not hold (always a :class:`Not`, unlike ``~``, which unwraps
    ``~~a`` to ``a``).

    .. versionadded:: 0.1.0
    """
    return Not(condition)
