"""The hypothesis strategies for certifications and level records generate valid objects that
round-trip, and follow their overrides."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from prmcore.certifications import CertificationAward, CertificationType, SentReminder
from prmcore.serialization import from_json, storage_converter, to_json
from prmcore.testing import strategies as ps
from prmcore.tiers import LevelHistory, LevelRecord


@given(ps.certification_types())
def test_types_never_name_themselves(ctype: CertificationType) -> None:
    assert ctype.id not in ctype.prerequisites
    assert ctype.id not in ctype.satisfies
    assert not ctype.validity.is_zero
    assert from_json(CertificationType, to_json(ctype)) == ctype


@given(ps.certification_types(id="spec", prerequisites=st.just(("spec", "base")) | st.just(())))
def test_a_type_id_drawn_into_its_own_lists_is_dropped_or_rejected(
    ctype: CertificationType,
) -> None:
    assert ctype.prerequisites == ()


@given(ps.certification_types(id="spec", satisfies=["base"]))
def test_type_overrides(ctype: CertificationType) -> None:
    assert (ctype.id, ctype.satisfies) == ("spec", ("base",))


@given(ps.certification_awards())
def test_awards_are_ordered_and_chain(award: CertificationAward) -> None:
    assert award.earned_on <= award.expires_on
    if award.history:
        assert award.history[-1].expires_on == award.expires_on
    assert storage_converter.structure(storage_converter.unstructure(award), type(award)) == award


@given(ps.certification_awards(expires_on=dt.date(2020, 1, 1), history=()))
def test_award_dates_follow_an_override(award: CertificationAward) -> None:
    assert award.earned_on <= dt.date(2020, 1, 1)
    assert award.history == ()


@given(ps.sent_reminders())
def test_sent_reminders(sent: SentReminder) -> None:
    assert sent.sent_at.tzinfo is not None
    assert from_json(SentReminder, to_json(sent)) == sent


@given(ps.level_records(partner_id="p-1", history=LevelHistory("p-1"), pending=None))
def test_level_record_overrides(record: LevelRecord) -> None:
    assert (record.id, record.history.changes, record.pending) == ("p-1", (), None)
