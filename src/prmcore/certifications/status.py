"""The status of an award on a given day, derived from its dates and its type, never stored.

For an award earned on ``E`` that expires on ``X`` (inclusive), with renewal window ``W`` and
grace ``G`` from its type, the status on day ``d`` is:

============  ============================================
status        when
============  ============================================
pending       ``d < E``
active        ``E <= d < X - W``
expiring      ``X - W <= d <= X`` (and ``E <= d``)
in_grace      ``X < d <= X + G``
expired       ``X + G < d``
============  ============================================

So an award is still valid on its expiry day, and with a zero grace it is expired the day after.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from prmcore._checks import Checks
from prmcore.certifications.award import CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import CertificationType
from prmcore.errors import NotFoundError, ValidationError

__all__ = [
    "AwardDates",
    "CertificationStatus",
    "award_dates",
    "resolve_type",
    "status",
]


class CertificationStatus(enum.StrEnum):
    """Where an award stands on a given day (see :func:`status`).

    - ``pending``: not yet earned (the earned date is in the future).
    - ``active``: valid, renewal not yet open.
    - ``expiring``: valid, inside the renewal window.
    - ``in_grace``: past expiry but inside the grace period: still counts as held (for
      prerequisites and compliance) and can still be renewed.
    - ``expired``: past the grace period.

    .. versionadded:: 0.1.0
    """

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRING = "expiring"
    IN_GRACE = "in_grace"
    EXPIRED = "expired"

    @property
    def is_valid(self) -> bool:
        """True for ``active`` and ``expiring``: the certification is current.

        .. versionadded:: 0.1.0
        """
        return self in (CertificationStatus.ACTIVE, CertificationStatus.EXPIRING)

    @property
    def is_held(self) -> bool:
        """True for ``active``, ``expiring`` and ``in_grace``: the award counts for
        prerequisites and for compliance.

        .. versionadded:: 0.1.0
        """
        return self.is_valid or self is CertificationStatus.IN_GRACE


@attrs.frozen
class AwardDates:
    """The days on which an award changes status, from :func:`award_dates`.

    .. versionadded:: 0.1.0
    """

    earned_on: dt.date
    """First day it is held."""
    renewal_opens_on: dt.date
    """First day of the renewal window (status ``expiring``); never before ``earned_on``."""
    expires_on: dt.date
    """Last day it is valid."""
    grace_ends_on: dt.date
    """Last day it is held: ``expires_on`` plus the grace (``expires_on`` with no grace)."""

    def status_on(self, as_of: dt.date) -> CertificationStatus:
        """The status on *as_of* (see :func:`status`).

        .. versionadded:: 0.1.0
        """
        if as_of < self.earned_on:
            return CertificationStatus.PENDING
        if as_of < self.renewal_opens_on:
            return CertificationStatus.ACTIVE
        if as_of <= self.expires_on:
            return CertificationStatus.EXPIRING
        if as_of <= self.grace_ends_on:
            return CertificationStatus.IN_GRACE
        return CertificationStatus.EXPIRED


def resolve_type(
    award: CertificationAward, types: CertificationCatalog | CertificationType, path: str = "award"
) -> CertificationType:
    """The type of *award*, from a catalog or checked against a single type.

    Args:
        award: The award.
        types: A catalog holding the award's type, or the type itself.
        path: Where the award is, for error paths.

    Raises:
        ValidationError: *award* is not an award, *types* is neither a catalog nor a type, or
            the award's type is unknown or not the type given (path ``award.type_id``).

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.instance(path, award, CertificationAward)
    c.instance("types", types, (CertificationCatalog, CertificationType))
    c.done()
    if isinstance(types, CertificationType):
        if award.type_id != types.id:
            raise ValidationError(
                f"is {award.type_id!r}, but the type given is {types.id!r}", f"{path}.type_id"
            )
        return types
    try:
        return types.get(award.type_id)
    except NotFoundError:
        raise ValidationError(
            f"unknown certification type {award.type_id!r}", f"{path}.type_id"
        ) from None


def award_dates(
    award: CertificationAward, types: CertificationCatalog | CertificationType
) -> AwardDates:
    """The days on which *award* changes status, under its type's window and grace.

    Args:
        award: The award.
        types: A catalog holding the award's type, or the type itself.

    Raises:
        ValidationError: The award's type is unknown or not the type given.

    .. versionadded:: 0.1.0
    """
    ctype = resolve_type(award, types)
    opens = max(_before_or_min(ctype, award.expires_on), award.earned_on)
    grace_ends = _after_or_max(ctype, award.expires_on)
    return AwardDates(award.earned_on, opens, award.expires_on, grace_ends)


def _before_or_min(ctype: CertificationType, day: dt.date) -> dt.date:
    try:
        return ctype.renewal_window.before(day)
    except ValidationError:
        return dt.date.min


def _after_or_max(ctype: CertificationType, day: dt.date) -> dt.date:
    try:
        return ctype.grace.after(day)
    except ValidationError:
        return dt.date.max


def status(
    award: CertificationAward,
    types: CertificationCatalog | CertificationType,
    as_of: dt.date,
) -> CertificationStatus:
    """The status of *award* on *as_of*, derived from its dates and its type.

    Args:
        award: The award.
        types: A catalog holding the award's type, or the type itself (for the renewal window
            and grace).
        as_of: The day to evaluate.

    Raises:
        ValidationError: *as_of* is not a date, or the award's type is unknown or not the type
            given (path ``award.type_id``).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import CertificationAward, CertificationType, Duration
        >>> ctype = CertificationType(
        ...     "spec", "Specialist", validity=Duration(years=1), grace=Duration(days=30)
        ... )
        >>> award = CertificationAward("a-1", "p-1", "spec", dt.date(2026, 1, 31),
        ...                            dt.date(2027, 1, 31))
        >>> [status(award, ctype, dt.date(2027, 1, d)) for d in (1, 31)]
        [<CertificationStatus.EXPIRING: 'expiring'>, <CertificationStatus.EXPIRING: 'expiring'>]
        >>> status(award, ctype, dt.date(2027, 2, 1)).value
        'in_grace'

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.date("as_of", as_of)
    c.done()
    return award_dates(award, types).status_on(as_of)
