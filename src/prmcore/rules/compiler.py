"""Compile a condition into a fast function of a record.

Compiling walks the tree once and builds nested closures: one resolver per field path, set
membership for ``in``, ``str.startswith`` with a tuple for prefixes, and short-circuiting
``and``/``or`` for groups. The result is a plain function; nothing from the rule is ever
evaluated as code.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.rules._access import leaf_test, make_resolver
from prmcore.rules.conditions import AllOf, AnyOf, Condition, Leaf, Not, Predicate

__all__ = ["compile_condition", "evaluate"]


def compile_condition(condition: Condition) -> Predicate:
    """Build a fast predicate for *condition*.

    Every call builds new closures; :meth:`Condition.compile` builds them once per condition
    and keeps them, which is what you want in a loop.

    Args:
        condition: The condition to compile.

    Returns:
        A function taking a record (a mapping or any object with attributes) and returning
        ``True`` or ``False``.

    Raises:
        TypeError: *condition* is not a prmcore condition.

    Examples:
        >>> from prmcore.rules import field
        >>> big_de = compile_condition(field("country").eq("DE") & field("employees").gt(1000))
        >>> big_de({"country": "DE", "employees": 5000}), big_de({"country": "DE"})
        (True, False)

    .. versionadded:: 0.1.0
    """
    if isinstance(condition, Leaf):
        resolve = make_resolver(condition.field)
        test = leaf_test(condition)
        return lambda record: test(resolve(record))
    if isinstance(condition, AllOf):
        return _all([compile_condition(part) for part in condition.conditions])
    if isinstance(condition, AnyOf):
        return _any([compile_condition(part) for part in condition.conditions])
    if isinstance(condition, Not):
        inner = compile_condition(condition.condition)
        return lambda record: not inner(record)
    raise TypeError(f"not a prmcore.rules condition: {type(condition).__name__}")


def _all(parts: list[Predicate]) -> Predicate:
    if not parts:
        return lambda record: True
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda record: first(record) and second(record)
    predicates = tuple(parts)

    def all_hold(record: object) -> bool:
        for predicate in predicates:  # noqa: SIM110 - a plain loop is faster than all()
            if not predicate(record):
                return False
        return True

    return all_hold


def _any(parts: list[Predicate]) -> Predicate:
    if not parts:
        return lambda record: False
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda record: first(record) or second(record)
    predicates = tuple(parts)

    def any_holds(record: object) -> bool:
        for predicate in predicates:  # noqa: SIM110 - a plain loop is faster than any()
            if predicate(record):
                return True
        return False

    return any_holds


def evaluate(condition: Condition, record: object) -> bool:
    """Whether *record* satisfies *condition* (compiling it once and caching the result on
    the condition).

    Args:
        condition: The condition.
        record: A mapping or any object with attributes.

    Examples:
        >>> from prmcore.rules import field
        >>> evaluate(field("location.country").eq("DE"), {"location": {"country": "DE"}})
        True

    .. versionadded:: 0.1.0
    """
    return condition.evaluate(record)
