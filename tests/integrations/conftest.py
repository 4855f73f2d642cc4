"""Helpers for the integration tests: stand-in questions, the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests" / "standin"
sys.path.insert(0, str(STANDIN))


def write_questions(path: Path, n: int) -> Path:
    """A JSONL file of ``n`` stand-in questions (``id``, ``question``, ``answer``)."""
    from standin_model import make_question

    rows = []
    for i in range(n):
        q, gold = make_question(i)
        rows.append({"id": f"q{i}", "question": q, "answer": gold})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any OPENAI_* variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(extra)
    return env


def dontguess(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``dontguess ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "dontguess", *args],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=timeout,
    )


def summary_rows(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((out / "summary.json").read_text())["rows"]
    return rows
