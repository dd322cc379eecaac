"""The labelled evaluation set and the precision/recall goal of customer matching."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from prmcore.conflicts._evaluation import (
    NEGATIVE_KINDS,
    POSITIVE_KINDS,
    evaluate,
    labelled_pairs,
)

ROOT = Path(__file__).resolve().parents[3]


def test_labelled_set_is_large_deterministic_and_balanced() -> None:
    pairs = labelled_pairs()
    assert len(pairs) >= 2000
    assert pairs == labelled_pairs()
    assert pairs != labelled_pairs(seed=1)
    kinds = {p.kind for p in pairs}
    assert kinds == {*POSITIVE_KINDS, *NEGATIVE_KINDS}
    assert all(p.same for p in pairs if p.kind in POSITIVE_KINDS)
    assert not any(p.same for p in pairs if p.kind in NEGATIVE_KINDS)
    scripts = "".join(p.a.name + p.b.name for p in pairs)
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts)  # Cyrillic
    assert any("\u3040" <= ch <= "\u30ff" for ch in scripts)  # Japanese kana
    assert any("\uac00" <= ch <= "\ud7af" for ch in scripts)  # Hangul
    assert any("\u0370" <= ch <= "\u03ff" for ch in scripts)  # Greek


def test_matching_meets_the_precision_and_recall_goal() -> None:
    rows = evaluate(labelled_pairs())
    overall = rows[-1]
    assert overall["kind"] == "overall"
    assert overall["pairs"] >= 2000
    assert overall["precision"] is not None
    assert overall["precision"] >= 0.98
    assert overall["recall"] is not None
    assert overall["recall"] >= 0.95
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["word_order_negative"]["fp"] == 0  # "Bank of America" / "America First Bank"
    assert by_kind["parent_subsidiary"]["fp"] == 0


def test_harness_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "company_matching.py"),
            "--per-kind",
            "20",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "== company_matching" in result.stdout
    assert "transliteration" in result.stdout
    data = json.loads((tmp_path / "company_matching.json").read_text())
    assert data["pairs"] == 20 * (len(POSITIVE_KINDS) + len(NEGATIVE_KINDS))
    assert data["rows"][-1]["kind"] == "overall"
