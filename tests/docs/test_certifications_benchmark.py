"""The certifications benchmark keeps working: a tiny run prints its table and writes JSON.

This checks the script, not speed: timings are never asserted in the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_certifications_benchmark_writes_json_and_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "certifications.py"),
            "--partners",
            "40",
            "--repeat",
            "1",
            "--naive-sample",
            "5",
            "--one-by-one-sample",
            "40",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "== certifications: 40 partners, 400 people ==" in result.stdout
    data = json.loads((tmp_path / "certifications.json").read_text())
    assert (data["partners"], data["people"]) == (40, 400)
    assert data["naive_agrees"] is True
    assert data["reminders_in_year"] > 0
    cases = [row["case"] for row in data["rows"]]
    assert cases[:2] == [
        "evaluate every partner (ProgramEvaluator)",
        "  of which: build the AwardIndex",
    ]
    assert cases[2].startswith("engine functions one by one")
    assert cases[3] == "a year of reminders"
    assert cases[4].startswith("naive per-partner scan")
    assert data["evaluator_equals_one_by_one"] is True
    assert all(row["median_cpu_s"] >= 0 for row in data["rows"])
