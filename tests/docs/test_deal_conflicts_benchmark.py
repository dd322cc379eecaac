"""The deal-conflict benchmark keeps working: a tiny run prints its table and writes JSON.

This checks the script, not speed: timings are never asserted in the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deal_conflicts_benchmark_runs_small(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "deal_conflicts.py"),
            "--stored", "400", "--checks", "40", "--dedup", "200", "--brute", "10",
            "--out", str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "== deal_conflicts ==" in result.stdout
    data = json.loads((tmp_path / "deal_conflicts.json").read_text())
    parts = [row["part"] for row in data["rows"]]
    assert parts == ["checks", "brute force (rapidfuzz cdist)", "self-dedup", "memory"]
    checks, brute, dedup, memory = data["rows"]
    assert checks["checked"] == 40
    assert 0 < checks["p50_ms"] <= checks["p99_ms"] <= checks["max_ms"]
    assert brute["checked"] == 10
    assert brute["brute_matches"] >= 1
    assert 0 <= brute["recall_vs_brute"] <= 1
    assert dedup["baseline_size"] == 200  # the whole dedup set, at this size
    assert dedup["same_pairs_as_baseline"] is True
    assert dedup["baseline_candidate_pairs"] >= dedup["duplicate_pairs"]
    assert memory["peak_rss_gib"] > 0


def test_the_runner_runs_it_by_name(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "deal_conflicts",
            "--n", "200",
            "--out", str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "== deal_conflicts ==" in result.stdout
    rows = json.loads((tmp_path / "deal_conflicts.json").read_text())["rows"]
    assert {"part", "metric", "value", "goal"} == set(rows[0])
    assert any(r["metric"] == "p50_ms" for r in rows)
