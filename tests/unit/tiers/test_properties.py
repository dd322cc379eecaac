"""Property tests (hypothesis) for tier schedules (ARCHITECTURE.md §4, "Tier schedules" and
"Commission crediting")."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.serialization import from_dict, from_json, to_dict, to_json
from prmcore.tiers import AboveTopTierError, Boundary, Tier, TierMode, TierSchedule

D = Decimal

boundaries = st.sampled_from(list(Boundary))
# Widths whose only prime factors are 2 and 5, so interpolated amounts are exact too.
exact_widths = st.builds(
    lambda unit, scale: D(unit).scaleb(scale),
    st.sampled_from([1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 125, 250, 400, 625]),
    st.integers(-1, 4),
)
rates = st.integers(0, 2_000).map(lambda n: D(n).scaleb(-4))  # 0% to 20%, 4 places
flats = st.integers(0, 50_000).map(lambda n: D(n).scaleb(-2))
starts = st.sampled_from([D(0), D(0), D(0), D(100), D("12.5")])
bases = st.integers(0, 10**9).map(lambda n: D(n).scaleb(-2))  # 0 to 10,000,000.00


@st.composite
def schedules(
    draw: st.DrawFn,
    mode: TierMode | None = None,
    *,
    with_flats: bool = True,
    open_top: bool | None = True,
) -> TierSchedule:
    """A valid schedule in *mode* (any mode when None), with an open top tier when *open_top*
    (either way when None)."""
    mode = draw(st.sampled_from(list(TierMode))) if mode is None else mode
    count = draw(st.integers(1, 5))
    is_open = draw(st.booleans()) if open_top is None else open_top
    start = draw(starts)
    bound = start
    tiers = []
    for i in range(count):
        last = i == count - 1
        bound = bound + draw(exact_widths)
        up_to = None if last and is_open else bound
        rate = D(0) if mode is TierMode.THRESHOLD_BONUS else draw(rates)
        flat = draw(flats) if with_flats else D(0)
        rate_to = None
        if mode is TierMode.INTERPOLATED and up_to is not None and draw(st.booleans()):
            rate_to = draw(rates)
        tiers.append(Tier(up_to, rate, flat, rate_to))
    package_size = draw(exact_widths) if mode is TierMode.PACKAGE else None
    rounding = draw(st.sampled_from(["up", "down"])) if mode is TierMode.PACKAGE else "up"
    return TierSchedule(
        mode,
        tuple(tiers),
        start,
        draw(boundaries),
        package_size,
        rounding,  # type: ignore[arg-type]
    )


def measured(schedule: TierSchedule, basis: Decimal) -> Decimal:
    """The quantity the tiers see (the package count for package schedules)."""
    if schedule.package_size is None:
        return basis
    whole, rest = divmod(basis, schedule.package_size)
    return whole + 1 if rest and schedule.package_rounding == "up" else whole


def in_range(schedule: TierSchedule, basis: Decimal) -> bool:
    top = schedule.tiers[-1].up_to
    if top is None:
        return True
    x = measured(schedule, basis)
    return x < top or (x == top and schedule.boundary is Boundary.UPPER_INCLUSIVE)


def reference_graduated(schedule: TierSchedule, x: Decimal) -> Decimal:
    """Graduated straight from the definition: each entered tier pays its flat amount and its
    rate on the part of *x* inside it."""
    total = D(0)
    for (lower, upper), tier in zip(schedule.tier_bounds, schedule.tiers, strict=True):
        entered = x > lower or (
            schedule.boundary is Boundary.LOWER_INCLUSIVE and x == lower and x != 0
        )
        if entered:
            top = x if upper is None else min(x, upper)
            total += tier.flat + tier.rate * (top - lower)
    return total


# -- graduated ------------------------------------------------------------------------------------


@given(schedules(TierMode.GRADUATED), bases)
def test_graduated_matches_its_definition(schedule: TierSchedule, x: Decimal) -> None:
    assert schedule.total(x) == reference_graduated(schedule, x)


@given(schedules(TierMode.GRADUATED, with_flats=False), bases, bases)
def test_graduated_without_flats_is_continuous(
    schedule: TierSchedule, x: Decimal, y: Decimal
) -> None:
    """Lipschitz with the largest rate as constant: no jump anywhere, bounds included."""
    max_rate = max(t.rate for t in schedule.tiers)
    assert abs(schedule.total(y) - schedule.total(x)) <= max_rate * abs(y - x)


@given(schedules(TierMode.GRADUATED), st.data())
def test_graduated_is_continuous_across_every_bound_in_its_rate_part(
    schedule: TierSchedule, data: st.DataObject
) -> None:
    """At each bound the amount jumps by at most the flat amount of the tier entered there."""
    h = D("0.0001")
    for (lower, _), tier in zip(schedule.tier_bounds, schedule.tiers, strict=True):
        if lower - h < 0:
            continue
        jump = schedule.total(lower + h) - schedule.total(lower - h)
        assert 0 <= jump - tier.flat <= 2 * h * max(t.rate for t in schedule.tiers)


@pytest.mark.parametrize(
    "mode",
    [TierMode.GRADUATED, TierMode.PACKAGE, TierMode.INTERPOLATED, TierMode.THRESHOLD_BONUS],
)
@given(data=st.data())
def test_marginal_modes_are_non_decreasing(mode: TierMode, data: st.DataObject) -> None:
    schedule = data.draw(schedules(mode))
    x, y = sorted([data.draw(bases), data.draw(bases)])
    assert schedule.total(x) <= schedule.total(y)
    assert schedule.increment(x, y) >= 0


# -- crediting ------------------------------------------------------------------------------------


@given(schedules(), st.lists(st.integers(0, 10**7).map(lambda n: D(n).scaleb(-2)), max_size=12))
def test_crediting_one_by_one_totals_apply_of_the_sum_in_any_order(
    schedule: TierSchedule, amounts: list[Decimal]
) -> None:
    orders = [amounts, amounts[::-1], sorted(amounts), sorted(amounts, reverse=True)]
    whole = schedule.apply(sum(amounts, D(0))).total
    for order in orders:
        cumulative = D(0)
        credited = D(0)
        for amount in order:
            credited += schedule.increment(cumulative, cumulative + amount)
            cumulative += amount
        assert credited == whole


@given(schedules(TierMode.GRADUATED), st.data())
def test_graduated_credits_in_a_random_order(schedule: TierSchedule, data: st.DataObject) -> None:
    amounts = data.draw(st.lists(bases, min_size=1, max_size=8))
    shuffled = data.draw(st.permutations(amounts))
    cumulative = D(0)
    credits = []
    for amount in shuffled:
        credits.append(schedule.increment(cumulative, cumulative + amount))
        cumulative += amount
    assert all(credit >= 0 for credit in credits)
    assert sum(credits, D(0)) == schedule.total(sum(amounts, D(0)))


@given(schedules(open_top=None), bases, bases)
def test_increment_is_antisymmetric_so_clawbacks_reverse_exactly(
    schedule: TierSchedule, x: Decimal, y: Decimal
) -> None:
    if not (in_range(schedule, x) and in_range(schedule, y)):
        return
    forward = schedule.increment(x, y)
    assert schedule.increment(y, x) == -forward
    assert forward == schedule.total(y) - schedule.total(x)
    assert schedule.increment_unchecked(x, y) == forward


# -- bounds ---------------------------------------------------------------------------------------


@given(schedules(open_top=False), bases)
def test_any_basis_above_a_bounded_top_tier_raises(schedule: TierSchedule, x: Decimal) -> None:
    top = schedule.tiers[-1].up_to
    assert top is not None
    if in_range(schedule, x):
        schedule.total(x)
    else:
        with pytest.raises(AboveTopTierError):
            schedule.total(x)


@given(schedules(TierMode.VOLUME, open_top=False), st.integers(1, 10**6))
def test_volume_above_a_bounded_top_tier_raises(schedule: TierSchedule, extra: int) -> None:
    top = schedule.tiers[-1].up_to
    assert top is not None
    with pytest.raises(AboveTopTierError) as excinfo:
        schedule.total(top + D(extra).scaleb(-2))
    assert excinfo.value.top == top
    inclusive = attrs.evolve(schedule, boundary=Boundary.LOWER_INCLUSIVE)
    with pytest.raises(AboveTopTierError):
        inclusive.total(top)


@given(schedules(TierMode.VOLUME, open_top=None), bases)
def test_volume_pays_all_of_the_basis_at_its_tiers_rate(schedule: TierSchedule, x: Decimal) -> None:
    if not in_range(schedule, x):
        return
    index = schedule.tier_index(x)
    if index is None:
        assert schedule.total(x) == 0
    else:
        tier = schedule.tiers[index]
        assert schedule.total(x) == tier.rate * x + tier.flat


@given(schedules(), bases)
def test_the_conventions_differ_only_on_the_bounds(schedule: TierSchedule, x: Decimal) -> None:
    bounds = {b for pair in schedule.tier_bounds for b in pair}
    if measured(schedule, x) in bounds or not in_range(schedule, x):
        return
    other = attrs.evolve(
        schedule,
        boundary=Boundary.LOWER_INCLUSIVE
        if schedule.boundary is Boundary.UPPER_INCLUSIVE
        else Boundary.UPPER_INCLUSIVE,
    )
    assert schedule.total(x) == other.total(x)


# -- breakdowns and data --------------------------------------------------------------------------


@given(schedules(open_top=None), bases)
def test_breakdown_lines_add_up_to_the_total(schedule: TierSchedule, x: Decimal) -> None:
    if not in_range(schedule, x):
        return
    breakdown = schedule.apply(x)
    assert breakdown.total == schedule.total(x) == schedule.total_unchecked(x)
    assert sum((line.amount for line in breakdown.lines), D(0)) == breakdown.total
    assert [line.tier for line in breakdown.lines] == sorted(
        {line.tier for line in breakdown.lines}
    )
    assert breakdown.explain()
    if schedule.mode in (TierMode.GRADUATED, TierMode.INTERPOLATED) and breakdown.lines:
        assert sum((line.slice for line in breakdown.lines), D(0)) == x - schedule.start


@given(schedules(open_top=None))
def test_schedules_round_trip_through_dicts_and_json(schedule: TierSchedule) -> None:
    assert from_dict(TierSchedule, to_dict(schedule)) == schedule
    assert from_json(TierSchedule, to_json(schedule)) == schedule
