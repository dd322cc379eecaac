"""The routing service: route, accept, decline, expire and close leads, each call in one unit
of work that stores the routing record and the rotation and load it changed, then publishes
``LeadOffered``, ``LeadAccepted``, ``LeadDeclined``, ``LeadExpired`` or ``LeadUnroutable``
after the commit.

Rotation and load are versioned: the service writes them with compare-and-set, so when two
routers race, one of them gets :class:`~prmcore.errors.ConflictError`; the service then starts
that call over on fresh state (up to *max_retries* times), so no write is lost, no lead is
assigned twice and no capacity is exceeded. Routing a lead again with the same idempotency key
returns the stored record without routing again.

The service depends on the :class:`~prmcore.repositories.UnitOfWork` protocol only, so it runs
on the in-memory store, on SQLite, or on the host's own store.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from prmcore.domain import Agreement, Lead, LeadId, Partner, PartnerId
from prmcore.errors import ConflictError, PrmError
from prmcore.events import Clock, DomainEvent, IdFactory
from prmcore.lead_routing.events import (
    LeadAccepted,
    LeadDeclined,
    LeadExpired,
    LeadOffered,
    LeadUnroutable,
)
from prmcore.lead_routing.offers import (
    DeclineReason,
    LeadPreview,
    LeadRouting,
    OfferPolicy,
    OfferStatus,
    RoutingStatus,
    accept,
    decline,
    expire,
    lead_preview,
    next_offer,
    start_routing,
)
from prmcore.lead_routing.router import Router, RoutingDecision
from prmcore.lead_routing.state import PartnerLoad, RotationState

if TYPE_CHECKING:
    from prmcore.repositories.protocols import UnitOfWork

__all__ = ["LeadRoutingService", "RoutingResult"]

T = TypeVar("T")


@attrs.frozen
class RoutingResult:
    """What a routing call did.

    Attributes:
        record: The lead's routing record as stored.
        decision: The router's decision (with its trace when the service traces), or ``None``
            when nothing was routed (a replay of an earlier call, or an acceptance).
        replayed: True when the lead was routed before with the same idempotency key and the
            stored record was returned unchanged.

    .. versionadded:: 0.1.0
    """

    record: LeadRouting
    decision: RoutingDecision | None = None
    replayed: bool = False


class _UnitData:
    """:class:`~prmcore.lead_routing.RoutingData` read through one unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._partners: dict[str, Partner | None] = {}

    def partner(self, partner_id: str) -> Partner | None:
        if partner_id not in self._partners:
            self._partners[partner_id] = self._uow.partners.find(PartnerId(partner_id))
        return self._partners[partner_id]

    def agreements(self, partner_id: str) -> Sequence[Agreement]:
        return self._uow.agreements.for_partner(PartnerId(partner_id))

    def load(self, partner_id: str) -> PartnerLoad:
        found = self._uow.partner_loads.find(PartnerId(partner_id))
        return found if found is not None else PartnerLoad(PartnerId(partner_id))

    def rotation(self, territory_id: str) -> RotationState:
        found = self._uow.rotation_states.find(territory_id)
        return found if found is not None else RotationState(territory_id)


def _save(repo: Any, obj: Any) -> Any:
    return repo.add(obj) if obj.version == 0 else repo.update(obj)


class LeadRoutingService:
    """Routes leads and runs their offers through repositories and units of work.

    Args:
        uow_factory: Makes a new, not yet entered unit of work; each attempt of each call
            uses one.
        router: The router (its model is the active territory model).
        clock: The time of routing, deadlines and events.
        ids: Event ids.
        policy: SLA and maximum attempts.
        trace: Build a trace for every decision (returned in :class:`RoutingResult`).
        max_retries: How often a call is started over after a
            :class:`~prmcore.errors.ConflictError` before it gives up and raises it.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        router: Router,
        clock: Clock,
        ids: IdFactory,
        *,
        policy: OfferPolicy | None = None,
        trace: bool = False,
        max_retries: int = 100,
    ) -> None:
        self._uow_factory = uow_factory
        self.router = router
        self._clock = clock
        self._ids = ids
        self.policy = policy if policy is not None else OfferPolicy()
        self._trace = trace
        self._max_retries = max_retries
        self.conflicts = 0
        """How many conflicts were retried (for monitoring)."""

    def _retry(self, work: Callable[[], T]) -> T:
        for attempt in range(self._max_retries + 1):
            try:
                return work()
            except ConflictError:
                if attempt == self._max_retries:
                    raise
                self.conflicts += 1
        raise AssertionError("unreachable")  # pragma: no cover

    def _event(self, make: Callable[..., DomainEvent], *args: Any) -> DomainEvent:
        return make(*args, id=self._ids(), occurred_at=self._clock.now())

    def _offer_events(self, record: LeadRouting) -> list[DomainEvent]:
        if record.status is RoutingStatus.QUEUED:
            return [self._event(LeadUnroutable.for_record, record)]
        return [self._event(LeadOffered.for_offer, record, record.offers[-1])]

    # -- routing -----------------------------------------------------------------------------

    def route(self, lead: Lead, *, idempotency_key: str | None = None) -> RoutingResult:
        """Route a new lead: offer it to a partner, or put it in the fallback queue. The lead
        is stored too when it is not yet.

        Args:
            lead: The lead.
            idempotency_key: Routing the lead again with the same key returns the stored
                record (``replayed``); default: the lead id.

        Raises:
            ConflictError: The lead was routed before with a different idempotency key
                (nothing is changed), or conflicts persisted beyond *max_retries*.
        """
        key = idempotency_key if idempotency_key is not None else lead.id
        outcome = self._retry(lambda: self._route_once(lead, key))
        if isinstance(outcome, PrmError):
            raise outcome
        return outcome

    def _route_once(self, lead: Lead, key: str) -> RoutingResult | PrmError:
        with self._uow_factory() as uow:
            existing = uow.lead_routings.find(lead.id)
            if existing is not None:
                if existing.idempotency_key == key:
                    return RoutingResult(existing, None, replayed=True)
                return ConflictError(
                    "LeadRouting",
                    lead.id,
                    None,
                    existing.version,
                    f"was routed with idempotency key {existing.idempotency_key!r}, not {key!r}",
                )
            now = self._clock.now()
            # Decide before the first write: a SQLite unit holds the write lock from then on.
            decision = self.router.route(lead, _UnitData(uow), now, trace=self._trace)
            record = start_routing(lead, decision, key, now, self.policy)
            if uow.leads.find(lead.id) is None:
                uow.leads.add(attrs.evolve(lead, version=0) if lead.version else lead)
            self._store_decision(uow, decision)
            stored = uow.lead_routings.add(record)
            uow.collect(*self._offer_events(stored))
            uow.commit()
        return RoutingResult(stored, decision)

    @staticmethod
    def _store_decision(uow: UnitOfWork, decision: RoutingDecision) -> None:
        if decision.rotation is not None:
            _save(uow.rotation_states, decision.rotation)
        if decision.load is not None:
            _save(uow.partner_loads, decision.load)

    def _reroute(self, uow: UnitOfWork, record: LeadRouting) -> tuple[LeadRouting, RoutingDecision]:
        lead = uow.leads.get(record.id)
        now = self._clock.now()
        decision = self.router.route(
            lead,
            _UnitData(uow),
            now,
            declined=record.declined_by,
            attempt=record.attempts + 1,
            trace=self._trace,
        )
        routed = next_offer(record, decision, now, self.policy)
        if routed.attempts > record.attempts:
            self._store_decision(uow, decision)
        return routed, decision

    # -- offers ------------------------------------------------------------------------------

    def accept(self, lead_id: LeadId | str, partner_id: PartnerId | str) -> LeadRouting:
        """The partner accepts its pending offer; publishes ``LeadAccepted``.

        Raises:
            NotFoundError: The lead was never routed.
            ValidationError: The partner holds no pending offer of the lead.
            InvalidTransition: The offer's deadline passed.
        """

        def work() -> LeadRouting:
            with self._uow_factory() as uow:
                record = uow.lead_routings.get(LeadId(lead_id))
                accepted = accept(record, partner_id, self._clock.now())
                load = _UnitData(uow).load(partner_id)
                _save(uow.partner_loads, load.with_accept())
                stored = uow.lead_routings.update(accepted)
                uow.collect(self._event(LeadAccepted.for_offer, stored, stored.offers[-1]))
                uow.commit()
            return stored

        return self._retry(work)

    def decline(
        self,
        lead_id: LeadId | str,
        partner_id: PartnerId | str,
        reason: DeclineReason | str,
        note: str | None = None,
    ) -> RoutingResult:
        """The partner declines its pending offer; the lead is re-routed at once, excluding
        every partner that declined it (or let it expire), or queued after the last attempt.
        Publishes ``LeadDeclined`` and then ``LeadOffered`` or ``LeadUnroutable``.

        Raises:
            NotFoundError: The lead was never routed.
            ValidationError: No pending offer for the partner; an unknown reason; ``other``
                without a note.
            InvalidTransition: The offer's deadline passed.
        """

        def work() -> RoutingResult:
            with self._uow_factory() as uow:
                record = uow.lead_routings.get(LeadId(lead_id))
                declined = decline(record, partner_id, reason, self._clock.now(), note)
                offer = declined.offers[-1]
                load = _UnitData(uow).load(partner_id)
                _save(uow.partner_loads, load.with_decline(offer.period))
                events = [self._event(LeadDeclined.for_offer, declined, offer)]
                routed, decision = self._reroute(uow, declined)
                stored = uow.lead_routings.update(routed)
                uow.collect(*events, *self._offer_events(stored))
                uow.commit()
            return RoutingResult(stored, decision)

        return self._retry(work)

    def expire_due(self) -> list[RoutingResult]:
        """Expire every pending offer whose deadline passed and re-route those leads (each
        in a unit of its own). Publishes ``LeadExpired`` and then ``LeadOffered`` or
        ``LeadUnroutable`` per lead.

        Returns:
            One result per expired lead, sorted by lead id.
        """
        with self._uow_factory() as uow:
            now = self._clock.now()
            due = [
                r.id
                for r in uow.lead_routings.list(status=RoutingStatus.OFFERED)
                if r.current is not None and now > r.current.deadline
            ]
        results = []
        for lead_id in due:
            result = self._retry(lambda lead_id=lead_id: self._expire_one(lead_id))  # type: ignore[misc]
            if result is not None:
                results.append(result)
        return results

    def _expire_one(self, lead_id: LeadId) -> RoutingResult | None:
        with self._uow_factory() as uow:
            record = uow.lead_routings.get(lead_id)
            expired = expire(record, self._clock.now())
            if expired is None:  # answered meanwhile
                return None
            offer = expired.offers[-1]
            load = _UnitData(uow).load(offer.partner_id)
            _save(uow.partner_loads, load.with_expiry(offer.period))
            events = [self._event(LeadExpired.for_offer, expired, offer)]
            routed, decision = self._reroute(uow, expired)
            stored = uow.lead_routings.update(routed)
            uow.collect(*events, *self._offer_events(stored))
            uow.commit()
        return RoutingResult(stored, decision)

    def close(self, lead_id: LeadId | str, *, won: bool) -> LeadRouting:
        """Close an accepted lead, won or lost: frees the partner's capacity and counts
        towards its win rate.

        Raises:
            NotFoundError: The lead was never routed.
            InvalidTransition: The lead is not accepted.
        """

        def work() -> LeadRouting:
            with self._uow_factory() as uow:
                record = uow.lead_routings.get(LeadId(lead_id))
                if record.status is not RoutingStatus.ACCEPTED:
                    from prmcore.errors import InvalidTransition

                    raise InvalidTransition(
                        "LeadRouting", record.status.value, "closed", ["accepted"]
                    )
                offer = record.offers[-1]
                assert offer.status is OfferStatus.ACCEPTED
                load = _UnitData(uow).load(offer.partner_id)
                _save(uow.partner_loads, load.with_close(won=won))
                stored = uow.lead_routings.update(attrs.evolve(record, status=RoutingStatus.CLOSED))
                uow.commit()
            return stored

        return self._retry(work)

    def preview(self, lead_id: LeadId | str, partner_id: PartnerId | str) -> LeadPreview:
        """What the partner may see of the lead (the contact hidden until it accepts).

        Raises:
            NotFoundError: The lead was never routed.
            ValidationError: The partner holds no offer of the lead.
        """
        with self._uow_factory() as uow:
            record = uow.lead_routings.get(LeadId(lead_id))
            lead = uow.leads.get(LeadId(lead_id))
        return lead_preview(lead, record, partner_id)
