"""Generic JSONL / CSV / Parquet question files and their bad-row errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.errors import InputError, SchemaError
from dontguess.items import load_items


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_defaults(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "q.jsonl",
        [
            {"id": "a", "question": "Capital of France?", "answer": "Paris", "topic": "geo"},
            {"id": 2, "question": "2+2?", "answers": ["4", "four"], "kind": "number"},
            {"id": "c", "question": "X's birthday?", "kind": "unknowable", "topic": "people"},
        ],
    )
    a, b, c = load_items(str(path), group_cols=["id"])
    assert (a.id, a.answers, a.kind, dict(a.groups)) == ("a", ("Paris",), "text", {"id": "a"})
    assert (b.id, b.answers, b.kind) == ("2", ("4", "four"), "number")
    assert (c.answers, c.kind) == ((), "unknowable")


def test_csv_custom_columns_and_groups(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        "key,prompt,gold,aliases,topic\n"
        'k1,Who wrote Hamlet?,Shakespeare,"[""William Shakespeare"", ""The Bard""]",lit\n'
        'k2,"A question\nover two lines?",yes,,misc\n',
        encoding="utf-8",
    )
    items = load_items(
        str(path),
        id_col="key",
        question_col="prompt",
        answer_col="gold",
        answers_col="aliases",
        group_cols=["topic"],
    )
    assert items[0].answers == ("Shakespeare", "William Shakespeare", "The Bard")
    assert items[1].question == "A question\nover two lines?"
    assert [dict(i.groups) for i in items] == [{"topic": "lit"}, {"topic": "misc"}]


def test_no_id_column_uses_row_number(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [{"question": "a?", "answer": "x"}] * 3)
    assert [i.id for i in load_items(str(path))] == ["0", "1", "2"]
    assert [i.id for i in load_items(str(path), limit=2)] == ["0", "1"]


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["p1", "p2"],
            "question": ["Q1?", "Q2?"],
            "answer": ["A1", "A2"],
            "answers": [["alias"], []],
        }
    )
    pq.write_table(table, tmp_path / "q.parquet")
    items = load_items(str(tmp_path / "q.parquet"))
    assert [(i.id, i.answers) for i in items] == [("p1", ("A1", "alias")), ("p2", ("A2",))]


BAD_JSONL = [
    ([{"id": "a", "question": "q", "answer": "x"}, {"id": "b", "question": "", "answer": "y"}],
     2, "missing question"),
    ([{"id": "a", "question": "q", "answer": "x"}, {"id": " ", "question": "q", "answer": "y"}],
     2, "empty id"),
    ([{"id": "a", "question": "q", "answer": "x"}, {"id": "a", "question": "r", "answer": "y"}],
     2, r"duplicate id 'a' \(first on line 1\)"),
    ([{"id": "a", "question": "q", "answer": " "}], 1, "no answer"),
    ([{"id": "a", "question": "q", "answer": "x", "kind": "essay"}], 1, "kind must be"),
    ([{"id": "a", "question": "q", "answer": "x"}, [1, 2]], 2, "expected a JSON object"),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "line", "message"), BAD_JSONL)
def test_bad_jsonl_rows_name_file_and_line(
    tmp_path: Path, rows: list[object], line: int, message: str
) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(InputError, match=message) as info:
        load_items(str(path))
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert info.value.line == line


def test_bad_json_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q", "answer": "x"}\n\n{"id": "b", oops}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:3: bad JSON"):
        load_items(str(path))


def test_bad_csv_rows_count_header_as_line_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('id,question,answer\n1,"multi\nline",x\n2,,y\n')
    with pytest.raises(InputError, match=r"bad\.csv:4: missing question"):
        load_items(str(path))
    path.write_text("id,question,answer,answers\n1,q,x,[not json\n")
    with pytest.raises(InputError, match=r"bad\.csv:2: column 'answers': bad JSON list"):
        load_items(str(path))
    path.write_text("id,question,answer\n1,q,x\n1,q2,y\n")
    with pytest.raises(InputError, match=r"bad\.csv:3: duplicate id '1' \(first on line 2\)"):
        load_items(str(path))
    path.write_text("id,question,answer\n1,q,x,extra\n")
    with pytest.raises(InputError, match=r"bad\.csv:2: row has 4 fields"):
        load_items(str(path))


def test_schema_errors(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [{"id": "a", "text": "q", "answer": "x"}])
    with pytest.raises(SchemaError, match="no question column 'question'"):
        load_items(str(path))
    with pytest.raises(SchemaError, match="no group column 'topic'"):
        load_items(str(path), question_col="text", group_cols=["topic"])
    with pytest.raises(SchemaError, match="no id column 'key'"):
        load_items(str(path), question_col="text", id_col="key")


def test_unknown_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown question set 'simpleqa2'"):
        load_items("simpleqa2")
    with pytest.raises(InputError, match="unknown probe 'dates'"):
        load_items("probe:dates")
    with pytest.raises(InputError, match="no such file"):
        load_items(str(tmp_path / "missing.jsonl"))
    (tmp_path / "q.txt").write_text("hello")
    with pytest.raises(InputError, match="unknown file type"):
        load_items(str(tmp_path / "q.txt"))


def test_choices_are_put_in_the_question(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mc.jsonl",
        [
            {
                "id": "m",
                "question": "Capital of France?",
                "answer": "B",
                "choices": ["Rome", "Paris"],
            }
        ],
    )
    (item,) = load_items(str(path))
    assert item.kind == "choice" and item.choices == ("Rome", "Paris")
    assert item.question == "Capital of France?\n\nA) Rome\nB) Paris"


def test_json_array_and_parquet_rows(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "q.json"
    path.write_text(json.dumps([{"id": "j", "question": "Q?", "answer": "A"}]), encoding="utf-8")
    assert [i.id for i in load_items(str(path))] == ["j"]
    path.write_text(json.dumps({"rows": []}), encoding="utf-8")
    with pytest.raises(SchemaError, match="expected a JSON array"):
        load_items(str(path))
    table = pa.table({"id": ["a", "b"], "question": ["Q?", None], "answer": ["x", "y"]})
    pq.write_table(table, tmp_path / "bad.parquet")
    with pytest.raises(InputError, match=r"bad\.parquet:2: missing question"):
        load_items(str(tmp_path / "bad.parquet"))


# Hostile question files (issue 13): each was a traceback or a silent misread before.


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        (
            "q.jsonl",
            '{"id": "a", "question": "x?", "answer": "y"}\n{"id": "b", "question": "é?"}\n',
            2,
        ),
        ("q.csv", "id,question,answer\na,x?,y\nb,é?,z\n", 3),
        ("q.json", '[{"id": "a", "question": "é?", "answer": "y"}]', 1),
    ],
)
def test_non_utf8_question_file_names_line_and_bytes(
    tmp_path: Path, name: str, data: str, line: int
) -> None:
    # was UnicodeDecodeError with no file or line
    path = tmp_path / name
    path.write_bytes(data.encode("latin-1"))
    with pytest.raises(InputError, match=rf"{name}:{line}: not UTF-8 text: bytes b'\\xe9'"):
        load_items(str(path))


@pytest.mark.parametrize(
    ("name", "depth"), [("q.jsonl", 1000), ("q.jsonl", 20_000), ("q.json", 20_000)]
)
def test_deeply_nested_question_file(tmp_path: Path, name: str, depth: int) -> None:
    # was RecursionError
    row = '{"id": "a", "question": "x?", "answer": "y", "z": ' + "[" * depth + "]" * depth + "}"
    path = tmp_path / name
    path.write_text(f"[{row}]" if name.endswith(".json") else row + "\n")
    with pytest.raises(InputError, match=rf"{name}:1: JSON nested deeper than 100 levels"):
        load_items(str(path))


def test_cr_only_question_csv_reads(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b"id,question,answer\ra,x?,y\rb,z?,w\r")
    assert [i.answers for i in load_items(str(path))] == [("y",), ("w",)]


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ({"text": "x?"}, r"q\.jsonl:1: column 'question' must hold text, got dict"),
        (["x?"], r"q\.jsonl:1: column 'question' must hold text, got list"),
        ("\ud800?", r"q\.jsonl:1: column 'question' holds an unpaired surrogate"),
    ],
)
def test_question_of_wrong_type(tmp_path: Path, value: object, match: str) -> None:
    # a dict question was put to the model as "{'text': 'x?'}"
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "a", "question": value, "answer": "y"}) + "\n")
    with pytest.raises(InputError, match=match):
        load_items(str(path))


def test_parquet_question_file_types(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = {"id": pa.array(["a"]), "answer": pa.array(["y"])}
    pq.write_table(pa.table({**good, "question": pa.array([b"\xff?"])}), tmp_path / "b.parquet")
    with pytest.raises(
        InputError, match=r"b\.parquet:1: column 'question' must hold text, got bytes"
    ):
        load_items(str(tmp_path / "b.parquet"))
    dup = pa.Table.from_arrays(
        [pa.array(["a"]), pa.array(["x?"]), pa.array(["y"]), pa.array(["z"])],
        names=["id", "question", "answer", "answer"],
    )
    pq.write_table(dup, tmp_path / "d.parquet")
    with pytest.raises(SchemaError, match=r"d\.parquet: column 'answer' appears 2 times"):
        load_items(str(tmp_path / "d.parquet"))
    pq.write_table(pa.table({**good, "question": pa.array([7])}), tmp_path / "n.parquet")
    assert load_items(str(tmp_path / "n.parquet"))[0].question == "7"


def test_two_objects_on_one_question_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    row = '{"id": "a", "question": "x?", "answer": "y"}'
    path.write_text(row + " " + row.replace('"a"', '"b"') + "\n")
    with pytest.raises(InputError, match=r"q\.jsonl:1: more than one JSON value on the line"):
        load_items(str(path))


def test_closed_kind_is_read(tmp_path: Path) -> None:
    row = {"id": "t", "question": "Where does Ana live?", "answer": "Vilnius", "kind": "Closed"}
    (item,) = load_items(str(write_jsonl(tmp_path / "q.jsonl", [row])))
    assert (item.answers, item.kind) == (("Vilnius",), "closed")
