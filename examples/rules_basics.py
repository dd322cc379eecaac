"""Rules basics: a territory rule built in Python, an eligibility rule loaded from JSON, a few
leads evaluated against both, and the explanation of a verdict.

Run it with ``python examples/rules_basics.py``.
"""

from __future__ import annotations

import datetime as dt
import json

from prmcore.domain import Lead, LeadId, Location, ProductLineId
from prmcore.errors import ValidationError
from prmcore.rules import (
    LEAD_SCHEMA,
    Condition,
    condition_from_json,
    conjuncts,
    specificity,
)

UTC = dt.UTC

# Written by a channel manager in the partner portal and stored as JSON.
ENTERPRISE_SECURITY_JSON = """
{"all": [
    {"field": "employees", "op": "ge", "value": 1000},
    {"field": "product_lines", "op": "contains", "value": ["firewall", "vpn"], "mode": "any"},
    {"not": {"field": "industry", "op": "in", "value": ["defence", "gov"]}}
]}
"""

# The same rule with two typos, as it might arrive from a form.
BROKEN_JSON = """
{"all": [
    {"field": "employes", "op": "ge", "value": 1000},
    {"field": "location.country", "op": "in", "value": ["DE", "UK"]},
    {"field": "product_lines", "op": "equals", "value": "vpn"}
]}
"""


def south_germany() -> Condition:
    """A territory rule: Bavaria and Baden-Württemberg by postal code, mid-market, built from
    the lead schema so that every field and value is checked while building."""
    lead = LEAD_SCHEMA
    return (
        lead.field("location.country").eq("DE")
        & lead.field("location.postal_code").starts_with("7", "8", "9")
        & lead.field("employees").between(50, 999)
        & ~lead.field("industry").is_in({"gov", "defence"})
    )


def sample_leads() -> list[Lead]:
    """Four leads from the web form."""
    received = dt.datetime(2024, 5, 1, 9, tzinfo=UTC)

    def lead(number: int, name: str, location: Location, **extra: object) -> Lead:
        return Lead(
            id=LeadId(f"lead-{number}"),
            company_name=name,
            location=location,
            received_at=received,
            **extra,
        )

    return [
        lead(1, "Brauerei Beispiel GmbH", Location("DE", postal_code="80331"), employees=120),
        lead(
            2,
            "Landratsamt Musterkreis",
            Location("DE", postal_code="86150"),
            employees=400,
            industry="gov",
        ),
        lead(
            3,
            "Maschinenbau Nord AG",
            Location("DE", postal_code="20095"),
            employees=2500,
            industry="manufacturing",
            product_lines=(ProductLineId("vpn"),),
        ),
        lead(4, "Startup Wien", Location("AT", postal_code="1010")),
    ]


def main() -> None:
    territory = south_germany()
    print("Territory rule:")
    print(f"  {territory}")
    print(f"  specificity {specificity(territory)}; parts an index can use:")
    for part in conjuncts(territory):
        print(f"    - {part}")

    eligibility = condition_from_json(ENTERPRISE_SECURITY_JSON, schema=LEAD_SCHEMA)
    print("\nEligibility rule loaded from JSON:")
    print(f"  {eligibility}")
    print(f"  as JSON again: {eligibility.to_json()}")

    print("\nLeads:")
    leads = sample_leads()
    in_territory = territory.compile()  # compiled once, used for every lead
    for lead in leads:
        print(
            f"  {lead.id:<7} {lead.company_name:<26} territory={in_territory(lead)!s:<5} "
            f"enterprise-security={eligibility.evaluate(lead)}"
        )

    print("\nWhy lead-2 is not in the territory:")
    print(territory.explain(leads[1]).render(indent="    "))
    print("\nThe same explanation as JSON, for the routing trace:")
    print(json.dumps(territory.explain(leads[1]).to_dict()["all"][3], ensure_ascii=False))

    print("\nLoading a rule with mistakes reports every one of them:")
    try:
        condition_from_json(BROKEN_JSON, schema=LEAD_SCHEMA)
    except ValidationError as err:
        for problem in err.problems:
            print(f"  {problem}")


if __name__ == "__main__":
    main()
