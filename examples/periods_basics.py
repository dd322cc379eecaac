"""Periods in prmcore: fiscal quarters, trailing windows and month-end clamping.

Run it with ``python examples/periods_basics.py``.
"""

from __future__ import annotations

import datetime as dt

from prmcore.periods import (
    FiscalYearCalendar,
    QuarterCalendar,
    add_months,
    calendar_from_dict,
    calendar_to_dict,
    trailing,
    trailing_full_months,
)
from prmcore.serialization import to_json


def main() -> None:
    """Print a short walk-through of :mod:`prmcore.periods`."""
    # Time comes in as an argument: nothing in prmcore reads the clock.
    as_of = dt.date(2026, 3, 15)

    print("1. A company whose fiscal year starts on 1 February")
    quarters = QuarterCalendar(start_month=2)
    quarter = quarters.period_containing(as_of)
    print(f"   {as_of} is in {quarter}: {quarter.start} to {quarter.end} ({quarter.days} days)")
    print(f"   the next quarter is {quarters.next_period(quarter)}")
    year = quarters.year_containing(as_of)
    print(f"   its fiscal year is {year}: {year.start} to {year.end} (named by the year it ends)")
    print(
        "   the quarters of that year:", ", ".join(str(q) for q in quarters.periods_in_year(as_of))
    )
    stored = calendar_to_dict(quarters)
    print(f"   stored in a plan as {stored}")
    assert calendar_from_dict(stored) == quarters

    print("\n2. Fiscal years starting in April, named either way")
    for naming in ("end", "start"):
        fiscal_year = FiscalYearCalendar(start_month=4, name_years_by=naming)
        print(f"   name_years_by={naming!r}: {fiscal_year.period_containing(as_of)}")

    print("\n3. Look-back windows")
    window = trailing(12, as_of)
    print(f"   trailing 12 months as of {as_of}: {window} ({window.days} days)")
    print(f"   the 12 full months before it:    {trailing_full_months(12, as_of)}")
    print(f"   trailing 3 months as of 2026-04-30: {trailing(3, dt.date(2026, 4, 30))}")
    print(f"   as JSON: {to_json(window)}")

    print("\n4. Month arithmetic clamps to the end of the month")
    for start, months in [
        (dt.date(2027, 1, 31), 1),
        (dt.date(2028, 1, 31), 1),
        (dt.date(2026, 3, 31), -1),
        (dt.date(2026, 8, 31), 1),
    ]:
        print(f"   {start} {months:+d} month -> {add_months(start, months)}")


if __name__ == "__main__":
    main()
