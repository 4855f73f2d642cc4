"""Hostile graded-records files: each case once crashed or was silently misread (issue 13).

Every case here is an :class:`InputError` naming the file, the line (or Parquet row) and the
value or limit, or a correct read; never a traceback, a segfault or a wrong table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dontguess._util import rawtext as _rawtext
from dontguess.errors import InputError, SchemaError
from dontguess.tables import read_graded

BASE = {"item_id": "q1", "model": "m", "verdict": "correct"}


def _line(**extra: object) -> str:
    return json.dumps({**BASE, **extra}, ensure_ascii=False)


def _deep(depth: int) -> str:
    return _line()[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"


def _parquet(path: Path, **columns: object) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {"item_id": pa.array(["q1", "q2"]), "model": pa.array(["m", "m"])}
    data["verdict"] = pa.array(["correct", "incorrect"])
    data.update(columns)  # type: ignore[arg-type]
    pq.write_table(pa.table(data), path)
    return path


def test_deep_nesting_is_an_error_not_a_segfault(tmp_path: Path) -> None:
    # 20,000 levels segfaulted pyarrow's JSON reader (exit 139): run it in a child process.
    path = tmp_path / "deep.jsonl"
    path.write_text(_line() + "\n" + _deep(20_000) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "dontguess", "score", str(path), "--bootstrap", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "Traceback" not in proc.stderr
    assert "deep.jsonl:2: JSON nested deeper than 100 levels" in proc.stderr


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_nesting_of_1000_is_an_error_not_recursion(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    if suffix == ".json":
        path.write_text("[" + _deep(1000) + "]")
    else:
        path.write_text(_deep(1000) + "\n")
    with pytest.raises(InputError, match=r"deep\.jsonl?:1: JSON nested deeper than 100"):
        read_graded(path)


def test_brackets_inside_strings_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    tricky = "[" * 500 + '"\\' + "{" * 500 + '\\"]'  # JSON text: [[..\"\\{{..\\\"]
    path.write_text(_line(answer=tricky) + "\n")
    assert read_graded(path).answer[0] == tricky


def test_line_length_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_rawtext, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_text(_line() + "\n" + _line(item_id="q2", answer="x" * 2000) + "\n")
    with pytest.raises(InputError, match=r"long\.jsonl:2: line of 2,0\d\d bytes .* 1,000 bytes"):
        read_graded(path)


def test_two_objects_on_one_line_are_an_error(tmp_path: Path) -> None:
    # pyarrow read them as two records
    path = tmp_path / "two.jsonl"
    path.write_text(_line() + "\n" + _line(item_id="q2") + " " + _line(item_id="q3") + "\n")
    with pytest.raises(InputError, match=r"two\.jsonl:2: more than one JSON value on the line"):
        read_graded(path)


@pytest.mark.parametrize(
    ("suffix", "data", "line"),
    [
        (".jsonl", (_line() + "\n" + _line(item_id="qé") + "\n").encode("latin-1"), 2),
        (".csv", "item_id,model,verdict\nq1,m,correct\nq2,mé,correct\n".encode("latin-1"), 3),
        (".json", ("[" + _line(model="é") + "]").encode("latin-1"), 1),
        (".csv", "item_id,model,verdict\rq1,m,correct\rq2,mé,correct\r".encode("latin-1"), 3),
    ],
)
def test_non_utf8_names_line_and_bytes(tmp_path: Path, suffix: str, data: bytes, line: int) -> None:
    path = tmp_path / f"latin{suffix}"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"latin\{suffix}:{line}: not UTF-8 text: bytes b'\\xe9'"):
        read_graded(path)


def test_lone_surrogate_escape_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "sur.jsonl"
    path.write_text(_line() + "\n" + _line(item_id="q2") + "\n")
    path.write_text(path.read_text().replace('"model": "m"', '"model": "\\ud800"', 1))
    with pytest.raises(InputError, match=r"sur\.jsonl:1: .*unpaired surrogate"):
        read_graded(path)


def test_cr_only_and_mixed_line_endings_read_correctly(tmp_path: Path) -> None:
    csv_path = tmp_path / "cr.csv"
    csv_path.write_bytes(b"item_id,model,verdict\rq1,m,correct\rq2,m,incorrect\r")
    assert read_graded(csv_path).verdict.tolist() == [0, 1]
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_bytes(f"{_line()}\r\n{_line(item_id='q2')}\r{_line(item_id='q3')}\n".encode())
    assert read_graded(jsonl).item_id.tolist() == ["q1", "q2", "q3"]
    jsonl.write_bytes(f"{_line()}\r{_line(item_id='q2', verdict='nope')}\r".encode())
    with pytest.raises(InputError, match=r"mixed\.jsonl:2: verdict"):
        read_graded(jsonl)


def test_csv_error_names_the_line_after_a_multiline_value(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('item_id,model,verdict,answer\nq1,m,correct,"a\nb\nc"\nq2,m,maybe,x\n')
    with pytest.raises(InputError, match=r"m\.csv:5: verdict .*'maybe'"):
        read_graded(path)
    path.write_text("item_id,model,verdict\nq1,m,correct\nq2,m,correct,extra\n")
    with pytest.raises(InputError, match=r"m\.csv:3: row has 4 fields, the header line 1 has 3"):
        read_graded(path)


@pytest.mark.parametrize(
    ("column", "match"),
    [
        ({"a": 1}, r"row 1: verdict must be a single value, got \{'a': 1\}"),
        (["correct"], r"row 1: verdict must be a single value, got \['correct'\]"),
        (b"\xffx", r"row 1: verdict is not UTF-8 text: b'\\xffx'"),
    ],
)
def test_parquet_verdict_of_wrong_type(tmp_path: Path, column: object, match: str) -> None:
    import pyarrow as pa

    path = _parquet(tmp_path / "v.parquet", verdict=pa.array([column, column]))
    with pytest.raises(InputError, match=match):
        read_graded(path)


def test_parquet_binary_utf8_verdict_reads(tmp_path: Path) -> None:
    import pyarrow as pa

    path = _parquet(tmp_path / "v.parquet", verdict=pa.array([b"correct", b"Abstained"]))
    assert read_graded(path).verdict.tolist() == [0, 2]


def test_parquet_duplicate_column_names(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays(
        [pa.array(["q"]), pa.array(["m"]), pa.array(["correct"]), pa.array(["x"])],
        names=["item_id", "model", "verdict", "verdict"],
    )
    pq.write_table(table, tmp_path / "d.parquet")
    with pytest.raises(SchemaError, match=r"d\.parquet: column 'verdict' appears 2 times"):
        read_graded(tmp_path / "d.parquet")


@pytest.mark.parametrize(
    ("values", "kind", "shown"),
    [
        ([2**63 - 1, 0], "int64", "9223372036854775807"),
        ([2**64 - 1, 0], "uint64", "18446744073709551615"),
        ([2**53, 0], "int64", "9007199254740992"),
        ([1e19, 0.0], "float64", r"1e\+19"),
    ],
)
def test_parquet_huge_sample(tmp_path: Path, values: list[float], kind: str, shown: str) -> None:
    import pyarrow as pa

    path = _parquet(tmp_path / "s.parquet", sample=pa.array(values, type=getattr(pa, kind)()))
    with pytest.raises(
        InputError, match=rf"row 1: sample must be an integer in \[0, 2\*\*53\), got {shown}"
    ):
        read_graded(path)


@pytest.mark.parametrize("text", ["1e19", "10000000000000000000", "9007199254740993"])
def test_huge_sample_in_text_files_is_an_error(tmp_path: Path, text: str) -> None:
    # 1e19 was stored as -9223372036854775808
    path = tmp_path / "s.jsonl"
    path.write_text(_line()[:-1] + f', "sample": {text}}}\n')
    with pytest.raises(
        InputError, match=r"s\.jsonl:1: sample must be an integer in \[0, 2\*\*53\)"
    ):
        read_graded(path)
    csv_path = tmp_path / "s.csv"
    csv_path.write_text(f"item_id,model,verdict,sample\nq,m,correct,{text}\n")
    with pytest.raises(InputError, match=rf"s\.csv:2: sample .*'{text}'"):
        read_graded(csv_path)


def test_largest_allowed_sample_reads(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(_line()[:-1] + f', "sample": {2**53 - 1}}}\n')
    assert read_graded(path).sample.tolist() == [2**53 - 1]


@pytest.mark.parametrize("column", ["item_id", "model", "ungraded_reason", "style"])
def test_arrays_in_one_value_columns_are_errors(tmp_path: Path, column: str) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text(_line() + "\n" + _line(**{"item_id": "q2", column: [1, 2]}) + "\n")
    with pytest.raises(InputError, match=rf"n\.jsonl:2: {column} must be a single value"):
        read_graded(path)
    # the same in the slow path (a blank-line-free file pyarrow cannot type: mixed types)
    path.write_text(
        _line(sample="0") + "\n" + _line(**{"item_id": "q2", "sample": 1, column: {}}) + "\n"
    )
    with pytest.raises(InputError, match=rf"n\.jsonl:2: {column} must be a single value"):
        read_graded(path)


def test_duplicate_records_are_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    rows = [_line(), _line(item_id="q2"), _line(stated_target=0.5), _line(item_id="q2")]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(
        InputError,
        match=r"dup\.jsonl:4: duplicate record: item_id 'q2', "
        r"model 'm', closed rubric, sample 0 \(also at .*dup\.jsonl:2\)",
    ):
        read_graded(path)
    assert len(read_graded(path, allow_duplicates=True)) == 4


def test_records_differing_in_condition_or_sample_are_not_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    rows = [
        _line(),
        _line(sample=1),
        _line(stated_target=0.5),
        _line(stated_target=0.5, style="reward"),
        _line(stated_target=0.75),
        _line(model="n"),
        _line(item_id="Q1"),
    ]
    path.write_text("\n".join(rows) + "\n")
    assert len(read_graded(path)) == len(rows)


def test_duplicates_across_files_and_formats(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_text(_line() + "\n" + _line(item_id="q2", stated_target=0.5) + "\n")
    b = tmp_path / "b.csv"
    b.write_text("item_id,model,verdict,stated_target\nq3,m,correct,\nq2,m,incorrect,0.50\n")
    with pytest.raises(
        InputError,
        match=r"b\.csv:3: duplicate record: item_id 'q2'.*0\.5 "
        r"\(penalty\).*also at .*a\.jsonl:2",
    ):
        read_graded([a, b])
    with pytest.raises(InputError, match=r"duplicate record"):
        read_graded([a, a])
    assert len(read_graded([a, b], allow_duplicates=True)) == 4


def test_duplicate_in_parquet_names_rows(tmp_path: Path) -> None:
    import pyarrow as pa

    path = _parquet(tmp_path / "d.parquet", item_id=pa.array(["q1", "q1"]))
    with pytest.raises(InputError, match=r"d\.parquet: row 2: duplicate record.*also at .*row 1"):
        read_graded(path)


def test_duplicate_check_survives_hash_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hash equal: the exact comparison alone decides."""
    import numpy as np

    from dontguess.records import GradedTable
    from dontguess.tables import _unique as _tables_unique
    from dontguess.tables._io import Where

    n = 6
    obj = np.empty(n, dtype=object)
    obj[:] = [f"q{i % 3}" for i in range(n)]
    table = GradedTable(
        item_id=obj,
        model=np.array(["m"] * n, dtype=object),
        stated_target=np.full(n, np.nan),
        style=np.array([""] * n, dtype=object),
        sample=np.array([0, 0, 0, 1, 1, 1]),
        verdict=np.zeros(n, dtype=np.int8),
        confidence=np.full(n, np.nan),
        ungraded_reason=np.array([""] * n, dtype=object),
        answer=np.array([""] * n, dtype=object),
    )
    codes = _tables_unique.Codes(["q0", "q1", "q2"], np.arange(n) % 3, ["m"], np.zeros(n, int))
    source = _tables_unique.Source(Where("f.jsonl", 1), 0, n, codes)
    monkeypatch.setattr(_tables_unique, "_hash", lambda cols: np.zeros(len(cols[0]), np.uint64))
    _tables_unique.check_unique(table, [source])  # all distinct keys: no error
    table.sample[4] = 0
    with pytest.raises(InputError, match=r"f\.jsonl:5: duplicate record: item_id 'q1'.*f\.jsonl:2"):
        _tables_unique.check_unique(table, [source])
