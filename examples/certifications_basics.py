"""Certifications in prmcore: status over time, renewal, reminders and partner compliance.

Run it with ``python examples/certifications_basics.py``.
"""

from __future__ import annotations

import datetime as dt

from prmcore.certifications import (
    AwardIndex,
    CertificationCatalog,
    CertificationRequirement,
    CertificationType,
    Duration,
    MissingPrerequisite,
    RenewalRefused,
    award_dates,
    compliance,
    earn,
    forecast_compliance_loss,
    reminder_events,
    reminders_due,
    renew,
    status,
)
from prmcore.domain import Affiliation
from prmcore.events import SequentialIds


def main() -> None:
    """Print a short walk-through of :mod:`prmcore.certifications`."""
    specialist = CertificationType(
        "sec-specialist",
        "Security Specialist",
        validity=Duration(years=2),
        renewal_window=Duration(days=90),
        grace=Duration(days=30),
    )
    expert = CertificationType(
        "sec-expert",
        "Security Expert",
        validity=Duration(years=3),
        prerequisites=["sec-specialist"],
        satisfies=["sec-specialist"],
    )
    catalog = CertificationCatalog([specialist, expert])

    print("1. Ann earns a Security Specialist certification on 31 January 2026")
    ann = earn("ann", "sec-specialist", dt.date(2026, 1, 31), [], catalog, "aw-1")
    dates = award_dates(ann, catalog)
    print(f"   valid until {ann.expires_on} (inclusive); renewal opens {dates.renewal_opens_on};")
    print(f"   grace until {dates.grace_ends_on}")
    for day in (
        dt.date(2026, 1, 30),
        dt.date(2026, 6, 1),
        dt.date(2027, 11, 2),
        ann.expires_on,
        dt.date(2028, 2, 15),
        dt.date(2028, 3, 2),
    ):
        print(f"   {day}: {status(ann, catalog, day).value}")

    print("\n2. Prerequisites")
    try:
        earn("bob", "sec-expert", dt.date(2026, 3, 1), [], catalog, "aw-2")
    except MissingPrerequisite as err:
        print(f"   Bob cannot earn Expert yet: {err.problems[0].message}")
    bob_spec = earn("bob", "sec-specialist", dt.date(2025, 5, 1), [], catalog, "aw-3")
    bob = earn("bob", "sec-expert", dt.date(2026, 3, 1), [bob_spec], catalog, "aw-4")
    print(f"   with his Specialist he earns Expert, valid until {bob.expires_on}")

    print("\n3. Renewal (anchored on the expiry date)")
    early = renew(ann, catalog, dt.date(2027, 12, 1))
    print(f"   renewed on 2027-12-01 -> valid until {early.expires_on} (no time lost)")
    in_grace = renew(ann, catalog, dt.date(2028, 2, 20))
    print(f"   renewed in grace on 2028-02-20 -> valid until {in_grace.expires_on}")
    try:
        renew(ann, catalog, dt.date(2028, 6, 1))
    except RenewalRefused as err:
        print(f"   renewing on 2028-06-01: {err}")

    print("\n4. Reminders for January 2028, sent once")
    seen: set[str] = set()
    awards = [ann, bob_spec, bob]
    for start, end in [
        (dt.date(2027, 11, 1), dt.date(2028, 1, 15)),
        (dt.date(2028, 1, 1), dt.date(2028, 2, 29)),  # overlaps the first window
    ]:
        due = reminders_due(awards, catalog, start, end, seen=seen)
        seen.update(reminder.key for reminder in due)
        at = dt.datetime.combine(end, dt.time(6), tzinfo=dt.UTC)
        for event in reminder_events(due, ids=SequentialIds("rem"), occurred_at=at):
            print(f"   {start}..{end}: {event.name:<22} {event.payload['idempotency_key']}")

    print("\n5. Compliance: acme needs 2 Security Specialists (an Expert counts)")
    affiliations = [
        Affiliation("af-1", "ann", "acme", dt.date(2024, 1, 1)),
        Affiliation("af-2", "bob", "acme", dt.date(2024, 1, 1), end=dt.date(2027, 6, 30)),
    ]
    index = AwardIndex(awards, catalog)
    need = [CertificationRequirement("sec-specialist", min_people=2)]
    for day in (dt.date(2026, 6, 1), dt.date(2027, 7, 1)):
        report = compliance("acme", need, affiliations, index, catalog, day)
        result = report.results[0]
        print(
            f"   {day}: compliant={report.compliant} held={result.held} "
            f"required={result.required} gap={result.gap} people={', '.join(result.people)}"
        )
    loss = forecast_compliance_loss("acme", need, affiliations, index, catalog, dt.date(2026, 6, 1))
    print(f"   if nobody renews, acme falls out of compliance on {loss} (Bob leaves)")


if __name__ == "__main__":
    main()
