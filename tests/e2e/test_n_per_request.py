"""`dontguess run --n-per-request`: several samples per HTTP request (the OpenAI ``n``).

Through a real stand-in server process on 127.0.0.1 in ``--sampled`` mode, where choice
``j`` of a request with seed ``s`` answers like a separate request with seed ``s + j``: so
one request per question must give exactly the records of K separate requests, and the
server's counts show how many requests were sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from standin_fixture import standin
from standin_model import expected_verdict

from .conftest import graded, run_cli, write_questions

SEED = 100


def _args(url: str, questions: Path, out: Path, *extra: str) -> list[str]:
    return ["--model", f"openai:standin@{url}", "--dataset", str(questions), "--samples", "4",
            "--seed", str(SEED), "--out", str(out), "--format", "csv", *extra]  # fmt: skip


def _outcomes(out: Path) -> list[tuple[Any, ...]]:
    rows = graded(out)
    return sorted(
        (r["item_id"], r["stated_target"] or -1, r["sample"], r["verdict"], r["answer"])
        for r in rows
    )


def _check_verdicts(out: Path, questions: Path) -> None:
    qs = {
        json.loads(x)["id"]: json.loads(x)["question"] for x in questions.read_text().splitlines()
    }
    for r in graded(out):
        want = expected_verdict(qs[r["item_id"]], r["stated_target"], SEED + r["sample"])
        assert r["verdict"] == want, r


def test_one_request_per_question_gives_the_records_of_k_requests(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 20)
    sep, per = tmp_path / "separate", tmp_path / "n4"
    cond = ["--rubric", "closed,open", "--targets", "0.5"]
    with standin("--sampled") as s:
        a = run_cli(_args(s.url, questions, sep, *cond))
        sent_a = s.stats()["received"]
        b = run_cli(_args(s.url, questions, per, *cond, "--n-per-request", "4"))
        stats_b = s.stats()
        again = run_cli(_args(s.url, questions, per, *cond, "--n-per-request", "4"))
        resent = s.stats()["received"] - stats_b["received"]
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert sent_a == 20 * 2 * 4  # one request per sample by default
    assert stats_b["received"] - sent_a == 20 * 2  # one per (question, condition)
    assert stats_b["n"] == {"1": 160, "4": 40}
    assert _outcomes(per) == _outcomes(sep) and len(_outcomes(per)) == 160
    assert len({r[3] for r in _outcomes(per)}) == 3  # right, wrong and abstained all occur
    _check_verdicts(per, questions)
    assert "160 samples (160 sent in 40 requests: 160 answered, 0 failed; 0 from" in b.stderr
    assert again.returncode == 0 and resent == 0, again.stderr
    assert "(none sent, 160 from the journal)" in again.stderr
    assert _outcomes(per) == _outcomes(sep)


def test_missing_choices_are_ungraded_and_a_rerun_asks_only_for_them(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 10)
    out = tmp_path / "run"
    args = ("--rubric", "closed", "--n-per-request", "4")
    with standin("--sampled", "--max-n", "3") as s:  # a server that caps n at 3
        short = run_cli(_args(s.url, questions, out, *args))
        assert s.stats()["n"] == {"4": 10}
    assert short.returncode == 1
    assert "10 of 40 samples ended in error" in short.stderr
    rows = graded(out)
    missing = [r for r in rows if r["verdict"] is None]
    assert len(rows) == 40 and {r["sample"] for r in missing} == {3} and len(missing) == 10
    assert {r["ungraded_reason"] for r in missing} == {
        "backend error: server returned 3 of 4 choices"
    }
    with standin("--sampled") as s:
        rerun = run_cli(_args(s.url, questions, out, *args))
        stats = s.stats()
        twice = run_cli(_args(s.url, questions, out, *args))
        assert s.stats()["received"] == stats["received"]  # the third run sends nothing
    assert rerun.returncode == 0 and twice.returncode == 0, rerun.stderr
    assert stats["received"] == 10 and stats["n"] == {"1": 10}  # only sample 3, seed 103
    assert "(10 sent in 10 requests: 10 answered, 0 failed; 30 from the journal)" in rerun.stderr
    _check_verdicts(out, questions)
    assert all(r["verdict"] is not None for r in graded(out))
