"""Self-contained runs: graded files alone audit and re-grade a run (question file gone).

The model is the stand-in server process; the prompts it received (its /stats bodies) must
be exactly the prompts rebuilt from the graded records and spec.json, and every record's
answer must be the stand-in's reply to that prompt.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from standin_fixture import standin
from standin_model import answer, make_question

from dontguess.records import ITEM_COLUMNS
from dontguess.runner import rebuild_prompt

from .conftest import cli_env, graded, run_cli

TEMPLATE = (
    "Only answer if over {percent}% sure (t = {target}; a mistake costs {penalty}).\nQ: {question}"
)


def _questions(path: Path, n: int) -> Path:
    rows = []
    for i in range(n):
        q, gold = make_question(i)
        rows.append({"id": f"q{i}", "question": q, "answer": [gold, f"{gold}.0"],
                     "topic": "odd" if i % 2 else "even"})  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _dontguess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dontguess", *args],
        capture_output=True, text=True, env=cli_env(), timeout=120,
    )  # fmt: skip


def _score(path: Path) -> list[dict[str, Any]]:
    done = _dontguess("score", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)["rows"]
    return rows


def test_graded_files_rebuild_prompts_and_regrade_without_the_question_file(
    tmp_path: Path,
) -> None:
    qfile, template = _questions(tmp_path / "q.jsonl", 20), tmp_path / "t.txt"
    template.write_text(TEMPLATE)
    run_dir, new = tmp_path / "run", tmp_path / "regraded"
    with standin() as model:
        done = run_cli(["--model", f"openai:standin@{model.url}", "--dataset", str(qfile),
                        "--group-col", "topic", "--targets", "0.75", "--template",
                        str(template), "--out", str(run_dir)])  # fmt: skip
        assert done.returncode == 0, done.stderr
        stats = model.stats()
        received = [b["messages"][-1]["content"] for b in stats["bodies"]]
        qfile.unlink()  # the question set is gone
        regraded = _dontguess("grade", str(run_dir), "--grader", "rules", "--out", str(new))
        assert regraded.returncode == 0, regraded.stderr
        assert model.stats()["received"] == stats["received"] == 40  # never asked again
    rows, spec = graded(run_dir), json.loads((run_dir / "spec.json").read_text())
    prompts = [rebuild_prompt(r, spec["templates"]) for r in rows]
    assert sorted(prompts) == sorted(received) and len(set(prompts)) == 40
    for i, row in enumerate(rows[:20]):  # the closed rubric: the question alone
        q, gold = make_question(i)
        assert (row["question"], row["gold_answers"], row["topic"]) == (
            q, [gold, f"{gold}.0"], "odd" if i % 2 else "even",
        )  # fmt: skip
    assert [r["answer"] for r in rows] == [answer(p) for p in prompts]  # the reply text
    assert any("Only answer if over 75% sure" in p for p in prompts)
    assert pq.read_table(run_dir / "graded.parquet").to_pylist() == rows
    new_rows = graded(new)
    assert [(r["verdict"], r["answer"]) for r in new_rows] == [
        (r["verdict"], r["answer"]) for r in rows
    ]
    assert [{c: r[c] for c in ITEM_COLUMNS} for r in new_rows] == [
        {c: r[c] for c in ITEM_COLUMNS} for r in rows
    ]
    assert json.loads((new / "spec.json").read_text())["templates"] == spec["templates"]
    assert _score(run_dir) == _score(new)
    report = _dontguess("report", str(run_dir), "--out", str(tmp_path / "r.html"))
    assert report.returncode == 0, report.stderr


def _scripted_run(tmp_path: Path) -> tuple[Path, Path]:
    qfile, run_dir = _questions(tmp_path / "q.jsonl", 6), tmp_path / "run"
    done = run_cli(["--model", "scripted:calibrated", "--dataset", str(qfile), "--targets",
                    "0.5", "--out", str(run_dir)])  # fmt: skip
    assert done.returncode == 0, done.stderr
    return qfile, run_dir


def _rewrite(run_dir: Path, change: Any) -> None:
    rows = [change(r) for r in graded(run_dir)]
    (run_dir / "graded.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_records_changed_by_hand_are_refused(tmp_path: Path) -> None:
    qfile, run_dir = _scripted_run(tmp_path)
    qfile.unlink()

    def other_gold(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "gold_answers": ["99"]} if row["item_id"] == "q2" else row

    _rewrite(run_dir, other_gold)
    done = _dontguess("grade", str(run_dir), "--grader", "rules", "--out", str(tmp_path / "g"))
    assert done.returncode == 2
    assert "hash to" in done.stderr and "--dataset" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "g").exists()


def test_a_present_question_file_is_still_checked(tmp_path: Path) -> None:
    qfile, run_dir = _scripted_run(tmp_path)
    qfile.write_text(qfile.read_text().replace("What is 1 plus 2?", "What is 1 plus 3?"))
    done = _dontguess("grade", str(run_dir), "--grader", "rules", "--out", str(tmp_path / "g"))
    assert done.returncode == 2 and "is not the one" in done.stderr


def test_runs_made_before_records_kept_questions_still_need_the_file(tmp_path: Path) -> None:
    qfile, run_dir = _scripted_run(tmp_path)
    _rewrite(run_dir, lambda r: {k: v for k, v in r.items() if k not in ITEM_COLUMNS})
    (run_dir / "graded.parquet").unlink()  # an old run's files: no question columns
    kept = qfile.read_text()
    qfile.unlink()
    missing = _dontguess("grade", str(run_dir), "--grader", "rules", "--out", str(tmp_path / "a"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert str(qfile) in missing.stderr and "records do not keep their questions" in missing.stderr
    qfile.write_text(kept)
    done = _dontguess("grade", str(run_dir), "--grader", "rules", "--out", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    assert graded(tmp_path / "b")[0]["question"] == "What is 1 plus 2?"  # now self-contained
    assert len(_score(run_dir)) == len(_score(tmp_path / "b"))


def test_a_built_in_set_is_regraded_offline_without_its_data(
    tmp_path: Path, shared_data: Path
) -> None:
    """simpleqa read from the data folder; grade with no data folder, offline, empty cache."""
    run_dir = tmp_path / "run"
    env = cli_env(DONTGUESS_DATA_DIR=str(shared_data))
    done = run_cli(["--model", "scripted:calibrated", "--dataset", "simpleqa", "--limit", "30",
                    "--targets", "0.75", "--out", str(run_dir)], env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    bare = {k: v for k, v in cli_env().items() if k != "DONTGUESS_DATA_DIR"}
    bare |= {"DONTGUESS_OFFLINE": "1", "DONTGUESS_CACHE": str(tmp_path / "empty")}
    regraded = subprocess.run(
        [sys.executable, "-m", "dontguess", "grade", str(run_dir), "--grader", "rules",
         "--out", str(tmp_path / "g")],
        capture_output=True, text=True, env=bare, timeout=120,
    )  # fmt: skip
    assert regraded.returncode == 0, regraded.stderr
    assert [r["verdict"] for r in graded(tmp_path / "g")] == [r["verdict"] for r in graded(run_dir)]
    assert not (tmp_path / "empty").exists()  # nothing was downloaded
