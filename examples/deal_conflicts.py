"""Deal registration and channel conflicts, end to end on the SQLite store.

Three resellers register the same customer, written three ways; the vendor's direct sales team
owns another customer as a house account. The service checks every submission, prints each
conflict with its evidence and the rule that fired, applies the program's policy (first to
register wins, here with automatic decisions) and publishes events after each commit. Then
protection is extended, a deal is won, and auto-expiry releases what is due.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from prmcore.conflicts import (
    CompanyRef,
    DealRegistration,
    DealRegistrationService,
    IncumbentWins,
    RegistrationRules,
)
from prmcore.domain import Account
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.repositories import SqliteStore, SqliteUnitOfWork

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def registration(
    id: str, partner: str, customer: CompanyRef, lines: tuple[str, ...], at: dt.datetime
) -> DealRegistration:
    return DealRegistration(
        id=id, partner_id=partner, customer=customer, product_lines=lines, created_at=at
    )


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        SqliteStore(Path(folder) / "deals.sqlite3") as store,
    ):
        sink = RecordingSink()
        clock = FixedClock(START)
        with SqliteUnitOfWork(store) as uow:
            uow.accounts.add(
                Account(id="acc-42", name="Initech Inc.", domain="initech.com", house=True)
            )
            uow.commit()
        service = DealRegistrationService(
            lambda: SqliteUnitOfWork(store, sink),
            clock,
            SequentialIds("evt"),
            rules=RegistrationRules(protection_days=90, release_after_days=45),
            auto_decide=True,
        )
        service.load_index()

        claims = [
            (
                "dr-1",
                "res-hamburg",
                CompanyRef("Müller Maschinenbau GmbH", domain="www.mueller-mb.de", country="DE"),
                ("fw",),
            ),
            (
                "dr-2",
                "res-munich",
                CompanyRef("MUELLER MASCHINENBAU", email="einkauf@mueller-mb.de"),
                ("fw", "edr"),
            ),
            ("dr-3", "res-vienna", CompanyRef("Müller Maschinenbau", country="AT"), ("siem",)),
            ("dr-4", "res-munich", CompanyRef("Initech", email="it@initech.com"), ("fw",)),
        ]
        for id, partner, customer, lines in claims:
            result = service.submit(registration(id, partner, customer, lines, clock.now()))
            print(f"{id} by {partner}: {result.registration.status.value}")
            print("  " + result.report.explain().replace("\n", "\n  "))
            print(f"  outcome: {result.resolution}")
            clock.advance(DAY)

        clock.advance(30 * DAY)
        extended = service.extend("dr-1", 30)
        print(f"\ndr-1 protected until {extended.protection_ends_at:%Y-%m-%d} after one extension")
        service.close("dr-1", won=True)
        print("dr-1 won")

        # Another partner claims the customer now; then the partner that won dr-1 claims it
        # again. First to register favours the newcomer; incumbent wins favours the winner.
        clock.advance(DAY)
        newcomer = registration(
            "dr-5", "res-vienna", CompanyRef("Mueller Maschinenbau GmbH"), ("fw",), clock.now()
        )
        print(f"\ndr-5 by res-vienna: {service.submit(newcomer).registration.status.value}")
        clock.advance(DAY)
        again = registration(
            "dr-6",
            "res-hamburg",
            CompanyRef("Müller Maschinenbau", domain="mueller-mb.de"),
            ("fw",),
            clock.now(),
        )
        report, outcome = service.check(again)
        print(f"dr-6 by res-hamburg conflicts with {[c.other_id for c in report.conflicts]}")
        print(f"  prior wins: {[(w.registration_id, w.partner_id) for w in report.prior_wins]}")
        print(f"  first to register: {outcome}")
        print(f"  incumbent wins: {IncumbentWins(days=365).resolve(again, report)}")

        clock.advance(60 * DAY)
        expired = service.expire_due()
        print(f"\nauto-expiry released: {[(r.id, r.status_reason) for r in expired]}")
        print(f"events: {sink.names}")


if __name__ == "__main__":
    main()
