"""Runs with an LLM judge: real model and judge stand-in processes on 127.0.0.1.

Verdicts are checked record by record against what the rules and the stand-in judge's
labelling rule give (both computed here from the question file), so the counts by source
are exact; every kind of bad judge reply must leave its record ungraded with a reason.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from judge_fixture import judge_standin
from judge_server import label_for
from standin_fixture import standin

from dontguess.grading import DeterministicGrader, judge_prompt, parse_label
from dontguess.items import load_items
from dontguess.runner.journal import BATCH_ROWS

from .conftest import cli_env, graded, run_cli, write_questions

LABEL = {"CORRECT": "correct", "INCORRECT": "incorrect", "NOT_ATTEMPTED": "abstained"}

# (gold, reply): replies the rules can prove, and replies only a judge can settle
CASES = [
    ("Paris", "Paris"),
    ("Paris", "I don't know."),
    ("Canberra", "Canberra"),
    ("1969", "1969"),
    ("Tokyo", "tokyo."),
    ("Oslo", "I have no idea."),
    ("Canberra", "Sydney"),
    ("Jupiter", "It is Jupiter, I believe."),
    ("Paris", "It is not Lyon, it is Paris."),
    ("Barack Obama", "The 44th president of the United States"),
    ("Pacific Ocean", "Either the Pacific Ocean or the Atlantic"),
    ("Lisbon", "Portugal's capital city, on the Tagus"),
    ("Mount Everest", "Everest, the mountain in the Himalayas, I think it is"),
    ("1969", "Sometime in the late sixties, 1969 I would say, or 1970"),
]
FAULTS = {
    "garbage": "judge reply names no label",
    "two-labels": "judge reply names several labels (CORRECT, INCORRECT)",
    "negated": "judge reply negates a label",
    "empty-content": "judge reply is empty",
    "refusal-text": "judge reply names no label",
    "null-content": "judge error: gave up after 2 attempts: malformed response body",
    "empty-body": "judge error: gave up after 2 attempts: malformed response body",
    "refusal": "judge error: refused: I won't grade.",
    "http-500": "judge error: gave up after 2 attempts: HTTP 500: judge overloaded",
    "http-400": "judge error: HTTP 400: judge rejects this prompt",
}
FAST_RETRY = ["--max-retries", "1", "--retry-delay", "0.01"]


def _table_model(tmp_path: Path, pairs: list[tuple[str, str]]) -> tuple[Path, Path]:
    """A question file and a scripted:table answer file, question i answered pairs[i][1]."""
    questions, answers = [], []
    for i, (gold, reply) in enumerate(pairs):
        q = f"Question {i}: which answer is {gold}?"
        questions.append({"id": f"c{i}", "question": q, "answer": gold})
        answers.append({"question": q, "answer": reply})
    qfile, afile = tmp_path / "q.jsonl", tmp_path / "a.jsonl"
    qfile.write_text("".join(json.dumps(r) + "\n" for r in questions))
    afile.write_text("".join(json.dumps(r) + "\n" for r in answers))
    return qfile, afile


def _expected(qfile: Path, afile: Path, mode: str) -> dict[str, tuple[str, str]]:
    """item id → (method, verdict) the run must give, from the rules and the judge's rule."""
    replies = {
        r["question"]: r["answer"] for r in map(json.loads, afile.read_text().split("\n")[:-1])
    }
    rules, out = DeterministicGrader(), {}
    for item in load_items(str(qfile)):
        reply = replies[item.question]
        ruled = rules.grade_text(item, reply)
        if mode == "cascade" and ruled.verdict is not None:
            out[item.id] = ("rules", ruled.verdict.value)
        else:
            out[item.id] = ("judge", LABEL[label_for(judge_prompt(item, reply))])
    return out


def _summary(out: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return doc


@pytest.mark.parametrize("mode", ["cascade", "judge"])
def test_verdicts_by_source_are_exact_and_raw_replies_kept(tmp_path: Path, mode: str) -> None:
    qfile, afile = _table_model(tmp_path, CASES)
    out = tmp_path / "run"
    with judge_standin() as judge:
        done = run_cli(["--model", f"scripted:table={afile}", "--dataset", str(qfile),
                        "--rubric", "closed", "--judge", f"openai:judge@{judge.url}",
                        "--grader", mode, "--out", str(out)])  # fmt: skip
        received = judge.stats()["received"]
    assert done.returncode == 0, done.stderr
    want = _expected(qfile, afile, mode)
    rows = graded(out)
    assert {r["item_id"]: (r["method"], r["verdict"]) for r in rows} == want
    by_source = Counter(method for method, _ in want.values())
    assert by_source["judge"] >= 4 and (mode == "judge" or by_source["rules"] >= 5)
    assert received == by_source["judge"]  # the rules' verdicts never reach the judge
    for r in rows:  # the raw reply is kept, and it is what the verdict was read from
        if r["method"] == "judge":
            assert r["judge_reply"] and str(parse_label(r["judge_reply"])) == r["verdict"]
        else:
            assert r["judge_reply"] is None
    grading = _summary(out)["grading"]
    assert grading["decided"] == {"rules": by_source["rules"], "judge": by_source["judge"]}
    assert grading["judge_requests"]["records"] == by_source["judge"]
    assert grading["judge_requests"]["sent"] == received
    assert f"{by_source['rules']} by the rules, {by_source['judge']} by the judge" in done.stderr
    spec = json.loads((out / "spec.json").read_text())
    assert spec["grading"]["grader"] == mode
    assert spec["grading"]["judge"]["judge"] == "openai:judge"
    assert len(spec["grading"]["judge"]["template_hash"]) == 12
    assert "127.0.0.1" not in json.dumps(spec["grading"])


def test_every_bad_judge_reply_is_ungraded_with_its_reason(tmp_path: Path) -> None:
    pairs = [("Paris", f"Paris or Lyon [judge:{kind}]") for kind in FAULTS]
    qfile, afile = _table_model(tmp_path, pairs)
    out = tmp_path / "run"
    with judge_standin() as judge:
        done = run_cli(["--model", f"scripted:table={afile}", "--dataset", str(qfile),
                        "--rubric", "closed", "--judge", f"openai:judge@{judge.url}",
                        "--grader", "judge", *FAST_RETRY, "--out", str(out)])  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {r["answer"].split("[judge:")[1].rstrip("]"): r for r in graded(out)}
    for kind, reason in FAULTS.items():
        row = rows[kind]
        assert row["verdict"] is None and row["method"] == "judge", kind
        assert row["ungraded_reason"].startswith(reason), (kind, row["ungraded_reason"])
    assert rows["garbage"]["judge_reply"].startswith("The weather")  # kept, unparsable
    assert rows["empty-content"]["judge_reply"] == ""
    assert rows["http-400"]["judge_reply"] is None
    assert _summary(out)["grading"]["ungraded"] == {"judge": len(FAULTS)}


def test_a_rerun_sends_nothing_to_the_model_or_the_judge(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 30)
    out = tmp_path / "run"
    with standin() as model, judge_standin() as judge:
        args = ["--model", f"openai:standin@{model.url}", "--dataset", str(questions),
                "--targets", "0.5", "--judge", f"openai:judge@{judge.url}",
                "--grader", "judge", "--out", str(out)]  # fmt: skip
        first = run_cli(args)
        sent = (model.stats()["received"], judge.stats()["received"])
        again = run_cli(args)
        assert (model.stats()["received"], judge.stats()["received"]) == sent
    assert first.returncode == 0 and again.returncode == 0, again.stderr
    # the judge is asked once per distinct (question, answer): an open-rubric answer equal
    # to the closed one is the same judge question
    distinct = len({(r["item_id"], r["answer"]) for r in graded(out)})
    assert sent == (60, distinct) and distinct < 60
    assert "60 from the journal" in again.stderr and "0 requests sent" in again.stderr
    asked = _summary(out)["grading"]["judge_requests"]
    assert asked["from_journal"] == 60 and asked["records"] == 60 and asked["sent"] == 0


def _tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def test_grade_regrades_a_run_without_asking_the_model(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 20)
    run_dir, new = tmp_path / "run", tmp_path / "judged"
    with standin() as model, judge_standin() as judge:
        spec = f"openai:judge@{judge.url}"
        first = run_cli(["--model", f"openai:standin@{model.url}", "--dataset", str(questions),
                         "--rubric", "closed", "--out", str(run_dir)])  # fmt: skip
        assert first.returncode == 0, first.stderr
        before, model_calls = _tree(run_dir), model.stats()["received"]
        grade = [sys.executable, "-m", "dontguess", "grade", str(run_dir), "--judge", spec,
                 "--grader", "judge", "--out", str(new)]  # fmt: skip
        done = subprocess.run(grade, capture_output=True, text=True, env=cli_env(), timeout=120)
        assert done.returncode == 0, done.stderr
        again = subprocess.run(grade, capture_output=True, text=True, env=cli_env(), timeout=120)
        assert again.returncode == 0, again.stderr
        assert model.stats()["received"] == model_calls  # the model was never asked again
        assert judge.stats()["received"] == 20  # the rerun of grade resumed: nothing resent
        assert _tree(run_dir) == before  # the source run is byte-identical, .lock included
        refused = run_cli(["--model", f"openai:standin@{model.url}", "--dataset",
                           str(questions), "--rubric", "closed", "--judge", spec,
                           "--out", str(run_dir)])  # fmt: skip
    assert refused.returncode == 2 and f"dontguess grade {run_dir}" in refused.stderr
    assert (new / "DONE").exists()
    doc = json.loads((new / "spec.json").read_text())
    assert doc["regraded_from"] == str(run_dir.resolve()) and doc["grading"]["grader"] == "judge"
    old_rows, new_rows = graded(run_dir), graded(new)
    assert [r["answer"] for r in new_rows] == [r["answer"] for r in old_rows]
    assert {r["method"] for r in old_rows} == {"rules"} and {r["method"] for r in new_rows} == {
        "judge"
    }
    score = subprocess.run([sys.executable, "-m", "dontguess", "score", str(new), "--by",
                            "method", "--format", "json"],
                           capture_output=True, text=True, env=cli_env(), timeout=120)  # fmt: skip
    assert score.returncode == 0, score.stderr
    assert {row["method"] for row in json.loads(score.stdout)["rows"]} == {"judge"}


def _judge_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM judge_replies").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_while_grading_then_resume(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 150)
    out = tmp_path / "run"
    concurrency = 4
    with standin() as model, judge_standin("--latency-ms", "20") as judge:
        args = ["--model", f"openai:standin@{model.url}", "--dataset", str(questions),
                "--rubric", "closed", "--judge", f"openai:judge@{judge.url}", "--grader",
                "judge", "--concurrency", str(concurrency), "--out", str(out)]  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-m", "dontguess", "run", *args],
                                env=cli_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        while _judge_rows(out / "journal.sqlite") < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not (out / "DONE").exists()
        kept, asked = _judge_rows(out / "journal.sqlite"), judge.stats()["received"]
        assert 40 <= kept < 150
        rerun = run_cli(args)
        stats, model_calls = judge.stats(), model.stats()["received"]
    assert rerun.returncode == 0, rerun.stderr
    assert model_calls == 150  # every model answer was journaled before grading began
    resent = stats["received"] - 150
    assert resent == sum(n - 1 for n in stats["attempts"].values())
    # lost: in flight at the kill plus at most one unflushed batch (<= 50 ms or 64 rows)
    assert resent <= asked - kept <= concurrency + BATCH_ROWS
    assert f"{kept} from the journal" in rerun.stderr
    rows = graded(out)
    assert len(rows) == 150 and all(r["method"] == "judge" and r["verdict"] for r in rows)


def test_a_judge_that_refuses_the_key_stops_the_run(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 10)
    out = tmp_path / "run"
    with standin() as model, judge_standin("--fault", "http-401") as judge:
        done = run_cli(["--model", f"openai:standin@{model.url}", "--dataset", str(questions),
                        "--rubric", "closed", "--judge", f"openai:judge@{judge.url}",
                        "--grader", "judge", "--out", str(out)],
                       cli_env(DONTGUESS_JUDGE_API_KEY="sk-judge-secret"))  # fmt: skip
        received = judge.stats()["received"]
    assert done.returncode == 1
    assert not (out / "DONE").exists() and not (out / "graded.jsonl").exists()
    assert "judge openai:judge: authentication failed" in done.stderr
    assert judge.url in done.stderr and "--judge-api-key" in done.stderr
    assert "sk-judge-secret" not in done.stderr + (out / "spec.json").read_text()
    assert received <= 10  # after the first 401 the judge sends nothing more
    assert done.stderr.count("\n") <= 2


def test_grader_judge_without_a_judge_is_an_input_error(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 3)
    done = run_cli(["--model", "scripted:calibrated", "--dataset", str(questions),
                    "--grader", "cascade", "--out", str(tmp_path / "run")])  # fmt: skip
    assert done.returncode == 2 and "--grader cascade needs a judge" in done.stderr
    assert not (tmp_path / "run").exists()
