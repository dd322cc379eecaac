"""Tier schedules: the five modes side by side, a breakdown, and crediting deal by deal.

A partner earns commission on its quarterly revenue under one set of tiers — 3% up to 10,000,
5% up to 50,000, 8% above — paid five different ways.

Run it with ``python examples/tier_schedules.py``.
"""

from __future__ import annotations

from decimal import Decimal

from prmcore.tiers import Tier, TierSchedule

TIERS = [Tier(10_000, "0.03"), Tier(50_000, "0.05"), Tier(None, "0.08")]
BASES = [Decimal(b) for b in ("0", "5000", "10000", "10001", "25000", "50000", "80000")]


def schedules() -> dict[str, TierSchedule]:
    """One schedule per mode, all built on (or around) the same tiers."""
    return {
        "graduated": TierSchedule.graduated(TIERS),
        "volume": TierSchedule.volume(TIERS),
        # 250 per started block of 5,000, 200 per block after the first 10 blocks.
        "package": TierSchedule.package([Tier(10, 250), Tier(None, 200)], package_size=5_000),
        # The rate climbs smoothly from 3% to 5% and from 5% to 8% instead of jumping.
        "interpolated": TierSchedule.interpolated(TIERS),
        "threshold bonus": TierSchedule.threshold_bonus([(10_000, 150), (50_000, 1_000)]),
    }


def compare(modes: dict[str, TierSchedule]) -> None:
    """Print what each mode pays on a few bases."""
    print("What each mode pays on a quarter's revenue")
    header = f"  {'revenue':>10}" + "".join(f" {name:>16}" for name in modes)
    print(header)
    print("  " + "-" * (len(header) - 2))
    for basis in BASES:
        cells = "".join(f" {schedule.total(basis):>16,.2f}" for schedule in modes.values())
        print(f"  {basis:>10,}{cells}")
    print(
        "\n  Graduated and interpolated grow smoothly; volume re-prices all revenue when a tier"
        "\n  is crossed (10,000 -> 10,001 jumps from 300 to 500); package and bonus step."
    )


def breakdown(modes: dict[str, TierSchedule]) -> None:
    """Explain one amount tier by tier."""
    for name in ("graduated", "interpolated"):
        print(f"\n{name.capitalize()} commission on 80,000.00, tier by tier")
        for line in modes[name].apply("80000.00").explain().splitlines():
            print(f"  {line}")


def crediting(graduated: TierSchedule, volume: TierSchedule) -> None:
    """Credit deals one by one against the quarter's cumulative revenue, in two orders."""
    deals = [Decimal(d) for d in ("7500", "4000", "30000", "12500")]
    print("\nCrediting deals against cumulative revenue (increment = f(after) - f(before))")
    for label, order in (("as booked", deals), ("largest first", sorted(deals, reverse=True))):
        for name, schedule in (("graduated", graduated), ("volume", volume)):
            cumulative = Decimal(0)
            credits = []
            for deal in order:
                credits.append(schedule.increment(cumulative, cumulative + deal))
                cumulative += deal
            shown = ", ".join(f"{credit:,.2f}" for credit in credits)
            total = sum(credits, Decimal(0))
            print(f"  {label:<14} {name:<10} {shown:<40} total {total:>9,.2f}")
    print(
        "  In any order the credits add up to the schedule applied to the quarter's total."
        "\n  A single deal's credit depends on when it is booked (later deals reach higher"
        "\n  tiers); under volume the deal that crosses a tier also re-prices earlier revenue."
    )
    refund = graduated.increment(54_000, 50_000)
    print(f"\nA 4,000.00 refund at 54,000 claws back {refund:,.2f} (exactly the credit reversed)")


def main() -> None:
    """Print the comparison, two breakdowns and the crediting walk-through."""
    modes = schedules()
    compare(modes)
    breakdown(modes)
    crediting(modes["graduated"], modes["volume"])


if __name__ == "__main__":
    main()
