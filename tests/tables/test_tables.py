"""Reading and writing graded-records files (dontguess.tables)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dontguess.errors import InputError, SchemaError
from dontguess.records import UNGRADED_CODE, Condition, Graded, GradedTable, Verdict
from dontguess.tables import read_graded, to_arrow, write_graded

SCRIPT = "<script>window.__pwned=1</script>"


def _records() -> list[Graded]:
    open75 = Condition(rubric="open", target=0.75, style="penalty")
    return [
        Graded(
            "q1", "m-α", Verdict.CORRECT, confidence=0.9, answer="Paris", groups={"topic": "géo"}
        ),
        Graded("q2", "m-α", Verdict.INCORRECT, open75, answer=SCRIPT, groups={"topic": "hist"}),
        Graded("q3", "m-α", Verdict.ABSTAINED, open75, sample=2, answer="I don't know"),
        Graded("q4", "m-β", None, ungraded_reason="timeout", answer="", confidence=0.1),
        Graded("q5", "m-β", Verdict.CORRECT, answer='a,"b"\nc — 東京', groups={"topic": "x"}),
    ]


def _assert_equal(a: GradedTable, b: GradedTable) -> None:
    for name in ("item_id", "model", "style", "sample", "verdict", "ungraded_reason", "answer"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    np.testing.assert_array_equal(a.stated_target, b.stated_target)
    np.testing.assert_array_equal(a.confidence, b.confidence)
    assert {k: v.tolist() for k, v in a.groups.items()} == {
        k: v.tolist() for k, v in b.groups.items()
    }


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    table = GradedTable.from_records(_records())
    path = write_graded(table, tmp_path / f"g{suffix}")
    back = read_graded([path])
    _assert_equal(table, back)
    assert back.answer[1] == SCRIPT
    assert back.verdict.tolist() == [0, 1, 2, UNGRADED_CODE, 0]
    assert math.isnan(back.stated_target[0]) and back.stated_target[1] == 0.75
    assert not list(tmp_path.glob(".*tmp")), "temporary file left behind"


def test_write_accepts_records_and_run_directory(tmp_path: Path) -> None:
    write_graded(_records(), tmp_path / "run" / "graded.jsonl")
    back = read_graded(tmp_path / "run")
    assert len(back) == 5 and back.model[3] == "m-β"


def test_concatenates_files_and_unions_groups(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_text('{"item_id": 1, "model": "m", "verdict": "CORRECT", "topic": "t"}\n')
    b = tmp_path / "b.csv"
    b.write_text("item_id,model,verdict,lang\n2,n,Abstained,ru\n")
    t = read_graded([a, b])
    assert t.item_id.tolist() == ["1", "2"]
    assert t.verdict.tolist() == [0, 2]
    assert t.groups["topic"].tolist() == ["t", ""]
    assert t.groups["lang"].tolist() == ["", "ru"]


def test_ungraded_words_and_default_reason(tmp_path: Path) -> None:
    p = tmp_path / "u.jsonl"
    p.write_text(
        '{"item_id": "a", "model": "m", "verdict": "Ungraded", "ungraded_reason": "judge"}\n'
        '{"item_id": "b", "model": "m", "verdict": null}\n'
        '{"item_id": "c", "model": "m", "verdict": ""}\n'
    )
    t = read_graded(p)
    assert t.verdict.tolist() == [UNGRADED_CODE] * 3
    assert t.ungraded_reason[0] == "judge" and t.ungraded_reason[1]


def test_mixed_json_types_still_read(tmp_path: Path) -> None:
    p = tmp_path / "m.jsonl"
    p.write_text(
        '{"item_id": 1, "model": "m", "verdict": "correct", "stated_target": 0.5}\n'
        '{"item_id": "x", "model": "m", "verdict": "correct", "stated_target": "0.9"}\n'
    )
    t = read_graded(p)
    assert t.item_id.tolist() == ["1", "x"] and t.stated_target.tolist() == [0.5, 0.9]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("item_id,model,verdict\n1,m,correct\n2,m,maybe\n", r"bad\.csv:3: .*'maybe'"),
        ("item_id,model,verdict,confidence\n1,m,correct,1.5\n", r"bad\.csv:2: confidence.*1\.5"),
        ("item_id,model,verdict,confidence\n1,m,correct,high\n", r"bad\.csv:2: .*'high'"),
        ("item_id,model,verdict,stated_target\n1,m,correct,1\n", r"bad\.csv:2: stated_target"),
        ("item_id,model,verdict,stated_target\n1,m,correct,-0.1\n", r"\[0, 1\)"),
        ("item_id,model,verdict,style\n1,m,correct,harsh\n", r"bad\.csv:2: style"),
        ("item_id,model,verdict,sample\n1,m,correct,1.5\n", r"bad\.csv:2: sample"),
        ("item_id,model,verdict\n1,,correct\n", r"bad\.csv:2: empty model"),
        ("item_id,model,verdict,ungraded_reason\n1,m,correct,why\n", r"bad\.csv:2: a graded"),
        ("item_id,model,verdict\n", r"bad\.csv: no records"),
        ("", r"bad\.csv:1: empty file"),
    ],
)
def test_bad_csv_names_file_line_value(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=match):
        read_graded(p)


def test_missing_column_is_schema_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"item_id": 1, "model": "m"}\n')
    with pytest.raises(SchemaError, match="missing column 'verdict'"):
        read_graded(p)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"item_id": 1, "model": "m", "verdict": "correct"}\n{bad\n', r"bad\.jsonl:2: invalid"),
        ('{"item_id": 1, "model": "m", "verdict": "correct"}\n\n{"item_id": 2}\n', r":2: blank"),
        ('{"item_id": 1, "model": "m", "verdict": "x"}\n', r"bad\.jsonl:1: verdict"),
        ("[1, 2]\n", r"bad\.jsonl:1: each line must be a JSON object"),
    ],
)
def test_bad_jsonl(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text(text)
    with pytest.raises(InputError, match=match):
        read_graded(p)


def test_parquet_errors_name_the_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "bad.parquet"
    pq.write_table(
        pa.table({"item_id": ["a", "b"], "model": ["m", "m"], "verdict": ["correct", "nope"]}), p
    )
    with pytest.raises(InputError, match=r"bad\.parquet: row 2: .*'nope'"):
        read_graded(p)


def test_unknown_suffix_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(InputError, match="unknown file type"):
        read_graded(tmp_path / "x.txt")
    with pytest.raises(InputError, match="no such file"):
        read_graded(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="run directory"):
        read_graded(tmp_path)
    with pytest.raises(InputError, match="cannot write"):
        write_graded(_records(), tmp_path / "out.txt")


def test_large_file_reads_every_line(tmp_path: Path) -> None:
    # Speed is measured by bench/score_throughput.py, not here; this checks a big file is exact.
    n = 200_000
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 3, n)
    lines = [
        json.dumps(
            {"item_id": i, "model": "m", "verdict": ["correct", "incorrect", "abstained"][c]}
        )
        for i, c in enumerate(codes.tolist())
    ]
    p = tmp_path / "big.jsonl"
    p.write_text("\n".join(lines) + "\n")
    t = read_graded(p)
    assert t.verdict.tolist() == codes.tolist()


def test_to_arrow_layout() -> None:
    arrow = to_arrow(GradedTable.from_records(_records()))
    assert arrow.column("verdict").to_pylist()[3] is None
    assert arrow.column("stated_target").to_pylist()[:2] == [None, 0.75]
    assert arrow.column_names[-1] == "topic"


def test_encoding_edge_cases(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        b'{"item_id": 1, "model": "m", "verdict": "correct"}\n'
        b'{"item_id": 2, "model": "\xff", "verdict": "correct"}\n'
    )
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not UTF-8 text"):
        read_graded(bad)
    header = tmp_path / "h.csv"
    header.write_bytes(b"item_id,m\xffodel,verdict\n1,a,correct\n")
    with pytest.raises(InputError, match=r"h\.csv:1: not UTF-8 text: bytes b'\\xff'"):
        read_graded(header)
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffitem_id,model,verdict\r\n1,é,correct\r\n".encode())
    t = read_graded(bom)
    assert t.model.tolist() == ["é"] and t.verdict.tolist() == [0]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_reading_and_writing_do_not_import_pandas(tmp_path: Path, suffix: str) -> None:
    import subprocess
    import sys

    path = write_graded(_records(), tmp_path / f"g{suffix}")
    code = (
        "import sys; from dontguess.tables import read_graded, write_graded; "
        f"t = read_graded([{str(path)!r}]); assert len(t) == 5; "
        f"write_graded(t, {str(tmp_path / ('copy' + suffix))!r}); "
        "print('pandas' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False", "pyarrow's numpy/dataset paths import pandas (slow)"


def test_json_array_file(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(
        '[\n  {"item_id": 1, "model": "m", "verdict": "correct", "confidence": 0.5},\n'
        '  {"item_id": 2, "model": "m", "verdict": "abstained", "topic": "x"}\n]\n'
    )
    t = read_graded(p)
    assert t.verdict.tolist() == [0, 2] and t.groups["topic"].tolist() == ["", "x"]
    assert t.confidence[0] == 0.5 and math.isnan(t.confidence[1])
    p.write_text(
        '[{"item_id": 1, "model": "m", "verdict": "correct"},'
        ' {"item_id": 2, "model": "m", "verdict": "meh"}]'
    )
    with pytest.raises(InputError, match=r"a\.json: row 2: verdict .*'meh'"):
        read_graded(p)
    p.write_text("[1]")
    with pytest.raises(InputError, match=r"row 1: each array element must be an object"):
        read_graded(p)
