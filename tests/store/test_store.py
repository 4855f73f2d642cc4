"""Run directories: spec.json, graded files in the score format, lock, commit, DONE last."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from dontguess import store as store_mod
from dontguess.errors import StoreError
from dontguess.records import (
    GRADING_COLUMNS,
    ITEM_COLUMNS,
    Condition,
    Graded,
    Item,
    RunSpec,
    Verdict,
)
from dontguess.store import DONE, GRADED_COLUMNS, OUTPUTS, RUN_SCHEMA_VERSION, RunDir
from dontguess.tables import read_graded

SPEC = RunSpec(
    models=("openai:m",),
    dataset="d",
    dataset_hash="h",
    conditions=(Condition(), Condition("open", 0.75, "reward", "abc")),
    generation={"temperature": 0.0},
)
OTHER = RunSpec(models=("openai:n",), dataset="d", dataset_hash="h", conditions=(Condition(),))
RECORDS = [
    Graded("q1", "openai:m", Verdict.CORRECT, answer="Paris", groups={"topic": "geo"}),
    Graded(
        "q1",
        "openai:m",
        Verdict.ABSTAINED,
        Condition("open", 0.75, "reward"),
        sample=1,
        method="judge",
        judge_reply="Label: NOT_ATTEMPTED",
    ),
    Graded("q2", "openai:m", None, ungraded_reason="backend error: HTTP 400: no"),
]


def _journal_row(rd: RunDir) -> None:
    with sqlite3.connect(rd.journal_path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT)")
        db.execute("INSERT INTO replies VALUES ('k')")
    db.close()


def test_spec_json_and_refusal(tmp_path: Path) -> None:
    rd = RunDir(tmp_path / "run")
    rd.begin(SPEC)
    doc = rd.read_spec()
    assert doc["schema_version"] == RUN_SCHEMA_VERSION
    assert doc["spec"]["conditions"][1] == {
        "rubric": "open", "target": 0.75, "style": "reward", "template_hash": "abc",
    }  # fmt: skip
    assert doc["versions"]["dontguess"] and doc["versions"]["python"]
    rev = doc["git_revision"]
    assert rev is None or (len(rev) == 40 and int(rev, 16) >= 0)
    rd.commit(RECORDS, {"n": 3})
    rd.release()
    rd.begin(SPEC)  # same spec: reopen; the finished set and DONE stay until replaced
    assert rd.done
    rd.release()
    with pytest.raises(StoreError, match="differs in conditions, generation, models"):
        rd.begin(OTHER)


def test_a_directory_without_a_result_is_taken_over(tmp_path: Path) -> None:
    """What a failed first attempt left (spec.json, empty journal) does not block a new spec."""
    rd = RunDir(tmp_path / "run")
    rd.begin(SPEC)
    with sqlite3.connect(rd.journal_path) as db:
        db.execute("CREATE TABLE replies (key TEXT)")
    db.close()
    rd.release()
    rd.begin(OTHER)
    assert rd.read_spec()["spec"]["models"] == ["openai:n"]
    _journal_row(rd)  # now it holds a result: the first spec is refused
    rd.release()
    with pytest.raises(StoreError, match="holds a different run"):
        RunDir(tmp_path / "run").begin(SPEC)


def test_graded_files_read_back_with_read_graded(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    rd.commit(RECORDS, {})
    first = json.loads((tmp_path / "graded.jsonl").read_text().splitlines()[0])
    assert list(first) == [*GRADED_COLUMNS, *GRADING_COLUMNS, "topic"]
    for name in ("graded.jsonl", "graded.parquet"):
        table = read_graded([tmp_path / name])
        # the run's grading columns read as extra columns: score --by method works
        assert list(table.groups["method"]) == ["", "judge", ""]
        assert list(table.groups["judge_reply"]) == ["", "Label: NOT_ATTEMPTED", ""]
        assert list(table.verdict) == [0, 2, -1]
        assert math.isnan(table.stated_target[0]) and table.stated_target[1] == 0.75
        assert list(table.style) == ["", "reward", ""]
        assert list(table.sample) == [0, 1, 0]
        assert list(table.groups["topic"]) == ["geo", "", ""]
    assert len(read_graded([tmp_path])) == 3  # a run directory


ITEM = Item(
    "q1", "Capital of France?", ("Paris", "Paris, France"), "choice", ("Paris", "Lyon"),
    {"topic": "geo"}, ("Lyon",),
)  # fmt: skip


def test_records_with_items_keep_question_and_golds(tmp_path: Path) -> None:
    """Self-contained records: the question columns, lists in both files; readers take
    them as extra columns."""
    records = [
        Graded("q1", "openai:m", Verdict.CORRECT, answer="Paris", item=ITEM, groups=ITEM.groups),
        Graded("q2", "openai:m", None, ungraded_reason="backend error: x"),  # no item kept
    ]
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    rd.commit(records, {})
    rows = [json.loads(x) for x in (tmp_path / "graded.jsonl").read_text().splitlines()]
    assert list(rows[0]) == [*GRADED_COLUMNS, *GRADING_COLUMNS, *ITEM_COLUMNS, "topic"]
    assert rows[0]["question"] == "Capital of France?" and rows[0]["kind"] == "choice"
    assert rows[0]["gold_answers"] == ["Paris", "Paris, France"]
    assert rows[0]["choices"] == ["Paris", "Lyon"] and rows[0]["incorrect_answers"] == ["Lyon"]
    assert all(rows[1][c] is None for c in ITEM_COLUMNS)
    import pyarrow.parquet as pq

    parquet = pq.read_table(tmp_path / "graded.parquet").to_pylist()
    assert parquet == rows
    for name in ("graded.jsonl", "graded.parquet"):
        table = read_graded([tmp_path / name])
        assert list(table.groups["question"]) == ["Capital of France?", ""]
        assert json.loads(table.groups["gold_answers"][0]) == ["Paris", "Paris, France"]
        assert list(table.verdict) == [0, -1]


def test_a_records_item_must_be_its_own() -> None:
    with pytest.raises(ValueError, match="item 'q2': the record's item has id 'q1'"):
        Graded("q2", "m", Verdict.CORRECT, item=ITEM)


def test_summary_nan_is_null_and_done_is_last(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    assert not rd.done
    rd.commit([], {"score": float("nan"), "n": np.int64(3)})
    assert json.loads((tmp_path / "summary.json").read_text()) == {"score": None, "n": 3}
    assert rd.done
    assert not list(tmp_path.glob(".*.tmp*"))


def test_commit_never_shows_done_beside_a_mixed_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    rd.commit(RECORDS[:1], {"pass": 1})
    seen: list[tuple[str, bool]] = []
    real = os.replace

    def spy(src: object, dst: object) -> None:
        seen.append((Path(str(dst)).name, (tmp_path / DONE).exists()))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(store_mod.os, "replace", spy)
    rd.commit(RECORDS, {"pass": 2})
    assert [n for n, _ in seen] == [*OUTPUTS, DONE]
    assert all(not done for _, done in seen)  # DONE gone before the first output moves
    assert rd.done and json.loads((tmp_path / "summary.json").read_text()) == {"pass": 2}


def test_a_failed_commit_keeps_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    rd.commit(RECORDS, {"pass": 1})
    before = {n: (tmp_path / n).read_bytes() for n in (*OUTPUTS, DONE)}

    def broken(path: Path, jsonl: bytes, names: list[str]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_mod, "_write_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        rd.commit(RECORDS[:1], {"pass": 2})
    assert {n: (tmp_path / n).read_bytes() for n in (*OUTPUTS, DONE)} == before
    assert not list(tmp_path.glob(".*.tmp*"))


def test_a_second_writer_is_refused_with_the_holder(tmp_path: Path) -> None:
    first, second = RunDir(tmp_path / "run"), RunDir(tmp_path / "run")
    first.begin(SPEC)
    with pytest.raises(StoreError, match=rf"in use by another dontguess run \(pid {os.getpid()} "):
        second.begin(SPEC)
    assert (tmp_path / "run" / "spec.json").exists()  # the refused one removed nothing
    first.release()
    second.begin(SPEC)
    second.release()


def test_discard_removes_only_what_a_failed_run_made(tmp_path: Path) -> None:
    rd = RunDir(tmp_path / "a" / "b" / "run")
    rd.begin(SPEC)
    assert rd.discard() and not (tmp_path / "a").exists()
    kept = RunDir(tmp_path / "kept")
    kept.begin(SPEC)
    _journal_row(kept)
    assert not kept.discard() and (tmp_path / "kept" / "spec.json").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    rd = RunDir(mine)
    rd.begin(SPEC)
    assert rd.discard() and mine.exists() and not list(mine.iterdir())


def test_begin_removes_temp_files_of_a_killed_run(tmp_path: Path) -> None:
    (tmp_path / ".graded.jsonl.tmp999").write_text("half")
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    assert not (tmp_path / ".graded.jsonl.tmp999").exists()


def test_a_file_in_the_way_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        RunDir(tmp_path / "f").begin(SPEC)


JUDGED = {"grader": "cascade", "judge": {"judge": "openai:j", "template_hash": "abc"}}


def test_grading_is_stored_and_a_rerun_graded_another_way_is_refused(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC, grading=JUDGED)
    _journal_row(rd)
    rd.release()
    assert json.loads((tmp_path / "spec.json").read_text())["grading"] == JUDGED
    rd.begin(SPEC, grading=JUDGED)  # the same command resumes
    rd.release()
    for other in (None, {**JUDGED, "grader": "judge"}, {**JUDGED, "judge": {"judge": "x"}}):
        with pytest.raises(
            StoreError, match=r"graded by cascade with judge openai:j.*dontguess grade"
        ):
            RunDir(tmp_path).begin(SPEC, grading=other)
    assert json.loads((tmp_path / "spec.json").read_text())["grading"] == JUDGED


def test_a_run_stored_before_grading_was_recorded_resumes_as_rules(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.begin(SPEC)
    _journal_row(rd)
    rd.release()
    doc = json.loads((tmp_path / "spec.json").read_text())
    del doc["grading"]
    (tmp_path / "spec.json").write_text(json.dumps(doc))
    again = RunDir(tmp_path)
    again.begin(SPEC, grading={"grader": "rules", "judge": None})
    again.release()
    with pytest.raises(StoreError, match="graded by rules, this command grades by cascade"):
        RunDir(tmp_path).begin(SPEC, grading=JUDGED)


def test_judge_rows_alone_are_a_result_that_discard_keeps(tmp_path: Path) -> None:
    rd = RunDir(tmp_path / "new")
    rd.begin(SPEC, grading=JUDGED)
    with sqlite3.connect(rd.journal_path) as db:
        db.execute("CREATE TABLE judge_replies (key TEXT)")
        db.execute("INSERT INTO judge_replies VALUES ('k')")
    db.close()
    assert rd.holds_result()
    assert rd.discard() is False and rd.journal_path.exists()
