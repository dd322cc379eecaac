"""Level records: a partner's stored standing (history, evaluations, pending change)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given

from prmcore.errors import ValidationError
from prmcore.serialization import from_json, to_json
from prmcore.testing import strategies as ps
from prmcore.tiers import LevelChange, LevelDecision, LevelEvaluation, LevelHistory, LevelRecord

JAN, MAR = dt.date(2026, 1, 31), dt.date(2026, 3, 31)


def test_defaults_and_id() -> None:
    record = LevelRecord("p-1")
    assert record.id == "p-1"
    assert record.history == LevelHistory("p-1")
    assert (record.evaluations, record.pending, record.compliant, record.version) == (
        (),
        None,
        None,
        0,
    )


def test_evaluations_are_sorted_and_replaced_by_day() -> None:
    record = LevelRecord("p-1", evaluations=[LevelEvaluation(MAR, "gold")])
    record = record.with_evaluation(LevelEvaluation(JAN, None))
    assert [e.on for e in record.evaluations] == [JAN, MAR]
    again = record.with_evaluation(LevelEvaluation(MAR, "silver"))
    assert again.evaluation_on(MAR) == LevelEvaluation(MAR, "silver")
    assert len(again.evaluations) == 2
    assert record.evaluation_on(MAR) == LevelEvaluation(MAR, "gold")  # unchanged
    assert record.evaluation_on(dt.date(2026, 2, 1)) is None


def test_every_problem_is_listed_with_its_path() -> None:
    other = LevelDecision("p-2", "promote", "silver", "gold", MAR, "qualified")
    with pytest.raises(ValidationError) as caught:
        LevelRecord(
            "p-1",
            history=LevelHistory("p-2"),
            evaluations=[LevelEvaluation(JAN, None), LevelEvaluation(JAN, "gold")],
            pending=other,
            compliant="yes",  # type: ignore[arg-type]
            version=-1,
        )
    assert caught.value.paths == (
        "history.partner_id",
        "evaluations[1].on",
        "pending.kind",
        "pending.partner_id",
        "compliant",
        "version",
    )


def test_a_bad_partner_id_is_reported_once() -> None:
    with pytest.raises(ValidationError) as caught:
        LevelRecord("not an id")
    assert caught.value.paths == ("partner_id",)


def test_wrong_items_are_reported() -> None:
    with pytest.raises(ValidationError) as caught:
        LevelRecord("p-1", evaluations=["2026-01-31"])  # type: ignore[list-item]
    assert caught.value.paths == ("evaluations[0]",)


def test_round_trip_with_history_and_pending() -> None:
    history = LevelHistory("p-1", [LevelChange("p-1", None, "silver", JAN, "placed")])
    pending = LevelDecision("p-1", "pending", "silver", "gold", MAR, "due", "promote")
    record = LevelRecord("p-1", history, [LevelEvaluation(MAR, "gold")], pending, False)
    assert from_json(LevelRecord, to_json(record)) == record
    assert attrs.evolve(record, version=3).version == 3


@given(ps.level_records())
def test_generated_records_round_trip(record: LevelRecord) -> None:
    assert from_json(LevelRecord, to_json(record)) == record
