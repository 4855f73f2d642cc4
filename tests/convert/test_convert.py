"""Conversions of published graded answers (../shared/data) into graded records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dontguess.convert import from_simple_evals_ru, from_triviaqa_persona
from dontguess.errors import InputError, SchemaError
from dontguess.records import UNGRADED_CODE
from dontguess.tables import read_graded, write_graded

pytestmark = pytest.mark.shared

RU = Path("logs/simple_evals_ru/simpleqa")
PERSONA = Path("graded_answers/triviaqa_persona_study/rq3_responses.csv")


def _judge_counts(path: Path) -> Counter[str]:
    import json

    return Counter(json.loads(line)["judge_pred"] for line in path.read_text().splitlines())


def test_simple_evals_ru_maps_judge_pred(shared_data: Path) -> None:
    files = sorted((shared_data / RU).glob("*.jsonl"))
    assert files, "no simple-evals-ru files"
    table = from_simple_evals_ru(files)
    assert len(table) == sum(len(f.read_text().splitlines()) for f in files)
    assert (table.verdict != UNGRADED_CODE).all()
    assert np.isnan(table.stated_target).all() and np.isnan(table.confidence).all()
    first = files[0]
    model = first.stem.split("_", 1)[1]
    mine = table.verdict[table.model == model]
    counts = _judge_counts(first)
    assert int((mine == 0).sum()) == counts["correct"]
    assert int((mine == 1).sum()) == counts["incorrect"]
    assert int((mine == 2).sum()) == counts["not_attempted"]
    assert len(set(table.model.tolist())) == len(files)


def test_triviaqa_persona_columns(shared_data: Path) -> None:
    import pyarrow.csv as pacsv

    path = shared_data / PERSONA
    table = from_triviaqa_persona(path)
    raw = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True))
    assert len(table) == raw.num_rows
    verdicts = raw.column("judge_verdict").to_pylist()
    assert int((table.verdict == 1).sum()) == verdicts.count("incorrect")
    assert int((table.verdict == 0).sum()) == verdicts.count("correct")
    np.testing.assert_array_equal(table.confidence, raw.column("certainty_score").to_numpy())
    assert set(table.model.tolist()) == set(raw.column("model_actual").to_pylist())
    assert {"condition", "model_key", "pair_label", "warmup_k"} <= set(table.groups)
    # (model, item, sample) identifies a record
    keys = set(
        zip(table.model.tolist(), table.item_id.tolist(), table.sample.tolist(), strict=True)
    )
    assert len(keys) == len(table)


def test_converted_round_trips(shared_data: Path, tmp_path: Path) -> None:
    table = from_triviaqa_persona(shared_data / PERSONA)
    back = read_graded(write_graded(table, tmp_path / "p.parquet"))
    assert back.answer.tolist() == table.answer.tolist()
    np.testing.assert_array_equal(back.verdict, table.verdict)


def test_bad_simple_evals_line_is_named(tmp_path: Path) -> None:
    p = tmp_path / "01_m.jsonl"
    p.write_text('{"id": 1, "judge_pred": "correct"}\n{"id": 2, "judge_pred": "maybe"}\n')
    with pytest.raises(InputError, match=r"01_m\.jsonl:2: judge_pred .*'maybe'"):
        from_simple_evals_ru([p])
    p.write_text('{"id": 1}\n')
    with pytest.raises(SchemaError, match=r":1: missing key 'judge_pred'"):
        from_simple_evals_ru([p])
    p.write_text('{"id": 1, "judge_pred": "NOT_ATTEMPTED", "answer": "idk"}\n')
    t = from_simple_evals_ru([p])
    assert t.model.tolist() == ["m"] and t.verdict.tolist() == [2]


def test_bad_persona_file(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("qid,model_actual\nq,m\n")
    with pytest.raises(SchemaError, match="missing column 'judge_verdict'"):
        from_triviaqa_persona(p)
    header = (
        "qid,model_actual,judge_verdict,content,certainty_score,"
        "model_key,condition,pair_label,warmup_k\n"
    )
    p.write_text(header + 'q,m,correct,"a\nb",1.5,k,c,p,5\n')
    with pytest.raises(InputError, match=r"r\.csv:2: certainty_score .*1\.5"):
        from_triviaqa_persona(p)
