"""``dontguess score``: formats, hand-worked scores and one-line errors with exit code 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dontguess.cli import main

ROWS = [
    # model m, closed rubric: 3 right, 1 wrong, 1 IDK, 1 ungraded
    '{"item_id": 1, "model": "m", "verdict": "correct", "topic": "a", "confidence": 0.9}',
    '{"item_id": 2, "model": "m", "verdict": "Correct", "topic": "a", "confidence": 0.8}',
    '{"item_id": 3, "model": "m", "verdict": "CORRECT", "topic": "b", "confidence": 0.7}',
    '{"item_id": 4, "model": "m", "verdict": "incorrect", "topic": "b", "confidence": 0.6}',
    '{"item_id": 5, "model": "m", "verdict": "abstained", "topic": "b"}',
    '{"item_id": 6, "model": "m", "verdict": "", "ungraded_reason": "timeout", "topic": "b"}',
    # model m at stated t = 0.5: 1 right, 1 IDK
    '{"item_id": 1, "model": "m", "verdict": "correct", "stated_target": 0.5, "topic": "a"}',
    '{"item_id": 2, "model": "m", "verdict": "abstained", "stated_target": 0.5, "topic": "a"}',
]


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(ROWS) + "\n")
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(["score", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_hand_worked_scores(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(graded), "--targets", "0,0.75", "--bootstrap", "0")
    closed = {r["score_target"]: r for r in doc["rows"] if r["stated_target"] is None}
    assert set(closed) == {0.0, 0.75}
    row = closed[0.75]
    assert (row["n"], row["n_correct"], row["n_incorrect"], row["n_abstained"]) == (5, 3, 1, 1)
    assert row["n_ungraded"] == 1
    assert row["penalty"] == 3.0
    assert row["score"] == pytest.approx((3 - 3 * 1) / 5)
    assert closed[0.0]["score"] == pytest.approx(3 / 5) == closed[0.0]["accuracy"]
    assert row["score_ci_low"] is None  # no bootstrap asked
    (open5,) = [r for r in doc["rows"] if r["stated_target"] == 0.5]
    assert open5["score_target"] == 0.5 and open5["score"] == pytest.approx(1 / 2)
    assert doc["audit"] and doc["calibration"][0]["n"] == 4


def test_by_all_targets_bootstrap(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, str(graded), "--by", "topic", "--all-targets", "--bootstrap", "50")
    rows = doc["rows"]
    assert {r["topic"] for r in rows} == {"a", "b"}
    open_rows = [r for r in rows if r["stated_target"] == 0.5]
    assert {r["score_target"] for r in open_rows} == {0.0, 0.5, 0.75, 0.9}
    closed_a = [r for r in rows if r["stated_target"] is None and r["topic"] == "a"]
    assert all(r["score_ci_low"] is not None for r in closed_a)


def test_nan_is_json_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "idk.csv"
    path.write_text("item_id,model,verdict\n1,m,abstained\n2,m,abstained\n")
    (row, *_) = _json(capsys, str(path))["rows"]
    assert row["attempted_accuracy"] is None  # no attempted answer: undefined, not 0
    assert row["score"] == 0.0


def test_table_and_csv(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(graded)]) == 0
    out = capsys.readouterr().out
    assert "Confidence-target scores" in out and "Behavioural calibration" in out
    assert "Brier" in out and "closed" in out
    assert main(["score", str(graded), "--format", "csv", "--targets", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,stated_target,") and "score_ci_high" in lines[0]
    assert len(lines) == 1 + 2  # closed at t=0, open at its stated 0.5


@pytest.mark.parametrize(
    ("argv", "content", "match"),
    [
        (["--targets", "0,1"], None, r"--targets: 1 is outside \[0, 1\)"),
        (["--targets", "x"], None, r"--targets: 'x' is not a number"),
        (["--by", "lang"], None, r"--by lang: no such column .*topic"),
        (["--bootstrap", "-1"], None, r"--bootstrap must be >= 0"),
        ([], "", r"g\.jsonl: no records"),
        ([], '{"item_id": 1, "model": "m"}\n', r"missing column 'verdict'"),
        ([], '{"item_id": 1, "model": "m", "verdict": "yes"}\n', r"g\.jsonl:1: verdict .*'yes'"),
        (
            [],
            '{"item_id": 1, "model": "m", "verdict": "correct"}\n'
            '{"item_id": 2, "model": "m", "verdict": "correct", "confidence": 2}\n',
            r"g\.jsonl:2: confidence must be in \[0, 1\], got 2\.0",
        ),
        (
            [],
            '{"item_id": 1, "model": "m", "verdict": "correct", "stated_target": 1.0}\n',
            r"g\.jsonl:1: stated_target must be in \[0, 1\)",
        ),
    ],
)
def test_errors_are_one_line_exit_2(
    graded: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    content: str | None,
    match: str,
) -> None:
    if content is not None:
        graded.write_text(content)
    assert main(["score", str(graded), *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and err.startswith("dontguess score: error: ")
    assert re.search(match, err), err


def test_console_script_and_run_directory(graded: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "graded.jsonl").write_text(graded.read_text())
    proc = subprocess.run(
        [sys.executable, "-m", "dontguess", "score", str(run), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"][0]["model"] == "m"


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    data = tmp_path / "e.parquet"
    assert main(["example", "--out", str(data), "--n", "40"]) == 0
    # ~150 kB of JSON: more than a pipe buffer, so writing fails once `head` has exited
    argv = f"score {data} --by topic --all-targets --format json"
    proc = subprocess.run(
        f"{sys.executable} -m dontguess {argv} | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout == "{\n"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_unfinished_run_directory_is_flagged(
    graded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "graded.jsonl").write_text(graded.read_text())
    (run / "spec.json").write_text("{}")
    assert main(["score", str(run), "--format", "csv"]) == 0
    assert "has no DONE marker" in capsys.readouterr().err
    (run / "DONE").write_text("ok\n")
    assert main(["score", str(run), "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""


def test_audit_without_answers_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13: a target where nothing was answered (server down) printed ``passes yes``."""
    path = tmp_path / "down.jsonl"
    rows = [{"item_id": i, "model": "m", "verdict": "", "ungraded_reason": "Cannot connect",
             "stated_target": t} for i in range(3) for t in (0.5, 0.9)]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["score", str(path), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    audit = out[out.index("Behavioural calibration") :]
    assert "no answered questions" in audit and "yes" not in audit
    doc = _json(capsys, str(path))
    assert [(r["passes"], r["reason"]) for r in doc["audit"]] == [
        (None, "no answered questions")
    ] * 3


def test_ci_header_only_with_an_interval(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13: the header said ``score [95% CI]`` over rows that had no interval."""
    assert main(["score", str(graded)]) == 0  # default: 1000 resamples, as in `report`
    out = capsys.readouterr().out
    assert "score [95% CI]" in out and re.search(r"\d \[-?\d\.\d{3}, -?\d\.\d{3}\]", out)
    assert main(["score", str(graded), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "95% CI" not in out and " score " in out


def test_bootstrap_seed_and_deprecated_seed(
    graded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _json(capsys, str(graded), "--bootstrap", "50", "--bootstrap-seed", "3")["rows"]
    assert main(["score", str(graded), "--bootstrap", "50", "--seed", "3", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows"] == a
    assert "--seed is deprecated, use --bootstrap-seed" in captured.err
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    help_text = capsys.readouterr().out
    assert "--bootstrap-seed" in help_text and "--seed " not in help_text
    assert "default 1000" in help_text


def test_duplicates_need_allow_duplicates(
    graded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: a repeated (item, model, condition, sample) row was silently counted twice."""
    dup = tmp_path / "dup.jsonl"
    dup.write_text(graded.read_text() + ROWS[3] + "\n")
    assert main(["score", str(dup), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "dup.jsonl:9: duplicate record: item_id '4'" in err
    assert "dup.jsonl:4" in err and "--allow-duplicates" in err
    doc = _json(capsys, str(dup), "--allow-duplicates", "--bootstrap", "0", "--targets", "0")
    (closed,) = [r for r in doc["rows"] if r["stated_target"] is None]
    assert (closed["n"], closed["n_incorrect"]) == (6, 2)  # both copies counted, as asked
    out = tmp_path / "rep"
    assert main(["report", str(dup), "--out", str(out), "--bootstrap", "0"]) == 2
    assert "duplicate record" in capsys.readouterr().err
    argv = ["report", str(dup), "--out", str(out), "--bootstrap", "0", "--allow-duplicates"]
    assert main(argv) == 0


@pytest.mark.parametrize(
    ("name", "data", "expect"),
    [
        # in-process, so 1000 deep (RecursionError before), not 20,000 (a segfault)
        ("deep.jsonl", b'{"item_id": 1, "model": "m", "verdict": "correct", "x": '
         + b"[" * 1000 + b"]" * 1000 + b"}\n", "deep.jsonl:1: JSON nested deeper"),
        ("two.jsonl", b'{"item_id": 1, "model": "m", "verdict": "correct"} '
         b'{"item_id": 2, "model": "m", "verdict": "correct"}\n', "two.jsonl:1: more than one"),
        ("big.csv", b"item_id,model,verdict,sample\n1,m,correct,1e19\n", "big.csv:2: sample"),
        ("latin.csv", b"item_id,model,verdict\n1,caf\xe9,correct\n", "latin.csv:2: not UTF-8"),
    ],
)  # fmt: skip
def test_hostile_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, expect: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["score", str(path), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expect in err


def test_ungraded_range_in_json_csv_and_table(
    graded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 8: a run with ungraded records showed its graded-only score and error rate alone.

    Closed rubric: C=3 I=1 A=1 and 1 ungraded (6 records). At t = 0.75 (penalty 3) the score
    (3 − 3)/5 = 0 becomes (3 − 3·2)/6 = −0.5 if the ungraded one is wrong and (4 − 3)/6 if it
    is right; the error rate 1/5 becomes 1/6 … 2/6.
    """
    doc = _json(capsys, str(graded), "--targets", "0,0.75", "--bootstrap", "0")
    closed = {r["score_target"]: r for r in doc["rows"] if r["stated_target"] is None}
    r75 = closed[0.75]
    assert r75["score"] == pytest.approx(0.0)
    assert r75["score_if_ungraded_wrong"] == pytest.approx(-0.5)
    assert r75["score_if_ungraded_right"] == pytest.approx(1 / 6)
    assert r75["error_rate_if_ungraded_right"] == pytest.approx(1 / 6)
    assert r75["error_rate_if_ungraded_wrong"] == pytest.approx(2 / 6)
    assert r75["reward_score_if_ungraded_wrong"] == pytest.approx((3 + 0.75) / 6)
    assert closed[0.0]["score_if_ungraded_wrong"] == pytest.approx(3 / 6)
    (open5,) = [r for r in doc["rows"] if r["stated_target"] == 0.5]  # nothing ungraded
    assert open5["score_if_ungraded_wrong"] == open5["score"] == open5["score_if_ungraded_right"]

    assert main(["score", str(graded), "--format", "csv", "--targets", "0.75"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert float(row["score_if_ungraded_wrong"]) == pytest.approx(-0.5)
    assert float(row["error_rate_if_ungraded_wrong"]) == pytest.approx(2 / 6)

    assert main(["score", str(graded), "--targets", "0,0.75", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "right…wrong" in out and "wrong…right" in out  # the two range headers
    assert "16.7%…33.3%" in out  # wrong share if the ungraded one is right … wrong
    assert "-0.500…0.167" in out and "0.500…0.667" in out  # score at t = 0.75 and 0
    flat = " ".join(out.split())
    assert "if every ungraded record were wrong and if every one were right" in flat


def test_no_range_columns_without_ungraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "all.csv"
    path.write_text("item_id,model,verdict\n1,m,correct\n2,m,incorrect\n")
    assert main(["score", str(path), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "wrong…right" not in out and "every ungraded record" not in " ".join(out.split())


def test_hostile_model_names_cannot_drive_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A records file could set the terminal title (OSC), colours (ESC), reverse the rest of
    # the line (U+202E) or inject rich markup through a model name shown in the tables.
    name = "gpt\u202eevil\x1b]0;pwned\x07[bold red]x"
    rows = [{"item_id": f"q{i}", "model": name, "verdict": v}
            for i, v in enumerate(["correct", "incorrect", "abstained"])]  # fmt: skip
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["score", str(path), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "<U+202E>" in out and "<U+001B>" in out and "[bold red]" in out
