"""Domain events, their dict/JSON form, sinks, clocks and id factories."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

import attrs
import pytest

from prmcore import events as events_module
from prmcore.domain import Partner, PartnerKind, PartnerStatus
from prmcore.errors import ValidationError
from prmcore.events import (
    Clock,
    DomainEvent,
    EventSink,
    FixedClock,
    IdFactory,
    PartnerRegistered,
    PartnerStatusChanged,
    RecordingSink,
    SequentialIds,
    SystemClock,
    event_types,
)
from prmcore.serialization import from_dict, from_json, to_dict, to_json

AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def acme(**changes: object) -> Partner:
    values: dict[str, object] = {
        "id": "p-1",
        "name": "Acme IT",
        "kind": PartnerKind.MSP,
        "version": 1,
    }
    values.update(changes)
    return Partner(**values)  # type: ignore[arg-type]


def registered() -> PartnerRegistered:
    return PartnerRegistered.for_partner(acme(), id="evt-000001", occurred_at=AT)


def changed() -> PartnerStatusChanged:
    before = acme(status=PartnerStatus.ONBOARDING, version=2)
    after = acme(status=PartnerStatus.ACTIVE, version=3)
    return PartnerStatusChanged.for_change(before, after, id="evt-000002", occurred_at=AT)


# -- the events --------------------------------------------------------------------------------


def test_partner_registered_describes_the_stored_partner() -> None:
    event = registered()
    assert event.name == "PartnerRegistered"
    assert event.partner_id == "p-1"
    assert dict(event.payload) == {
        "partner_id": "p-1",
        "name": "Acme IT",
        "kind": "msp",
        "status": "prospect",
        "version": 1,
    }


def test_partner_status_changed_names_both_statuses() -> None:
    event = changed()
    assert (event.partner_id, event.from_status, event.to_status) == ("p-1", "onboarding", "active")
    assert event.payload["version"] == 3


def test_events_are_immutable_and_hashable() -> None:
    event = PartnerRegistered("evt-1", AT, {"partner_id": "p-1", "status": "x", "tags": ["a"]})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.id = "evt-2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        event.payload["status"] = "changed"  # type: ignore[index]
    assert event.payload["tags"] == ("a",)
    assert to_dict(event)["payload"]["tags"] == ["a"]
    assert hash(event) == hash(attrs.evolve(event))
    assert event == attrs.evolve(event)
    assert event != attrs.evolve(event, payload={"partner_id": "p-2", "status": "x"})


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(ValidationError) as caught:
        PartnerRegistered(
            "evt 1",
            dt.datetime(2026, 3, 1),  # naive
            {
                "partner_id": "p-1",
                "amount": Decimal("1.50"),
                "when": dt.date(2026, 3, 1),
                "ratio": float("nan"),
                "nested": {"ok": [1, 2.5, None, True], 3: "int key"},
            },
        )
    assert caught.value.paths == (
        "id",
        "occurred_at",
        "payload.amount",
        "payload.when",
        "payload.ratio",
        "payload.nested.<key>",
        "payload.status",
    )


def test_the_payload_must_be_a_mapping() -> None:
    with pytest.raises(ValidationError) as caught:
        PartnerRegistered("evt-1", AT, ["partner_id"])  # type: ignore[arg-type]
    assert caught.value.paths == ("payload",)


def test_the_base_class_is_not_an_event() -> None:
    with pytest.raises(ValidationError, match="base class"):
        DomainEvent("evt-1", AT)


@pytest.fixture
def restore_event_types() -> Iterator[None]:
    saved = dict(events_module._EVENT_TYPES)
    yield
    events_module._EVENT_TYPES.clear()
    events_module._EVENT_TYPES.update(saved)


@pytest.mark.usefixtures("restore_event_types")
def test_subclasses_register_under_their_name() -> None:
    @attrs.frozen
    class UnitTestOnlyEvent(DomainEvent):
        required_keys: ClassVar[frozenset[str]] = frozenset({"lead_id"})

    assert UnitTestOnlyEvent.name == "UnitTestOnlyEvent"
    assert event_types()["UnitTestOnlyEvent"] is UnitTestOnlyEvent
    event = UnitTestOnlyEvent("evt-9", AT, {"lead_id": "l-1"})
    assert from_dict(DomainEvent, to_dict(event)) == event

    with pytest.raises(TypeError, match="taken by"):

        @attrs.frozen
        class Impostor(DomainEvent):
            name: ClassVar[str] = "UnitTestOnlyEvent"


# -- dict and JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [registered, changed])
def test_events_round_trip_through_dicts_and_json(make: type[DomainEvent]) -> None:
    event = make()
    data = to_dict(event)
    assert data["type"] == event.name
    assert data["occurred_at"] == "2026-03-01T09:30:00+00:00"
    assert json.loads(json.dumps(data)) == data
    assert from_dict(DomainEvent, data) == event
    assert type(from_dict(DomainEvent, data)) is type(event)
    assert from_dict(type(event), data) == event
    assert from_json(DomainEvent, to_json(event)) == event


def test_a_specific_class_may_omit_the_type() -> None:
    data = to_dict(registered())
    del data["type"]
    assert from_dict(PartnerRegistered, data) == registered()
    with pytest.raises(ValidationError) as caught:
        from_dict(DomainEvent, data)
    assert caught.value.paths == ("type",)


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        ({"type": "PartnerExploded"}, ("type",)),
        ({"type": 3}, ("type",)),
        ({"extra": 1, "id": None}, ("extra",)),
        ({"occurred_at": "yesterday"}, ("occurred_at",)),
        ({"occurred_at": None}, ("occurred_at",)),
    ],
)
def test_bad_event_data_lists_its_problems(change: dict[str, object], paths: tuple[str]) -> None:
    data = {**to_dict(registered()), **change}
    data = {k: v for k, v in data.items() if not (k == "id" and v is None)}
    with pytest.raises(ValidationError) as caught:
        from_dict(DomainEvent, data)
    assert caught.value.paths[: len(paths)] == paths


def test_missing_fields_and_wrong_class() -> None:
    with pytest.raises(ValidationError) as caught:
        from_dict(DomainEvent, {"type": "PartnerRegistered"})
    assert caught.value.paths == ("id", "occurred_at")
    with pytest.raises(ValidationError, match="is not a PartnerStatusChanged"):
        from_dict(PartnerStatusChanged, to_dict(registered()))
    with pytest.raises(ValidationError, match="mapping"):
        from_dict(DomainEvent, ["not", "a", "mapping"])


# -- sinks, clocks and ids ---------------------------------------------------------------------


def test_recording_sink_keeps_events_and_batches() -> None:
    sink = RecordingSink()
    assert isinstance(sink, EventSink)
    sink.publish([registered(), changed()])
    sink.publish((changed(),))
    assert sink.names == ["PartnerRegistered", "PartnerStatusChanged", "PartnerStatusChanged"]
    assert [len(batch) for batch in sink.batches] == [2, 1]
    sink.clear()
    assert (sink.events, sink.batches) == ([], [])


def test_recording_sink_is_thread_safe() -> None:
    sink = RecordingSink()
    barrier = threading.Barrier(4, timeout=10)

    def publish() -> None:
        barrier.wait()
        for _ in range(250):
            sink.publish([registered()])

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(sink.events) == len(sink.batches) == 1000


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(AT)
    assert isinstance(clock, Clock)
    assert clock.now() == clock.now() == AT
    assert clock.advance(dt.timedelta(minutes=5)) == AT + dt.timedelta(minutes=5)
    clock.set(AT)
    assert clock.now() == AT
    assert repr(clock) == "FixedClock('2026-03-01T09:30:00+00:00')"
    with pytest.raises(ValidationError, match="timezone-aware"):
        FixedClock(dt.datetime(2026, 3, 1))
    with pytest.raises(ValidationError):
        clock.set("2026-03-01")  # type: ignore[arg-type]


def test_system_clock_reads_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    now = SystemClock().now()
    assert now.tzinfo is dt.UTC
    assert before <= now <= dt.datetime.now(dt.UTC)
    assert isinstance(SystemClock(), Clock)
    assert repr(SystemClock()) == "SystemClock()"


def test_sequential_ids_are_deterministic() -> None:
    ids = SequentialIds("evt")
    assert isinstance(ids, IdFactory)
    assert [ids(), ids()] == ["evt-000001", "evt-000002"]
    assert SequentialIds("lead", start=41, width=3)() == "lead-041"
    assert repr(ids) == "SequentialIds('evt', start=3, width=6)"
    with pytest.raises(ValidationError) as caught:
        SequentialIds("bad prefix", start=-1, width=0)
    assert caught.value.paths == ("prefix", "start", "width")


def test_sequential_ids_are_unique_across_threads() -> None:
    ids = SequentialIds("evt")
    seen: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4, timeout=10)

    def take() -> None:
        barrier.wait()
        mine = [ids() for _ in range(500)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(set(seen)) == 2000
