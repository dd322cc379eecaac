"""The condition tree: frozen attrs classes that are data, not code.

A condition is a tree of *leaves* that test one field of a record (:class:`Compare`,
:class:`In`, :class:`NotIn`, :class:`Between`, :class:`StartsWith`, :class:`Contains`,
:class:`Exists`) and *groups* that combine conditions (:class:`AllOf`, :class:`AnyOf`,
:class:`Not`). Every node validates itself on construction (every problem listed with its
path), is hashable, compares by value and combines with ``&``, ``|`` and ``~``::

    from prmcore.rules import field

    dach_mid_market = field("location.country").is_in({"DE", "AT", "CH"}) & field(
        "employees"
    ).between(50, 500)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.rules._values import (
    Kind,
    Scalar,
    check_path,
    check_values,
    kind_of,
    plain,
    refuse_float,
    show,
    show_values,
    value_problem,
)

if TYPE_CHECKING:
    from prmcore.rules.explain import Explanation

__all__ = [
    "ALWAYS",
    "NEVER",
    "AllOf",
    "AnyOf",
    "Between",
    "Bounds",
    "Compare",
    "CompareOp",
    "Condition",
    "Contains",
    "ContainsMode",
    "Exists",
    "In",
    "Leaf",
    "Not",
    "NotIn",
    "Predicate",
    "StartsWith",
]

Predicate = Callable[[Any], bool]
"""A compiled condition: call it with a record to get its verdict.

.. versionadded:: 0.1.0
"""


class CompareOp(enum.StrEnum):
    """The six comparison operators of :class:`Compare`.

    .. versionadded:: 0.1.0
    """

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"

    @property
    def symbol(self) -> str:
        """The operator as written in Python (``"=="``, ``"<="``, ...)."""
        return _SYMBOLS[self]

    @property
    def ordering(self) -> bool:
        """True for ``lt``, ``le``, ``gt`` and ``ge``, which need an ordered kind of value."""
        return self not in (CompareOp.EQ, CompareOp.NE)


_SYMBOLS: Final = {
    CompareOp.EQ: "==",
    CompareOp.NE: "!=",
    CompareOp.LT: "<",
    CompareOp.LE: "<=",
    CompareOp.GT: ">",
    CompareOp.GE: ">=",
}


class Bounds(enum.StrEnum):
    """Which ends of a :class:`Between` range belong to it, written as in interval notation.

    .. versionadded:: 0.1.0
    """

    CLOSED = "[]"
    """``low <= value <= high`` (the default)."""
    LOW_OPEN = "(]"
    """``low < value <= high``: the tier-schedule convention, where a value equal to the upper
    bound belongs to the lower range."""
    HIGH_OPEN = "[)"
    """``low <= value < high``."""
    OPEN = "()"
    """``low < value < high``."""

    @property
    def low_inclusive(self) -> bool:
        """Whether a value equal to ``low`` is in the range."""
        return self.value[0] == "["

    @property
    def high_inclusive(self) -> bool:
        """Whether a value equal to ``high`` is in the range."""
        return self.value[1] == "]"


class ContainsMode(enum.StrEnum):
    """Whether :class:`Contains` needs any one of its values in the field, or all of them.

    .. versionadded:: 0.1.0
    """

    ANY = "any"
    ALL = "all"


def _to_compare_op(value: object) -> CompareOp:
    result: CompareOp = to_enum(CompareOp, value)
    return result


def _to_bounds(value: object) -> Bounds:
    result: Bounds = to_enum(Bounds, value)
    return result


def _to_mode(value: object) -> ContainsMode:
    result: ContainsMode = to_enum(ContainsMode, value)
    return result


def _to_value(value: object) -> Any:
    refuse_float(value)
    return plain(value)


def _to_values(value: object) -> Any:
    """A set of values from any iterable except a string (``"DE"`` would become
    ``{"D", "E"}``); anything unusable is left for the checks to report."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    items = [_to_value(v) for v in value]
    try:
        return frozenset(items)
    except TypeError:  # an unhashable item: report it, do not crash
        return tuple(items)


def _to_values_or_one(value: object) -> Any:
    """Like ``_to_values``, but a single string is one value."""
    return _to_values((value,) if isinstance(value, str) else value)


class Condition(Validated):
    """Base class of every condition node.

    A condition is data: build it with :func:`~prmcore.rules.field` and ``&``, ``|``, ``~``, or
    load it with :func:`~prmcore.rules.condition_from_dict`; it never runs code from the rule.

    Python's ``and``, ``or`` and ``not`` cannot be overloaded, so using a condition as a truth
    value raises :class:`TypeError` instead of silently picking one side: write ``a & b``,
    ``a | b`` and ``~a``.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_compiled",)

    def __init__(self) -> None:
        raise TypeError(
            f"{type(self).__name__} cannot be built directly: use one of its subclasses "
            "(Compare, In, AllOf, ...) or prmcore.rules.field()"
        )

    def evaluate(self, record: object) -> bool:
        """Whether *record* satisfies this condition.

        The compiled form is built on the first call and kept, so calling this in a loop is
        fast.

        Args:
            record: A mapping or any object with attributes (a :class:`~prmcore.domain.Lead`).

        Examples:
            >>> from prmcore.rules import field
            >>> field("employees").ge(50).evaluate({"employees": 120})
            True
        """
        return self.compile()(record)

    def compile(self) -> Predicate:
        """The condition as a fast function of a record (built once, then cached).

        Examples:
            >>> from prmcore.rules import field
            >>> is_dach = field("country").is_in({"DE", "AT", "CH"}).compile()
            >>> [is_dach({"country": c}) for c in ("AT", "FR")]
            [True, False]
        """
        compiled: Predicate | None = getattr(self, "_compiled", None)
        if compiled is None:
            from prmcore.rules.compiler import compile_condition

            compiled = compile_condition(self)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    def explain(self, record: object) -> Explanation:
        """Evaluate every part of the condition on *record* and say which held, with the
        values seen (see :func:`~prmcore.rules.explain`)."""
        from prmcore.rules.explain import explain

        return explain(self, record)

    def to_dict(self) -> dict[str, Any]:
        """The condition's dict form (see :func:`~prmcore.rules.condition_to_dict`)."""
        from prmcore.rules.loading import condition_to_dict

        return condition_to_dict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        """The condition as JSON (see :func:`~prmcore.rules.condition_to_json`)."""
        from prmcore.rules.loading import condition_to_json

        return condition_to_json(self, indent=indent)

    def fields(self) -> frozenset[str]:
        """The field paths this condition reads (see :func:`~prmcore.rules.fields`)."""
        from prmcore.rules.analysis import fields

        return fields(self)

    def specificity(self) -> int:
        """How narrowly this condition picks records (see :func:`~prmcore.rules.specificity`)."""
        from prmcore.rules.analysis import specificity

        return specificity(self)

    @property
    def children(self) -> tuple[Condition, ...]:
        """The conditions directly inside this one (empty for a leaf)."""
        return ()

    def __and__(self, other: Condition) -> AllOf:
        if not isinstance(other, Condition):
            return NotImplemented
        return AllOf(_flatten(AllOf, (self, other)))

    def __or__(self, other: Condition) -> AnyOf:
        if not isinstance(other, Condition):
            return NotImplemented
        return AnyOf(_flatten(AnyOf, (self, other)))

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "a condition has no truth value: combine conditions with &, | and ~ "
            "(not with and, or, not), and call .evaluate(record) to test one"
        )


def _flatten(group: type[AllOf | AnyOf], parts: tuple[Condition, ...]) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for part in parts:
        if type(part) is group:
            out.extend(part.conditions)
        else:
            out.append(part)
    return tuple(out)


class Leaf(Condition):
    """Base class of conditions that test one field: :attr:`field` is the dotted path they read.

    .. versionadded:: 0.1.0
    """

    __slots__ = ()
    field: str
    _OPERATOR: ClassVar[str] = ""

    @property
    def operator(self) -> str:
        """The operator's name in the dict form (``"eq"``, ``"in"``, ``"between"``, ...)."""
        return self._OPERATOR


@attrs.frozen
class Compare(Leaf):
    """``field <op> value``: ``eq``, ``ne``, ``lt``, ``le``, ``gt`` or ``ge``.

    Values compare by kind: text with text (by code point), numbers with numbers (``int`` and
    ``Decimal`` exactly; a ``float`` in the record is converted exactly, never the other way),
    dates with dates, datetimes with datetimes, booleans with booleans (``eq``/``ne`` only). A
    record value of another kind, or a missing one, makes the comparison false, ``ne`` included.

    Args:
        field: Dotted path of the field (``"employees"``).
        op: A :class:`CompareOp` or its name.
        value: The value to compare with.

    Raises:
        ValidationError: Bad path, unknown operator, unusable value (paths ``field``, ``op``,
            ``value``).
        TypeError: *value* is a float.

    Examples:
        >>> Compare("employees", "ge", 50).evaluate({"employees": 50})
        True

    .. versionadded:: 0.1.0
    """

    field: str
    op: CompareOp = attrs.field(converter=_to_compare_op)
    value: Scalar = attrs.field(converter=_to_value)

    @property
    def operator(self) -> str:
        """The operator's name in the dict form (``"eq"``, ``"ne"``, ``"lt"``, ...)."""
        return self.op.value

    @property
    def kind(self) -> Kind:
        """The kind of :attr:`value`."""
        kind = kind_of(self.value)
        assert kind is not None
        return kind

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        op_ok = c.member("op", self.op, CompareOp)
        problem = value_problem(self.value)
        if problem is not None:
            c.add("value", problem)
        elif op_ok and self.op.ordering and isinstance(self.value, bool):
            c.add("op", f"{self.op.value!r} needs an ordered value, not a bool")

    def __str__(self) -> str:
        return f"{self.field} {self.op.symbol} {show(self.value)}"


def _check_set(
    c: Checks, path: str, values: object, *, one: str = "value", many: str = "values"
) -> Kind | None:
    if isinstance(values, tuple):  # an unhashable item kept it from becoming a set
        check_values(c, path, values, indexed=True)
        return None
    if not isinstance(values, frozenset):
        c.add(
            path,
            f"must be a collection of {many} (a set, list or tuple), "
            f"got {type(values).__name__} {values!r}",
        )
        return None
    if not values:
        c.add(path, f"must hold at least one {one}")
        return None
    return check_values(c, path, values, indexed=False)


@attrs.frozen
class In(Leaf):
    """``field in values``: the field has one of the values.

    Args:
        field: Dotted path of the field.
        values: The allowed values (any iterable but a string; kept as a ``frozenset``), all
            of one kind.

    Raises:
        ValidationError: Bad path; no values; values of mixed kinds or unusable ones.
        TypeError: A value is a float.

    Examples:
        >>> In("country", ["DE", "AT"]).evaluate({"country": "AT"})
        True

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "in"
    field: str
    values: frozenset[Scalar] = attrs.field(converter=_to_values)

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        _check_set(c, "value", self.values)

    @property
    def kind(self) -> Kind:
        """The kind of the values."""
        kind = kind_of(next(iter(self.values)))
        assert kind is not None
        return kind

    def __str__(self) -> str:
        return f"{self.field} in {show_values(self.values)}"


@attrs.frozen
class NotIn(Leaf):
    """``field not in values``: the field has a value, and it is none of these.

    A missing field does **not** satisfy ``NotIn`` (there is no value to be outside the set);
    ``~In(...)`` is the condition that also holds for a missing field.

    Args:
        field: Dotted path of the field.
        values: The excluded values, all of one kind.

    Raises:
        ValidationError: As for :class:`In`.
        TypeError: A value is a float.

    Examples:
        >>> NotIn("industry", ["gov"]).evaluate({"industry": "retail"})
        True
        >>> NotIn("industry", ["gov"]).evaluate({})
        False

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "not_in"
    field: str
    values: frozenset[Scalar] = attrs.field(converter=_to_values)

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        _check_set(c, "value", self.values)

    @property
    def kind(self) -> Kind:
        """The kind of the values."""
        kind = kind_of(next(iter(self.values)))
        assert kind is not None
        return kind

    def __str__(self) -> str:
        return f"{self.field} not in {show_values(self.values)}"


@attrs.frozen
class Between(Leaf):
    """``low <= field <= high``, with each end included or not as :attr:`bounds` says.

    Args:
        field: Dotted path of the field.
        low: Lower end; of the same ordered kind as *high* (numbers, text, dates, datetimes).
        high: Upper end; not below *low*.
        bounds: A :class:`Bounds` or its notation: ``"[]"`` (default), ``"[)"``, ``"(]"``,
            ``"()"``.

    Raises:
        ValidationError: Bad path or bounds; ends of different kinds, booleans, ``high`` below
            ``low``, or an empty range such as ``(5, 5]``.
        TypeError: An end is a float.

    Examples:
        >>> Between("employees", 50, 500, bounds="[)").evaluate({"employees": 500})
        False

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "between"
    field: str
    low: Scalar = attrs.field(converter=_to_value)
    high: Scalar = attrs.field(converter=_to_value)
    bounds: Bounds = attrs.field(default=Bounds.CLOSED, converter=_to_bounds)

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        bounds_ok = c.member("bounds", self.bounds, Bounds)
        ends_ok = True
        for name in ("low", "high"):
            problem = value_problem(getattr(self, name))
            if problem is not None:
                c.add(name, problem)
                ends_ok = False
        if not ends_ok:
            return
        low_kind, high_kind = kind_of(self.low), kind_of(self.high)
        if low_kind is not high_kind:
            c.add(
                "high",
                f"must be of the same kind as low: low is {show(self.low)}, "
                f"high is {show(self.high)}",
            )
        elif low_kind is Kind.BOOL:
            c.add("low", "a range needs ordered values, not booleans")
        elif self.high < self.low:  # type: ignore[operator]
            c.add("high", f"must not be below low ({show(self.low)}), got {show(self.high)}")
        elif bounds_ok and self.low == self.high and self.bounds is not Bounds.CLOSED:
            c.add("bounds", f"the range {self._text()} is empty: use '[]' or eq")

    @property
    def kind(self) -> Kind:
        """The kind of the two ends."""
        kind = kind_of(self.low)
        assert kind is not None
        return kind

    def _text(self) -> str:
        return f"{self.bounds.value[0]}{show(self.low)}, {show(self.high)}{self.bounds.value[1]}"

    def __str__(self) -> str:
        low_op = "<=" if self.bounds.low_inclusive else "<"
        high_op = "<=" if self.bounds.high_inclusive else "<"
        return f"{show(self.low)} {low_op} {self.field} {high_op} {show(self.high)}"


@attrs.frozen
class StartsWith(Leaf):
    """``field`` is text that starts with one of the prefixes: postal-code areas, phone
    prefixes, account-number ranges. Case-sensitive (postal codes are compared as written).

    Args:
        field: Dotted path of a text field.
        prefixes: One or more non-empty prefixes (a single string is one prefix).

    Raises:
        ValidationError: Bad path; no prefixes; a prefix that is not a non-empty string.
        TypeError: A prefix is a float.

    Examples:
        >>> StartsWith("postal_code", ["80", "81"]).evaluate({"postal_code": "80331"})
        True

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "starts_with"
    field: str
    prefixes: frozenset[str] = attrs.field(converter=_to_values_or_one)

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        kind = _check_set(c, "value", self.prefixes, one="prefix", many="prefixes")
        if kind is not None and kind is not Kind.STR:
            c.add("value", f"prefixes must be strings, got {show_values(self.prefixes)}")

    @property
    def shortest(self) -> int:
        """The length of the shortest prefix (how specific the weakest alternative is)."""
        return min(len(p) for p in self.prefixes)

    def __str__(self) -> str:
        if len(self.prefixes) == 1:
            return f"{self.field} starts with {show(next(iter(self.prefixes)))}"
        return f"{self.field} starts with any of {show_values(self.prefixes)}"


@attrs.frozen
class Contains(Leaf):
    """A multi-valued field (a tuple, list or set, such as ``product_lines``) holds any one
    (``mode="any"``, the default) or all (``mode="all"``) of the values.

    Args:
        field: Dotted path of a multi-valued field.
        values: One value (a string is one value) or several, all of one kind.
        mode: A :class:`ContainsMode` or ``"any"``/``"all"``.

    Raises:
        ValidationError: Bad path or mode; no values; mixed or unusable values.
        TypeError: A value is a float.

    Examples:
        >>> rule = Contains("product_lines", ["firewall", "vpn"], mode="all")
        >>> rule.evaluate({"product_lines": ("vpn", "firewall", "backup")})
        True

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "contains"
    field: str
    values: frozenset[Scalar] = attrs.field(converter=_to_values_or_one)
    mode: ContainsMode = attrs.field(default=ContainsMode.ANY, converter=_to_mode)

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)
        _check_set(c, "value", self.values)
        c.member("mode", self.mode, ContainsMode)

    @property
    def kind(self) -> Kind:
        """The kind of the values."""
        kind = kind_of(next(iter(self.values)))
        assert kind is not None
        return kind

    def __str__(self) -> str:
        if len(self.values) == 1 and self.mode is ContainsMode.ANY:
            return f"{self.field} contains {show(next(iter(self.values)))}"
        return f"{self.field} contains {self.mode.value} of {show_values(self.values)}"


@attrs.frozen
class Exists(Leaf):
    """The field has a value: it is present, not ``None``, not an empty string and not an
    empty collection.

    Args:
        field: Dotted path of the field.

    Raises:
        ValidationError: Bad path.

    Examples:
        >>> Exists("domain").evaluate({"domain": None})
        False

    .. versionadded:: 0.1.0
    """

    _OPERATOR: ClassVar[str] = "exists"
    field: str

    def _validate(self, c: Checks) -> None:
        check_path(c, "field", self.field)

    def __str__(self) -> str:
        return f"{self.field} exists"


def _check_children(c: Checks, name: str, conditions: object) -> None:
    c.each(name, conditions, lambda p, v: c.instance(p, v, Condition))


@attrs.frozen
class AllOf(Condition):
    """Every one of the conditions holds (logical *and*). ``AllOf(())`` always holds
    (:data:`ALWAYS`).

    ``a & b`` builds an ``AllOf``, flattening nested ones: ``a & b & c`` is
    ``AllOf((a, b, c))``.

    Args:
        conditions: The conditions (a list is accepted and kept as a tuple, in order).

    Raises:
        ValidationError: An item is not a :class:`Condition` (path ``all[i]``).

    .. versionadded:: 0.1.0
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=to_tuple)

    def _validate(self, c: Checks) -> None:
        _check_children(c, "all", self.conditions)

    @property
    def children(self) -> tuple[Condition, ...]:
        """The conditions, in order."""
        return self.conditions

    def __str__(self) -> str:
        if not self.conditions:
            return "always"
        return " and ".join(_grouped(part) for part in self.conditions)


@attrs.frozen
class AnyOf(Condition):
    """At least one of the conditions holds (logical *or*). ``AnyOf(())`` never holds
    (:data:`NEVER`).

    ``a | b`` builds an ``AnyOf``, flattening nested ones.

    Args:
        conditions: The alternatives (kept as a tuple, in order).

    Raises:
        ValidationError: An item is not a :class:`Condition` (path ``any[i]``).

    .. versionadded:: 0.1.0
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=to_tuple)

    def _validate(self, c: Checks) -> None:
        _check_children(c, "any", self.conditions)

    @property
    def children(self) -> tuple[Condition, ...]:
        """The alternatives, in order."""
        return self.conditions

    def __str__(self) -> str:
        if not self.conditions:
            return "never"
        return " or ".join(_grouped(part) for part in self.conditions)


@attrs.frozen
class Not(Condition):
    """The condition does not hold. Plain two-valued negation: ``Not`` of a leaf whose field
    is missing *holds* (see "Missing values" in the rules guide).

    ``~a`` builds a ``Not``; ``~~a`` is ``a`` again.

    Args:
        condition: The condition to negate.

    Raises:
        ValidationError: *condition* is not a :class:`Condition` (path ``not``).

    .. versionadded:: 0.1.0
    """

    condition: Condition

    def _validate(self, c: Checks) -> None:
        c.instance("not", self.condition, Condition)

    @property
    def children(self) -> tuple[Condition, ...]:
        """The negated condition."""
        return (self.condition,)

    def __invert__(self) -> Condition:
        return self.condition

    def __str__(self) -> str:
        return f"not ({self.condition})"


def _grouped(condition: Condition) -> str:
    text = str(condition)
    if isinstance(condition, AllOf | AnyOf) and len(condition.conditions) > 1:
        return f"({text})"
    return text


ALWAYS: Final[AllOf] = AllOf(())
"""The condition that always holds (an empty :class:`AllOf`): a catch-all territory.

.. versionadded:: 0.1.0
"""

NEVER: Final[AnyOf] = AnyOf(())
"""The condition that never holds (an empty :class:`AnyOf`).

.. versionadded:: 0.1.0
"""
