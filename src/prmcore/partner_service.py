"""The partner service: register partners and move them through their lifecycle, each call in
one unit of work that stores the change and announces it with a domain event.

The service depends only on the :class:`~prmcore.repositories.UnitOfWork` protocol, a
:class:`~prmcore.events.Clock` and an :class:`~prmcore.events.IdFactory`, so the same code runs
on the in-memory store in tests and on SQLite (or the host's database) in production. A call
that fails for any reason leaves storage as it was and publishes nothing.

Example:
    >>> import datetime as dt
    >>> from prmcore.domain import PartnerKind
    >>> from prmcore.events import FixedClock, RecordingSink, SequentialIds
    >>> from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork
    >>> store, sink = InMemoryStore(), RecordingSink()
    >>> service = PartnerService(
    ...     lambda: InMemoryUnitOfWork(store, sink),
    ...     FixedClock(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
    ...     SequentialIds("evt"),
    ... )
    >>> partner = service.register(Partner(id="p-1", name="Acme IT", kind=PartnerKind.MSP))
    >>> service.change_status("p-1", "onboarding").version
    2
    >>> sink.names
    ['PartnerRegistered', 'PartnerStatusChanged']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable

from prmcore.domain import Partner, PartnerId, PartnerStatus
from prmcore.errors import ConflictError
from prmcore.events import Clock, IdFactory, PartnerRegistered, PartnerStatusChanged
from prmcore.repositories.protocols import UnitOfWork

__all__ = ["PartnerService"]


class PartnerService:
    """Registers partners and changes their status, publishing an event for each change.

    Args:
        uow_factory: Makes a new, not yet entered unit of work (for example
            ``lambda: SqliteUnitOfWork(store, sink)``); each call uses one.
        clock: Gives the time stamped on events.
        ids: Gives the event ids.

    .. versionadded:: 0.1.0
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, ids: IdFactory) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids

    def register(self, partner: Partner) -> Partner:
        """Add a new partner and publish :class:`~prmcore.events.PartnerRegistered`.

        Args:
            partner: The new partner, at version 0.

        Returns:
            The partner as stored (version 1).

        Raises:
            ConflictError: A partner with the same id exists.
            ValidationError: *partner* is at a version other than 0.
        """
        with self._uow_factory() as uow:
            stored = uow.partners.add(partner)
            uow.collect(
                PartnerRegistered.for_partner(stored, id=self._ids(), occurred_at=self._clock.now())
            )
            uow.commit()
        return stored

    def change_status(
        self,
        partner_id: PartnerId | str,
        target: PartnerStatus | str,
        expected_version: int | None = None,
    ) -> Partner:
        """Move a partner to status *target* and publish
        :class:`~prmcore.events.PartnerStatusChanged`.

        Args:
            partner_id: Which partner.
            target: The new status (``PartnerStatus.ACTIVE`` or ``"active"``).
            expected_version: When given, the change is made only if the partner is still at
                this version (the one the caller showed its user).

        Returns:
            The partner as stored, one version higher.

        Raises:
            NotFoundError: No such partner.
            InvalidTransition: The lifecycle does not allow the change.
            ValidationError: *target* is not a status.
            ConflictError: The partner is not at *expected_version*, or another unit changed it
                while this one worked.
        """
        with self._uow_factory() as uow:
            current = uow.partners.get(PartnerId(partner_id))
            if expected_version is not None and current.version != expected_version:
                raise ConflictError("Partner", current.id, expected_version, current.version)
            stored = uow.partners.update(current.transition(target))
            uow.collect(
                PartnerStatusChanged.for_change(
                    current, stored, id=self._ids(), occurred_at=self._clock.now()
                )
            )
            uow.commit()
        return stored
