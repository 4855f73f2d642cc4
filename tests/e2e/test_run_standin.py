"""`dontguess run` end to end through a real HTTP server process on 127.0.0.1."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

from standin_fixture import standin
from standin_model import expected_verdict

from .conftest import cli_env, graded, run_cli, write_questions

SECRET = "sk-test-SECRET"


def _questions(path: Path) -> dict[str, str]:
    return {json.loads(x)["id"]: json.loads(x)["question"] for x in path.read_text().splitlines()}


def test_open_and_closed_at_several_targets(tmp_path: Path, questions: Path) -> None:
    out = tmp_path / "run"
    with standin() as s:
        proc = run_cli(
            ["--model", f"openai:standin@{s.url}", "--dataset", str(questions),
             "--targets", "0,0.5,0.9", "--rubric", "open,closed", "--out", str(out),
             "--format", "json"],
            env=cli_env(OPENAI_API_KEY=SECRET),
        )  # fmt: skip
        stats = s.stats()
    assert proc.returncode == 0, proc.stderr
    assert stats["auth"] == {"Bearer ": 160}
    assert set(stats["answered"].values()) == {1}  # each request sent exactly once
    qs = _questions(questions)
    rows = graded(out)
    assert len(rows) == 40 * 4
    for row in rows:
        t = row["stated_target"]
        assert row["verdict"] == expected_verdict(qs[row["item_id"]], t), row
        assert row["style"] == (None if t is None else "penalty")
    assert Counter(r["stated_target"] for r in rows) == {None: 40, 0.0: 40, 0.5: 40, 0.9: 40}
    assert (out / "DONE").exists()
    summary = json.loads(proc.stdout)
    open_rows = [r for r in summary["rows"] if r["stated_target"] == 0.9]
    n_ok = sum(expected_verdict(q, 0.9) == "correct" for q in qs.values())
    assert open_rows and open_rows[0]["n_correct"] == n_ok
    for path in out.iterdir():
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in proc.stdout + proc.stderr


def test_reward_style_and_user_template(tmp_path: Path, questions: Path) -> None:
    template = tmp_path / "t.txt"
    template.write_text("Only answer if over {percent}% sure (t = {target}).\n{question}")
    out = tmp_path / "run"
    with standin() as s:
        proc = run_cli(
            ["--model", f"openai:standin@{s.url}", "--dataset", str(questions), "--targets",
             "0.75", "--rubric", "open", "--style", "reward", "--template", str(template),
             "--out", str(out), "--limit", "10"],
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = graded(out)
    qs = _questions(questions)
    assert len(rows) == 10 and {r["style"] for r in rows} == {"reward"}
    assert all(r["verdict"] == expected_verdict(qs[r["item_id"]], 0.75) for r in rows)
    spec = json.loads((out / "spec.json").read_text())
    (cond,) = spec["spec"]["conditions"]
    assert cond["template_hash"] == rows[0]["template_hash"] and len(cond["template_hash"]) == 12
    assert "score" in proc.stdout or "Score" in proc.stdout


def test_faults_are_retried_or_reported(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 60, extra=["BAD REQUEST: please?"])
    out = tmp_path / "run"
    with standin("--fail-rate", "0.2", "--seed", "3", "--hang-s", "5") as s:
        proc = run_cli(
            ["--model", f"openai:standin@{s.url}", "--dataset", str(questions),
             "--targets", "0.5", "--out", str(out), "--timeout", "2",
             "--max-retries", "8", "--retry-delay", "0.01", "--concurrency", "16"],
        )  # fmt: skip
        stats = s.stats()
    assert proc.returncode == 1, proc.stderr
    assert "2 of 122 requests ended in error" in proc.stderr
    assert "HTTP 400: bad question (code 17)" in proc.stderr
    # ~30 faults are injected; each kind is also tested alone in tests/backends
    assert sum(stats["faults"].values()) >= 10 and len(stats["faults"]) >= 4
    assert max(stats["attempts"].values()) <= 9  # retries bounded
    # nothing answered twice (a normal reply slower than --timeout would be; 2 s is ample)
    assert set(stats["answered"].values()) == {1}
    assert len(stats["answered"]) == 122
    rows = graded(out)
    keys = Counter((r["item_id"], r["stated_target"]) for r in rows)
    assert len(keys) == 122 and set(keys.values()) == {1}  # none lost or duplicated
    qs = _questions(questions)
    for r in rows:
        if r["item_id"].startswith("x"):
            assert r["verdict"] is None and "HTTP 400" in r["ungraded_reason"]
        else:
            assert r["verdict"] == expected_verdict(qs[r["item_id"]], r["stated_target"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["requests"]["errors"] == 2
    closed = [r for r in summary["rows"] if r["stated_target"] is None]
    assert closed and all(math.isclose(r["ungraded_rate"], 1 / 61) for r in closed)
