"""`dontguess run` against an HTTP model imports no heavy library (start-up stays light)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from standin_fixture import standin

from .conftest import cli_env

HEAVY = ("pandas", "torch", "transformers", "matplotlib", "duckdb", "pyspark", "datasets")

SCRIPT = """
import sys
from dontguess.cli import main
rc = main(sys.argv[1:])
heavy = [m for m in {heavy!r} if m in sys.modules]
print("HEAVY", heavy, "RC", rc)
"""


def test_no_heavy_imports_on_the_run_path(tmp_path: Path, questions: Path) -> None:
    with standin() as s:
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(heavy=HEAVY), "run", "--model",
             f"openai:standin@{s.url}", "--dataset", str(questions), "--targets", "0.5",
             "--out", str(tmp_path / "run"), "--format", "csv"],
            capture_output=True, text=True, env=cli_env(), timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY [] RC 0" in proc.stdout, proc.stdout[-500:]
