"""Deal registrations: a partner's claim on an opportunity, its lifecycle and its protection.

A partner registers an opportunity (a customer and the product lines it wants) to claim
protection: while the registration is protected, other partners' registrations for the same
customer and product conflict with it. The lifecycle is::

    draft → submitted → approved | rejected
    approved → won | lost | expired
    draft | submitted | approved → withdrawn
    submitted → expired   (released unanswered, or protection counted from submission ran out)

Every change is a pure method that takes the moment it happens (timezone-aware; stored in
UTC) and returns a new registration; an illegal change raises
:class:`~prmcore.errors.InvalidTransition`. :class:`RegistrationRules` hold the program's
settings: the protection window (default 90 days, counted from approval or from submission),
how many extensions of what length are allowed, and after how many days without an update a
registration is released. :func:`due_for_expiry` says whether (and why) auto-expiry applies;
won and lost registrations are never expired.

Examples:
    >>> import datetime as dt
    >>> from prmcore.conflicts import CompanyRef
    >>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> reg = DealRegistration(
    ...     id="dr-1", partner_id="p-1", customer=CompanyRef("Müller Maschinenbau GmbH"),
    ...     product_lines=("pl-x",), created_at=at,
    ... )
    >>> rules = RegistrationRules()
    >>> approved = reg.submit(at, rules).approve(at + dt.timedelta(days=1), rules)
    >>> approved.status.value, approved.protection_ends_at.date().isoformat()
    ('approved', '2026-06-01')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NewType

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.conflicts.identity import CompanyRef
from prmcore.domain.ids import AccountId, PartnerId, ProductLineId
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.money import Money

__all__ = [
    "DEAL_TRANSITIONS",
    "DealRegistration",
    "DealRegistrationId",
    "DealStatus",
    "ProtectionAnchor",
    "RegistrationRules",
    "due_for_expiry",
]

DealRegistrationId = NewType("DealRegistrationId", str)
"""The id of a :class:`DealRegistration`."""


class DealStatus(enum.StrEnum):
    """Where a deal registration is in its lifecycle (see :data:`DEAL_TRANSITIONS`).

    ``submitted`` and ``approved`` are *active*: only active registrations claim a customer
    and can conflict. The others are final.

    .. versionadded:: 0.1.0
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WON = "won"
    LOST = "lost"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def is_active(self) -> bool:
        """True for ``submitted`` and ``approved``."""
        return self in _ACTIVE


_ACTIVE = frozenset({DealStatus.SUBMITTED, DealStatus.APPROVED})

DEAL_TRANSITIONS: Mapping[DealStatus, frozenset[DealStatus]] = MappingProxyType(
    {
        DealStatus.DRAFT: frozenset({DealStatus.SUBMITTED, DealStatus.WITHDRAWN}),
        DealStatus.SUBMITTED: frozenset(
            {DealStatus.APPROVED, DealStatus.REJECTED, DealStatus.WITHDRAWN, DealStatus.EXPIRED}
        ),
        DealStatus.APPROVED: frozenset(
            {DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED, DealStatus.WITHDRAWN}
        ),
        DealStatus.REJECTED: frozenset(),
        DealStatus.WON: frozenset(),
        DealStatus.LOST: frozenset(),
        DealStatus.EXPIRED: frozenset(),
        DealStatus.WITHDRAWN: frozenset(),
    }
)
"""The allowed status changes: ``DEAL_TRANSITIONS[current]`` is the set of next states."""


class ProtectionAnchor(enum.StrEnum):
    """The moment from which a registration's protection window is counted.

    .. versionadded:: 0.1.0
    """

    APPROVAL = "approval"
    SUBMISSION = "submission"


def _to_anchor(value: object) -> Any:
    return to_enum(ProtectionAnchor, value)


def _to_status(value: object) -> Any:
    return to_enum(DealStatus, value)


def _utc(value: object) -> Any:
    # Aware moments are kept in UTC, so stored rows and comparisons never depend on the zone
    # the caller used; naive ones are left for the checks to report with their path.
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC)
    return value


def _to_decimal(value: object) -> Any:
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted for benefit_factor: pass a str or Decimal"
        )
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


@attrs.frozen
class RegistrationRules(Validated):
    """A program's deal-registration settings.

    Args:
        protection_days: Length of the protection window in days (default 90).
        anchor: Count protection from ``approval`` (default) or ``submission``.
        max_extensions: How many times a registration may be extended.
        max_extension_days: The longest single extension, in days.
        release_after_days: An active registration with no update for this many days is due
            for release (expiry); ``None`` never releases.

    Raises:
        ValidationError: Listing every bad field.

    Examples:
        >>> RegistrationRules(protection_days=0)
        Traceback (most recent call last):
        ...
        prmcore.errors.ValidationError: 1 problem: protection_days: must be at least 1, got 0

    .. versionadded:: 0.1.0
    """

    protection_days: int = 90
    anchor: ProtectionAnchor = attrs.field(default=ProtectionAnchor.APPROVAL, converter=_to_anchor)
    max_extensions: int = 2
    max_extension_days: int = 30
    release_after_days: int | None = 60

    def _validate(self, c: Checks) -> None:
        c.integer("protection_days", self.protection_days, minimum=1, maximum=3650)
        c.member("anchor", self.anchor, ProtectionAnchor)
        c.integer("max_extensions", self.max_extensions, minimum=0, maximum=100)
        c.integer("max_extension_days", self.max_extension_days, minimum=1, maximum=3650)
        if self.release_after_days is not None:
            c.integer("release_after_days", self.release_after_days, minimum=1, maximum=3650)

    @property
    def window(self) -> dt.timedelta:
        """The protection window as a :class:`~datetime.timedelta`."""
        return dt.timedelta(days=self.protection_days)


_MOMENTS = ("created_at", "updated_at", "submitted_at", "decided_at", "closed_at")


@attrs.frozen
class DealRegistration(Validated):
    """A partner's registration of an opportunity with a customer.

    Build one in ``draft`` (or let :meth:`submit` move it on); change it only through the
    transition methods, which keep the timestamps and the protection window consistent.

    Args:
        id: The host's id for the registration.
        partner_id: The registering partner.
        customer: Who the customer is (name, web site, contact e-mail, country, registry ids).
        product_lines: The product lines of the opportunity (at least one, unique).
        created_at: When it was created (timezone-aware; kept in UTC).
        status: Lifecycle state.
        updated_at: The last change (defaults to *created_at*).
        submitted_at: When it was submitted.
        decided_at: When it was approved or rejected.
        closed_at: When it was won, lost, expired or withdrawn.
        protection_starts_at: Start of protection (set on approval or submission, as the
            rules say).
        protection_ends_at: End of protection, exclusive (moved by extensions).
        extensions: How many times protection was extended.
        account_id: The vendor's account for the customer, when known.
        amount: The expected deal value (:class:`~prmcore.money.Money`).
        benefit_factor: The share of the usual registration benefit granted (``1``; less when
            approved as a second partner at a reduced benefit).
        status_reason: Why it was rejected, expired or withdrawn.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field with its path (``customer.domain``,
            ``submitted_at`` for a naive datetime, ``status`` for an unknown state, ...).

    .. versionadded:: 0.1.0
    """

    id: DealRegistrationId
    partner_id: PartnerId
    customer: CompanyRef
    product_lines: tuple[ProductLineId, ...] = attrs.field(converter=to_tuple)
    created_at: dt.datetime = attrs.field(converter=_utc)
    status: DealStatus = attrs.field(default=DealStatus.DRAFT, converter=_to_status)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    submitted_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    decided_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    closed_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    protection_starts_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    protection_ends_at: dt.datetime | None = attrs.field(default=None, converter=_utc)
    extensions: int = 0
    account_id: AccountId | None = None
    amount: Money | None = None
    benefit_factor: Decimal = attrs.field(default=Decimal(1), converter=_to_decimal)
    status_reason: str | None = None
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.updated_at is None:
            object.__setattr__(self, "updated_at", self.created_at)
        super().__attrs_post_init__()

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.identifier("partner_id", self.partner_id)
        c.instance("customer", self.customer, CompanyRef)
        if c.each("product_lines", self.product_lines, c.identifier, unique=True):
            c.require(bool(self.product_lines), "product_lines", "must name at least one")
        c.member("status", self.status, DealStatus)
        moments_ok = c.aware_datetime("created_at", self.created_at)
        for name in (*_MOMENTS[1:], "protection_starts_at", "protection_ends_at"):
            value = getattr(self, name)
            if value is not None and value is not self.created_at:  # a defaulted updated_at
                moments_ok = c.aware_datetime(name, value) and moments_ok
        if moments_ok:
            for name in _MOMENTS[1:]:
                value = getattr(self, name)
                if value is not None and value < self.created_at:
                    c.add(name, f"must not be before created_at ({self.created_at.isoformat()})")
            start, end = self.protection_starts_at, self.protection_ends_at
            if (start is None) != (end is None):
                c.add("protection_ends_at", "give protection start and end together")
            elif start is not None and end is not None and end <= start:
                c.add("protection_ends_at", "must be after protection_starts_at")
        if isinstance(self.status, DealStatus):
            if self.status not in (DealStatus.DRAFT, DealStatus.WITHDRAWN):
                c.require(
                    self.submitted_at is not None,
                    "submitted_at",
                    f"required in status {self.status.value!r}",
                )
            if self.status is DealStatus.APPROVED:
                c.require(
                    self.protection_ends_at is not None,
                    "protection_ends_at",
                    "required in status 'approved'",
                )
        c.integer("extensions", self.extensions, minimum=0)
        c.optional_identifier("account_id", self.account_id)
        if self.amount is not None:
            c.instance("amount", self.amount, Money)
        if c.instance("benefit_factor", self.benefit_factor, Decimal):
            c.require(
                self.benefit_factor.is_finite() and 0 <= self.benefit_factor <= 1,
                "benefit_factor",
                f"must be between 0 and 1, got {self.benefit_factor}",
            )
        c.optional_text("status_reason", self.status_reason, max_length=1000)
        c.integer("version", self.version, minimum=0)

    # -- reading ------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        """True while submitted or approved: only then does it claim the customer."""
        return self.status in _ACTIVE

    @property
    def last_update(self) -> dt.datetime:
        """When it last changed."""
        assert self.updated_at is not None  # set in __attrs_post_init__
        return self.updated_at

    def claim_window(self, rules: RegistrationRules) -> tuple[dt.datetime, dt.datetime]:
        """The period it claims the customer for, ``[start, end)``.

        Its protection window once set; before that (a draft, or a submission awaiting
        approval when protection counts from approval), the window it would get: the rules'
        length from its submission (or creation).
        """
        if self.protection_starts_at is not None and self.protection_ends_at is not None:
            return self.protection_starts_at, self.protection_ends_at
        start = self.submitted_at or self.created_at
        return start, start + rules.window

    def is_protected(self, as_of: dt.datetime) -> bool:
        """Whether it is active and inside its protection window at *as_of*.

        Raises:
            ValidationError: *as_of* is naive.
        """
        moment = _moment("as_of", as_of)
        return (
            self.is_active
            and self.protection_starts_at is not None
            and self.protection_ends_at is not None
            and self.protection_starts_at <= moment < self.protection_ends_at
        )

    # -- changing -----------------------------------------------------------------------------

    def can_transition(self, target: DealStatus) -> bool:
        """Whether the lifecycle allows going from the current status to *target*."""
        return target in DEAL_TRANSITIONS[self.status]

    def _move(self, target: DealStatus, at: object, **changes: Any) -> DealRegistration:
        moment = _moment("at", at)
        if not self.can_transition(target):
            raise InvalidTransition(
                "DealRegistration",
                self.status.value,
                target.value,
                sorted(s.value for s in DEAL_TRANSITIONS[self.status]),
            )
        if moment < self.last_update:
            raise ValidationError(
                f"must not be before the last update ({self.last_update.isoformat()})", "at"
            )
        return attrs.evolve(self, status=target, updated_at=moment, **changes)

    def submit(self, at: dt.datetime, rules: RegistrationRules) -> DealRegistration:
        """Submit a draft for approval; protection starts now if the rules count from
        submission.

        Raises:
            InvalidTransition: It is not a draft.
            ValidationError: *at* is naive or before the last update.
        """
        moment = _moment("at", at)
        protection: dict[str, Any] = {}
        if rules.anchor is ProtectionAnchor.SUBMISSION:
            protection = {
                "protection_starts_at": moment,
                "protection_ends_at": moment + rules.window,
            }
        return self._move(DealStatus.SUBMITTED, moment, submitted_at=moment, **protection)

    def approve(
        self,
        at: dt.datetime,
        rules: RegistrationRules,
        *,
        benefit_factor: Decimal | str | int = 1,
    ) -> DealRegistration:
        """Approve a submitted registration; protection starts now if the rules count from
        approval (otherwise it keeps the window that started at submission).

        Args:
            at: When.
            rules: The program's settings.
            benefit_factor: The share of the usual benefit granted (``Decimal("0.5")`` for a
                second partner at half benefit).

        Raises:
            InvalidTransition: It is not submitted.
            ValidationError: *at* is naive or early, or a bad *benefit_factor*.
            TypeError: *benefit_factor* is a float.
        """
        moment = _moment("at", at)
        protection: dict[str, Any] = {}
        if rules.anchor is ProtectionAnchor.APPROVAL or self.protection_ends_at is None:
            protection = {
                "protection_starts_at": moment,
                "protection_ends_at": moment + rules.window,
            }
        return self._move(
            DealStatus.APPROVED,
            moment,
            decided_at=moment,
            benefit_factor=_to_decimal(benefit_factor),
            **protection,
        )

    def reject(self, at: dt.datetime, reason: str) -> DealRegistration:
        """Reject a submitted registration, saying why.

        Raises:
            InvalidTransition: It is not submitted.
            ValidationError: *at* is naive or early, or *reason* is blank.
        """
        _reason(reason)
        return self._move(DealStatus.REJECTED, at, decided_at=at, status_reason=reason)

    def withdraw(self, at: dt.datetime, reason: str | None = None) -> DealRegistration:
        """The partner takes the registration back (from draft, submitted or approved).

        Raises:
            InvalidTransition: It is already final.
            ValidationError: *at* is naive or early.
        """
        return self._move(DealStatus.WITHDRAWN, at, closed_at=at, status_reason=reason)

    def close(self, won: bool, at: dt.datetime) -> DealRegistration:
        """Record the outcome of an approved deal: won (``True``) or lost.

        Raises:
            InvalidTransition: It is not approved.
            ValidationError: *at* is naive or early.
        """
        return self._move(DealStatus.WON if won else DealStatus.LOST, at, closed_at=at)

    def expire(self, at: dt.datetime, reason: str = "protection ended") -> DealRegistration:
        """End an active registration's claim (its protection ran out, or it was released).

        Raises:
            InvalidTransition: It is not submitted or approved (won and lost deals never
                expire).
            ValidationError: *at* is naive or early.
        """
        _reason(reason)
        return self._move(DealStatus.EXPIRED, at, closed_at=at, status_reason=reason)

    def extend(self, at: dt.datetime, days: int, rules: RegistrationRules) -> DealRegistration:
        """Move the end of protection *days* later (an approved registration, within the
        rules' caps).

        Raises:
            InvalidTransition: It is not approved.
            ValidationError: *days* is not between 1 and ``max_extension_days``, the
                registration was extended ``max_extensions`` times already, its protection
                already ended at *at*, or *at* is naive or early.
        """
        moment = _moment("at", at)
        if self.status is not DealStatus.APPROVED:
            raise InvalidTransition(
                "DealRegistration", self.status.value, "extended", ("approved",)
            )
        c = Checks()
        c.integer("days", days, minimum=1, maximum=rules.max_extension_days)
        c.require(
            self.extensions < rules.max_extensions,
            "extensions",
            f"already extended {self.extensions} times; the rules allow {rules.max_extensions}",
        )
        assert self.protection_ends_at is not None  # required when approved
        c.require(
            moment < self.protection_ends_at,
            "at",
            f"protection ended at {self.protection_ends_at.isoformat()}; it cannot be extended",
        )
        if moment < self.last_update:
            c.add("at", f"must not be before the last update ({self.last_update.isoformat()})")
        c.done()
        return attrs.evolve(
            self,
            updated_at=moment,
            extensions=self.extensions + 1,
            protection_ends_at=self.protection_ends_at + dt.timedelta(days=days),
        )


def _moment(path: str, value: object) -> dt.datetime:
    c = Checks()
    c.aware_datetime(path, value)
    c.done()
    assert isinstance(value, dt.datetime)
    return value.astimezone(dt.UTC)


def _reason(reason: object) -> None:
    c = Checks()
    c.text("reason", reason, max_length=1000)
    c.done()


def due_for_expiry(
    registration: DealRegistration, as_of: dt.datetime, rules: RegistrationRules
) -> str | None:
    """Why *registration* should expire at *as_of*, or ``None`` when it should not.

    An active registration whose protection window has ended expires ("protection ended");
    one with no update for ``rules.release_after_days`` is released ("no update for N days").
    Drafts and final states (won and lost among them) never expire.

    Raises:
        ValidationError: *as_of* is naive.

    Examples:
        >>> import datetime as dt
        >>> from prmcore.conflicts import CompanyRef
        >>> at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> rules = RegistrationRules(release_after_days=None)
        >>> reg = DealRegistration(id="dr-1", partner_id="p-1", customer=CompanyRef("Acme"),
        ...                        product_lines=("fw",), created_at=at)
        >>> reg = reg.submit(at, rules).approve(at, rules)
        >>> due_for_expiry(reg, at + dt.timedelta(days=89), rules) is None
        True
        >>> due_for_expiry(reg, at + dt.timedelta(days=90), rules)
        'protection ended'

    .. versionadded:: 0.1.0
    """
    moment = _moment("as_of", as_of)
    if not registration.is_active:
        return None
    end = registration.protection_ends_at
    if end is not None and moment >= end:
        return "protection ended"
    days = rules.release_after_days
    if days is not None and moment - registration.last_update >= dt.timedelta(days=days):
        return f"released: no update for {days} days"
    return None
