"""Lead routing end to end: a territory model loaded from JSON, routing through the service on
SQLite, a decline that re-routes, an acceptance that reveals the contact, a trace, a
realignment diff and a fairness report.

Run it with ``python examples/lead_routing.py``; everything is deterministic.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from prmcore.domain import (
    Agreement,
    AgreementKind,
    Capacity,
    Contact,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
)
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.lead_routing import (
    DEFAULT_GATES,
    AgreementGate,
    LeadRoutingService,
    Nearest,
    OfferPolicy,
    Router,
    RoutingLocks,
    Strategy,
    WithinRadius,
    diff_models,
    fairness_report,
    territory_model_from_json,
)
from prmcore.repositories import SqliteStore, SqliteUnitOfWork

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)

MODEL_JSON = """
{
  "id": "dach", "version": 1, "status": "active",
  "policy": {"kind": "rank", "winners": 2},
  "territories": [
    {"id": "de", "name": "Germany",
     "include": {"field": "location.country", "op": "eq", "value": "DE"},
     "members": [{"partner_id": "hh"}, {"partner_id": "b", "weight": 2}]},
    {"id": "de-south", "name": "Southern Germany", "parent_id": "de",
     "include": {"field": "location.postal_code", "op": "starts_with", "value": ["8", "9"]},
     "exclude": {"field": "industry", "op": "eq", "value": "government"},
     "strategy": "nearest",
     "members": [{"partner_id": "muc"}, {"partner_id": "nue"}, {"partner_id": "b"}]},
    {"id": "at", "name": "Austria",
     "include": {"field": "location.country", "op": "in", "value": ["AT", "CH"]},
     "members": [{"partner_id": "vie"}]},
    {"id": "key", "name": "Key accounts", "named_accounts": ["acc-key"],
     "members": [{"partner_id": "hh"}]}
  ]
}
"""

# (id, city, lat, lon, status, open-lead capacity)
PARTNERS = [
    ("hh", "Hamburg", 53.55, 9.99, PartnerStatus.ACTIVE, 5),
    ("b", "Berlin", 52.52, 13.40, PartnerStatus.ACTIVE, 8),
    ("muc", "München", 48.14, 11.58, PartnerStatus.ACTIVE, 3),
    ("nue", "Nürnberg", 49.45, 11.08, PartnerStatus.ACTIVE, 3),
    ("vie", "Wien", 48.21, 16.37, PartnerStatus.SUSPENDED, 5),
]

# (id, company, country, postal, lat, lon, industry, account)
LEADS = [
    ("l-01", "Brauerei Isartal", "DE", "80331", 48.13, 11.57, "food", None),
    ("l-02", "Landesamt Süd", "DE", "80333", 48.14, 11.56, "government", None),
    ("l-03", "Hafen Logistik", "DE", "20457", 53.54, 9.98, "logistics", None),
    ("l-04", "Key Account AG", "DE", "80335", 48.14, 11.55, "auto", "acc-key"),
    ("l-05", "Donau Pharma", "AT", "1010", 48.21, 16.37, "pharma", None),
    ("l-06", "Frankenwerk", "DE", "90402", 49.45, 11.08, "industry", None),
    ("l-07", "Spree Media", "DE", "10115", 52.53, 13.38, "media", None),
    ("l-08", "Rheinblick", "DE", "50667", 50.94, 6.96, "retail", None),
    ("l-09", "Alpenglas", "DE", "87435", 47.73, 10.31, "glass", None),
    ("l-10", "Paris Conseil", "FR", "75002", 48.87, 2.34, "consulting", None),
]


def main() -> None:
    model = territory_model_from_json(MODEL_JSON)
    partners = [
        Partner(id=pid, name=f"Partner {city}", kind=PartnerKind.RESELLER, status=status,
                capacity=Capacity(max_open_leads=cap),
                locations=(Location(country="DE", city=city, latitude=lat, longitude=lon),))
        for pid, city, lat, lon, status, cap in PARTNERS
    ]  # fmt: skip
    agreements = [
        Agreement(id=f"ag-{p.id}", partner_id=p.id, kind=AgreementKind.RESELLER,
                  signed_on=dt.date(2025, 1, 1))
        for p in partners
        if p.id != "nue"  # Nürnberg has not signed yet
    ]  # fmt: skip
    router = Router(
        model,
        gates=(*DEFAULT_GATES, AgreementGate(["reseller"])),
        strategies={"nearest": Strategy(Nearest(), filters=(WithinRadius((50, 150, 400)),))},
    )
    folder = Path(os.environ.get("PRMCORE_DEMO_DIR", "."))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "lead_routing.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    sink = RecordingSink()
    with SqliteStore(path) as store:
        with SqliteUnitOfWork(store) as uow:
            uow.partners.add_many(partners)
            uow.agreements.add_many(agreements)
            uow.commit()
        clock = FixedClock(AT)
        service = LeadRoutingService(
            lambda: SqliteUnitOfWork(store, sink),
            router,
            clock,
            SequentialIds("evt"),
            policy=OfferPolicy(sla=dt.timedelta(hours=24), max_attempts=2),
            trace=True,
        )
        leads = [
            Lead(id=lid, company_name=name, received_at=AT, industry=industry,
                 account_id=account,
                 location=Location(country=country, postal_code=postal, latitude=lat,
                                   longitude=lon),
                 contact=Contact(name="Dr. Eva Brandt", email=f"eva@{lid}.example",
                                 phone="+49 30 555 0100", title="Head of IT"))
            for lid, name, country, postal, lat, lon, industry, account in LEADS
        ]  # fmt: skip
        print("Routing", len(leads), "leads over model", model.id, f"v{model.version}")
        results = [service.route(lead) for lead in leads]
        for r in results:
            where = r.record.offers[-1].territory_id if r.record.offers else "-"
            who = r.record.partner_id or f"queue ({r.record.queue_reason})"
            print(f"  {r.record.id}  {where:<9} -> {who}")

        print("\nThe trace of l-02 (a government lead in Munich):")
        trace = results[1].decision.trace if results[1].decision else None
        assert trace is not None
        print("  " + trace.render().replace("\n", "\n  "))
        json.dumps(trace.to_dict())  # JSON-ready

        muc = results[0].record.partner_id
        assert muc is not None
        print(f"\n{muc} sees l-01 before accepting:")
        print("  ", service.preview("l-01", muc).to_dict()["contact"])
        again = service.decline("l-01", muc, "no_capacity")
        print(f"{muc} declined l-01 (no capacity); re-routed to {again.record.partner_id}")
        winner = again.record.partner_id
        assert winner is not None
        service.accept("l-01", winner)
        print(
            f"{winner} accepted and now sees:", service.preview("l-01", winner).to_dict()["contact"]
        )

        clock.advance(dt.timedelta(hours=25))
        expired = service.expire_due()
        print(f"\nAfter 25 hours {len(expired)} offers expired and were re-routed:")
        for r in expired:
            outcomes = [o.status.value for o in r.record.offers]
            holder = r.record.partner_id or f"queue: {r.record.queue_reason}"
            print(f"  {r.record.id}: {outcomes} -> {holder}")

        with SqliteUnitOfWork(store) as uow:
            records = uow.lead_routings.list()
        print("\nFairness")
        print("  " + fairness_report(model, records).render().replace("\n", "\n  "))

    draft = model.next_draft([t for t in model.territories if t.id != "de-south"])
    diff = diff_models(model, draft, leads, AT.date(), locks=RoutingLocks(lead_ids={"l-06"}))
    print(
        f"\nRealignment v{draft.version} (dropping de-south): {len(diff.changes)} leads move, "
        f"{len(diff.locked)} locked, {diff.unchanged} unchanged; moves {diff.moves()}"
    )
    counts = ", ".join(f"{n} {sink.names.count(n)}" for n in sorted(set(sink.names)))
    print("\nEvents:", counts)


if __name__ == "__main__":
    main()
