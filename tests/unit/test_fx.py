"""Unit tests for exchange rates, rate sources and conversion in prmcore.money."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import attrs
import pytest

from prmcore.errors import MissingRateError, ValidationError
from prmcore.money import (
    ConvertedAmount,
    ExchangeRate,
    InMemoryRateSource,
    Money,
    RateSource,
    convert,
)
from prmcore.serialization import from_dict, from_json, to_dict, to_json

JAN_1 = date(2024, 1, 1)
JAN_10 = date(2024, 1, 10)
JAN_15 = date(2024, 1, 15)
JAN_20 = date(2024, 1, 20)


def ecb(quote: str, rate: str, as_of: date, base: str = "EUR") -> ExchangeRate:
    return ExchangeRate(base, quote, rate, as_of, "ECB")


# --------------------------------------------------------------------------------------------
# ExchangeRate


class TestExchangeRate:
    def test_fields(self) -> None:
        assert [f.name for f in attrs.fields(ExchangeRate)] == [
            "base",
            "quote",
            "rate",
            "as_of",
            "source",
        ]

    def test_valid_rate_is_normalised(self) -> None:
        rate = ExchangeRate(" eur", "usd ", "1.0842", JAN_1, "ECB")
        assert (rate.base, rate.quote) == ("EUR", "USD")
        assert rate.rate == Decimal("1.0842")
        assert type(rate.rate) is Decimal

    @pytest.mark.parametrize("raw", ["2", 2, Decimal(2)])
    def test_rate_from_str_int_decimal(self, raw: str | int | Decimal) -> None:
        assert ExchangeRate("EUR", "USD", raw, JAN_1, "ECB").rate == Decimal(2)

    def test_float_rate_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            ExchangeRate("EUR", "USD", 1.08, JAN_1, "ECB")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ("0", "must be greater than 0"),
            ("-1.5", "must be greater than 0"),
            ("NaN", "must be a finite number"),
            ("Infinity", "must be a finite number"),
            ("abc", "not a decimal number"),
            (True, "must be a decimal number"),
        ],
    )
    def test_bad_rate(self, raw: object, message: str) -> None:
        with pytest.raises(ValidationError, match=message) as excinfo:
            ExchangeRate("EUR", "USD", raw, JAN_1, "ECB")  # type: ignore[arg-type]
        assert excinfo.value.paths == ("rate",)

    def test_same_currency_needs_rate_one(self) -> None:
        with pytest.raises(ValidationError, match="must differ from base") as excinfo:
            ExchangeRate("EUR", "eur", "1.1", JAN_1, "ECB")
        assert excinfo.value.paths == ("quote",)
        assert ExchangeRate("EUR", "EUR", "1.000", JAN_1, "identity").rate == 1

    def test_unknown_codes(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            ExchangeRate("EURO", 840, "1", JAN_1, "ECB")  # type: ignore[arg-type]
        assert excinfo.value.paths == ("base", "quote")

    @pytest.mark.parametrize("as_of", [dt.datetime(2024, 1, 1), "2024-01-01", None])
    def test_as_of_must_be_a_date(self, as_of: object) -> None:
        with pytest.raises(ValidationError, match="must be a date") as excinfo:
            ExchangeRate("EUR", "USD", "1", as_of, "ECB")  # type: ignore[arg-type]
        assert excinfo.value.paths == ("as_of",)

    @pytest.mark.parametrize("source", ["", "   ", None])
    def test_source_must_not_be_empty(self, source: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            ExchangeRate("EUR", "USD", "1", JAN_1, source)  # type: ignore[arg-type]
        assert excinfo.value.paths == ("source",)

    def test_every_problem_is_listed(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            ExchangeRate("EUR", "EUR", "-1", "yesterday", "")  # type: ignore[arg-type]
        # a non-positive rate is reported once, not also as "must differ from base"
        assert excinfo.value.paths == ("rate", "as_of", "source")

    def test_inverse(self) -> None:
        inverse = ecb("GBP", "0.8", JAN_10).inverse()
        assert inverse == ExchangeRate("GBP", "EUR", "1.25", JAN_10, "ECB (inverted)")
        assert str(inverse.rate) == "1.25"

    def test_inverse_precision(self) -> None:
        inverse = ecb("USD", "1.0842", JAN_1).inverse()
        assert inverse.rate == Decimal("0.9223390518354547131525548791735842")
        assert len(inverse.rate.as_tuple().digits) == 34
        third = ecb("USD", "3", JAN_1).inverse()
        assert third.rate == Decimal("0." + "3" * 34)

    @pytest.mark.parametrize(
        ("rate", "inverse"),
        [("0.5000", "2"), ("0.01", "100"), ("100", "0.01"), ("1E-40", "1E+40")],
    )
    def test_inverse_drops_trailing_zeros(self, rate: str, inverse: str) -> None:
        assert str(ecb("USD", rate, JAN_1).inverse().rate) == inverse

    def test_inverting_twice(self) -> None:
        twice = ecb("USD", "1.0842", JAN_1).inverse().inverse()
        assert (twice.base, twice.quote, twice.rate) == ("EUR", "USD", Decimal("1.0842"))
        assert twice.source == "ECB (inverted) (inverted)"

    def test_str(self) -> None:
        assert str(ecb("USD", "1.0842", JAN_1)) == "1 EUR = 1.0842 USD on 2024-01-01 (ECB)"
        assert str(ecb("USD", "1E+3", JAN_1)) == "1 EUR = 1000 USD on 2024-01-01 (ECB)"

    def test_dict_and_json_round_trip(self) -> None:
        rate = ecb("USD", "1.0842", JAN_1)
        assert to_dict(rate) == {
            "base": "EUR",
            "quote": "USD",
            "rate": "1.0842",
            "as_of": "2024-01-01",
            "source": "ECB",
        }
        assert from_dict(ExchangeRate, to_dict(rate)) == rate
        assert from_json(ExchangeRate, to_json(rate)) == rate

    def test_loading_a_float_rate_is_a_type_error(self) -> None:
        data = to_dict(ecb("USD", "1.0842", JAN_1))
        data["rate"] = 1.0842
        with pytest.raises(TypeError, match="float"):
            from_dict(ExchangeRate, data)

    def test_loading_bad_codes_and_source(self) -> None:
        data = to_dict(ecb("USD", "1.0842", JAN_1))
        data.update(base="XXQ", source="")
        with pytest.raises(ValidationError) as excinfo:
            from_dict(ExchangeRate, data)
        assert excinfo.value.paths == ("base", "source")


# --------------------------------------------------------------------------------------------
# Rate sources


class TestRateSourceProtocol:
    def test_docstring(self) -> None:
        assert RateSource.__doc__
        assert RateSource.__doc__.startswith("**Protocol:**")

    def test_in_memory_source_satisfies_it(self) -> None:
        assert isinstance(InMemoryRateSource(), RateSource)

    def test_any_object_with_a_rate_method_satisfies_it(self) -> None:
        class Fixed:
            def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
                return ExchangeRate(base, quote, "2", as_of, "fixed")

        source: RateSource = Fixed()
        assert isinstance(source, RateSource)
        assert convert(Money("1", "EUR"), "USD", JAN_1, source).amount == Money("2", "USD")


@pytest.fixture
def source() -> InMemoryRateSource:
    return InMemoryRateSource(
        [ecb("USD", "1.10", JAN_20), ecb("USD", "1.00", JAN_1), ecb("USD", "1.05", JAN_10)]
    )


class TestInMemoryRateSource:
    @pytest.mark.parametrize(
        ("as_of", "expected_date"),
        [(JAN_1, JAN_1), (JAN_10, JAN_10), (JAN_15, JAN_10), (date(2025, 1, 1), JAN_20)],
    )
    def test_most_recent_rate_on_or_before(
        self, source: InMemoryRateSource, as_of: date, expected_date: date
    ) -> None:
        found = source.rate("EUR", "USD", as_of)
        assert found.as_of == expected_date
        assert found.source == "ECB"

    def test_never_a_future_rate(self, source: InMemoryRateSource) -> None:
        with pytest.raises(MissingRateError, match=r"EUR->USD on or before 2023-12-31"):
            source.rate("EUR", "USD", date(2023, 12, 31))

    def test_unknown_pair(self, source: InMemoryRateSource) -> None:
        with pytest.raises(MissingRateError) as excinfo:
            source.rate("EUR", "GBP", JAN_15)
        assert str(excinfo.value) == "no exchange rate EUR->GBP on or before 2024-01-15"
        assert (excinfo.value.base, excinfo.value.quote) == ("EUR", "GBP")
        assert excinfo.value.as_of == JAN_15

    def test_add_and_len(self) -> None:
        rates = InMemoryRateSource()
        assert len(rates) == 0
        rates.add(ecb("USD", "1.05", JAN_10))
        rates.add(ecb("USD", "1.00", JAN_1))
        assert len(rates) == 2
        assert rates.rate("EUR", "USD", JAN_15).rate == Decimal("1.05")
        assert rates.rate("EUR", "USD", JAN_1).rate == Decimal("1.00")

    def test_adding_the_same_pair_and_date_replaces(self, source: InMemoryRateSource) -> None:
        source.add(ExchangeRate("EUR", "USD", "1.06", JAN_10, "ECB correction"))
        assert len(source) == 3
        found = source.rate("EUR", "USD", JAN_15)
        assert (found.rate, found.source) == (Decimal("1.06"), "ECB correction")

    def test_add_refuses_other_objects(self) -> None:
        with pytest.raises(TypeError, match="must be of type ExchangeRate"):
            InMemoryRateSource().add({"base": "EUR"})  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            InMemoryRateSource(["EUR/USD 1.1"])  # type: ignore[list-item]

    def test_max_age_days(self, source: InMemoryRateSource) -> None:
        fresh = InMemoryRateSource([ecb("USD", "1.05", JAN_10)], max_age_days=5)
        assert fresh.rate("EUR", "USD", JAN_15).as_of == JAN_10
        with pytest.raises(MissingRateError) as excinfo:
            fresh.rate("EUR", "USD", date(2024, 1, 16))
        assert excinfo.value.__notes__ == [
            "the latest EUR->USD rate is from 2024-01-10, more than max_age_days=5 days "
            "before 2024-01-16"
        ]

    def test_max_age_zero_means_same_day(self) -> None:
        same_day = InMemoryRateSource([ecb("USD", "1.05", JAN_10)], max_age_days=0)
        assert same_day.rate("EUR", "USD", JAN_10).rate == Decimal("1.05")
        with pytest.raises(MissingRateError):
            same_day.rate("EUR", "USD", date(2024, 1, 11))

    @pytest.mark.parametrize("max_age_days", [-1, "5", True, 1.5])
    def test_bad_max_age_days(self, max_age_days: object) -> None:
        with pytest.raises(ValidationError) as excinfo:
            InMemoryRateSource(max_age_days=max_age_days)  # type: ignore[arg-type]
        assert excinfo.value.paths == ("max_age_days",)

    def test_bad_allow_inverse(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            InMemoryRateSource(allow_inverse="yes")  # type: ignore[arg-type]
        assert excinfo.value.paths == ("allow_inverse",)

    def test_inverse_of_a_stored_rate(self) -> None:
        rates = InMemoryRateSource([ecb("GBP", "0.8", JAN_10)])
        found = rates.rate("GBP", "EUR", JAN_15)
        assert found == ExchangeRate("GBP", "EUR", "1.25", JAN_10, "ECB (inverted)")

    def test_inverse_can_be_turned_off(self) -> None:
        rates = InMemoryRateSource([ecb("GBP", "0.8", JAN_10)], allow_inverse=False)
        with pytest.raises(MissingRateError, match="GBP->EUR"):
            rates.rate("GBP", "EUR", JAN_15)
        assert rates.rate("EUR", "GBP", JAN_15).rate == Decimal("0.8")

    def test_more_recent_direction_wins(self) -> None:
        rates = InMemoryRateSource(
            [ecb("USD", "1.10", JAN_1), ExchangeRate("USD", "EUR", "0.5", JAN_10, "Fed")]
        )
        assert rates.rate("EUR", "USD", JAN_15).source == "Fed (inverted)"
        assert rates.rate("EUR", "USD", JAN_1).source == "ECB"
        assert rates.rate("USD", "EUR", JAN_15).source == "Fed"
        assert rates.rate("USD", "EUR", JAN_1).source == "ECB (inverted)"

    def test_direct_rate_wins_on_the_same_date(self) -> None:
        rates = InMemoryRateSource(
            [ExchangeRate("USD", "EUR", "0.5", JAN_10, "Fed"), ecb("USD", "1.10", JAN_10)]
        )
        assert rates.rate("EUR", "USD", JAN_10).source == "ECB"
        assert rates.rate("USD", "EUR", JAN_10).source == "Fed"

    def test_max_age_applies_to_inverted_rates(self) -> None:
        rates = InMemoryRateSource([ecb("GBP", "0.8", JAN_1)], max_age_days=3)
        with pytest.raises(MissingRateError, match="GBP->EUR"):
            rates.rate("GBP", "EUR", JAN_10)

    def test_identity(self) -> None:
        found = InMemoryRateSource().rate("eur", " EUR", JAN_15)
        assert found == ExchangeRate("EUR", "EUR", 1, JAN_15, "identity")

    def test_codes_are_normalised(self, source: InMemoryRateSource) -> None:
        assert source.rate(" eur", "usd", JAN_15).rate == Decimal("1.05")

    def test_bad_query(self, source: InMemoryRateSource) -> None:
        with pytest.raises(ValidationError) as excinfo:
            source.rate("EURO", None, dt.datetime(2024, 1, 1))  # type: ignore[arg-type]
        assert excinfo.value.paths == ("base", "quote", "as_of")

    def test_insertion_order_does_not_matter(self) -> None:
        rates = [ecb("USD", str(i), date(2024, 1, i)) for i in range(1, 29, 3)]
        forward = InMemoryRateSource(rates)
        backward = InMemoryRateSource(reversed(rates))
        for day in range(1, 32):
            when = date(2024, 1, day)
            assert forward.rate("EUR", "USD", when) == backward.rate("EUR", "USD", when)

    def test_repr(self, source: InMemoryRateSource) -> None:
        assert repr(source) == (
            "InMemoryRateSource(<3 rates>, max_age_days=None, allow_inverse=True)"
        )


# --------------------------------------------------------------------------------------------
# convert and ConvertedAmount


class RefusingSource:
    """A rate source that must not be asked."""

    def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
        raise AssertionError("the rate source was consulted")


class TestConvert:
    def test_eur_to_usd_keeps_provenance(self, source: InMemoryRateSource) -> None:
        original = Money("1234.56", "EUR")
        converted = convert(original, "USD", JAN_15, source)
        assert converted == ConvertedAmount(
            amount=Money("1296.29", "USD"),  # 1234.56 * 1.05 = 1296.288
            original=original,
            rate=Decimal("1.05"),
            rate_date=JAN_10,
            source="ECB",
        )
        assert str(converted.amount.amount) == "1296.29"

    def test_rounding_mode(self) -> None:
        rates = InMemoryRateSource([ecb("USD", "0.25", JAN_1)])
        half = Money("0.5", "EUR")  # 0.125 USD exactly
        assert convert(half, "USD", JAN_1, rates).amount == Money("0.12", "USD")
        up = convert(half, "USD", JAN_1, rates, rounding=ROUND_HALF_UP)
        assert up.amount == Money("0.13", "USD")

    def test_to_a_zero_decimal_currency(self) -> None:
        rates = InMemoryRateSource([ecb("JPY", "161.5", JAN_1)])
        converted = convert(Money("10.01", "EUR"), "jpy", JAN_1, rates)
        assert str(converted.amount) == "1617 JPY"  # 1616.615

    def test_same_currency_is_identity_without_a_rate_source(self) -> None:
        original = Money("10.005", "EUR")
        converted = convert(original, "eur", JAN_15, RefusingSource())
        assert converted.amount == Money("10.00", "EUR")
        assert converted.original is original
        assert converted.rate == 1
        assert converted.rate_date == JAN_15
        assert converted.source == "identity"

    def test_via_an_inverted_rate(self) -> None:
        rates = InMemoryRateSource([ecb("GBP", "0.8", JAN_10)])
        converted = convert(Money("100", "GBP"), "EUR", JAN_15, rates)
        assert converted.amount == Money("125.00", "EUR")
        assert converted.source == "ECB (inverted)"
        assert converted.rate == Decimal("1.25")

    def test_missing_rate(self, source: InMemoryRateSource) -> None:
        with pytest.raises(MissingRateError, match=r"EUR->CHF on or before 2024-01-15"):
            convert(Money("1", "EUR"), "CHF", JAN_15, source)

    def test_money_must_be_money(self, source: InMemoryRateSource) -> None:
        with pytest.raises(TypeError, match="money must be of type Money"):
            convert(Decimal(1), "USD", JAN_15, source)  # type: ignore[arg-type]

    def test_bad_arguments(self, source: InMemoryRateSource) -> None:
        with pytest.raises(ValidationError) as excinfo:
            convert(Money("1", "EUR"), "DOLLAR", "2024-01-15", source)  # type: ignore[arg-type]
        assert excinfo.value.paths == ("to_currency", "as_of")
        with pytest.raises(ValidationError) as excinfo:
            convert(Money("1", "EUR"), "USD", JAN_15, source, rounding="up")
        assert excinfo.value.paths == ("rounding",)

    def test_a_source_returning_the_wrong_pair(self) -> None:
        class Wrong:
            def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
                return ExchangeRate("EUR", "GBP", "0.8", as_of, "oops")

        with pytest.raises(ValidationError, match="returned EUR->GBP") as excinfo:
            convert(Money("1", "EUR"), "USD", JAN_15, Wrong())
        assert excinfo.value.paths == ("rates",)

    def test_a_source_returning_a_future_rate(self) -> None:
        class Future:
            def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
                return ExchangeRate(base, quote, "1.1", as_of + dt.timedelta(days=1), "oops")

        with pytest.raises(ValidationError, match="on 2024-01-16") as excinfo:
            convert(Money("1", "EUR"), "USD", JAN_15, Future())
        assert excinfo.value.paths == ("rates",)

    def test_a_source_returning_something_else(self) -> None:
        class Bare:
            def rate(self, base: str, quote: str, as_of: date) -> ExchangeRate:
                return Decimal("1.1")  # type: ignore[return-value]

        with pytest.raises(TypeError, match="must be of type ExchangeRate"):
            convert(Money("1", "EUR"), "USD", JAN_15, Bare())

    def test_str(self, source: InMemoryRateSource) -> None:
        converted = convert(Money("100", "EUR"), "USD", JAN_15, source)
        assert str(converted) == "105.00 USD (100 EUR at 1.05 on 2024-01-10, ECB)"


def converted_example() -> ConvertedAmount:
    return ConvertedAmount(Money("108.42", "USD"), Money("100.00", "EUR"), "1.0842", JAN_10, "ECB")


class TestConvertedAmount:
    def test_fields(self) -> None:
        assert [f.name for f in attrs.fields(ConvertedAmount)] == [
            "amount",
            "original",
            "rate",
            "rate_date",
            "source",
        ]

    def test_float_rate_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="pass a str or Decimal"):
            ConvertedAmount(
                Money("1", "USD"),
                Money("1", "EUR"),
                1.0,  # type: ignore[arg-type]
                JAN_1,
                "ECB",
            )

    def test_every_problem_is_listed(self) -> None:
        with pytest.raises(ValidationError) as excinfo:
            ConvertedAmount(
                "1 USD",  # type: ignore[arg-type]
                None,  # type: ignore[arg-type]
                "0",
                dt.datetime(2024, 1, 1),
                "",
            )
        assert excinfo.value.paths == ("amount", "original", "rate", "rate_date", "source")

    def test_same_currency_needs_rate_one(self) -> None:
        with pytest.raises(ValidationError, match="must be 1") as excinfo:
            ConvertedAmount(Money("2", "EUR"), Money("1", "EUR"), "2", JAN_1, "x")
        assert excinfo.value.paths == ("rate",)

    def test_dict_and_json_round_trip(self) -> None:
        converted = converted_example()
        assert to_dict(converted) == {
            "amount": {"amount": "108.42", "currency": "USD"},
            "original": {"amount": "100.00", "currency": "EUR"},
            "rate": "1.0842",
            "rate_date": "2024-01-10",
            "source": "ECB",
        }
        assert from_dict(ConvertedAmount, to_dict(converted)) == converted
        assert from_json(ConvertedAmount, to_json(converted)) == converted

    def test_loading_a_bad_nested_currency(self) -> None:
        data = to_dict(converted_example())
        data["original"]["currency"] = "EURO"
        with pytest.raises(ValidationError) as excinfo:
            from_dict(ConvertedAmount, data)
        assert excinfo.value.paths == ("original.currency",)

    def test_loading_a_nested_float_amount_is_a_type_error(self) -> None:
        data = to_dict(converted_example())
        data["amount"]["amount"] = 108.42
        with pytest.raises(TypeError, match="float"):
            from_dict(ConvertedAmount, data)

    def test_loading_a_float_rate_is_a_type_error(self) -> None:
        data = to_dict(converted_example())
        data["rate"] = 1.0842
        with pytest.raises(TypeError, match="float"):
            from_dict(ConvertedAmount, data)
