"""Reminders: due in a window once, keyed on the expiry, delivered as events."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.certifications import (
    CertificationAward,
    CertificationCatalog,
    CertificationExpired,
    CertificationExpiring,
    CertificationType,
    Duration,
    Reminder,
    ReminderKind,
    SentReminder,
    reminder_events,
    reminders_due,
    renew,
)
from prmcore.errors import ValidationError
from prmcore.events import DomainEvent, SequentialIds, event_types
from prmcore.serialization import from_dict, from_json, to_json

D = dt.date
AT = dt.datetime(2027, 3, 2, 6, 0, tzinfo=dt.UTC)
CATALOG = CertificationCatalog(
    [
        CertificationType(
            "spec", "Specialist", validity=Duration(years=1), grace=Duration(days=30)
        ),  # type: ignore[arg-type]
        CertificationType("short", "Short", validity=Duration(days=45), reminder_days=(60, 7)),  # type: ignore[arg-type]
    ]
)
AWARD = CertificationAward("a-1", "p-1", "spec", D(2026, 5, 31), D(2027, 5, 31))  # type: ignore[arg-type]


def keys(reminders: list[Reminder]) -> list[str]:
    return [r.key for r in reminders]


def test_every_reminder_of_an_award() -> None:
    due = reminders_due([AWARD], CATALOG, D(2027, 1, 1), D(2027, 12, 31))
    assert keys(due) == [
        "a-1:2027-05-31:90",
        "a-1:2027-05-31:60",
        "a-1:2027-05-31:30",
        "a-1:2027-05-31:expired",
    ]
    assert [r.due_on for r in due] == [D(2027, 3, 2), D(2027, 4, 1), D(2027, 5, 1), D(2027, 6, 1)]
    assert [r.kind for r in due] == [ReminderKind.BEFORE_EXPIRY] * 3 + [ReminderKind.EXPIRED]
    assert due[0].offset_days == 90
    assert due[-1].offset_days is None
    assert due[-1].grace_ends_on == D(2027, 6, 30)
    assert (due[0].person_id, due[0].type_id, due[0].expires_on) == ("p-1", "spec", D(2027, 5, 31))


def test_window_is_inclusive_at_both_ends() -> None:
    assert keys(reminders_due([AWARD], CATALOG, D(2027, 3, 2), D(2027, 3, 2))) == [
        "a-1:2027-05-31:90"
    ]
    assert reminders_due([AWARD], CATALOG, D(2027, 3, 3), D(2027, 3, 31)) == []


def test_consecutive_daily_windows_yield_each_reminder_once() -> None:
    sent: list[str] = []
    day = D(2026, 1, 1)
    while day <= D(2028, 1, 1):
        sent += keys(reminders_due([AWARD], CATALOG, day, day))
        day += dt.timedelta(days=1)
    assert len(sent) == len(set(sent)) == 4


def test_overlapping_windows_with_seen_never_duplicate() -> None:
    seen: set[str] = set()
    sent: list[str] = []
    for start, end in [(D(2027, 3, 1), D(2027, 4, 15)), (D(2027, 4, 1), D(2027, 6, 5))]:
        batch = reminders_due([AWARD], CATALOG, start, end, seen=seen)
        sent += keys(batch)
        seen.update(keys(batch))
    assert sent == [
        "a-1:2027-05-31:90",
        "a-1:2027-05-31:60",
        "a-1:2027-05-31:30",
        "a-1:2027-05-31:expired",
    ]


def test_renewed_award_gets_fresh_reminders() -> None:
    renewed = renew(AWARD, CATALOG, D(2027, 3, 10))
    due = reminders_due([renewed], CATALOG, D(2027, 3, 10), D(2028, 12, 31))
    assert keys(due) == [
        "a-1:2028-05-31:90",
        "a-1:2028-05-31:60",
        "a-1:2028-05-31:30",
        "a-1:2028-05-31:expired",
    ]


def test_reminders_before_the_term_started_are_skipped() -> None:
    short = CertificationAward("s-1", "p-1", "short", D(2026, 1, 1), D(2026, 2, 15))  # type: ignore[arg-type]
    assert keys(reminders_due([short], CATALOG, D(2025, 1, 1), D(2026, 12, 31))) == [
        "s-1:2026-02-15:7",
        "s-1:2026-02-15:expired",
    ]


def test_ordering_across_awards_and_edges_of_the_calendar() -> None:
    other = CertificationAward("a-0", "p-2", "spec", D(2026, 5, 31), D(2027, 5, 31))  # type: ignore[arg-type]
    due = reminders_due([AWARD, other], CATALOG, D(2027, 3, 2), D(2027, 3, 2))
    assert keys(due) == ["a-0:2027-05-31:90", "a-1:2027-05-31:90"]
    edge = CertificationAward("e", "p-1", "spec", D(1, 1, 1), D(1, 1, 31))  # type: ignore[arg-type]
    assert keys(reminders_due([edge], CATALOG, D.min, D(1, 12, 31))) == [
        "e:0001-01-31:30",
        "e:0001-01-31:expired",
    ]
    last = CertificationAward("z", "p-1", "spec", D(9999, 1, 1), D.max)  # type: ignore[arg-type]
    assert keys(reminders_due([last], CATALOG, D(9999, 12, 1), D.max)) == ["z:9999-12-31:30"]


def test_bad_input() -> None:
    ghost = CertificationAward("g", "p-1", "ghost", D(2026, 1, 1), D(2027, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        reminders_due([AWARD, ghost, "x"], CATALOG, D(2027, 2, 1), D(2027, 1, 1))  # type: ignore[list-item]
    assert err.value.paths == ("end", "awards[1].type_id", "awards[2]")
    with pytest.raises(ValidationError) as err:
        reminders_due([AWARD], None, "2027-01-01", D(2027, 1, 1))  # type: ignore[arg-type]
    assert err.value.paths == ("start", "catalog")


def test_events_from_reminders() -> None:
    due = reminders_due([AWARD], CATALOG, D(2027, 5, 1), D(2027, 6, 1))
    events = reminder_events(due, ids=SequentialIds("rem"), occurred_at=AT)
    assert [type(e) for e in events] == [CertificationExpiring, CertificationExpired]
    expiring, expired = events
    assert isinstance(expiring, CertificationExpiring)
    assert isinstance(expired, CertificationExpired)
    assert (expiring.id, expired.id) == ("rem-000001", "rem-000002")
    assert expiring.occurred_at == AT
    assert expiring.offset_days == 30
    assert expiring.idempotency_key == "a-1:2027-05-31:30"
    assert (expiring.award_id, expiring.person_id, expiring.type_id) == ("a-1", "p-1", "spec")
    assert expiring.expires_on == D(2027, 5, 31)
    assert expired.grace_ends_on == D(2027, 6, 30)
    assert expired.payload["due_on"] == "2027-06-01"
    for event in events:
        assert from_json(DomainEvent, to_json(event)) == event


def test_events_are_deterministic_and_registered() -> None:
    due = reminders_due([AWARD], CATALOG, D(2027, 1, 1), D(2027, 12, 31))
    first = reminder_events(due, ids=SequentialIds("rem"), occurred_at=AT)
    again = reminder_events(due, ids=SequentialIds("rem"), occurred_at=AT)
    assert first == again
    assert event_types()["CertificationExpiring"] is CertificationExpiring
    assert event_types()["CertificationExpired"] is CertificationExpired
    assert "_ReminderFields" not in event_types()


def test_event_payload_is_checked() -> None:
    with pytest.raises(ValidationError) as err:
        from_dict(
            DomainEvent,
            {
                "type": "CertificationExpiring",
                "id": "e-1",
                "occurred_at": AT.isoformat(),
                "payload": {"award_id": "a-1"},
            },
        )
    assert "payload.offset_days" in err.value.paths
    with pytest.raises(ValidationError) as err:
        reminder_events(
            reminders_due([AWARD], CATALOG, D(2027, 3, 2), D(2027, 3, 2)),
            ids=SequentialIds(),
            occurred_at=dt.datetime(2027, 3, 2),
        )
    assert err.value.paths == ("occurred_at",)


def test_sent_reminder_records_the_key_and_is_checked() -> None:
    (first, *_) = reminders_due([AWARD], CATALOG, D(2027, 3, 1), D(2027, 3, 31))
    sent = SentReminder.for_reminder(first, AT)
    assert (sent.id, sent.award_id, sent.due_on, sent.sent_at) == (
        "a-1:2027-05-31:90",
        "a-1",
        D(2027, 3, 2),
        AT,
    )
    assert from_json(SentReminder, to_json(sent)) == sent
    with pytest.raises(ValidationError) as caught:
        SentReminder(" ", "bad id", "2027-03-02", dt.datetime(2027, 3, 2), -1)  # type: ignore[arg-type]
    assert caught.value.paths == ("id", "award_id", "due_on", "sent_at", "version")
    long_key = SentReminder("a" * 128 + ":2027-05-31:expired", "a" * 128, D(2027, 6, 1), AT)
    assert len(long_key.id) > 128
