"""Immutable domain events, the :class:`EventSink` protocol, and deterministic clocks and ids.

A service records what happened as :class:`DomainEvent` s and hands them to its unit of work
with ``uow.collect(...)``; the unit publishes them to an :class:`EventSink` only after its
commit succeeded, so a host never announces a change that was rolled back. The host's sink
sends them on (webhooks, e-mail, Slack, a message bus); prmcore ships
:class:`RecordingSink` for tests.

Events are deterministic: nothing in here calls ``uuid4()`` or ``now()`` on its own. The event id
and time are passed in, usually from a :class:`Clock` and an id factory such as
:class:`SequentialIds` that the host injects into its services.

Every event round-trips through :func:`prmcore.serialization.to_dict` /
:func:`~prmcore.serialization.from_dict` (and the JSON variants). The dict carries the event's
type name under ``"type"``, so a consumer can dispatch on it, and
``from_dict(DomainEvent, data)`` returns an instance of the right subclass::

    {"type": "PartnerStatusChanged", "id": "evt-000002",
     "occurred_at": "2026-03-01T09:30:00+00:00",
     "payload": {"partner_id": "p-1", "from_status": "onboarding", "to_status": "active",
                 "version": 3}}

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs

from prmcore._checks import Checks, Validated
from prmcore.errors import ValidationError
from prmcore.serialization import converter

if TYPE_CHECKING:
    from prmcore.domain import Partner

__all__ = [
    "Clock",
    "DomainEvent",
    "EventSink",
    "FixedClock",
    "IdFactory",
    "PartnerRegistered",
    "PartnerStatusChanged",
    "RecordingSink",
    "SequentialIds",
    "SystemClock",
    "event_types",
]

_EVENT_TYPES: dict[str, type[DomainEvent]] = {}


# -- payloads ----------------------------------------------------------------------------------


def _freeze(value: object) -> object:
    """Deep-freeze JSON-like data: lists become tuples, mappings read-only mappings."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: object) -> Any:
    """The inverse of :func:`_freeze`: plain dicts and lists, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


def _payload(value: object) -> object:
    return _freeze(value) if isinstance(value, Mapping) else value


def _check_json(c: Checks, path: str, value: object) -> None:
    """Record a problem for anything that is not JSON-ready (a ``Decimal`` belongs in a str)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        c.require(math.isfinite(value), path, f"must be a finite number, got {value!r}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if c.instance(f"{path}.<key>", key, str):
                _check_json(c, f"{path}.{key}", item)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _check_json(c, f"{path}[{index}]", item)
    else:
        c.add(
            path,
            f"must be JSON-ready (str, int, float, bool, None, list or mapping), got "
            f"{type(value).__name__} {value!r}; write amounts and dates as strings",
        )


# -- events ------------------------------------------------------------------------------------


@attrs.frozen
class DomainEvent(Validated):
    """Something that happened in the domain, as an immutable record; subclass it.

    Each subclass has a ``name`` class attribute (its class name unless set) that identifies
    its type on the wire, and may list ``required_keys`` that its payload must contain. Names are
    unique: defining two event classes with the same name raises :class:`TypeError`, so prefix
    a host's event names with the application's name (``"acme.LeadAccepted"``).

    Args:
        id: A unique id for the event (1-128 letters, digits or ``._:@/+-``), from an id factory
            such as :class:`SequentialIds`; consumers use it to drop duplicates.
        occurred_at: When it happened, timezone-aware, from a :class:`Clock`.
        payload: What happened, as JSON-ready data (str, int, float, bool, None, lists and
            mappings with str keys). It is deep-frozen: lists become tuples, mappings
            read-only.

    Raises:
        ValidationError: Listing every bad field (``payload.amount`` for a ``Decimal``, a
            missing required key, a naive ``occurred_at``, ...).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.serialization import to_dict
        >>> @attrs.frozen
        ... class LeadAccepted(DomainEvent):
        ...     name: ClassVar[str] = "acme.LeadAccepted"
        ...     required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id"})
        >>> at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        >>> event = LeadAccepted("evt-1", at, {"lead_id": "l-7"})
        >>> to_dict(event)["type"]
        'acme.LeadAccepted'

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "DomainEvent"
    required_keys: ClassVar[frozenset[str]] = frozenset()

    id: str
    occurred_at: dt.datetime
    payload: Mapping[str, object] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_payload, hash=False
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__
        known = _EVENT_TYPES.get(cls.name)
        # attrs replaces each class with a slotted copy of the same module and qualified name.
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise TypeError(
                f"event name {cls.name!r} is taken by {known.__module__}.{known.__qualname__}; "
                "give the new event class its own name = '...'"
            )
        _EVENT_TYPES[cls.name] = cls

    def _validate(self, c: Checks) -> None:
        if type(self) is DomainEvent:
            c.add("", "DomainEvent is a base class: raise a subclass such as PartnerRegistered")
        c.identifier("id", self.id)
        c.aware_datetime("occurred_at", self.occurred_at)
        if c.instance("payload", self.payload, Mapping):
            _check_json(c, "payload", self.payload)
            for key in sorted(self.required_keys - set(self.payload)):
                c.add(f"payload.{key}", f"required by {self.name} but missing")


@attrs.frozen
class PartnerRegistered(DomainEvent):
    """A partner was added to the program.

    Payload: ``partner_id``, ``name``, ``kind``, ``status`` and ``version`` (of the stored
    partner). Build it with :meth:`for_partner`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "PartnerRegistered"
    required_keys: ClassVar[frozenset[str]] = frozenset({"partner_id", "status"})

    @classmethod
    def for_partner(
        cls, partner: Partner, *, id: str, occurred_at: dt.datetime
    ) -> PartnerRegistered:
        """The event for *partner* as stored (so ``version`` is the stored version).

        Examples:
            >>> PartnerRegistered.for_partner(stored, id=ids(), occurred_at=clock.now())
            ... # doctest: +SKIP
        """
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                "partner_id": partner.id,
                "name": partner.name,
                "kind": partner.kind.value,
                "status": partner.status.value,
                "version": partner.version,
            },
        )

    @property
    def partner_id(self) -> str:
        """The id of the registered partner."""
        return str(self.payload["partner_id"])


@attrs.frozen
class PartnerStatusChanged(DomainEvent):
    """A partner moved through its lifecycle (``onboarding`` → ``active``, ...).

    Payload: ``partner_id``, ``from_status``, ``to_status`` and ``version`` (after the change).
    Build it with :meth:`for_change`.

    .. versionadded:: 0.1.0
    """

    name: ClassVar[str] = "PartnerStatusChanged"
    required_keys: ClassVar[frozenset[str]] = frozenset({"partner_id", "from_status", "to_status"})

    @classmethod
    def for_change(
        cls, before: Partner, after: Partner, *, id: str, occurred_at: dt.datetime
    ) -> PartnerStatusChanged:
        """The event for a partner that went from *before* to *after* (as stored)."""
        return cls(
            id=id,
            occurred_at=occurred_at,
            payload={
                "partner_id": after.id,
                "from_status": before.status.value,
                "to_status": after.status.value,
                "version": after.version,
            },
        )

    @property
    def partner_id(self) -> str:
        """The id of the partner."""
        return str(self.payload["partner_id"])

    @property
    def from_status(self) -> str:
        """The status before the change (a :class:`~prmcore.domain.PartnerStatus` value)."""
        return str(self.payload["from_status"])

    @property
    def to_status(self) -> str:
        """The status after the change."""
        return str(self.payload["to_status"])


def event_types() -> Mapping[str, type[DomainEvent]]:
    """Every defined event class by its ``name``, as ``from_dict(DomainEvent, ...)`` sees them.

    .. versionadded:: 0.1.0
    """
    return MappingProxyType(dict(_EVENT_TYPES))


# -- dict / JSON -------------------------------------------------------------------------------


def _unstructure_event(event: DomainEvent) -> dict[str, Any]:
    return {
        "type": event.name,
        "id": event.id,
        "occurred_at": event.occurred_at.isoformat(),
        "payload": _thaw(event.payload),
    }


def _structure_event(data: object, cls: type[DomainEvent]) -> DomainEvent:
    if not isinstance(data, Mapping):
        raise ValidationError(f"must be an object (a mapping), got {type(data).__name__}")
    c = Checks()
    for key in sorted(set(data) - {"type", "id", "occurred_at", "payload"}, key=str):
        c.add(str(key), "unknown field (not part of the schema)")
    target: type[DomainEvent] | None = None
    name = data.get("type", cls.name if cls is not DomainEvent else None)
    if name is None:
        c.add("type", "required field is missing")
    elif not isinstance(name, str) or name not in _EVENT_TYPES:
        c.add("type", f"unknown event type {name!r}; known: {', '.join(sorted(_EVENT_TYPES))}")
    elif not issubclass(_EVENT_TYPES[name], cls):
        c.add("type", f"a {name} event is not a {cls.name}")
    else:
        target = _EVENT_TYPES[name]
    for key in ("id", "occurred_at"):
        if key not in data:
            c.add(key, "required field is missing")
    occurred_at: Any = data.get("occurred_at")
    if isinstance(occurred_at, str):
        try:
            occurred_at = dt.datetime.fromisoformat(occurred_at)
        except ValueError:
            c.add("occurred_at", f"must be an ISO 8601 datetime, got {occurred_at!r}")
    c.done()
    assert target is not None
    return target(id=data["id"], occurred_at=occurred_at, payload=data.get("payload", {}))


converter.register_unstructure_hook(DomainEvent, _unstructure_event)
converter.register_structure_hook(DomainEvent, _structure_event)


# -- sinks -------------------------------------------------------------------------------------


@runtime_checkable
class EventSink(Protocol):
    """**Protocol:** where a unit of work sends its events after a successful commit.

    ``publish`` is called once per commit with the events collected since the previous commit,
    in the order they were collected, and never for a unit that rolled back. It runs after the
    data is durable: if it raises, the data stays committed and the error propagates to the
    caller (at-most-once delivery; write events to an outbox table inside the unit if you need
    at-least-once).

    .. versionadded:: 0.1.0
    """

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Deliver *events* (already committed) to wherever the host wants them."""


class RecordingSink:
    """An :class:`EventSink` that keeps what it is given, for tests (like structlog's
    ``capture_logs``): assert on :attr:`events` after the code under test ran.

    Thread-safe: several units of work may publish to one sink.

    Examples:
        >>> sink = RecordingSink()
        >>> with InMemoryUnitOfWork(store, sink) as uow:  # doctest: +SKIP
        ...     uow.partners.add(partner)
        ...     uow.collect(event)
        ...     uow.commit()
        >>> [e.name for e in sink.events]  # doctest: +SKIP
        ['PartnerRegistered']

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[DomainEvent] = []
        """Every published event, in publishing order."""
        self.batches: list[tuple[DomainEvent, ...]] = []
        """One entry per :meth:`publish` call (one per commit that had events)."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Record *events* as one batch."""
        with self._lock:
            self.batches.append(tuple(events))
            self.events.extend(events)

    @property
    def names(self) -> list[str]:
        """The type names of the recorded events, in order."""
        with self._lock:
            return [event.name for event in self.events]

    def clear(self) -> None:
        """Forget everything recorded so far."""
        with self._lock:
            self.events.clear()
            self.batches.clear()


# -- time and ids ------------------------------------------------------------------------------


@runtime_checkable
class Clock(Protocol):
    """**Protocol:** the source of "now" for services; engines never read the system clock.

    .. versionadded:: 0.1.0
    """

    def now(self) -> dt.datetime:
        """The current moment, timezone-aware."""


class SystemClock:
    """A :class:`Clock` that reads the system clock, in UTC.

    .. versionadded:: 0.1.0
    """

    def now(self) -> dt.datetime:
        """``datetime.now(UTC)``."""
        return dt.datetime.now(dt.UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


def _aware(value: object, path: str) -> dt.datetime:
    c = Checks()
    c.aware_datetime(path, value)
    c.done()
    assert isinstance(value, dt.datetime)
    return value


class FixedClock:
    """A :class:`Clock` that shows a fixed moment until it is moved, for tests and replays.

    Args:
        at: The moment to show, timezone-aware.

    Raises:
        ValidationError: *at* is not a timezone-aware datetime.

    Examples:
        >>> clock = FixedClock(dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC))
        >>> clock.advance(dt.timedelta(minutes=5)).isoformat()
        '2026-03-01T09:35:00+00:00'

    .. versionadded:: 0.1.0
    """

    def __init__(self, at: dt.datetime) -> None:
        self._at = _aware(at, "at")

    def now(self) -> dt.datetime:
        """The moment the clock shows."""
        return self._at

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock forward by *delta* (backwards if negative) and return the new time."""
        self._at = self._at + delta
        return self._at

    def set(self, at: dt.datetime) -> None:
        """Show *at* from now on.

        Raises:
            ValidationError: *at* is not timezone-aware.
        """
        self._at = _aware(at, "at")

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()!r})"


@runtime_checkable
class IdFactory(Protocol):
    """**Protocol:** makes a new unique id each time it is called (event ids, ...).

    A host that wants random ids passes ``lambda: str(uuid.uuid4())``; prmcore itself never
    generates randomness.

    .. versionadded:: 0.1.0
    """

    def __call__(self) -> str:
        """A new id, never returned before by this factory."""


class SequentialIds:
    """A deterministic :class:`IdFactory`: ``evt-000001``, ``evt-000002``, ...

    Thread-safe. Ids sort in creation order as long as they fit *width* digits.

    Args:
        prefix: What comes before the dash.
        start: The first number.
        width: Digits, zero-padded.

    Raises:
        ValidationError: *prefix* would not make a valid id, or *start* or *width* is negative.

    Examples:
        >>> ids = SequentialIds("evt")
        >>> ids(), ids()
        ('evt-000001', 'evt-000002')

    .. versionadded:: 0.1.0
    """

    def __init__(self, prefix: str = "evt", *, start: int = 1, width: int = 6) -> None:
        c = Checks()
        c.identifier("prefix", prefix)
        c.integer("start", start, minimum=0)
        c.integer("width", width, minimum=1, maximum=20)
        c.done()
        self._prefix = prefix
        self._next = start
        self._width = width
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            number = self._next
            self._next += 1
        return f"{self._prefix}-{number:0{self._width}d}"

    def __repr__(self) -> str:
        return f"SequentialIds({self._prefix!r}, start={self._next}, width={self._width})"
