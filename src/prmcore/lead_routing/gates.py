"""Eligibility gates: the checks a partner in a territory's pool must pass to be offered a
lead, as data. Each gate reports a verdict: passed, or failed with the reason in words.

The router runs the gates in order on each pool member and (with tracing off) stops at the
first failure, so put cheap, often-failing gates first. Gates that need outside knowledge
(certifications, deal registrations) take a callable that satisfies a small protocol, so a
host can plug in its own source.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.domain import Agreement, AgreementKind, Lead, Partner, PartnerStatus
from prmcore.domain.ids import PartnerId
from prmcore.errors import ValidationError
from prmcore.lead_routing.state import PartnerLoad
from prmcore.lead_routing.territory import PoolMember

if TYPE_CHECKING:
    from prmcore.tiers.program import Program

__all__ = [
    "DEFAULT_GATES",
    "AgreementGate",
    "AvailabilityGate",
    "AwayWindow",
    "Candidate",
    "CapacityGate",
    "CertificationCheck",
    "CertificationGate",
    "DealRegistrationGate",
    "DealRegistrationLookup",
    "DeclinedGate",
    "Gate",
    "GateVerdict",
    "MinimumLevelGate",
    "RoutingData",
    "RoutingRequest",
    "StatusGate",
    "WeightGate",
]


@runtime_checkable
class RoutingData(Protocol):
    """**Protocol:** what the router reads about partners and state while it routes a lead.

    The routing service implements it over a unit of work; :class:`~prmcore.lead_routing.
    InMemoryRoutingData` keeps everything in dicts for batches, notebooks and tests.

    .. versionadded:: 0.1.0
    """

    def partner(self, partner_id: str) -> Partner | None:
        """The partner, or ``None`` when it does not exist."""
        ...

    def agreements(self, partner_id: str) -> Sequence[Agreement]:
        """The partner's agreements (any validity: gates check the dates)."""
        ...

    def load(self, partner_id: str) -> PartnerLoad:
        """The partner's load (a fresh one at version 0 when none is stored)."""
        ...

    def rotation(self, territory_id: str) -> Any:
        """The territory's :class:`~prmcore.lead_routing.RotationState` (a fresh one at
        version 0 when none is stored)."""
        ...


class RoutingRequest:
    """One lead being routed: the lead, the moment, what to avoid and a per-lead cache.

    Args:
        lead: The lead.
        now: The routing moment (timezone-aware); its date decides agreements, territories
            in force and the capacity period.
        data: Where partners and state are read.
        declined: Partners that declined (or let expire) an offer of this lead before.
        attempt: Which offer attempt this is (1 for the first).

    .. versionadded:: 0.1.0
    """

    __slots__ = ("attempt", "cache", "data", "day", "declined", "lead", "now", "period")

    def __init__(
        self,
        lead: Lead,
        now: dt.datetime,
        data: RoutingData,
        declined: Iterable[str] = (),
        attempt: int = 1,
    ) -> None:
        self.lead = lead
        self.now = now
        self.day = now.date()
        self.period = f"{self.day.year:04d}-{self.day.month:02d}"
        self.data = data
        self.declined = declined if isinstance(declined, frozenset) else frozenset(declined)
        self.attempt = attempt
        self.cache: dict[str, Any] = {}


class Candidate:
    """A pool member being considered for a lead; gates and strategies read it, strategies
    write its score.

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "distance_km",
        "load",
        "member",
        "note",
        "partner",
        "partner_id",
        "score",
        "weight",
    )

    def __init__(
        self, member: PoolMember, partner: Partner | None, weight: Decimal, load: PartnerLoad
    ) -> None:
        self.member = member
        self.partner_id: str = member.partner_id
        self.partner = partner
        self.weight = weight
        self.load = load
        self.score: Any = None
        self.distance_km: float | None = None
        self.note: str = ""


@attrs.frozen
class GateVerdict:
    """One gate's verdict on one candidate.

    Attributes:
        gate: The gate's name.
        passed: Whether the candidate passed.
        detail: Why it failed, or what was checked when it passed.

    .. versionadded:: 0.1.0
    """

    gate: str
    passed: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data."""
        return {"gate": self.gate, "passed": self.passed, "detail": self.detail}


class Gate(Protocol):
    """**Protocol:** one eligibility check.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str]

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """``None`` when *candidate* passes, else the reason it fails, in words."""
        ...

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """What the gate checked, for the trace of a candidate that passed."""
        ...


@attrs.frozen
class WeightGate:
    """A weight of 0 means never: the partner stays in the pool but gets no leads.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "weight"

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails for a weight of 0."""
        return None if candidate.weight > 0 else "weight is 0 (never routed)"

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The weight."""
        return f"weight {candidate.weight}"


def _to_statuses(value: object) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return frozenset(PartnerStatus(v) for v in value)
    return value


@attrs.frozen
class StatusGate:
    """The partner exists and is in one of *statuses* (default: active only).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "status"
    statuses: frozenset[PartnerStatus] = attrs.field(
        default=frozenset({PartnerStatus.ACTIVE}), converter=_to_statuses
    )

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails for an unknown partner or one in another status."""
        partner = candidate.partner
        if partner is None:
            return "unknown partner"
        if partner.status in self.statuses:
            return None
        return f"status is {partner.status.value}"

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The status seen."""
        assert candidate.partner is not None
        return f"status is {candidate.partner.status.value}"


def _to_kinds(value: object) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(sorted(AgreementKind(v) for v in value))
    return value


@attrs.frozen
class AgreementGate:
    """The partner has an agreement of each of *kinds* signed and unexpired on the routing
    day (expiry day inclusive).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "agreements"
    kinds: tuple[AgreementKind, ...] = attrs.field(converter=_to_kinds)

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails naming the kinds missing on the day."""
        day = request.day
        in_force = {
            a.kind for a in request.data.agreements(candidate.partner_id) if a.in_force_on(day)
        }
        missing = [k.value for k in self.kinds if k not in in_force]
        if missing:
            return f"no {', '.join(missing)} agreement in force on {day.isoformat()}"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The kinds checked."""
        kinds = ", ".join(k.value for k in self.kinds)
        return f"{kinds} in force on {request.day.isoformat()}"


def _to_ranks(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen
class MinimumLevelGate:
    """The partner's program level ranks at least as high as *minimum*.

    Args:
        minimum: The lowest level id accepted.
        ranks: Level id to rank (higher is better); :meth:`from_program` reads them from a
            :class:`~prmcore.tiers.Program`.

    Raises:
        ValidationError: *minimum* is not one of *ranks*.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "program_level"
    minimum: str
    ranks: Mapping[str, int] = attrs.field(converter=_to_ranks, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.minimum not in self.ranks:
            raise ValidationError(
                f"unknown level {self.minimum!r}; one of {', '.join(sorted(self.ranks))}",
                "minimum",
            )

    @classmethod
    def from_program(cls, program: Program, minimum: str) -> MinimumLevelGate:
        """The gate with the ranks of *program*'s levels."""
        return cls(minimum, {level.id: level.rank for level in program.levels})

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails for no level, an unknown one or one ranked below the minimum."""
        level = candidate.partner.program_level_id if candidate.partner else None
        if level is None:
            return f"no program level (needs {self.minimum} or higher)"
        rank = self.ranks.get(level)
        if rank is None:
            return f"unknown program level {level!r}"
        if rank < self.ranks[self.minimum]:
            return f"level {level} is below {self.minimum}"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The level seen."""
        level = candidate.partner.program_level_id if candidate.partner else None
        return f"level {level} is at least {self.minimum}"


@runtime_checkable
class CertificationCheck(Protocol):
    """**Protocol:** which of the required certification types a partner does *not* hold
    actively on a day (an empty set when it holds them all).

    .. versionadded:: 0.1.0
    """

    def __call__(self, partner_id: str, required: frozenset[str], on: dt.date) -> frozenset[str]:
        """The certification type ids in *required* that *partner_id* lacks on *on*."""
        ...


@attrs.frozen
class CertificationGate:
    """The partner holds every certification in *required* actively on the routing day, as
    *source* says.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "certifications"
    required: frozenset[str] = attrs.field(converter=frozenset)
    source: CertificationCheck = attrs.field(eq=False, repr=False)

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails naming the certifications missing."""
        missing = self.source(candidate.partner_id, self.required, request.day)
        if missing:
            return f"missing active certification {', '.join(sorted(missing))}"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The certifications checked."""
        return f"holds {', '.join(sorted(self.required))}"


@attrs.frozen
class CapacityGate:
    """The partner has room: fewer open leads than ``capacity.max_open_leads`` and fewer
    leads this month than ``capacity.max_leads_per_month`` (``None`` means no limit).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "capacity"

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails naming the limit reached."""
        partner = candidate.partner
        if partner is None:
            return "unknown partner"
        capacity = partner.capacity
        load = candidate.load
        if capacity.max_open_leads is not None and load.open >= capacity.max_open_leads:
            return f"{load.open} open leads, limit {capacity.max_open_leads}"
        limit = capacity.max_leads_per_month
        if limit is not None:
            used = load.in_period(request.period)
            if used >= limit:
                return f"{used} leads in {request.period}, limit {limit}"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The counts against the limits."""
        assert candidate.partner is not None
        capacity = candidate.partner.capacity
        load = candidate.load
        return (
            f"{load.open} open (limit {capacity.max_open_leads}), "
            f"{load.in_period(request.period)} in {request.period} "
            f"(limit {capacity.max_leads_per_month})"
        )


@attrs.frozen
class AwayWindow(Validated):
    """A time a partner takes no leads: from *start* (inclusive) to *end* (exclusive).

    Raises:
        ValidationError: A naive moment, or *end* not after *start*.

    .. versionadded:: 0.1.0
    """

    start: dt.datetime
    end: dt.datetime
    reason: str | None = None

    def _validate(self, c: Checks) -> None:
        if c.aware_datetime("start", self.start) and c.aware_datetime("end", self.end):
            c.require(self.end > self.start, "end", "must be after start")
        c.optional_text("reason", self.reason, max_length=200)

    def covers(self, moment: dt.datetime) -> bool:
        """Whether *moment* falls in the window."""
        return self.start <= moment < self.end


def _to_windows(value: object) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: to_tuple(v) for k, v in value.items()})
    return value


@attrs.frozen
class AvailabilityGate:
    """The partner is not away at the routing moment.

    Args:
        away: Partner id to its :class:`AwayWindow` s (holidays, paused intake).

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "availability"
    away: Mapping[str, tuple[AwayWindow, ...]] = attrs.field(converter=_to_windows, hash=False)

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails naming the window that covers the moment."""
        for window in self.away.get(candidate.partner_id, ()):
            if window.covers(request.now):
                why = f" ({window.reason})" if window.reason else ""
                return f"away from {window.start.isoformat()} to {window.end.isoformat()}{why}"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """The moment checked."""
        return f"available at {request.now.isoformat()}"


@attrs.frozen
class DeclinedGate:
    """The partner has not declined (or let expire) an offer of this lead before.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "previous_declines"

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails for a partner that declined this lead."""
        if candidate.partner_id in request.declined:
            return "declined or let expire an earlier offer of this lead"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """What was checked."""
        return "no earlier decline of this lead"


@runtime_checkable
class DealRegistrationLookup(Protocol):
    """**Protocol:** the partner holding an active deal registration on the lead's account
    (or company) on a day, or ``None``.

    .. versionadded:: 0.1.0
    """

    def __call__(self, lead: Lead, on: dt.date) -> PartnerId | str | None:
        """The registering partner's id, or ``None`` when nobody holds one."""
        ...


@attrs.frozen
class DealRegistrationGate:
    """No *other* partner holds an active deal registration on the lead's account: a lead for
    a protected deal goes only to the partner that registered it.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "deal_registration"
    lookup: DealRegistrationLookup = attrs.field(eq=False, repr=False)

    def _holder(self, request: RoutingRequest) -> str | None:
        cache = request.cache
        if "deal_registration" not in cache:
            cache["deal_registration"] = self.lookup(request.lead, request.day)
        holder: str | None = cache["deal_registration"]
        return holder

    def check(self, candidate: Candidate, request: RoutingRequest) -> str | None:
        """Fails when another partner holds the registration."""
        holder = self._holder(request)
        if holder is not None and holder != candidate.partner_id:
            return f"partner {holder} holds an active deal registration on the account"
        return None

    def describe(self, candidate: Candidate, request: RoutingRequest) -> str:
        """Who holds a registration, if anyone."""
        holder = self._holder(request)
        return "no active registration" if holder is None else "holds the registration"


DEFAULT_GATES: tuple[Gate, ...] = (WeightGate(), StatusGate(), DeclinedGate(), CapacityGate())
"""The gates every router runs unless told otherwise: weight, status, previous declines,
capacity.

.. versionadded:: 0.1.0
"""
