"""The domain core: partners, people, affiliations, agreements, accounts, leads, product lines.

All classes are frozen, slotted attrs classes, validated on construction (every problem listed
with its field path) and changed with :func:`attrs.evolve`. Every aggregate carries a
``version`` that the repositories maintain for optimistic concurrency.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.domain.account import Account, ExternalId
from prmcore.domain.agreement import Agreement, AgreementKind
from prmcore.domain.ids import (
    AccountId,
    AffiliationId,
    AgreementId,
    LeadId,
    PartnerId,
    PersonId,
    ProductLineId,
    ProgramLevelId,
)
from prmcore.domain.lead import Contact, Lead
from prmcore.domain.partner import (
    PARTNER_TRANSITIONS,
    Capacity,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
)
from prmcore.domain.people import Affiliation, Person
from prmcore.domain.product_line import ProductLine

__all__ = [
    "PARTNER_TRANSITIONS",
    "Account",
    "AccountId",
    "Affiliation",
    "AffiliationId",
    "Agreement",
    "AgreementId",
    "AgreementKind",
    "Capacity",
    "Contact",
    "ExternalId",
    "Lead",
    "LeadId",
    "Location",
    "Partner",
    "PartnerId",
    "PartnerKind",
    "PartnerStatus",
    "Person",
    "PersonId",
    "ProductLine",
    "ProductLineId",
    "ProgramLevelId",
]
