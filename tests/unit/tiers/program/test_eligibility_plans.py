"""eligibility looks a program's requirements up once per program: many programs, and each
program's own thresholds, give the same reports as judging each afresh."""

from __future__ import annotations

from decimal import Decimal

import pytest

from prmcore.errors import ValidationError
from prmcore.tiers import Program, ProgramLevel, Requirement, eligibility

from .conftest import METRICS, partner, usd


def one_level(program_id: str, revenue: int) -> Program:
    return Program(
        program_id,
        "Program",
        METRICS,
        [ProgramLevel("member", "Member", 0, [Requirement("revenue", usd(revenue))])],
    )


def test_each_program_is_judged_on_its_own_thresholds() -> None:
    programs = [one_level(f"pp-{i}", 1_000 * i) for i in range(80)]
    metrics = partner(revenue=usd(40_000))
    for _ in range(2):  # the second round finds some plans kept and others rebuilt
        qualified = [eligibility(p, metrics).qualified_level_id for p in programs]
        assert qualified == ["member"] * 41 + [None] * 39


def test_values_outside_the_plain_forms_are_checked_in_full() -> None:
    program = one_level("pp", 10)
    report = eligibility(program, partner(deals=Decimal("3"), csat=Decimal("91.5"), nps=-20))
    assert report.qualified_level_id is None
    with pytest.raises(ValidationError) as err:
        eligibility(program, partner(deals=Decimal("2.5"), csat=101, revenue=usd(5)))
    assert err.value.paths == ("metrics.values.deals", "metrics.values.csat")
    with pytest.raises(ValidationError) as err:
        eligibility(program, partner(revenue=5))
    assert err.value.paths == ("metrics.values.revenue",)
