"""Evaluate customer matching on a generated, labelled set of company pairs.

Usage::

    python benchmarks/company_matching.py                  # default seed and size
    python benchmarks/company_matching.py --seed 7 --per-kind 300

The set comes from ``prmcore.conflicts._evaluation.labelled_pairs``: base companies from many
countries and scripts, positive pairs under realistic corruptions (legal forms, typos,
transliteration, word order, abbreviations and acronyms, subdomains, e-mails, two at once) and
hard negatives (shared words with different domains, names one word apart, "Bank of America"
vs "America First Bank", parent vs subsidiary with different domains, unrelated companies
sharing a free-mail domain). The same seed gives the same set.

A pair counts as predicted "same company" when its band is ``match``; ``review`` is counted
apart and, for precision and recall, as "not the same". Prints precision, recall and F1 per
kind and overall, and writes ``benchmarks/results/company_matching.json``.
Goal: precision at least 0.98 and recall at least 0.95 overall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from prmcore.conflicts import MatchConfig
from prmcore.conflicts._evaluation import evaluate, labelled_pairs

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_PRECISION = 0.98
GOAL_RECALL = 0.95


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print *rows* as an aligned text table."""
    columns = list(rows[0])
    cells = [[("—" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; return 0 when the goals are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=20260101, help="seed of the labelled set")
    parser.add_argument("--per-kind", type=int, default=170, help="pairs per kind")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for JSON results")
    args = parser.parse_args(argv)

    pairs = labelled_pairs(seed=args.seed, per_kind=args.per_kind)
    start = time.perf_counter()
    rows = evaluate(pairs, MatchConfig())
    seconds = time.perf_counter() - start
    print(f"\n== company_matching: {len(pairs)} labelled pairs, seed {args.seed} ==")
    print_table(rows)
    overall = rows[-1]
    met = (overall["precision"] or 0) >= GOAL_PRECISION and (overall["recall"] or 0) >= GOAL_RECALL
    print(
        f"\noverall precision {overall['precision']}, recall {overall['recall']}, "
        f"F1 {overall['f1']} (goal: precision >= {GOAL_PRECISION}, recall >= {GOAL_RECALL}: "
        f"{'met' if met else 'NOT met'}); {len(pairs) / seconds:,.0f} pairs/s"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "company_matching",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "seed": args.seed,
        "pairs": len(pairs),
        "goal": {"precision": GOAL_PRECISION, "recall": GOAL_RECALL},
        "goal_met": met,
        "pairs_per_s": round(len(pairs) / seconds),
        "rows": rows,
    }
    path = args.out / "company_matching.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
