"""Reading keeps pyarrow's dictionary codes end to end (issue 14): no per-row Python work."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dontguess._util.coded import CodedArray, codes_of
from dontguess._util.factorize import factorize
from dontguess.errors import InputError
from dontguess.scoring import summarize
from dontguess.tables import _unique as _tables_unique
from dontguess.tables import read_graded

SRC = Path(__file__).resolve().parents[2] / "src" / "dontguess"


def _parquet(path: Path, columns: dict[str, list[object]], row_group_size: int = 2) -> Path:
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
    return path


def test_no_ctypes_in_the_package() -> None:
    users = [p for p in SRC.rglob("*.py") if "ctypes" in p.read_text(encoding="utf-8")]
    assert not users, f"ctypes used in {users}"


def test_text_columns_carry_their_codes_across_row_groups(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q2", "q1", "q3", "q1", "q2"],
            "model": ["b", "a", "b", "b", "a"],
            "verdict": ["correct", "Incorrect", " ABSTAINED ", "", "correct"],
        },
    )
    table = read_graded(path)
    for name in ("item_id", "model", "style", "ungraded_reason", "answer"):
        column = getattr(table, name)
        assert isinstance(column, CodedArray), name
        dictionary, codes = codes_of(column)
        assert (dictionary[codes] == np.asarray(column, dtype=object)).all(), name
    assert table.item_id.tolist() == ["q2", "q1", "q3", "q1", "q2"]
    assert table.verdict.tolist() == [0, 1, 2, -1, 0]
    picked = table.take(np.array([True, False, True, True, False]))
    assert codes_of(picked.item_id) is not None
    uniques, codes = factorize(picked.item_id)  # sorted, only the values present
    assert uniques.tolist() == ["q1", "q2", "q3"] and codes.tolist() == [1, 2, 0]


def test_coded_columns_are_read_only_and_copies_are_plain(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "g.parquet", {"item_id": ["q1"], "model": ["m"], "verdict": ["correct"]}
    )
    table = read_graded(path)
    with pytest.raises(ValueError, match="read-only"):
        table.item_id[0] = "other"
    copy = table.item_id.copy()
    copy[0] = "other"
    assert codes_of(copy) is None and table.item_id[0] == "q1"
    assert repr(table.model) == "array(['m'], dtype=object)"
    assert type(table.model == "m") is np.ndarray


def test_null_and_empty_group_values_are_one_group(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q1", "q2", "q3", "q4"],
            "model": ["m", "m", "m", "m"],
            "verdict": ["correct"] * 4,
            "topic": [None, "", "a", None],
            "stated_target": [0.5, 0.5, 0.5, 0.5],
            "style": ["Reward", "reward", None, "PENALTY"],
        },
    )
    rows = summarize(read_graded(path), by=["topic"], zero_division=math.nan)
    got = sorted((r["topic"], r["style"], r["n"]) for r in rows)
    assert got == [("", "penalty", 1), ("", "reward", 2), ("a", "penalty", 1)]


def test_duplicate_in_a_later_row_group_names_both_rows(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q1", "q2", "q3", "q2", "q4"],
            "model": ["m"] * 5,
            "verdict": ["correct"] * 5,
            "sample": [0, 0, 0, 0, 0],
        },
    )
    with pytest.raises(
        InputError, match=r"g\.parquet: row 4: duplicate record: item_id 'q2'.*row 2"
    ):
        read_graded(path)


def test_hash_path_still_finds_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the bitmap handles small key spaces; the hashed path handles the rest: force it
    monkeypatch.setattr(_tables_unique, "_dense_check", lambda table, sources: False)
    monkeypatch.setattr(_tables_unique, "_hash", lambda cols: np.zeros(len(cols[0]), np.uint64))
    columns: dict[str, list[object]] = {
        "item_id": ["q0", "q1", "q2", "q0", "q1", "q2"],
        "model": ["m"] * 6,
        "verdict": ["correct"] * 6,
        "sample": [0, 0, 0, 1, 1, 1],
    }
    read_graded(_parquet(tmp_path / "ok.parquet", columns))  # all collide, none repeat
    columns["sample"][4] = 0
    with pytest.raises(InputError, match=r"row 5: duplicate record: item_id 'q1'.*row 2"):
        read_graded(_parquet(tmp_path / "bad.parquet", columns))


def test_scoring_a_read_table_builds_no_text_column(tmp_path: Path) -> None:
    from dontguess._util.coded import Pending
    from dontguess.metrics import calibration_audit

    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q1", "q2", "q1", "q2"],
            "model": ["a", "a", "b", "b"],
            "verdict": ["correct", "incorrect", "abstained", ""],
            "stated_target": [None, 0.5, None, 0.5],
        },
    )
    table = read_graded(path)
    rows = summarize(table, bootstrap=50, zero_division=math.nan)
    assert [r["n"] for r in rows if r["score_target"] == 0.5] == [1, 1, 1, 0]
    unbuilt = [
        n for n in ("model", "style") if isinstance(type(table).__dict__[n].stored(table), Pending)
    ]
    assert unbuilt == ["model", "style"]  # counted through the codes
    picked = table.take(np.array([True, False, True, False]))
    assert isinstance(type(picked).__dict__["model"].stored(picked), Pending)
    assert picked.model.tolist() == ["a", "b"]  # built on first read, equal to the file
    assert calibration_audit(table)[0]["n"] == 1
