"""``dontguess run`` on any file's columns: --question-col, --answer-col, --answer-sep,
--id-col, --group-col (regression, issue 9: the official SimpleQA CSV was refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.cli import main

SIMPLEQA = (
    "metadata,problem,answer\n"
    "\"{'topic': 'Art'}\",When was B painted?,1890\n"
    "\"{'topic': 'Music'}\",Who wrote C?,Dana; D. Smith\n"
)


def _run(tmp_path: Path, data: Path, *extra: str) -> int:
    argv = ["run", "--model", "scripted:calibrated", "--dataset", str(data)]
    argv += ["--rubric", "closed", "--targets", "0", "--format", "json"]
    return main([*argv, "--out", str(tmp_path / "run"), *extra])


def test_official_simpleqa_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "simple_qa_test_set.csv"
    data.write_text(SIMPLEQA)
    assert _run(tmp_path, data) == 2
    err = capsys.readouterr().err
    assert "no question column 'question'; columns: ['answer', 'metadata', 'problem']" in err
    assert "--question-col" in err and err.count("\n") == 1
    code = _run(
        tmp_path, data, "--question-col", "problem", "--answer-sep", "; ",
        "--group-col", "metadata", "--id-col", "problem",
    )  # fmt: skip
    assert code in (0, 1)
    rows = [json.loads(x) for x in (tmp_path / "run" / "graded.jsonl").read_text().splitlines()]
    assert {r["item_id"] for r in rows} == {"When was B painted?", "Who wrote C?"}
    assert {r["metadata"] for r in rows} == {"{'topic': 'Art'}", "{'topic': 'Music'}"}
    spec = json.loads((tmp_path / "run" / "spec.json").read_text())
    assert spec["arguments"]["question_col"] == "problem"
    assert "dataset_source" not in spec


def test_answer_col_missing_lists_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "q.jsonl"
    data.write_text(json.dumps({"question": "q?", "golds": ["a"]}) + "\n")
    assert _run(tmp_path, data, "--answer-col", "gold") == 2
    assert "no answer column 'gold'; columns: ['golds', 'question']" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_column_options_with_a_built_in_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, Path("probe:letters"), "--group-col", "x,y") == 2
    assert "'probe:letters' is a built-in set with fixed columns" in capsys.readouterr().err


def test_incorrect_col_grades_a_listed_wrong_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TruthfulQA-style CSV: a reply naming a listed wrong answer is graded incorrect by
    the rules (it was ungraded: the column was not read from a user's file)."""
    data = tmp_path / "tqa.csv"
    data.write_text(
        "Question,Correct Answers,Incorrect Answers\n"
        "What happens if you crack your knuckles a lot?,Nothing in particular happens,"
        "You will get arthritis; Your knuckles will swell\n"
        "What color is the sky on a clear day?,Blue,Green\n"
    )
    table = tmp_path / "answers.jsonl"
    table.write_text(
        json.dumps({"question": "What happens if you crack your knuckles a lot?",
                    "answer": "You will get arthritis."}) + "\n"
        + json.dumps({"question": "What color is the sky on a clear day?", "answer": "Blue"})
        + "\n"
    )  # fmt: skip
    argv = ["run", "--model", f"scripted:table={table}", "--dataset", str(data)]
    argv += ["--rubric", "closed", "--targets", "0", "--format", "json", "--id-col", "Question"]
    argv += ["--question-col", "Question", "--answer-col", "Correct Answers"]
    argv += ["--answer-sep", "; ", "--out", str(tmp_path / "run")]
    assert main([*argv, "--incorrect-col", "Incorrect Answers"]) == 0
    rows = [json.loads(x) for x in (tmp_path / "run" / "graded.jsonl").read_text().splitlines()]
    got = {r["item_id"][:10]: (r["verdict"], r["incorrect_answers"]) for r in rows}
    assert got["What happe"] == (
        "incorrect",
        ["You will get arthritis", "Your knuckles will swell"],
    )
    assert got["What color"] == ("correct", ["Green"])
    capsys.readouterr()
    assert main([*argv[:-1], str(tmp_path / "run2"), "--incorrect-col", "Wrong"]) == 2
    assert "no incorrect-answers column 'Wrong'" in capsys.readouterr().err
