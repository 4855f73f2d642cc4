"""bench/score_throughput.py runs and checks itself on a small table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_script_runs_small() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "score_throughput.py"), "--n", "30000",
         "--loop-n", "5000", "--repeat", "1", "--seed", "3"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "loop and summarize agree on the slice" in out.stdout
    assert "M records/s" in out.stdout and "speed-up" in out.stdout
