"""Rule values and field paths: what a condition may compare against, and how it is shown.

A rule value is a ``str``, ``int``, :class:`~decimal.Decimal`, ``bool``, :class:`datetime.date`
or timezone-aware :class:`datetime.datetime`. A ``float`` is refused with a :class:`TypeError`,
as it is for money: a float in a rule is already inexact, so ``employees >= 49.99999999999999``
would mean something other than what was written.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable, Mapping, Set
from decimal import Decimal
from typing import Any, Final, TypeAlias

from prmcore._checks import Checks

__all__ = [
    "Kind",
    "Scalar",
    "check_path",
    "check_values",
    "jsonable",
    "kind_of",
    "plain",
    "show",
    "show_values",
]

Scalar: TypeAlias = str | int | Decimal | bool | dt.date
"""A value a rule compares against: ``str``, ``int``, ``Decimal``, ``bool``, ``date`` or
timezone-aware ``datetime`` (a ``date`` subclass). Never ``float``.

.. versionadded:: 0.1.0
"""

MAX_PATH_LENGTH: Final = 200
MAX_SEGMENTS: Final = 16
MAX_TEXT_LENGTH: Final = 1000
_SEGMENT_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


class Kind(enum.Enum):
    """The comparable kinds of rule values; values of one leaf are all of one kind."""

    STR = "str"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"


def kind_of(value: object) -> Kind | None:
    """The kind of a rule value, or ``None`` when it is not one."""
    if isinstance(value, bool):
        return Kind.BOOL
    if isinstance(value, str):
        return Kind.STR
    if isinstance(value, int | Decimal):
        return Kind.NUMBER
    if isinstance(value, dt.datetime):
        return Kind.DATETIME
    if isinstance(value, dt.date):
        return Kind.DATE
    return None


def plain(value: object) -> Any:
    """Turn enum members and other subclasses of str/int into the plain value (so that a rule
    built with ``PartnerStatus.ACTIVE`` equals one loaded from ``"active"``); leave anything
    else alone for the checks to report."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and type(value) is not str:
        return "".join((value,))
    if isinstance(value, int) and type(value) is not int:
        return int(value)
    return value


def refuse_float(value: object) -> None:
    """Raise :class:`TypeError` for a float rule value (a programming error, as for money)."""
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted as a rule value: it is inexact; pass an int, "
            "a Decimal or a str (from JSON, numbers with a fraction are read as Decimal)"
        )


def value_problem(value: object) -> str | None:
    """What is wrong with one rule value, or ``None`` when it is fine.

    Raises:
        TypeError: *value* is a float.
    """
    refuse_float(value)
    kind = kind_of(value)
    if kind is None:
        if value is None:
            return (
                "None is not a value to compare with: a missing field never matches; "
                "use exists() (or not exists) to test for one"
            )
        return (
            f"unsupported value {type(value).__name__} {value!r}: use a str, int, Decimal, "
            "bool, date or timezone-aware datetime"
        )
    if kind is Kind.STR:
        assert isinstance(value, str)
        if not value:
            return "must not be empty (an empty string counts as a missing value, never a match)"
        if len(value) > MAX_TEXT_LENGTH:
            return f"must be at most {MAX_TEXT_LENGTH} characters, got {len(value)}"
    elif kind is Kind.NUMBER and isinstance(value, Decimal) and not value.is_finite():
        return f"must be a finite number, got {value}"
    elif kind is Kind.DATETIME:
        assert isinstance(value, dt.datetime)
        if value.utcoffset() is None:
            return f"must be timezone-aware, got {value.isoformat()}"
    return None


def check_values(c: Checks, path: str, values: Iterable[object], *, indexed: bool) -> Kind | None:
    """Check the values of one leaf: each is a valid rule value and all are of one kind.

    Returns their kind when all are fine. With *indexed*, problems are reported at
    ``path[i]``; otherwise (values from a set, which has no order) at *path*, naming the value.

    Raises:
        TypeError: One of the values is a float.
    """
    kinds: dict[Kind, object] = {}
    ok = True
    items = list(values) if indexed else sorted_values(values)
    for index, value in enumerate(items):
        where = f"{path}[{index}]" if indexed else path
        problem = value_problem(value)
        if problem is not None:
            named = indexed or value is None
            c.add(where, problem if named else f"{show(value)}: {problem}")
            ok = False
            continue
        kind = kind_of(value)
        assert kind is not None
        kinds.setdefault(kind, value)
    if len(kinds) > 1:
        found = ", ".join(
            f"{k.value} ({show(v)})" for k, v in sorted(kinds.items(), key=lambda kv: kv[0].value)
        )
        c.add(path, f"values must all be of one kind, got {found}")
        return None
    if not ok or not kinds:
        return None
    return next(iter(kinds))


def check_path(c: Checks, where: str, path: object) -> bool:
    """A field path is a dotted path of names (``location.postal_code``); each name starts with
    a letter or digit, so ``__class__`` and private attributes can never be reached."""
    if not isinstance(path, str):
        c.add(where, f"must be a field path (a string), got {type(path).__name__} {path!r}")
        return False
    if not path:
        c.add(where, "must not be empty")
        return False
    if len(path) > MAX_PATH_LENGTH:
        c.add(where, f"must be at most {MAX_PATH_LENGTH} characters, got {len(path)}")
        return False
    parts = path.split(".")
    if len(parts) > MAX_SEGMENTS:
        c.add(where, f"must have at most {MAX_SEGMENTS} parts, got {len(parts)}")
        return False
    bad = [part for part in parts if not _SEGMENT_RE.match(part)]
    if bad:
        c.add(
            where,
            f"not a field path: {path!r} (each dotted part must start with a letter or digit "
            "and hold only letters, digits, '_' and '-')",
        )
        return False
    return True


def sort_key(value: object) -> Any:
    """Values of one kind sort by themselves; this keeps a mixed (invalid) set sortable too."""
    kind = kind_of(value)
    return (kind.value if kind else "", value if kind else repr(value))


def sorted_values(values: Iterable[object]) -> list[Any]:
    """The values in a stable order (for dict output and display)."""
    items = list(values)
    try:
        return sorted(items, key=sort_key)
    except TypeError:  # mixed kinds inside one kind name cannot happen; be safe anyway
        return sorted(items, key=repr)


def show(value: object) -> str:
    """A short human form of a value: strings quoted, numbers and dates plain."""
    if isinstance(value, str):
        return repr(plain(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def show_values(values: Iterable[object], *, limit: int = 10) -> str:
    """``['AT', 'DE']``, cut short after *limit* values for very long sets."""
    items = sorted_values(values)
    shown = ", ".join(show(v) for v in items[:limit])
    if len(items) > limit:
        shown += f", … (+{len(items) - limit} more)"
    return f"[{shown}]"


def jsonable(value: object) -> Any:
    """A JSON-ready copy of a value seen in a record (for explanations)."""
    if value is None or isinstance(value, bool | int | str):
        return plain(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Set):
        return [jsonable(v) for v in sorted_values(value)]
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return repr(value)
