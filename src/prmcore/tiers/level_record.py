"""Level records: what a store keeps about one partner's standing in the program.

:func:`~prmcore.tiers.decide` is a pure function of a partner's dated evaluations and level
history; a :class:`LevelRecord` is where a service keeps both between runs, together with a
change that waits for approval and whether the partner met its level's certification
requirements the last time it was checked (so that a lapse is announced once, not on every
run). It is an aggregate like a partner: it has a ``version`` and lives in a repository, keyed
by the partner's id.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.errors import ValidationError
from prmcore.tiers.level_policy import DecisionKind, LevelDecision, LevelEvaluation, LevelHistory

__all__ = ["LevelRecord"]


def _empty_history(record: Any) -> Any:
    try:
        return LevelHistory(record.partner_id)
    except ValidationError:
        return None  # the record's own checks report the bad partner id


def _to_evaluations(value: object) -> Any:
    return _sorted(to_tuple(value))


@attrs.frozen
class LevelRecord(Validated):
    """One partner's level history, dated evaluations, pending change and compliance flag.

    Args:
        partner_id: The partner (also the record's :attr:`id`).
        history: The partner's level changes (default: none yet).
        evaluations: The highest level qualified for on each evaluated day, oldest first, at
            most one per day (a list is accepted; it is sorted).
        pending: A due level change waiting for approval (a ``pending``
            :class:`~prmcore.tiers.LevelDecision`), or ``None``.
        compliant: Whether the partner met its level's certification requirements at the last
            check (``None``: never checked).
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field: a history or pending decision of another
            partner, two evaluations on one day, a pending decision that is not ``pending``.

    Examples:
        >>> import datetime as dt
        >>> record = LevelRecord("p-1").with_evaluation(LevelEvaluation(dt.date(2026, 3, 31),
        ...                                                             "gold"))
        >>> [e.level_id for e in record.evaluations], record.history.changes
        (['gold'], ())

    .. versionadded:: 0.1.0
    """

    partner_id: str
    """The partner."""
    history: LevelHistory = attrs.field(default=attrs.Factory(_empty_history, takes_self=True))
    """Its level changes."""
    evaluations: tuple[LevelEvaluation, ...] = attrs.field(default=(), converter=_to_evaluations)
    """Dated evaluations, oldest first."""
    pending: LevelDecision | None = None
    """A change waiting for approval."""
    compliant: bool | None = None
    """The result of the last certification-compliance check."""
    version: int = 0
    """Set by the repository."""

    def _validate(self, c: Checks) -> None:
        if c.identifier("partner_id", self.partner_id) and c.instance(
            "history", self.history, LevelHistory
        ):
            c.require(
                self.history.partner_id == self.partner_id,
                "history.partner_id",
                f"must be {self.partner_id!r}, the record's partner",
            )
        if c.each("evaluations", self.evaluations, lambda p, e: c.instance(p, e, LevelEvaluation)):
            for i in range(1, len(self.evaluations)):
                c.require(
                    self.evaluations[i].on != self.evaluations[i - 1].on,
                    f"evaluations[{i}].on",
                    "another evaluation has this date",
                )
        if self.pending is not None and c.instance("pending", self.pending, LevelDecision):
            c.require(
                self.pending.kind is DecisionKind.PENDING,
                "pending.kind",
                f"must be 'pending', got {self.pending.kind.value!r}",
            )
            c.require(
                self.pending.partner_id == self.partner_id,
                "pending.partner_id",
                f"must be {self.partner_id!r}, the record's partner",
            )
        if self.compliant is not None:
            c.instance("compliant", self.compliant, bool)
        c.integer("version", self.version, minimum=0)

    @property
    def id(self) -> str:
        """The record's id: the partner's id.

        .. versionadded:: 0.1.0
        """
        return self.partner_id

    def with_evaluation(self, evaluation: LevelEvaluation) -> LevelRecord:
        """A new record with *evaluation* added, replacing one of the same day (this record is
        unchanged).

        .. versionadded:: 0.1.0
        """
        kept = [e for e in self.evaluations if e.on != evaluation.on]
        return attrs.evolve(self, evaluations=(*kept, evaluation))

    def evaluation_on(self, day: dt.date) -> LevelEvaluation | None:
        """The evaluation dated *day*, or ``None``.

        .. versionadded:: 0.1.0
        """
        for evaluation in self.evaluations:
            if evaluation.on == day:
                return evaluation
        return None


def _sorted(values: tuple[Any, ...]) -> tuple[Any, ...]:
    # Sort when every item is an evaluation; anything else is left for the checks to report.
    if all(isinstance(v, LevelEvaluation) for v in values):
        return tuple(sorted(values, key=lambda e: e.on))
    return values
