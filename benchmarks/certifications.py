"""Benchmark certification compliance, program-level evaluation and a year of reminders.

Usage::

    python benchmarks/certifications.py                         # 50,000 partners, 500,000 people
    python benchmarks/certifications.py --partners 2000 --repeat 5

A generated program (the same for the same seed): ``--partners`` partners with
``--people-per-partner`` people each, every person holding one or two certification awards of
four types (one of which satisfies another), a few people who moved between partners, and
host metrics (revenue, deals, customer satisfaction) per partner. Three cases, each measured
``--repeat`` times (the median is reported):

- ``evaluate every partner``: build one :class:`~prmcore.certifications.AwardIndex` of every
  award, then for every partner compute the certified headcounts, check the certification
  requirements of its level (:func:`~prmcore.certifications.compliance`), judge the ladder
  (:func:`~prmcore.tiers.eligibility`) and decide its level (:func:`~prmcore.tiers.decide`).
  Goal: at most 5 s for 50,000 partners and 500,000 people on one core.
- ``a year of reminders``: :func:`~prmcore.certifications.reminders_due` over every award for
  a calendar year, as one window. Goal: at most 2 s.
- ``naive per-partner scan`` (the baseline, in the same run): for each partner, scan every
  award and derive its status with :func:`~prmcore.certifications.status`. It is measured on
  ``--naive-sample`` partners and extrapolated to all of them (running it in full would take
  hours); its counts are checked against the indexed evaluation for those partners.

The cyclic garbage collector is off while a case is timed, as :mod:`timeit` does (``--gc``
keeps it on).
Times are medians of CPU time (one core's work; goals are judged on it) and of wall time.
Prints a table and writes ``benchmarks/results/certifications.json``. Exits 1 when a goal is
missed at the full size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationCatalog,
    CertificationRequirement,
    CertificationType,
    Duration,
    compliance,
    reminders_due,
    status,
)
from prmcore.domain import Affiliation
from prmcore.money import Money
from prmcore.tiers import (
    CertifiedHeadcount,
    DecisionKind,
    LevelHistory,
    LevelPolicy,
    Metric,
    PartnerEvaluation,
    PartnerMetrics,
    Program,
    ProgramEvaluator,
    ProgramLevel,
    Requirement,
    decide,
    eligibility,
)

RESULTS = Path(__file__).resolve().parent / "results"
AS_OF = dt.date(2026, 6, 30)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
GOAL_EVALUATE_S = 5.0
GOAL_REMINDERS_S = 2.0
FULL_PARTNERS = 50_000

CATALOG = CertificationCatalog(
    [
        CertificationType(
            "sec-spec", "Security Specialist", Duration(years=2), grace=Duration(days=30)
        ),  # type: ignore[arg-type]
        CertificationType(
            "sec-expert", "Security Expert", Duration(years=3), satisfies=["sec-spec"]
        ),  # type: ignore[arg-type]
        CertificationType("cloud", "Cloud Architect", Duration(years=1)),  # type: ignore[arg-type]
        CertificationType("sales", "Sales Foundations", Duration(months=18)),  # type: ignore[arg-type]
    ]
)
HEADCOUNTS = {"certified_security": "sec-spec", "certified_cloud": "cloud"}


def usd(amount: int) -> Money:
    return Money(amount, "USD")


PROGRAM = Program(
    "bench",
    "Benchmark Program",
    [
        Metric("revenue", "money", "trailing-12-month revenue", currency="USD", window_months=12),
        Metric("deals", "count", "closed deals", unit="deal", window_months=12),
        Metric("certified_security", "count", "certified in Security", unit="person"),
        Metric("certified_cloud", "count", "certified in Cloud", unit="person"),
        Metric("csat", "percentage", "customer satisfaction"),
    ],
    [
        ProgramLevel("registered", "Registered", 0),
        ProgramLevel("silver", "Silver", 1, [Requirement("revenue", usd(50_000))]),
        ProgramLevel(
            "gold",
            "Gold",
            2,
            [
                Requirement("revenue", usd(250_000)),
                Requirement("deals", 10),
                Requirement("certified_security", 2),
            ],
        ),
        ProgramLevel(
            "platinum",
            "Platinum",
            3,
            [
                Requirement("revenue", usd(1_000_000)),
                Requirement("certified_security", 4),
                Requirement("certified_cloud", 2),
                Requirement("csat", 85),
            ],
        ),
    ],
)
POLICY = LevelPolicy(grace_months=3)
LEVELS = [level.id for level in PROGRAM.ladder]


class Data:
    """The generated program: awards, affiliations by partner, metrics, current levels."""

    def __init__(self, partners: int, people_per_partner: int, seed: int) -> None:
        rng = random.Random(seed)
        types = ["sec-spec", "sec-expert", "cloud", "sales"]
        validity = {"sec-spec": 730, "sec-expert": 1095, "cloud": 365, "sales": 548}
        self.partner_ids = [f"p-{i:06d}" for i in range(partners)]
        self.awards: list[CertificationAward] = []
        self.affiliations: dict[str, list[Affiliation]] = {p: [] for p in self.partner_ids}
        self.metrics: dict[str, dict[str, Any]] = {}
        self.levels: dict[str, str | None] = {}
        people = 0
        for pid in self.partner_ids:
            for _ in range(people_per_partner):
                person = f"u-{people:07d}"
                people += 1
                start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
                end = None
                if rng.random() < 0.05:  # moved on: an earlier employer too
                    other = rng.choice(self.partner_ids)
                    self.affiliations[other].append(
                        Affiliation(f"f-{person}-x", person, other, start, start)  # type: ignore[arg-type]
                    )
                    start += dt.timedelta(days=1)
                elif rng.random() < 0.05:
                    end = AS_OF + dt.timedelta(days=rng.randrange(-200, 400))
                    end = max(end, start)
                self.affiliations[pid].append(
                    Affiliation(f"f-{person}", person, pid, start, end)  # type: ignore[arg-type]
                )
                for k in range(rng.choice((1, 1, 2))):
                    type_id = rng.choice(types)
                    earned = AS_OF - dt.timedelta(days=rng.randrange(validity[type_id] + 200))
                    expires = earned + dt.timedelta(days=validity[type_id])
                    self.awards.append(
                        CertificationAward(f"a-{person}-{k}", person, type_id, earned, expires)  # type: ignore[arg-type]
                    )
            self.metrics[pid] = {
                "revenue": usd(rng.randrange(0, 1_500_000)),
                "deals": rng.randrange(0, 40),
                "csat": rng.randrange(60, 100),
            }
            self.levels[pid] = rng.choice([None, *LEVELS])
        self.people = people


HEADCOUNT_METRICS = [CertifiedHeadcount(m, t) for m, t in HEADCOUNTS.items()]  # type: ignore[arg-type]


def _headcounts(result: PartnerEvaluation) -> tuple[int, ...]:
    """The certified headcounts an evaluation found (the values eligibility judged)."""
    values = [r for level in result.report.levels for r in level.requirements]
    by_metric = {r.metric_id: r.value for r in values}
    return tuple(int(by_metric.get(m, 0)) for m in HEADCOUNTS)  # type: ignore[call-overload]


def evaluate_all(data: Data, partner_ids: Sequence[str]) -> dict[str, PartnerEvaluation]:
    """The indexed evaluation: index every award, then evaluate each partner with one
    :class:`~prmcore.tiers.ProgramEvaluator` (headcounts, eligibility, decision, compliance)."""
    index = AwardIndex(data.awards, CATALOG)
    evaluator = ProgramEvaluator(PROGRAM, POLICY, CATALOG, index, HEADCOUNT_METRICS)
    evaluate = evaluator.evaluate
    affiliations, metrics, levels = data.affiliations, data.metrics, data.levels
    return {
        pid: evaluate(pid, AS_OF, metrics[pid], affiliations[pid], current_level=levels[pid])
        for pid in partner_ids
    }


def evaluate_one_by_one(
    data: Data, partner_ids: Sequence[str], index: AwardIndex
) -> dict[str, PartnerEvaluation]:
    """The same evaluation with the engine functions called one by one for each partner, on an
    index built beforehand (what the evaluator replaces; measured on a sample, checked equal)."""
    out: dict[str, PartnerEvaluation] = {}
    for pid in partner_ids:
        mine = data.affiliations[pid]
        counted = compliance(pid, _HEADCOUNT_REQUIREMENTS, mine, index, CATALOG, AS_OF)
        values = dict(data.metrics[pid])
        for metric_id, result in zip(HEADCOUNTS, counted.results, strict=True):
            values[metric_id] = result.held
        report = eligibility(PROGRAM, PartnerMetrics(pid, AS_OF, values))
        current = data.levels[pid]
        decision = decide(POLICY, PROGRAM, current, LevelHistory(pid), [report], AS_OF)
        changed = decision.kind in (DecisionKind.PROMOTE, DecisionKind.DEMOTE)
        level = decision.to_level if changed else current
        needed = _requirements(level)
        report_now = compliance(pid, needed, mine, index, CATALOG, AS_OF)
        out[pid] = PartnerEvaluation(pid, report, decision, level, report_now)  # type: ignore[arg-type]
    return out


def _requirements(level: str | None) -> list[CertificationRequirement]:
    if level is None:
        return []
    found = []
    for requirement in PROGRAM.level(level).requirements:
        type_id = HEADCOUNTS.get(requirement.metric_id)
        if type_id is not None:
            found.append(CertificationRequirement(type_id, int(requirement.threshold)))  # type: ignore[arg-type]
    return found


_HEADCOUNT_REQUIREMENTS = [CertificationRequirement(t) for t in HEADCOUNTS.values()]  # type: ignore[arg-type]


def stage_times(data: Data, partner_ids: Sequence[str]) -> dict[str, float]:
    """One pass of the one-by-one evaluation over *partner_ids* with each stage timed apart
    (CPU seconds)."""
    clock = time.process_time
    spent = dict.fromkeys(("index", "headcounts", "eligibility", "decide", "compliance"), 0.0)
    start = clock()
    index = AwardIndex(data.awards, CATALOG)
    spent["index"] = clock() - start
    for pid in partner_ids:
        mine = data.affiliations[pid]
        t0 = clock()
        counted = compliance(pid, _HEADCOUNT_REQUIREMENTS, mine, index, CATALOG, AS_OF)
        values = dict(data.metrics[pid])
        for metric_id, result in zip(HEADCOUNTS, counted.results, strict=True):
            values[metric_id] = result.held
        t1 = clock()
        report = eligibility(PROGRAM, PartnerMetrics(pid, AS_OF, values))
        t2 = clock()
        decision = decide(POLICY, PROGRAM, data.levels[pid], LevelHistory(pid), [report], AS_OF)
        t3 = clock()
        compliance(pid, _requirements(decision.to_level), mine, index, CATALOG, AS_OF)
        t4 = clock()
        spent["headcounts"] += t1 - t0
        spent["eligibility"] += t2 - t1
        spent["decide"] += t3 - t2
        spent["compliance"] += t4 - t3
    return spent


def naive_counts(data: Data, partner_ids: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """The baseline: every partner scans every award and derives each status."""
    out: dict[str, tuple[int, ...]] = {}
    for pid in partner_ids:
        people = {a.person_id for a in data.affiliations[pid] if a.active_on(AS_OF)}
        held: list[set[str]] = [set() for _ in HEADCOUNTS]
        for award in data.awards:
            if award.person_id not in people:
                continue
            if not status(award, CATALOG, AS_OF).is_held:
                continue
            for i, type_id in enumerate(HEADCOUNTS.values()):
                if award.type_id in CATALOG.qualifying_types(type_id):
                    held[i].add(award.person_id)
        out[pid] = tuple(len(s) for s in held)
    return out


KEEP_GC = False


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median CPU seconds and median wall seconds of *repeat* runs, and the last result.

    CPU time (``time.process_time``) is what one core spends on the work; on a shared
    machine the wall time also counts the time other processes had the core. Like
    :mod:`timeit`, the cyclic garbage collector is off while a run is timed (unless ``--gc``):
    with half a million objects loaded, its full passes during allocation-heavy work measure
    the heap rather than the code.
    """
    cpu, wall, result = [], [], None
    for _ in range(repeat):
        result = None  # each run starts from the same heap, not with the last result alive
        gc.collect()
        if not KEEP_GC:
            gc.disable()
        try:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            result = run()
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start_wall)
        finally:
            gc.enable()
    return statistics.median(cpu), statistics.median(wall), result


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print *rows* as an aligned text table."""
    columns = list(rows[0])
    cells = [[("—" if row.get(c) is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 1 when a goal is missed at the full size, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--partners", type=int, default=FULL_PARTNERS)
    parser.add_argument("--people-per-partner", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--naive-sample", type=int, default=20, help="partners for the baseline")
    parser.add_argument(
        "--one-by-one-sample",
        type=int,
        default=5000,
        help="partners evaluated with the engine functions one by one",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gc",
        action="store_true",
        help="keep the cyclic garbage collector on while timing (timeit turns it off)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for JSON results")
    args = parser.parse_args(argv)
    global KEEP_GC
    KEEP_GC = args.gc

    start = time.perf_counter()
    data = Data(args.partners, args.people_per_partner, args.seed)
    built = time.perf_counter() - start
    print(
        f"generated {args.partners:,} partners, {data.people:,} people, "
        f"{len(data.awards):,} awards in {built:.1f} s"
    )

    evaluate_s, evaluate_wall, indexed = timed(
        lambda: evaluate_all(data, data.partner_ids), args.repeat
    )
    reminders_s, reminders_wall, due = timed(
        lambda: reminders_due(data.awards, CATALOG, *YEAR), args.repeat
    )
    index_s, index_wall, index = timed(lambda: AwardIndex(data.awards, CATALOG), args.repeat)
    calls = data.partner_ids[: max(1, min(args.one_by_one_sample, args.partners))]
    calls_s, calls_wall, called = timed(
        lambda: evaluate_one_by_one(data, calls, index), args.repeat
    )
    # The index is built once for all partners; the per-partner calls scale with the partners.
    calls_all_s = index_s + calls_s * args.partners / len(calls)
    calls_all_wall = index_wall + calls_wall * args.partners / len(calls)
    same = all(called[pid] == indexed[pid] for pid in calls)
    if not KEEP_GC:
        gc.disable()
    try:
        stages = stage_times(data, calls)
    finally:
        gc.enable()
    sample = data.partner_ids[: max(1, min(args.naive_sample, args.partners))]
    naive_s, naive_wall, naive = timed(lambda: naive_counts(data, sample), 1)
    naive_all_s = naive_s * args.partners / len(sample)
    agrees = all(naive[pid] == _headcounts(indexed[pid]) for pid in sample)

    full = args.partners >= FULL_PARTNERS
    rows = [
        {
            "case": "evaluate every partner (ProgramEvaluator)",
            "partners": args.partners,
            "awards": len(data.awards),
            "median_cpu_s": round(evaluate_s, 3),
            "median_wall_s": round(evaluate_wall, 3),
            "per_partner_us": round(evaluate_s / args.partners * 1e6, 1),
            "goal_s": GOAL_EVALUATE_S,
            "meets_goal": evaluate_s <= GOAL_EVALUATE_S,
            "naive_vs_this": round(naive_all_s / evaluate_s, 1),
        },
        {
            "case": "  of which: build the AwardIndex",
            "partners": args.partners,
            "awards": len(data.awards),
            "median_cpu_s": round(index_s, 3),
            "median_wall_s": round(index_wall, 3),
            "per_partner_us": round(index_s / args.partners * 1e6, 1),
            "goal_s": None,
            "meets_goal": None,
            "naive_vs_this": None,
        },
        {
            "case": f"engine functions one by one (extrapolated from {len(calls)})",
            "partners": args.partners,
            "awards": len(data.awards),
            "median_cpu_s": round(calls_all_s, 3),
            "median_wall_s": round(calls_all_wall, 3),
            "per_partner_us": round(calls_all_s / args.partners * 1e6, 1),
            "goal_s": None,
            "meets_goal": None,
            "naive_vs_this": round(naive_all_s / calls_all_s, 1),
        },
        {
            "case": "a year of reminders",
            "partners": args.partners,
            "awards": len(data.awards),
            "median_cpu_s": round(reminders_s, 3),
            "median_wall_s": round(reminders_wall, 3),
            "per_partner_us": None,
            "goal_s": GOAL_REMINDERS_S,
            "meets_goal": reminders_s <= GOAL_REMINDERS_S,
            "naive_vs_this": None,
        },
        {
            "case": f"naive per-partner scan (extrapolated from {len(sample)})",
            "partners": args.partners,
            "awards": len(data.awards),
            "median_cpu_s": round(naive_all_s, 1),
            "median_wall_s": round(naive_wall * args.partners / len(sample), 1),
            "per_partner_us": round(naive_s / len(sample) * 1e6, 1),
            "goal_s": None,
            "meets_goal": None,
            "naive_vs_this": 1.0,
        },
    ]
    print(f"\n== certifications: {args.partners:,} partners, {data.people:,} people ==")
    print_table(rows)
    print(
        f"\n{len(due):,} reminders due in {YEAR[0].year}; the evaluator equals the engine "
        f"functions on {len(calls):,} partners: {same}; naive counts agree with the index on "
        f"the sample: {agrees}"
    )
    print(f"\nwhere the one-by-one evaluation's CPU time goes ({len(calls):,} partners):")
    print_table(
        [
            {
                "stage": stage,
                "cpu_s": round(seconds, 3),
                "per_partner_us": round(seconds / len(calls) * 1e6, 1),
            }
            for stage, seconds in stages.items()
        ]
    )
    met = all(row["meets_goal"] is not False for row in rows)
    result = {
        "benchmark": "certifications",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "partners": args.partners,
        "people": data.people,
        "awards": len(data.awards),
        "repeat": args.repeat,
        "reminders_in_year": len(due),
        "naive_agrees": agrees,
        "one_by_one_sample": len(calls),
        "evaluator_equals_one_by_one": same,
        "gc_during_timing": KEEP_GC,
        "one_by_one_stages_cpu_s": {stage: round(seconds, 3) for stage, seconds in stages.items()},
        "goals_met": met,
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "certifications.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    if not agrees:
        print("the naive scan and the index disagree", file=sys.stderr)
        return 2
    if not same:
        print("the evaluator and the engine functions disagree", file=sys.stderr)
        return 2
    return 1 if full and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
