"""``dontguess convert`` on the real published verdicts, then score and report them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dontguess.cli import main

pytestmark = pytest.mark.shared


def test_simple_evals_ru_end_to_end(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted((shared_data / "logs/simple_evals_ru/simpleqa").glob("*.jsonl"))
    out = tmp_path / "ru.jsonl"
    assert main(["convert", "simple-evals-ru", *map(str, files), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["score", str(out), "--format", "json", "--targets", "0,0.9"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    judged = Counter()
    for f in files:
        judged.update(json.loads(line)["judge_pred"] for line in f.read_text().splitlines())
    at0 = [r for r in rows if r["score_target"] == 0.0]
    assert sum(r["n_correct"] for r in at0) == judged["correct"]
    assert sum(r["n_incorrect"] for r in at0) == judged["incorrect"]
    assert sum(r["n_abstained"] for r in at0) == judged["not_attempted"]
    for r in rows:
        if r["score_target"] == 0.9:
            expected = (r["n_correct"] - 9 * r["n_incorrect"]) / r["n"]
            assert r["score"] == pytest.approx(expected)
    assert main(["report", str(out), "--out", str(tmp_path / "rep"), "--bootstrap", "0"]) == 0
    assert "gemini_flash_1_5" in (tmp_path / "rep" / "report.html").read_text()


def test_triviaqa_persona_end_to_end(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = shared_data / "graded_answers/triviaqa_persona_study/rq3_responses.csv"
    out = tmp_path / "persona.parquet"
    assert main(["convert", "triviaqa-persona", str(src), "--out", str(out)]) == 0
    assert "1377 records of 3 model(s)" in capsys.readouterr().out
    argv = ["score", str(out), "--by", "condition", "--targets", "0", "--format", "json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {r["condition"] for r in doc["rows"]} == {"clean_start", "post_switch", "null_history"}
    assert sum(r["n"] for r in doc["rows"]) == 1377
    assert {c["model"] for c in doc["calibration"]} == {r["model"] for r in doc["rows"]}
    rep = tmp_path / "rep"
    assert main(["report", str(out), "--out", str(rep), "--bootstrap", "0"]) == 0
    html = (rep / "report.html").read_text()
    assert 'id="calibration"' in html and "openai/gpt-4o-mini-2024-07-18" in html


def test_convert_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "01_x.jsonl"
    bad.write_text('{"id": 1, "judge_pred": "half"}\n')
    out = tmp_path / "o.jsonl"
    assert main(["convert", "simple-evals-ru", str(bad), "--out", str(out)]) == 2
    assert "01_x.jsonl:1: judge_pred" in capsys.readouterr().err
    assert not out.exists()
    assert main(["convert", "triviaqa-persona", str(bad), str(bad), "--out", str(out)]) == 2
    assert "takes one file" in capsys.readouterr().err
