"""What the shipped stores share: the aggregate kinds, argument checks, lookup keys, version
bumps and conflict errors, so that the in-memory and SQLite stores behave the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from prmcore._checks import Checks, is_country_code
from prmcore.certifications import CertificationAward, CertificationType, SentReminder
from prmcore.conflicts.registration import DealRegistration, DealStatus
from prmcore.domain import (
    Account,
    Affiliation,
    Agreement,
    Lead,
    Partner,
    PartnerKind,
    PartnerStatus,
    Person,
    ProductLine,
)
from prmcore.errors import ConflictError, PrmError, ValidationError
from prmcore.lead_routing.offers import LeadRouting, RoutingStatus
from prmcore.lead_routing.state import PartnerLoad, RotationState
from prmcore.tiers import LevelRecord

__all__ = [
    "AGGREGATES",
    "INDEXABLE_DEAL_STATUSES",
    "Aggregate",
    "check_new",
    "check_new_batch",
    "check_type",
    "conflict",
    "date_arg",
    "domain_key",
    "email_key",
    "epoch_micros",
    "inactive",
    "optional_aware",
    "optional_country",
    "optional_deal_status",
    "optional_kind",
    "optional_routing_status",
    "optional_status",
    "text_arg",
    "with_version",
]

T = TypeVar("T")


@attrs.frozen
class Aggregate:
    """One kind of aggregate: its class, the name errors use and the attribute of the unit of
    work (which is also the SQLite table name)."""

    cls: type[Any]
    kind: str
    attribute: str


AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate(Partner, "Partner", "partners"),
    Aggregate(Person, "Person", "people"),
    Aggregate(Affiliation, "Affiliation", "affiliations"),
    Aggregate(Agreement, "Agreement", "agreements"),
    Aggregate(Account, "Account", "accounts"),
    Aggregate(Lead, "Lead", "leads"),
    Aggregate(ProductLine, "ProductLine", "product_lines"),
    Aggregate(CertificationType, "CertificationType", "certification_types"),
    Aggregate(CertificationAward, "CertificationAward", "certification_awards"),
    Aggregate(SentReminder, "SentReminder", "sent_reminders"),
    Aggregate(LevelRecord, "LevelRecord", "level_records"),
    Aggregate(RotationState, "RotationState", "rotation_states"),
    Aggregate(PartnerLoad, "PartnerLoad", "partner_loads"),
    Aggregate(LeadRouting, "LeadRouting", "lead_routings"),
    Aggregate(DealRegistration, "DealRegistration", "deal_registrations"),
)


def inactive(store_kind: str) -> PrmError:
    """The error for using a unit of work outside its ``with`` block."""
    return PrmError(
        f"this {store_kind} is not active: use it inside 'with ...:' (a unit of work is "
        "entered once, then rolled back when the block ends)"
    )


def check_type(aggregate: Aggregate, obj: object) -> None:
    """A repository only takes its own aggregate: anything else is a programming error."""
    if not isinstance(obj, aggregate.cls):
        raise TypeError(
            f"the {aggregate.attribute} repository stores {aggregate.kind} objects, "
            f"not {type(obj).__name__}"
        )


def check_new(aggregate: Aggregate, obj: Any) -> None:
    """``add`` takes objects that were never stored, i.e. at version 0."""
    check_type(aggregate, obj)
    if obj.version != 0:
        raise ValidationError(
            f"a new {aggregate.kind} must be at version 0, got {obj.version}: "
            "it was stored before, so use update()",
            path="version",
        )


def check_new_batch(aggregate: Aggregate, objs: Iterable[T]) -> list[T]:
    """Check a batch for ``add_many``: every object new, no id twice."""
    batch = list(objs)
    seen: set[str] = set()
    for index, obj in enumerate(batch):
        try:
            check_new(aggregate, obj)
        except ValidationError as exc:
            raise exc.prefixed(f"[{index}]") from None
        key: str = obj.id  # type: ignore[attr-defined]
        if key in seen:
            raise ConflictError(aggregate.kind, key, None, None, "appears twice in one batch")
        seen.add(key)
    return batch


def conflict(kind: str, key: str, expected: int | None, actual: int | None) -> ConflictError:
    """A :class:`ConflictError` whose message also reads well when one side is absent."""
    if expected is None:
        detail = f"already exists (at version {actual}); ids must be unique"
    elif actual is None:
        detail = f"was removed by someone else after you read version {expected}"
    else:
        detail = ""
    return ConflictError(kind, key, expected, actual, detail)


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    return names


def with_version(obj: T, version: int) -> T:
    """A copy of the aggregate *obj* at *version*.

    Equivalent to ``attrs.evolve(obj, version=version)`` but without running the constructor's
    checks again: *obj* was validated when it was built, and a non-negative version is always
    valid. Bulk writes spend a third of their time in those checks otherwise.
    """
    cls: type[Any] = type(obj)
    new: T = object.__new__(cls)
    for name in _field_names(cls):
        object.__setattr__(new, name, getattr(obj, name))
    object.__setattr__(new, "version", version)
    return new


# -- query arguments ---------------------------------------------------------------------------


def optional_status(value: object) -> PartnerStatus | None:
    """A ``status=`` filter: ``None``, a :class:`PartnerStatus` or its value."""
    if value is None or isinstance(value, PartnerStatus):
        return value
    try:
        return PartnerStatus(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(s.value for s in PartnerStatus)
        raise ValidationError(
            f"unknown partner status {value!r}; one of {choices}", "status"
        ) from None


def optional_deal_status(value: object) -> DealStatus | None:
    """A deal registration ``status=`` filter: ``None``, a :class:`DealStatus` or its value."""
    if value is None or isinstance(value, DealStatus):
        return value
    try:
        return DealStatus(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(s.value for s in DealStatus)
        raise ValidationError(
            f"unknown deal registration status {value!r}; one of {choices}", "status"
        ) from None


INDEXABLE_DEAL_STATUSES: tuple[DealStatus, ...] = (
    DealStatus.SUBMITTED,
    DealStatus.APPROVED,
    DealStatus.WON,
)
"""The registrations a conflict detector loads: those that claim a customer, and won ones."""


def optional_kind(value: object) -> PartnerKind | None:
    """A ``kind=`` filter: ``None``, a :class:`PartnerKind` or its value."""
    if value is None or isinstance(value, PartnerKind):
        return value
    try:
        return PartnerKind(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(k.value for k in PartnerKind)
        raise ValidationError(f"unknown partner kind {value!r}; one of {choices}", "kind") from None


def optional_routing_status(value: object) -> RoutingStatus | None:
    """A lead-routing ``status=`` filter: ``None``, a :class:`RoutingStatus` or its value."""
    if value is None or isinstance(value, RoutingStatus):
        return value
    try:
        return RoutingStatus(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(s.value for s in RoutingStatus)
        raise ValidationError(
            f"unknown routing status {value!r}; one of {choices}", "status"
        ) from None


def optional_country(value: object) -> str | None:
    """A ``country=`` filter, upper-cased like :class:`~prmcore.domain.Location` does."""
    if value is None:
        return None
    code = value.strip().upper() if isinstance(value, str) else value
    if not is_country_code(code):
        raise ValidationError(f"unknown ISO 3166-1 alpha-2 country code {value!r}", "country")
    assert isinstance(code, str)
    return code


def optional_aware(path: str, value: object) -> dt.datetime | None:
    """A datetime bound: ``None`` or timezone-aware."""
    if value is None:
        return None
    c = Checks()
    c.aware_datetime(path, value)
    c.done()
    assert isinstance(value, dt.datetime)
    return value


def email_key(email: str) -> str:
    """How e-mail addresses are compared: Unicode case folding."""
    return email.casefold()


def domain_key(domain: str) -> str:
    """How domains are compared: as :class:`~prmcore.domain.Account` normalises them."""
    return domain.strip().lower().rstrip(".")


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def epoch_micros(moment: dt.datetime) -> int:
    """An aware datetime as whole microseconds since 1970-01-01 UTC, so that moments in
    different time zones compare correctly as integers (no overflow even near year 1)."""
    return (moment - _EPOCH) // _MICROSECOND


def date_arg(path: str, value: object) -> dt.date:
    """A date argument of a query such as ``expiring``."""
    c = Checks()
    c.date(path, value)
    c.done()
    assert isinstance(value, dt.date)
    return value


def text_arg(path: str, value: object) -> str:
    """A string argument of a lookup such as ``find_by_email``."""
    if not isinstance(value, str):
        raise ValidationError(f"must be a string, got {type(value).__name__} {value!r}", path)
    return value
