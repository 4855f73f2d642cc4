"""``dontguess.score``: DataFrame, pyarrow Table, list of dicts, path; verdict words checked."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import dontguess
from dontguess.errors import InputError
from dontguess.records import Graded, GradedTable, Verdict
from dontguess.scoring import summarize

ROWS = [
    {"item_id": "q1", "model": "m", "verdict": "correct", "topic": "a"},
    {"item_id": "q2", "model": "m", "verdict": "INCORRECT", "topic": "a"},
    {"item_id": "q3", "model": "m", "verdict": "Abstained", "topic": "b"},
    {"item_id": "q4", "model": "m", "verdict": None, "topic": "b"},
    {"item_id": "q5", "model": "m", "verdict": "", "topic": "b"},
]


def _check(rows: list[dict[str, object]]) -> None:
    by_t = {r["score_target"]: r for r in rows}
    assert by_t[0.0]["n"] == 3 and by_t[0.0]["n_ungraded"] == 2
    assert by_t[0.0]["score"] == pytest.approx(1 / 3)
    assert by_t[0.5]["score"] == pytest.approx(0.0)  # (1 - 1*1) / 3
    assert by_t[0.9]["score"] == pytest.approx(-8 / 3)  # (1 - 9*1) / 3


def test_list_of_dicts() -> None:
    _check(dontguess.score(ROWS))


def test_dataframe_and_summarize_regression() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(ROWS)
    _check(dontguess.score(frame))
    with pytest.raises(TypeError, match=r"expected a GradedTable, got pandas.*dontguess.score"):
        summarize(frame)


def test_summarize_list_of_dicts_regression() -> None:
    with pytest.raises(TypeError, match=r"dontguess\.score"):
        summarize(ROWS)  # type: ignore[arg-type]


def test_pyarrow_table_and_by() -> None:
    rows = dontguess.score(pa.Table.from_pylist(ROWS), targets=(0.0,), by="topic")
    assert [(r["topic"], r["n"], r["n_ungraded"]) for r in rows] == [("a", 2, 0), ("b", 1, 2)]


def test_path_and_graded_records(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"item_id": "q1", "model": "m", "verdict": "correct"}\n')
    assert dontguess.score(path, targets=(0.0,))[0]["score"] == 1.0
    assert dontguess.score(str(path), targets=(0.0,))[0]["n"] == 1
    recs = [Graded("q1", "m", Verdict.CORRECT), Graded("q2", "m", Verdict.INCORRECT)]
    assert dontguess.score(recs, targets=(0.5,))[0]["score"] == 0.0
    assert dontguess.score(GradedTable.from_records(recs), targets=(0.0,))[0]["score"] == 0.5


def test_bootstrap_interval() -> None:
    rows = [{"item_id": f"q{i}", "model": "m", "verdict": "correct" if i % 2 else "incorrect"}
            for i in range(20)]  # fmt: skip
    row = dontguess.score(rows, targets=(0.0,), bootstrap=200)[0]
    assert row["score_ci_low"] <= 0.5 <= row["score_ci_high"]


def test_bad_verdict_word_says_what_was_expected() -> None:
    bad = [*ROWS[:2], {"item_id": "q9", "model": "m", "verdict": "right"}]
    with pytest.raises(InputError, match=r"row 3: verdict must be correct, incorrect, abstained"):
        dontguess.score(bad)


def test_missing_column_and_wrong_kinds() -> None:
    with pytest.raises(InputError, match="missing column 'verdict'"):
        dontguess.score([{"item_id": "q", "model": "m"}])
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        dontguess.score(42)
    with pytest.raises(TypeError, match="row 2 is a int"):
        dontguess.score([ROWS[0], 3])
    with pytest.raises(InputError, match="no records"):
        dontguess.score([])
