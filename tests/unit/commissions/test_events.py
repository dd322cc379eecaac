"""Commission events round-trip and check their payload."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.commissions.events import CommissionCredited, StatementIssued
from prmcore.errors import ValidationError
from prmcore.events import DomainEvent
from prmcore.serialization import from_dict, to_dict

AT = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def test_events_round_trip_and_need_their_keys() -> None:
    credited = CommissionCredited(
        "evt-1",
        AT,
        {
            "plan_id": "p",
            "period": "2026-01",
            "partner_id": "a",
            "lines": 2,
            "amount": "10.00",
            "currency": "EUR",
        },
    )
    issued = StatementIssued(
        "evt-2",
        AT,
        {
            "plan_id": "p",
            "period": "2026-01",
            "partner_id": "a",
            "closing": "0.00",
            "payout": "10.00",
            "currency": "EUR",
        },
    )
    for event in (credited, issued):
        assert from_dict(DomainEvent, to_dict(event)) == event
        assert event.partner_id == "a"
    with pytest.raises(ValidationError) as caught:
        StatementIssued("evt-3", AT, {"plan_id": "p"})
    assert "payload.payout" in caught.value.paths
