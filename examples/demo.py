"""The prmcore demo: a small partner program stored in SQLite, then summarised.

``make demo`` runs this script. It builds a realistic channel program (partners of every kind in
several countries, the people who work for them, their agreements, customer accounts and product
lines) through the partner service and the SQLite store, then reads it back and prints a
summary. Everything is deterministic: the same program and the same output on every run.

Resellers then register deals, and a detected conflict is printed with its explanation and
the policy's outcome. The routing, commission and certification capabilities extend this demo
as they land.
Certifications and program levels run through their services on the same SQLite store: upcoming
expiries, partners at risk of losing their level's certified headcount, and each partner's gap
to the next level.

Set ``PRMCORE_DEMO_DIR`` to choose where ``demo.sqlite3`` is written (default: the current
directory).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

from prmcore.certifications import CertificationType, Duration
from prmcore.certifications.service import CertificationService
from prmcore.conflicts import (
    CompanyRef,
    DealRegistration,
    DealRegistrationService,
    HigherLevelWins,
)
from prmcore.domain import (
    Account,
    Affiliation,
    Agreement,
    AgreementKind,
    Capacity,
    Contact,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
    Person,
    ProductLine,
)
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.lead_routing import (
    DEFAULT_GATES,
    AgreementGate,
    LeadRoutingService,
    Nearest,
    OfferPolicy,
    PoolMember,
    ResolutionPolicy,
    Router,
    Strategy,
    Territory,
    TerritoryModel,
    WithinRadius,
    fairness_report,
)
from prmcore.money import Money
from prmcore.partner_service import PartnerService
from prmcore.periods import FiscalYearCalendar, QuarterCalendar, trailing
from prmcore.repositories import SqliteStore, SqliteUnitOfWork
from prmcore.rules import field
from prmcore.tiers import LevelPolicy, Metric, Program, ProgramLevel, Requirement
from prmcore.tiers.service import CertifiedHeadcount, ProgramService

AS_OF = dt.date(2026, 11, 15)
FISCAL_START_MONTH = 2  # the vendor's fiscal year starts on 1 February

PRODUCT_LINES = [
    ProductLine(id="fw", name="Next-gen firewall"),
    ProductLine(id="edr", name="Endpoint detection and response"),
    ProductLine(id="siem", name="Security analytics (SIEM)"),
    ProductLine(id="vpn", name="Zero-trust access", description="Replaces legacy VPN"),
    ProductLine(id="legacy-av", name="Legacy antivirus", active=False),
]

# fmt: off
# (id, name, kind, status, level, country, region, postal, city, lat, lon, lines, parent)
PARTNERS: list[tuple[str, str, PartnerKind, PartnerStatus, str | None, str, str | None, str,
                     str, float, float, tuple[str, ...], str | None]] = [
    ("dist-eu", "Euronet Distribution GmbH", PartnerKind.DISTRIBUTOR, PartnerStatus.ACTIVE,
     "platinum", "DE", "HE", "60311", "Frankfurt", 50.11, 8.68, ("fw", "edr", "siem", "vpn"), None),
    ("dist-na", "Pinecrest Distribution Inc.", PartnerKind.DISTRIBUTOR, PartnerStatus.ACTIVE,
     "platinum", "US", "TX", "75201", "Dallas", 32.78, -96.80, ("fw", "edr", "siem", "vpn"), None),
    ("res-hh", "Nordlicht IT GmbH", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "gold", "DE", "HH", "20095", "Hamburg", 53.55, 9.99, ("fw", "vpn"), "dist-eu"),
    ("res-muc", "Alpenblick Systemhaus GmbH & Co. KG", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "silver", "DE", "BY", "80331", "München", 48.14, 11.58, ("fw", "edr"), "dist-eu"),
    ("res-par", "Sécurité Lumière SAS", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "gold", "FR", "IDF", "75002", "Paris", 48.87, 2.34, ("edr", "siem"), "dist-eu"),
    ("res-lyo", "Rhône Réseaux SARL", PartnerKind.RESELLER, PartnerStatus.ONBOARDING,
     None, "FR", "ARA", "69002", "Lyon", 45.76, 4.83, ("fw",), "dist-eu"),
    ("res-ams", "Grachtwerk B.V.", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "silver", "NL", "NH", "1012", "Amsterdam", 52.37, 4.90, ("fw", "vpn"), "dist-eu"),
    ("res-ldn", "Thameside Secure Ltd", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "gold", "GB", "ENG", "EC2A", "London", 51.52, -0.08, ("fw", "edr", "siem"), None),
    ("res-man", "Northern Quarter Networks Ltd", PartnerKind.RESELLER, PartnerStatus.SUSPENDED,
     "silver", "GB", "ENG", "M1", "Manchester", 53.48, -2.24, ("fw",), None),
    ("res-nyc", "Hudson Perimeter LLC", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "gold", "US", "NY", "10001", "New York", 40.75, -73.99, ("fw", "edr"), "dist-na"),
    ("res-sfo", "Golden Gate Cyber Inc.", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "platinum", "US", "CA", "94105", "San Francisco", 37.79, -122.40, ("edr", "siem", "vpn"),
     "dist-na"),
    ("res-chi", "Lakefront Systems Corp.", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "silver", "US", "IL", "60601", "Chicago", 41.89, -87.62, ("fw",), "dist-na"),
    ("res-tor", "Maple Shield Technologies Inc.", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "gold", "CA", "ON", "M5H", "Toronto", 43.65, -79.38, ("fw", "vpn"), "dist-na"),
    ("msp-ber", "Spree Managed Services GmbH", PartnerKind.MSP, PartnerStatus.ACTIVE,
     "gold", "DE", "BE", "10117", "Berlin", 52.52, 13.39, ("edr", "siem"), None),
    ("msp-aus", "Southern Cross Managed Security Pty Ltd", PartnerKind.MSP, PartnerStatus.ACTIVE,
     "silver", "AU", "NSW", "2000", "Sydney", -33.87, 151.21, ("edr", "vpn"), None),
    ("msp-den", "Front Range MSP LLC", PartnerKind.MSP, PartnerStatus.ONBOARDING,
     None, "US", "CO", "80202", "Denver", 39.75, -104.99, ("edr",), None),
    ("ref-tyo", "Sakura Advisory K.K.", PartnerKind.REFERRAL, PartnerStatus.ACTIVE,
     "silver", "JP", "13", "100-0005", "Tokyo", 35.68, 139.76, ("siem",), None),
    ("ref-sao", "Consultoria Paulista Ltda.", PartnerKind.REFERRAL, PartnerStatus.ACTIVE,
     None, "BR", "SP", "01310-100", "São Paulo", -23.56, -46.66, ("fw", "edr"), None),
    ("ref-blr", "Deccan Digital Advisors Pvt Ltd", PartnerKind.REFERRAL, PartnerStatus.PROSPECT,
     None, "IN", "KA", "560001", "Bengaluru", 12.97, 77.59, (), None),
    ("aff-blog", "SecOps Weekly Media Ltd", PartnerKind.AFFILIATE, PartnerStatus.ACTIVE,
     None, "GB", "SCT", "EH1", "Edinburgh", 55.95, -3.19, ("vpn",), None),
    ("aff-pod", "Packet Pushers Media LLC", PartnerKind.AFFILIATE, PartnerStatus.ACTIVE,
     None, "US", "WA", "98101", "Seattle", 47.61, -122.33, ("vpn", "fw"), None),
    ("oth-uni", "Technische Hochschule Nord", PartnerKind.OTHER, PartnerStatus.ACTIVE,
     None, "DE", "SH", "24118", "Kiel", 54.34, 10.12, ("siem",), None),
    ("res-syd", "Harbourline IT Pty Ltd", PartnerKind.RESELLER, PartnerStatus.TERMINATED,
     None, "AU", "NSW", "2060", "North Sydney", -33.84, 151.21, ("fw",), None),
    ("res-mex", "Soluciones Azteca S.A. de C.V.", PartnerKind.RESELLER, PartnerStatus.ACTIVE,
     "silver", "MX", "CMX", "06600", "Ciudad de México", 19.43, -99.16, ("fw", "edr"), "dist-na"),
]

PEOPLE_NAMES = [
    "Anna Schmidt", "Jonas Weber", "Claire Dubois", "Hugo Martin", "Sophie van Dijk",
    "Oliver Hughes", "Amelia Clarke", "Ethan Brooks", "Maya Patel", "Liam O'Connor",
    "Chloé Tremblay", "Lukas Becker", "Isla Murray", "Haruto Sato", "Yui Tanaka",
    "Lucas Oliveira", "Ana Souza", "Arjun Rao", "Grace Kim", "Diego Hernández",
    "Noah Fischer", "Emma Wilson", "Mila Novak", "Tomás Ruiz", "Zoe Campbell",
    "Felix Wagner", "Nora Lindqvist", "Kenji Watanabe", "Priya Nair", "Samuel Lee",
]

ACCOUNTS = [
    Account(id="acc-001", name="Müller Maschinenbau GmbH", domain="mueller-maschinenbau.de",
            country="DE", external_ids={"duns": "315369934"}),
    Account(id="acc-002", name="Bank of the Pacific", domain="bankofpacific.com", country="US",
            house=True, is_customer=True),
    Account(id="acc-003", name="Hôpital Saint-Éloi", domain="chu-st-eloi.fr", country="FR",
            owner_partner_id="res-par"),
    Account(id="acc-004", name="Tokyo Marine Logistics K.K.", domain="tml.co.jp", country="JP",
            external_ids={"lei": "5493001KJTIIGC8Y1R12"}),
    Account(id="acc-005", name="Brightwater Utilities plc", domain="brightwater.co.uk",
            country="GB", is_customer=True),
    Account(id="acc-006", name="Great Lakes Health System", domain="glhs.org", country="US",
            owner_partner_id="res-chi"),
]
# fmt: on


def build_program(store: SqliteStore, sink: RecordingSink) -> None:
    """Create the whole sample program in *store*, through the service and units of work."""
    clock = FixedClock(dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC))
    service = PartnerService(lambda: SqliteUnitOfWork(store, sink), clock, SequentialIds("evt"))

    with SqliteUnitOfWork(store, sink) as uow:
        for line in PRODUCT_LINES:
            uow.product_lines.add(line)
        for account in ACCOUNTS:
            uow.accounts.add(account)
        uow.commit()

    # Parents first, so every reseller's distributor exists when it is registered.
    for row in sorted(PARTNERS, key=lambda r: r[12] is not None):
        pid, name, kind, status, level, country, region, postal, city, lat, lon, lines, parent = row
        partner = Partner(
            id=pid,
            name=name,
            kind=kind,
            program_level_id=level,
            locations=(
                Location(
                    country=country,
                    region=region,
                    postal_code=postal,
                    city=city,
                    latitude=lat,
                    longitude=lon,
                ),
            ),
            product_lines=lines,
            capacity=Capacity(max_open_leads=10 if kind is PartnerKind.RESELLER else None),
            parent_id=parent,
        )
        service.register(partner)
        for target in _path_to(status):
            service.change_status(pid, target)

    with SqliteUnitOfWork(store, sink) as uow:
        active_ids = _staffed_partner_ids()
        for i, name in enumerate(PEOPLE_NAMES):
            person_id = f"per-{i + 1:03d}"
            email = name.lower().replace(" ", ".").replace("'", "") + "@example.com"
            uow.people.add(Person(id=person_id, name=name, email=_ascii(email)))
            partner_id = active_ids[i % len(active_ids)]
            uow.affiliations.add(
                Affiliation(
                    id=f"aff-{i + 1:03d}",
                    person_id=person_id,
                    partner_id=partner_id,
                    start=dt.date(2024, 1, 1) + dt.timedelta(days=17 * i),
                    role="sales" if i % 3 else "technical",
                )
            )
        # per-006 worked for the (now suspended) Manchester reseller until April.
        uow.affiliations.add(
            Affiliation(
                id="aff-900",
                person_id="per-006",
                partner_id="res-man",
                start=dt.date(2022, 3, 1),
                end=dt.date(2026, 4, 30),
                role="sales",
            )
        )
        for n, (pid, *_rest) in enumerate(PARTNERS):
            uow.agreements.add(
                Agreement(
                    id=f"nda-{pid}",
                    partner_id=pid,
                    kind=AgreementKind.NDA,
                    signed_on=dt.date(2023, 1, 2) + dt.timedelta(days=11 * n),
                )
            )
            kind = _agreement_kind(_rest[1])
            # Spread expiries so that some are due soon and one has lapsed.
            expires = AS_OF + dt.timedelta(days=(47 * n) % 420 - 30)
            uow.agreements.add(
                Agreement(
                    id=f"main-{pid}",
                    partner_id=pid,
                    kind=kind,
                    signed_on=dt.date(2024, 2, 1),
                    expires_on=expires,
                    title=f"{kind.value.replace('_', ' ').title()} agreement",
                )
            )
        uow.commit()


def _staffed_partner_ids() -> list[str]:
    """The partners people work for (not prospects, not terminated), in table order."""
    excluded = {PartnerStatus.PROSPECT, PartnerStatus.TERMINATED}
    return [row[0] for row in PARTNERS if row[3] not in excluded]


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _agreement_kind(kind: PartnerKind) -> AgreementKind:
    return {
        PartnerKind.RESELLER: AgreementKind.RESELLER,
        PartnerKind.DISTRIBUTOR: AgreementKind.DISTRIBUTION,
        PartnerKind.REFERRAL: AgreementKind.REFERRAL,
        PartnerKind.AFFILIATE: AgreementKind.AFFILIATE,
        PartnerKind.MSP: AgreementKind.MSP,
    }.get(kind, AgreementKind.OTHER)


def _path_to(status: PartnerStatus) -> list[PartnerStatus]:
    """The lifecycle steps from prospect to *status*."""
    s = PartnerStatus
    return {
        s.PROSPECT: [],
        s.ONBOARDING: [s.ONBOARDING],
        s.ACTIVE: [s.ONBOARDING, s.ACTIVE],
        s.SUSPENDED: [s.ONBOARDING, s.ACTIVE, s.SUSPENDED],
        s.TERMINATED: [s.ONBOARDING, s.ACTIVE, s.TERMINATED],
    }[status]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join("  " + line for line in lines)


def summarise(store: SqliteStore, sink: RecordingSink) -> None:
    """Read the program back from *store* and print a readable summary."""
    with SqliteUnitOfWork(store) as uow:
        partners = uow.partners.list()
        by_id = {p.id: p for p in partners}

        print(
            f"Partner program as of {AS_OF.isoformat()}: {len(partners)} partners, "
            f"{uow.people.count()} people, {uow.agreements.count()} agreements, "
            f"{uow.accounts.count()} accounts, "
            f"{len(uow.product_lines.list(active=True))} active product lines\n"
        )

        print("Partners by kind and status")
        statuses = list(PartnerStatus)
        counts = Counter((p.kind, p.status) for p in partners)
        print(
            _table(
                ["kind", *[s.value for s in statuses]],
                [
                    [k.value, *[str(counts[(k, s)] or "·") for s in statuses]]
                    for k in PartnerKind
                    if any(counts[(k, s)] for s in statuses)
                ],
            )
        )

        print("\nActive partners by country")
        by_country = Counter(
            loc.country
            for p in uow.partners.list(status=PartnerStatus.ACTIVE)
            for loc in p.locations
        )
        print(
            _table(
                ["country", "active partners"],
                [[c, str(n)] for c, n in sorted(by_country.items(), key=lambda x: (-x[1], x[0]))],
            )
        )

        print("\nDistribution tree")
        for dist in uow.partners.list(kind=PartnerKind.DISTRIBUTOR):
            children = uow.partners.list(parent_id=dist.id)
            print(f"  {dist.name} [{dist.program_level_id}] → {len(children)} resellers")
            for child in children:
                country = child.headquarters.country if child.headquarters else "?"
                print(f"    - {child.name} ({country}, {child.status.value})")

        print("\nCompliance: agreements on", AS_OF.isoformat())
        lapsed, due = [], []
        for p in uow.partners.list(status=PartnerStatus.ACTIVE):
            in_force = uow.agreements.for_partner(p.id, as_of=AS_OF)
            main = [a for a in in_force if a.kind is not AgreementKind.NDA]
            if not main:
                lapsed.append(p.name)
            for a in main:
                if a.expires_on is not None and (a.expires_on - AS_OF).days <= 60:
                    due.append((a.expires_on, p.name, a.title or a.kind.value))
        print(
            f"  active partners without a program agreement in force: "
            f"{', '.join(lapsed) if lapsed else 'none'}"
        )
        print("  program agreements expiring within 60 days:")
        for expires, name, title in sorted(due):
            print(f"    {expires.isoformat()}  {name}  ({title})")

        print("\nPeople affiliated on", AS_OF.isoformat(), "(top 5 partners)")
        staff = sorted(
            ((len(uow.affiliations.for_partner(p.id, as_of=AS_OF)), p.name) for p in partners),
            reverse=True,
        )[:5]
        print(_table(["partner", "people"], [[name, str(n)] for n, name in staff]))
        moved = sorted(uow.affiliations.for_person("per-006"), key=lambda a: a.start)
        print(
            "  per-006 history: "
            + "; ".join(f"{by_id[a.partner_id].name} {a.start}..{a.end or 'now'}" for a in moved)
        )

    print("\nMarket development funds: EUR 250,000 split by level weight (largest remainder)")
    weights = {"platinum": 5, "gold": 3, "silver": 1}
    funded = [p for p in partners if p.status is PartnerStatus.ACTIVE and p.program_level_id]
    parts = Money("250000", "EUR").allocate([weights[p.program_level_id or ""] for p in funded])
    ranked = sorted(zip(funded, parts, strict=True), key=lambda fp: (-fp[1].amount, fp[0].name))
    rows = [[p.name, p.program_level_id or "", part.format("en_US")] for p, part in ranked]
    print(_table(["partner", "level", "MDF"], rows[:8]))
    total = sum(parts, Money.zero("EUR"))
    print(
        f"  … {len(rows)} partners; parts add up to {total.format('de_DE')} exactly: "
        f"{total == Money('250000', 'EUR')}"
    )
    print(
        f"  one part in Japanese yen formatting: {Money(Decimal('1234567'), 'JPY').format('ja_JP')}"
    )

    fiscal = FiscalYearCalendar(start_month=FISCAL_START_MONTH)
    quarter = QuarterCalendar(start_month=FISCAL_START_MONTH).period_containing(AS_OF)
    window = trailing(12, AS_OF)
    print("\nCalendar")
    print(f"  fiscal year: {fiscal.period_containing(AS_OF)}")
    print(f"  fiscal quarter: {quarter}")
    print(f"  trailing 12 months: {window}")

    print("\nDomain events published after commit")
    names = Counter(type(e).__name__ for e in sink.events)
    for name, n in sorted(names.items()):
        print(f"  {name}: {n}")


CERTIFICATION_TYPES = [
    CertificationType(
        "sec-spec", "Security Specialist", Duration(years=2), grace=Duration(days=30)
    ),
    CertificationType(
        "sec-expert",
        "Security Expert",
        Duration(years=3),
        prerequisites=["sec-spec"],
        satisfies=["sec-spec"],
    ),
    CertificationType("cloud", "Cloud Architect", Duration(years=1)),
]


def sample_ladder() -> Program:
    """The sample program: Registered, Silver, Gold and Platinum."""
    usd = lambda amount: Money(amount, "USD")  # noqa: E731
    return Program(
        "demo-program",
        "Partner Program",
        [
            Metric(
                "revenue", "money", "trailing-12-month revenue", currency="USD", window_months=12
            ),
            Metric("deals", "count", "closed in the trailing 12 months", unit="deal"),
            Metric(
                "certified_security",
                "count",
                "certified in Security Specialist",
                unit="person",
                unit_plural="people",
            ),
        ],
        [
            ProgramLevel("registered", "Registered", 0),
            ProgramLevel("silver", "Silver", 1, [Requirement("revenue", usd(50_000))]),
            ProgramLevel(
                "gold",
                "Gold",
                2,
                [Requirement("revenue", usd(250_000)), Requirement("certified_security", 2)],
            ),
            ProgramLevel(
                "platinum",
                "Platinum",
                3,
                [
                    Requirement("revenue", usd(1_000_000)),
                    Requirement("deals", 25),
                    Requirement("certified_security", 3),
                ],
            ),
        ],
    )


def certifications_and_levels(store: SqliteStore) -> None:
    """Certify the sample people, evaluate every active partner against the program and print
    upcoming expiries, partners at risk and gaps to the next level, all through the services."""
    sink = RecordingSink()
    clock = FixedClock(dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC))
    ids = SequentialIds("cert")
    factory = lambda: SqliteUnitOfWork(store, sink)  # noqa: E731
    certs = CertificationService(factory, clock, ids)
    certs.add_types(CERTIFICATION_TYPES)
    for i in range(len(PEOPLE_NAMES)):
        person = f"per-{i + 1:03d}"
        if i % 4 == 3:
            continue  # not certified
        # Earned between 26 and 19 months ago: some expire soon, some are in grace.
        earned = AS_OF - dt.timedelta(days=580 + (i * 37) % 210)
        certs.earn(person, "sec-spec", earned, f"cert-{person}-spec")
        if i % 5 == 0:
            certs.earn(person, "sec-expert", earned + dt.timedelta(days=90), f"cert-{person}-exp")
        if i % 3 == 0:
            certs.earn(
                person, "cloud", AS_OF - dt.timedelta(days=(i * 29) % 330), f"cert-{person}-cl"
            )
    reminders = certs.send_reminders(AS_OF, AS_OF + dt.timedelta(days=30))

    with SqliteUnitOfWork(store) as uow:
        active = uow.partners.list(status=PartnerStatus.ACTIVE)
        names = {p.id: p.name for p in uow.partners.list()}
        people = {p.id: p.name for p in uow.people.list()}
        works_for = {a.person_id: a.partner_id for a in uow.affiliations.list() if a.end is None}
    metrics = {
        p.id: {
            "revenue": Money(40_000 + (n * 137_731) % 1_400_000, "USD"),
            "deals": 2 + (n * 7) % 34,
        }
        for n, p in enumerate(active)
    }
    program = ProgramService(
        factory,
        clock,
        ids,
        sample_ladder(),
        LevelPolicy(grace_months=3),
        [CertifiedHeadcount("certified_security", "sec-spec")],
    )
    results = program.evaluate(AS_OF, metrics)

    print("\nCertifications: upcoming expiries (next 90 days)")
    rows = [
        [
            a.expires_on.isoformat(),
            people[a.person_id],
            a.type_id,
            names.get(works_for.get(a.person_id, ""), "-"),
        ]
        for a in certs.expiring(AS_OF, AS_OF + dt.timedelta(days=90))
    ]
    print(_table(["expires", "person", "certification", "partner"], rows))
    print(f"  reminders sent for the next 30 days: {len(reminders)}")

    print("\nPartners at risk of losing their level's certified headcount (next 180 days)")
    risks = program.at_risk(AS_OF, 180)
    print(
        _table(
            ["partner", "level", "short from", "certified now / required"],
            [
                [
                    names[r.partner_id],
                    r.level_id,
                    r.loses_on.isoformat(),
                    ", ".join(f"{x.held}/{x.required}" for x in r.report.results),
                ]
                for r in risks
            ],
        )
    )

    print("\nProgram levels: decisions and gaps to the next level")
    rows = []
    for result in results:
        gap = result.gap()
        rows.append(
            [
                names[result.partner_id],
                f"{result.decision.from_level or '-'} -> {result.level_id or '-'}",
                result.decision.kind.value,
                gap.name or "(top)",
                gap.sentence or ("top of the ladder" if gap.level_id is None else "qualifies"),
            ]
        )
    print(_table(["partner", "level", "decision", "next", "gap"], rows))
    counts = Counter(e.name for e in sink.events)
    print(
        "  events published: "
        + ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    )


def commission_month(store: SqliteStore, sink: RecordingSink) -> None:
    """Pay one month of deals under a resale plan and print a few partners' statements."""
    from prmcore.commissions import (
        Cap,
        CommissionPlan,
        CommissionService,
        Component,
        Credit,
        Override,
        PartnerProfile,
        PlanVersion,
        RateRule,
        Transaction,
    )
    from prmcore.money import ExchangeRate, InMemoryRateSource
    from prmcore.periods import MonthCalendar
    from prmcore.tiers import Tier

    multipliers = {"platinum": Decimal("1.2"), "gold": Decimal("1.1")}
    rates = InMemoryRateSource(
        [
            ExchangeRate("USD", "EUR", "0.9216", dt.date(2026, 10, 1), "ECB"),
            ExchangeRate("GBP", "EUR", "1.1520", dt.date(2026, 10, 1), "ECB"),
        ]
    )
    clock = FixedClock(dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC))
    service = CommissionService(
        lambda: SqliteUnitOfWork(store, sink), clock, SequentialIds("evt-com"), rates
    )
    plan = service.save_plan(
        CommissionPlan(
            id="resale-fy27",
            name="Resale FY27",
            currency="EUR",
            calendar=MonthCalendar(start_month=FISCAL_START_MONTH),
            versions=[
                PlanVersion(
                    id="fy27-v1",
                    effective_from=dt.date(2026, 2, 1),
                    components=[
                        Component(
                            id="resale",
                            mode="graduated",
                            accumulate="year",
                            tiers=[Tier(50_000, "0.04"), Tier(150_000, "0.06"), Tier(None, "0.08")],
                            partner_kinds=["reseller", "msp"],
                        ),
                        Component(
                            id="edr-bonus",
                            rates=[RateRule("0.02", product_line="edr")],
                            product_lines=["edr"],
                        ),
                    ],
                    caps=[Cap("period", "15000", carry_forward=True)],
                    overrides=[Override("0.01")],
                )
            ],
        )
    )
    with SqliteUnitOfWork(store) as uow:
        partners = {p.id: p for p in uow.partners.list(status=PartnerStatus.ACTIVE)}
    profiles = {
        p.id: PartnerProfile(
            p.id, p.kind, p.parent_id, multipliers.get(p.program_level_id or "", Decimal(1))
        )
        for p in partners.values()
    }
    october = dt.date(2026, 10, 1)
    deals = [
        ("d-1001", 2, "38000.00", "EUR", [("res-hh", 100)], "fw"),
        ("d-1002", 6, "26500.00", "EUR", [("res-muc", 70), ("res-hh", 30)], "edr"),
        ("d-1003", 9, "44000.00", "USD", [("res-nyc", 100)], "fw"),
        ("d-1004", 14, "61000.00", "EUR", [("res-hh", 100)], "siem"),
        ("d-1005", 20, "12500.00", "GBP", [("res-ldn", 100)], "edr"),
        ("d-1006", 23, "9800.00", "EUR", [("msp-ber", 100)], "edr"),
    ]
    service.record(
        [
            Transaction(
                deal_id,
                october.replace(day=day),
                Money(amount, currency),
                [Credit(pid, share) for pid, share in credits],
                product_line=line,
            )
            for deal_id, day, amount, currency, credits, line in deals
        ]
        + [
            Transaction(
                "r-1001",
                october.replace(day=28),
                Money("9500.00", "EUR"),
                kind="refund",
                refund_of="d-1001",
            )
        ]
    )
    period = plan.calendar.period_containing(october)
    result = service.run(
        "resale-fy27", period, as_of=dt.date(2026, 11, 1), partners=profiles, close=True
    )
    print(f"\nCommissions for {period} ({plan.name}): {len(result.lines)} ledger lines")
    statements = {s.partner_id: s for s in service.statements("resale-fy27", period)}
    rows = [
        [pid, s.earnings.format("en_US"), s.clawbacks.format("en_US"), s.payout.format("en_US")]
        for pid, s in sorted(statements.items())
    ]
    print(_table(["partner", "earnings", "clawbacks", "payout"], rows))
    for pid in ("res-hh", "dist-eu"):
        print()
        print(statements[pid].render_text("de_DE"))


# -- lead routing --------------------------------------------------------------------------

LEVEL_WEIGHTS = {"platinum": 3, "gold": 2, "silver": 1}

# (territory, name, parent, country or None, postal prefixes, pool, strategy)
# fmt: off
TERRITORIES: list[tuple[str, str, str | None, str | None, tuple[str, ...], tuple[str, ...],
                        str | None]] = [
    ("de", "Germany", None, "DE", (), ("res-hh", "msp-ber", "res-muc", "oth-uni"), None),
    ("de-south", "Southern Germany", "de", None, ("8", "9"), ("res-muc", "msp-ber"), None),
    ("fr", "France", None, "FR", (), ("res-par", "res-lyo"), None),
    ("benelux", "Benelux", None, "NL", (), ("res-ams",), None),
    ("uk", "United Kingdom", None, "GB", (), ("res-ldn", "res-man", "aff-blog"), None),
    ("us", "United States", None, "US", (), ("res-nyc", "res-chi", "res-sfo", "aff-pod"),
     "nearest"),
    ("us-west", "US West", "us", None, ("9",), ("res-sfo", "aff-pod"), None),
    ("ca", "Canada", None, "CA", (), ("res-tor",), None),
    ("mx", "Mexico", None, "MX", (), ("res-mex",), None),
    ("apac", "Asia Pacific", None, None, (), ("msp-aus", "ref-tyo", "res-syd"), None),
    ("br", "Brazil", None, "BR", (), ("ref-sao",), None),
]
# fmt: on
APAC = ("AU", "JP", "NZ", "SG")
LEADS_FROM = dt.datetime(2026, 11, 16, 8, tzinfo=dt.UTC)

LEAD_PLACES = [
    ("DE", "80331", 48.14, 11.58), ("DE", "20095", 53.55, 9.99), ("DE", "10117", 52.52, 13.40),
    ("DE", "90402", 49.45, 11.08), ("FR", "75002", 48.87, 2.34), ("FR", "69002", 45.76, 4.83),
    ("NL", "1012", 52.37, 4.90), ("GB", "EC2A", 51.52, -0.08), ("GB", "M1", 53.48, -2.24),
    ("US", "10001", 40.75, -73.99), ("US", "94105", 37.79, -122.40),
    ("US", "60601", 41.89, -87.62), ("US", "98101", 47.61, -122.33),
    ("US", "30301", 33.75, -84.39), ("CA", "M5H", 43.65, -79.38), ("AU", "2000", -33.87, 151.21),
    ("JP", "100-0005", 35.68, 139.76), ("BR", "01310-100", -23.56, -46.66),
    ("IN", "560001", 12.97, 77.59),
]  # fmt: skip


def routing_model() -> TerritoryModel:
    """The sample program's territories, with the named accounts of ACCOUNTS and a catch-all
    that the two distributors share."""
    territories = []
    for tid, name, parent, country, prefixes, pool, strategy in TERRITORIES:
        if tid == "apac":
            include = field("location.country").is_in(APAC)
        elif country is not None:
            include = field("location.country").eq(country)
        else:
            include = field("location.postal_code").starts_with(*prefixes)
        territories.append(
            Territory(
                tid,
                name,
                include=include,
                parent_id=parent,
                members=[PoolMember(pid) for pid in pool],
                strategy=strategy,
            )
        )
    for account in ACCOUNTS:
        if account.owner_partner_id is not None:
            territories.append(
                Territory(
                    f"named-{account.id}",
                    f"Named account {account.name}",
                    named_accounts=[account.id],
                    members=[PoolMember(account.owner_partner_id)],
                )
            )
    territories.append(
        Territory("rest", "Rest of world", catch_all=True,
                  members=[PoolMember("dist-eu"), PoolMember("dist-na")])
    )  # fmt: skip
    return TerritoryModel("sample", 1, territories, ResolutionPolicy("rank", winners=2))


def demo_leads(count: int) -> list[Lead]:
    """*count* leads spread over the places above, a few of them of named accounts."""
    leads = []
    industries = ["manufacturing", "banking", "healthcare", "retail", "government", "energy"]
    for i in range(count):
        country, postal, lat, lon = LEAD_PLACES[(i * 7) % len(LEAD_PLACES)]
        account = {5: "acc-003", 11: "acc-006"}.get(i % 17)
        leads.append(
            Lead(
                id=f"lead-{i + 1:03d}",
                company_name=f"Prospect {i + 1}",
                location=Location(country=country, postal_code=postal, latitude=lat + (i % 5) / 100,
                                  longitude=lon),
                received_at=LEADS_FROM + dt.timedelta(minutes=7 * i),
                account_id=account,
                industry=industries[i % len(industries)],
                employees=20 + 37 * i,
                contact=Contact(name=f"Contact {i + 1}", email=f"buyer{i + 1}@prospect.example"),
            )
        )  # fmt: skip
    return leads


def route_leads(store: SqliteStore, sink: RecordingSink) -> None:
    """Route a batch of leads over the sample program through the routing service, answer
    some offers, expire the rest, and print one full trace and the fairness report."""
    model = routing_model()

    def weights(partner: Partner) -> Decimal:
        return Decimal(LEVEL_WEIGHTS.get(partner.program_level_id or "", 1))

    router = Router(
        model,
        gates=(*DEFAULT_GATES, AgreementGate(["nda"])),
        strategies={"nearest": Strategy(Nearest(), filters=(WithinRadius((500, 1500, 5000)),))},
        weights=weights,
    )
    clock = FixedClock(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC))
    service = LeadRoutingService(
        lambda: SqliteUnitOfWork(store, sink),
        router,
        clock,
        SequentialIds("route"),
        policy=OfferPolicy(sla=dt.timedelta(hours=24), max_attempts=3),
        trace=True,
    )
    results = [service.route(lead) for lead in demo_leads(60)]
    print(f"\nLead routing: 60 leads over {model.id} v{model.version} ({model.policy.kind})")
    by_territory = Counter(
        r.record.offers[-1].territory_id if r.record.offers else "fallback queue" for r in results
    )
    for territory, n in sorted(by_territory.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {territory:<22} {n}")
    for i, result in enumerate(results):
        holder = result.record.partner_id
        if holder is None:
            continue
        if i % 4 == 1:
            service.decline(result.record.id, holder, "no_capacity")
        elif i % 4 == 2:
            service.accept(result.record.id, holder)
    clock.advance(dt.timedelta(hours=25))
    service.expire_due()
    traced = next(
        r for r in results
        if r.decision is not None and r.decision.trace is not None
        and any(not c.eligible for p in r.decision.trace.pools for c in p.candidates)
    )  # fmt: skip
    assert traced.decision is not None
    assert traced.decision.trace is not None
    print(f"\nThe trace of {traced.record.id}:")
    print("  " + traced.decision.trace.render().replace("\n", "\n  "))
    with SqliteUnitOfWork(store) as uow:
        records = uow.lead_routings.list()
        partners = {p.id: p for p in uow.partners.list()}
    report = fairness_report(model, records, partners=partners, weights=weights)
    print("\nFairness of the batch (offers, accepts, declines and expiries per pool)")
    print("  " + report.render().replace("\n", "\n  "))
    names = Counter(e.name for e in sink.events if e.name.startswith("Lead"))
    print("  routing events: " + ", ".join(f"{n} {c}" for n, c in sorted(names.items())))


LEVEL_RANK = {"platinum": 3, "gold": 2, "silver": 1}


def register_deals(store: SqliteStore, sink: RecordingSink) -> None:
    """Resellers register deals in the sample program; print a detected conflict, its
    explanation and the program policy's outcome."""
    clock = FixedClock(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC))
    with SqliteUnitOfWork(store) as uow:
        partners = uow.partners.list(status=PartnerStatus.ACTIVE)
    service = DealRegistrationService(
        lambda: SqliteUnitOfWork(store, sink),
        clock,
        SequentialIds("deal"),
        policy=HigherLevelWins(
            {p.id: LEVEL_RANK.get(p.program_level_id or "", 0) for p in partners}
        ),
        auto_decide=True,
    )
    service.load_index()
    service.detector.set_territories({p.id: sorted(p.countries) for p in partners})

    mueller = "mueller-maschinenbau.de"
    claims = [
        ("dr-001", "res-hh", CompanyRef("MUELLER MASCHINENBAU", email=f"einkauf@{mueller}"),
         ("fw",)),
        ("dr-002", "res-muc", CompanyRef("Müller Maschinenbau GmbH", domain=f"www.{mueller}"),
         ("fw", "edr")),
        ("dr-003", "res-nyc", CompanyRef("Bank of the Pacific", domain="bankofpacific.com"),
         ("edr",)),
        ("dr-004", "res-hh", CompanyRef("Brightwater Utilities plc", domain="brightwater.co.uk",
                                        country="GB"), ("siem",)),
    ]  # fmt: skip
    print("\nDeal registrations (policy: higher program level wins, then first to register)")
    results = []
    for number, (rid, partner_id, customer, lines) in enumerate(claims):
        clock.set(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC) + dt.timedelta(hours=number))
        draft = DealRegistration(
            id=rid,
            partner_id=partner_id,
            customer=customer,
            product_lines=lines,
            created_at=clock.now(),
        )
        result = service.submit(draft)
        results.append(result)
        classes = ", ".join(c.value for c in result.report.classes) or "none"
        print(
            f"  {rid} {partner_id:<8} {customer.name:<28} → {result.registration.status.value:<9}"
            f" conflicts: {classes}"
        )
    contest = results[1]
    print(f"\nDetected conflict for {contest.registration.id}:")
    print("  " + contest.report.explain().replace("\n", "\n  "))
    print(f"  outcome: {contest.resolution}")


def main() -> None:
    """Build the demo program in a fresh SQLite file and print its summary."""
    folder = Path(os.environ.get("PRMCORE_DEMO_DIR", "."))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = SqliteStore(path)
    sink = RecordingSink()
    build_program(store, sink)
    summarise(store, sink)
    register_deals(store, sink)
    certifications_and_levels(store)
    commission_month(store, sink)
    route_leads(store, sink)
    print(f"\nStored in {path}")


if __name__ == "__main__":
    main()
