"""Money basics: an invoice total, a commission split, formatting and a currency conversion.

Run it with ``python examples/money_basics.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from prmcore.money import ExchangeRate, InMemoryRateSource, Money, convert


def invoice_total() -> Money:
    """Price each line, round each line once, and add up the rounded lines."""
    lines = [
        ("Partner portal licence, 12 seats", Money("49.90", "EUR"), 12, Decimal("0")),
        ("Onboarding workshop", Money("1250.00", "EUR"), 1, Decimal("0.15")),
        ("Support hours", Money("95.00", "EUR"), 7, Decimal("0.075")),
    ]
    print("Invoice")
    rounded_lines = []
    for text, unit_price, quantity, discount in lines:
        exact = unit_price * quantity * (1 - discount)
        line = exact.round()  # once per payable line, half-even
        rounded_lines.append(line)
        print(f"  {text:<34} {quantity:>3} x {unit_price!s:>12}  = {line!s:>12}  (exact {exact})")
    total = sum(rounded_lines, Money.zero("EUR"))
    print(f"  {'Total (sum of rounded lines)':<53} {total!s:>12}")
    return total


def commission_split(total: Money) -> None:
    """Pay 8% commission on the invoice, split 50/30/20 between three partners."""
    commission = (total * Decimal("0.08")).round()
    partners = ["Reseller (50%)", "Distributor (30%)", "Referral partner (20%)"]
    shares = commission.allocate([50, 30, 20])
    print(f"\nCommission: 8% of {total} = {commission}")
    for partner, share in zip(partners, shares, strict=True):
        print(f"  {partner:<24} {share!s:>12}")
    print(f"  {'Sum of the shares':<24} {sum(shares, Money.zero('EUR'))!s:>12}")

    print("\nA bonus of 100.00 EUR split three ways (earlier partners get the odd cent):")
    print("  " + ", ".join(str(part) for part in Money("100.00", "EUR").split(3)))


def formatting(total: Money) -> None:
    """Locale formatting goes through babel; str() stays plain."""
    print("\nFormatting")
    print(f"  str():        {total}")
    print(f"  en_US:        {total.format('en_US')}")
    print(f"  de_DE:        {total.format('de_DE')}")
    yen = Money("1234567", "JPY")
    print(f"  ja_JP (JPY):  {yen.format('ja_JP')}")
    print(f"  accounting:   {Money('-42.5', 'USD').format('en_US', format_type='accounting')}")


def conversion(total: Money) -> None:
    """Convert with an explicit, dated rate and keep where it came from."""
    rates = InMemoryRateSource(
        [
            ExchangeRate("EUR", "USD", "1.0813", date(2024, 1, 30), "ECB reference rate"),
            ExchangeRate("EUR", "USD", "1.0837", date(2024, 1, 31), "ECB reference rate"),
        ],
        max_age_days=4,
    )
    # 3 February 2024 is a Saturday: the latest rate on or before it is Wednesday's.
    converted = convert(total, "USD", date(2024, 2, 3), rates)
    print("\nConversion")
    print(f"  {converted.original} -> {converted.amount}")
    print(f"  rate {converted.rate} from {converted.source!r} dated {converted.rate_date}")
    print(f"  in one line: {converted}")


def main() -> None:
    """Walk through the money basics."""
    total = invoice_total()
    commission_split(total)
    formatting(total)
    conversion(total)


if __name__ == "__main__":
    main()
