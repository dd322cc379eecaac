"""Looking inside conditions: walk the tree, list the fields read, score specificity.

The territory index uses these to pick out what it can index (postal-code prefixes, country
sets, numeric ranges) from the conjuncts of a territory's condition, and "most specific
territory wins" uses :func:`specificity`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from prmcore.rules.conditions import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    CompareOp,
    Condition,
    Contains,
    ContainsMode,
    Exists,
    In,
    Leaf,
    StartsWith,
)

__all__ = ["conjuncts", "fields", "specificity", "walk", "walk_with_paths"]


def walk(condition: Condition) -> Iterator[Condition]:
    """Every node of *condition*, depth first, parents before children, in order.

    Examples:
        >>> from prmcore.rules import field
        >>> rule = field("a").eq(1) & ~field("b").exists()
        >>> [type(node).__name__ for node in walk(rule)]
        ['AllOf', 'Compare', 'Not', 'Exists']

    .. versionadded:: 0.1.0
    """
    yield condition
    for child in condition.children:
        yield from walk(child)


def walk_with_paths(condition: Condition, path: str = "") -> Iterator[tuple[str, Condition]]:
    """Like :func:`walk`, with each node's path in the dict form (``all[1].any[0]``, the
    root's is ``""``), as used in error messages.

    .. versionadded:: 0.1.0
    """
    yield path, condition
    if isinstance(condition, AllOf | AnyOf):
        name = "all" if isinstance(condition, AllOf) else "any"
        for index, child in enumerate(condition.conditions):
            yield from walk_with_paths(child, _join(path, f"{name}[{index}]"))
    else:
        for child in condition.children:
            yield from walk_with_paths(child, _join(path, "not"))


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def conjuncts(condition: Condition) -> tuple[Condition, ...]:
    """The conditions that must *all* hold for *condition* to hold: the members of nested
    ``all`` groups, flattened; any other node is its own only conjunct. :data:`ALWAYS` has
    none.

    An index can serve every conjunct it understands (``location.country in {...}``,
    ``location.postal_code starts with ...``) and leave the rest to the compiled condition.

    Examples:
        >>> from prmcore.rules import field
        >>> rule = field("country").eq("DE") & (field("a").eq(1) & field("b").eq(2))
        >>> [str(c) for c in conjuncts(rule)]
        ["country == 'DE'", 'a == 1', 'b == 2']

    .. versionadded:: 0.1.0
    """
    if isinstance(condition, AllOf):
        return tuple(part for child in condition.conditions for part in conjuncts(child))
    return (condition,)


def fields(condition: Condition) -> frozenset[str]:
    """The field paths *condition* reads.

    Examples:
        >>> from prmcore.rules import field
        >>> sorted(fields(field("a").eq(1) | ~field("b.c").exists()))
        ['a', 'b.c']

    .. versionadded:: 0.1.0
    """
    return frozenset(node.field for node in walk(condition) if isinstance(node, Leaf))


EXACT: Final = 100
"""Specificity of an exact value (``eq``, ``in`` with one value)."""


def specificity(condition: Condition) -> int:
    """How narrowly *condition* picks records: higher is more specific. Used to rank
    overlapping territories ("most specific wins").

    | node | score |
    |---|---|
    | `eq` | 100 |
    | `in`, or `contains` any, with n values | `101 - min(n, 51)`: 100 for one value, down to 50 |
    | `contains` all | 100 |
    | `starts_with` | `min(50 + 10 * length of the shortest prefix, 100)` |
    | `between` | 30 |
    | `lt`, `le`, `gt`, `ge` | 20 |
    | `exists` | 10 |
    | `ne`, `not_in`, `not` | 0: exclusions narrow, but never make a rule more specific |
    | `all` | the sum of its parts |
    | `any` | its weakest alternative (0 when empty) |

    So ``country == 'DE' and postal_code starts with '80'`` (170) beats ``country == 'DE'``
    (100), which beats ``country in {'DE', 'AT', 'CH'}`` (98).

    Examples:
        >>> from prmcore.rules import field
        >>> specificity(field("country").eq("DE") & field("postal_code").starts_with("80"))
        170

    .. versionadded:: 0.1.0
    """
    if isinstance(condition, AllOf):
        return sum(specificity(part) for part in condition.conditions)
    if isinstance(condition, AnyOf):
        return min((specificity(part) for part in condition.conditions), default=0)
    if isinstance(condition, Compare):
        if condition.op is CompareOp.EQ:
            return EXACT
        return 0 if condition.op is CompareOp.NE else 20
    if isinstance(condition, In):
        return _set_score(len(condition.values))
    if isinstance(condition, Contains):
        if condition.mode is ContainsMode.ALL:
            return EXACT
        return _set_score(len(condition.values))
    if isinstance(condition, StartsWith):
        return min(50 + 10 * condition.shortest, EXACT)
    if isinstance(condition, Between):
        return 30
    if isinstance(condition, Exists):
        return 10
    return 0  # Not, NotIn


def _set_score(size: int) -> int:
    return EXACT + 1 - min(size, 51)
