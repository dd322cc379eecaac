"""Unit tests for prmcore.money.Money: construction, arithmetic, rounding, allocation,
formatting and serialization."""

from __future__ import annotations

import operator
import pickle
from collections.abc import Callable
from decimal import (
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    localcontext,
)

import attrs
import pytest
from babel.core import Locale

from prmcore import money as money_module
from prmcore.errors import CurrencyMismatch, ValidationError
from prmcore.money import Money, currency_codes, minor_units
from prmcore.serialization import from_dict, from_json, to_dict, to_json


def eur(amount: str | int) -> Money:
    return Money(amount, "EUR")


def paths(excinfo: pytest.ExceptionInfo[ValidationError]) -> tuple[str, ...]:
    return excinfo.value.paths


# --------------------------------------------------------------------------------------------
# Construction


class TestConstruction:
    def test_fields_are_amount_then_currency(self) -> None:
        assert [f.name for f in attrs.fields(Money)] == ["amount", "currency"]

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("12.30", Decimal("12.30")),
            (" 12.30 ", Decimal("12.30")),
            (12, Decimal(12)),
            (Decimal("12.30"), Decimal("12.30")),
            ("1E+3", Decimal(1000)),
        ],
    )
    def test_amount_from_str_int_decimal(self, raw: str | int | Decimal, expected: Decimal) -> None:
        m = Money(raw, "EUR")
        assert type(m.amount) is Decimal
        assert m.amount == expected

    def test_amount_keeps_its_exponent(self) -> None:
        assert str(Money("12.30", "EUR").amount) == "12.30"

    def test_amount_is_not_rounded(self) -> None:
        assert Money("0.125", "USD").amount == Decimal("0.125")
        assert Money("1.5", "JPY").amount == Decimal("1.5")

    def test_currency_is_stripped_and_upper_cased(self) -> None:
        assert Money("1", " eur ").currency == "EUR"

    def test_float_is_a_type_error_saying_what_to_pass(self) -> None:
        with pytest.raises(TypeError, match=r"float 0\.1 .*pass a str or Decimal"):
            Money(0.1, "EUR")  # type: ignore[arg-type]

    @pytest.mark.parametrize("raw", [True, False])
    def test_bool_is_rejected(self, raw: bool) -> None:
        with pytest.raises(ValidationError, match="got bool") as excinfo:
            Money(raw, "EUR")
        assert paths(excinfo) == ("amount",)

    @pytest.mark.parametrize("raw", [None, [1], b"12"])
    def test_other_types_are_rejected(self, raw: object) -> None:
        with pytest.raises(ValidationError, match="must be a decimal number") as excinfo:
            Money(raw, "EUR")  # type: ignore[arg-type]
        assert paths(excinfo) == ("amount",)

    @pytest.mark.parametrize("raw", ["abc", "", "12,30", "1.2.3"])
    def test_non_numeric_string(self, raw: str) -> None:
        with pytest.raises(ValidationError, match="not a decimal number") as excinfo:
            Money(raw, "EUR")
        assert paths(excinfo) == ("amount",)

    @pytest.mark.parametrize(
        "raw", ["NaN", "sNaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("-Inf")]
    )
    def test_nan_and_infinity(self, raw: str | Decimal) -> None:
        with pytest.raises(ValidationError, match="must be a finite number") as excinfo:
            Money(raw, "EUR")
        assert paths(excinfo) == ("amount",)

    @pytest.mark.parametrize("raw", ["1E+24", "-1E+24", "1E+999999999"])
    def test_amount_out_of_range(self, raw: str) -> None:
        with pytest.raises(ValidationError, match=r"less than 10\*\*24") as excinfo:
            Money(raw, "EUR")
        assert paths(excinfo) == ("amount",)

    def test_largest_amount_in_range(self) -> None:
        big = Money("999999999999999999999999.9999", "CLF")
        assert big.round() == big

    @pytest.mark.parametrize("code", ["XYZ", "EURO", "", "E U R"])
    def test_unknown_currency(self, code: str) -> None:
        with pytest.raises(ValidationError, match="unknown ISO 4217 currency code") as excinfo:
            Money("1", code)
        assert paths(excinfo) == ("currency",)

    @pytest.mark.parametrize("code", [None, 978])
    def test_currency_must_be_a_string(self, code: object) -> None:
        with pytest.raises(ValidationError, match="must be an ISO 4217 currency code") as excinfo:
            Money("1", code)  # type: ignore[arg-type]
        assert paths(excinfo) == ("currency",)

    def test_every_problem_is_listed(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Money("abc", "XX")
        assert paths(excinfo) == ("amount", "currency")

    def test_negative_zero_becomes_zero(self) -> None:
        m = Money("-0.00", "EUR")
        assert not m.amount.is_signed()
        assert str(m) == "0.00 EUR"
        assert str(-Money("0.00", "EUR")) == "0.00 EUR"

    def test_frozen_and_slotted(self) -> None:
        m = eur("1")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            m.amount = Decimal(2)  # type: ignore[misc]
        assert not hasattr(m, "__dict__")

    def test_evolve_converts_and_validates(self) -> None:
        assert attrs.evolve(eur("1"), amount="2.50") == eur("2.50")
        with pytest.raises(ValidationError):
            attrs.evolve(eur("1"), currency="nope")

    def test_pickle(self) -> None:
        m = Money("12.30", "EUR")
        assert pickle.loads(pickle.dumps(m)) == m

    def test_repr(self) -> None:
        assert repr(Money("12.30", "EUR")) == "Money('12.30', 'EUR')"
        assert repr(Money(Decimal("1E+2"), "JPY")) == "Money('100', 'JPY')"
        assert repr(Money("1E-7", "USD")) == "Money('0.0000001', 'USD')"

    def test_repr_and_str_of_a_tiny_amount_stay_short(self) -> None:
        tiny = Money("1E-999999", "EUR")
        assert repr(tiny) == "Money('1E-999999', 'EUR')"
        assert str(tiny) == "1E-999999 EUR"
        assert eval(repr(tiny), {"Money": Money}) == tiny
        assert str(Money("1E-100", "EUR")) == "0." + "0" * 99 + "1 EUR"

    def test_repr_round_trips_through_eval(self) -> None:
        m = Money("-1234.5678", "BHD")
        assert eval(repr(m), {"Money": Money}) == m

    def test_str_is_plain_and_locale_free(self) -> None:
        assert str(Money("12.30", "EUR")) == "12.30 EUR"
        assert str(Money("1234567.8", "USD")) == "1234567.8 USD"
        assert str(Money("-5", "JPY")) == "-5 JPY"
        assert str(Money(Decimal("1E+3"), "EUR")) == "1000 EUR"


class TestCurrencies:
    @pytest.mark.parametrize(
        ("code", "digits"),
        [("JPY", 0), ("KRW", 0), ("USD", 2), ("EUR", 2), ("BHD", 3), ("KWD", 3), ("CLF", 4)],
    )
    def test_minor_units_from_babel(self, code: str, digits: int) -> None:
        assert minor_units(code) == digits

    def test_minor_units_normalises_the_code(self) -> None:
        assert minor_units(" bhd ") == 3

    def test_minor_units_of_unknown_code(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            minor_units("ABC")
        assert paths(excinfo) == ("currency",)

    def test_currency_codes(self) -> None:
        codes = currency_codes()
        assert {"EUR", "USD", "JPY", "BHD", "CLF", "CHF"} <= codes
        assert "EURO" not in codes
        assert all(len(code) == 3 and code.isupper() for code in codes)

    @pytest.mark.parametrize(
        ("code", "quantum"),
        [("EUR", Decimal("0.01")), ("JPY", Decimal(1)), ("BHD", Decimal("0.001"))],
    )
    def test_quantum(self, code: str, quantum: Decimal) -> None:
        assert Money(1, code).quantum == quantum
        assert str(Money(1, code).quantum) == str(quantum)

    def test_zero(self) -> None:
        assert Money.zero("eur") == Money("0", "EUR")
        assert str(Money.zero("EUR")) == "0.00 EUR"
        assert str(Money.zero("JPY")) == "0 JPY"
        assert str(Money.zero("BHD")) == "0.000 BHD"

    def test_zero_of_unknown_currency(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Money.zero("NOPE")
        assert paths(excinfo) == ("currency",)

    def test_from_minor_units(self) -> None:
        assert repr(Money.from_minor_units(1999, "USD")) == "Money('19.99', 'USD')"
        assert repr(Money.from_minor_units(-5, "BHD")) == "Money('-0.005', 'BHD')"
        assert repr(Money.from_minor_units(1999, "JPY")) == "Money('1999', 'JPY')"

    @pytest.mark.parametrize("units", [True, "100", Decimal(100)])
    def test_from_minor_units_needs_an_int(self, units: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Money.from_minor_units(units, "USD")  # type: ignore[arg-type]
        assert paths(excinfo) == ("units",)

    def test_to_minor_units_rounds_first(self) -> None:
        assert Money("19.995", "USD").to_minor_units() == 2000
        assert Money("19.985", "USD").to_minor_units() == 1998
        assert Money("19.985", "USD").to_minor_units(ROUND_HALF_UP) == 1999
        assert Money("-1.5", "JPY").to_minor_units() == -2
        assert Money("1.234", "BHD").to_minor_units() == 1234


# --------------------------------------------------------------------------------------------
# Arithmetic


class TestArithmetic:
    def test_add_and_subtract(self) -> None:
        assert eur("1.10") + eur("2.20") == eur("3.30")
        assert eur("1.10") - eur("2.20") == eur("-1.10")
        assert str(eur("1.10") + eur("2.2")) == "3.30 EUR"

    @pytest.mark.parametrize(
        ("operation", "verb"),
        [
            (lambda a, b: a + b, "add"),
            (lambda a, b: a - b, "subtract"),
            (lambda a, b: a < b, "compare"),
            (lambda a, b: a <= b, "compare"),
            (lambda a, b: a > b, "compare"),
            (lambda a, b: a >= b, "compare"),
        ],
    )
    def test_mixing_currencies_raises(
        self, operation: Callable[[Money, Money], object], verb: str
    ) -> None:
        with pytest.raises(CurrencyMismatch, match=f"cannot {verb} EUR and USD") as excinfo:
            operation(eur("1"), Money("1", "USD"))
        assert (excinfo.value.left, excinfo.value.right) == ("EUR", "USD")

    def test_equality_across_currencies_is_false_not_an_error(self) -> None:
        assert eur("1") != Money("1", "USD")
        assert not (eur("1") == Money("1", "USD"))  # noqa: SIM201

    def test_equality_is_by_value(self) -> None:
        assert eur("1.0") == eur("1.00")
        assert hash(eur("1.0")) == hash(eur("1.00"))
        assert len({eur("1.0"), eur("1.00"), eur("2"), Money("1", "USD")}) == 3

    def test_money_is_never_equal_to_a_number(self) -> None:
        assert eur("0") != 0  # type: ignore[comparison-overlap]
        assert eur("1") != Decimal(1)

    def test_ordering(self) -> None:
        small, big = eur("1.00"), eur("2")
        assert small < big
        assert small <= big
        assert small <= eur("1")
        assert big > small
        assert big >= small
        assert big >= eur("2.000")
        assert not big < small
        assert sorted([big, small, eur("-3")]) == [eur("-3"), small, big]
        assert max(small, big) is big

    @pytest.mark.parametrize("other", [0, 1, Decimal(1), "1"])
    def test_ordering_with_a_non_money_is_a_type_error(self, other: object) -> None:
        for operation in (operator.lt, operator.le, operator.gt, operator.ge):
            with pytest.raises(TypeError):
                operation(eur("1"), other)  # type: ignore[arg-type]

    def test_zero_is_the_additive_identity_on_both_sides(self) -> None:
        m = eur("5")
        assert 0 + m is m
        assert m + 0 is m

    @pytest.mark.parametrize("other", [1, False, True, Decimal(0), "0", 0.0])
    def test_adding_anything_else_is_a_type_error(self, other: object) -> None:
        m = eur("5")
        with pytest.raises(TypeError):
            m + other  # type: ignore[operator]
        with pytest.raises(TypeError):
            other + m  # type: ignore[operator]

    @pytest.mark.parametrize("other", [0, 1, Decimal(1)])
    def test_subtracting_a_number_is_a_type_error(self, other: object) -> None:
        with pytest.raises(TypeError):
            eur("5") - other  # type: ignore[operator]
        with pytest.raises(TypeError):
            other - eur("5")  # type: ignore[operator]

    def test_sum(self) -> None:
        lines = [eur("1.10"), eur("2.20"), eur("3.30")]
        assert sum(lines) == eur("6.60")
        assert sum(lines, Money.zero("EUR")) == eur("6.60")

    def test_sum_of_nothing(self) -> None:
        assert sum([]) == 0
        assert sum([], Money.zero("EUR")) == Money.zero("EUR")

    def test_sum_of_mixed_currencies_raises(self) -> None:
        with pytest.raises(CurrencyMismatch):
            sum([eur("1"), Money("1", "USD")])

    def test_unary(self) -> None:
        m = eur("-1.50")
        assert -m == eur("1.50")
        assert +m is m
        assert abs(m) == eur("1.50")
        assert abs(eur("1.50")) == eur("1.50")
        assert str(abs(m)) == "1.50 EUR"

    def test_bool(self) -> None:
        assert not eur("0")
        assert not eur("0.00")
        assert eur("0.01")
        assert eur("-0.01")

    def test_multiply_both_sides(self) -> None:
        assert eur("0.10") * 3 == eur("0.30")
        assert 3 * eur("0.10") == eur("0.30")
        assert eur("19.99") * Decimal("0.175") == eur("3.49825")
        assert Decimal("0.175") * eur("19.99") == eur("3.49825")

    def test_multiplication_is_exact(self) -> None:
        assert str(eur("19.99") * Decimal("0.175")) == "3.49825 EUR"

    @pytest.mark.parametrize("factor", [1.5, 2.0])
    def test_multiply_by_float_is_a_type_error(self, factor: float) -> None:
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            eur("1") * factor  # type: ignore[operator]
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            factor * eur("1")  # type: ignore[operator]

    @pytest.mark.parametrize("factor", [eur("2"), "2", True, None])
    def test_multiply_by_other_types_is_a_type_error(self, factor: object) -> None:
        with pytest.raises(TypeError):
            eur("1") * factor  # type: ignore[operator]
        with pytest.raises(TypeError):
            factor * eur("1")  # type: ignore[operator]

    @pytest.mark.parametrize("factor", [Decimal("NaN"), Decimal("Infinity")])
    def test_multiply_by_non_finite_decimal(self, factor: Decimal) -> None:
        with pytest.raises(ValidationError, match="must be finite"):
            eur("1") * factor

    def test_multiply_out_of_range(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            Money("1E+23", "EUR") * 10
        assert paths(excinfo) == ("amount",)

    def test_divide(self) -> None:
        assert str(eur("10.00") / 4) == "2.50 EUR"
        assert eur("10.00") / Decimal("0.5") == eur("20")
        third = eur("10") / 3
        assert third.amount == Decimal("3." + "3" * 33)
        assert third.round() == eur("3.33")

    @pytest.mark.parametrize("divisor", [0, Decimal(0), Decimal("-0.00")])
    def test_divide_by_zero(self, divisor: int | Decimal) -> None:
        with pytest.raises(ZeroDivisionError, match="cannot divide Money"):
            eur("1") / divisor

    def test_divide_by_float_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            eur("1") / 2.0  # type: ignore[operator]

    @pytest.mark.parametrize("divisor", [eur("2"), "2", True])
    def test_divide_by_other_types_is_a_type_error(self, divisor: object) -> None:
        with pytest.raises(TypeError):
            eur("1") / divisor  # type: ignore[operator]

    def test_divide_a_number_by_money_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            2 / eur("1")  # type: ignore[operator]

    def test_divide_by_non_finite_decimal(self) -> None:
        with pytest.raises(ValidationError, match="must be finite"):
            eur("1") / Decimal("Infinity")

    def test_arithmetic_ignores_the_callers_decimal_context(self) -> None:
        with localcontext() as ctx:
            ctx.prec = 3
            ctx.rounding = ROUND_DOWN
            assert eur("123456.78") + eur("0.01") == eur("123456.79")
            assert eur("123456.78") - eur("0.01") == eur("123456.77")
            assert eur("123456.78") * 3 == eur("370370.34")
            assert (eur("10") / 3).amount == Decimal("3." + "3" * 33)
            assert Money("0.125", "USD").round() == Money("0.12", "USD")


# --------------------------------------------------------------------------------------------
# Rounding


class TestRounding:
    @pytest.mark.parametrize(
        ("amount", "code", "rounding", "expected"),
        [
            ("0.125", "USD", ROUND_HALF_EVEN, "0.12"),
            ("0.135", "USD", ROUND_HALF_EVEN, "0.14"),
            ("0.125", "USD", ROUND_HALF_UP, "0.13"),
            ("-0.125", "USD", ROUND_HALF_UP, "-0.13"),
            ("-0.121", "USD", ROUND_FLOOR, "-0.13"),
            ("0.121", "USD", ROUND_UP, "0.13"),
            ("2.5", "JPY", ROUND_HALF_EVEN, "2"),
            ("3.5", "JPY", ROUND_HALF_EVEN, "4"),
            ("1.2345", "BHD", ROUND_HALF_EVEN, "1.234"),
            ("1.23456", "CLF", ROUND_HALF_EVEN, "1.2346"),
            ("5", "EUR", ROUND_HALF_EVEN, "5.00"),
        ],
    )
    def test_round_to_the_minor_unit(
        self, amount: str, code: str, rounding: str, expected: str
    ) -> None:
        rounded = Money(amount, code).round(rounding)
        assert str(rounded.amount) == expected
        assert rounded.currency == code

    def test_default_is_half_even(self) -> None:
        assert Money("0.125", "USD").round() == Money("0.12", "USD")
        assert Money("0.375", "USD").round() == Money("0.38", "USD")

    @pytest.mark.parametrize("rounding", ["HALF_UP", "round_half_up", "", 5, None])
    def test_unknown_rounding_mode(self, rounding: object) -> None:
        with pytest.raises(ValidationError, match="unknown rounding mode") as excinfo:
            eur("1").round(rounding)  # type: ignore[arg-type]
        assert paths(excinfo) == ("rounding",)

    @pytest.mark.parametrize(
        ("amount", "code", "expected"),
        [
            ("1.23", "EUR", True),
            ("1.230", "EUR", True),
            ("1.235", "EUR", False),
            ("-1.001", "EUR", False),
            ("1.0", "JPY", True),
            ("1.5", "JPY", False),
        ],
    )
    def test_is_rounded(self, amount: str, code: str, expected: bool) -> None:
        assert Money(amount, code).is_rounded() is expected


# --------------------------------------------------------------------------------------------
# Allocation


def amounts(parts: tuple[Money, ...]) -> list[str]:
    return [str(p.amount) for p in parts]


class TestAllocate:
    def test_three_way_split_of_100(self) -> None:
        parts = eur("100.00").allocate([1, 1, 1])
        assert amounts(parts) == ["33.34", "33.33", "33.33"]
        assert sum(parts) == eur("100.00")

    def test_tie_break_gives_earlier_ratios_the_extra_units(self) -> None:
        assert amounts(eur("0.05").allocate([1, 1, 1, 1])) == ["0.02", "0.01", "0.01", "0.01"]

    def test_largest_remainder_wins_over_position(self) -> None:
        # exact shares 33.33.. and 66.66.. cents: the second has the larger remainder
        assert amounts(eur("1.00").allocate([1, 2])) == ["0.33", "0.67"]

    def test_decimal_percentages(self) -> None:
        parts = eur("1000.00").allocate([Decimal("0.5"), Decimal("0.3"), Decimal("0.2")])
        assert amounts(parts) == ["500.00", "300.00", "200.00"]
        assert parts == eur("1000.00").allocate([50, 30, 20])

    def test_ratio_zero_gets_nothing(self) -> None:
        assert amounts(eur("0.03").allocate([0, 1, 1])) == ["0.00", "0.02", "0.01"]

    def test_whole_is_rounded_first_with_the_given_mode(self) -> None:
        assert amounts(Money("10.005", "USD").allocate([1, 1])) == ["5.00", "5.00"]
        parts = Money("10.005", "USD").allocate([1, 1], ROUND_HALF_UP)
        assert amounts(parts) == ["5.01", "5.00"]

    def test_negative_amount(self) -> None:
        parts = eur("-100.00").allocate([1, 1, 1])
        assert amounts(parts) == ["-33.34", "-33.33", "-33.33"]
        assert sum(parts) == eur("-100.00")

    def test_whole_yen(self) -> None:
        parts = Money(100, "JPY").allocate([1, 1, 1])
        assert amounts(parts) == ["34", "33", "33"]

    def test_three_decimal_currency(self) -> None:
        parts = Money("1", "BHD").allocate([1, 1, 1])
        assert amounts(parts) == ["0.334", "0.333", "0.333"]

    def test_zero_amount(self) -> None:
        assert amounts(eur("0").allocate([1, 2])) == ["0.00", "0.00"]

    def test_single_ratio_gets_the_rounded_whole(self) -> None:
        assert eur("12.345").allocate([7]) == (eur("12.34"),)

    def test_accepts_any_iterable(self) -> None:
        assert eur("1").allocate(r for r in (1, 1)) == (eur("0.50"), eur("0.50"))

    def test_float_ratio_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            eur("1").allocate([1, 0.5])  # type: ignore[list-item]

    def test_every_bad_ratio_is_listed_with_its_index(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            eur("1").allocate([-1, 1, "2", True, Decimal("NaN")])  # type: ignore[list-item]
        assert paths(excinfo) == ("ratios[0]", "ratios[2]", "ratios[3]", "ratios[4]")
        messages = [p.message for p in excinfo.value.problems]
        assert messages[0] == "must not be negative, got -1"
        assert messages[1].startswith("must be an int or Decimal")
        assert messages[3] == "must be a finite number, got NaN"

    def test_no_ratios(self) -> None:
        with pytest.raises(ValidationError, match="must not be empty") as excinfo:
            eur("1").allocate([])
        assert paths(excinfo) == ("ratios",)

    def test_all_zero_ratios(self) -> None:
        with pytest.raises(ValidationError, match="at least one ratio") as excinfo:
            eur("1").allocate([0, Decimal(0)])
        assert paths(excinfo) == ("ratios",)

    def test_unknown_rounding_mode(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            eur("1").allocate([1], "sideways")
        assert paths(excinfo) == ("rounding",)

    def test_split(self) -> None:
        assert amounts(Money("10.00", "USD").split(3)) == ["3.34", "3.33", "3.33"]
        assert Money("10.005", "USD").split(1, ROUND_HALF_UP) == (Money("10.01", "USD"),)

    @pytest.mark.parametrize("parts", [0, -1, True, "3"])
    def test_split_needs_a_positive_int(self, parts: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            eur("1").split(parts)  # type: ignore[arg-type]
        assert paths(excinfo) == ("parts",)


# --------------------------------------------------------------------------------------------
# Formatting


class TestFormat:
    def test_german(self) -> None:
        # babel (CLDR) puts a no-break space (U+00A0) between the number and the euro sign.
        assert Money("1234.5", "EUR").format("de_DE") == "1.234,50\xa0€"

    def test_bcp47_tag_and_babel_locale_are_accepted(self) -> None:
        m = Money("1234.5", "EUR")
        assert m.format("de-DE") == m.format("de_DE")
        assert m.format(Locale("de", "DE")) == m.format("de_DE")  # type: ignore[arg-type]

    def test_default_is_en_us(self) -> None:
        assert Money("1234.5", "EUR").format() == "€1,234.50"
        assert Money("1234.5", "USD").format("en_US") == "$1,234.50"

    def test_japanese_yen_has_no_decimals(self) -> None:
        # CLDR's ja_JP uses the full-width yen sign (U+FFE5); display rounding is half-even.
        assert Money("1234.5", "JPY").format("ja_JP") == "\uffe51,234"
        assert Money("1235.5", "JPY").format("ja_JP") == "\uffe51,236"
        assert Money("1234.5", "USD").format("ja_JP") == "$1,234.50"

    def test_accounting_and_name(self) -> None:
        assert Money("-5", "USD").format(format_type="accounting") == "($5.00)"
        assert Money("1234.5", "EUR").format(format_type="name") == "1,234.50 euros"

    def test_currency_digits_off_uses_the_locale_pattern(self) -> None:
        assert Money("1234.5", "JPY").format("en_US", currency_digits=False) == "¥1,234.50"

    def test_three_decimal_currency(self) -> None:
        # babel 2.x does not apply CLDR's "alphaNextToNumber" spacing: no space after "BHD".
        assert Money("1.2345", "BHD").format("en_US") == "BHD1.234"

    def test_display_rounding_ignores_the_callers_decimal_context(self) -> None:
        with localcontext() as ctx:
            ctx.rounding = ROUND_HALF_UP
            assert Money("0.125", "USD").format() == "$0.12"

    @pytest.mark.parametrize("locale", ["xx_YY", "not a locale", "", None, 42])
    def test_unknown_locale(self, locale: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            eur("1").format(locale)  # type: ignore[arg-type]
        assert paths(excinfo) == ("locale",)

    def test_unknown_format_type(self) -> None:
        with pytest.raises(ValidationError, match="unknown format type") as excinfo:
            eur("1").format(format_type="short")  # type: ignore[arg-type]
        assert paths(excinfo) == ("format_type",)

    def test_currency_digits_must_be_a_bool(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            eur("1").format(currency_digits="yes")  # type: ignore[arg-type]
        assert paths(excinfo) == ("currency_digits",)


# --------------------------------------------------------------------------------------------
# Serialization


class TestSerialization:
    def test_to_dict(self) -> None:
        assert to_dict(Money("12.30", "EUR")) == {"amount": "12.30", "currency": "EUR"}

    def test_dict_round_trip(self) -> None:
        m = Money("-1234.5678", "BHD")
        back = from_dict(Money, to_dict(m))
        assert back == m
        assert str(back.amount) == "-1234.5678"

    def test_json_round_trip(self) -> None:
        m = Money("12.30", "EUR")
        assert to_json(m) == '{"amount": "12.30", "currency": "EUR"}'
        assert from_json(Money, to_json(m)) == m

    def test_json_number_is_read_as_decimal(self) -> None:
        loaded = from_json(Money, '{"amount": 12.30, "currency": "EUR"}')
        assert str(loaded.amount) == "12.30"

    def test_loading_a_float_amount_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="float"):
            from_dict(Money, {"amount": 12.3, "currency": "EUR"})

    def test_loading_a_bad_currency(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Money, {"amount": "1", "currency": "EURO"})
        assert paths(excinfo) == ("currency",)

    def test_loading_a_bad_amount(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Money, {"amount": "twelve", "currency": "EUR"})
        assert paths(excinfo) == ("amount",)

    def test_loading_normalises_the_code(self) -> None:
        assert from_dict(Money, {"amount": "1", "currency": "eur"}) == eur("1")

    def test_loading_with_unknown_or_missing_fields(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Money, {"amount": "1", "currency": "EUR", "cents": 100})
        assert paths(excinfo) == ("cents",)
        with pytest.raises(ValidationError) as excinfo:
            from_dict(Money, {"amount": "1"})
        assert paths(excinfo) == ("currency",)


# --------------------------------------------------------------------------------------------
# Public API


@pytest.mark.parametrize("name", money_module.__all__)
def test_public_names_are_documented(name: str) -> None:
    obj = getattr(money_module, name)
    assert obj.__doc__
    assert ".. versionadded:: 0.1.0" in obj.__doc__


def test_all_lists_the_public_names() -> None:
    assert set(money_module.__all__) == {
        "ConvertedAmount",
        "ExchangeRate",
        "InMemoryRateSource",
        "Money",
        "RateSource",
        "convert",
        "currency_codes",
        "minor_units",
    }


@pytest.mark.parametrize(
    "method",
    [
        "zero",
        "from_minor_units",
        "quantum",
        "round",
        "is_rounded",
        "to_minor_units",
        "allocate",
        "split",
        "format",
    ],
)
def test_money_methods_are_documented(method: str) -> None:
    doc = getattr(Money, method).__doc__
    assert doc
    assert ".. versionadded:: 0.1.0" in doc


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("50000", "USD", "en_US", "USD 50,000.00"),
        ("1234.5", "EUR", "de_DE", "EUR 1.234,50"),
        ("-1234", "JPY", "ja_JP", "JPY -1,234"),
        ("0.125", "BHD", "en_US", "BHD 0.125"),
    ],
)
def test_format_with_the_iso_code_first(
    amount: str, currency: str, locale: str, expected: str
) -> None:
    assert Money(amount, currency).format(locale, format_type="code") == expected
