"""The lead-routing benchmark: territories, partners and leads generated from a seed, routed
with tracing off through the compiled territory index (``Router.route_batch``), against the
same router, gates and selection testing every territory's rule for every lead.

Run through ``benchmarks/run.py lead_routing`` (``--n`` is the number of leads; the territory
and partner counts scale with it up to 2,000 and 10,000).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

from prmcore.domain import Capacity, Lead, Location, Partner, PartnerKind, PartnerStatus
from prmcore.lead_routing import (
    BruteForceMatcher,
    InMemoryRoutingData,
    PoolMember,
    Router,
    Territory,
    TerritoryModel,
)
from prmcore.rules import field

AT = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
COUNTRIES = ["DE", "FR", "US", "GB", "IT", "ES", "NL", "BE", "AT", "CH",
             "SE", "NO", "DK", "FI", "PL", "CZ", "PT", "IE", "CA", "AU"]  # fmt: skip
INDUSTRIES = [f"ind-{i:02d}" for i in range(30)]
POOL = 5


def build_model(territories: int, partners: int, seed: int = 11) -> TerritoryModel:
    """A realistic alignment of *territories* territories: countries, then regions and
    districts by postal prefix (a hierarchy, 10% with an exclusion), industry and company-size
    overlays under districts, named accounts and a catch-all; pools of 5 partners."""
    rng = random.Random(seed)
    out: list[Territory] = []
    country = field("location.country")
    postal = field("location.postal_code")

    def members() -> tuple[PoolMember, ...]:
        picks = rng.sample(range(partners), POOL)
        return tuple(
            PoolMember(f"p-{p:06d}", weight=rng.choice([1, 1, 1, 2, 3])) for p in sorted(picks)
        )

    for code in COUNTRIES:
        out.append(Territory(f"c-{code}", code, include=country.eq(code), members=members()))
    named = max(1, territories // 20)
    overlays = max(1, territories // 10)
    sizes = max(1, territories // 20)
    # The postal hierarchy takes the rest: 1-digit regions, then 2- and 3-digit districts.
    # More territories means finer districts, as in a real alignment, not more territories
    # covering each lead.
    postal_count = territories - len(out) - named - overlays - sizes - 1
    frontier = [(code, "") for code in COUNTRIES]
    districts: list[str] = []
    while postal_count > 0:
        nxt = []
        for code, prefix in frontier:
            for digit in "0123456789":
                if postal_count <= 0:
                    break
                p = prefix + digit
                tid = f"z-{code}-{p}"
                parent = f"c-{code}" if not prefix else f"z-{code}-{prefix}"
                exclude = field("industry").eq("ind-00") if rng.random() < 0.1 else None
                out.append(Territory(tid, f"{code} {p}", parent_id=parent,
                                     include=postal.starts_with(p), exclude=exclude,
                                     members=members()))  # fmt: skip
                districts.append(tid)
                nxt.append((code, p))
                postal_count -= 1
        rng.shuffle(nxt)
        frontier = nxt
    # Overlays specialise a postal territory by industry or by company size.
    for i in range(overlays):
        out.append(
            Territory(
                f"i-{i}",
                f"Industry {i}",
                parent_id=rng.choice(districts),
                include=field("industry").is_in(set(rng.sample(INDUSTRIES, 2))),
                members=members(),
            )
        )
    bands = [(0, 49), (50, 249), (250, 999), (1000, 100_000)]
    for i in range(sizes):
        low, high = bands[i % len(bands)]
        out.append(
            Territory(
                f"s-{i}",
                f"Size {i}",
                parent_id=rng.choice(districts),
                include=field("employees").between(low, high) & field("source").eq("web"),
                members=members(),
            )
        )
    for i in range(named):
        out.append(
            Territory(f"n-{i}", f"Named {i}", named_accounts=[f"acc-{i}"], members=members())
        )
    out.append(Territory("rest", "Rest of world", catch_all=True, members=members()))
    return TerritoryModel("bench", 1, out)


def build_partners(partners: int, seed: int = 12) -> list[Partner]:
    """*partners* partners: 5% suspended, capacities from 20 to 200 open leads."""
    rng = random.Random(seed)
    return [
        Partner(
            id=f"p-{i:06d}",
            name=f"Partner {i}",
            kind=PartnerKind.RESELLER,
            status=PartnerStatus.SUSPENDED if rng.random() < 0.05 else PartnerStatus.ACTIVE,
            capacity=Capacity(max_open_leads=rng.randrange(20, 200)),
        )
        for i in range(partners)
    ]


def build_leads(leads: int, named: int, seed: int = 13) -> list[Lead]:
    """*leads* leads across the countries, 3% of them of named accounts."""
    rng = random.Random(seed)
    out = []
    for i in range(leads):
        out.append(
            Lead(
                id=f"l-{i:07d}",
                company_name=f"Prospect {i}",
                location=Location(
                    country=rng.choice(COUNTRIES) if rng.random() < 0.97 else "JP",
                    postal_code=f"{rng.randrange(100000):05d}",
                ),
                received_at=AT,
                account_id=f"acc-{rng.randrange(named)}" if rng.random() < 0.03 else None,
                industry=rng.choice(INDUSTRIES),
                employees=rng.randrange(1, 5000),
                source=rng.choice(["web", "event", "partner"]),
            )
        )
    return out


def _route(
    router: Router, partners: Sequence[Partner], leads: Sequence[Lead]
) -> tuple[float, list[Any], float]:
    """Route *leads* on fresh state with tracing off: wall seconds, the decisions, CPU
    seconds (the rotations and loads are stored in *data* inside the timing)."""
    data = InMemoryRoutingData(partners)
    cpu = time.process_time()
    start = time.perf_counter()
    decisions = router.route_batch(leads, data, AT)
    return time.perf_counter() - start, decisions, time.process_time() - cpu


def run(leads: int, repeat: int) -> list[dict[str, Any]]:
    """The benchmark rows: indexed routing, the brute-force baseline, and the 10x scale."""
    territories = max(100, min(2000, leads // 50))
    partners = territories * 5
    rows: list[dict[str, Any]] = []
    model = build_model(territories, partners)
    people = build_partners(partners)
    sample = build_leads(leads, max(1, len(model.territories) // 20))
    router = Router(model)
    runs = [_route(router, people, sample) for _ in range(repeat)]
    indexed_s = statistics.median(r[0] for r in runs)
    indexed_cpu = statistics.median(r[2] for r in runs)
    per_lead = indexed_cpu / leads
    rows.append(_row("indexed", len(model.territories), partners, leads, indexed_s, indexed_cpu))
    checked = sample[: max(50, min(2000, leads // 50))]
    brute = Router(model, matcher=BruteForceMatcher(model))
    brute_s, brute_decisions, brute_cpu = _route(brute, people, checked)
    indexed_decisions = _route(router, people, checked)[1]
    # The batch path must also decide exactly as routing one lead at a time does.
    one_at_a_time = router.route_many(checked, InMemoryRoutingData(people), AT)
    identical = brute_decisions == indexed_decisions == one_at_a_time
    row = _row("brute force (every rule per lead)", len(model.territories), partners,
               len(checked), brute_s, brute_cpu)  # fmt: skip
    rows.append(row)
    speedup = (brute_cpu / len(checked)) / per_lead
    big_territories = territories * 10
    big = build_model(big_territories, big_territories * 5)
    big_people = build_partners(big_territories * 5)
    big_leads = build_leads(max(1000, leads // 5), max(1, len(big.territories) // 20), seed=14)
    big_router = Router(big)
    big_runs = [_route(big_router, big_people, big_leads) for _ in range(repeat)]
    big_s = statistics.median(r[0] for r in big_runs)
    big_cpu = statistics.median(r[2] for r in big_runs)
    rows.append(_row("indexed, 10x territories", len(big.territories), len(big_people),
                     len(big_leads), big_s, big_cpu))  # fmt: skip
    ratio = (big_cpu / len(big_leads)) / per_lead
    for r in rows:
        r["speedup_vs_brute_force"] = round(speedup, 1)
        r["identical_sample"] = identical
        r["cost_ratio_10x"] = round(ratio, 2)
    rows[0]["meets_goals"] = (
        rows[0]["leads_per_cpu_s"] >= 20_000 and speedup >= 50 and identical and ratio <= 3
    )
    return rows


def _row(
    case: str, territories: int, partners: int, leads: int, seconds: float, cpu: float
) -> dict[str, Any]:
    # CPU time is what one core spent on the work; on a shared machine wall time also counts
    # the time other processes held the core. Ratios use CPU time.
    return {
        "case": case,
        "territories": territories,
        "partners": partners,
        "leads": leads,
        "wall_s": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "leads_per_s": round(leads / seconds) if seconds > 0 else 0,
        "leads_per_cpu_s": round(leads / cpu) if cpu > 0 else 0,
        "cpu_us_per_lead": round(cpu / leads * 1e6, 1),
    }
