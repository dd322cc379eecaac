"""Run prmcore's benchmarks: print a table and write JSON.

Usage::

    python benchmarks/run.py                      # every benchmark
    python benchmarks/run.py store_partners       # one by name
    python benchmarks/run.py --n 20000 --repeat 5 # smaller and more repeats

Each benchmark is measured ``--repeat`` times and reports the median, and compares against a
baseline measured in the same run on the same machine (shared machines are noisy: read the
ratios, not the absolute numbers). Results go to ``benchmarks/results/<name>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from prmcore.domain import Capacity, Location, Partner, PartnerKind, PartnerStatus
from prmcore.repositories import InMemoryStore, InMemoryUnitOfWork, SqliteStore, SqliteUnitOfWork
from prmcore.serialization import storage_converter

RESULTS = Path(__file__).resolve().parent / "results"

Row = dict[str, Any]
Benchmark = Callable[[argparse.Namespace], list[Row]]
BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    """Register a benchmark under *name*."""

    def register(func: Benchmark) -> Benchmark:
        BENCHMARKS[name] = func
        return func

    return register


@contextmanager
def stopwatch(samples: list[float]) -> Iterator[None]:
    """Append the wall time of the block, in seconds, to *samples*."""
    start = time.perf_counter()
    yield
    samples.append(time.perf_counter() - start)


_COUNTRIES = [("DE", "8"), ("US", "9"), ("GB", "SW1"), ("FR", "75"), ("JP", "100"), ("BR", "01")]


def sample_partners(n: int, seed: int = 7) -> list[Partner]:
    """*n* varied, valid partners, the same for the same seed."""
    rng = random.Random(seed)
    kinds = list(PartnerKind)
    partners = []
    for i in range(n):
        country, prefix = rng.choice(_COUNTRIES)
        partners.append(
            Partner(
                id=f"p-{i:07d}",
                name=f"Partner {i} {rng.choice(['GmbH', 'Ltd', 'Inc.', 'SAS', 'KK'])}",
                kind=rng.choice(kinds),
                status=PartnerStatus.ACTIVE,
                program_level_id=rng.choice(["silver", "gold", "platinum", None]),
                locations=(
                    Location(
                        country=country,
                        postal_code=f"{prefix}{rng.randrange(1000, 9999)}",
                        latitude=round(rng.uniform(-60, 60), 4),
                        longitude=round(rng.uniform(-150, 150), 4),
                    ),
                ),
                product_lines=tuple(sorted(rng.sample(["fw", "edr", "siem", "vpn"], k=2))),
                capacity=Capacity(max_open_leads=rng.randrange(5, 50)),
            )
        )
    return partners


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


@benchmark("store_partners")
def store_partners(args: argparse.Namespace) -> list[Row]:
    """Store and load N partners in one unit of work each way, in SQLite and in memory.

    Baseline: the same rows written and read with bare sqlite3 and orjson (the store's JSON
    codec) as plain dicts: no prmcore objects, no validation, no side tables. The ratio shows
    what the library's own work costs on top.
    Goal: at least 50,000 objects/s each way for SQLite.
    """
    partners = sample_partners(args.n)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        # Baseline: raw sqlite3 + json, same data.
        store_s: list[float] = []
        load_s: list[float] = []
        payload = [storage_converter.unstructure(p) for p in partners]
        for r in range(args.repeat):
            conn = sqlite3.connect(Path(tmp) / f"raw-{r}.sqlite3")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, version INT, data TEXT)")
            with stopwatch(store_s):
                conn.executemany(
                    "INSERT INTO t VALUES (?, 1, ?)",
                    ((d["id"], orjson.dumps(d).decode()) for d in payload),
                )
                conn.commit()
            with stopwatch(load_s):
                loaded = [orjson.loads(data) for (data,) in conn.execute("SELECT data FROM t")]
            assert len(loaded) == args.n
            conn.close()
        rows.append(_store_row("bare sqlite3+orjson (baseline)", args.n, store_s, load_s))

        for label, make in (
            ("SqliteStore", lambda r: SqliteStore(Path(tmp) / f"prm-{r}.sqlite3")),
            ("InMemoryStore", lambda r: InMemoryStore()),
        ):
            store_s, load_s = [], []
            for r in range(args.repeat):
                store: Any = make(r)
                uow_type: Any = SqliteUnitOfWork if label == "SqliteStore" else InMemoryUnitOfWork
                with stopwatch(store_s), uow_type(store) as uow:
                    uow.partners.add_many(partners)
                    uow.commit()
                with stopwatch(load_s), uow_type(store) as uow:
                    got = uow.partners.list()
                assert len(got) == args.n, (label, len(got))
                assert got[0].id == partners[0].id
                assert got[-1] == _v1(partners[-1])
                close = getattr(store, "close", None)
                if close is not None:
                    close()
            rows.append(_store_row(label, args.n, store_s, load_s))
    baseline = rows[0]
    for row in rows:
        row["store_vs_baseline"] = round(baseline["store_per_s"] / row["store_per_s"], 2)
        row["load_vs_baseline"] = round(baseline["load_per_s"] / row["load_per_s"], 2)
        row["meets_goal_50k"] = row["store_per_s"] >= 50_000 and row["load_per_s"] >= 50_000
    return rows


def _v1(partner: Partner) -> Partner:
    import attrs

    return attrs.evolve(partner, version=1)


def _store_row(label: str, n: int, store_s: list[float], load_s: list[float]) -> Row:
    store_med = statistics.median(store_s)
    load_med = statistics.median(load_s)
    return {
        "case": label,
        "objects": n,
        "store_median_s": round(store_med, 4),
        "load_median_s": round(load_med, 4),
        "store_per_s": round(_rate(n, store_med)),
        "load_per_s": round(_rate(n, load_med)),
    }


@benchmark("commissions")
def commissions(args: argparse.Namespace) -> list[Row]:
    """Credit N transactions for up to 10,000 partners over 12 months under a graduated
    year-to-date schedule (10% splits, 2% refunds), against a plain Decimal loop and a pandas
    float version; see ``benchmarks/commissions.py`` (which runs 1,000,000 by default).
    Goal: 1,000,000 transactions in at most 10 s, at most 2 GiB peak memory."""
    from commissions import run as run_commissions

    return run_commissions(
        args.n, min(10_000, max(2, args.n // 100)), args.repeat, args.repeat, args.n <= 200_000
    )


@benchmark("lead_routing")
def lead_routing(args: argparse.Namespace) -> list[Row]:
    """Route N leads (default 100,000) over 2,000 territories and 10,000 partners with tracing
    off, against the same router testing every territory's rule for every lead (on a sample,
    checked for identical decisions), and again at 10x the territories.

    Goals: at least 20,000 leads/s; at least 50x faster than the brute force; per-lead cost at
    10x the territories at most 3x. See ``benchmarks/lead_routing.py``.
    """
    import lead_routing as routing_benchmark

    rows: list[Row] = routing_benchmark.run(args.n, args.repeat)
    return rows


@benchmark("deal_conflicts")
def deal_conflicts(args: argparse.Namespace) -> list[Row]:
    """Conflict checks of N/10 new deal registrations against 2N stored ones, self-dedup of N,
    peak memory, and brute-force rapidfuzz ``cdist`` on a subsample: the figures of
    ``benchmarks/deal_conflicts.py`` (which see) at sizes from ``--n``.
    Goals at N = 100,000: p50 <= 2 ms, p99 <= 20 ms, dedup <= 30 s, peak <= 2 GiB.
    """
    import deal_conflicts as bench  # the script beside this one

    rows = bench.run(
        stored=2 * args.n,
        checks=max(args.n // 10, 10),
        dedup=args.n,
        brute=min(200, max(args.n // 100, 5)),
        cutoff=70.0,
        seed=5,
    )
    return bench.flatten(rows)


def print_table(name: str, rows: list[Row]) -> None:
    """Print *rows* as an aligned text table under a heading."""
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print(f"\n== {name} ==")
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all of {list(BENCHMARKS)})"
    )
    parser.add_argument("--n", type=int, default=100_000, help="objects per run")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per case; the median is reported"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for JSON results")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; known: {sorted(BENCHMARKS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(BENCHMARKS):
        rows = BENCHMARKS[name](args)
        print_table(name, rows)
        result = {
            "benchmark": name,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "n": args.n,
            "repeat": args.repeat,
            "rows": rows,
        }
        path = args.out / f"{name}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
