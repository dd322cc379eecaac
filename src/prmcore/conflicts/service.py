"""The deal-registration service: submit, approve, reject, extend, withdraw, close and expire
registrations, each call in one unit of work that stores the change and announces it.

The service depends only on the :class:`~prmcore.repositories.UnitOfWork` protocol, a
:class:`~prmcore.events.Clock` and an :class:`~prmcore.events.IdFactory`. It keeps a
:class:`~prmcore.conflicts.ConflictDetector` in memory: :meth:`~DealRegistrationService.load_index`
fills it from storage in one bulk read (the submitted, approved and won registrations, and the
house, named and customer accounts), and every successful call updates it after its commit. A
call that fails for any reason leaves storage as it was, publishes nothing and leaves the
detector unchanged.

Events: :class:`~prmcore.conflicts.events.DealSubmitted`,
:class:`~prmcore.conflicts.events.ConflictDetected` (a submission with conflicts, with the
policy's outcome), :class:`~prmcore.conflicts.events.DealApproved`,
:class:`~prmcore.conflicts.events.DealRejected`, :class:`~prmcore.conflicts.events.DealExtended`,
:class:`~prmcore.conflicts.events.DealExpired`, :class:`~prmcore.conflicts.events.DealWithdrawn`
and :class:`~prmcore.conflicts.events.DealClosed`, each published after the commit.

Example:
    >>> import datetime as dt
    >>> from prmcore.conflicts import CompanyRef, DealRegistration
    >>> from prmcore.events import FixedClock, RecordingSink, SequentialIds
    >>> from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork
    >>> store, sink = InMemoryStore(), RecordingSink()
    >>> clock = FixedClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    >>> service = DealRegistrationService(
    ...     lambda: InMemoryUnitOfWork(store, sink), clock, SequentialIds("evt")
    ... )
    >>> def draft(id, partner):
    ...     return DealRegistration(id=id, partner_id=partner, product_lines=("fw",),
    ...                             customer=CompanyRef("Acme GmbH", domain="acme.de"),
    ...                             created_at=clock.now())
    >>> service.submit(draft("dr-1", "p-1")).resolution.decision.value
    'approve'
    >>> second = service.submit(draft("dr-2", "p-2"))
    >>> str(second.resolution)
    'reject by first_to_register: registration dr-1 was submitted first (2026-03-02T00:00:00+00:00)'
    >>> sink.names
    ['DealSubmitted', 'DealSubmitted', 'ConflictDetected']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from prmcore._checks import Checks
from prmcore.conflicts.detector import ConflictDetector, ConflictReport
from prmcore.conflicts.events import (
    ConflictDetected,
    DealApproved,
    DealClosed,
    DealExpired,
    DealExtended,
    DealRejected,
    DealSubmitted,
    DealWithdrawn,
)
from prmcore.conflicts.policies import Decision, FirstToRegister, Resolution, ResolutionPolicy
from prmcore.conflicts.registration import (
    DealRegistration,
    DealRegistrationId,
    DealStatus,
    RegistrationRules,
    due_for_expiry,
)
from prmcore.errors import ConflictError
from prmcore.events import Clock, DomainEvent, IdFactory

if TYPE_CHECKING:
    from prmcore.repositories.protocols import UnitOfWork

__all__ = ["DealRegistrationService", "Submission"]


@attrs.frozen
class Submission:
    """What :meth:`DealRegistrationService.submit` did.

    Args:
        registration: The registration as stored (submitted; approved or rejected when the
            service decides automatically).
        report: The conflicts found.
        resolution: The policy's outcome.

    .. versionadded:: 0.1.0
    """

    registration: DealRegistration
    report: ConflictReport
    resolution: Resolution


class DealRegistrationService:
    """Runs deal registrations through their lifecycle, checking conflicts on submission.

    Args:
        uow_factory: Makes a new, not yet entered unit of work; each call uses one.
        clock: Gives the time of every change and event.
        ids: Gives the event ids.
        rules: The program's registration rules.
        policy: Resolves conflicts on submission (first to register by default).
        detector: The conflict detector to keep current; a new one on *rules* by default.
        auto_decide: Apply the policy's decision on submission (approve, approve at a
            reduced benefit, or reject; ``review`` leaves it submitted). Off by default: the
            outcome is returned and published, and a person decides.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        *,
        rules: RegistrationRules | None = None,
        policy: ResolutionPolicy | None = None,
        detector: ConflictDetector | None = None,
        auto_decide: bool = False,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self.rules = rules or (detector.rules if detector is not None else RegistrationRules())
        self.policy: ResolutionPolicy = policy or FirstToRegister()
        # Not `detector or ...`: an empty detector is falsy (it has a length).
        self.detector = detector if detector is not None else ConflictDetector(self.rules)
        self.auto_decide = auto_decide

    def _now(self) -> dt.datetime:
        now = self._clock.now()
        c = Checks()
        c.aware_datetime("clock.now()", now)
        c.done()
        return now.astimezone(dt.UTC)

    def load_index(self) -> int:
        """Fill the detector from storage: every submitted, approved and won registration
        (one bulk read) and the accounts. Returns how many registrations were indexed."""
        with self._uow_factory() as uow:
            registrations = uow.deal_registrations.indexable()
            accounts = uow.accounts.list()
        self.detector.set_accounts(accounts)
        return self.detector.load(registrations)

    def check(self, registration: DealRegistration) -> tuple[ConflictReport, Resolution]:
        """The conflicts and the policy's outcome for *registration* now, storing nothing."""
        report = self.detector.check(registration, self._now())
        return report, self.policy.resolve(registration, report)

    def submit(self, registration: DealRegistration) -> Submission:
        """Submit a draft (new at version 0, or stored), check it for conflicts and apply the
        policy; publish :class:`~prmcore.conflicts.events.DealSubmitted`, and
        :class:`~prmcore.conflicts.events.ConflictDetected` when there are conflicts (plus
        the decision's event when deciding automatically).

        Raises:
            InvalidTransition: It is not a draft.
            ConflictError: A new registration's id is taken, or a stored one changed since it
                was read.
            ValidationError: Bad input (a clock that is not timezone-aware, ...).
        """
        if not isinstance(registration, DealRegistration):
            raise TypeError(f"submit() takes a DealRegistration, not {type(registration).__name__}")
        now = self._now()
        with self._uow_factory() as uow:
            repo = uow.deal_registrations
            submitted = registration.submit(now, self.rules)
            report = self.detector.check(submitted, now)
            resolution = self.policy.resolve(submitted, report)
            final = submitted
            if self.auto_decide:
                final = self._decide(submitted, resolution, now)
            stored = repo.add(final) if registration.version == 0 else repo.update(final)
            events: list[DomainEvent] = [
                DealSubmitted.for_registration(stored, id=self._ids(), occurred_at=now)
            ]
            if report.has_conflicts:
                events.append(
                    ConflictDetected.for_report(
                        stored, report, resolution, id=self._ids(), occurred_at=now
                    )
                )
            if stored.status is DealStatus.APPROVED:
                events.append(
                    DealApproved.for_registration(stored, id=self._ids(), occurred_at=now)
                )
            elif stored.status is DealStatus.REJECTED:
                events.append(
                    DealRejected.for_registration(stored, id=self._ids(), occurred_at=now)
                )
            uow.collect(*events)
            uow.commit()
        self.detector.add(stored)
        return Submission(stored, report, resolution)

    def _decide(
        self, registration: DealRegistration, resolution: Resolution, now: dt.datetime
    ) -> DealRegistration:
        if resolution.decision in (Decision.APPROVE, Decision.APPROVE_REDUCED):
            return registration.approve(now, self.rules, benefit_factor=resolution.benefit_factor)
        if resolution.decision is Decision.REJECT:
            return registration.reject(now, f"{resolution.policy}: {resolution.reason}")
        return registration

    def _change(
        self,
        registration_id: DealRegistrationId | str,
        expected_version: int | None,
        change: Callable[[DealRegistration, dt.datetime], DealRegistration],
        event: Callable[..., DomainEvent],
    ) -> DealRegistration:
        now = self._now()
        with self._uow_factory() as uow:
            repo = uow.deal_registrations
            current = repo.get(DealRegistrationId(registration_id))
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(
                    "DealRegistration", current.id, expected_version, current.version
                )
            stored = repo.update(change(current, now))
            uow.collect(event(stored, id=self._ids(), occurred_at=now))
            uow.commit()
        self.detector.add(stored)
        return stored

    def approve(
        self,
        registration_id: DealRegistrationId | str,
        *,
        benefit_factor: Decimal | str | int = 1,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """Approve a submitted registration (protection starts, if it counts from approval);
        publish :class:`~prmcore.conflicts.events.DealApproved`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is not submitted.
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.approve(now, self.rules, benefit_factor=benefit_factor),
            DealApproved.for_registration,
        )

    def reject(
        self,
        registration_id: DealRegistrationId | str,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """Reject a submitted registration; publish
        :class:`~prmcore.conflicts.events.DealRejected`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is not submitted.
            ValidationError: *reason* is blank.
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.reject(now, reason),
            DealRejected.for_registration,
        )

    def extend(
        self,
        registration_id: DealRegistrationId | str,
        days: int,
        *,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """Extend an approved registration's protection by *days* (within the rules' caps);
        publish :class:`~prmcore.conflicts.events.DealExtended`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is not approved.
            ValidationError: Too long, too many extensions, or protection already ended.
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.extend(now, days, self.rules),
            DealExtended.for_registration,
        )

    def withdraw(
        self,
        registration_id: DealRegistrationId | str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """The partner withdraws a registration; publish
        :class:`~prmcore.conflicts.events.DealWithdrawn`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is already final.
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.withdraw(now, reason),
            DealWithdrawn.for_registration,
        )

    def close(
        self,
        registration_id: DealRegistrationId | str,
        won: bool,
        *,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """Record that an approved deal was won or lost; publish
        :class:`~prmcore.conflicts.events.DealClosed`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is not approved.
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.close(won, now),
            DealClosed.for_registration,
        )

    def expire(
        self,
        registration_id: DealRegistrationId | str,
        reason: str = "expired by the vendor",
        *,
        expected_version: int | None = None,
    ) -> DealRegistration:
        """Expire one active registration now; publish
        :class:`~prmcore.conflicts.events.DealExpired`.

        Raises:
            NotFoundError: No such registration.
            InvalidTransition: It is not submitted or approved (won and lost never expire).
            ConflictError: It is not at *expected_version*, or changed meanwhile.
        """
        return self._change(
            registration_id,
            expected_version,
            lambda r, now: r.expire(now, reason),
            DealExpired.for_registration,
        )

    def expire_due(self) -> list[DealRegistration]:
        """Auto-expiry: expire every active registration whose protection ended or that had
        no update for the rules' ``release_after_days``, in one unit of work; publish one
        :class:`~prmcore.conflicts.events.DealExpired` each. Won and lost registrations are
        never touched. Returns the expired registrations, sorted by id.

        Raises:
            ConflictError: One of them changed meanwhile; nothing is expired.
        """
        now = self._now()
        expired: list[DealRegistration] = []
        with self._uow_factory() as uow:
            repo = uow.deal_registrations
            for status in (DealStatus.SUBMITTED, DealStatus.APPROVED):
                for registration in repo.list(status=status):
                    reason = due_for_expiry(registration, now, self.rules)
                    if reason is not None:
                        expired.append(repo.update(registration.expire(now, reason)))
            expired.sort(key=lambda r: r.id)
            uow.collect(
                *(DealExpired.for_registration(r, id=self._ids(), occurred_at=now) for r in expired)
            )
            uow.commit()
        for registration in expired:
            self.detector.add(registration)
        return expired
