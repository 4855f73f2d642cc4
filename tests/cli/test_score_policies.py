"""``dontguess score --policies``: the policy table, JSON ``policies`` list, CSV and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dontguess.cli import main


def _rec(item: int, sample: int, verdict: str, answer: str, conf: float | None,
         verbal: str | float | None, **extra: object) -> str:  # fmt: skip
    rec = {"item_id": f"q{item}", "model": "m", "verdict": verdict, "sample": sample,
           "answer": answer, "confidence": conf, "confidence_verbal": verbal, **extra}  # fmt: skip
    return json.dumps(rec)


# Two closed-rubric samples per question; the verbal column as a run would write it.
# q1 right & agree (.9 / v .95), q2 wrong & disagree (.6 / v .2), q3 right then wrong (.4 / v .8),
# q4 "I don't know" then wrong; open rubric at t = 0.5: q1 right, q2 IDK, q3 wrong, q4 IDK.
ROWS = [
    _rec(1, 0, "correct", "Paris", 0.9, 0.95), _rec(1, 1, "correct", "paris", 0.8, 0.9),
    _rec(2, 0, "incorrect", "Lyon", 0.6, "0.2"), _rec(2, 1, "incorrect", "Nice", 0.5, None),
    _rec(3, 0, "correct", "42", 0.4, 0.8), _rec(3, 1, "incorrect", "41", 0.3, 0.7),
    _rec(4, 0, "abstained", "I don't know", None, None), _rec(4, 1, "incorrect", "Rome", 0.7, 0.9),
    *(_rec(i, 0, v, "x", None, None, stated_target=0.5)
      for i, v in ((1, "correct"), (2, "abstained"), (3, "incorrect"), (4, "abstained"))),
]  # fmt: skip


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(ROWS) + "\n")
    return path


def test_json_policies_list_by_hand(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["score", str(graded), "--policies", "--targets", "0.5", "--format", "json"]
    assert main([*argv, "--bootstrap", "100"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"rows", "audit", "policies"} <= set(doc)
    rows = {r["policy"]: r for r in doc["policies"]}
    assert list(rows) == ["prompted", "as-is", "threshold:agreement", "threshold:confidence",
                          "threshold:verbal", "consistency@2"]  # fmt: skip

    def got(name: str) -> tuple[int, int, int, float]:
        r = rows[name]
        assert r["scored_target"] == 0.5 and r["n_questions"] == 4
        return r["n_correct"], r["n_incorrect"], r["n_abstained"], round(r["score"], 6)

    assert got("as-is") == (2, 1, 1, 0.25)  # (2 − 1) / 4
    assert got("threshold:confidence") == (1, 1, 2, 0.0)  # q3 (0.4) withheld
    assert got("threshold:verbal") == (2, 0, 2, 0.5)  # q2 (0.2) withheld, q3 (0.8) kept
    assert got("consistency@2") == (1, 0, 3, 0.25)  # only q1's samples agree
    assert got("prompted") == (1, 1, 2, 0.0)
    assert rows["threshold:verbal"]["difference"] == pytest.approx(0.5)
    assert rows["threshold:verbal"]["n_paired"] == 4 and "p_value" in rows["threshold:verbal"]


def test_table_and_csv(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["score", str(graded), "--policies", "--bootstrap", "0", "--targets", "0.5,0.9"]
    assert main([*base, "--estimators", "verbal", "--consistency", "consistency@2:0.5"]) == 0
    out = capsys.readouterr().out
    assert "Abstention policies" in out and "threshold:verbal" in out
    assert "consistency@2:0.5" in out and "threshold:confidence" not in out
    assert main([*base, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,policy,scored_target,n_questions,n_correct")
    assert len(lines) == 1 + 2 * 5 + 1  # two targets × 5 policies + prompted at 0.5


def test_without_policies_nothing_changes(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(graded), "--format", "json", "--bootstrap", "0"]) == 0
    assert "policies" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--policies", "--consistency", "consistency@1"], r"--consistency: .*K in 2"),
        (["--policies", "--consistency", "consistency@3"], r"needs 3 samples.*--samples 3"),
        (["--policies", "--estimators", "logprob"], r"estimator 'logprob'.*have: agreement"),
        (["--estimators", "verbal"], r"--estimators and --consistency need --policies"),
    ],
)
def test_errors_are_one_line_exit_2(
    graded: Path, capsys: pytest.CaptureFixture[str], argv: list[str], match: str
) -> None:
    assert main(["score", str(graded), "--bootstrap", "0", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and err.startswith("dontguess score: error: ")
    assert re.search(match, err), err
