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


def test_stated_targets_carry_codes_with_equal_numbers_merged(tmp_path: Path) -> None:
    # -0.0 and 0.0 are one target, null and nan one closed rubric; grouping and the
    # duplicate check take these codes instead of hashing every record's float again
    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q1", "q2", "q3", "q4", "q5", "q6"],
            "model": ["m"] * 6,
            "verdict": ["correct", "incorrect", "abstained", "correct", "correct", "incorrect"],
            "stated_target": [-0.0, 0.0, None, math.nan, 0.75, 0.0],
        },
    )
    table = read_graded(path)
    known = codes_of(table.stated_target)
    assert known is not None
    uniques, codes = known
    assert len(uniques) == 3 and np.isnan(uniques).sum() == 1  # 0.0, nan, 0.75
    np.testing.assert_array_equal(uniques[codes], table.stated_target)
    assert table.stated_target.tolist()[:2] == [0.0, 0.0]
    with pytest.raises(ValueError, match="read-only"):
        table.stated_target[0] = 0.5
    rows = summarize(table, targets=[0.0], zero_division=math.nan)
    assert sorted((r["stated_target"], r["n"]) for r in rows if r["stated_target"] is not None) == [
        (0.0, 3),
        (0.75, 1),
    ]


def test_a_copy_of_the_targets_is_coded_as_numbers(tmp_path: Path) -> None:
    from dontguess._util.factorize import column_coder

    path = _parquet(
        tmp_path / "g.parquet",
        {
            "item_id": ["q1", "q2", "q3"],
            "model": ["m"] * 3,
            "verdict": ["correct"] * 3,
            "stated_target": [None, math.nan, 0.5],
        },
    )
    copy = read_graded(path).stated_target.copy()  # a CodedArray without its codes
    assert codes_of(copy) is None
    assert len(column_coder(copy).uniques) == 2  # nan once (not one value per record)


def test_numeric_columns_of_a_read_table_are_read_only(tmp_path: Path) -> None:
    path = _parquet(
        tmp_path / "g.parquet", {"item_id": ["q1"], "model": ["m"], "verdict": ["correct"]}
    )
    table = read_graded(path)
    for name in ("verdict", "sample", "confidence", "stated_target"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(table, name)[0] = 0


def test_ids_stored_as_plain_pages_are_read_as_text_and_encoded_once(tmp_path: Path) -> None:
    # Many distinct ids outgrow the writer's dictionary page (here 256 bytes): the pages fall
    # back to plain strings, the reader reads them as text and encodes them in one pass
    # (one dictionary shared by all row groups); the codes must be the same as for a file
    # stored as dictionary pages.
    from dontguess.tables._io import _dictionary_pages

    n = 4000
    columns: dict[str, list[object]] = {
        "item_id": [f"question-{(i * 37) % 1500:04d}" for i in range(n)],
        "model": ["a", "b"] * (n // 2),
        "verdict": ["correct", "incorrect", "abstained", ""] * (n // 4),
        "sample": [i // 1500 for i in range(n)],
    }
    plain = tmp_path / "plain.parquet"
    small_pages = {"dictionary_pagesize_limit": 256, "write_batch_size": 64, "data_page_size": 512}
    pq.write_table(pa.table(columns), plain, row_group_size=1000, **small_pages)
    coded = _parquet(tmp_path / "coded.parquet", columns, row_group_size=1000)
    assert not _dictionary_pages(pq.ParquetFile(plain).metadata, "item_id")
    assert _dictionary_pages(pq.ParquetFile(plain).metadata, "model")
    assert _dictionary_pages(pq.ParquetFile(coded).metadata, "item_id")
    tables = [read_graded(plain), read_graded(coded)]
    for table in tables:
        dictionary, codes = codes_of(table.item_id)
        assert dictionary[codes].tolist() == columns["item_id"]
        assert len(set(dictionary[codes].tolist())) == len(np.unique(codes)) == 1500
    rows = [summarize(t, bootstrap=20, zero_division=math.nan) for t in tables]
    assert repr(rows[0]) == repr(rows[1])
    columns["item_id"][3999] = columns["item_id"][0]  # row 4000 repeats row 1's key
    columns["sample"][3999] = columns["sample"][0]
    columns["model"][3999] = columns["model"][0]
    pq.write_table(pa.table(columns), plain, row_group_size=1000, **small_pages)
    with pytest.raises(InputError, match=r"row 4000: duplicate record: item_id 'question-0000'"):
        read_graded(plain)


@pytest.mark.parametrize("threads", [2, 3, 7])
def test_encoding_in_parallel_pieces_gives_the_one_pass_codes(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long columns are dictionary-encoded in one piece per thread, then mapped onto one
    # dictionary: the same dictionary (first-seen order) and codes as a single pass, nulls
    # included, over chunked and unchunked columns, text and numbers.
    from dontguess.tables import _codes
    from dontguess.tables._io import Where

    rng = np.random.default_rng(threads)
    words = [None if k % 11 == 0 else f"id{k}" for k in rng.integers(0, 60, 500).tolist()]
    numbers = [None if k % 7 == 0 else k / 4 for k in rng.integers(0, 9, 500).tolist()]
    columns = [
        pa.array(words),
        pa.chunked_array([words[:130], words[130:131], words[131:]]),
        pa.chunked_array([numbers[:250], numbers[250:]]),
    ]
    where = Where("f.parquet", None)
    serial = [_codes.encode(c, "x", where, as_text=False) for c in columns]
    monkeypatch.setattr(_codes, "PARALLEL_ROWS", 40)
    monkeypatch.setattr(_codes, "_threads", lambda: threads)
    for column, want in zip(columns, serial, strict=True):
        assert isinstance(_codes._dictionary_encode(column), _codes.Encoded)  # the parallel path
        got = _codes.encode(column, "x", where, as_text=False)
        assert got.dictionary.equals(want.dictionary)
        np.testing.assert_array_equal(got.codes, want.codes)
        assert int(got.codes.max()) == len(got.dictionary)  # nulls: one past the dictionary
