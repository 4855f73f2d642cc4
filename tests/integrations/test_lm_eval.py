"""lm-evaluation-harness: a real ``lm_eval`` run of the shipped tasks against the stand-in.

One ``lm_eval --model local-chat-completions --include_path $(dontguess integrations
lm-eval-path)`` run of the closed and t = 0.5 tasks; its per-t metrics must equal the rows
``dontguess run`` computes for the same questions, and ``dontguess score`` on its samples
files must agree. Unit tests check process_results and the aggregations by hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("lm_eval")

from standin_fixture import standin

from dontguess.integrations.lm_eval import aggregate, grade_doc, prompt, tasks_path

from .conftest import clean_env, dontguess, summary_rows, write_questions

N = 12
TASKS = ("dontguess_simpleqa_closed", "dontguess_simpleqa_t0.5")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("lm_eval")
    questions = write_questions(tmp / "q.jsonl", N)
    include = dontguess("integrations", "lm-eval-path")
    assert include.returncode == 0, include.stderr
    lm_eval = Path(sys.executable).with_name("lm_eval")
    with standin() as server:
        args = f"model=standin,base_url={server.url}/chat/completions,num_concurrent=1,"
        proc = subprocess.run(
            [str(lm_eval), "--model", "local-chat-completions", "--apply_chat_template",
             "--model_args", args + "max_retries=1,tokenized_requests=False",
             "--include_path", include.stdout.strip(), "--tasks", ",".join(TASKS),
             "--metadata", json.dumps({"dataset": str(questions)}), "--log_samples",
             "--output_path", str(tmp / "out")],
            capture_output=True, text=True, timeout=300,
            env=clean_env(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1"),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert server.stats()["paths"] == {"/v1/chat/completions": N * len(TASKS)}
        run = dontguess("run", "--model", f"openai:standin@{server.url}", "--dataset",
                        str(questions), "--out", str(tmp / "run"), "--rubric", "closed,open",
                        "--targets", "0,0.5,0.75,0.9", "--format", "csv",
                        "--no-progress")  # fmt: skip
        assert run.returncode == 0, run.stderr
    (results,) = (tmp / "out").glob("*/results_*.json")
    return {
        "results": json.loads(results.read_text())["results"],
        "samples": {t: next((tmp / "out").glob(f"*/samples_{t}_*.jsonl")) for t in TASKS},
        "rows": summary_rows(tmp / "run"),
    }


def test_closed_task_metrics_equal_dontguess_run(runs: dict[str, Any]) -> None:
    got = runs["results"]["dontguess_simpleqa_closed"]
    closed = [r for r in runs["rows"] if r["stated_target"] is None]
    assert len(closed) == 4
    for row in closed:
        name = f"score_t{row['score_target']:g},none"
        assert got[name] == pytest.approx(row["score"], abs=1e-12), name
    assert got["error_rate,none"] == pytest.approx(closed[0]["error_rate"])
    assert got["abstention_rate,none"] == pytest.approx(closed[0]["abstention_rate"])
    assert 0 < closed[0]["n_correct"] < N  # both kinds of answer occur


def test_open_task_metric_equals_dontguess_run(runs: dict[str, Any]) -> None:
    got = runs["results"]["dontguess_simpleqa_t0.5"]
    row = next(r for r in runs["rows"] if r["stated_target"] == 0.5)
    assert got["score_t0.5,none"] == pytest.approx(row["score"], abs=1e-12)
    assert got["abstention_rate,none"] == pytest.approx(row["abstention_rate"])
    assert row["abstention_rate"] > 0  # the stated target made the stand-in abstain


@pytest.mark.parametrize("task", TASKS)
def test_dontguess_score_reads_the_samples_back(runs: dict[str, Any], task: str) -> None:
    proc = dontguess("score", str(runs["samples"][task]), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    rows = doc["rows"] if isinstance(doc, dict) else doc
    got = runs["results"][task]
    assert len({r["model"] for r in rows}) == 1  # one record per document, not per metric
    for row in rows:
        assert row["n"] == N and row["n_ungraded"] == 0
        assert row["score"] == pytest.approx(got[f"score_t{row['score_target']:g},none"])


def test_process_results_and_aggregations_by_hand() -> None:
    doc = {"question": "Capital of France?", "answers": ["Paris"]}
    letters = [grade_doc(doc, [r])["score_t0.5"]
               for r in ("Paris.", "Lyon", "I don't know.", "Paris or Lyon")]  # fmt: skip
    assert letters == ["C", "I", "N", None]
    # 1 right, 1 wrong, 1 abstained, 1 ungraded: (1 - t/(1-t)) / 3 at each t
    assert aggregate("score_t0", letters) == pytest.approx(1 / 3)
    assert aggregate("score_t0.75", letters) == pytest.approx((1 - 3) / 3)
    assert aggregate("error_rate", letters) == pytest.approx(1 / 3)


def test_shipped_tasks_use_dontguess_wording() -> None:
    from dontguess.prompts import TEMPLATES, render

    names = sorted(p.name for p in tasks_path().glob("*.yaml"))
    assert names == ["dontguess_simpleqa.yaml", "dontguess_simpleqa_closed.yaml",
                     "dontguess_simpleqa_t0.5.yaml", "dontguess_simpleqa_t0.75.yaml",
                     "dontguess_simpleqa_t0.9.yaml", "dontguess_simpleqa_t0.yaml"]  # fmt: skip
    assert prompt({"question": "Q?"}, 0.75) == render(TEMPLATES["penalty"], "Q?", 0.75)
    assert prompt({"question": "Q?"}, 0.0) == render(TEMPLATES["zero"], "Q?", 0.0)
    assert os.fspath(tasks_path()).endswith(os.path.join("integrations", "lm_eval", "tasks"))
