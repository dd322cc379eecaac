"""Collect every problem with an object before raising one :class:`ValidationError`.

Domain classes validate in ``__attrs_post_init__`` with a :class:`Checks` collector instead of
per-field attrs validators, because attrs stops at the first failing validator and prmcore
promises to list *every* problem with its path.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import Any

from prmcore.errors import Problem, ValidationError, join_path

__all__ = [
    "Checks",
    "Validated",
    "country_codes",
    "is_country_code",
    "to_enum",
    "trusted_construction",
    "to_tuple",
    "upper_or_none",
]

_NON_COUNTRY_CODES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}\Z")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR (through babel), without CLDR's pseudo-regions."""
    from babel import Locale

    codes = (str(key) for key in Locale("en").territories)
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in _NON_COUNTRY_CODES
    )


def is_country_code(value: object) -> bool:
    """True when *value* is an upper-case ISO 3166-1 alpha-2 code."""
    return isinstance(value, str) and value in country_codes()


def upper_or_none(value: object) -> Any:
    """attrs converter: upper-case a string (country codes), leave anything else alone."""
    return value.strip().upper() if isinstance(value, str) else value


def to_tuple(value: object) -> Any:
    """attrs converter: turn a list (as loaded from JSON) into a tuple; leave others alone."""
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def to_enum(enum_type: type[enum.Enum], value: object) -> Any:
    """For attrs converters: accept an enum member or its value (``"reseller"``); anything
    else is passed through unchanged for the class's checks to report with its path.

    (mypy's attrs plugin needs converters to be named functions, so each class wraps this in a
    small ``def``.)"""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        return value


class Checks:
    """A collector of :class:`Problem` s for one object; :meth:`done` raises if any were found.

    Methods return whether the value passed, so a caller can skip checks that depend on it.
    """

    __slots__ = ("_prefix", "problems")

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        """Record one problem at *path*."""
        self.problems.append(Problem(join_path(self._prefix, path), message))

    def require(self, condition: bool, path: str, message: str) -> bool:
        """Record *message* at *path* unless *condition* holds."""
        if not condition:
            self.add(path, message)
        return condition

    def instance(self, path: str, value: object, kind: type | tuple[type, ...]) -> bool:
        """*value* must be an instance of *kind*."""
        if isinstance(value, kind):
            return True
        names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        self.add(path, f"must be {names}, got {type(value).__name__} {value!r}")
        return False

    def text(self, path: str, value: object, *, max_length: int = 500) -> bool:
        """*value* must be a non-blank string of at most *max_length* characters."""
        if not self.instance(path, value, str):
            return False
        assert isinstance(value, str)
        if not value.strip():
            self.add(path, "must not be empty")
            return False
        if len(value) > max_length:
            self.add(path, f"must be at most {max_length} characters, got {len(value)}")
            return False
        return True

    def optional_text(self, path: str, value: object, *, max_length: int = 500) -> bool:
        """Like :meth:`text`, but ``None`` is allowed."""
        return value is None or self.text(path, value, max_length=max_length)

    def identifier(self, path: str, value: object) -> bool:
        """*value* must be an id: 1-128 characters of letters, digits and ``._:@/+-``,
        starting with a letter or digit."""
        if not self.instance(path, value, str):
            return False
        assert isinstance(value, str)
        return self.require(
            bool(_ID_RE.match(value)),
            path,
            f"must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter or "
            f"digit), got {value!r}",
        )

    def optional_identifier(self, path: str, value: object) -> bool:
        """Like :meth:`identifier`, but ``None`` is allowed."""
        return value is None or self.identifier(path, value)

    def country(self, path: str, value: object) -> bool:
        """*value* must be an ISO 3166-1 alpha-2 country code."""
        if not self.instance(path, value, str):
            return False
        return self.require(
            is_country_code(value), path, f"unknown ISO 3166-1 alpha-2 country code {value!r}"
        )

    def optional_country(self, path: str, value: object) -> bool:
        """Like :meth:`country`, but ``None`` is allowed."""
        return value is None or self.country(path, value)

    def date(self, path: str, value: object) -> bool:
        """*value* must be a :class:`datetime.date` (a ``datetime`` is refused: it is a moment,
        not a day)."""
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.add(path, f"must be a date, got {type(value).__name__} {value!r}")
            return False
        return True

    def optional_date(self, path: str, value: object) -> bool:
        """Like :meth:`date`, but ``None`` is allowed."""
        return value is None or self.date(path, value)

    def aware_datetime(self, path: str, value: object) -> bool:
        """*value* must be a timezone-aware :class:`datetime.datetime`."""
        if not isinstance(value, dt.datetime):
            self.add(path, f"must be a datetime, got {type(value).__name__} {value!r}")
            return False
        return self.require(
            value.tzinfo is not None and value.utcoffset() is not None,
            path,
            "must be timezone-aware (use datetime.timezone.utc)",
        )

    def date_order(self, start_path: str, start: object, end_path: str, end: object) -> bool:
        """When both are dates, *end* must not be before *start*."""
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add(end_path, f"must not be before {start_path} ({start.isoformat()})")
            return False
        return True

    def integer(
        self, path: str, value: object, *, minimum: int | None = None, maximum: int | None = None
    ) -> bool:
        """*value* must be an ``int`` (not ``bool``) within the given bounds."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"must be an integer, got {type(value).__name__} {value!r}")
            return False
        if minimum is not None and value < minimum:
            self.add(path, f"must be at least {minimum}, got {value}")
            return False
        if maximum is not None and value > maximum:
            self.add(path, f"must be at most {maximum}, got {value}")
            return False
        return True

    def decimal(
        self,
        path: str,
        value: object,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> bool:
        """*value* must be a finite :class:`~decimal.Decimal` within the given bounds."""
        if not isinstance(value, Decimal) or not value.is_finite():
            self.add(path, f"must be a finite Decimal, got {type(value).__name__} {value!r}")
            return False
        if minimum is not None and value < minimum:
            self.add(path, f"must be at least {minimum}, got {value}")
            return False
        if maximum is not None and value > maximum:
            self.add(path, f"must be at most {maximum}, got {value}")
            return False
        return True

    def each(
        self, path: str, values: object, check: Callable[[str, Any], bool], *, unique: bool = False
    ) -> bool:
        """*values* must be a tuple whose items each pass *check* (called with ``path[i]``)."""
        if not self.instance(path, values, tuple):
            return False
        assert isinstance(values, tuple)
        # A list, not a generator: every item is checked, so every problem is reported.
        ok = all([check(f"{path}[{i}]", item) for i, item in enumerate(values)])  # noqa: C419
        if unique and ok:
            seen: set[object] = set()
            for i, item in enumerate(values):
                if item in seen:
                    self.add(f"{path}[{i}]", f"duplicate value {item!r}")
                    ok = False
                seen.add(item)
        return ok

    def member(self, path: str, value: object, enum_type: type[enum.Enum]) -> bool:
        """*value* must be a member of *enum_type* (the message lists the allowed values)."""
        if isinstance(value, enum_type):
            return True
        allowed = ", ".join(repr(m.value) for m in enum_type)
        self.add(path, f"must be one of {allowed}; got {value!r}")
        return False

    def one_of(self, path: str, value: object, choices: Iterable[object]) -> bool:
        """*value* must be one of *choices*."""
        options = tuple(choices)
        if value in options:
            return True
        self.add(path, f"must be one of {', '.join(map(repr, options))}; got {value!r}")
        return False

    @contextmanager
    def nested(self, path: str) -> Iterator[Checks]:
        """Check a part at *path*; problems raised inside as :class:`ValidationError` are
        kept with *path* in front."""
        inner = Checks(join_path(self._prefix, path))
        try:
            yield inner
        except ValidationError as err:
            inner.problems.extend(p.prefixed(join_path(self._prefix, path)) for p in err.problems)
        self.problems.extend(inner.problems)

    def done(self) -> None:
        """Raise one :class:`ValidationError` listing every problem, if there are any."""
        if self.problems:
            raise ValidationError(self.problems)


_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar("prmcore_trusted", default=False)


@contextmanager
def trusted_construction() -> Iterator[None]:
    """Skip :class:`Validated` checks for objects built inside the block.

    Only for rebuilding objects from data the library itself wrote after they had passed
    validation (a repository loading its own rows): re-checking every field of every stored row
    would double the cost of a load and find nothing. Never wrap user input in it.
    """
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


class Validated:
    """Mixin for attrs classes that validate themselves with a :class:`Checks` collector.

    A subclass implements :meth:`_validate`; construction runs it and raises one
    :class:`ValidationError` with every problem. The loader in :mod:`prmcore.serialization`
    also runs it on partially loaded data, so a bad id and a bad nested country are reported
    together.
    """

    __slots__ = ()

    def _validate(self, c: Checks) -> None:
        raise NotImplementedError

    def __attrs_post_init__(self) -> None:
        if _TRUSTED.get():
            return
        c = Checks()
        self._validate(c)
        c.done()
