"""Helpers for end-to-end runs: question files, the stand-in server, the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

STANDIN = Path(__file__).resolve().parents[1] / "standin"
sys.path.insert(0, str(STANDIN))


def write_questions(path: Path, n: int, *, extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    """A JSONL question file of stand-in questions (and ``extra`` questions, no gold)."""
    from standin_model import make_question

    lines = []
    for i in range(n):
        q, gold = make_question(i)
        lines.append({"id": f"q{i}", "question": q, "answer": gold})
    lines += [{"id": f"x{i}", "question": q, "answer": "none"} for i, q in enumerate(extra)]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    return path


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dontguess", "run", *args],
        capture_output=True,
        text=True,
        env=env or cli_env(),
        timeout=120,
    )


def graded(out: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (out / "graded.jsonl").read_text().splitlines()]


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    return write_questions(tmp_path / "q.jsonl", 40)
