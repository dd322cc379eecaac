"""Earning and renewing certifications: prerequisites, renewal windows, anchors and grace.

Both functions are pure: they return a new :class:`~prmcore.certifications.CertificationAward`
and never change the awards they are given.

Renewal, by the award's status on the day the renewal was completed:

==========  ======================================================================
status      renewal
==========  ======================================================================
active      *early renewal*: allowed unless ``RenewalPolicy.allow_early_renewal`` is
            off (then :class:`RenewalRefused` says when the window opens)
expiring    allowed
in_grace    allowed; with the ``expiry`` anchor the new term still starts at the
            old expiry (grace is not free time)
expired     refused with :class:`RenewalRefused` — the certification must be earned
            again — unless ``RenewalPolicy.allow_late_renewal`` is on; a late renewal
            always counts from the completion day
==========  ======================================================================

The new expiry is ``old expiry + validity`` with the ``expiry`` anchor, so renewing early never
loses time, and ``completion day + validity`` with the ``completion`` anchor (but never earlier
than the old expiry).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from prmcore._checks import Checks
from prmcore.certifications.award import AwardId, AwardRenewal, CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import (
    CertificationType,
    CertificationTypeId,
    RenewalAnchor,
)
from prmcore.certifications.status import CertificationStatus, award_dates, resolve_type
from prmcore.domain.ids import PersonId
from prmcore.errors import InvalidTransition, Problem, ValidationError

__all__ = [
    "MissingPrerequisite",
    "RenewalPolicy",
    "RenewalRefused",
    "earn",
    "renew",
]


@attrs.frozen
class RenewalPolicy:
    """What :func:`renew` allows outside the renewal window.

    Args:
        allow_early_renewal: Renewing before the window opens (default ``True``: with the
            ``expiry`` anchor no time is lost, and with the ``completion`` anchor the expiry
            never moves earlier). Programs that want renewals to reflect recent knowledge turn
            it off.
        allow_late_renewal: Renewing after the grace period has ended (default ``False``: the
            certification must be earned again with :func:`earn`). When on, a late renewal
            counts its validity from the completion day.

    .. versionadded:: 0.1.0
    """

    allow_early_renewal: bool = True
    """Whether renewing before the window opens is allowed."""
    allow_late_renewal: bool = False
    """Whether renewing after the grace period is allowed."""


class RenewalRefused(InvalidTransition):
    """:func:`renew` refused: the renewal is too early or too late under the policy.

    An :class:`~prmcore.errors.InvalidTransition` (so also a :class:`~prmcore.errors.PrmError`).

    Args:
        award_id: The award.
        status: Its status on the completion day (``"active"`` or ``"expired"``).
        reason: What to do instead, such as "it must be earned again".

    .. versionadded:: 0.1.0
    """

    def __init__(self, award_id: str, status: str, reason: str) -> None:
        super().__init__("CertificationAward", status, "renewed", ())
        self.award_id = award_id
        self.reason = reason
        self.args = (f"award {award_id!r} cannot be renewed while {status}: {reason}",)

    def __reduce__(self) -> tuple[type[RenewalRefused], tuple[str, str, str]]:  # type: ignore[override]
        return (type(self), (self.award_id, self.source, self.reason))


class MissingPrerequisite(ValidationError):
    """:func:`earn` refused: the person does not hold a prerequisite on the day.

    A :class:`~prmcore.errors.ValidationError` with one problem per missing prerequisite, at
    ``prerequisites[i]``.

    .. versionadded:: 0.1.0
    """


def renew(
    award: CertificationAward,
    types: CertificationCatalog | CertificationType,
    completed_on: dt.date,
    policy: RenewalPolicy | None = None,
) -> CertificationAward:
    """Return *award* renewed on *completed_on*: a later expiry and one more history entry.

    Args:
        award: The award to renew (not changed).
        types: A catalog holding the award's type, or the type itself.
        completed_on: The day the holder completed the renewal, not before the current term
            started.
        policy: Early and late renewal rules (default :class:`RenewalPolicy`).

    Raises:
        ValidationError: *completed_on* is not a date or is before the current term started
            (path ``completed_on``), or the award's type is unknown (``award.type_id``).
        RenewalRefused: Early renewal while the policy forbids it, or the award is past its
            grace period and the policy does not allow late renewal.

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import CertificationAward, CertificationType, Duration
        >>> ctype = CertificationType("spec", "Specialist", validity=Duration(years=3))
        >>> award = CertificationAward("a-1", "p-1", "spec", dt.date(2024, 5, 31),
        ...                            dt.date(2027, 5, 31))
        >>> renew(award, ctype, dt.date(2027, 4, 2)).expires_on
        datetime.date(2030, 5, 31)

    .. versionadded:: 0.1.0
    """
    ctype = resolve_type(award, types)
    c = Checks()
    if c.date("completed_on", completed_on):
        c.date_order("award.term_start", award.term_start, "completed_on", completed_on)
    c.instance("policy", policy, (RenewalPolicy, type(None)))
    c.done()
    policy = policy or RenewalPolicy()
    dates = award_dates(award, ctype)
    state = dates.status_on(completed_on)
    if state is CertificationStatus.ACTIVE and not policy.allow_early_renewal:
        raise RenewalRefused(
            award.id,
            state.value,
            f"renewal opens on {dates.renewal_opens_on.isoformat()} (early renewal is off)",
        )
    if state is CertificationStatus.EXPIRED:
        if not policy.allow_late_renewal:
            raise RenewalRefused(
                award.id,
                state.value,
                f"it was held until {dates.grace_ends_on.isoformat()}; it must be earned again",
            )
        new_expiry = _valid_until(ctype, completed_on)
    elif ctype.renewal_anchor is RenewalAnchor.EXPIRY:
        new_expiry = _valid_until(ctype, award.expires_on)
    else:
        new_expiry = max(_valid_until(ctype, completed_on), award.expires_on)
    renewal = AwardRenewal(completed_on, award.expires_on, new_expiry)
    return attrs.evolve(award, expires_on=new_expiry, history=(*award.history, renewal))


def _valid_until(ctype: CertificationType, start: dt.date) -> dt.date:
    try:
        return ctype.validity.after(start)
    except ValidationError as err:
        raise err.prefixed("validity") from None


def earn(
    person_id: PersonId | str,
    type_id: CertificationTypeId | str,
    earned_on: dt.date,
    held_awards: Iterable[CertificationAward],
    catalog: CertificationCatalog,
    award_id: AwardId | str,
) -> CertificationAward:
    """A new award of *type_id* for *person_id*, earned on *earned_on*, after checking that the
    person holds every prerequisite on that day.

    A prerequisite is met by an award of the prerequisite type, or of any type that satisfies
    it, whose status on *earned_on* is held (active, expiring or in grace). Awards in
    *held_awards* that belong to other people are ignored, so a host may pass a whole team's.

    Args:
        person_id: Who earned it.
        type_id: Which type (must be in *catalog*).
        earned_on: The day it was earned; it expires ``validity`` later.
        held_awards: The awards the person already holds (any status; others' are ignored).
        catalog: The program's types.
        award_id: The id for the new award.

    Raises:
        ValidationError: A bad argument: an unknown type (path ``type_id``), an award with an
            unknown type (``held_awards[2].type_id``), a bad id or date.
        MissingPrerequisite: A prerequisite is not held on *earned_on* (``prerequisites[0]``).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import CertificationCatalog, CertificationType, Duration
        >>> catalog = CertificationCatalog([
        ...     CertificationType("spec", "Specialist", validity=Duration(years=2)),
        ...     CertificationType("expert", "Expert", validity=Duration(years=3),
        ...                       prerequisites=["spec"]),
        ... ])
        >>> spec = earn("p-1", "spec", dt.date(2026, 1, 31), [], catalog, "a-1")
        >>> spec.expires_on
        datetime.date(2028, 1, 31)
        >>> earn("p-1", "expert", dt.date(2027, 6, 1), [spec], catalog, "a-2").expires_on
        datetime.date(2030, 6, 1)

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.identifier("person_id", person_id)
    c.date("earned_on", earned_on)
    if c.instance("catalog", catalog, CertificationCatalog) and c.identifier("type_id", type_id):
        c.require(type_id in catalog, "type_id", f"unknown certification type {type_id!r}")
    held = tuple(held_awards)
    for i, award in enumerate(held):
        if c.instance(f"held_awards[{i}]", award, CertificationAward) and isinstance(
            catalog, CertificationCatalog
        ):
            c.require(
                award.type_id in catalog,
                f"held_awards[{i}].type_id",
                f"unknown certification type {award.type_id!r}",
            )
    c.done()
    ctype = catalog.get(type_id)
    mine = [award for award in held if award.person_id == person_id]
    missing: list[Problem] = []
    for k, prerequisite in enumerate(ctype.prerequisites):
        qualifying = catalog.qualifying_types(prerequisite)
        if not any(
            award.type_id in qualifying and award_dates(award, catalog).status_on(earned_on).is_held
            for award in mine
        ):
            others = sorted(qualifying - {prerequisite})
            verb = "satisfies" if len(others) == 1 else "satisfy"
            also = f" (or {', '.join(map(repr, others))}, which {verb} it)" if others else ""
            missing.append(
                Problem(
                    f"prerequisites[{k}]",
                    f"{person_id!r} holds no {prerequisite!r}{also} on {earned_on.isoformat()}",
                )
            )
    if missing:
        raise MissingPrerequisite(missing)
    return CertificationAward(
        AwardId(award_id),
        PersonId(person_id),
        ctype.id,
        earned_on,
        _valid_until(ctype, earned_on),
    )
