"""Any file's columns: question, answer (a list or text cut by a separator), id, groups.

The files are in the formats people have: the official SimpleQA CSV (``problem``,
``answer``, ``metadata``), a JSONL with a list column, a TruthfulQA-style ``; `` list, and
a Hugging Face set saved to disk with SimpleQA's columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dontguess.errors import InputError, SchemaError
from dontguess.items import load_items
from dontguess.items._generic import column_list

SIMPLEQA = (
    "metadata,problem,answer\n"
    "\"{'topic': 'Art', 'answer_type': 'Date'}\",When was B painted?,1890\n"
    "\"{'topic': 'Music', 'answer_type': 'Person'}\",Who wrote C?,Dana\n"
)


@pytest.fixture
def simpleqa_csv(tmp_path: Path) -> Path:
    path = tmp_path / "simple_qa_test_set.csv"
    path.write_text(SIMPLEQA)
    return path


def test_official_simpleqa_csv_needs_question_col(simpleqa_csv: Path) -> None:
    # regression (issue 9): refused with no way to rename the column
    with pytest.raises(
        SchemaError,
        match=r"no question column 'question'; columns: \['answer', 'metadata', 'problem'\] "
        r"\(name it with --question-col",
    ):
        load_items(str(simpleqa_csv))
    items = load_items(str(simpleqa_csv), question_col="problem", group_cols=["metadata"])
    assert [(i.id, i.question, i.answers) for i in items] == [
        ("0", "When was B painted?", ("1890",)),
        ("1", "Who wrote C?", ("Dana",)),
    ]
    assert items[0].groups["metadata"].startswith("{'topic': 'Art'")


def test_list_answer_column(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    rows = [
        {"qid": "a", "q": "Tallest mountain?", "golds": ["Everest", "Mount Everest"]},
        {"qid": "b", "q": "2+2?", "golds": '["4", "four"]'},  # a JSON-encoded list
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = load_items(str(path), id_col="qid", question_col="q", answer_col="golds")
    assert [(i.id, i.answers) for i in items] == [
        ("a", ("Everest", "Mount Everest")),
        ("b", ("4", "four")),
    ]


def test_answer_separator(tmp_path: Path) -> None:
    path = tmp_path / "tqa.csv"
    path.write_text(
        "Question,Correct Answers,Category\n"
        "Why red capes?,Tradition; Spectacle; ,Misc\n"
        "Is it?,Yes,Misc\n"
    )
    kw = {"question_col": "Question", "answer_col": "Correct Answers"}
    whole = load_items(str(path), **kw)  # type: ignore[arg-type]
    assert whole[0].answers == ("Tradition; Spectacle;",)
    cut = load_items(str(path), answer_sep=";", group_cols=["Category"], **kw)  # type: ignore[arg-type]
    assert cut[0].answers == ("Tradition", "Spectacle") and cut[1].answers == ("Yes",)
    assert cut[0].groups == {"Category": "Misc"}
    with pytest.raises(InputError, match="answer_sep must be a non-empty separator"):
        load_items(str(path), answer_sep="", **kw)  # type: ignore[arg-type]


def test_separator_splits_list_cells_too(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"question": "q?", "answer": ["a|b", "c"]}) + "\n")
    assert load_items(str(path), answer_sep="|")[0].answers == ("a", "b", "c")


def test_named_columns_that_do_not_exist_list_the_columns(simpleqa_csv: Path) -> None:
    have = r"\['answer', 'metadata', 'problem'\]"
    with pytest.raises(SchemaError, match=rf"no answer column 'gold'; columns: {have}"):
        load_items(str(simpleqa_csv), question_col="problem", answer_col="gold")
    with pytest.raises(SchemaError, match=rf"no id column 'key'; columns: {have}"):
        load_items(str(simpleqa_csv), question_col="problem", id_col="key")
    with pytest.raises(SchemaError, match=rf"no group column 'topic'; columns: {have}"):
        load_items(str(simpleqa_csv), question_col="problem", group_cols=["topic"])
    path = simpleqa_csv.with_name("noanswer.csv")
    path.write_text("question,gold\nq?,x\n")
    with pytest.raises(SchemaError, match=r"no answer column .* \(name it with --answer-col"):
        load_items(str(path))


def test_column_options_refused_for_built_in_sets() -> None:
    with pytest.raises(InputError, match=r"'probe:letters' is a built-in set with fixed"):
        load_items("probe:letters", question_col="problem")
    with pytest.raises(InputError, match=r"'simpleqa' is a built-in set"):
        load_items("simpleqa", answer_sep=";")  # refused before any download


def test_hf_set_with_simpleqa_columns(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    data = datasets.Dataset.from_dict(
        {
            "metadata": ["{'topic': 'Art'}", "{'topic': 'Music'}"],
            "problem": ["When was B painted?", "Who wrote C?"],
            "answer": ["1890", "Dana"],
        }
    )
    data.save_to_disk(str(tmp_path / "sqa"))
    with pytest.raises(SchemaError, match=r"columns: \['answer', 'metadata', 'problem'\]"):
        load_items(f"hf:{tmp_path / 'sqa'}")
    items = load_items(f"hf:{tmp_path / 'sqa'}", question_col="problem")
    assert [i.answers for i in items] == [("1890",), ("Dana",)]


def test_column_list_is_bounded() -> None:
    text = column_list([f"c{i:03d}" for i in range(500)])
    assert text.endswith(", ...] (500 columns)") and len(text) < 500


def test_incorrect_answers_column(tmp_path: Path) -> None:
    """Known wrong answers are read (a list, a JSON list, or cut text); a gold is dropped."""
    path = tmp_path / "q.jsonl"
    rows = [
        {"question": "Red capes?", "answer": "Tradition", "incorrect_answers": ["Anger", "Red"]},
        {"question": "2+2?", "answer": "4", "incorrect_answers": '["5", "4", "5"]'},
        {"question": "Sky?", "answer": "Blue"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = load_items(str(path))
    assert [i.incorrect_answers for i in items] == [("Anger", "Red"), ("5",), ()]
    tqa = tmp_path / "tqa.csv"
    tqa.write_text(
        "Question,Correct Answers,Incorrect Answers\nRed capes?,Tradition; Spectacle,Anger; Red\n"
    )
    csv_items = load_items(
        str(tqa),
        question_col="Question",
        answer_col="Correct Answers",
        incorrect_col="Incorrect Answers",
        answer_sep="; ",
    )
    assert csv_items[0].answers == ("Tradition", "Spectacle")
    assert csv_items[0].incorrect_answers == ("Anger", "Red")
    with pytest.raises(SchemaError, match=r"no incorrect-answers column 'Wrong'; columns: \["):
        load_items(
            str(tqa), question_col="Question", answer_col="Correct Answers", incorrect_col="Wrong"
        )
