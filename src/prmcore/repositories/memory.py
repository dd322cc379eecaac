"""The in-memory store: a thread-safe, dict-backed implementation of the repository protocols.

Use it in tests, notebooks and what-if simulations, or as the reference that other stores are
compared with. Data lives as long as the :class:`InMemoryStore` object.

Each :class:`InMemoryUnitOfWork` stages its writes privately and applies them to the store in
one step at :meth:`~InMemoryUnitOfWork.commit`, after checking under the store's lock that every
object it changes is still at the version it read. Domain objects are immutable, so storing
and returning them needs no copying.

Examples:
    >>> from prmcore.domain import Partner, PartnerKind
    >>> store = InMemoryStore()
    >>> with InMemoryUnitOfWork(store) as uow:
    ...     stored = uow.partners.add(Partner(id="p-1", name="Acme IT", kind=PartnerKind.MSP))
    ...     uow.commit()
    >>> stored.version
    1

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from prmcore.certifications import (
    AwardId,
    CertificationAward,
    CertificationType,
    CertificationTypeId,
    SentReminder,
)
from prmcore.conflicts.registration import DealRegistration, DealRegistrationId, DealStatus
from prmcore.domain import (
    Account,
    AccountId,
    Affiliation,
    AffiliationId,
    Agreement,
    AgreementId,
    Lead,
    LeadId,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerStatus,
    Person,
    PersonId,
    ProductLine,
    ProductLineId,
    ProgramLevelId,
)
from prmcore.errors import NotFoundError, PrmError
from prmcore.events import DomainEvent, EventSink
from prmcore.lead_routing.offers import LeadRouting, RoutingStatus
from prmcore.lead_routing.state import PartnerLoad, RotationState
from prmcore.repositories._aggregates import (
    AGGREGATES,
    INDEXABLE_DEAL_STATUSES,
    Aggregate,
    check_new,
    check_new_batch,
    check_type,
    conflict,
    date_arg,
    domain_key,
    email_key,
    inactive,
    optional_aware,
    optional_country,
    optional_deal_status,
    optional_kind,
    optional_routing_status,
    optional_status,
    text_arg,
    with_version,
)
from prmcore.repositories._commission_tables import (
    CommissionStaging,
    CommissionTables,
    MemoryCommissionLedger,
    MemoryCommissionPeriods,
    MemoryCommissionPlans,
    MemoryCommissionTransactions,
)
from prmcore.tiers import LevelRecord

if TYPE_CHECKING:
    from prmcore.repositories.protocols import UnitOfWork

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]

A = TypeVar("A")
K = TypeVar("K", bound=str)


class _Change:
    """A staged write: the object's new state (``None`` when removed) and the committed version
    it was based on (``None`` when it did not exist), which commit checks again."""

    __slots__ = ("expected", "obj")

    def __init__(self, expected: int | None, obj: Any | None) -> None:
        self.expected = expected
        self.obj = obj


class InMemoryStore:
    """The committed data of an in-memory store; open :class:`InMemoryUnitOfWork` s on it.

    Thread-safe: any number of units in any threads may share one store; a lock guards every
    read and each commit.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables: dict[str, dict[str, Any]] = {a.attribute: {} for a in AGGREGATES}
        self._commissions = CommissionTables()

    def __repr__(self) -> str:
        with self._lock:
            counts = ", ".join(f"{name}={len(rows)}" for name, rows in self._tables.items())
        return f"InMemoryStore({counts})"

    def _get(self, table: str, key: object) -> Any | None:
        with self._lock:
            return self._tables[table].get(key)  # type: ignore[call-overload]

    def _get_many(self, table: str, keys: Iterable[str]) -> list[Any | None]:
        with self._lock:
            rows = self._tables[table]
            return [rows.get(key) for key in keys]

    def _snapshot(self, table: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._tables[table])

    def _count(self, table: str, changes: Mapping[str, _Change]) -> int:
        with self._lock:
            rows = self._tables[table]
            total = len(rows)
            for key, change in changes.items():
                present = key in rows
                if change.obj is None and present:
                    total -= 1
                elif change.obj is not None and not present:
                    total += 1
            return total

    def _commission_access(self, read: Callable[[CommissionTables], Any]) -> Any:
        with self._lock:
            return read(self._commissions)

    def _apply(
        self,
        changes: Mapping[Aggregate, Mapping[str, _Change]],
        commissions: CommissionStaging | None = None,
    ) -> None:
        """Check every expected version, then apply every change; or raise and apply none."""
        with self._lock:
            if commissions:
                self._commissions.check(commissions)
            for aggregate, staged in changes.items():
                rows = self._tables[aggregate.attribute]
                for key, change in staged.items():
                    current = rows.get(key)
                    actual = None if current is None else current.version
                    if actual != change.expected:
                        raise conflict(aggregate.kind, key, change.expected, actual)
            for aggregate, staged in changes.items():
                rows = self._tables[aggregate.attribute]
                for key, change in staged.items():
                    if change.obj is None:
                        rows.pop(key, None)  # added and removed again in the unit: nothing
                    else:
                        rows[key] = change.obj
            if commissions:
                self._commissions.apply(commissions)


class _Repository(Generic[A, K]):
    """The protocol operations over a unit's staged changes and its store's committed data."""

    def __init__(self, uow: InMemoryUnitOfWork, aggregate: Aggregate) -> None:
        self._uow = uow
        self._aggregate = aggregate
        self._table = aggregate.attribute

    def _changes(self) -> dict[str, _Change]:
        return self._uow._staged(self._aggregate)

    def _stage(
        self, changes: dict[str, _Change], key: str, obj: A | None, base: int | None
    ) -> None:
        earlier = changes.get(key)
        changes[key] = _Change(base if earlier is None else earlier.expected, obj)

    def find(self, id: K) -> A | None:
        change = self._changes().get(id)
        if change is not None:
            return change.obj
        return self._uow._store._get(self._table, id)

    def get(self, id: K) -> A:
        obj = self.find(id)
        if obj is None:
            raise NotFoundError(self._aggregate.kind, id)
        return obj

    def add(self, obj: A) -> A:
        check_new(self._aggregate, obj)
        key: str = obj.id  # type: ignore[attr-defined]
        changes = self._changes()
        current: Any = self.find(key)  # type: ignore[arg-type]
        if current is not None:
            raise conflict(self._aggregate.kind, key, None, current.version)
        stored = with_version(obj, 1)
        self._stage(changes, key, stored, None)
        return stored

    def add_many(self, objs: Iterable[A]) -> builtins.list[A]:
        changes = self._changes()
        batch = check_new_batch(self._aggregate, objs)
        keys: list[str] = [obj.id for obj in batch]  # type: ignore[attr-defined]
        committed = self._uow._store._get_many(self._table, keys)
        for key, stored_obj in zip(keys, committed, strict=True):
            change = changes.get(key)
            current = stored_obj if change is None else change.obj
            if current is not None:
                raise conflict(self._aggregate.kind, key, None, current.version)
        result = [with_version(obj, 1) for obj in batch]
        for key, obj in zip(keys, result, strict=True):
            self._stage(changes, key, obj, None)
        return result

    def update(self, obj: A) -> A:
        check_type(self._aggregate, obj)
        key: str = obj.id  # type: ignore[attr-defined]
        changes = self._changes()
        current: Any = self.find(key)  # type: ignore[arg-type]
        if current is None:
            raise NotFoundError(self._aggregate.kind, key)
        version: int = obj.version  # type: ignore[attr-defined]
        if version != current.version:
            raise conflict(self._aggregate.kind, key, version, current.version)
        stored = with_version(obj, current.version + 1)
        self._stage(changes, key, stored, current.version)
        return stored

    def remove(self, id: K, expected_version: int | None = None) -> None:
        changes = self._changes()
        current: Any = self.find(id)
        if current is None:
            raise NotFoundError(self._aggregate.kind, id)
        if expected_version is not None and expected_version != current.version:
            raise conflict(self._aggregate.kind, id, expected_version, current.version)
        self._stage(changes, id, None, current.version)

    def count(self) -> int:
        return self._uow._store._count(self._table, self._changes())

    def _select(self, keep: Callable[[A], bool] | None = None) -> builtins.list[A]:
        """The unit's view of every object that *keep* accepts, sorted by id."""
        changes = self._changes()
        view = self._uow._store._snapshot(self._table)
        for key, change in changes.items():
            if change.obj is None:
                view.pop(key, None)
            else:
                view[key] = change.obj
        rows = [view[key] for key in sorted(view)]
        return rows if keep is None else [obj for obj in rows if keep(obj)]


class _Partners(_Repository[Partner, PartnerId]):
    def list(
        self,
        *,
        status: PartnerStatus | str | None = None,
        kind: PartnerKind | str | None = None,
        country: str | None = None,
        program_level_id: ProgramLevelId | None = None,
        parent_id: PartnerId | None = None,
    ) -> builtins.list[Partner]:
        want_status = optional_status(status)
        want_kind = optional_kind(kind)
        want_country = optional_country(country)
        if (want_status, want_kind, want_country, program_level_id, parent_id) == (None,) * 5:
            return self._select()

        def keep(p: Partner) -> bool:
            return (
                (want_status is None or p.status is want_status)
                and (want_kind is None or p.kind is want_kind)
                and (want_country is None or any(x.country == want_country for x in p.locations))
                and (program_level_id is None or p.program_level_id == program_level_id)
                and (parent_id is None or p.parent_id == parent_id)
            )

        return self._select(keep)


class _People(_Repository[Person, PersonId]):
    def list(self) -> builtins.list[Person]:
        return self._select()

    def find_by_email(self, email: str) -> Person | None:
        key = email_key(text_arg("email", email))
        found = self._select(lambda p: p.email is not None and email_key(p.email) == key)
        return found[0] if found else None


class _Affiliations(_Repository[Affiliation, AffiliationId]):
    def list(self) -> builtins.list[Affiliation]:
        return self._select()

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        return self._select(
            lambda a: a.partner_id == partner_id and (as_of is None or a.active_on(as_of))
        )

    def for_person(
        self, person_id: PersonId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        return self._select(
            lambda a: a.person_id == person_id and (as_of is None or a.active_on(as_of))
        )


class _Agreements(_Repository[Agreement, AgreementId]):
    def list(self) -> builtins.list[Agreement]:
        return self._select()

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Agreement]:
        return self._select(
            lambda a: a.partner_id == partner_id and (as_of is None or a.in_force_on(as_of))
        )


class _Accounts(_Repository[Account, AccountId]):
    def list(self) -> builtins.list[Account]:
        return self._select()

    def find_by_domain(self, domain: str) -> Account | None:
        key = domain_key(text_arg("domain", domain))
        found = self._select(lambda a: a.domain == key)
        return found[0] if found else None

    def find_by_external_id(self, scheme: str, value: str) -> Account | None:
        wanted = text_arg("scheme", scheme).lower()
        text_arg("value", value)
        found = self._select(lambda a: a.external_id(wanted) == value)
        return found[0] if found else None


class _Leads(_Repository[Lead, LeadId]):
    def list(
        self,
        *,
        account_id: AccountId | None = None,
        received_from: dt.datetime | None = None,
        received_to: dt.datetime | None = None,
    ) -> builtins.list[Lead]:
        start = optional_aware("received_from", received_from)
        end = optional_aware("received_to", received_to)
        if account_id is None and start is None and end is None:
            return self._select()
        return self._select(
            lambda x: (
                (account_id is None or x.account_id == account_id)
                and (start is None or x.received_at >= start)
                and (end is None or x.received_at < end)
            )
        )


class _ProductLines(_Repository[ProductLine, ProductLineId]):
    def list(self, *, active: bool | None = None) -> builtins.list[ProductLine]:
        if active is None:
            return self._select()
        return self._select(lambda p: p.active is bool(active))


class _CertificationTypes(_Repository[CertificationType, CertificationTypeId]):
    def list(self) -> builtins.list[CertificationType]:
        return self._select()


class _CertificationAwards(_Repository[CertificationAward, AwardId]):
    def list(self) -> builtins.list[CertificationAward]:
        return self._select()

    def for_person(self, person_id: PersonId) -> builtins.list[CertificationAward]:
        return self._select(lambda a: a.person_id == person_id)

    def expiring(self, first: dt.date, last: dt.date) -> builtins.list[CertificationAward]:
        start = date_arg("first", first)
        end = date_arg("last", last)
        return self._select(lambda a: start <= a.expires_on <= end)


class _SentReminders(_Repository[SentReminder, str]):
    def list(self) -> builtins.list[SentReminder]:
        return self._select()

    def due_between(self, first: dt.date, last: dt.date) -> builtins.list[SentReminder]:
        start = date_arg("first", first)
        end = date_arg("last", last)
        return self._select(lambda r: start <= r.due_on <= end)


class _LevelRecords(_Repository[LevelRecord, PartnerId]):
    def list(self) -> builtins.list[LevelRecord]:
        return self._select()


class _RotationStates(_Repository[RotationState, str]):
    def list(self) -> builtins.list[RotationState]:
        return self._select()


class _PartnerLoads(_Repository[PartnerLoad, PartnerId]):
    def list(self) -> builtins.list[PartnerLoad]:
        return self._select()


class _LeadRoutings(_Repository[LeadRouting, LeadId]):
    def list(self, *, status: RoutingStatus | str | None = None) -> builtins.list[LeadRouting]:
        wanted = optional_routing_status(status)
        if wanted is None:
            return self._select()
        return self._select(lambda r: r.status is wanted)


class _DealRegistrations(_Repository[DealRegistration, DealRegistrationId]):
    def list(
        self,
        *,
        status: DealStatus | str | None = None,
        partner_id: PartnerId | None = None,
    ) -> builtins.list[DealRegistration]:
        want = optional_deal_status(status)
        if want is None and partner_id is None:
            return self._select()
        return self._select(
            lambda r: (
                (want is None or r.status is want)
                and (partner_id is None or r.partner_id == partner_id)
            )
        )

    def indexable(self) -> builtins.list[DealRegistration]:
        return self._select(lambda r: r.status in INDEXABLE_DEAL_STATUSES)


class InMemoryUnitOfWork:
    """A unit of work on an :class:`InMemoryStore`; see
    :class:`~prmcore.repositories.UnitOfWork` for the contract.

    Writes are staged in the unit. An update or remove of an object that is already stale
    raises :class:`~prmcore.errors.ConflictError` at once; one that another unit commits in
    between is caught at :meth:`commit`, which then applies nothing.

    Args:
        store: Where the committed data lives.
        sink: Receives the collected events after each successful commit; ``None`` drops them.

    Raises:
        PrmError: Using the unit outside its ``with`` block, or entering it twice.

    Examples:
        >>> import datetime as dt
        >>> from prmcore.domain import Partner, PartnerKind
        >>> from prmcore.events import PartnerRegistered, RecordingSink
        >>> store, sink = InMemoryStore(), RecordingSink()
        >>> at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> with InMemoryUnitOfWork(store, sink) as uow:
        ...     stored = uow.partners.add(Partner(id="p-1", name="Acme", kind=PartnerKind.MSP))
        ...     uow.collect(PartnerRegistered.for_partner(stored, id="evt-1", occurred_at=at))
        ...     uow.commit()
        >>> sink.names
        ['PartnerRegistered']

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: InMemoryStore, sink: EventSink | None = None) -> None:
        if not isinstance(store, InMemoryStore):
            raise TypeError(f"InMemoryUnitOfWork needs an InMemoryStore, not {store!r}")
        self._store = store
        self._sink = sink
        self._active = False
        self._changes: dict[Aggregate, dict[str, _Change]] = {a: {} for a in AGGREGATES}
        self._events: list[DomainEvent] = []
        by_name = {a.attribute: a for a in AGGREGATES}
        self._partners = _Partners(self, by_name["partners"])
        self._people = _People(self, by_name["people"])
        self._affiliations = _Affiliations(self, by_name["affiliations"])
        self._agreements = _Agreements(self, by_name["agreements"])
        self._accounts = _Accounts(self, by_name["accounts"])
        self._leads = _Leads(self, by_name["leads"])
        self._product_lines = _ProductLines(self, by_name["product_lines"])
        self._rotation_states = _RotationStates(self, by_name["rotation_states"])
        self._partner_loads = _PartnerLoads(self, by_name["partner_loads"])
        self._lead_routings = _LeadRoutings(self, by_name["lead_routings"])
        self._certification_types = _CertificationTypes(self, by_name["certification_types"])
        self._certification_awards = _CertificationAwards(self, by_name["certification_awards"])
        self._sent_reminders = _SentReminders(self, by_name["sent_reminders"])
        self._level_records = _LevelRecords(self, by_name["level_records"])
        self._commission_staging = CommissionStaging()
        access = store._commission_access
        self._commission_plans = MemoryCommissionPlans(self._commission_staged, access)
        self._commission_transactions = MemoryCommissionTransactions(
            self._commission_staged, access
        )
        self._commission_ledger = MemoryCommissionLedger(self._commission_staged, access)
        self._commission_periods = MemoryCommissionPeriods(self._commission_staged, access)
        self._deal_registrations = _DealRegistrations(self, by_name["deal_registrations"])

    @property
    def partners(self) -> _Partners:
        """The partners (a :class:`~prmcore.repositories.PartnerRepository`)."""
        return self._partners

    @property
    def people(self) -> _People:
        """The people (a :class:`~prmcore.repositories.PersonRepository`)."""
        return self._people

    @property
    def affiliations(self) -> _Affiliations:
        """The affiliations (an :class:`~prmcore.repositories.AffiliationRepository`)."""
        return self._affiliations

    @property
    def agreements(self) -> _Agreements:
        """The agreements (an :class:`~prmcore.repositories.AgreementRepository`)."""
        return self._agreements

    @property
    def accounts(self) -> _Accounts:
        """The accounts (an :class:`~prmcore.repositories.AccountRepository`)."""
        return self._accounts

    @property
    def leads(self) -> _Leads:
        """The leads (a :class:`~prmcore.repositories.LeadRepository`)."""
        return self._leads

    @property
    def product_lines(self) -> _ProductLines:
        """The product lines (a :class:`~prmcore.repositories.ProductLineRepository`)."""
        return self._product_lines

    @property
    def certification_types(self) -> _CertificationTypes:
        """The certification types (a
        :class:`~prmcore.repositories.CertificationTypeRepository`)."""
        return self._certification_types

    @property
    def certification_awards(self) -> _CertificationAwards:
        """The certification awards (a
        :class:`~prmcore.repositories.CertificationAwardRepository`)."""
        return self._certification_awards

    @property
    def sent_reminders(self) -> _SentReminders:
        """The records of reminders sent (a
        :class:`~prmcore.repositories.SentReminderRepository`)."""
        return self._sent_reminders

    @property
    def level_records(self) -> _LevelRecords:
        """The partners' level records (a
        :class:`~prmcore.repositories.LevelRecordRepository`)."""
        return self._level_records

    @property
    def commission_plans(self) -> MemoryCommissionPlans:
        """The commission plans (a :class:`~prmcore.repositories.CommissionPlanRepository`)."""
        return self._commission_plans

    @property
    def commission_transactions(self) -> MemoryCommissionTransactions:
        """The commissionable transactions (a
        :class:`~prmcore.repositories.CommissionTransactionRepository`)."""
        return self._commission_transactions

    @property
    def commission_ledger(self) -> MemoryCommissionLedger:
        """The commission ledger (a
        :class:`~prmcore.repositories.CommissionLedgerRepository`)."""
        return self._commission_ledger

    @property
    def commission_periods(self) -> MemoryCommissionPeriods:
        """The closed commission periods (a
        :class:`~prmcore.repositories.CommissionPeriodRepository`)."""
        return self._commission_periods

    def _commission_staged(self) -> CommissionStaging:
        if not self._active:
            raise inactive("InMemoryUnitOfWork")
        return self._commission_staging

    @property
    def rotation_states(self) -> _RotationStates:
        """The routing rotations (a :class:`~prmcore.repositories.RotationStateRepository`)."""
        return self._rotation_states

    @property
    def partner_loads(self) -> _PartnerLoads:
        """The routing loads (a :class:`~prmcore.repositories.PartnerLoadRepository`)."""
        return self._partner_loads

    @property
    def lead_routings(self) -> _LeadRoutings:
        """The routing records (a :class:`~prmcore.repositories.LeadRoutingRepository`)."""
        return self._lead_routings

    @property
    def deal_registrations(self) -> _DealRegistrations:
        """The deal registrations (a
        :class:`~prmcore.repositories.DealRegistrationRepository`)."""
        return self._deal_registrations

    def _staged(self, aggregate: Aggregate) -> dict[str, _Change]:
        if not self._active:
            raise inactive("InMemoryUnitOfWork")
        return self._changes[aggregate]

    def _reset(self) -> None:
        self._changes = {a: {} for a in AGGREGATES}
        self._events = []
        self._commission_staging = CommissionStaging()

    def __enter__(self) -> Self:
        if self._active:
            raise PrmError("this InMemoryUnitOfWork is already active; open a second unit instead")
        self._reset()
        self._active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._reset()
        self._active = False

    def commit(self) -> None:
        """Apply every staged write atomically, then publish the collected events.

        Raises:
            ConflictError: Another unit committed a change to one of the same objects since
                this unit read it; nothing is applied or published and the unit is rolled back.
        """
        if not self._active:
            raise inactive("InMemoryUnitOfWork")
        changes = {aggregate: staged for aggregate, staged in self._changes.items() if staged}
        events = self._events
        commissions = self._commission_staging
        # Whatever happens next, this unit's work is finished: a failed commit rolls it back.
        self._reset()
        if changes or commissions:
            self._store._apply(changes, commissions)
        if events and self._sink is not None:
            self._sink.publish(events)

    def rollback(self) -> None:
        """Discard every staged write and collected event since the last commit."""
        if not self._active:
            raise inactive("InMemoryUnitOfWork")
        self._reset()

    def collect(self, *events: DomainEvent) -> None:
        """Queue *events* for publishing after the next successful commit.

        Raises:
            TypeError: Something that is not a :class:`~prmcore.events.DomainEvent`.
        """
        if not self._active:
            raise inactive("InMemoryUnitOfWork")
        for event in events:
            if not isinstance(event, DomainEvent):
                raise TypeError(f"collect() takes DomainEvent objects, not {event!r}")
        self._events.extend(events)


if TYPE_CHECKING:

    def _conforms(store: InMemoryStore) -> UnitOfWork:
        return InMemoryUnitOfWork(store)
