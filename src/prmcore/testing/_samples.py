"""Hand-made sample data for the conformance suite: one builder per aggregate, a way to change
each, and small mixed data sets in which every query filter keeps some objects and drops
others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from prmcore.certifications import (
    AwardRenewal,
    CertificationAward,
    CertificationType,
    Duration,
    SentReminder,
)
from prmcore.conflicts import CompanyRef, DealRegistration, DealRegistrationId, RegistrationRules
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
from prmcore.tiers import LevelChange, LevelEvaluation, LevelHistory, LevelRecord

__all__ = [
    "CASES",
    "AggregateCase",
    "account",
    "affiliation",
    "agreement",
    "certification_award",
    "certification_type",
    "deal_registration",
    "lead",
    "level_record",
    "partner",
    "person",
    "product_line",
    "sent_reminder",
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


def certification_type(number: int, **changes: Any) -> CertificationType:
    values: dict[str, Any] = {
        "id": f"cert-{number}",
        "name": f"Sécurité Spécialiste {number}",
        "validity": Duration(years=3),
        "grace": Duration(days=30),
        "satisfies": ("cert-base",),
    }
    values.update(changes)
    return CertificationType(**values)


def certification_award(number: int, **changes: Any) -> CertificationAward:
    values: dict[str, Any] = {
        "id": f"award-{number}",
        "person_id": PersonId("person-1"),
        "type_id": "cert-1",
        "earned_on": DAY,
        "expires_on": dt.date(2029, 1, 1),
    }
    values.update(changes)
    return CertificationAward(**values)


def sent_reminder(number: int, **changes: Any) -> SentReminder:
    values: dict[str, Any] = {
        "id": f"award-9:2029-01-01:{number}",
        "award_id": f"award-{number}",
        "due_on": dt.date(2028, 10, 3),
        "sent_at": MOMENT,
    }
    values.update(changes)
    return SentReminder(**values)


def level_record(number: int, **changes: Any) -> LevelRecord:
    partner_id = changes.pop("partner_id", f"p-{number}")
    values: dict[str, Any] = {
        "partner_id": partner_id,
        "history": LevelHistory(
            partner_id, (LevelChange(partner_id, None, "silver", DAY, "placed at Silver"),)
        ),
        "evaluations": (LevelEvaluation(DAY, "silver"),),
        "compliant": True,
    }
    values.update(changes)
    return LevelRecord(**values)


def _renewed(award: CertificationAward) -> CertificationAward:
    expires = dt.date(2032, 1, 1)
    renewal = AwardRenewal(dt.date(2028, 11, 1), award.expires_on, expires)
    return attrs.evolve(award, expires_on=expires, history=(*award.history, renewal))


def _promoted(record: LevelRecord) -> LevelRecord:
    day = dt.date(2026, 4, 1)
    change = LevelChange(record.partner_id, "silver", "gold", day, "qualified for Gold")
    history = record.history.append(change)
    return attrs.evolve(
        record.with_evaluation(LevelEvaluation(day, "gold")), history=history, compliant=False
    )


def deal_registration(number: int, **changes: Any) -> DealRegistration:
    values: dict[str, Any] = {
        "id": DealRegistrationId(f"dr-{number}"),
        "partner_id": PartnerId("p-1"),
        "customer": CompanyRef(
            f"Müller Maschinenbau {number} GmbH",
            domain=f"mueller{number}.example.de",
            country="DE",
            ids={"duns": f"15048{number:04d}"},
        ),
        "product_lines": (ProductLineId("pl-1"),),
        "created_at": MOMENT + dt.timedelta(hours=number),
    }
    values.update(changes)
    return DealRegistration(**values)


_RULES = RegistrationRules()


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
    AggregateCase(
        "certification_types",
        "CertificationType",
        certification_type,
        lambda t: attrs.evolve(t, validity=Duration(years=2), reminder_days=(30,)),
    ),
    AggregateCase("certification_awards", "CertificationAward", certification_award, _renewed),
    AggregateCase(
        "sent_reminders",
        "SentReminder",
        sent_reminder,
        lambda r: attrs.evolve(r, sent_at=r.sent_at + dt.timedelta(hours=1)),
    ),
    AggregateCase("level_records", "LevelRecord", level_record, _promoted),
    AggregateCase(
        "deal_registrations",
        "DealRegistration",
        deal_registration,
        lambda r: r.submit(r.last_update + dt.timedelta(days=1), _RULES),
    ),
)
