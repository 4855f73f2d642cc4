"""`dontguess run` argument handling: help that teaches, one-line errors, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from dontguess.cli import main
from dontguess.prompts import TEMPLATES


def test_help_shows_the_prompt_wording(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in ("penalty", "reward", "zero"):
        assert " ".join(TEMPLATES[name].split()) in text
    assert "openai:MODEL@URL" in text and "examples:" in text
    assert "--samples K --n-per-request K sends one request per question instead of K" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--targets", "1.5"], "target must be in [0, 1), got 1.5"),
        (["--samples", "0"], "--samples must be >= 1, got 0"),
        (["--n-per-request", "0"], "--n-per-request must be >= 1, got 0"),
        (["--model", "gpt4"], "model spec must look like"),
        (["--rubric", "half"], "rubric must be closed or open"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    extra: list[str],
    message: str,
    questions: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "never"
    args = ["run", "--model", "scripted:calibrated", "--dataset", str(questions), "--out", str(out)]
    assert main([*args, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_errored_requests_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
    from standin_fixture import standin

    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "BAD REQUEST?", "answer": "x"}\n')
    out = tmp_path / "run"
    with standin() as s:
        rc = main(["run", "--model", f"openai:m@{s.url}", "--dataset", str(questions),
                   "--rubric", "closed", "--out", str(out), "--format", "csv"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 1 and "1 of 1 requests ended in error" in err and "HTTP 400" in err
    assert "(1 sent: 0 answered, 1 failed; 0 from the journal)" in err
    assert (out / "DONE").exists()


def test_score_and_report_read_the_run_directory(
    tmp_path: Path, questions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    out = tmp_path / "run"
    args = ["run", "--model", "scripted:guesser", "--dataset", str(questions), "--targets",
            "0.5", "--out", str(out), "--format", "json", "--no-progress"]  # fmt: skip
    assert main(args) == 0
    ran = json.loads(capsys.readouterr().out)
    assert main(["score", str(out), "--format", "json", "--targets", "0,0.5"]) == 0
    scored = json.loads(capsys.readouterr().out)

    # score adds bootstrap intervals (score_ci_*) that run leaves empty
    def point(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in r.items() if not k.startswith("score_ci")} for r in rows]

    assert point(scored["rows"]) == point(ran["rows"])
    assert main(["report", str(out), "--out", str(tmp_path / "report")]) == 0
    assert (tmp_path / "report" / "report.html").exists()


def test_api_key_flag_is_never_stored(tmp_path: Path, questions: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standin"))
    from standin_fixture import standin

    out = tmp_path / "run"
    with standin() as s:
        rc = main(["run", "--model", f"openai:standin@{s.url}", "--api-key", "sk-test-SECRET",
                   "--dataset", str(questions), "--rubric", "closed", "--limit", "5",
                   "--out", str(out), "--format", "csv"])  # fmt: skip
        assert s.stats()["auth"] == {"Bearer ": 5}
    assert rc == 0
    doc = (out / "spec.json").read_text()
    assert '"limit": 5' in doc and '"arguments"' in doc
    for path in out.iterdir():
        assert b"SECRET" not in path.read_bytes(), path
