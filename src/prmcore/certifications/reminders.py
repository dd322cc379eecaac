"""Expiry reminders: which reminders fall due in a window of days, each exactly once.

Every award has one reminder per ``reminder_days`` offset of its type (default 90, 60 and 30
days before expiry) and an ``expired`` notice on the day after expiry. A reminder's
:attr:`Reminder.key` — ``"{award_id}:{expires_on}:{offset}"``, such as
``"a-1:2027-05-31:90"`` or ``"a-1:2027-05-31:expired"`` — is built from the award's *current*
expiry, so a renewed award gets a fresh set of reminders and the old ones are never repeated.

Idempotency, two ways:

- :func:`reminders_due` returns the reminders *due* in ``[start, end]`` (both inclusive). A
  scheduler that runs over consecutive windows that do not overlap (``[Mar 1, Mar 1]``, then
  ``[Mar 2, Mar 2]``, or "since the last run" ``[last_end + 1, today]``) sees each reminder in
  exactly one run, and one that missed a day catches up by widening the window.
- When windows may overlap (a retry, two schedulers), pass the keys already sent as ``seen``:
  those reminders are skipped. Consumers can also drop duplicates by the
  ``idempotency_key`` in each event's payload.

Reminders due before the award's current term started (a 90-day reminder for a 60-day
certification) are not produced.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Collection, Iterable

import attrs

from prmcore._checks import Checks, Validated
from prmcore.certifications.award import AwardId, CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import CertificationType, CertificationTypeId
from prmcore.certifications.compliance import _grace_end
from prmcore.certifications.events import CertificationExpired, CertificationExpiring
from prmcore.domain.ids import PersonId

__all__ = [
    "Reminder",
    "ReminderKind",
    "SentReminder",
    "reminder_events",
    "reminders_due",
]


class ReminderKind(enum.StrEnum):
    """What a :class:`Reminder` announces.

    - ``before_expiry``: the award expires in ``offset_days`` days.
    - ``expired``: the award expired yesterday (it may be in grace).

    .. versionadded:: 0.1.0
    """

    BEFORE_EXPIRY = "before_expiry"
    EXPIRED = "expired"


@attrs.frozen
class Reminder:
    """One reminder about one award, from :func:`reminders_due`.

    .. versionadded:: 0.1.0
    """

    award_id: AwardId
    """The award."""
    person_id: PersonId
    """Its holder, to be reminded."""
    type_id: CertificationTypeId
    """Its certification type."""
    kind: ReminderKind
    """Before expiry, or expired."""
    offset_days: int | None
    """Days before expiry (``None`` for an ``expired`` notice)."""
    expires_on: dt.date
    """The award's expiry (its last valid day) that the reminder is about."""
    due_on: dt.date
    """The day the reminder falls due."""
    grace_ends_on: dt.date
    """The last day the award still counts as held."""

    @property
    def key(self) -> str:
        """The idempotency key: ``"{award_id}:{expires_on}:{offset_days or 'expired'}"``.

        .. versionadded:: 0.1.0
        """
        offset = "expired" if self.offset_days is None else str(self.offset_days)
        return f"{self.award_id}:{self.expires_on.isoformat()}:{offset}"


@attrs.frozen
class SentReminder(Validated):
    """The record that a reminder was sent, so that it is never sent twice: what a store keeps
    (one per :attr:`Reminder.key`) to make reminder runs idempotent across processes and
    overlapping windows.

    Args:
        id: The reminder's :attr:`Reminder.key` (``"a-1:2027-05-31:90"``).
        award_id: The award it was about.
        due_on: The day it fell due.
        sent_at: When it was sent (timezone-aware).
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field.

    Examples:
        >>> import datetime as dt
        >>> SentReminder.for_reminder(reminder, dt.datetime(2027, 3, 2, tzinfo=dt.UTC)).id
        ... # doctest: +SKIP
        'a-1:2027-05-31:90'

    .. versionadded:: 0.1.0
    """

    id: str
    """The reminder's idempotency key."""
    award_id: AwardId
    """The award."""
    due_on: dt.date
    """The day the reminder fell due."""
    sent_at: dt.datetime
    """When it was sent."""
    version: int = 0
    """Set by the repository."""

    def _validate(self, c: Checks) -> None:
        # A key holds an award id and more, so it may be longer than an id.
        c.text("id", self.id, max_length=300)
        c.identifier("award_id", self.award_id)
        c.date("due_on", self.due_on)
        c.aware_datetime("sent_at", self.sent_at)
        c.integer("version", self.version, minimum=0)

    @classmethod
    def for_reminder(cls, reminder: Reminder, sent_at: dt.datetime) -> SentReminder:
        """The record of *reminder*, sent at *sent_at*.

        .. versionadded:: 0.1.0
        """
        return cls(reminder.key, reminder.award_id, reminder.due_on, sent_at)


def _plan(ctype: CertificationType) -> tuple[tuple[int, ...], Callable[[dt.date], dt.date] | None]:
    """A type's reminder offsets, longest first, and its fast "last day held"."""
    return tuple(sorted(ctype.reminder_days, reverse=True)), _grace_end(ctype.grace)


def reminders_due(
    awards: Iterable[CertificationAward],
    catalog: CertificationCatalog,
    start: dt.date,
    end: dt.date,
    *,
    seen: Collection[str] = (),
) -> list[Reminder]:
    """The reminders that fall due from *start* to *end* (both inclusive), oldest first.

    Args:
        awards: The awards to look at (any status; a pending award gets reminders too).
        catalog: The program's types (for each type's ``reminder_days`` and grace).
        start: The first day of the window.
        end: The last day of the window.
        seen: Keys of reminders already sent; these are skipped (a ``set`` is fastest).

    Raises:
        ValidationError: A bad argument: ``end`` before ``start``, an award whose type is not in
            the catalog (path ``awards[3].type_id``).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import (
        ...     CertificationAward, CertificationCatalog, CertificationType, Duration)
        >>> catalog = CertificationCatalog(
        ...     [CertificationType("spec", "Specialist", validity=Duration(years=1))])
        >>> award = CertificationAward("a-1", "p-1", "spec", dt.date(2026, 1, 1),
        ...                            dt.date(2027, 1, 1))
        >>> [r.key for r in reminders_due([award], catalog, dt.date(2026, 10, 1),
        ...                               dt.date(2027, 1, 31))]
        ['a-1:2027-01-01:90', 'a-1:2027-01-01:60', 'a-1:2027-01-01:30', 'a-1:2027-01-01:expired']

    .. versionadded:: 0.1.0
    """
    c = Checks()
    if c.date("start", start) and c.date("end", end):
        c.date_order("start", start, "end", end)
    catalog_ok = c.instance("catalog", catalog, CertificationCatalog)
    items = tuple(awards)
    known = {t.id for t in catalog.types} if catalog_ok else set()
    unchecked: tuple[object, ...] = items  # callers may pass anything
    for i, award in enumerate(unchecked):
        # Paths and messages are only built for the bad ones: this loop sees every award.
        if not isinstance(award, CertificationAward):
            c.instance(f"awards[{i}]", award, CertificationAward)
        elif catalog_ok and award.type_id not in known:
            c.add(f"awards[{i}].type_id", f"unknown certification type {award.type_id!r}")
    c.done()
    # Plain ordinals and one pass per award: a year of reminders for half a million awards
    # must not spend its time in calendar arithmetic.
    first, last = start.toordinal(), end.toordinal()
    plans: dict[str, tuple[tuple[int, ...], Callable[[dt.date], dt.date] | None]] = {}
    found: list[tuple[int, str, int, int, Reminder]] = []
    for award in items:
        plan = plans.get(award.type_id)
        if plan is None:
            plan = plans[award.type_id] = _plan(catalog.get(award.type_id))
        offsets, grace_end = plan
        expires = award.expires_on
        x = expires.toordinal()
        if x + 1 < first or x - (offsets[0] if offsets else 0) > last:
            continue
        opened = award.term_start.toordinal()
        grace_ends_on: dt.date | None = None
        for offset in (*offsets, None):
            if offset is None:
                if expires == dt.date.max:
                    continue
                day = x + 1
            else:
                day = x - offset
            if not (first <= day <= last and day >= opened):
                continue
            if grace_ends_on is None:
                grace_ends_on = expires if grace_end is None else grace_end(expires)
            reminder = Reminder(
                award.id,
                award.person_id,
                award.type_id,
                ReminderKind.EXPIRED if offset is None else ReminderKind.BEFORE_EXPIRY,
                offset,
                expires,
                dt.date.fromordinal(day),
                grace_ends_on,
            )
            if not seen or reminder.key not in seen:
                found.append(
                    (day, award.id, -1 if offset is None else -offset, len(found), reminder)
                )
    found.sort()
    return [item[-1] for item in found]


def reminder_events(
    reminders: Iterable[Reminder],
    *,
    ids: Callable[[], str],
    occurred_at: dt.datetime,
) -> list[CertificationExpiring | CertificationExpired]:
    """One event per reminder, in order: :class:`~prmcore.certifications.CertificationExpiring`
    before expiry, :class:`~prmcore.certifications.CertificationExpired` after.

    Args:
        reminders: From :func:`reminders_due`.
        ids: Makes each event's id (an :class:`~prmcore.events.IdFactory` such as
            :class:`~prmcore.events.SequentialIds`).
        occurred_at: The events' time, timezone-aware (from a :class:`~prmcore.events.Clock`).

    Raises:
        ValidationError: *occurred_at* is not timezone-aware, or an id is not a valid id.

    .. versionadded:: 0.1.0
    """
    events: list[CertificationExpiring | CertificationExpired] = []
    for reminder in reminders:
        if reminder.kind is ReminderKind.EXPIRED:
            events.append(
                CertificationExpired.for_reminder(reminder, id=ids(), occurred_at=occurred_at)
            )
        else:
            events.append(
                CertificationExpiring.for_reminder(reminder, id=ids(), occurred_at=occurred_at)
            )
    return events
