"""``dontguess example`` then ``dontguess report``: the README's main job, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.cli import main


def test_example_score_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "example.parquet"
    assert main(["example", "--out", str(data), "--n", "60", "--seed", "2"]) == 0
    assert "wrote 900 simulated records" in capsys.readouterr().out
    out = tmp_path / "rep"
    assert main(["report", str(data), "--out", str(out), "--bootstrap", "20", "--by", "topic"]) == 0
    assert "report.html" in capsys.readouterr().out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "always-guess" in html and "birthdays" in html
    summary = json.loads((out / "summary.json").read_text())
    assert {r["topic"] for r in summary["rows"]} == {"capitals", "science", "history", "birthdays"}
    # the report scores the same way as `dontguess score`
    assert main(["score", str(data), "--by", "topic", "--bootstrap", "20", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == summary["rows"]


def test_report_bad_input_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,model,verdict\n1,m,correct\n2,m,wrong-ish\n")
    out = tmp_path / "rep"
    assert main(["report", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:3:" in err and "'wrong-ish'" in err
    assert not out.exists()


def test_example_rejects_bad_n(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["example", "--out", str(tmp_path / "x.jsonl"), "--n", "0"]) == 2
    assert "--n must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_report_out_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "e.jsonl"
    assert main(["example", "--out", str(data), "--n", "5"]) == 0
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    assert main(["report", str(data), "--out", str(target), "--bootstrap", "0"]) == 2
    assert "--out must be a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"
