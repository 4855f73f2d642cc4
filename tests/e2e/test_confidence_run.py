"""``run --confidence logprob,verbal,agreement`` through a real stand-in server process.

The sampled stand-in answers question q right with chance c(q) (its confidence), returns
token log-probabilities ``[log c, 0]`` when asked and replies to dontguess's verbal follow-up
with c to two decimals, so every stored confidence and every policy verdict is known.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from standin_fixture import standin
from standin_model import confidence, expected_verdict

from .conftest import cli_env, graded, run_cli, write_questions

SEED = 100


def _args(url: str, questions: Path, out: Path) -> list[str]:
    return ["--model", f"openai:standin@{url}", "--dataset", str(questions), "--samples", "2",
            "--seed", str(SEED), "--rubric", "closed,open", "--targets", "0.5",
            "--confidence", "logprob,verbal,agreement", "--out", str(out)]  # fmt: skip


def test_confidence_columns_and_policies_from_a_real_run(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 16)
    text = {
        json.loads(x)["id"]: json.loads(x)["question"] for x in questions.read_text().splitlines()
    }
    out = tmp_path / "run"
    with standin("--sampled") as s:
        first = run_cli(_args(s.url, questions, out))
        sent = s.stats()["received"]
        again = run_cli(_args(s.url, questions, out))
        resent = s.stats()["received"] - sent
    assert first.returncode == 0, first.stderr
    rows = graded(out)
    answered = [r for r in rows if r["verdict"] in ("correct", "incorrect")]
    # 16 questions × (closed + open) × 2 samples, plus one follow-up per distinct answered
    # (question, answer): the follow-up of a repeated answer is the same request
    assert sent == 16 * 2 * 2 + len({(r["item_id"], r["answer"]) for r in answered})
    assert again.returncode == 0 and resent == 0, again.stderr  # answers and follow-ups resumed
    by_q: dict[tuple[str, object], dict[int, dict]] = {}
    for r in rows:
        c = confidence(text[r["item_id"]])
        assert float(r["confidence_logprob"]) == pytest.approx(c, rel=1e-9)
        assert float(r["confidence_logprob_first"]) == pytest.approx(c, rel=1e-9)
        assert float(r["confidence_logprob_mean"]) == pytest.approx(math.sqrt(c), rel=1e-9)
        if r in answered:
            assert r["confidence_verbal"] == repr(float(f"{c:.2f}"))
        else:  # "I don't know" gets no follow-up
            assert r["confidence_verbal"] == "" and r["verdict"] == "abstained"
        by_q.setdefault((r["item_id"], r["stated_target"]), {})[r["sample"]] = r
    for pair in by_q.values():
        a, b = pair[0], pair[1]
        for r in (a, b):
            if r["verdict"] == "abstained":
                assert r["confidence_agreement"] == ""
            else:
                assert float(r["confidence_agreement"]) == (
                    1.0 if a["answer"] == b["answer"] else 0.5
                )
    _check_policies(out, text)


def _check_policies(out: Path, text: dict[str, str]) -> None:
    """score --policies at t = 0.5: each policy's counts from the stand-in's known answers."""
    proc = subprocess.run(
        [sys.executable, "-m", "dontguess", "score", str(out), "--policies", "--targets", "0.5",
         "--bootstrap", "0", "--format", "json"],
        capture_output=True, text=True, env=cli_env(), timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = {r["policy"]: r for r in json.loads(proc.stdout)["policies"]}
    want: dict[str, list[int]] = {}
    for q in text.values():
        c = confidence(q)
        v0 = expected_verdict(q, None, SEED)
        same = expected_verdict(q, None, SEED) == expected_verdict(q, None, SEED + 1)
        decisions = {
            "as-is": v0,
            "threshold:logprob": v0 if c > 0.5 else "abstained",
            "threshold:verbal": v0 if float(f"{c:.2f}") > 0.5 else "abstained",
            "consistency@2": v0 if same else "abstained",
            "prompted": expected_verdict(q, 0.5, SEED),
        }
        for name, v in decisions.items():
            counts = want.setdefault(name, [0, 0, 0])
            counts[("correct", "incorrect", "abstained").index(v)] += 1
    for name, counts in want.items():
        r = got[name]
        assert [r["n_correct"], r["n_incorrect"], r["n_abstained"]] == counts, name
        assert r["score"] == pytest.approx((counts[0] - counts[1]) / 16), name


def test_agreement_needs_samples(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", 2)
    proc = run_cli(["--model", "scripted:calibrated", "--dataset", str(questions),
                    "--confidence", "agreement", "--out", str(tmp_path / "r")])  # fmt: skip
    assert proc.returncode == 2
    assert "--confidence agreement compares the K samples" in proc.stderr
    proc = run_cli(["--model", "scripted:calibrated", "--dataset", str(questions),
                    "--confidence", "vibes", "--out", str(tmp_path / "r")])  # fmt: skip
    assert proc.returncode == 2 and "unknown estimator 'vibes'" in proc.stderr
