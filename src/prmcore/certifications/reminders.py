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
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

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


class Reminder(tuple[Any, ...]):
    """One reminder about one award, from :func:`reminders_due`.

    An immutable, hashable record: a slotted tuple of its eight fields, so that a year of
    reminders for half a million awards stays cheap to build. Two reminders are equal when
    every field is; a reminder never equals a plain tuple.

    Args:
        award_id: The award.
        person_id: Its holder.
        type_id: Its certification type.
        kind: Before expiry, or expired.
        offset_days: Days before expiry (``None`` for an ``expired`` notice).
        expires_on: The award's expiry that the reminder is about.
        due_on: The day the reminder falls due.
        grace_ends_on: The last day the award still counts as held.

    .. versionadded:: 0.1.0
    """

    __slots__ = ()

    def __new__(
        cls,
        award_id: AwardId,
        person_id: PersonId,
        type_id: CertificationTypeId,
        kind: ReminderKind,
        offset_days: int | None,
        expires_on: dt.date,
        due_on: dt.date,
        grace_ends_on: dt.date,
    ) -> Reminder:
        return _new(
            cls,
            (award_id, person_id, type_id, kind, offset_days, expires_on, due_on, grace_ends_on),
        )

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)

    @property
    def award_id(self) -> AwardId:
        """The award."""
        return self[0]  # type: ignore[no-any-return]

    @property
    def person_id(self) -> PersonId:
        """Its holder, to be reminded."""
        return self[1]  # type: ignore[no-any-return]

    @property
    def type_id(self) -> CertificationTypeId:
        """Its certification type."""
        return self[2]  # type: ignore[no-any-return]

    @property
    def kind(self) -> ReminderKind:
        """Before expiry, or expired."""
        return self[3]  # type: ignore[no-any-return]

    @property
    def offset_days(self) -> int | None:
        """Days before expiry (``None`` for an ``expired`` notice)."""
        return self[4]  # type: ignore[no-any-return]

    @property
    def expires_on(self) -> dt.date:
        """The award's expiry (its last valid day) that the reminder is about."""
        return self[5]  # type: ignore[no-any-return]

    @property
    def due_on(self) -> dt.date:
        """The day the reminder falls due."""
        return self[6]  # type: ignore[no-any-return]

    @property
    def grace_ends_on(self) -> dt.date:
        """The last day the award still counts as held."""
        return self[7]  # type: ignore[no-any-return]

    @property
    def key(self) -> str:
        """The idempotency key: ``"{award_id}:{expires_on}:{offset_days or 'expired'}"``.

        .. versionadded:: 0.1.0
        """
        return _key(self[0], self[5].isoformat(), self[4])

    # A reminder equals only a reminder (as an attrs record would), never a plain tuple: as a
    # subclass, its methods are asked first on both sides of ``==``.
    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(_FIELDS, self, strict=True))
        return f"Reminder({fields})"


_new = tuple.__new__
_FIELDS = (
    "award_id",
    "person_id",
    "type_id",
    "kind",
    "offset_days",
    "expires_on",
    "due_on",
    "grace_ends_on",
)


def _key(award_id: str, expires_iso: str, offset: int | None) -> str:
    return f"{award_id}:{expires_iso}:{'expired' if offset is None else offset}"


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


_Step = tuple[int, int | None, ReminderKind]
_Plan = tuple[tuple[_Step, ...], int, Callable[[dt.date], dt.date] | None]


def _plan(ctype: CertificationType) -> _Plan:
    """A type's reminder steps in the order they fall due — ``(days from expiry, offset,
    kind)``, the longest offset first and the ``expired`` notice last —, how many days before
    expiry the first falls due, and its fast "last day held"."""
    offsets = sorted(ctype.reminder_days, reverse=True)
    steps: list[_Step] = [(-offset, offset, ReminderKind.BEFORE_EXPIRY) for offset in offsets]
    steps.append((1, None, ReminderKind.EXPIRED))
    return tuple(steps), offsets[0] if offsets else 0, _grace_end(ctype.grace)


_ID = operator.attrgetter("id")
# Windows up to this many days always get one list per day (see reminders_due).
_DENSE_DAYS = 1500
_FIRST = operator.itemgetter(0)


class _Days(dict[int, dt.date]):
    """Day ordinal to date, each date built once: reminders share them."""

    __slots__ = ()

    def __missing__(self, day: int) -> dt.date:
        found = self[day] = dt.date.fromordinal(day)
        return found


def _id_and_offset(reminder: Reminder) -> tuple[str, int]:
    offset = reminder[4]
    return reminder[0], -1 if offset is None else -offset


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
    plans = {t.id: _plan(t) for t in catalog.types} if catalog_ok else {}
    unchecked: tuple[object, ...] = items  # callers may pass anything
    if c.problems:  # the window or catalog is bad: still report every bad award
        for i, award in enumerate(unchecked):
            if not isinstance(award, CertificationAward):
                c.instance(f"awards[{i}]", award, CertificationAward)
            elif catalog_ok and award.type_id not in plans:
                c.add(f"awards[{i}].type_id", f"unknown certification type {award.type_id!r}")
        c.done()
    # One pass over the awards on plain day ordinals, each reminder filed under its day; the
    # days are then sorted, and within a day the reminders by award id. A year of reminders
    # for half a million awards must not spend its time in calendar arithmetic, per-reminder
    # date objects or a sort on tuples.
    first, last = start.toordinal(), end.toordinal()
    # Each day of the window gets its list and its date object up front when the window is not
    # much longer than there are awards (a list index is cheaper than a dictionary step per
    # reminder); a long window with few awards files them by day in a dictionary instead.
    span = last - first + 1
    dense = span <= max(_DENSE_DAYS, 4 * len(items))
    if dense:
        lists: list[list[Reminder]] = [[] for _ in range(span)]
        dates: Any = [dt.date.fromordinal(day) for day in range(first, last + 1)]
    else:
        by_day: defaultdict[int, list[Reminder]] = defaultdict(list)
        dates = _Days()
    base = first if dense else 0
    new = _new
    bad = False
    ordered, previous = True, ""  # awards in strictly increasing id order, so far
    for award in unchecked:
        if not isinstance(award, CertificationAward):
            bad = True
            break
        try:
            steps, reach, grace_end = plans[award.type_id]
        except KeyError:
            bad = True
            break
        expires = award.expires_on
        x = expires.toordinal()
        if x + 1 < first or x - reach > last:
            continue
        # The term's start (its latest renewal, else when earned), inlined: this runs for
        # every award with a reminder in the window.
        history = award.history
        opened = (history[-1].completed_on if history else award.earned_on).toordinal()
        low = first if first > opened else opened
        grace = expires if grace_end is None else grace_end(expires)
        aid, pid, tid = award.id, award.person_id, award.type_id
        if ordered:
            ordered = aid > previous
            previous = aid
        for delta, offset, kind in steps:  # in day order
            day = x + delta
            if day > last:
                break
            if day < low:
                continue
            if seen and _key(aid, expires.isoformat(), offset) in seen:
                continue
            at = day - base
            filed = lists[at] if dense else by_day[day]
            filed.append(new(Reminder, (aid, pid, tid, kind, offset, expires, dates[at], grace)))
    if bad:
        # Paths and messages are only built when some award is bad: the loop above sees every
        # award.
        for i, award in enumerate(unchecked):
            if not isinstance(award, CertificationAward):
                c.instance(f"awards[{i}]", award, CertificationAward)
            elif award.type_id not in plans:
                c.add(f"awards[{i}].type_id", f"unknown certification type {award.type_id!r}")
    c.done()
    days = lists if dense else [by_day[day] for day in sorted(by_day)]
    # Within a day: by award id, then the longest offset first, then input order (the sort is
    # stable). Awards given in increasing id order (as a store lists them) are filed in that
    # order already. Otherwise each day's list is sorted: by the id alone (a C-level string
    # sort) when ids are distinct, since an award has at most one reminder a day; by id and
    # offset when some id repeats.
    if not ordered:
        unique = len(set(map(_ID, items))) == len(items)
        order = _FIRST if unique else _id_and_offset
        for filed in days:
            filed.sort(key=order)
    found: list[Reminder] = []
    for filed in days:
        found.extend(filed)
    return found


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
