"""Explain a verdict: which parts of a condition held, which failed, and the values seen.

:func:`explain` evaluates *every* part of the condition (no short-circuit), so one explanation
shows everything that would have to change for the verdict to flip. Its verdict is always the
one :meth:`Condition.evaluate` gives: both use the same per-leaf tests.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from prmcore.rules._access import (
    ABSENT,
    COLLECTIONS,
    has_value,
    leaf_test,
    make_resolver,
    normaliser,
)
from prmcore.rules._values import jsonable, show, sorted_values
from prmcore.rules.conditions import (
    AllOf,
    AnyOf,
    Between,
    Compare,
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

__all__ = ["Explanation", "explain"]

_HELD = "✓"
_FAILED = "✗"


@attrs.frozen
class Explanation:
    """The verdict of one node of a condition on one record, with its children's.

    Args:
        condition: The node explained.
        verdict: Whether it held.
        children: The explanations of the nodes inside (for ``all``, ``any`` and ``not``).
        seen: For a leaf, the value read from the record (``None`` when there was none).
        present: For a leaf, whether the field was found on the record at all (``False`` for
            a typo in a path or an attribute the record does not have).
        note: Why, in words: ``"2 of 3 held"``, ``"matched prefix '80'"``,
            ``"not comparable: ..."``, ``"not found on the record"``.

    .. versionadded:: 0.1.0
    """

    condition: Condition
    verdict: bool
    children: tuple[Explanation, ...] = ()
    seen: object = None
    present: bool = True
    note: str = ""

    def leaves(self) -> Iterator[Explanation]:
        """The explanations of the leaves, depth first, in the condition's order."""
        if isinstance(self.condition, Leaf):
            yield self
        for child in self.children:
            yield from child.leaves()

    def render(self, *, indent: str = "  ") -> str:
        """The explanation as indented text, one node per line, ``✓`` for held and ``✗`` for
        failed.

        Examples:
            >>> from prmcore.rules import field
            >>> rule = field("country").is_in({"DE", "AT"}) & ~field("industry").eq("gov")
            >>> print(rule.explain({"country": "FR"}).render())
            ✗ all: 1 of 2 held
              ✗ country in ['AT', 'DE']: seen 'FR'
              ✓ not: the inner condition did not hold
                ✗ industry == 'gov': not found on the record
        """
        lines: list[str] = []
        self._render(lines, "", indent)
        return "\n".join(lines)

    def _render(self, lines: list[str], prefix: str, indent: str) -> None:
        mark = _HELD if self.verdict else _FAILED
        condition = self.condition
        if isinstance(condition, Leaf):
            detail = (
                f"seen {_show_seen(self.seen)}" if self.present and self.seen is not None else ""
            )
            text = "; ".join(part for part in (detail, self.note) if part)
            lines.append(f"{prefix}{mark} {condition}" + (f": {text}" if text else ""))
        else:
            lines.append(f"{prefix}{mark} {_group_name(condition)}: {self.note}")
        for child in self.children:
            child._render(lines, prefix + indent, indent)

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data, shaped like the condition's dict form.

        A leaf is its condition's dict plus ``verdict``, ``seen``, ``present`` and ``note``; a
        group is ``{"all": [...]}``, ``{"any": [...]}`` or ``{"not": {...}}`` (holding the
        children's explanations) plus ``verdict`` and ``note``. Values seen are made
        JSON-ready: decimals and dates as strings, sets as sorted lists.
        """
        from prmcore.rules.loading import condition_to_dict

        condition = self.condition
        if isinstance(condition, Leaf):
            return {
                **condition_to_dict(condition),
                "verdict": self.verdict,
                "seen": jsonable(self.seen),
                "present": self.present,
                "note": self.note,
            }
        children = [child.to_dict() for child in self.children]
        body: dict[str, Any]
        if isinstance(condition, Not):
            body = {"not": children[0]}
        else:
            body = {_group_name(condition): children}
        return {**body, "verdict": self.verdict, "note": self.note}


def _group_name(condition: Condition) -> str:
    if isinstance(condition, AllOf):
        return "all" if condition.conditions else "always"
    if isinstance(condition, AnyOf):
        return "any" if condition.conditions else "never"
    return "not"


def explain(condition: Condition, record: object) -> Explanation:
    """Evaluate *condition* on *record*, part by part, and say why it held or failed.

    Unlike :meth:`Condition.evaluate`, every child of every group is evaluated, so the
    explanation is complete; the top verdict is always the same as ``evaluate``'s.

    Args:
        condition: The condition.
        record: A mapping or any object with attributes.

    Raises:
        TypeError: *condition* is not a prmcore condition.

    Examples:
        >>> from prmcore.rules import field
        >>> result = explain(field("postal_code").starts_with("80", "81"), {"postal_code": "8033"})
        >>> result.verdict, result.note
        (True, "matched prefix '80'")

    .. versionadded:: 0.1.0
    """
    if isinstance(condition, Leaf):
        return _explain_leaf(condition, record)
    if isinstance(condition, AllOf | AnyOf):
        children = tuple(explain(part, record) for part in condition.conditions)
        held = sum(1 for child in children if child.verdict)
        if isinstance(condition, AllOf):
            verdict = held == len(children)
            note = f"{held} of {len(children)} held" if children else "holds (no conditions)"
        else:
            verdict = held > 0
            note = f"{held} of {len(children)} held" if children else "fails (no alternatives)"
        return Explanation(condition, verdict, children, note=note)
    if isinstance(condition, Not):
        inner = explain(condition.condition, record)
        note = "the inner condition held" if inner.verdict else "the inner condition did not hold"
        return Explanation(condition, not inner.verdict, (inner,), note=note)
    raise TypeError(f"not a prmcore.rules condition: {type(condition).__name__}")


def _explain_leaf(leaf: Leaf, record: object) -> Explanation:
    value = make_resolver(leaf.field)(record)
    verdict = leaf_test(leaf)(value)
    present = value is not ABSENT
    seen = value if present else None
    return Explanation(
        leaf, verdict, seen=seen, present=present, note=_leaf_note(leaf, value, verdict)
    )


def _leaf_note(leaf: Leaf, value: object, verdict: bool) -> str:
    if value is ABSENT:
        return "not found on the record"
    if value is None:
        return "no value (None)"
    if not has_value(value):
        return "empty: counts as a missing value"
    if isinstance(leaf, Exists):
        return ""
    if isinstance(leaf, StartsWith):
        if not isinstance(value, str):
            return f"not comparable: the rule tests text, the record has {_type_name(value)}"
        matched = [p for p in leaf.prefixes if value.startswith(p)]
        return f"matched prefix {show(max(matched, key=len))}" if matched else ""
    if isinstance(leaf, Contains):
        return _contains_note(leaf, value, verdict)
    assert isinstance(leaf, Compare | In | NotIn | Between)
    kind = leaf.kind
    if normaliser(kind)(value) is None:
        return (
            f"not comparable: the rule compares {kind.value} values, "
            f"the record has {_type_name(value)}"
        )
    return ""


def _contains_note(leaf: Contains, value: object, verdict: bool) -> str:
    if not isinstance(value, COLLECTIONS):
        return f"not comparable: the rule needs several values, the record has {_type_name(value)}"
    norm = normaliser(leaf.kind)
    found = {x for item in value if (x := norm(item)) is not None} & leaf.values
    if leaf.mode is ContainsMode.ALL and not verdict:
        missing = sorted_values(leaf.values - found)
        return "lacks " + ", ".join(show(v) for v in missing)
    if found:
        return "found " + ", ".join(show(v) for v in sorted_values(found))
    return "found none of them"


def _type_name(value: object) -> str:
    if isinstance(value, COLLECTIONS):
        return f"several values ({type(value).__name__})"
    return f"{type(value).__name__} {_show_seen(value)}"


def _show_seen(value: object, *, limit: int = 80) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str | bool | int | Decimal | dt.date):
        text = show(value)
    elif isinstance(value, COLLECTIONS):
        items = sorted_values(value) if isinstance(value, set | frozenset) else list(value)
        text = "[" + ", ".join(_show_seen(v, limit=limit) for v in items) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
