"""The prmcore error hierarchy.

Every error that prmcore raises for bad user data, a missing object, a stale version or an
illegal state change derives from :class:`PrmError`, so a host can catch one type at its
boundary. Bare ``ValueError``/``KeyError`` never escape the public API for bad user data.

The one deliberate exception is :class:`TypeError` for a ``float`` money amount or rate: passing
a float is a programming error (the value is already inexact), not bad data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ConflictError",
    "CurrencyMismatch",
    "InvalidTransition",
    "MissingRateError",
    "NotFoundError",
    "PrmError",
    "Problem",
    "ValidationError",
]


@attrs.frozen
class Problem:
    """One thing wrong with a piece of input, and where it is.

    Args:
        path: Where the problem is, as a field path such as ``locations[0].country``.
            The empty string means the object as a whole.
        message: What is wrong, in words a user can act on.

    .. versionadded:: 0.1.0
    """

    path: str
    message: str

    def prefixed(self, prefix: str) -> Problem:
        """Return this problem with *prefix* put in front of its path.

        ``Problem("country", "...").prefixed("locations[0]")`` has the path
        ``locations[0].country``; an index prefix (``[2]``) is joined without a dot.
        """
        return Problem(join_path(prefix, self.path), self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def join_path(prefix: str, path: str) -> str:
    """Join two field-path fragments: ``join_path("a", "b") == "a.b"``,
    ``join_path("a", "[0].b") == "a[0].b"``, and an empty side is dropped."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


class PrmError(Exception):
    """Base class of every error prmcore raises on purpose.

    .. versionadded:: 0.1.0
    """


class ValidationError(PrmError):
    """Input data is invalid; :attr:`problems` lists every problem found, each with its path.

    Constructors and loaders collect all problems before raising, so one error tells the user
    everything there is to fix.

    Args:
        problems: The problems, or one message string (then *path* says where).
        path: The field path for a single message.

    Examples:
        >>> err = ValidationError([Problem("locations[0].country", "unknown country 'XX'")])
        >>> str(err)
        "1 problem: locations[0].country: unknown country 'XX'"

    .. versionadded:: 0.1.0
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] | str, path: str = "") -> None:
        if isinstance(problems, str):
            self.problems = (Problem(path, problems),)
        else:
            self.problems = tuple(problems)
            if not self.problems:
                raise ValueError("ValidationError needs at least one problem")
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem" + ("" if count == 1 else "s")
        return head + ": " + "; ".join(str(p) for p in self.problems)

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths of all problems, in order."""
        return tuple(p.path for p in self.problems)

    def prefixed(self, prefix: str) -> ValidationError:
        """Return a copy whose problem paths all start with *prefix*."""
        return ValidationError([p.prefixed(prefix) for p in self.problems])

    def __reduce__(self) -> tuple[type[ValidationError], tuple[Sequence[Problem]]]:
        return (type(self), (self.problems,))


class NotFoundError(PrmError):
    """No stored object has the requested id.

    Args:
        kind: The kind of object, such as ``"Partner"``.
        key: The id that was looked up.

    .. versionadded:: 0.1.0
    """

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")

    def __reduce__(self) -> tuple[type[NotFoundError], tuple[str, object]]:
        return (type(self), (self.kind, self.key))


class ConflictError(PrmError):
    """A write lost a race: the stored version is not the one the caller read, or the id is
    already taken.

    Reload the object, reapply the change and try again.

    Args:
        kind: The kind of object, such as ``"Partner"``.
        key: Its id.
        expected: The version the caller held (``None`` for an insert).
        actual: The version in the store (``None`` when it is gone).

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, kind: str, key: object, expected: int | None, actual: int | None, detail: str = ""
    ) -> None:
        self.kind = kind
        self.key = key
        self.expected = expected
        self.actual = actual
        if detail:
            message = f"{kind} {key!r}: {detail}"
        else:
            message = (
                f"{kind} {key!r} is at version {actual}, not {expected}: "
                "it was changed by someone else; reload and retry"
            )
        self.detail = detail
        super().__init__(message)

    def __reduce__(
        self,
    ) -> tuple[type[ConflictError], tuple[str, object, int | None, int | None, str]]:
        return (type(self), (self.kind, self.key, self.expected, self.actual, self.detail))


class CurrencyMismatch(PrmError):
    """Two amounts in different currencies were combined or compared.

    .. versionadded:: 0.1.0
    """

    def __init__(self, left: str, right: str, operation: str = "combine") -> None:
        self.left = left
        self.right = right
        self.operation = operation
        super().__init__(
            f"cannot {operation} {left} and {right}: convert one of them first "
            "(see prmcore.money.convert)"
        )

    def __reduce__(self) -> tuple[type[CurrencyMismatch], tuple[str, str, str]]:
        return (type(self), (self.left, self.right, self.operation))


class MissingRateError(PrmError):
    """No exchange rate is known for a currency pair on a date.

    prmcore never converts 1:1 silently; supply the rate through a ``RateSource``.

    .. versionadded:: 0.1.0
    """

    def __init__(self, base: str, quote: str, as_of: object) -> None:
        self.base = base
        self.quote = quote
        self.as_of = as_of
        super().__init__(f"no exchange rate {base}->{quote} on or before {as_of}")

    def __reduce__(self) -> tuple[type[MissingRateError], tuple[str, str, object]]:
        return (type(self), (self.base, self.quote, self.as_of))


class InvalidTransition(PrmError):
    """A lifecycle change that the object's state machine does not allow.

    Args:
        kind: The kind of object, such as ``"Partner"``.
        source: The current state.
        target: The state asked for.
        allowed: The states reachable from *source*.

    .. versionadded:: 0.1.0
    """

    def __init__(self, kind: str, source: str, target: str, allowed: Iterable[str] = ()) -> None:
        self.kind = kind
        self.source = source
        self.target = target
        self.allowed = tuple(allowed)
        reach = ", ".join(self.allowed) if self.allowed else "nothing (final state)"
        super().__init__(f"{kind} cannot go from {source!r} to {target!r}; allowed: {reach}")

    def __reduce__(
        self,
    ) -> tuple[type[InvalidTransition], tuple[str, str, str, tuple[str, ...]]]:
        return (type(self), (self.kind, self.source, self.target, self.allowed))
