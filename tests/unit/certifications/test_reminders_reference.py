"""reminders_due agrees with a plain reference: every offset of every award, dated with
calendar arithmetic, sorted by (due day, award id, longest offset first, input order)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.certifications import (
    CertificationAward,
    CertificationCatalog,
    CertificationType,
    Duration,
    Reminder,
    ReminderKind,
    award_dates,
    reminders_due,
    renew,
)
from prmcore.certifications.renewal import RenewalPolicy

BASE = dt.date(2026, 1, 1)
ONE_DAY = dt.timedelta(days=1)
TYPES = [
    CertificationType("spec", "S", validity=Duration(months=8), grace=Duration(days=20)),  # type: ignore[arg-type]
    CertificationType(
        "cal", "C", validity=Duration(days=50), grace=Duration(months=1), reminder_days=(45, 7)
    ),  # type: ignore[arg-type]
    CertificationType("none", "N", validity=Duration(years=1), reminder_days=()),  # type: ignore[arg-type]
]
CATALOG = CertificationCatalog(TYPES)


def reference(
    awards: list[CertificationAward], start: dt.date, end: dt.date, seen: set[str]
) -> list[Reminder]:
    found = []
    for index, award in enumerate(awards):
        ctype = CATALOG.get(award.type_id)
        grace = award_dates(award, ctype).grace_ends_on
        steps: list[tuple[int | None, dt.date]] = [
            (offset, award.expires_on - dt.timedelta(days=offset)) for offset in ctype.reminder_days
        ]
        steps.append((None, award.expires_on + ONE_DAY))
        for offset, due in steps:
            if not (start <= due <= end and due >= award.term_start):
                continue
            kind = ReminderKind.EXPIRED if offset is None else ReminderKind.BEFORE_EXPIRY
            reminder = Reminder(
                award.id,
                award.person_id,
                award.type_id,
                kind,
                offset,
                award.expires_on,
                due,
                grace,
            )
            if reminder.key not in seen:
                rank = -1 if offset is None else -offset
                found.append((due, award.id, rank, index, reminder))
    return [item[-1] for item in sorted(found, key=lambda item: item[:4])]


@st.composite
def award_lists(draw: st.DrawFn) -> list[CertificationAward]:
    awards = []
    for i in range(draw(st.integers(0, 12))):
        # A few ids, so that some repeat; a few types; some renewed.
        award_id = draw(st.sampled_from(["a-1", "a-2", "a-3", "b-1", f"c-{i:02d}"]))
        ctype = draw(st.sampled_from(TYPES))
        earned = BASE + dt.timedelta(days=draw(st.integers(0, 400)))
        award = CertificationAward(
            award_id,
            f"p-{i}",
            ctype.id,
            earned,
            ctype.validity.after(earned),  # type: ignore[arg-type]
        )
        if draw(st.booleans()):
            completed = earned + dt.timedelta(days=draw(st.integers(0, 300)))
            award = renew(award, ctype, completed, RenewalPolicy(allow_late_renewal=True))
        awards.append(award)
    if draw(st.booleans()):
        awards.sort(key=lambda a: a.id)
    return awards


@given(
    award_lists(),
    st.integers(0, 900),
    # Windows of up to 1,500 days file reminders in one list per day, longer ones by day in a
    # dictionary: both must give the same reminders in the same order.
    st.integers(0, 400) | st.integers(1_490, 1_600),
    st.sets(st.sampled_from(["a-1", "a-2", "c-03"]), max_size=2),
)
def test_reminders_match_the_reference(
    awards: list[CertificationAward], begin: int, length: int, skipped: set[str]
) -> None:
    start = BASE + dt.timedelta(days=begin)
    end = start + dt.timedelta(days=length)
    everything = reference(awards, start, end, set())
    seen = {r.key for r in everything if r.award_id in skipped}
    found = reminders_due(awards, CATALOG, start, end)
    assert found == everything
    assert [r.key for r in found] == [r.key for r in everything]
    assert reminders_due(awards, CATALOG, start, end, seen=seen) == reference(
        awards, start, end, seen
    )


def test_a_reminder_is_an_immutable_record() -> None:
    award = CertificationAward("a-1", "p-1", "spec", BASE, dt.date(2026, 9, 1))  # type: ignore[arg-type]
    (first, *_) = reminders_due([award], CATALOG, BASE, dt.date(2027, 1, 1))
    fields = (
        "a-1",
        "p-1",
        "spec",
        ReminderKind.BEFORE_EXPIRY,
        90,
        dt.date(2026, 9, 1),
        dt.date(2026, 6, 3),
        dt.date(2026, 9, 21),
    )
    again = Reminder(*fields)  # type: ignore[arg-type]
    assert first == again
    assert hash(first) == hash(again)
    assert first != fields
    assert fields != first
    assert first != Reminder(*fields[:-1], BASE)  # type: ignore[arg-type]
    assert (first != again) is False
    assert pickle.loads(pickle.dumps(first)) == first
    assert repr(first).startswith("Reminder(award_id='a-1', person_id='p-1', type_id='spec'")
    with pytest.raises(AttributeError):
        first.due_on = BASE  # type: ignore[misc]
