"""Tier schedules: tiers, validation, every mode, both boundary conventions, increments,
breakdowns, errors and serialization."""

from __future__ import annotations

import pickle
from decimal import Decimal, localcontext
from typing import Any

import attrs
import pytest

from prmcore.errors import PrmError, ValidationError
from prmcore.serialization import from_dict, from_json, to_dict, to_json
from prmcore.tiers import (
    AboveTopTierError,
    Boundary,
    PackageRounding,
    Tier,
    TierBreakdown,
    TierLine,
    TierMode,
    TierSchedule,
)

D = Decimal
LOWER = Boundary.LOWER_INCLUSIVE


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def commission_tiers(**last: Any) -> list[Tier]:
    """3% to 10,000, 5% to 50,000, 8% above (or a bounded last tier)."""
    return [Tier(10_000, "0.03"), Tier(50_000, "0.05"), Tier(last.get("up_to"), "0.08")]


GRADUATED = TierSchedule.graduated(commission_tiers())


# -- Tier -----------------------------------------------------------------------------------------


def test_tier_converts_str_and_int_to_decimal() -> None:
    tier = Tier("10000.50", 1, "2.5", rate_to="0.1")
    assert tier == Tier(D("10000.50"), D(1), D("2.5"), D("0.1"))
    assert isinstance(tier.rate, Decimal)
    assert not tier.is_open
    assert Tier(None).is_open


def test_tier_defaults_to_no_rate_and_no_flat() -> None:
    assert Tier(5) == Tier(D(5), D(0), D(0), None)


def test_tier_normalises_negative_zero() -> None:
    assert str(Tier(5, "-0.00").rate) == "0.00"


@pytest.mark.parametrize("field", ["up_to", "rate", "flat", "rate_to"])
def test_tier_refuses_floats(field: str) -> None:
    values: dict[str, Any] = {"up_to": 10, field: 0.5}
    with pytest.raises(TypeError, match=r"float 0\.5 is not accepted .*pass a str or Decimal"):
        Tier(**values)


def test_tier_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Tier("ten", rate="-0.01", flat="NaN", rate_to=True)  # type: ignore[arg-type]
    assert problems(excinfo) == {
        "up_to": "not a decimal number: 'ten'",
        "rate": "must be at least 0, got -0.01",
        "flat": "must be a finite number, got NaN",
        "rate_to": "must be a decimal number (a str, int or Decimal), got bool True",
    }


def test_tier_refuses_huge_and_infinite_numbers() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Tier("1E+24", rate="Infinity", flat="-1")
    assert problems(excinfo) == {
        "up_to": "must be less than 10**24 in absolute value, got 1E+24",
        "rate": "must be a finite number, got Infinity",
        "flat": "must be at least 0, got -1",
    }


# -- schedule validation -------------------------------------------------------------------------


def test_bounds_must_increase_strictly() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.graduated(
            [Tier(0), Tier(5000), Tier(5000), Tier(4000), Tier(None), Tier(None)]
        )
    assert problems(excinfo) == {
        "tiers[0].up_to": "must be greater than start (0)",
        "tiers[2].up_to": "must be greater than tiers[1].up_to (5000)",
        "tiers[3].up_to": "must be greater than tiers[2].up_to (5000)",
        "tiers[4].up_to": "only the last tier may be open (None); give an upper bound",
    }


def test_first_bound_must_be_above_start() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.volume([Tier(100), Tier(None)], start=100)
    assert problems(excinfo) == {"tiers[0].up_to": "must be greater than start (100)"}


def test_schedule_lists_every_problem_with_its_path() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule(
            "sliding",  # type: ignore[arg-type]
            (Tier(10), "tier"),  # type: ignore[arg-type]
            start="-1",
            boundary="inclusive",  # type: ignore[arg-type]
            package_rounding="sideways",  # type: ignore[arg-type]
        )
    assert problems(excinfo) == {
        "mode": "must be one of 'graduated', 'volume', 'package', 'interpolated', "
        "'threshold_bonus'; got 'sliding'",
        "boundary": "must be one of 'upper_inclusive', 'lower_inclusive'; got 'inclusive'",
        "start": "must be at least 0, got -1",
        "tiers[1]": "must be Tier, got str 'tier'",
        "package_rounding": "must be one of 'up', 'down'; got 'sideways'",
    }


def test_schedule_needs_tiers() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.graduated([])
    assert problems(excinfo) == {"tiers": "give at least one tier"}
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule("graduated", {"up_to": 5})  # type: ignore[arg-type]
    assert problems(excinfo) == {"tiers": "must be tuple, got dict {'up_to': 5}"}
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.interpolated([Tier(5, rate_to=1), {"up_to": 6}])  # type: ignore[list-item]
    assert problems(excinfo) == {"tiers[1]": "must be Tier, got dict {'up_to': 6}"}


def test_mode_and_boundary_accept_their_values() -> None:
    schedule = TierSchedule("volume", [Tier(None, "0.1")], boundary="lower_inclusive")
    assert schedule.mode is TierMode.VOLUME
    assert schedule.boundary is LOWER
    assert schedule.tiers == (Tier(None, "0.1"),)


def test_rate_to_belongs_to_interpolated_bounded_tiers() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.graduated([Tier(10, rate_to="0.1"), Tier(None)])
    assert problems(excinfo) == {"tiers[0].rate_to": "only interpolated schedules use rate_to"}
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.interpolated([Tier(10), Tier(None, "0.1", rate_to="0.2")])
    assert problems(excinfo) == {
        "tiers[1].rate_to": "the open top tier has no upper bound to reach rate_to at; remove it"
    }


def test_threshold_bonus_schedules_pay_no_rate() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule(TierMode.THRESHOLD_BONUS, (Tier(10), Tier(None, "0.01", flat=5)))
    assert problems(excinfo) == {
        "tiers[1].rate": "must be 0 in a threshold_bonus schedule, which pays only flat "
        "amounts; got 0.01"
    }


def test_package_size_is_required_for_packages_and_only_for_them() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule(TierMode.PACKAGE, (Tier(None, 5),))
    assert problems(excinfo) == {
        "package_size": "a package schedule needs a package_size greater than 0"
    }
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.package([Tier(None, 5)], package_size=0)
    assert problems(excinfo) == {"package_size": "must be greater than 0, got 0"}
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule(
            TierMode.GRADUATED,
            (Tier(None, 5),),
            package_size=10,
            package_rounding=PackageRounding.DOWN,
        )
    assert problems(excinfo) == {
        "package_size": "only package schedules use package_size",
        "package_rounding": "only package schedules use package_rounding",
    }


def test_constructors_refuse_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        TierSchedule.graduated([Tier(None, "0.1")], start=0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        TierSchedule.package([Tier(None, 1)], package_size=2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        TierSchedule.threshold_bonus([(100, 2.5)])  # type: ignore[list-item]


def test_evolve_revalidates() -> None:
    with pytest.raises(ValidationError) as excinfo:
        attrs.evolve(GRADUATED, start=20_000)
    assert problems(excinfo) == {"tiers[0].up_to": "must be greater than start (20000)"}


def test_schedules_are_values() -> None:
    again = TierSchedule.graduated(commission_tiers())
    assert again == GRADUATED
    assert hash(again) == hash(GRADUATED)
    assert pickle.loads(pickle.dumps(GRADUATED)) == GRADUATED
    assert pickle.loads(pickle.dumps(GRADUATED)).total(60_000) == D("3100")


# -- graduated ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "total"),
    [
        (0, "0"),
        ("0.01", "0.0003"),
        (10_000, "300"),
        ("10000.01", "300.0005"),
        (50_000, "2300"),
        (60_000, "3100"),
    ],
)
def test_graduated_pays_each_slice_at_its_own_rate(basis: str | int, total: str) -> None:
    assert GRADUATED.total(basis) == D(total)
    assert GRADUATED.apply(basis).total == D(total)


def test_graduated_flat_amounts_are_paid_on_entering_a_tier() -> None:
    tiers = [Tier(100, 1, flat=10), Tier(200, 2, flat=20), Tier(None, 3, flat=30)]
    upper = TierSchedule.graduated(tiers)
    lower = TierSchedule.graduated(tiers, boundary=LOWER)
    # (lower, upper]: entering needs more than the lower bound; a basis of 0 pays nothing.
    assert [upper.total(x) for x in (0, 1, 100, 101, 200, 201)] == [0, 11, 110, 132, 330, 363]
    # [lower, upper): reaching the lower bound enters the tier; a basis of 0 still pays nothing.
    assert [lower.total(x) for x in (0, 1, 99, 100, 199, 200)] == [0, 11, 109, 130, 328, 360]


def test_start_moves_the_first_lower_bound() -> None:
    schedule = TierSchedule.graduated([Tier(120, "0.1", flat=5), Tier(None, "0.2")], start=100)
    assert [schedule.total(x) for x in (0, 50, 100, 110, 120, 130)] == [0, 0, 0, 6, 7, 9]
    inclusive = attrs.evolve(schedule, boundary=LOWER)
    assert [inclusive.total(x) for x in (99, 100, 110)] == [0, 5, 6]


# -- volume ---------------------------------------------------------------------------------------


def test_volume_pays_the_whole_basis_at_the_rate_of_its_tier() -> None:
    volume = TierSchedule.volume([Tier(100, 1, flat=10), Tier(200, 2, flat=20), Tier(None, 3)])
    assert [volume.total(x) for x in (0, 1, 100, 101, 200, 201)] == [0, 11, 110, 222, 420, 603]
    inclusive = attrs.evolve(volume, boundary=LOWER)
    assert [inclusive.total(x) for x in (0, 1, 99, 100, 200)] == [0, 11, 109, 220, 600]


def test_volume_with_start_pays_all_of_the_basis() -> None:
    volume = TierSchedule.volume([Tier(200, "0.1"), Tier(None, "0.2")], start=100)
    assert [volume.total(x) for x in (100, 150, 250)] == [0, 15, 50]


@pytest.mark.parametrize("mode", ["graduated", "volume", "interpolated"])
def test_a_basis_above_a_bounded_top_tier_raises(mode: str) -> None:
    schedule = TierSchedule(mode, commission_tiers(up_to=100_000))  # type: ignore[arg-type]
    assert schedule.total(100_000) > 0
    with pytest.raises(AboveTopTierError) as excinfo:
        schedule.total("100000.01")
    assert problems(excinfo) == {  # type: ignore[arg-type]
        "basis": "must be at most 100,000, the top tier's upper bound; got 100,000.01. "
        "Add an open top tier (up_to=None) to cover every basis"
    }
    err = excinfo.value
    assert (err.basis, err.top, err.path) == (D("100000.01"), D(100_000), "basis")
    assert isinstance(err, ValidationError)
    assert isinstance(err, PrmError)


def test_with_lower_inclusive_the_top_bound_itself_is_above_the_top_tier() -> None:
    schedule = TierSchedule.volume([Tier(10, 1), Tier(20, 2)], boundary=LOWER)
    assert schedule.total("19.99") == D("39.98")
    with pytest.raises(AboveTopTierError, match=r"basis: must be below 20 \(the top tier is"):
        schedule.total(20)


def test_above_top_tier_error_pickles() -> None:
    with pytest.raises(AboveTopTierError) as excinfo:
        TierSchedule.volume([Tier(10, 1)]).increment(5, 11)
    copy = pickle.loads(pickle.dumps(excinfo.value))
    assert type(copy) is AboveTopTierError
    assert (copy.basis, copy.top, copy.path) == (D(11), D(10), "after")
    assert str(copy) == str(excinfo.value)


# -- package --------------------------------------------------------------------------------------


def test_package_counts_started_packages_by_default() -> None:
    schedule = TierSchedule.package([Tier(None, "2.50")], package_size=10)
    assert [schedule.total(x) for x in (0, 1, 10, 11, 20)] == [0, D("2.5"), D("2.5"), 5, 5]
    breakdown = schedule.apply(11)
    assert breakdown.packages == 2
    assert breakdown.lines == (
        TierLine(tier=0, lower=D(0), upper=None, slice=D(2), rate=D("2.50"), flat=D(0), amount=5),
    )


def test_package_rounding_down_counts_complete_packages() -> None:
    schedule = TierSchedule.package([Tier(None, 3)], package_size="0.5", rounding="down")
    assert schedule.package_rounding is PackageRounding.DOWN
    assert [schedule.total(x) for x in (0, "0.49", "0.5", "1.49", 2)] == [0, 0, 3, 6, 12]


def test_tiered_packages_are_priced_graduated_over_the_package_count() -> None:
    schedule = TierSchedule.package([Tier(10, 5, flat=1), Tier(None, 4)], package_size=100)
    assert schedule.total(1000) == 51  # 10 packages at 5, plus the flat 1
    assert schedule.total(1001) == 55  # 11 packages: the 11th at 4
    assert schedule.tier_index(1000) == 0
    assert schedule.tier_index(1001) == 1
    assert schedule.tier_bounds == ((D(0), D(10)), (D(10), None))


def test_package_above_the_top_tier_counts_packages() -> None:
    schedule = TierSchedule.package([Tier(3, 7)], package_size=10)
    assert schedule.total(30) == 21
    with pytest.raises(AboveTopTierError) as excinfo:
        schedule.total(31)
    assert str(excinfo.value) == (
        "1 problem: basis: must be at most 3 packages, the top tier's upper bound; got 31 "
        "(4 packages of 10). Add an open top tier (up_to=None) to cover every basis"
    )


# -- interpolated ---------------------------------------------------------------------------------


INTERPOLATED = TierSchedule.interpolated(
    [Tier(100, "0.02"), Tier(300, "0.04", flat=1), Tier(None, "0.05")]
)


@pytest.mark.parametrize(
    ("basis", "total"),
    [
        (0, "0"),
        (50, "1.25"),  # 2% rising to 3% at 50: the mean rate 2.5% over 50
        (100, "3.00"),  # 2% -> 4% over 100: the mean rate 3%
        (200, "8.25"),  # + flat 1 + 100 at 4% -> 4.5%: 4.25
        (300, "13.00"),  # + flat 1 + 200 at 4% -> 5%: 9
        (400, "18.00"),  # + 100 at a constant 5% in the open top tier
    ],
)
def test_interpolated_integrates_a_linear_rate(basis: int, total: str) -> None:
    assert INTERPOLATED.total(basis) == D(total)


def test_interpolated_is_continuous_at_the_bounds() -> None:
    ramp = TierSchedule.interpolated([Tier(100, "0.02", rate_to="0.06"), Tier(None, "0.01")])
    tiny = D("1E-20")
    for bound in (D(100),):
        below, at, above = ramp.total(bound - tiny), ramp.total(bound), ramp.total(bound + tiny)
        assert at - below <= tiny * D("0.06")
        assert above - at <= tiny * D("0.06")
    # rate_to 6% ends tier 1, then the next tier starts at its own 1%.
    assert ramp.total(200) == D("4.00") + D("1.00")


def test_a_bounded_last_interpolated_tier_without_rate_to_keeps_its_rate() -> None:
    schedule = TierSchedule.interpolated([Tier(10, "0.1"), Tier(20, "0.3")])
    assert schedule.total(10) == D("2.0")  # 10% rising to the next tier's 30%
    assert schedule.total(20) == D("5.0")  # then a constant 30%


def test_interpolated_lines_show_the_rate_at_both_ends_of_the_slice() -> None:
    lines = INTERPOLATED.apply(200).lines
    assert [(line.rate, line.rate_end, line.amount) for line in lines] == [
        (D("0.02"), D("0.04"), D("3.00")),
        (D("0.04"), D("0.045"), D("5.25")),  # flat 1 + 4.25
    ]


def test_interpolated_division_that_does_not_terminate_has_60_digits() -> None:
    thirds = TierSchedule.interpolated([Tier(3, "0", rate_to="1"), Tier(None, "1")])
    assert thirds.total(1) == D("0." + "1" + "6" * 58 + "7")
    assert thirds.total(3) == D("1.5")  # a whole tier is exact


# -- threshold bonus ------------------------------------------------------------------------------


BONUS = TierSchedule.threshold_bonus([(100_000, 500), (250_000, 1_500)])


def test_threshold_bonus_is_stored_as_flat_amounts_on_entering_tiers() -> None:
    assert BONUS.tiers == (Tier(100_000), Tier(250_000, flat=500), Tier(None, flat=1_500))
    assert BONUS.mode is TierMode.THRESHOLD_BONUS


def test_threshold_bonus_pays_each_bonus_once_when_crossed() -> None:
    assert [BONUS.total(x) for x in (0, 100_000, 100_001, 250_000, 250_001)] == [
        0,
        0,
        500,
        500,
        2000,
    ]
    inclusive = attrs.evolve(BONUS, boundary=LOWER)
    assert [inclusive.total(x) for x in (99_999, 100_000, 250_000)] == [0, 500, 2000]


def test_threshold_bonus_increment_pays_the_bonuses_crossed_between() -> None:
    assert BONUS.increment(90_000, 99_999) == 0
    assert BONUS.increment(90_000, 300_000) == 2000
    assert BONUS.increment(150_000, 300_000) == 1500
    assert BONUS.increment(300_000, 150_000) == -1500  # a refund claws the bonus back


def test_threshold_bonus_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.threshold_bonus(
            [(0, 1), (100, -5), (50, 1), (3,), ("x", 1), (200, 1)],  # type: ignore[list-item]
            start=-1,
        )
    assert problems(excinfo) == {
        "start": "must be at least 0, got -1",
        "thresholds[1][1]": "must be at least 0, got -5",
        "thresholds[2][0]": "must be greater than thresholds[1][0] (100)",
        "thresholds[3]": "must be a (threshold, bonus) pair, got (3,)",
        "thresholds[4][0]": "not a decimal number: 'x'",
    }
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.threshold_bonus([(0, 1)])
    assert problems(excinfo) == {"thresholds[0][0]": "must be greater than start (0)"}
    with pytest.raises(ValidationError) as excinfo:
        TierSchedule.threshold_bonus([])
    assert problems(excinfo) == {"thresholds": "give at least one (threshold, bonus) pair"}


def test_threshold_bonus_breakdown_lists_crossed_thresholds() -> None:
    assert BONUS.apply(99_000).lines == ()
    lines = BONUS.apply(260_000).lines
    assert [(line.tier, line.lower, line.amount) for line in lines] == [
        (1, D(100_000), D(500)),
        (2, D(250_000), D(1500)),
    ]


def test_a_flat_amount_on_the_first_threshold_tier_is_paid_on_crossing_start() -> None:
    schedule = TierSchedule(TierMode.THRESHOLD_BONUS, (Tier(10, flat=1), Tier(None, flat=2)))
    assert [schedule.total(x) for x in (0, 1, 11)] == [0, 1, 3]
    assert [line.tier for line in schedule.apply(11).lines] == [0, 1]


# -- increments -----------------------------------------------------------------------------------


def test_increment_is_the_difference_of_totals() -> None:
    assert GRADUATED.increment(8_000, 12_000) == D(160)
    assert GRADUATED.increment(12_000, 8_000) == D(-160)
    assert GRADUATED.increment(5_000, 5_000) == 0


def test_volume_increment_can_be_negative_for_a_growing_basis() -> None:
    volume = TierSchedule.volume([Tier(100, 1), Tier(None, "0.5")])
    assert volume.increment(100, 101) == D("-49.5")


def test_increment_lists_problems_with_both_arguments() -> None:
    with pytest.raises(ValidationError) as excinfo:
        GRADUATED.increment("x", -1)
    assert problems(excinfo) == {
        "before": "not a decimal number: 'x'",
        "after": "must be at least 0, got -1",
    }
    with pytest.raises(TypeError, match=r"float 1\.5"):
        GRADUATED.increment("x", 1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("basis", "message"),
    [
        (-1, "must be at least 0, got -1"),
        ("NaN", "must be a finite number, got NaN"),
        ("abc", "not a decimal number: 'abc'"),
        (True, "must be a decimal number (a str, int or Decimal), got bool True"),
        (D("1E+24"), "must be less than 10**24 in absolute value, got 1E+24"),
    ],
)
def test_a_bad_basis_is_a_validation_error(basis: Any, message: str) -> None:
    for method in (GRADUATED.apply, GRADUATED.total, GRADUATED.tier_index):
        with pytest.raises(ValidationError) as excinfo:
            method(basis)
        assert problems(excinfo) == {"basis": message}


def test_a_float_basis_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="pass a str or Decimal"):
        GRADUATED.apply(1.5)  # type: ignore[arg-type]


def test_unchecked_paths_agree_with_checked_ones() -> None:
    for x, y in [(D(0), D(12_000)), (D("12000.5"), D(60_000)), (D(60_000), D(1))]:
        assert GRADUATED.total_unchecked(y) == GRADUATED.total(y)
        assert GRADUATED.increment_unchecked(x, y) == GRADUATED.increment(x, y)
    assert GRADUATED.total_unchecked(D(-5)) == 0


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    expected = GRADUATED.total("123456.789")
    with localcontext() as ctx:
        ctx.prec = 3
        assert GRADUATED.total("123456.789") == expected == D("8176.54312")


# -- breakdowns -----------------------------------------------------------------------------------


def test_breakdown_has_a_line_per_tier_touched() -> None:
    breakdown = GRADUATED.apply("60000.00")
    assert breakdown == TierBreakdown(
        basis=D("60000.00"),
        total=D("3100.0000"),
        lines=(
            TierLine(0, D(0), D(10_000), D(10_000), D("0.03"), D(0), D(300)),
            TierLine(1, D(10_000), D(50_000), D(40_000), D("0.05"), D(0), D(2000)),
            TierLine(2, D(50_000), None, D("10000.00"), D("0.08"), D(0), D(800)),
        ),
        mode=TierMode.GRADUATED,
        boundary=Boundary.UPPER_INCLUSIVE,
    )
    assert sum(line.amount for line in breakdown.lines) == breakdown.total


def test_breakdown_of_nothing_has_no_lines() -> None:
    assert GRADUATED.apply(0).lines == ()
    assert GRADUATED.apply(0).total == 0
    assert GRADUATED.apply(0).explain() == "total 0.00 on a basis of 0: no tier entered"
    assert BONUS.apply(5).explain() == "total 0.00 on a basis of 5: no threshold crossed"


def test_explain_graduated() -> None:
    text = GRADUATED.apply("12000.00").explain()
    assert text == (
        "10,000 at 3% in tier 1 (0, 10,000] = 300.00\n"
        "2,000.00 at 5% in tier 2 (10,000, 50,000] = 100.00\n"
        "total 400.00 on a basis of 12,000.00"
    )


def test_explain_volume_with_prices_and_flat() -> None:
    volume = TierSchedule.volume(
        [Tier(5, 7), Tier(10, "6.5", flat="2.5"), Tier(None, 6)], boundary=LOWER
    )
    assert volume.apply(6).explain(percent=False) == (
        "all 6 at 6.5 per unit + flat 2.50 in tier 2 [5, 10) = 41.50\ntotal 41.50 on a basis of 6"
    )


def test_explain_package_interpolated_and_bonus() -> None:
    package = TierSchedule.package([Tier(None, "1.00")], package_size=1000)
    assert package.apply(4500).explain() == (
        "5 packages at 1 per package in tier 1 (0, ∞) = 5.00\n"
        "total 5.00 on a basis of 4,500 (5 packages)"
    )
    assert INTERPOLATED.apply(150).explain().splitlines()[1] == (
        "50 at 4% → 4.25% + flat 1.00 in tier 2 (100, 300] = 3.0625"
    )
    assert BONUS.apply(260_000).explain().splitlines()[0] == (
        "bonus 500.00 for crossing 100,000 into tier 2 (100,000, 250,000]"
    )


def test_line_labels() -> None:
    line = TierLine(1, D(10), None, D(1), D(1), D(0), D(1))
    assert line.label(Boundary.UPPER_INCLUSIVE) == "(10, ∞)"
    assert line.label(LOWER) == "[10, ∞)"
    assert attrs.evolve(line, upper=D(20)).label(LOWER) == "[10, 20)"


def test_tier_index_and_bounds() -> None:
    assert [GRADUATED.tier_index(x) for x in (0, 1, 10_000, 10_001, 99_999_999)] == [
        None,
        0,
        0,
        1,
        2,
    ]
    inclusive = attrs.evolve(GRADUATED, boundary=LOWER)
    assert [inclusive.tier_index(x) for x in (0, 1, 10_000)] == [None, 0, 1]
    assert GRADUATED.tier_bounds == (
        (D(0), D(10_000)),
        (D(10_000), D(50_000)),
        (D(50_000), None),
    )


# -- serialization --------------------------------------------------------------------------------


ALL_MODES = [
    GRADUATED,
    TierSchedule.volume(commission_tiers(up_to=100_000), boundary=LOWER),
    TierSchedule.package([Tier(10, 5), Tier(None, 4)], package_size=100, rounding="down"),
    INTERPOLATED,
    TierSchedule.interpolated([Tier(10, "0.01", rate_to="0.02"), Tier(None, "0.03")], start=2),
    BONUS,
]


@pytest.mark.parametrize("schedule", ALL_MODES, ids=lambda s: s.mode.value)
def test_schedules_round_trip_through_dicts_and_json(schedule: TierSchedule) -> None:
    data = to_dict(schedule)
    assert data["mode"] == schedule.mode.value
    assert from_dict(TierSchedule, data) == schedule
    assert from_json(TierSchedule, to_json(schedule)) == schedule
    assert from_json(TierSchedule, to_json(schedule)).total(12_345) == schedule.total(12_345)


def test_dict_form_is_plain_json_data() -> None:
    schedule = TierSchedule.graduated([Tier(10_000, "0.03"), Tier(None, "0.05", flat=100)])
    assert to_dict(schedule) == {
        "mode": "graduated",
        "tiers": [
            {"up_to": "10000", "rate": "0.03", "flat": "0", "rate_to": None},
            {"up_to": None, "rate": "0.05", "flat": "100", "rate_to": None},
        ],
        "start": "0",
        "boundary": "upper_inclusive",
        "package_size": None,
        "package_rounding": "up",
    }


def test_loading_needs_only_mode_and_tiers() -> None:
    loaded = from_dict(
        TierSchedule, {"mode": "volume", "tiers": [{"up_to": 5, "rate": 7}, {"up_to": None}]}
    )
    assert loaded == TierSchedule.volume([Tier(5, 7), Tier(None)])


def test_loading_lists_every_problem_with_its_path() -> None:
    data = {
        "mode": "graduated",
        "tiers": [
            {"up_to": "1000", "rate": "-0.01"},
            {"up_to": "5000", "rate": "0.02"},
            {"up_to": "4000", "rate": "0.03"},
            {"up_to": None, "rate": "0.04", "bogus": 1},
        ],
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(TierSchedule, data)
    assert problems(excinfo) == {
        "tiers[0].rate": "must be at least 0, got -0.01",
        "tiers[3].bogus": "unknown field (not part of the schema)",
        "tiers[2].up_to": "must be greater than tiers[1].up_to (5000)",
    }


def test_loading_reports_schedule_and_tier_problems_together() -> None:
    data = {
        "mode": "package",
        "tiers": [{"up_to": "x"}, {"rate": "1"}, {"up_to": None}, {"up_to": "3"}, "tier"],
        "start": "-2",
        "colour": "blue",
    }
    with pytest.raises(ValidationError) as excinfo:
        from_dict(TierSchedule, data)
    assert problems(excinfo) == {
        "colour": "unknown field (not part of the schema)",
        "tiers[0].up_to": "not a decimal number: 'x'",
        "tiers[1].up_to": "required field is missing",
        "tiers[4]": "must be an object (a mapping), got str",
        "start": "must be at least 0, got -2",
        "package_size": "a package schedule needs a package_size greater than 0",
        "tiers[2].up_to": "only the last tier may be open (None); give an upper bound",
    }


def test_loading_checks_bounds_when_only_other_fields_fail() -> None:
    data = {"mode": "nope", "tiers": [{"up_to": "10"}, {"up_to": "10"}]}
    with pytest.raises(ValidationError) as excinfo:
        from_dict(TierSchedule, data)
    assert problems(excinfo) == {
        "mode": "must be one of 'graduated', 'volume', 'package', 'interpolated', "
        "'threshold_bonus'; got 'nope'",
        "tiers[1].up_to": "must be greater than tiers[0].up_to (10)",
    }


@pytest.mark.parametrize(
    "data",
    [
        "graduated",
        {"mode": "graduated"},
        {"mode": "graduated", "tiers": "none"},
        {"mode": "graduated", "tiers": [{"up_to": "1", "rate": "x"}]},
    ],
)
def test_loading_bad_shapes_fails_cleanly(data: object) -> None:
    with pytest.raises(ValidationError):
        from_dict(TierSchedule, data)


def test_loading_a_float_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        from_dict(TierSchedule, {"mode": "graduated", "tiers": [{"up_to": None, "rate": 0.1}]})


def test_json_numbers_load_exactly() -> None:
    text = '{"mode": "graduated", "tiers": [{"up_to": 10000, "rate": 0.03}, {"up_to": null}]}'
    schedule = from_json(TierSchedule, text)
    assert schedule.tiers[0].rate == D("0.03")
    assert schedule.total(10_000) == D("300.00")


def test_breakdowns_serialize() -> None:
    data = to_dict(GRADUATED.apply(12_000))
    assert data["total"] == "400.00"
    assert data["mode"] == "graduated"
    assert data["lines"][1] == {
        "tier": 1,
        "lower": "10000",
        "upper": "50000",
        "slice": "2000",
        "rate": "0.05",
        "flat": "0",
        "amount": "100.00",
        "rate_end": None,
    }
