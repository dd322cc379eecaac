"""Dict and JSON round trips for every prmcore domain object, through one cattrs converter.

The wire format is plain JSON: ``Decimal`` as a string (never a float, so no precision is lost),
dates and datetimes as ISO 8601 strings, enums by value, tuples and sets as lists, attrs classes
as objects keyed by field name. Loading validates fully and fails with one
:class:`~prmcore.errors.ValidationError` that lists every problem with its path
(``locations[0].country``); unknown keys are problems too, so a typo never passes silently.

Examples:
    >>> from prmcore import Money
    >>> to_dict(Money("12.30", "EUR"))
    {'amount': '12.30', 'currency': 'EUR'}
    >>> from_dict(Money, {"amount": "12.30", "currency": "EUR"})
    Money('12.30', 'EUR')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, list_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from prmcore._checks import Checks, Validated
from prmcore.errors import PrmError, Problem, ValidationError, join_path

__all__ = [
    "converter",
    "from_dict",
    "from_json",
    "storage_converter",
    "to_dict",
    "to_json",
]

T = TypeVar("T")


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted for an exact amount: pass a str or Decimal"
        )
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(
            f"must be a decimal number as a string, got {type(value).__name__} {value!r}"
        )
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"not a decimal number: {value!r}") from None
    if not result.is_finite():
        raise ValidationError(f"must be finite, got {value!r}")
    return result


def _structure_date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, str | dt.date):
        raise ValidationError(f"must be an ISO date string (YYYY-MM-DD), got {value!r}")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def _structure_datetime(value: object, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError(f"must be an ISO 8601 datetime string, got {value!r}")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"must be an ISO 8601 datetime, got {value!r}") from None


def _structure_str(value: object, _: type) -> str:
    # cattrs would call str() on anything; an int where a name belongs is a mistake.
    if not isinstance(value, str):
        raise ValidationError(f"must be a string, got {type(value).__name__} {value!r}")
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"must be an integer, got {type(value).__name__} {value!r}")
    return value


_NUMBER_TYPES = (int, float, Decimal)


def _structure_float(value: object, _: type) -> float:
    # Measurements such as coordinates: JSON numbers arrive as int or (from from_json) Decimal.
    # A bool or a numeric string is a mistake, as it is for the constructors.
    if isinstance(value, bool) or not isinstance(value, _NUMBER_TYPES):
        raise ValidationError(f"must be a number, got {type(value).__name__} {value!r}")
    return float(value)


def _passthrough(value: object, _: type) -> Any:
    return value


def _is_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    return (
        typing.get_origin(cls) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    )


def _optional_hook(conv: cattrs.Converter, cls: Any) -> Callable[[object, Any], Any]:
    inner = next(arg for arg in typing.get_args(cls) if arg is not type(None))
    if inner in (str, int, bool):
        return _passthrough
    hook = conv.get_structure_hook(inner)

    def structure(value: object, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _sequence_hook(conv: cattrs.Converter, cls: Any) -> Callable[[object, Any], Any]:
    # cattrs iterates whatever it gets, so "abc" would load as ("a", "b", "c") and a mapping as
    # its keys: only a list (or tuple) is accepted where the schema has one.
    if typing.get_origin(cls) is tuple:
        inner = homogenous_tuple_structure_factory(cls, conv)
    else:
        inner = list_structure_factory(cls, conv)

    def structure(value: object, type_: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValidationError(f"must be a list, got {type(value).__name__} {value!r}")
        return inner(value, type_)

    return structure


def _fast_sequence_hook(conv: cattrs.Converter, cls: Any) -> Callable[[object, Any], Any]:
    # Stored data only: a list of primitives becomes a tuple as it is; anything else goes
    # through the element type's hook, without cattrs' generic per-item machinery.
    inner = typing.get_args(cls)[0]
    make: Callable[[list[Any]], Any] = tuple if typing.get_origin(cls) is tuple else list
    if getattr(inner, "__supertype__", inner) in (str, int, bool):  # NewType ids are str
        return lambda value, _: make(value)  # type: ignore[arg-type]
    hook = conv.get_structure_hook(inner)
    return lambda value, _: make([hook(item, inner) for item in value])  # type: ignore[attr-defined]


def _is_homogeneous_sequence(cls: Any) -> bool:
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    return origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis)


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"must be true or false, got {type(value).__name__} {value!r}")
    return value


def _unstructure_enum(member: enum.Enum) -> Any:
    return member.value


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(repr(m.value) for m in cls)
        raise ValidationError(f"must be one of {choices}; got {value!r}") from None


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=detailed)
    # StrEnum is also a str: register on it explicitly so the str hooks below do not win.
    for base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        conv.register_unstructure_hook(base, _unstructure_enum)
        conv.register_structure_hook(base, _structure_enum)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    if detailed:
        conv.register_structure_hook(str, _structure_str)
        conv.register_structure_hook(int, _structure_int)
        conv.register_structure_hook(bool, _structure_bool)
        conv.register_structure_hook(float, _structure_float)
    else:
        # Stored data was written by to_dict's twin from validated objects: primitives pass
        # through as they are, and ``X | None`` skips cattrs' generic union dispatch.
        for primitive in (str, int, bool):
            conv.register_structure_hook(primitive, _passthrough)
        conv.register_structure_hook(float, _structure_float)
        conv.register_structure_hook_factory(_is_optional, functools.partial(_optional_hook, conv))
    conv.register_structure_hook_factory(
        _is_homogeneous_sequence,
        functools.partial(_sequence_hook if detailed else _fast_sequence_hook, conv),
    )
    conv.register_unstructure_hook_func(
        lambda t: t in (frozenset, set) or getattr(t, "__origin__", None) in (frozenset, set),
        lambda value: sorted(conv.unstructure(v) for v in value),
    )
    if detailed:
        conv.register_structure_hook_factory(
            lambda t: isinstance(t, type) and issubclass(t, Validated) and attrs.has(t),
            lambda t: functools.partial(_structure_validated, conv),
        )
    return conv


_MISSING = object()


def _structure_validated(conv: cattrs.Converter, data: object, cls: type[T]) -> T:
    """Load a self-validating attrs class field by field, so that problems in the data
    (wrong types, unknown keys, missing fields) and problems the class itself finds are all
    reported together, each with its path."""
    if not isinstance(data, Mapping):
        raise ValidationError(f"must be an object (a mapping), got {type(data).__name__}")
    attrs.resolve_types(cls)  # type: ignore[type-var]
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    known = {f.name for f in fields}
    problems = [
        Problem(str(key), "unknown field (not part of the schema)")
        for key in data
        if key not in known
    ]
    values: dict[str, object] = {}
    failed: set[str] = set()
    for field in fields:
        if field.name not in data:
            if field.default is attrs.NOTHING:
                problems.append(Problem(field.name, "required field is missing"))
                failed.add(field.name)
            continue
        try:
            values[field.name] = conv.structure(data[field.name], field.type)
        except (ClassValidationError, IterableValidationError, PrmError) as exc:
            problems.extend(_problems(exc, field.name))
            failed.add(field.name)
        except (ValueError, KeyError) as exc:
            problems.append(Problem(field.name, _describe(exc)))
            failed.add(field.name)
    if not problems:
        return cls(**values)
    # Some fields could not be loaded: run the class's own checks on the ones that could,
    # keeping only problems that are not about (or inside) a field already reported.
    partial = object.__new__(cls)
    for field in fields:
        if field.name in values:
            value = values[field.name]
            if field.converter is not None and callable(field.converter):
                value = field.converter(value)
        elif field.name in failed:
            value = _MISSING
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            value = field.default.factory()
        else:
            value = field.default
        object.__setattr__(partial, field.name, value)
    checks = Checks()
    try:
        partial._validate(checks)  # type: ignore[attr-defined]
    except Exception:  # a check tripping over a missing field adds nothing
        checks.problems.clear()
    problems.extend(p for p in checks.problems if not any(_within(p.path, name) for name in failed))
    raise ValidationError(problems)


def _within(path: str, name: str) -> bool:
    return path == name or path.startswith((name + ".", name + "["))


converter: cattrs.Converter = _make_converter(detailed=True)
"""The validating converter used by :func:`from_dict` and :func:`from_json`. Subpackages
register hooks for their own types on it at import."""

storage_converter: cattrs.Converter = _make_converter(detailed=False)
"""A faster converter for data the library wrote itself (repositories). Objects are still
validated by their constructors; only the per-field error bookkeeping is skipped."""


def _problems(exc: BaseException, path: str) -> list[Problem]:
    """Flatten a cattrs exception tree into problems with field paths."""
    if isinstance(exc, ValidationError):
        return [p.prefixed(path) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(join_path(path, key), "unknown field (not part of the schema)")
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        for sub in exc.exceptions:
            sub_path = path
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    sub_path = join_path(path, note.name)
                elif isinstance(note, IterableValidationNote):
                    sub_path = join_path(path, f"[{note.index}]")
            if isinstance(sub, KeyError) and sub_path != path:
                found.append(Problem(sub_path, "required field is missing"))
            else:
                found.extend(_problems(sub, sub_path))
        return found
    if isinstance(exc, TypeError) and "float" in str(exc):
        raise exc
    if isinstance(exc, PrmError):
        return [Problem(path, str(exc))]
    return [Problem(path, _describe(exc))]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ValueError) and str(exc):
        return str(exc)
    if isinstance(exc, TypeError):
        return f"wrong type: {exc}"
    return f"{type(exc).__name__}: {exc}"


def to_dict(obj: object) -> Any:
    """Turn a domain object into JSON-ready data (dicts, lists, strings, numbers, booleans).

    Money and other exact numbers become strings; dates become ISO strings.
    """
    return converter.unstructure(obj)


def from_dict(cls: type[T], data: object) -> T:
    """Build a *cls* from data made by :func:`to_dict` (or written by hand), validating fully.

    Raises:
        ValidationError: Listing every problem, each with its field path.
        TypeError: A float was given where an exact amount belongs.
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise ValidationError(_problems(exc, "")) from None
    except ValidationError:
        raise
    except (ValueError, KeyError, AttributeError) as exc:
        raise ValidationError(_describe(exc)) from None


def to_json(obj: object, *, indent: int | None = None) -> str:
    """Serialise a domain object to a JSON string (keys in field order)."""
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False)


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which are not JSON and never exact amounts.
    raise ValueError(f"{name} is not a JSON number")


def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON made by :func:`to_json` and build a *cls*, validating fully.

    JSON numbers with a fraction are read as ``Decimal``, never ``float``.

    Raises:
        ValidationError: The text is not JSON, or the data is invalid (every problem listed).
    """
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise ValidationError(f"not valid JSON: {exc}") from None
    return from_dict(cls, data)
