"""The repository and unit-of-work protocols that every prmcore store implements.

A *repository* holds one kind of aggregate (partners, people, ...) and speaks in whole domain
objects; a *unit of work* groups the repositories of one store into a transaction, with
optimistic concurrency through each aggregate's ``version``:

* ``add`` takes an object at version 0 and stores it at version 1;
* ``update`` takes an object at the version it was read at and stores it one higher; if the
  store has moved on meanwhile, it raises :class:`~prmcore.errors.ConflictError`;
* ``remove`` deletes, optionally only if the version is still the one the caller saw.

Every method returns new objects; nothing in the store changes until ``commit()``. Hosts
implement these protocols for their own database and certify the implementation with
:mod:`prmcore.testing.conformance`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, Self, TypeVar, runtime_checkable

from prmcore.certifications import (
    AwardId,
    CertificationAward,
    CertificationType,
    CertificationTypeId,
    SentReminder,
)
from prmcore.commissions.ledger import LedgerLine, PeriodClose
from prmcore.commissions.plan import CommissionPlan
from prmcore.commissions.transactions import Transaction
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
from prmcore.events import DomainEvent
from prmcore.lead_routing.offers import LeadRouting, RoutingStatus
from prmcore.lead_routing.state import PartnerLoad, RotationState
from prmcore.periods import Period
from prmcore.tiers import LevelRecord

__all__ = [
    "DealRegistrationRepository",
    "AccountRepository",
    "AffiliationRepository",
    "AgreementRepository",
    "CommissionLedgerRepository",
    "CommissionPeriodRepository",
    "CommissionPlanRepository",
    "CommissionTransactionRepository",
    "CertificationAwardRepository",
    "CertificationTypeRepository",
    "LeadRepository",
    "LeadRoutingRepository",
    "LevelRecordRepository",
    "PartnerLoadRepository",
    "PartnerRepository",
    "PersonRepository",
    "ProductLineRepository",
    "Repository",
    "RotationStateRepository",
    "SentReminderRepository",
    "UnitOfWork",
]

A = TypeVar("A")
K = TypeVar("K", contravariant=True)


@runtime_checkable
class Repository(Protocol[A, K]):
    """**Protocol:** the operations every repository offers, for an aggregate type ``A`` with
    ids of type ``K``.

    All results are sorted by id. Reads see the unit of work's own uncommitted writes.

    .. versionadded:: 0.1.0
    """

    def get(self, id: K) -> A:
        """The object with *id*.

        Raises:
            NotFoundError: There is none.
        """
        ...

    def find(self, id: K) -> A | None:
        """The object with *id*, or ``None``."""
        ...

    def add(self, obj: A) -> A:
        """Store a new object and return it at version 1.

        Raises:
            ValidationError: ``obj.version`` is not 0 (it was stored before: use
                :meth:`update`).
            ConflictError: An object with the same id exists (``expected`` is ``None``).
        """
        ...

    def add_many(self, objs: Iterable[A]) -> builtins.list[A]:
        """Store many new objects at once (the fast path for imports); all or nothing.

        Returns them at version 1, in the order given.

        Raises:
            ValidationError: One of them is not at version 0; nothing is added.
            ConflictError: An id exists already or appears twice; nothing is added.
        """
        ...

    def update(self, obj: A) -> A:
        """Store a changed object and return it one version higher.

        ``obj.version`` must be the version the store holds: the one it was read at.

        Raises:
            NotFoundError: No object has ``obj.id``.
            ConflictError: The stored version differs (``expected`` is ``obj.version``,
                ``actual`` the stored one); reload, reapply the change and retry.
        """
        ...

    def remove(self, id: K, expected_version: int | None = None) -> None:
        """Delete the object with *id*.

        Args:
            id: Which object.
            expected_version: When given, delete only if the stored version is this one.

        Raises:
            NotFoundError: There is none.
            ConflictError: *expected_version* was given and the stored version differs.
        """
        ...

    def count(self) -> int:
        """How many objects there are."""
        ...


@runtime_checkable
class PartnerRepository(Repository[Partner, PartnerId], Protocol):
    """**Protocol:** the partners of the program.

    .. versionadded:: 0.1.0
    """

    def list(
        self,
        *,
        status: PartnerStatus | str | None = None,
        kind: PartnerKind | str | None = None,
        country: str | None = None,
        program_level_id: ProgramLevelId | None = None,
        parent_id: PartnerId | None = None,
    ) -> builtins.list[Partner]:
        """Partners matching every filter given (``None`` means any), sorted by id.

        Args:
            status: In this lifecycle status.
            kind: Of this kind.
            country: With at least one location in this country (ISO 3166-1 alpha-2; lower
                case is accepted).
            program_level_id: At this program level.
            parent_id: Buying through this distributor.

        Raises:
            ValidationError: An unknown status, kind or country code.
        """
        ...


@runtime_checkable
class PersonRepository(Repository[Person, PersonId], Protocol):
    """**Protocol:** the people who work for partners.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[Person]:
        """Everyone, sorted by id."""
        ...

    def find_by_email(self, email: str) -> Person | None:
        """The person with this e-mail address, ignoring case (Unicode case folding), or
        ``None``. When several people share the address, the one with the smallest id."""
        ...


@runtime_checkable
class AffiliationRepository(Repository[Affiliation, AffiliationId], Protocol):
    """**Protocol:** who works (or worked) for which partner, and when.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[Affiliation]:
        """Every affiliation, sorted by id."""
        ...

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        """The affiliations with *partner_id*, sorted by id; with *as_of*, only those
        :meth:`~prmcore.domain.Affiliation.active_on` that day."""
        ...

    def for_person(
        self, person_id: PersonId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        """The affiliations of *person_id*, sorted by id; with *as_of*, only those active
        that day."""
        ...


@runtime_checkable
class AgreementRepository(Repository[Agreement, AgreementId], Protocol):
    """**Protocol:** the agreements partners have signed.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[Agreement]:
        """Every agreement, sorted by id."""
        ...

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Agreement]:
        """The agreements of *partner_id*, sorted by id; with *as_of*, only those
        :meth:`~prmcore.domain.Agreement.in_force_on` that day."""
        ...


@runtime_checkable
class AccountRepository(Repository[Account, AccountId], Protocol):
    """**Protocol:** customer accounts.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[Account]:
        """Every account, sorted by id."""
        ...

    def find_by_domain(self, domain: str) -> Account | None:
        """The account with exactly this web domain (compared as the account normalises it:
        stripped, lower case, no trailing dot), or ``None``; the smallest id when several
        share it. Subdomains do not match."""
        ...

    def find_by_external_id(self, scheme: str, value: str) -> Account | None:
        """The account with this registry id (``("duns", "150483782")``), or ``None``; the
        smallest id when several share it. *scheme* is compared in lower case, *value*
        exactly."""
        ...


@runtime_checkable
class LeadRepository(Repository[Lead, LeadId], Protocol):
    """**Protocol:** incoming leads.

    .. versionadded:: 0.1.0
    """

    def list(
        self,
        *,
        account_id: AccountId | None = None,
        received_from: dt.datetime | None = None,
        received_to: dt.datetime | None = None,
    ) -> builtins.list[Lead]:
        """Leads matching every filter given, sorted by id.

        Args:
            account_id: For this customer account.
            received_from: Received at or after this moment (timezone-aware).
            received_to: Received before this moment (exclusive, so consecutive windows do not
                overlap).

        Raises:
            ValidationError: A bound is not a timezone-aware datetime.
        """
        ...


@runtime_checkable
class ProductLineRepository(Repository[ProductLine, ProductLineId], Protocol):
    """**Protocol:** the vendor's product lines.

    .. versionadded:: 0.1.0
    """

    def list(self, *, active: bool | None = None) -> builtins.list[ProductLine]:
        """Product lines, sorted by id; ``active=True`` only current ones, ``False`` only
        retired ones."""
        ...


@runtime_checkable
class CertificationTypeRepository(Repository[CertificationType, CertificationTypeId], Protocol):
    """**Protocol:** the program's certification types (together, its
    :class:`~prmcore.certifications.CertificationCatalog`).

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[CertificationType]:
        """Every type, sorted by id."""
        ...


@runtime_checkable
class CertificationAwardRepository(Repository[CertificationAward, AwardId], Protocol):
    """**Protocol:** the certifications people hold.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[CertificationAward]:
        """Every award, sorted by id."""
        ...

    def for_person(self, person_id: PersonId) -> builtins.list[CertificationAward]:
        """The awards held by *person_id* (any status), sorted by id."""
        ...

    def expiring(self, first: dt.date, last: dt.date) -> builtins.list[CertificationAward]:
        """The awards whose ``expires_on`` is from *first* to *last* (both inclusive), sorted
        by id; empty when *last* is before *first*.

        Raises:
            ValidationError: A bound is not a date.
        """
        ...


@runtime_checkable
class SentReminderRepository(Repository[SentReminder, str], Protocol):
    """**Protocol:** the reminders already sent, by idempotency key, so that no reminder is
    sent twice.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[SentReminder]:
        """Every record, sorted by id (the reminder key)."""
        ...

    def due_between(self, first: dt.date, last: dt.date) -> builtins.list[SentReminder]:
        """The records of reminders that fell due from *first* to *last* (both inclusive),
        sorted by id.

        Raises:
            ValidationError: A bound is not a date.
        """
        ...


@runtime_checkable
class LevelRecordRepository(Repository[LevelRecord, PartnerId], Protocol):
    """**Protocol:** each partner's :class:`~prmcore.tiers.LevelRecord` (level history,
    evaluations, pending change), keyed by partner id.

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[LevelRecord]:
        """Every record, sorted by partner id."""
        ...


@runtime_checkable
class CommissionPlanRepository(Protocol):
    """**Protocol:** commission plans by id. A plan is replaced as a whole when saved again
    (add or correct a version); ledger lines keep the version hash they were made with.

    .. versionadded:: 0.1.0
    """

    def get(self, plan_id: str) -> CommissionPlan:
        """The plan with *plan_id*.

        Raises:
            NotFoundError: There is none.
        """
        ...

    def find(self, plan_id: str) -> CommissionPlan | None:
        """The plan with *plan_id*, or ``None``."""
        ...

    def save(self, plan: CommissionPlan) -> CommissionPlan:
        """Store *plan*, replacing a stored plan with the same id; return it."""
        ...

    def list(self) -> builtins.list[CommissionPlan]:
        """Every plan, sorted by id."""
        ...


@runtime_checkable
class CommissionTransactionRepository(Protocol):
    """**Protocol:** commissionable transactions (sales and refunds), never changed once
    recorded.

    .. versionadded:: 0.1.0
    """

    def add_many(self, transactions: Iterable[Transaction]) -> builtins.list[Transaction]:
        """Record new transactions; all or nothing.

        Raises:
            ConflictError: An id is recorded already or appears twice; nothing is added.
        """
        ...

    def get(self, transaction_id: str) -> Transaction:
        """The transaction with *transaction_id*.

        Raises:
            NotFoundError: There is none.
        """
        ...

    def list(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> builtins.list[Transaction]:
        """Transactions dated from *start* to *end* (both inclusive; ``None``: unbounded),
        sorted by date, then id."""
        ...

    def count(self) -> int:
        """How many transactions there are."""
        ...


@runtime_checkable
class CommissionLedgerRepository(Protocol):
    """**Protocol:** the append-only commission ledger.

    .. versionadded:: 0.1.0
    """

    def append(self, lines: Iterable[LedgerLine]) -> None:
        """Append *lines*; all or nothing.

        Raises:
            ConflictError: A line id is in the ledger already or appears twice; nothing is
                appended.
        """
        ...

    def list(
        self,
        plan_id: str,
        *,
        period: Period | None = None,
        partner_id: str | None = None,
    ) -> builtins.list[LedgerLine]:
        """The lines of *plan_id* in the order they were appended; with *period*, only those
        posted in it; with *partner_id*, only that partner's."""
        ...

    def count(self) -> int:
        """How many lines there are, over all plans."""
        ...


@runtime_checkable
class CommissionPeriodRepository(Protocol):
    """**Protocol:** which periods of which plans are closed.

    .. versionadded:: 0.1.0
    """

    def close(self, record: PeriodClose) -> PeriodClose:
        """Record that a period is closed.

        Raises:
            ConflictError: The period is closed already.
        """
        ...

    def closed(self, plan_id: str) -> builtins.list[PeriodClose]:
        """The closed periods of *plan_id*, oldest first."""
        ...


@runtime_checkable
class RotationStateRepository(Repository[RotationState, str], Protocol):
    """**Protocol:** the lead-routing rotation of each territory (keyed by territory id).

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[RotationState]:
        """Every rotation, sorted by territory id."""
        ...


@runtime_checkable
class PartnerLoadRepository(Repository[PartnerLoad, PartnerId], Protocol):
    """**Protocol:** each partner's lead-routing load (keyed by partner id).

    .. versionadded:: 0.1.0
    """

    def list(self) -> builtins.list[PartnerLoad]:
        """Every load, sorted by partner id."""
        ...


@runtime_checkable
class LeadRoutingRepository(Repository[LeadRouting, LeadId], Protocol):
    """**Protocol:** the routing record of each routed lead (keyed by lead id).

    .. versionadded:: 0.1.0
    """

    def list(self, *, status: RoutingStatus | str | None = None) -> builtins.list[LeadRouting]:
        """Routing records, sorted by lead id; with *status*, only those in that status.

        Raises:
            ValidationError: An unknown status.
        """
        ...


@runtime_checkable
class DealRegistrationRepository(Repository[DealRegistration, DealRegistrationId], Protocol):
    """**Protocol:** partners' deal registrations.

    .. versionadded:: 0.1.0
    """

    def list(
        self,
        *,
        status: DealStatus | str | None = None,
        partner_id: PartnerId | None = None,
    ) -> builtins.list[DealRegistration]:
        """Registrations matching every filter given, sorted by id.

        Args:
            status: In this lifecycle status.
            partner_id: Of this partner.

        Raises:
            ValidationError: An unknown status.
        """
        ...

    def indexable(self) -> builtins.list[DealRegistration]:
        """The registrations that can conflict or count as incumbent wins: submitted,
        approved and won ones, sorted by id (what a conflict detector loads)."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """**Protocol:** one transaction over all repositories of a store.

    Use it as a context manager. Writes are visible to reads through the same unit at once, and
    to other units only after :meth:`commit`. Leaving the ``with`` block rolls back whatever was
    not committed, also when an exception escapes (the exception propagates). Events given to
    :meth:`collect` are published to the unit's :class:`~prmcore.events.EventSink` after a
    successful commit, each exactly once, and never for work that was rolled back.

    A unit belongs to one thread at a time; open one unit per thread (or per request).

    Examples:
        >>> with InMemoryUnitOfWork(store, sink) as uow:  # doctest: +SKIP
        ...     partner = uow.partners.get("p-1")
        ...     active = uow.partners.update(partner.transition("active"))
        ...     uow.collect(PartnerStatusChanged.for_change(partner, active, id=..., ...))
        ...     uow.commit()

    .. versionadded:: 0.1.0
    """

    @property
    def partners(self) -> PartnerRepository:
        """The partners."""
        ...

    @property
    def people(self) -> PersonRepository:
        """The people."""
        ...

    @property
    def affiliations(self) -> AffiliationRepository:
        """The affiliations."""
        ...

    @property
    def agreements(self) -> AgreementRepository:
        """The agreements."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """The customer accounts."""
        ...

    @property
    def leads(self) -> LeadRepository:
        """The leads."""
        ...

    @property
    def product_lines(self) -> ProductLineRepository:
        """The product lines."""
        ...

    @property
    def rotation_states(self) -> RotationStateRepository:
        """The lead-routing rotations, per territory."""
        ...

    @property
    def partner_loads(self) -> PartnerLoadRepository:
        """The lead-routing loads, per partner."""
        ...

    @property
    def lead_routings(self) -> LeadRoutingRepository:
        """The lead-routing records, per lead."""
        ...

    @property
    def certification_types(self) -> CertificationTypeRepository:
        """The certification types."""
        ...

    @property
    def certification_awards(self) -> CertificationAwardRepository:
        """The certification awards."""
        ...

    @property
    def sent_reminders(self) -> SentReminderRepository:
        """The records of reminders sent."""
        ...

    @property
    def level_records(self) -> LevelRecordRepository:
        """The partners' level records."""
        ...

    @property
    def commission_plans(self) -> CommissionPlanRepository:
        """The commission plans."""
        ...

    @property
    def commission_transactions(self) -> CommissionTransactionRepository:
        """The commissionable transactions."""
        ...

    @property
    def commission_ledger(self) -> CommissionLedgerRepository:
        """The commission ledger."""
        ...

    @property
    def commission_periods(self) -> CommissionPeriodRepository:
        """The closed commission periods."""
        ...

    @property
    def deal_registrations(self) -> DealRegistrationRepository:
        """The deal registrations."""
        ...

    def __enter__(self) -> Self:
        """Start the unit."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back anything not committed and end the unit; exceptions propagate."""
        ...

    def commit(self) -> None:
        """Make every write since the last commit permanent and visible, then publish the
        collected events. The unit stays usable for more work.

        Raises:
            ConflictError: Another unit changed or added one of the same objects first;
                nothing of this unit is applied, nothing is published, and the unit is rolled
                back.
        """
        ...

    def rollback(self) -> None:
        """Discard every write and collected event since the last commit."""
        ...

    def collect(self, *events: DomainEvent) -> None:
        """Queue *events* to be published after the next successful commit."""
        ...
