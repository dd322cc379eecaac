"""Hand-made sample data for the conformance suite: one builder per aggregate, a way to change
each, and small mixed data sets in which every query filter keeps some objects and drops
others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from prmcore.domain import (
    Account,
    AccountId,
    Affiliation,
    AffiliationId,
    Agreement,
    AgreementId,
    AgreementKind,
    Capacity,
    Contact,
    ExternalId,
    Lead,
    LeadId,
    Location,
    Partner,
    PartnerId,
    PartnerKind,
    Person,
    PersonId,
    ProductLine,
    ProductLineId,
    ProgramLevelId,
)

__all__ = [
    "CASES",
    "AggregateCase",
    "account",
    "affiliation",
    "agreement",
    "lead",
    "partner",
    "person",
    "product_line",
]

DAY = dt.date(2026, 1, 1)
MOMENT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def partner(number: int, **changes: Any) -> Partner:
    values: dict[str, Any] = {
        "id": PartnerId(f"p-{number}"),
        "name": f"Partner {number} GmbH & Co. 'KG'",
        "kind": PartnerKind.RESELLER,
        "locations": (Location(country="DE", postal_code="80331", city="München"),),
        "product_lines": (ProductLineId("pl-1"),),
        "capacity": Capacity(max_open_leads=5),
    }
    values.update(changes)
    return Partner(**values)


def person(number: int, **changes: Any) -> Person:
    values: dict[str, Any] = {
        "id": PersonId(f"person-{number}"),
        "name": f"Zoë Müller {number}",
        "email": f"zoe.{number}@example.com",
    }
    values.update(changes)
    return Person(**values)


def affiliation(number: int, **changes: Any) -> Affiliation:
    values: dict[str, Any] = {
        "id": AffiliationId(f"aff-{number}"),
        "person_id": PersonId("person-1"),
        "partner_id": PartnerId("p-1"),
        "start": DAY,
        "role": "sales engineer",
    }
    values.update(changes)
    return Affiliation(**values)


def agreement(number: int, **changes: Any) -> Agreement:
    values: dict[str, Any] = {
        "id": AgreementId(f"agr-{number}"),
        "partner_id": PartnerId("p-1"),
        "kind": AgreementKind.RESELLER,
        "signed_on": DAY,
        "title": "Reseller Agreement 2026",
    }
    values.update(changes)
    return Agreement(**values)


def account(number: int, **changes: Any) -> Account:
    values: dict[str, Any] = {
        "id": AccountId(f"acct-{number}"),
        "name": f"Customer {number} Ltd.",
        "domain": f"customer{number}.example.com",
        "country": "GB",
        "external_ids": (ExternalId("duns", f"15048{number:04d}"),),
    }
    values.update(changes)
    return Account(**values)


def lead(number: int, **changes: Any) -> Lead:
    values: dict[str, Any] = {
        "id": LeadId(f"lead-{number}"),
        "company_name": f"Prospect {number} Inc.",
        "location": Location(country="US", region="CA", postal_code="94105"),
        "received_at": MOMENT + dt.timedelta(hours=number),
        "product_lines": (ProductLineId("pl-1"),),
        "contact": Contact(name="José Álvarez", email="jose@example.com"),
        "source": "webinar",
    }
    values.update(changes)
    return Lead(**values)


def product_line(number: int, **changes: Any) -> ProductLine:
    values: dict[str, Any] = {
        "id": ProductLineId(f"pl-{number}"),
        "name": f"Product line {number}",
        "description": "Firewalls, VPN and secure access.",
    }
    values.update(changes)
    return ProductLine(**values)


@attrs.frozen
class AggregateCase:
    """One aggregate for the generic repository tests: the unit-of-work attribute, its kind,
    a builder of new objects and a change that an update stores."""

    attribute: str
    kind: str
    make: Callable[[int], Any]
    change: Callable[[Any], Any]

    def __str__(self) -> str:
        return self.attribute


CASES: tuple[AggregateCase, ...] = (
    AggregateCase(
        "partners",
        "Partner",
        partner,
        lambda p: attrs.evolve(
            p,
            name=p.name + " (renamed)",
            locations=(Location(country="AT"),),
            program_level_id=ProgramLevelId("gold"),
        ),
    ),
    AggregateCase(
        "people", "Person", person, lambda p: attrs.evolve(p, email="renamed@example.org")
    ),
    AggregateCase(
        "affiliations",
        "Affiliation",
        affiliation,
        lambda a: attrs.evolve(a, end=a.start + dt.timedelta(days=30)),
    ),
    AggregateCase(
        "agreements",
        "Agreement",
        agreement,
        lambda a: attrs.evolve(a, expires_on=a.signed_on + dt.timedelta(days=365)),
    ),
    AggregateCase(
        "accounts",
        "Account",
        account,
        lambda a: attrs.evolve(a, domain="renamed.example.org", external_ids=()),
    ),
    AggregateCase(
        "leads",
        "Lead",
        lead,
        lambda x: attrs.evolve(x, received_at=x.received_at + dt.timedelta(days=1)),
    ),
    AggregateCase(
        "product_lines", "ProductLine", product_line, lambda p: attrs.evolve(p, active=False)
    ),
)
