"""inspect_ai: a real eval of examples/inspect_simpleqa.py against the stand-in server.

One subprocess runs inspect's ``eval()`` on two tasks (closed rubric, and t = 0.5 stated)
with the dontguess scorer; the logs' C / I / N counts and metric values must equal the
rows ``dontguess run`` computes for the same questions, and ``dontguess score`` on each
log must agree too. Unit tests cover the scorer's pieces with inspect's offline
``mockllm`` model.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("inspect_ai")

from standin_fixture import standin

from dontguess.errors import InputError
from dontguess.records import Item, Reply

from .conftest import ROOT, clean_env, dontguess, summary_rows, write_questions

N = 16
TARGETS = (0.0, 0.5, 0.75, 0.9)
_EVAL = """
import sys
from inspect_ai import eval
sys.path.insert(0, "examples")
from inspect_simpleqa import simpleqa
q, logs = sys.argv[1], sys.argv[2]
done = eval([simpleqa(dataset=q), simpleqa(dataset=q, target=0.5)],
            model="openai-api/local/standin", log_dir=logs, display="none", log_format="json")
for log in done:
    print("LOG", log.status, log.location)
"""


def _counts(rows: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    r = rows[0]
    return r["n_correct"], r["n_incorrect"], r["n_abstained"], r["n_ungraded"]


def _log_counts(log: Any) -> tuple[int, int, int, int]:
    values = [s.scores["confidence_target"].value for s in log.samples]
    letters = [v for v in values if isinstance(v, str)]
    return (letters.count("C"), letters.count("I"), letters.count("N"),
            sum(1 for v in values if isinstance(v, float) and math.isnan(v)))  # fmt: skip


def _metrics(log: Any) -> dict[str, float]:
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two inspect logs and the dontguess run of the same questions and server."""
    tmp = tmp_path_factory.mktemp("inspect")
    questions = write_questions(tmp / "q.jsonl", N)
    with standin() as server:
        env = clean_env(LOCAL_BASE_URL=server.url, LOCAL_API_KEY="none")
        proc = subprocess.run(
            [sys.executable, "-c", _EVAL, str(questions), str(tmp / "logs")],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        run = dontguess("run", "--model", f"openai:standin@{server.url}", "--dataset",
                        str(questions), "--out", str(tmp / "run"), "--rubric", "closed,open",
                        "--targets", "0,0.5,0.75,0.9", "--format", "csv",
                        "--no-progress")  # fmt: skip
        assert run.returncode == 0, run.stderr
    from inspect_ai.log import read_eval_log

    paths = [line.split(" ", 2)[2] for line in proc.stdout.splitlines() if line.startswith("LOG")]
    logs = [read_eval_log(p) for p in paths]
    assert [log.status for log in logs] == ["success", "success"]
    return {"closed": logs[0], "open": logs[1], "paths": paths, "rows": summary_rows(tmp / "run")}


def test_closed_rubric_log_equals_dontguess_run(runs: dict[str, Any]) -> None:
    closed = [r for r in runs["rows"] if r["stated_target"] is None]
    counts = _log_counts(runs["closed"])
    assert counts == _counts(closed)
    assert sum(counts[:3]) > 0 and counts[0] and counts[1]  # a test that can fail
    metrics = _metrics(runs["closed"])
    for row in closed:
        name = f"score_t{row['score_target']:g}"
        assert metrics[name] == pytest.approx(row["score"], abs=1e-12), name
    assert metrics["abstention_rate"] == pytest.approx(closed[0]["abstention_rate"])
    assert metrics["error_rate"] == pytest.approx(closed[0]["error_rate"])


def test_open_rubric_log_equals_dontguess_run(runs: dict[str, Any]) -> None:
    row = next(r for r in runs["rows"] if r["stated_target"] == 0.5)
    counts = _log_counts(runs["open"])
    assert counts == _counts([row])
    assert counts[2] > 0  # the stated target made the stand-in abstain
    assert _metrics(runs["open"])["score_t0.5"] == pytest.approx(row["score"], abs=1e-12)
    sample = runs["open"].samples[0]
    assert "(t = 0.5)" in sample.messages[0].text  # dontguess's wording reached the model
    assert sample.scores["confidence_target"].metadata["stated_target"] == 0.5


@pytest.mark.parametrize("which", ["closed", "open"])
def test_dontguess_score_reads_the_log_back(runs: dict[str, Any], which: str) -> None:
    path = runs["paths"][0 if which == "closed" else 1]
    proc = dontguess("score", path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    metrics = _metrics(runs[which])
    counts = _log_counts(runs[which])
    for row in rows:
        assert (row["n_correct"], row["n_incorrect"], row["n_abstained"],
                row["n_ungraded"]) == counts  # fmt: skip
        assert row["score"] == pytest.approx(metrics[f"score_t{row['score_target']:g}"])
    assert {r["score_target"] for r in rows} == set(TARGETS)


def test_scorer_grades_three_ways_and_leaves_undecidable_unscored() -> None:
    from inspect_ai.scorer import Target

    from dontguess.integrations.inspect import confidence_target

    scorer = confidence_target(targets=(0.5,))

    class State:
        sample_id, input_text, metadata = "q1", "Capital of France?", {}

        def __init__(self, text: str) -> None:
            self.output = type("Out", (), {"completion": text})()

    async def grade(text: str) -> Any:
        return await scorer(State(text), Target(["Paris"]))

    scores = [asyncio.run(grade(t)) for t in ("Paris.", "Lyon", "I don't know.", "Paris or Lyon")]
    assert [s.value for s in scores[:3]] == ["C", "I", "N"]
    assert math.isnan(scores[3].value) and scores[3].explanation.startswith("ungraded: ")
    assert scores[1].metadata["decided_by"] == "rules"


def test_judge_through_the_model_adapter() -> None:
    """The judge's request goes through ``Model.generate`` with inspect's types.

    (inspect's offline ``mockllm`` model fetches a tokenizer from the internet, so a
    duck-typed model stands in; the real eval above covers inspect's model API.)
    """
    from inspect_ai.model import ChatMessageUser, GenerateConfig

    from dontguess.grading import CascadeGrader, DeterministicGrader, LLMJudge
    from dontguess.integrations.inspect import InspectModelBackend

    seen: list[Any] = []

    class Model:
        name = "judge-model"

        async def generate(self, messages: Any, config: Any) -> Any:
            seen.append((messages, config))
            return type("Output", (), {"completion": "CORRECT", "error": None})()

    backend = InspectModelBackend(Model())
    grader = CascadeGrader(DeterministicGrader(), LLMJudge(backend))
    item = Item(id="q1", question="Capital of France?", answers=("Paris",))
    grade = asyncio.run(grader.grade(item, Reply(text="Paris or Lyon")))
    assert grade.verdict is not None
    assert (grade.verdict.value, grade.decided_by, grade.judge_reply) == (
        "correct",
        "judge",
        "CORRECT",
    )
    ((messages, config),) = seen
    assert isinstance(messages[0], ChatMessageUser) and "Paris or Lyon" in messages[0].text
    assert isinstance(config, GenerateConfig) and config.temperature == 0.0
    assert backend.name == "inspect:judge-model"


def test_bad_arguments_are_clear() -> None:
    from dontguess.integrations.inspect import confidence_target, confidence_target_prompt

    with pytest.raises(InputError, match=r"targets must be in \[0, 1\), got 1.5"):
        confidence_target(targets=(1.5,))
    with pytest.raises(InputError, match="give judge= or grader=, not both"):
        confidence_target(judge="mockllm/model", grader=object())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="style must be penalty or reward, got 'x'"):
        confidence_target_prompt(0.5, style="x")
