"""The certification service: define certification types, record and renew awards, and send
expiry reminders exactly once, each call in one unit of work.

Like :class:`~prmcore.partner_service.PartnerService`, it depends only on the
:class:`~prmcore.repositories.UnitOfWork` protocol, a :class:`~prmcore.events.Clock` and an
:class:`~prmcore.events.IdFactory`. Every call loads what it needs through the repositories,
runs the pure engines of :mod:`prmcore.certifications` and saves the result; events are
published after the commit, and a call that fails leaves storage as it was.

**Reminders are idempotent across runs.** :meth:`CertificationService.send_reminders` stores a
:class:`~prmcore.certifications.SentReminder` (keyed by the reminder's idempotency key) in the
same unit of work that collects the events, and skips reminders whose key is already stored.
Running it again over the same or an overlapping window sends nothing twice; two schedulers
racing over one window conflict on the key and one of them rolls back.

Example:
    >>> import datetime as dt
    >>> from prmcore.certifications import CertificationType, Duration
    >>> from prmcore.domain import Person
    >>> from prmcore.events import FixedClock, RecordingSink, SequentialIds
    >>> from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork
    >>> store, sink = InMemoryStore(), RecordingSink()
    >>> service = CertificationService(
    ...     lambda: InMemoryUnitOfWork(store, sink),
    ...     FixedClock(dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
    ...     SequentialIds("evt"),
    ... )
    >>> _ = service.add_types([CertificationType("spec", "Specialist", Duration(years=1))])
    >>> with InMemoryUnitOfWork(store) as uow:
    ...     _ = uow.people.add(Person(id="ann", name="Ann"))
    ...     uow.commit()
    >>> service.earn("ann", "spec", dt.date(2026, 1, 31), "a-1").expires_on
    datetime.date(2027, 1, 31)
    >>> [e.name for e in service.send_reminders(dt.date(2026, 11, 1), dt.date(2026, 11, 30))]
    ['CertificationExpiring']
    >>> service.send_reminders(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    []

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from prmcore._checks import Checks
from prmcore.certifications.award import AwardId, CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import CertificationType, CertificationTypeId
from prmcore.certifications.events import CertificationExpired, CertificationExpiring
from prmcore.certifications.reminders import SentReminder, reminder_events, reminders_due
from prmcore.certifications.renewal import RenewalPolicy, earn, renew
from prmcore.domain.ids import PersonId
from prmcore.events import Clock, IdFactory
from prmcore.repositories.protocols import UnitOfWork

__all__ = ["CertificationService", "load_catalog"]

_ONE_DAY = dt.timedelta(days=1)


def load_catalog(uow: UnitOfWork) -> CertificationCatalog:
    """The catalog of every certification type stored in *uow*.

    Raises:
        ValidationError: The stored types do not form a valid catalog (a prerequisite that
            was removed, say).

    .. versionadded:: 0.1.0
    """
    return CertificationCatalog(uow.certification_types.list())


class CertificationService:
    """Stores certification types and awards and sends reminders, publishing an event for each
    reminder.

    Args:
        uow_factory: Makes a new, not yet entered unit of work (for example
            ``lambda: SqliteUnitOfWork(store, sink)``); each call uses one.
        clock: Gives the time stamped on events and sent-reminder records.
        ids: Gives the event ids.

    .. versionadded:: 0.1.0
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, ids: IdFactory) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids

    def add_types(self, types: Iterable[CertificationType]) -> list[CertificationType]:
        """Add new certification types, checked together with the stored ones as one catalog.

        Args:
            types: The new types, at version 0.

        Returns:
            The types as stored (version 1), in the order given.

        Raises:
            ValidationError: The stored and new types together are not a valid catalog (an
                unknown prerequisite, a cycle, a duplicate id; paths ``types[i]...`` count the
                stored types first, sorted by id, then the new ones), or a type is not at
                version 0.
            ConflictError: A type with the same id is stored.
        """
        new = list(types)
        with self._uow_factory() as uow:
            before = uow.certification_types.list()
            stored = uow.certification_types.add_many(new)
            CertificationCatalog([*before, *new])
            uow.commit()
        return stored

    def catalog(self) -> CertificationCatalog:
        """The catalog of every stored certification type.

        Raises:
            ValidationError: The stored types do not form a valid catalog.
        """
        with self._uow_factory() as uow:
            return load_catalog(uow)

    def earn(
        self,
        person_id: PersonId | str,
        type_id: CertificationTypeId | str,
        earned_on: dt.date,
        award_id: AwardId | str,
    ) -> CertificationAward:
        """Record that *person_id* earned *type_id* on *earned_on* (see
        :func:`~prmcore.certifications.earn`).

        Returns:
            The new award as stored (version 1).

        Raises:
            NotFoundError: No such person.
            MissingPrerequisite: The person does not hold a prerequisite on *earned_on*.
            ValidationError: An unknown type or a bad argument.
            ConflictError: An award with *award_id* exists.
        """
        with self._uow_factory() as uow:
            person = uow.people.get(PersonId(person_id))
            award = earn(
                person.id,
                type_id,
                earned_on,
                uow.certification_awards.for_person(person.id),
                load_catalog(uow),
                award_id,
            )
            stored = uow.certification_awards.add(award)
            uow.commit()
        return stored

    def renew(
        self,
        award_id: AwardId | str,
        completed_on: dt.date,
        policy: RenewalPolicy | None = None,
    ) -> CertificationAward:
        """Renew the award *award_id* on *completed_on* (see
        :func:`~prmcore.certifications.renew`).

        Returns:
            The renewed award as stored, one version higher.

        Raises:
            NotFoundError: No such award.
            RenewalRefused: Too early or too late under *policy*.
            ValidationError: A bad argument or an unknown type.
            ConflictError: Another unit changed the award meanwhile.
        """
        with self._uow_factory() as uow:
            award = uow.certification_awards.get(AwardId(award_id))
            stored = uow.certification_awards.update(
                renew(award, load_catalog(uow), completed_on, policy)
            )
            uow.commit()
        return stored

    def send_reminders(
        self, start: dt.date, end: dt.date
    ) -> list[CertificationExpiring | CertificationExpired]:
        """Publish every reminder due from *start* to *end* (both inclusive) that was not sent
        before, and record each as sent, in one unit of work.

        Only awards that can have a reminder in the window are loaded: those expiring from
        the day before *start* (the "expired" notice) to *end* plus the longest reminder
        offset of any type.

        Returns:
            The events published, oldest due first.

        Raises:
            ValidationError: *end* is before *start*, or a stored award has a type that is not
                in the catalog.
            ConflictError: Another run recorded one of the same reminders meanwhile; nothing
                of this run is stored or published.
        """
        c = Checks()
        if c.date("start", start) and c.date("end", end):
            c.date_order("start", start, "end", end)
        c.done()
        with self._uow_factory() as uow:
            catalog = load_catalog(uow)
            longest = max((max(t.reminder_days, default=0) for t in catalog.types), default=0)
            first = start - _ONE_DAY if start > dt.date.min else start
            last = min(end, dt.date.max - dt.timedelta(days=longest)) + dt.timedelta(days=longest)
            awards = uow.certification_awards.expiring(first, last)
            seen = {sent.id for sent in uow.sent_reminders.due_between(start, end)}
            due = reminders_due(awards, catalog, start, end, seen=seen)
            now = self._clock.now()
            uow.sent_reminders.add_many(SentReminder.for_reminder(r, now) for r in due)
            events = reminder_events(due, ids=self._ids, occurred_at=now)
            uow.collect(*events)
            uow.commit()
        return events

    def expiring(self, first: dt.date, last: dt.date) -> list[CertificationAward]:
        """The awards expiring from *first* to *last* (both inclusive), soonest first (then by
        id): the upcoming expiries a partner manager looks at.

        Raises:
            ValidationError: A bound is not a date.
        """
        with self._uow_factory() as uow:
            found = uow.certification_awards.expiring(first, last)
        return sorted(found, key=lambda a: (a.expires_on, a.id))
