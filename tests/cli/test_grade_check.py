"""``dontguess grade-check``: a labelled file, a shared set, JSON output and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.cli import main


def _row(
    question: str, gold: str, reply: str, label: str, judge: str, group: str
) -> dict[str, object]:
    return {"question": question, "answers": [gold], "reply": reply, "label": label,
            "judge": judge, "group": group}  # fmt: skip


ROWS = [
    _row("Capital of France?", "Paris", "Paris", "correct", "correct", "m1"),
    _row("Capital of Italy?", "Rome", "Milan", "incorrect", "incorrect", "m1"),
    _row("Capital of Spain?", "Madrid", "I don't know", "abstained", "abstained", "m2"),
    _row("Where was it filmed?", "the Pittsburgh metropolitan area",
         "In Pittsburgh, Pennsylvania.", "correct", "incorrect", "m2"),
]  # fmt: skip


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_rules_on_a_file_json(labelled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["grade-check", "--file", str(labelled), "--bootstrap", "0", "--format", "json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    (report,) = out["groups"]
    assert report["n"] == 4 and report["labels"] == ["correct", "incorrect", "abstained"]
    # Paris→correct, Milan→incorrect, IDK→abstained, the Pittsburgh paraphrase→ungraded
    assert report["confusion"] == [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert report["coverage"] == 0.75 and report["agreement"] == 1.0 and report["kappa"] == 1.0


def test_column_grader_by_group_table(labelled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["grade-check", "--file", str(labelled), "--grader", "column:judge", "--by-group",
            "--bootstrap", "50"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "== all: 4 replies, coverage 100.0%" in out
    assert "agreement 75.0% [" in out and "== m2: 2 replies" in out
    assert "Cohen's kappa" in out and "precision" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grader", "judge"], "--grader judge needs a judge: add --judge SPEC"),
        (["--grader", "oracle"], "--grader must be 'rules', 'judge', 'cascade' or 'column:NAME'"),
        (["--limit", "0"], "--limit must be >= 1, got 0"),
        (["--reference", "column:nope"], "missing column 'nope'"),
        (["--bootstrap", "-1"], "--bootstrap must be >= 0, got -1"),
    ],
)
def test_bad_input_is_one_line(
    labelled: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["grade-check", "--file", str(labelled), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err and err.count("\n") == 1


def test_bad_label_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.csv"
    path.write_text("question,answers,reply,label\nq,a,a,correct\nq,a,b,maybe\n", encoding="utf-8")
    assert main(["grade-check", "--file", str(path)]) == 2
    assert f"{path}:3: label must be one of" in capsys.readouterr().err


@pytest.mark.shared
def test_shared_set(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["grade-check", "--set", "simple-evals-ru", "--data-dir", str(shared_data),
            "--bootstrap", "0", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    (report,) = json.loads(capsys.readouterr().out)["groups"]
    assert report["n"] == 56 and report["labels"] == ["correct", "incorrect", "abstained"]
    assert sum(map(sum, report["confusion"])) == 56


def _judge(*args: str):  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
    from judge_fixture import judge_standin

    return judge_standin(*args)


@pytest.mark.parametrize(("mode", "asked"), [("judge", 4), ("cascade", 1)])
def test_a_real_judge_server_grades(
    labelled: Path, capsys: pytest.CaptureFixture[str], mode: str, asked: int
) -> None:
    # The stand-in judge labels by whether the reply holds the gold: the Pittsburgh paraphrase
    # is INCORRECT to it; the cascade sends it only the one reply the rules leave open.
    with _judge() as server:
        args = ["grade-check", "--file", str(labelled), "--grader", mode, "--judge",
                f"openai:judge@{server.url}", "--bootstrap", "0", "--format", "json"]  # fmt: skip
        assert main(args) == 0
        stats = server.stats()
    (report,) = json.loads(capsys.readouterr().out)["groups"]
    assert report["confusion"] == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert stats["received"] == asked


def test_an_unusable_judge_is_one_clear_error(
    labelled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _judge("--fault", "http-401") as server:
        url = server.url
        code = main(["grade-check", "--file", str(labelled), "--grader", "judge",
                     "--judge", f"openai:judge@{url}"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "the judge cannot be used" in err and "Traceback" not in err


def test_hostile_group_names_cannot_drive_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{**r, "group": "m\u202eevil\x1b[31m"} for r in ROWS]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["grade-check", "--file", str(path), "--by-group", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "== m<U+202E>evil<U+001B>[31m: 4 replies" in out
