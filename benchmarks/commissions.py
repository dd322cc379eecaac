"""Benchmark the commission engine on a year of transactions, against two simpler versions.

Usage::

    python benchmarks/commissions.py                         # 1,000,000 transactions
    python benchmarks/commissions.py --transactions 100000 --repeat 1

The workload: N transactions (sales, 10% of them split between two partners, and refunds of
2% of the sales, in full or in part) for 10,000 partners over 12 monthly periods, credited
under a graduated tier schedule on year-to-date revenue. The transactions are generated as a
:class:`~prmcore.commissions.TransactionBatch` (columns, each row checked as a transaction).
Cases:

* ``prmcore simulate (columnar)``: ``prmcore.commissions.simulate(plan, batch,
  columnar=True)`` — the full run: every period credited, closed and settled (payouts), every
  ledger line kept in the arrays of a :class:`~prmcore.commissions.ColumnarLedger` (built as
  a ``LedgerLine`` with its explanation when asked for), then the commission per partner.
* ``prmcore simulate (object engine)`` (up to 200,000 transactions unless
  ``--object-engine``): the same simulation with every line an explained ``LedgerLine``.
* ``plain Decimal loop``: a straightforward per-transaction loop with the public
  ``TierSchedule.increment`` and ``Money.allocate``, keeping only totals per partner.
* ``pandas float``: the same plan vectorised with pandas and float64, rounded per line.

The comparisons read ``Transaction`` objects, built from the batch once and outside the
timings. Every case is timed in CPU time (``time.process_time``, the machine is shared) with
the cyclic garbage collector off, as :mod:`timeit` does; wall time is reported too. The
object engine and the Decimal loop must agree with the columnar run's per-partner totals to
the cent; for the float version the benchmark counts the partners it gets wrong and by how
many cents. Goal: the full run at most 10 s (median) for 1,000,000 transactions on one
core, with at most 2 GiB peak memory (measured right after the columnar runs, input
included). Results go to ``benchmarks/results/commissions.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from prmcore.commissions import (
    ColumnarLedger,
    CommissionPlan,
    Component,
    LineKind,
    PlanVersion,
    Transaction,
    TransactionBatch,
    TransactionKind,
    simulate,
)
from prmcore.periods import MonthCalendar
from prmcore.tiers import Tier

RESULTS = Path(__file__).resolve().parent / "results"
TIERS = [
    (Decimal(50_000), Decimal("0.03")),
    (Decimal(200_000), Decimal("0.05")),
    (None, Decimal("0.07")),
]
CENT = Decimal("0.01")
GOAL_SECONDS = 10.0
GOAL_BYTES = 2 * 1024**3


def make_plan() -> CommissionPlan:
    """The benchmark plan: monthly periods, graduated tiers on year-to-date revenue."""
    return CommissionPlan(
        id="bench",
        name="Benchmark",
        currency="EUR",
        calendar=MonthCalendar(),
        versions=[
            PlanVersion(
                id="v1",
                effective_from=dt.date(2026, 1, 1),
                components=[
                    Component(
                        id="ytd",
                        mode="graduated",
                        accumulate="year",
                        tiers=[Tier(up, rate) for up, rate in TIERS],
                    )
                ],
            )
        ],
    )


def make_transactions(n: int, partners: int, seed: int = 7) -> TransactionBatch:
    """*n* transactions in date order: 2% refunds of earlier sales, 10% split sales.

    They are built as columns with :class:`~prmcore.commissions.TransactionBatchBuilder`
    (each row checked as a :class:`~prmcore.commissions.Transaction` would be); iterate over
    the batch for the transaction objects."""
    rng = random.Random(seed)
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(365)]
    refunds = n // 50
    sales = n - refunds
    per_day = sales / len(days)
    ids = [f"p-{i:05d}" for i in range(partners)]
    builder = TransactionBatch.builder("EUR")
    made: list[tuple[str, Decimal]] = []
    refunded: set[str] = set()
    refund_at = sorted(rng.randrange(sales // 10, sales) for _ in range(refunds))
    k = 0
    for i in range(sales):
        day = days[min(int(i / per_day), len(days) - 1)]
        cents = rng.randrange(10_000, 2_000_000)
        credits: str | list[tuple[str, int]]
        if rng.random() < 0.10:
            a, b = rng.sample(ids, 2)
            share = rng.choice((50, 60, 70))
            credits = [(a, share), (b, 100 - share)]
        else:
            credits = rng.choice(ids)
        sale_id = f"s-{i:07d}"
        amount = Decimal(cents).scaleb(-2)
        builder.sale(sale_id, day, amount, credits)
        made.append((sale_id, amount))
        while k < len(refund_at) and refund_at[k] == i:
            k += 1
            original, whole = made[rng.randrange(max(0, len(made) - 5_000), len(made))]
            if original in refunded:
                continue
            refunded.add(original)
            amount = whole if rng.random() < 0.5 else (whole / 2).quantize(CENT)
            builder.refund(f"r-{k:07d}", day, amount, original)
    return builder.build()


def engine_totals(plan: CommissionPlan, batch: TransactionBatch) -> dict[str, Decimal]:
    """The full run: every period credited, closed and settled (the columnar path, lines
    kept as arrays); the commission (credits and clawbacks) per partner."""
    sim = simulate(plan, batch, columnar=True)
    assert isinstance(sim.ledger, ColumnarLedger)
    return sim.ledger.amounts_by_partner([LineKind.CREDIT, LineKind.CLAWBACK])


def object_totals(plan: CommissionPlan, txns: list[Transaction]) -> dict[str, Decimal]:
    """The object engine (every line a LedgerLine); the same per-partner commission."""
    sim = simulate(plan, txns)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in sim.ledger.lines:
        if line.kind in (LineKind.CREDIT, LineKind.CLAWBACK):
            totals[line.partner_id] += line.amount
    return dict(sorted(totals.items()))


def decimal_loop(plan: CommissionPlan, txns: list[Transaction]) -> dict[str, Decimal]:
    """The same plan as a straightforward loop over the public API."""
    schedule = plan.versions[0].components[0].schedule
    assert schedule is not None
    cumulative: dict[str, Decimal] = defaultdict(Decimal)
    earned_exact: dict[str, Decimal] = defaultdict(Decimal)
    earned_paid: dict[str, Decimal] = defaultdict(Decimal)
    by_sale: dict[str, dict[str, Decimal]] = {}
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    sales: dict[str, Transaction] = {}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for txn in txns:
        if txn.kind is TransactionKind.SALE:
            sales[txn.id] = txn
            shares = txn.shares()
            earned: dict[str, Decimal] = {}
            for credit, share in zip(txn.credits, shares, strict=True):
                pid = credit.partner_id
                before = cumulative[pid]
                after = before + share.amount
                cumulative[pid] = after
                exact = earned_exact[pid] + schedule.increment(before, after)
                earned_exact[pid] = exact
                paid = exact.quantize(CENT)
                line = paid - earned_paid[pid]
                earned_paid[pid] = paid
                earned[pid] = line
                totals[pid] += line
            by_sale[txn.id] = earned
        else:
            assert txn.refund_of is not None
            sale = sales[txn.refund_of]
            before = refunded[sale.id]
            after = before + txn.amount.amount
            refunded[sale.id] = after
            whole = sale.amount.amount
            for pid, amount in by_sale[sale.id].items():
                back = (amount * after / whole).quantize(CENT) - (amount * before / whole).quantize(
                    CENT
                )
                totals[pid] -= back
    return dict(totals)


def pandas_float(txns: list[Transaction]) -> tuple[dict[str, Decimal], int] | None:
    """The same plan with pandas and float64; ``None`` when pandas is not installed.

    Returns the per-partner totals and the number of rows (lines) computed."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        return None
    rows_partner: list[str] = []
    rows_amount: list[float] = []
    rows_sale: list[str] = []
    rows_seq: list[int] = []
    refunds: list[tuple[str, float, int]] = []
    for seq, txn in enumerate(txns):
        if txn.kind is TransactionKind.SALE:
            total = float(txn.amount.amount)
            for credit in txn.credits:
                rows_partner.append(credit.partner_id)
                rows_amount.append(round(total * float(credit.share) / 100, 2))
                rows_sale.append(txn.id)
                rows_seq.append(seq)
        else:
            assert txn.refund_of is not None
            refunds.append((txn.refund_of, float(txn.amount.amount), seq))
    frame = pd.DataFrame(
        {"partner": rows_partner, "amount": rows_amount, "sale": rows_sale, "seq": rows_seq}
    )
    frame["after"] = frame.groupby("partner")["amount"].cumsum()
    frame["before"] = frame["after"] - frame["amount"]

    def f(x: Any) -> Any:
        out = np.zeros_like(x)
        lower = 0.0
        paid = 0.0
        for upper, rate in TIERS:
            top = np.inf if upper is None else float(upper)
            out += np.clip(x - lower, 0, top - lower) * float(rate)
            if upper is not None:
                paid += (top - lower) * float(rate)
                lower = top
        return out

    frame["exact"] = f(frame["after"].to_numpy()) - f(frame["before"].to_numpy())
    frame["line"] = frame["exact"].round(2)
    totals = frame.groupby("partner")["line"].sum()
    if refunds:
        sale_totals = {t.id: float(t.amount.amount) for t in txns if t.kind is TransactionKind.SALE}
        refund_frame = pd.DataFrame(refunds, columns=["sale", "refund", "seq"])
        refund_frame["share"] = refund_frame["refund"] / refund_frame["sale"].map(sale_totals)
        merged = refund_frame.merge(frame[["sale", "partner", "line"]], on="sale")
        merged["back"] = (merged["line"] * merged["share"]).round(2)
        totals = totals.subtract(merged.groupby("partner")["back"].sum(), fill_value=0.0)
    result = {str(k): Decimal(repr(round(v, 2))) for k, v in totals.items()}
    return result, len(frame)


def _time(func: Any, repeat: int) -> tuple[float, float, Any]:
    """The median CPU time and wall time of *repeat* calls of *func*, and its result."""
    cpu: list[float] = []
    wall: list[float] = []
    result = None
    for _ in range(repeat):
        gc.collect()
        # As timeit does: full passes of the cyclic collector over millions of live objects
        # would otherwise be timed as well, and differently from case to case.
        gc.disable()
        try:
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            result = func()
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start_wall)
        finally:
            gc.enable()
    return statistics.median(cpu), statistics.median(wall), result


def _peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _row(case: str, count: int, cpu: float, wall: float, engine: float) -> dict[str, Any]:
    return {
        "case": case,
        "transactions": count,
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "tx_per_s": round(count / cpu) if cpu else 0,
        "vs_engine": round(cpu / engine, 2) if engine else 0.0,
        "peak_mib": "",
        "meets_goal": "",
        "wrong_partners": 0,
        "wrong_cents": 0,
    }


def run(
    n: int, partners: int, repeat: int, baseline_repeat: int, object_engine: bool
) -> list[dict[str, Any]]:
    """Run every case; return the table rows."""
    plan = make_plan()
    batch = make_transactions(n, partners)
    engine_cpu, engine_wall, exact = _time(lambda: engine_totals(plan, batch), repeat)
    # Peak resident memory so far: the input batch, the generation and the full runs.
    peak = _peak_bytes()
    count = len(batch)
    engine = _row("prmcore simulate (columnar)", count, engine_cpu, engine_wall, engine_cpu)
    engine["peak_mib"] = round(peak / 2**20)
    engine["meets_goal"] = bool(engine_cpu <= GOAL_SECONDS * n / 1_000_000 and peak <= GOAL_BYTES)
    rows = [engine]
    # The comparisons read transaction objects: built once, outside the timings.
    txns = list(batch)
    if object_engine:
        cpu, wall, totals = _time(lambda: object_totals(plan, txns), baseline_repeat)
        assert totals == exact, "the object engine disagrees with the columnar path"
        rows.append(_row("prmcore simulate (object engine)", count, cpu, wall, engine_cpu))
    cpu, wall, looped = _time(lambda: decimal_loop(plan, txns), baseline_repeat)
    assert looped == exact, "the plain Decimal loop disagrees with the engine"
    rows.append(_row("plain Decimal loop", count, cpu, wall, engine_cpu))
    cpu, wall, floated = _time(lambda: pandas_float(txns), baseline_repeat)
    if floated is None:
        rows.append({"case": "pandas float (pandas not installed)", "transactions": count})
    else:
        totals, _ = floated
        wrong = {
            pid: abs(totals.get(pid, Decimal(0)) - exact.get(pid, Decimal(0)))
            for pid in set(totals) | set(exact)
        }
        bad = {pid: d for pid, d in wrong.items() if d}
        row = _row("pandas float", count, cpu, wall, engine_cpu)
        row["wrong_partners"] = len(bad)
        row["wrong_cents"] = int(sum(bad.values(), Decimal(0)) * 100)
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print *rows* as an aligned text table."""
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline-repeat",
        type=int,
        default=None,
        help="runs of each comparison (default: --repeat)",
    )
    parser.add_argument(
        "--object-engine",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also time the object engine (default: up to 200,000 transactions)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    object_engine = args.object_engine
    if object_engine is None:
        object_engine = args.transactions <= 200_000
    rows = run(
        args.transactions,
        min(args.partners, max(2, args.transactions)),
        args.repeat,
        args.baseline_repeat or args.repeat,
        object_engine,
    )
    print(f"\n== commissions: {args.transactions:,} transactions ==")
    print_table(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "commissions",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "transactions": args.transactions,
        "partners": args.partners,
        "repeat": args.repeat,
        "baseline_repeat": args.baseline_repeat or args.repeat,
        "timing": "median CPU time (time.process_time) with the cyclic collector off",
        "goal": {"seconds_per_million": GOAL_SECONDS, "peak_bytes": GOAL_BYTES},
        "rows": rows,
    }
    path = args.out / "commissions.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
