"""Partners: the companies that sell through the program, and their lifecycle.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple, upper_or_none
from prmcore.domain.ids import PartnerId, ProductLineId, ProgramLevelId
from prmcore.errors import InvalidTransition, ValidationError

__all__ = [
    "PARTNER_TRANSITIONS",
    "Capacity",
    "Location",
    "Partner",
    "PartnerKind",
    "PartnerStatus",
]


class PartnerKind(enum.StrEnum):
    """How a partner sells: the business model of the relationship.

    .. versionadded:: 0.1.0
    """

    RESELLER = "reseller"
    DISTRIBUTOR = "distributor"
    REFERRAL = "referral"
    AFFILIATE = "affiliate"
    MSP = "msp"
    OTHER = "other"


class PartnerStatus(enum.StrEnum):
    """Where a partner is in its lifecycle.

    ``prospect → onboarding → active ⇄ suspended → terminated``; any non-terminated state may
    also go straight to ``terminated`` (a prospect that never signs is terminated, not deleted).
    Only ``active`` partners receive leads.

    .. versionadded:: 0.1.0
    """

    PROSPECT = "prospect"
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


PARTNER_TRANSITIONS: Mapping[PartnerStatus, frozenset[PartnerStatus]] = MappingProxyType(
    {
        PartnerStatus.PROSPECT: frozenset({PartnerStatus.ONBOARDING, PartnerStatus.TERMINATED}),
        PartnerStatus.ONBOARDING: frozenset({PartnerStatus.ACTIVE, PartnerStatus.TERMINATED}),
        PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.TERMINATED}),
        PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.TERMINATED}),
        PartnerStatus.TERMINATED: frozenset(),
    }
)
"""The allowed status changes: ``PARTNER_TRANSITIONS[current]`` is the set of next states."""


def _to_kind(value: object) -> PartnerKind:
    result: PartnerKind = to_enum(PartnerKind, value)
    return result


def _to_status(value: object) -> PartnerStatus:
    result: PartnerStatus = to_enum(PartnerStatus, value)
    return result


def _optional_float(value: object) -> object:
    # Coordinates are measurements, not money: ints are widened, anything else is checked.
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@attrs.frozen
class Location(Validated):
    """A place where a partner operates (or a lead is), used for territory matching.

    Args:
        country: ISO 3166-1 alpha-2 code; lower case is accepted and upper-cased.
        region: A state, province or region code or name (``"CA"``, ``"Bavaria"``).
        postal_code: As written locally; territory matching uses its prefixes.
        city: For display.
        latitude: Degrees in [-90, 90]; give both coordinates or neither.
        longitude: Degrees in [-180, 180].

    Raises:
        ValidationError: Listing every bad field (``country``, ``latitude``, ...).

    .. versionadded:: 0.1.0
    """

    country: str = attrs.field(converter=upper_or_none)
    region: str | None = None
    postal_code: str | None = None
    city: str | None = None
    latitude: float | None = attrs.field(default=None, converter=_optional_float)
    longitude: float | None = attrs.field(default=None, converter=_optional_float)

    def _validate(self, c: Checks) -> None:
        c.country("country", self.country)
        c.optional_text("region", self.region, max_length=100)
        c.optional_text("postal_code", self.postal_code, max_length=20)
        c.optional_text("city", self.city, max_length=200)
        for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = getattr(self, name)
            if value is None:
                continue
            if c.instance(name, value, float):
                c.require(
                    math.isfinite(value) and -bound <= value <= bound,
                    name,
                    f"must be between {-bound:g} and {bound:g} degrees, got {value!r}",
                )
        if (self.latitude is None) != (self.longitude is None):
            c.add("longitude" if self.longitude is None else "latitude", "give both or neither")

    @property
    def has_coordinates(self) -> bool:
        """True when latitude and longitude are both known."""
        return self.latitude is not None and self.longitude is not None


@attrs.frozen
class Capacity(Validated):
    """How many leads a partner can take: ``None`` means no limit.

    Args:
        max_open_leads: Leads offered or accepted and not yet closed, at once.
        max_leads_per_month: Leads accepted in one calendar month.

    .. versionadded:: 0.1.0
    """

    max_open_leads: int | None = None
    max_leads_per_month: int | None = None

    def _validate(self, c: Checks) -> None:
        for name in ("max_open_leads", "max_leads_per_month"):
            value = getattr(self, name)
            if value is not None:
                c.integer(name, value, minimum=0)


@attrs.frozen
class Partner(Validated):
    """A company in the partner program.

    Args:
        id: The host's id for the partner.
        name: Display name.
        kind: The business model (:class:`PartnerKind`).
        status: Lifecycle state; change it with :meth:`transition`, which enforces
            :data:`PARTNER_TRANSITIONS`.
        program_level_id: The assigned program level (``"gold"``), if any.
        locations: Where it operates; the first is its headquarters.
        product_lines: Product lines it is authorised to sell (unique).
        capacity: How many leads it can take.
        parent_id: The distributor a reseller buys through (distributor → reseller).
        version: Set by the repository: 0 before the first save, then 1, 2, ...

    Raises:
        ValidationError: Listing every bad field with its path (``locations[0].country``).

    Examples:
        >>> p = Partner(id="p-1", name="Acme IT", kind=PartnerKind.RESELLER,
        ...             locations=(Location(country="de", postal_code="80331"),))
        >>> p.transition(PartnerStatus.ONBOARDING).status
        <PartnerStatus.ONBOARDING: 'onboarding'>

    .. versionadded:: 0.1.0
    """

    id: PartnerId
    name: str
    kind: PartnerKind = attrs.field(converter=_to_kind)
    status: PartnerStatus = attrs.field(default=PartnerStatus.PROSPECT, converter=_to_status)
    program_level_id: ProgramLevelId | None = None
    locations: tuple[Location, ...] = attrs.field(default=(), converter=to_tuple)
    product_lines: tuple[ProductLineId, ...] = attrs.field(default=(), converter=to_tuple)
    capacity: Capacity = attrs.field(factory=Capacity)
    parent_id: PartnerId | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=300)
        c.member("kind", self.kind, PartnerKind)
        c.member("status", self.status, PartnerStatus)
        c.optional_identifier("program_level_id", self.program_level_id)
        c.each("locations", self.locations, lambda p, v: c.instance(p, v, Location))
        c.each("product_lines", self.product_lines, c.identifier, unique=True)
        c.instance("capacity", self.capacity, Capacity)
        if c.optional_identifier("parent_id", self.parent_id) and self.parent_id is not None:
            c.require(self.parent_id != self.id, "parent_id", "a partner cannot be its own parent")
        c.integer("version", self.version, minimum=0)

    @property
    def headquarters(self) -> Location | None:
        """The first location, or ``None`` when none is known."""
        return self.locations[0] if self.locations else None

    @property
    def countries(self) -> frozenset[str]:
        """The countries of all its locations."""
        return frozenset(loc.country for loc in self.locations)

    def can_transition(self, target: PartnerStatus) -> bool:
        """Whether the lifecycle allows going from the current status to *target*."""
        return target in PARTNER_TRANSITIONS[self.status]

    def transition(self, target: PartnerStatus | str) -> Partner:
        """Return a copy in status *target*.

        Raises:
            InvalidTransition: The lifecycle does not allow the change (including staying in the
                same status, which is almost always a caller's mistake).
        """
        if not isinstance(target, PartnerStatus):
            try:
                target = PartnerStatus(target)
            except ValueError:
                raise ValidationError(
                    f"unknown partner status {target!r}; one of "
                    + ", ".join(s.value for s in PartnerStatus),
                    path="status",
                ) from None
        if not self.can_transition(target):
            raise InvalidTransition(
                "Partner",
                self.status.value,
                target.value,
                sorted(s.value for s in PARTNER_TRANSITIONS[self.status]),
            )
        return attrs.evolve(self, status=target)
