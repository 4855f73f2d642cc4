"""bench/score_throughput.py runs its process comparison on a small file and checks counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_script_runs_small() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "score_throughput.py"), "--n", "20000",
         "--repeat", "1", "--seed", "3"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    assert "every count checked" in out.stdout
    for name in ("pyarrow", "score", "score-b0"):
        assert any(line.startswith(name + " ") for line in out.stdout.splitlines()), name
    assert "x pyarrow" in out.stdout and "load average" in out.stdout


def test_id_codes_bench_runs_small(tmp_path: Path) -> None:
    """bench/id_codes.py on a small file: both ways give the same codes (it checks)."""
    path = tmp_path / "small.parquet"
    bench = ROOT / "bench"
    subprocess.run(
        [sys.executable, str(bench / "score_throughput.py"), "--write-only", "--n", "30000",
         "--file", str(path)],
        check=True, timeout=120,
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, str(bench / "id_codes.py"), str(path), "--repeat", "1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "ids     hash text" in out.stdout and "targets hash" in out.stdout
