"""Property tests (hypothesis) for the invariants of prmcore.money (ARCHITECTURE.md §3)."""

from __future__ import annotations

import decimal
import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from prmcore.money import ConvertedAmount, ExchangeRate, Money, _difference, currency_codes
from prmcore.serialization import from_dict, from_json, to_dict, to_json

CURRENCIES = sorted(currency_codes())
ROUNDINGS = sorted(getattr(decimal, name) for name in dir(decimal) if name.startswith("ROUND_"))

currencies = st.sampled_from(CURRENCIES)
roundings = st.sampled_from(ROUNDINGS)


def decimals(
    max_digits: int = 15, max_places: int = 6, *, signed: bool = True
) -> st.SearchStrategy[Decimal]:
    """Finite decimals with up to *max_digits* digits and *max_places* decimal places."""
    low = -(10**max_digits) + 1 if signed else 0
    return st.builds(
        lambda coefficient, places: Decimal(coefficient).scaleb(-places),
        st.integers(low, 10**max_digits - 1),
        st.integers(0, max_places),
    )


def money_in(currency: str) -> st.SearchStrategy[Money]:
    return decimals().map(lambda amount: Money(amount, currency))


moneys = currencies.flatmap(money_in)
ratio = st.one_of(st.integers(0, 1000), decimals(6, 4, signed=False))
ratio_lists = st.lists(ratio, min_size=1, max_size=12).filter(any)


def same_currency(count: int) -> st.SearchStrategy[tuple[Money, ...]]:
    return currencies.flatmap(lambda code: st.tuples(*[money_in(code)] * count))


# --------------------------------------------------------------------------------------------
# Allocation


@given(moneys, ratio_lists, roundings)
def test_allocation_adds_up_exactly_to_the_rounded_whole(
    money: Money, ratios: list[int | Decimal], rounding: str
) -> None:
    parts = money.allocate(ratios, rounding)
    assert len(parts) == len(ratios)
    assert all(part.currency == money.currency for part in parts)
    assert all(part.is_rounded() for part in parts)
    assert sum(parts, Money.zero(money.currency)) == money.round(rounding)


@given(moneys, st.integers(1, 25))
def test_equal_ratios_differ_by_at_most_one_minor_unit(money: Money, count: int) -> None:
    parts = money.split(count)
    assert max(parts) - min(parts) <= Money(money.quantum, money.currency)
    # the larger parts come first
    assert list(parts) == sorted(parts, reverse=money.amount >= 0)


@given(moneys, ratio_lists, roundings)
def test_each_part_is_within_one_minor_unit_of_its_exact_share(
    money: Money, ratios: list[int | Decimal], rounding: str
) -> None:
    whole = Fraction(money.round(rounding).amount)
    total = sum(Fraction(r) for r in ratios)
    unit = Fraction(money.quantum)
    for part, r in zip(money.allocate(ratios, rounding), ratios, strict=True):
        exact = whole * Fraction(r) / total
        assert abs(Fraction(part.amount) - exact) < unit
        if r == 0:
            assert part.amount == 0


@given(moneys, ratio_lists)
def test_allocating_a_negative_amount_mirrors_the_positive_one(
    money: Money, ratios: list[int | Decimal]
) -> None:
    assert (-money).allocate(ratios) == tuple(-part for part in money.allocate(ratios))


# --------------------------------------------------------------------------------------------
# Arithmetic


@given(same_currency(3))
def test_addition_is_associative(triple: tuple[Money, Money, Money]) -> None:
    a, b, c = triple
    assert (a + b) + c == a + (b + c)


@given(same_currency(2))
def test_addition_is_commutative(pair: tuple[Money, Money]) -> None:
    a, b = pair
    assert a + b == b + a


@given(st.lists(decimals(), max_size=10), currencies, st.randoms(use_true_random=False))
def test_sum_does_not_depend_on_order(
    amounts: list[Decimal], code: str, rnd: random.Random
) -> None:
    lines = [Money(a, code) for a in amounts]
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    zero = Money.zero(code)
    assert sum(lines, zero) == sum(shuffled, zero)
    assert sum(lines, zero).amount == sum(amounts, Decimal(0))


@given(same_currency(2))
def test_negation(pair: tuple[Money, Money]) -> None:
    a, b = pair
    negated = -a
    assert -negated == a
    assert not (a + -a)
    assert a - b == a + (-b)
    assert abs(a) == abs(-a)
    assert abs(a) >= Money.zero(a.currency)


@given(moneys, st.integers(-1000, 1000))
def test_multiplication_by_an_int_is_repeated_addition(money: Money, factor: int) -> None:
    assert money * factor == factor * money
    assert money * factor == sum([money] * abs(factor), Money.zero(money.currency)) * (
        1 if factor >= 0 else -1
    )


# --------------------------------------------------------------------------------------------
# Rounding


@given(moneys, roundings)
def test_rounding_is_idempotent_and_close(money: Money, rounding: str) -> None:
    rounded = money.round(rounding)
    assert rounded.is_rounded()
    assert rounded.round(rounding) == rounded
    assert abs(rounded - money) < Money(money.quantum, money.currency)


@given(moneys)
def test_minor_units_round_trip(money: Money) -> None:
    units = money.to_minor_units()
    assert Money.from_minor_units(units, money.currency) == money.round()


# --------------------------------------------------------------------------------------------
# Serialization


@given(moneys)
def test_money_dict_and_json_round_trip(money: Money) -> None:
    assert from_dict(Money, to_dict(money)) == money
    assert from_json(Money, to_json(money)) == money
    assert str(from_json(Money, to_json(money)).amount) == str(money.amount)


@st.composite
def exchange_rates(draw: st.DrawFn) -> ExchangeRate:
    base = draw(currencies)
    quote = draw(currencies.filter(lambda code: code != base))
    rate = draw(decimals(8, 6, signed=False).filter(lambda d: d > 0))
    as_of = draw(st.dates(min_value=date(1999, 1, 1), max_value=date(2100, 12, 31)))
    source = draw(st.text(min_size=1, max_size=40).filter(str.strip))
    return ExchangeRate(base, quote, rate, as_of, source)


@given(exchange_rates())
def test_exchange_rate_round_trip(rate: ExchangeRate) -> None:
    assert from_dict(ExchangeRate, to_dict(rate)) == rate
    assert from_json(ExchangeRate, to_json(rate)) == rate


@given(exchange_rates(), decimals())
def test_converted_amount_round_trip(rate: ExchangeRate, amount: Decimal) -> None:
    original = Money(amount, rate.base)
    converted = ConvertedAmount(
        Money(amount * rate.rate, rate.quote).round(), original, rate.rate, rate.as_of, rate.source
    )
    assert from_dict(ConvertedAmount, to_dict(converted)) == converted
    assert from_json(ConvertedAmount, to_json(converted)) == converted


@given(exchange_rates())
def test_inverse_is_close_to_the_reciprocal(rate: ExchangeRate) -> None:
    inverse = rate.inverse()
    assert (inverse.base, inverse.quote, inverse.as_of) == (rate.quote, rate.base, rate.as_of)
    error = abs(Fraction(inverse.rate) * Fraction(rate.rate) - 1)
    assert error < Fraction(1, 10**32)


def _outcome(run: Callable[[], Money]) -> tuple[str, object]:
    """What a subtraction gives: its result (with the amount's exact digits), or its error."""
    try:
        result = run()
    except Exception as err:  # compared by type and message
        return type(err).__name__, str(err)
    assert type(result) is Money
    return "money", (result.amount.as_tuple(), result.currency, result, hash(result))


big = st.builds(
    lambda coefficient, exponent: Decimal(coefficient).scaleb(exponent),
    st.integers(-(10**34) + 1, 10**34 - 1),
    st.integers(-20, -10),
)


@given(
    st.one_of(decimals(), big, st.just(Decimal("9.99E+23")), st.just(Decimal("-9.99E+23"))),
    st.one_of(decimals(), big, st.just(Decimal("9.99E+23")), st.just(Decimal("-0.00"))),
    st.sampled_from(["USD", "EUR", "JPY"]),
    st.sampled_from(["USD", "EUR"]),
)
def test_the_fast_difference_is_the_operator(
    a: Decimal, b: Decimal, currency_a: str, currency_b: str
) -> None:
    left, right = Money(a, currency_a), Money(b, currency_b)
    assert _outcome(lambda: _difference(left, right)) == _outcome(lambda: left - right)
    assert _outcome(lambda: _difference(left, left)) == _outcome(lambda: left - left)
