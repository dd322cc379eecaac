"""Routing state: the router's fast copies equal fully validated objects."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.errors import ValidationError
from prmcore.lead_routing import PartnerLoad, PeriodCount, RotationEntry, RotationState

periods = st.sampled_from(["2026-01", "2026-02", "2026-03"])


@given(
    st.integers(0, 50),
    st.lists(st.tuples(periods, st.integers(0, 9)), unique_by=lambda t: t[0]).map(sorted),
    periods,
    st.integers(0, 99),
)
def test_load_transitions_equal_validated_objects(
    open_: int, counts: list[tuple[str, int]], period: str, version: int
) -> None:
    load = PartnerLoad(
        "p-1", open=open_, periods=[PeriodCount(p, n) for p, n in counts], version=version
    )
    offered = load.with_offer(period)
    rebuilt = PartnerLoad(
        "p-1",
        open=open_ + 1,
        offered=1,
        periods=offered.periods,
        version=version,
    )
    assert offered == rebuilt
    assert offered.in_period(period) == load.in_period(period) + 1
    assert offered.bumped() == PartnerLoad(**{**_fields(offered), "version": version + 1})
    declined = offered.with_decline(period)
    assert declined.in_period(period) == load.in_period(period)
    assert (declined.open, declined.declined) == (open_, 1)
    expired = offered.with_expiry(period)
    assert (expired.open, expired.expired) == (open_, 1)
    closed = offered.with_accept().with_close(won=True)
    assert (closed.accepted, closed.won, closed.open) == (1, 1, open_)
    assert offered.with_close(won=False).lost == 1


def _fields(obj: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(obj, recurse=False)  # type: ignore[arg-type]


def test_rotation_values_and_empties() -> None:
    rotation = RotationState.empty("t-1")
    assert rotation == RotationState("t-1")
    changed = rotation.with_values({"b": Decimal(2), "a": Decimal(-1)}, {"a": 3})
    assert changed == RotationState(
        "t-1", (RotationEntry("a", Decimal(-1), 3), RotationEntry("b", Decimal(2), 0))
    )
    assert changed.bumped().version == 1
    assert PartnerLoad.empty("p-1") == PartnerLoad("p-1")


def test_periods_keep_the_last_13_months() -> None:
    load = PartnerLoad("p-1")
    for month in range(1, 16):
        load = load.with_offer(f"2025-{month:02d}" if month <= 12 else f"2026-{month - 12:02d}")
    assert len(load.periods) == 13
    assert load.periods[0].period == "2025-03"


def test_state_validation() -> None:
    with pytest.raises(ValidationError) as err:
        RotationState("t-1", (RotationEntry("b"), RotationEntry("a")), version=-1)
    assert set(err.value.paths) == {"entries", "version"}
    with pytest.raises(ValidationError):
        PeriodCount("2026/03", 1)
    with pytest.raises(ValidationError) as err:
        PartnerLoad("p-1", open=-1, periods=("x",))  # type: ignore[arg-type]
    assert set(err.value.paths) == {"open", "periods[0]"}
    with pytest.raises(TypeError):
        RotationEntry("a", current=1.5)  # type: ignore[arg-type]
