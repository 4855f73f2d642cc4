"""Hand-worked mappings of each format (synthetic logs), as documented in docs/import.md."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from tests.importers.logs import (
    inspect_header,
    inspect_sample,
    lm_line,
    write_eval,
    write_inspect_json,
    write_lm,
)

from dontguess.importers import detect_format, read_inspect, read_lm_eval, read_log, read_logs
from dontguess.importers.inspect_log import grade_value


def test_inspect_values_map_as_documented(tmp_path: Path) -> None:
    samples = [
        inspect_sample(1, "C"), inspect_sample(2, "I"), inspect_sample(3, "N"),
        inspect_sample(4, "P"), inspect_sample(5, 1), inspect_sample(6, 0.0),
        inspect_sample(7, 0.75), inspect_sample(8, {"a": 1}), inspect_sample(9, True),
        inspect_sample(10, "C", answer="I don't know."),
    ]  # fmt: skip
    table = read_log(write_eval(tmp_path / "a.eval", samples))
    assert table.verdict.tolist() == [0, 1, 2, -1, 0, 1, -1, -1, 0, 2]
    assert table.ungraded_reason[3] == "partial credit P (give a partial threshold)"
    assert table.groups["source_score"].tolist() == [
        "1",
        "0",
        "0",
        "0.5",
        "1",
        "0",
        "0.75",
        "",
        "1",
        "1",
    ]
    thresholded = read_inspect(tmp_path / "a.eval", partial_threshold=0.6)
    assert thresholded.verdict.tolist()[3] == 1 and thresholded.verdict.tolist()[6] == 0
    assert read_inspect(tmp_path / "a.eval", partial_threshold=0.5).verdict.tolist()[3] == 0


def test_inspect_epochs_scorers_confidence_and_model(tmp_path: Path) -> None:
    samples = [
        inspect_sample("q", "C", epoch=1, metadata={"confidence": 0.8}),
        inspect_sample("q", "I", epoch=2),
    ]
    samples[1]["scores"]["judge"] = {"value": "C", "answer": "x"}
    table = read_log(write_inspect_json(tmp_path / "log.json", samples, model="anthropic/c"))
    assert len(table) == 3
    assert sorted(table.model.tolist()) == ["anthropic/c · judge", "anthropic/c · match",
                                           "anthropic/c · match"]  # fmt: skip
    assert sorted(zip(table.model.tolist(), table.sample.tolist(), strict=True))[1:] == [
        ("anthropic/c · match", 0), ("anthropic/c · match", 1)]  # fmt: skip
    conf = table.confidence.tolist()
    assert conf[0] == 0.8 and math.isnan(conf[1])
    assert set(table.groups["benchmark"].tolist()) == {"quiz"}


def test_grade_value_words() -> None:
    assert grade_value("correct", None)[0] == 0 and grade_value(" no ", None)[0] == 1
    assert grade_value("maybe", None)[1].startswith("score value 'maybe'")
    assert grade_value(None, None)[1] == "the score has no value"


def test_lm_eval_generated_abstention_and_metric(tmp_path: Path) -> None:
    lines = [lm_line(0, 1.0), lm_line(1, 0.0), lm_line(2, 0.0, text="I don't know."),
             lm_line(3, 0.5)]  # fmt: skip
    results = {"results": {"quiz": {}}, "model_name": "org/model",
               "configs": {"quiz": {"output_type": "generate_until"}}}  # fmt: skip
    table = read_lm_eval(write_lm(tmp_path, lines, results=results))
    assert table.verdict.tolist() == [0, 1, 2, -1]
    assert table.groups["source_score"].tolist() == ["1", "0", "0", "0.5"]
    assert set(table.model.tolist()) == {"org/model"}
    assert read_lm_eval(write_lm(tmp_path, lines), partial_threshold=0.5).verdict[3] == 0


def test_lm_eval_loglikelihood_cannot_abstain(tmp_path: Path) -> None:
    lines = [lm_line(0, 1.0, loglik=True, metric="acc"), lm_line(1, 0.0, loglik=True, metric="acc")]
    table = read_lm_eval(write_lm(tmp_path, lines))
    assert table.verdict.tolist() == [0, 1]
    assert set(table.groups["abstain_possible"].tolist()) == {"no"}
    assert table.answer.tolist() == ["choice 1", "choice 1"]
    assert set(table.model.tolist()) == {"unknown"}  # no results file next to it


def test_lm_eval_several_filters_are_separate_rows(tmp_path: Path) -> None:
    lines = [lm_line(0, 1.0, filt="strict"), lm_line(0, 0.0, filt="flexible")]
    table = read_log(write_lm(tmp_path, lines))
    assert table.model.tolist() == [
        "unknown · exact_match/strict",
        "unknown · exact_match/flexible",
    ]


def test_lm_eval_python_repr_fields(tmp_path: Path) -> None:
    line = lm_line(0, 0.0)
    line["resps"] = repr([["I have no idea."]])
    table = read_log(write_lm(tmp_path, [line]))
    assert table.verdict.tolist() == [2]


def test_detect_leaves_graded_records_alone(tmp_path: Path) -> None:
    records = tmp_path / "g.jsonl"
    records.write_text('{"item_id": "1", "model": "m", "verdict": "correct"}\n')
    array = tmp_path / "g.json"
    array.write_text('[{"item_id": "1", "model": "m", "verdict": "correct"}]')
    assert detect_format(records) is None and detect_format(array) is None
    assert detect_format(tmp_path) is None and detect_format(tmp_path / "missing") is None


def test_read_logs_concatenates_and_validates_format(tmp_path: Path) -> None:
    a = write_eval(tmp_path / "a.eval", [inspect_sample(1, "C")], model="a")
    b = write_eval(tmp_path / "b.eval", [inspect_sample(1, "I")], model="b")
    assert read_logs([a, b]).model.tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="log format must be one of"):
        read_log(a, fmt="csv")


def test_inspect_eval_compressed_with_zstandard_reads(tmp_path: Path) -> None:
    # inspect_ai 0.3.285 writes its .eval archives with zip method 93 (Zstandard), which
    # Python 3.11's zipfile cannot open on its own ("compression method is not supported").
    import json
    import zipfile

    pytest.importorskip("zipfile_zstd")
    path = tmp_path / "z.eval"
    samples = [inspect_sample(1, "C"), inspect_sample(2, "I"), inspect_sample(3, "N")]
    with zipfile.ZipFile(path, "w", compression=93) as z:
        z.writestr("header.json", json.dumps(inspect_header()))
        for s in samples:
            z.writestr(f"samples/{s['id']}_epoch_{s['epoch']}.json", json.dumps(s))
    with zipfile.ZipFile(path) as z:
        assert {i.compress_type for i in z.infolist()} == {93}
    assert read_log(path).verdict.tolist() == [0, 1, 2]  # C, I, N


def test_two_tasks_of_one_model_are_not_duplicates_in_score(tmp_path: Path) -> None:
    # Harnesses number each task's questions from 0: one model's two tasks share item ids
    # without repeating an answer, so score/report key imported records by benchmark too
    # (they refused the shared inspect input-task and popularity logs on item '1').
    from dontguess.errors import InputError
    from dontguess.tables import read_graded

    a = write_eval(tmp_path / "a.eval", [inspect_sample(1, "C")], task="arith")
    b = write_eval(tmp_path / "b.eval", [inspect_sample(1, "I")], task="trivia")
    assert len(read_graded([a, b])) == 2
    again = write_eval(tmp_path / "c.eval", [inspect_sample(1, "I")], task="arith")
    with pytest.raises(InputError, match="duplicate record"):
        read_graded([a, again])
