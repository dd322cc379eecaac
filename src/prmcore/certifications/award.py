"""Certification awards: a certification held by one person, with its dates and renewals.

An award stores only facts — when it was earned, when it expires, when it was renewed. Its status
(active, expiring, in grace, ...) is derived for a given day by
:func:`prmcore.certifications.status`, never stored.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from typing import NewType

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.certifications.certification_type import CertificationTypeId
from prmcore.domain.ids import PersonId

__all__ = [
    "AwardId",
    "AwardRenewal",
    "CertificationAward",
]

AwardId = NewType("AwardId", str)
"""The id of a :class:`CertificationAward`.

.. versionadded:: 0.1.0
"""


@attrs.frozen
class AwardRenewal(Validated):
    """One renewal of an award: when it was completed and how it moved the expiry.

    Args:
        completed_on: The day the holder completed the renewal.
        previous_expires_on: The expiry before the renewal.
        expires_on: The expiry after it.

    Raises:
        ValidationError: Listing every bad field; ``expires_on`` before ``previous_expires_on``
            or before ``completed_on`` is one.

    .. versionadded:: 0.1.0
    """

    completed_on: dt.date
    """The day the renewal was completed."""
    previous_expires_on: dt.date
    """The expiry before the renewal."""
    expires_on: dt.date
    """The expiry after the renewal."""

    def _validate(self, c: Checks) -> None:
        ok = c.date("completed_on", self.completed_on)
        ok = c.date("previous_expires_on", self.previous_expires_on) and ok
        if c.date("expires_on", self.expires_on) and ok:
            c.date_order(
                "previous_expires_on", self.previous_expires_on, "expires_on", self.expires_on
            )
            c.date_order("completed_on", self.completed_on, "expires_on", self.expires_on)


@attrs.frozen
class CertificationAward(Validated):
    """A certification held by a person: which type, when it was earned, when it expires.

    ``expires_on`` is inclusive: the award is valid on that day and not the day after. Renewing
    (:func:`~prmcore.certifications.renew`) returns a new award with the same id, a later
    ``expires_on`` and one more entry in ``history``; nothing is ever changed in place.

    Args:
        id: The host's id for the award.
        person_id: Who holds it.
        type_id: Which :class:`~prmcore.certifications.CertificationType`.
        earned_on: The day it was first earned (before that day its status is ``pending``).
        expires_on: The last day it is valid, on or after ``earned_on``.
        history: Its renewals, oldest first; the last one's ``expires_on`` is the award's.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field: an award that expires before it is earned
            (path ``expires_on``), a renewal completed before the award was earned
            (``history[0].completed_on``), renewals that do not chain up to ``expires_on``.

    Examples:
        >>> import datetime as dt
        >>> award = CertificationAward(
        ...     "a-1", "p-1", "sec-specialist", dt.date(2026, 1, 31), dt.date(2029, 1, 31)
        ... )
        >>> award.renewed_on is None
        True

    .. versionadded:: 0.1.0
    """

    id: AwardId
    """The award's id."""
    person_id: PersonId
    """The holder."""
    type_id: CertificationTypeId
    """The certification type."""
    earned_on: dt.date
    """The day it was first earned."""
    expires_on: dt.date
    """The last day it is valid (inclusive)."""
    history: tuple[AwardRenewal, ...] = attrs.field(default=(), converter=to_tuple)
    """Its renewals, oldest first."""
    version: int = 0
    """Set by the repository."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.identifier("person_id", self.person_id)
        c.identifier("type_id", self.type_id)
        dates_ok = c.date("earned_on", self.earned_on) and c.date("expires_on", self.expires_on)
        if dates_ok:
            c.date_order("earned_on", self.earned_on, "expires_on", self.expires_on)
        if (
            c.each("history", self.history, lambda path, r: c.instance(path, r, AwardRenewal))
            and dates_ok
        ):
            self._validate_history(c)
        c.integer("version", self.version, minimum=0)

    def _validate_history(self, c: Checks) -> None:
        previous_completed, previous_path = self.earned_on, "earned_on"
        for i, renewal in enumerate(self.history):
            path = f"history[{i}]"
            c.date_order(
                previous_path, previous_completed, f"{path}.completed_on", renewal.completed_on
            )
            previous_completed, previous_path = renewal.completed_on, f"{path}.completed_on"
            if i:
                before = self.history[i - 1].expires_on
                c.require(
                    renewal.previous_expires_on == before,
                    f"{path}.previous_expires_on",
                    f"must be history[{i - 1}].expires_on ({before.isoformat()})",
                )
        if self.history:
            last = self.history[-1].expires_on
            c.require(
                self.expires_on == last,
                "expires_on",
                f"must be the last renewal's expires_on ({last.isoformat()})",
            )

    @property
    def renewed_on(self) -> dt.date | None:
        """The day of the latest renewal, or ``None`` if it was never renewed.

        .. versionadded:: 0.1.0
        """
        return self.history[-1].completed_on if self.history else None

    @property
    def term_start(self) -> dt.date:
        """The first day of the current term: the latest renewal, or ``earned_on``.

        .. versionadded:: 0.1.0
        """
        return self.history[-1].completed_on if self.history else self.earned_on
