"""Hostile inputs to the converters (issue 13): clear errors naming file, line and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from dontguess.cli import main
from dontguess.convert import from_simple_evals_ru, from_triviaqa_persona
from dontguess.errors import InputError

HEADER = (
    "qid,model_actual,judge_verdict,content,certainty_score,model_key,condition,pair_label,"
    "warmup_k\n"
)


def _persona(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        # was ValueError: could not convert string to float
        (["q1,m,correct,a,0.5,k,c,p,5", "q2,m,correct,a,high,k,c,p,5"],
         r"r\.csv:3: certainty_score must be a number, got 'high'"),
        # were stored as the text "None"
        ([",m,correct,a,0.5,k,c,p,5"], r"r\.csv:2: empty qid"),
        (['q1,m,correct,"two\nlines",0.5,k,c,p,5', "q2,,correct,a,0.5,k,c,p,5"],
         r"r\.csv:4: empty model_actual"),
        (["q1,m,maybe,a,0.5,k,c,p,5"], r"r\.csv:2: judge_verdict must be one of .*'maybe'"),
        (["q1,m,correct,a,inf,k,c,p,5"], r"r\.csv:2: certainty_score must be in \[0, 1\]"),
    ],
)  # fmt: skip
def test_persona_errors_name_the_line(tmp_path: Path, rows: list[str], match: str) -> None:
    with pytest.raises(InputError, match=match):
        from_triviaqa_persona(_persona(tmp_path, *rows))


def test_persona_numeric_content_and_missing_certainty(tmp_path: Path) -> None:
    table = from_triviaqa_persona(_persona(tmp_path, "7,m,correct,42,,k,c,p,5"))
    assert table.answer.tolist() == ["42"] and table.item_id.tolist() == ["7"]
    assert table.confidence.tolist() != table.confidence.tolist()  # nan: not given


def test_persona_non_utf8_and_cr_only(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes((HEADER + "q1,m,correct,café,0.5,k,c,p,5\n").encode("latin-1"))
    with pytest.raises(InputError, match=r"r\.csv:2: not UTF-8 text: bytes b'\\xe9'"):
        from_triviaqa_persona(path)
    path.write_bytes((HEADER + "q1,m,correct,a,0.5,k,c,p,5\n").replace("\n", "\r").encode())
    assert from_triviaqa_persona(path).verdict.tolist() == [0]


def test_simple_evals_answers_of_other_types(tmp_path: Path) -> None:
    path = tmp_path / "01_m.jsonl"
    path.write_text(
        '{"id": 1, "judge_pred": "correct", "answer": 42}\n'
        '{"id": 2, "judge_pred": "correct", "answer": 4.5}\n'
        '{"id": 3, "judge_pred": "incorrect", "answer": null}\n'
    )
    assert from_simple_evals_ru([path]).answer.tolist() == ["42", "4.5", ""]
    path.write_text('{"id": 1, "judge_pred": "correct", "answer": {"a": 1}}\n')
    with pytest.raises(InputError, match=r"01_m\.jsonl:1: answer must be text or a number"):
        from_simple_evals_ru([path])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"id": null, "judge_pred": "correct"}\n', r":1: id must be a number or non-empty text"),
        ('{"id": 1, "judge_pred": "correct"}\n{"id": 1, "judge_pred": "correct"}\n',
         r":2: duplicate id 1 for model 'm' \(also at .*01_m\.jsonl:1\)"),
        ('{"id": 1, "judge_pred": ' + "[" * 5000 + "]" * 5000 + "}\n",
         r":1: JSON nested deeper than 100 levels"),
        ('{"id": 1, "judge_pred": "correct"} {"id": 2, "judge_pred": "correct"}\n',
         r":1: more than one JSON value on the line"),
        ('{"id": 1, "judge_pred": "correct", "answer": "\\ud800"}\n',
         r":1: answer holds an unpaired"),
    ],
)  # fmt: skip
def test_simple_evals_bad_lines(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "01_m.jsonl"
    path.write_text(text)
    with pytest.raises(InputError, match=r"01_m\.jsonl" + match):
        from_simple_evals_ru([path])


def test_simple_evals_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "01_m.jsonl"
    path.write_bytes(b'{"id": 1, "judge_pred": "correct", "answer": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"01_m\.jsonl:1: not UTF-8 text: bytes b'\\xe9'"):
        from_simple_evals_ru([path])


def test_cli_failure_leaves_no_output_and_keeps_an_old_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _persona(tmp_path, "q1,m,correct,a,0.5,k,c,p,5", "q2,m,correct,a,high,k,c,p,5")
    out = tmp_path / "o.parquet"
    assert main(["convert", "triviaqa-persona", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "r.csv:3: certainty_score" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    out.write_bytes(b"old")
    assert main(["convert", "triviaqa-persona", str(bad), "--out", str(out)]) == 2
    assert out.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_unwritable_output_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _persona(tmp_path, "q1,m,correct,a,0.5,k,c,p,5")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "o.jsonl"  # a folder that is a file
    assert main(["convert", "triviaqa-persona", str(src), "--out", str(out)]) == 2
    assert "cannot create the folder" in capsys.readouterr().err
