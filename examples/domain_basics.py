"""Domain basics: a reseller with two locations, its lifecycle, validation and JSON.

Run it with ``python examples/domain_basics.py``.
"""

from __future__ import annotations

import attrs

from prmcore.domain import Capacity, Location, Partner, PartnerId, PartnerKind, PartnerStatus
from prmcore.errors import InvalidTransition, ValidationError
from prmcore.serialization import from_json, to_json


def build_reseller() -> Partner:
    """A reseller with its headquarters in Munich and a branch office in Vienna."""
    reseller = Partner(
        id=PartnerId("p-1001"),
        name="Müller & Söhne IT GmbH",
        kind=PartnerKind.RESELLER,
        locations=(
            Location("de", region="BY", postal_code="80331", city="München", latitude=48.137,
                     longitude=11.575),
            Location("AT", postal_code="1010", city="Wien"),
        ),
        product_lines=("network-security", "cloud-backup"),
        capacity=Capacity(max_open_leads=25, max_leads_per_month=40),
        parent_id=PartnerId("d-7"),  # buys through distributor d-7
    )  # fmt: skip
    print("A new reseller")
    print(f"  {reseller.name} ({reseller.kind}), status {reseller.status}")
    hq = reseller.headquarters
    assert hq is not None
    print(f"  headquarters: {hq.city}, {hq.country} (country code upper-cased from 'de')")
    print(f"  operates in:  {', '.join(sorted(reseller.countries))}")
    return reseller


def lifecycle(reseller: Partner) -> Partner:
    """Walk the reseller from prospect through onboarding to active."""
    print("\nLifecycle")
    for target in (PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE):
        before = reseller.status
        reseller = reseller.transition(target)
        print(f"  {before} -> {reseller.status}")
    try:
        reseller.transition(PartnerStatus.PROSPECT)
    except InvalidTransition as err:
        print(f"  refused: {err}")
    renamed = attrs.evolve(reseller, name="Müller & Söhne IT Services GmbH")
    print(f"  renamed with attrs.evolve: {renamed.name!r} (the original is unchanged)")
    return reseller


def validation() -> None:
    """One ValidationError lists every problem, each with its path."""
    print("\nValidation: every problem at once")
    try:
        Partner(
            id=PartnerId("p-1002"),
            name="",
            kind="referral",  # type: ignore[arg-type]  # a str, not PartnerKind.REFERRAL
            product_lines=("endpoint", "endpoint"),
            parent_id=PartnerId("p-1002"),
        )
    except ValidationError as err:
        print(f"  {len(err.problems)} problems:")
        for problem in err.problems:
            print(f"    {problem.path:<18} {problem.message}")
    try:
        Location("XX", latitude=91.5)
    except ValidationError as err:
        print(f"  a location: {err}")


def json_round_trip(reseller: Partner) -> None:
    """Serialise to JSON and load it back, exactly."""
    text = to_json(reseller, indent=2)
    print("\nJSON")
    print("  " + "\n  ".join(text.splitlines()[:8]) + "\n  ...")
    loaded = from_json(Partner, text)
    assert loaded == reseller
    print(f"  loaded back equal to the original: {loaded == reseller}")
    try:
        from_json(Partner, text.replace('"DE"', '"XX"').replace('"reseller"', '"shop"'))
    except ValidationError as err:
        print(f"  tampered JSON: {err}")


def main() -> None:
    """Run the walkthrough."""
    reseller = build_reseller()
    active = lifecycle(reseller)
    validation()
    json_round_trip(active)


if __name__ == "__main__":
    main()
