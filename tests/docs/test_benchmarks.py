"""The benchmark runner keeps working: a tiny run prints a table and writes JSON.

This checks the script, not speed: timings are never asserted in the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runner_writes_json_and_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--n",
            "300",
            "--repeat",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "== store_partners ==" in result.stdout
    data = json.loads((tmp_path / "store_partners.json").read_text())
    cases = [row["case"] for row in data["rows"]]
    assert cases == ["bare sqlite3+orjson (baseline)", "SqliteStore", "InMemoryStore"]
    assert all(row["objects"] == 300 and row["store_per_s"] > 0 for row in data["rows"])
    assert "== commissions ==" in result.stdout
    commissions = json.loads((tmp_path / "commissions.json").read_text())
    rows = {row["case"]: row for row in commissions["rows"]}
    assert set(rows) == {
        "prmcore simulate (columnar)",
        "prmcore simulate (object engine)",
        "plain Decimal loop",
        "pandas float",
    }
    engine = rows["prmcore simulate (columnar)"]
    assert engine["transactions"] == 300
    assert engine["tx_per_s"] > 0
    assert engine["peak_mib"] > 0
    assert rows["plain Decimal loop"]["wrong_cents"] == 0
    assert rows["prmcore simulate (object engine)"]["wrong_cents"] == 0


def test_unknown_benchmark_is_an_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "unknown benchmark" in result.stderr
