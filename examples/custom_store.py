"""Storage and events end to end: the SQLite store behind units of work, a host's own event
sink, a rollback that leaves no trace, and two writers racing for the same version.

Run it with ``python examples/custom_store.py``. The database goes to a temporary directory
(or to ``$PRMCORE_DEMO_DIR`` when set) and is removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import attrs

from prmcore.domain import Location, Partner, PartnerId, PartnerKind, PartnerStatus
from prmcore.errors import ConflictError
from prmcore.events import DomainEvent, FixedClock, PartnerRegistered, SequentialIds
from prmcore.partner_service import PartnerService
from prmcore.repositories import SqliteStore, SqliteUnitOfWork


class PrintingSink:
    """A host's event sink: here it prints; a real one posts webhooks or e-mails."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            details = ", ".join(f"{key}={value}" for key, value in event.payload.items())
            print(f"    -> published {event.name} {event.id}: {details}")


def show(store: SqliteStore, title: str) -> None:
    with SqliteUnitOfWork(store) as uow:
        partners = uow.partners.list()
    print(f"  {title}: {len(partners)} partner(s)")
    for p in partners:
        print(f"    {p.id:<6} {p.name:<22} {p.status.value:<11} version {p.version}")


def run(directory: Path) -> None:
    sink = PrintingSink()
    clock = FixedClock(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    ids = SequentialIds("evt")
    with SqliteStore(directory / "prm.sqlite3") as store:
        print(f"Opened {store.path} (schema version {store.schema_version})\n")
        service = PartnerService(lambda: SqliteUnitOfWork(store, sink), clock, ids)

        print("1. Register two partners; each event is published after its commit:")
        service.register(
            Partner(
                id=PartnerId("p-1"),
                name="Acme IT",
                kind=PartnerKind.RESELLER,
                locations=(Location(country="DE", city="München"),),
            )
        )
        service.register(Partner(id=PartnerId("p-2"), name="Globex Cloud", kind=PartnerKind.MSP))
        show(store, "stored")

        print("\n2. A unit of work that fails halfway rolls back and publishes nothing:")
        try:
            with SqliteUnitOfWork(store, sink) as uow:
                ghost = uow.partners.add(
                    Partner(id=PartnerId("p-3"), name="Ghost Ltd", kind=PartnerKind.REFERRAL)
                )
                uow.collect(PartnerRegistered.for_partner(ghost, id=ids(), occurred_at=clock.now()))
                print(f"  inside the unit: {uow.partners.count()} partners (p-3 is visible here)")
                raise RuntimeError("the CRM call failed")
        except RuntimeError as exc:
            print(f"  the unit raised {exc!r}")
        show(store, "after the failure")

        print("\n3. Explicit rollback() discards writes and collected events:")
        with SqliteUnitOfWork(store, sink) as uow:
            acme = uow.partners.get(PartnerId("p-1"))
            uow.partners.update(attrs.evolve(acme, name="Acme (typo)"))
            uow.rollback()
            print(f"  after rollback the unit sees {uow.partners.get(PartnerId('p-1')).name!r}")

        print("\n4. Two units read version 1 of p-2 and both try to change it:")
        with SqliteUnitOfWork(store) as first, SqliteUnitOfWork(store) as second:
            seen_by_first = first.partners.get(PartnerId("p-2"))
            seen_by_second = second.partners.get(PartnerId("p-2"))
            first.partners.update(seen_by_first.transition(PartnerStatus.ONBOARDING))
            first.commit()
            print("  the first unit committed its status change")
            try:
                second.partners.update(attrs.evolve(seen_by_second, name="Globex (stale)"))
            except ConflictError as exc:
                print(f"  the second unit got ConflictError: {exc}")

        print("\n5. The service moves p-1 on; a stale expected version is refused:")
        clock.advance(dt.timedelta(hours=2))
        service.change_status("p-1", PartnerStatus.ONBOARDING, expected_version=1)
        try:
            service.change_status("p-1", PartnerStatus.ACTIVE, expected_version=1)
        except ConflictError as exc:
            print(f"  refused: {exc}")
        show(store, "final")


def main() -> None:
    """Run the walk-through in ``$PRMCORE_DEMO_DIR`` or a temporary directory."""
    given = os.environ.get("PRMCORE_DEMO_DIR")
    if given:
        directory = Path(given) / "custom_store"
        directory.mkdir(parents=True, exist_ok=True)
        run(directory)
    else:
        with tempfile.TemporaryDirectory(prefix="prmcore-demo-") as tmp:
            run(Path(tmp))


if __name__ == "__main__":
    main()
