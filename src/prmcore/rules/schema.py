"""Schemas: which fields a kind of record has, and what type each holds.

A :class:`Schema` maps field paths (``location.country``) to a :class:`FieldSpec`. Checking a
condition against a schema catches what evaluation cannot: a misspelt field (which would
otherwise be silently missing on every record), a value of the wrong type (``"50"`` for a
number, which would never match), an operator that cannot apply (``contains`` on a single
value, ``lt`` on a boolean), an enum value that does not exist, a country code that is not
ISO 3166-1. :data:`LEAD_SCHEMA` describes :class:`~prmcore.domain.Lead`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import enum
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from prmcore._checks import Checks, Validated, is_country_code
from prmcore.domain.lead import Lead
from prmcore.errors import ValidationError
from prmcore.rules._values import Kind, check_path, kind_of, show, sorted_values
from prmcore.rules.conditions import (
    Between,
    Compare,
    Condition,
    Contains,
    Exists,
    In,
    Leaf,
    NotIn,
    StartsWith,
)

if TYPE_CHECKING:
    from prmcore.rules.builder import FieldRef

__all__ = ["LEAD_SCHEMA", "FieldKind", "FieldSpec", "Schema"]


class FieldKind(enum.StrEnum):
    """The type of value a field holds.

    .. versionadded:: 0.1.0
    """

    STR = "str"
    """Text."""
    COUNTRY = "country"
    """Text holding an ISO 3166-1 alpha-2 country code; rule values must be valid codes."""
    INT = "int"
    """A whole number."""
    DECIMAL = "decimal"
    """An exact decimal number."""
    FLOAT = "float"
    """A measurement such as a coordinate; rules still compare it exactly with ints and
    Decimals."""
    BOOL = "bool"
    """``True`` or ``False``."""
    DATE = "date"
    """A calendar day."""
    DATETIME = "datetime"
    """A timezone-aware moment."""

    @property
    def value_kind(self) -> Kind:
        """The kind of rule value that compares with this field."""
        return _VALUE_KINDS[self]


_VALUE_KINDS: Final = {
    FieldKind.STR: Kind.STR,
    FieldKind.COUNTRY: Kind.STR,
    FieldKind.INT: Kind.NUMBER,
    FieldKind.DECIMAL: Kind.NUMBER,
    FieldKind.FLOAT: Kind.NUMBER,
    FieldKind.BOOL: Kind.BOOL,
    FieldKind.DATE: Kind.DATE,
    FieldKind.DATETIME: Kind.DATETIME,
}


def _to_kind(value: object) -> FieldKind:
    if isinstance(value, FieldKind) or not isinstance(value, str):
        return value  # type: ignore[return-value]  # a non-kind is reported by the checks
    try:
        return FieldKind(value)
    except ValueError:
        return value  # type: ignore[return-value]


def _to_choices(value: object) -> frozenset[str] | None:
    if value is None or isinstance(value, str) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return frozenset(value)


@attrs.frozen
class FieldSpec(Validated):
    """What one field holds.

    Args:
        kind: A :class:`FieldKind` or its name (``"int"``).
        multi: True for a field holding several values (a tuple or set, such as
            ``product_lines``): conditions use ``contains`` on it.
        choices: For text fields, the only values that exist (an enum's values); rule values
            outside them are errors.

    Raises:
        ValidationError: Unknown kind; *choices* on a field that is not text.

    Examples:
        >>> FieldSpec("str", multi=True)
        FieldSpec(kind=<FieldKind.STR: 'str'>, multi=True, choices=None)

    .. versionadded:: 0.1.0
    """

    kind: FieldKind = attrs.field(converter=_to_kind)
    multi: bool = False
    choices: frozenset[str] | None = attrs.field(default=None, converter=_to_choices)

    def _validate(self, c: Checks) -> None:
        kind_ok = c.member("kind", self.kind, FieldKind)
        c.instance("multi", self.multi, bool)
        if self.choices is not None and c.instance("choices", self.choices, frozenset) and kind_ok:
            c.require(self.kind is FieldKind.STR, "choices", "choices are only for text fields")
            c.require(bool(self.choices), "choices", "must hold at least one value")
            c.require(
                all(isinstance(v, str) and v for v in self.choices),
                "choices",
                "must all be non-empty strings",
            )

    def __str__(self) -> str:
        return f"set[{self.kind.value}]" if self.multi else self.kind.value

    @classmethod
    def parse(cls, text: str) -> FieldSpec:
        """Read the short form: a kind name (``"int"``) or ``"set[<kind>]"`` for a
        multi-valued field.

        Raises:
            ValidationError: Not a known kind.
        """
        if text.startswith("set[") and text.endswith("]"):
            return cls(text[4:-1], multi=True)
        return cls(text)


def _to_fields(value: object) -> Mapping[str, FieldSpec]:
    if not isinstance(value, Mapping):
        return value  # type: ignore[return-value]
    out: dict[str, Any] = {}
    for path, spec in value.items():
        if isinstance(spec, str) and not isinstance(spec, FieldKind):
            with contextlib.suppress(ValidationError):  # the schema's checks report it
                spec = FieldSpec.parse(spec)
        elif isinstance(spec, FieldKind):
            spec = FieldSpec(spec)
        out[path] = spec
    return MappingProxyType(dict(sorted(out.items(), key=lambda item: str(item[0]))))


@attrs.frozen(eq=False)
class Schema(Validated):
    """The fields of one kind of record, by dotted path, and what each holds.

    Args:
        fields: Field path to :class:`FieldSpec`, a :class:`FieldKind`, or the short form
            ``"int"`` / ``"set[str]"``.

    Raises:
        ValidationError: A path that is not a field path, or a spec that is not a spec.

    Examples:
        >>> from prmcore.rules import field
        >>> schema = Schema({"country": "country", "employees": "int", "tags": "set[str]"})
        >>> schema.problems(field("employees").gt(10) & field("tags").contains("vip"))
        []
        >>> schema.problems(field("tags").eq("vip"))
        ["op: eq needs a single-valued field; 'tags' holds several str values: use contains"]

    .. versionadded:: 0.1.0
    """

    fields: Mapping[str, FieldSpec] = attrs.field(converter=_to_fields)

    def _validate(self, c: Checks) -> None:
        if not c.instance("fields", self.fields, Mapping):
            return
        for path, spec in self.fields.items():
            if not check_path(c, "fields", path):
                continue
            where = f"fields[{path!r}]"
            if isinstance(spec, str):
                kinds = ", ".join(k.value for k in FieldKind)
                c.add(where, f"unknown field kind {spec!r}; one of {kinds}, or set[<kind>]")
            else:
                c.instance(where, spec, FieldSpec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schema):
            return NotImplemented
        return dict(self.fields) == dict(other.fields)

    __hash__ = None  # type: ignore[assignment]

    def __contains__(self, path: object) -> bool:
        return path in self.fields

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def spec(self, path: str) -> FieldSpec | None:
        """The spec of *path*, or ``None`` when the schema does not know it."""
        return self.fields.get(path)

    def suggest(self, path: str) -> str | None:
        """The known path closest to a misspelt *path* (``location.contry`` →
        ``location.country``), or ``None`` when none is close."""
        matches = difflib.get_close_matches(path, list(self.fields), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def unknown_field_message(self, path: str) -> str:
        """The message for a path the schema does not know, with a suggestion when one is
        close."""
        guess = self.suggest(path)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        return f"unknown field {path!r}{hint}"

    def with_fields(self, fields: Mapping[str, FieldSpec | FieldKind | str]) -> Schema:
        """A copy with *fields* added (or replacing the specs of paths already known).

        Examples:
            >>> LEAD_SCHEMA.with_fields({"score": "int"}).spec("score")
            FieldSpec(kind=<FieldKind.INT: 'int'>, multi=False, choices=None)
        """
        return Schema({**self.fields, **fields})

    def without(self, *paths: str) -> Schema:
        """A copy without *paths* (and without any field under them: ``without("location")``
        drops ``location.country`` too)."""
        return Schema(
            {
                path: spec
                for path, spec in self.fields.items()
                if not any(path == p or path.startswith(p + ".") for p in paths)
            }
        )

    def prefixed(self, prefix: str) -> Schema:
        """A copy with every path under *prefix*: for records that hold several objects, such
        as ``{"lead": ..., "partner": ...}``."""
        return Schema({f"{prefix}.{path}": spec for path, spec in self.fields.items()})

    def field(self, path: str) -> FieldRef:
        """Start building a condition on *path*, checked against this schema: an unknown path
        fails at once, and every condition built from it is checked when built.

        Raises:
            ValidationError: *path* is not in the schema (with a suggestion when one is close).

        Examples:
            >>> LEAD_SCHEMA.field("location.contry")
            Traceback (most recent call last):
            ...
            prmcore.errors.ValidationError: 1 problem: field: unknown field 'location.contry' (did you mean 'location.country'?)
        """  # noqa: E501
        from prmcore.rules.builder import FieldRef

        if path not in self.fields:
            c = Checks()
            if check_path(c, "field", path):
                c.add("field", self.unknown_field_message(path))
            c.done()
        return FieldRef(path, self)

    def check(self, condition: Condition) -> Condition:
        """Check *condition* against this schema and return it unchanged.

        Raises:
            ValidationError: Every problem, each with its path in the condition's dict form
                (``all[1].any[0].field: unknown field 'location.contry' (did you mean
                'location.country'?)``).
        """
        c = Checks()
        self._check(condition, c, "")
        c.done()
        return condition

    def problems(self, condition: Condition) -> list[str]:
        """Every problem :meth:`check` would report, as ``path: message`` strings (empty when
        the condition fits the schema)."""
        c = Checks()
        self._check(condition, c, "")
        return [str(p) for p in c.problems]

    def _check(self, condition: Condition, c: Checks, path: str) -> None:
        from prmcore.rules.conditions import AllOf, AnyOf

        if isinstance(condition, Leaf):
            with c.nested(path) as inner:
                self.check_leaf(condition, inner)
        elif isinstance(condition, AllOf | AnyOf):
            name = "all" if isinstance(condition, AllOf) else "any"
            for index, part in enumerate(condition.conditions):
                self._check(part, c, _join(path, f"{name}[{index}]"))
        else:  # Not
            for child in condition.children:
                self._check(child, c, _join(path, "not"))

    def check_leaf(self, leaf: Leaf, c: Checks) -> None:
        """Add the problems of one leaf to *c*, at paths relative to the leaf (``field``,
        ``op``, ``value``, ``low``, ``high``)."""
        spec = self.fields.get(leaf.field)
        if spec is None:
            c.add("field", self.unknown_field_message(leaf.field))
            return
        if isinstance(leaf, Exists):
            return
        described = f"{leaf.field!r} holds {_describe(spec)}"
        if isinstance(leaf, Contains):
            if not spec.multi:
                c.add("op", f"contains needs a multi-valued field; {described}: use eq or in")
                return
        elif spec.multi:
            c.add("op", f"{leaf.operator} needs a single-valued field; {described}: use contains")
            return
        if isinstance(leaf, StartsWith):
            c.require(
                spec.kind in (FieldKind.STR, FieldKind.COUNTRY),
                "op",
                f"starts_with needs a text field; {described}",
            )
            return
        ordering = isinstance(leaf, Between) or (isinstance(leaf, Compare) and leaf.op.ordering)
        if ordering and spec.kind is FieldKind.BOOL:
            c.add("op", f"{leaf.operator} needs an ordered field; {described}: use eq or ne")
            return
        for where, values in _leaf_values(leaf):
            self._check_values(c, where, values, spec, described, choices=not ordering)

    def _check_values(
        self,
        c: Checks,
        where: str,
        values: Iterable[object],
        spec: FieldSpec,
        described: str,
        *,
        choices: bool,
    ) -> None:
        wanted = spec.kind.value_kind
        for value in sorted_values(values):
            if kind_of(value) is not wanted:
                c.add(where, f"{show(value)} does not fit: {described}")
            elif choices and spec.choices is not None and value not in spec.choices:
                c.add(where, _choice_message(value, spec.choices))
            elif choices and spec.kind is FieldKind.COUNTRY and not is_country_code(value):
                c.add(where, _country_message(value))

    @classmethod
    def from_attrs(
        cls, record_type: type, *, prefix: str = "", exclude: Iterable[str] = ()
    ) -> Schema:
        """The schema of an attrs class, read from its field types, nested attrs classes
        included (``location.country``).

        Type mapping: ``str`` and ``NewType`` s of it are text; a ``StrEnum`` is text with its
        values as choices; ``int``, ``Decimal``, ``float``, ``bool``, ``date`` and ``datetime``
        are themselves; ``X | None`` is ``X``; ``tuple[X, ...]``, ``list[X]``, ``set[X]`` and
        ``frozenset[X]`` are multi-valued; a nested attrs class adds its fields under the
        field's name. Fields of any other type are left out.

        Args:
            record_type: An attrs class such as :class:`~prmcore.domain.Lead`.
            prefix: Put every path under this one.
            exclude: Paths to leave out (a path leaves out everything under it too).

        Raises:
            TypeError: *record_type* is not an attrs class, or its field types cannot be
                resolved.
        """
        if not (isinstance(record_type, type) and attrs.has(record_type)):
            raise TypeError(f"not an attrs class: {record_type!r}")
        found: dict[str, FieldSpec] = {}
        _collect(record_type, prefix, found, depth=0, seen=())
        schema = cls(found)
        excluded = [_join(prefix, path) if prefix else path for path in exclude]
        return schema.without(*excluded) if excluded else schema


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _describe(spec: FieldSpec) -> str:
    if spec.multi:
        return f"several {spec.kind.value} values"
    article = "an" if spec.kind.value[0] in "aeiou" else "a"
    return f"{article} {spec.kind.value}"


def _leaf_values(leaf: Leaf) -> list[tuple[str, Iterable[object]]]:
    if isinstance(leaf, Compare):
        return [("value", (leaf.value,))]
    if isinstance(leaf, Between):
        return [("low", (leaf.low,)), ("high", (leaf.high,))]
    if isinstance(leaf, In | NotIn | Contains):
        return [("value", leaf.values)]
    return []  # pragma: no cover - StartsWith and Exists are handled before


def _choice_message(value: object, choices: frozenset[str]) -> str:
    options = sorted(choices)
    guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    listed = ", ".join(repr(o) for o in options) if len(options) <= 12 else None
    tail = f"; one of {listed}" if listed else ""
    return f"{show(value)} is not an allowed value{hint}{tail}"


_COUNTRY_HINTS: Final = {"UK": "GB", "EL": "GR"}


def _country_message(value: object) -> str:
    text = str(value)
    guess = _COUNTRY_HINTS.get(text.upper())
    if guess is None and is_country_code(text.upper()):
        guess = text.upper()
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return f"{show(value)} is not an ISO 3166-1 alpha-2 country code{hint}"


_SCALARS: Final[dict[object, FieldKind]] = {
    str: FieldKind.STR,
    int: FieldKind.INT,
    Decimal: FieldKind.DECIMAL,
    float: FieldKind.FLOAT,
    bool: FieldKind.BOOL,
    dt.date: FieldKind.DATE,
    dt.datetime: FieldKind.DATETIME,
}
_MULTI_ORIGINS: Final = (tuple, list, set, frozenset)
_MAX_DEPTH: Final = 6


def _collect(
    record_type: type,
    prefix: str,
    found: dict[str, FieldSpec],
    *,
    depth: int,
    seen: tuple[type, ...],
) -> None:
    try:
        hints = typing.get_type_hints(record_type)
    except NameError as exc:
        raise TypeError(
            f"cannot read the field types of {record_type.__qualname__}: {exc} "
            "(classes defined inside a function cannot be resolved; define it at module level)"
        ) from None
    for attribute in attrs.fields(record_type):
        path = _join(prefix, attribute.name)
        hint = hints.get(attribute.name, attribute.type)
        _collect_one(hint, path, found, depth=depth, seen=(*seen, record_type))


def _collect_one(
    hint: Any, path: str, found: dict[str, FieldSpec], *, depth: int, seen: tuple[type, ...]
) -> None:
    hint = _unwrap_optional(hint)
    origin = typing.get_origin(hint)
    if origin in _MULTI_ORIGINS:
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        if len(args) == 1:
            spec = _scalar_spec(_unwrap_optional(args[0]))
            if spec is not None:
                found[path] = FieldSpec(spec.kind, multi=True, choices=spec.choices)
        return
    spec = _scalar_spec(hint)
    if spec is not None:
        found[path] = spec
    elif isinstance(hint, type) and attrs.has(hint) and hint not in seen and depth < _MAX_DEPTH:
        _collect(hint, path, found, depth=depth + 1, seen=seen)


def _unwrap_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _scalar_spec(hint: Any) -> FieldSpec | None:
    while hasattr(hint, "__supertype__"):  # NewType
        hint = hint.__supertype__
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        values = [member.value for member in hint]
        if values and all(isinstance(v, str) for v in values):
            return FieldSpec(FieldKind.STR, choices=frozenset(values))
        return None
    kind = _SCALARS.get(hint)
    return FieldSpec(kind) if kind is not None else None


LEAD_SCHEMA: Final[Schema] = Schema.from_attrs(Lead, exclude=("contact", "version")).with_fields(
    {"location.country": FieldSpec(FieldKind.COUNTRY)}
)
"""The schema of :class:`~prmcore.domain.Lead`: ``id``, ``company_name``,
``location.country`` (an ISO country code), ``location.region``, ``location.postal_code``,
``location.city``, ``location.latitude``, ``location.longitude``, ``received_at``,
``account_id``, ``domain``, ``industry``, ``employees``, ``product_lines`` (several values) and
``source``.

The contact (personal data) and the repository's ``version`` are left out; add them with
:meth:`Schema.with_fields` if your rules really need them.

.. versionadded:: 0.1.0
"""
