"""Generic question files: rows with ``id``, ``question``, ``answer``, ``answers`` columns.

Other column names are chosen with :class:`Columns` (``--question-col``, ``--answer-col``,
``--id-col``, ``--group-col`` on the command line); an answer cell may hold a list, a
JSON-encoded list, or text split on ``answer_sep``. Optional columns ``kind`` (text /
number / date / choice / unknowable), ``choices`` (a list; JSON-encoded in CSV) and
``incorrect_answers`` (known wrong answers, as TruthfulQA lists them: a reply matching one
is graded incorrect; ``--incorrect-col`` names another column) are read when present;
``groups`` become item groups. A missing column is a :class:`SchemaError`
that lists the columns the file has.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dontguess.errors import InputError, SchemaError
from dontguess.items._rows import Row
from dontguess.records import Item

__all__ = [
    "KINDS",
    "Columns",
    "as_list",
    "column_list",
    "rows_to_items",
    "scalar_text",
    "with_choices",
]

KINDS = ("choice", "closed", "date", "number", "text", "unknowable")


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds what; ``groups`` are copied into ``Item.groups`` as strings.

    ``answer_sep``: split text answer cells on this separator (``"; "`` for TruthfulQA's
    lists); ``None`` keeps a text cell whole (a JSON-encoded list is still a list). It cuts
    the ``incorrect`` column's cells too.
    """

    id: str = "id"
    question: str = "question"
    answer: str = "answer"
    answers: str = "answers"
    groups: tuple[str, ...] = ()
    answer_sep: str | None = None
    incorrect: str = "incorrect_answers"


def as_list(value: Any, *, where: str, path: str, line: int) -> list[str]:
    """A list of strings from a list value, a JSON-encoded list string, a scalar or None."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out = [scalar_text(v, where, path, line) for v in value]
        return [v for v in out if v is not None and v.strip()]
    text = scalar_text(value, where, path, line) or ""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"column {where!r}: bad JSON list ({exc.msg}): {text[:60]!r}", path=path, line=line
            ) from exc
        except RecursionError:
            raise InputError(
                f"column {where!r}: JSON nested too deeply", path=path, line=line
            ) from None
        if not isinstance(parsed, list):
            raise InputError(f"column {where!r}: expected a JSON list", path=path, line=line)
        return as_list(parsed, where=where, path=path, line=line)
    return [text]


def scalar_text(value: Any, column: str, path: str, line: int) -> str | None:
    """One cell as text: ``None`` stays None, numbers become their text.

    Raises:
        InputError: a list or object, bytes, or text with an unpaired surrogate escape.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                f"column {column!r} holds an unpaired surrogate escape (not valid text): "
                f"{_show(value)}",
                path=path,
                line=line,
            ) from None
        return value
    if isinstance(value, list | tuple | dict | bytes | bytearray):
        raise InputError(
            f"column {column!r} must hold text, got {type(value).__name__} {_show(value)}",
            path=path,
            line=line,
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def with_choices(question: str, choices: tuple[str, ...]) -> str:
    """The question followed by its lettered options, as put to the model.

    >>> print(with_choices("Capital of France?", ("Rome", "Paris")))
    Capital of France?
    <BLANKLINE>
    A) Rome
    B) Paris
    """
    lines = [f"{chr(ord('A') + i)}) {choice}" for i, choice in enumerate(choices)]
    return question + "\n\n" + "\n".join(lines)


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for v in values:
        v = v.strip()
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)


_DEFAULT = Columns()


def column_list(names: Iterable[str], most: int = 40) -> str:
    """Column names for an error message, the first ``most`` of them.

    >>> column_list(["b", "a"])
    "['a', 'b']"
    >>> column_list([f"c{i}" for i in range(5)], most=2)
    "['c0', 'c1', ...] (5 columns)"
    """
    have = sorted(names)
    if len(have) <= most:
        return repr(have)
    return repr(have[:most])[:-1] + f", ...] ({len(have)} columns)"


def _check_columns(row: dict[str, Any], cols: Columns, path: str, line: int) -> None:
    have = column_list(row)
    if cols.question not in row:
        raise SchemaError(
            f"no question column {cols.question!r}; columns: {have} "
            "(name it with --question-col, or question_col= in Python)",
            path=path,
        )
    if cols.answer != _DEFAULT.answer and cols.answer not in row:  # named by the user
        raise SchemaError(f"no answer column {cols.answer!r}; columns: {have}", path=path)
    if cols.answer not in row and cols.answers not in row and "kind" not in row:
        raise SchemaError(
            f"no answer column {cols.answer!r} or {cols.answers!r}; columns: {have} "
            "(name it with --answer-col, or answer_col= in Python)",
            path=path,
        )
    if cols.incorrect != _DEFAULT.incorrect and cols.incorrect not in row:  # named by the user
        raise SchemaError(
            f"no incorrect-answers column {cols.incorrect!r}; columns: {have}", path=path
        )
    for name in cols.groups:
        if name not in row:
            raise SchemaError(f"no group column {name!r}; columns: {have}", path=path, line=line)


def _row_item(line: int, row: dict[str, Any], cols: Columns, path: str, item_id: str) -> Item:
    question = scalar_text(row.get(cols.question), cols.question, path, line)
    if question is None or not question.strip():
        raise InputError(f"missing question (column {cols.question!r})", path=path, line=line)
    answers = _dedupe(
        _answers(row.get(cols.answer), cols.answer, cols.answer_sep, path, line)
        + _answers(row.get(cols.answers), cols.answers, cols.answer_sep, path, line)
    )
    kind = (scalar_text(row.get("kind"), "kind", path, line) or "text").strip().lower()
    if kind not in KINDS:
        raise InputError(f"kind must be one of {KINDS}, got {kind!r}", path=path, line=line)
    if not answers and kind != "unknowable":
        raise InputError(
            "no answer (give one, or kind 'unknowable' for a question only IDK answers right)",
            path=path,
            line=line,
        )
    choices = tuple(as_list(row.get("choices"), where="choices", path=path, line=line))
    if len(choices) > 26:
        raise InputError(f"at most 26 choices, got {len(choices)}", path=path, line=line)
    groups = {name: _group_text(row[name], name, path, line) for name in cols.groups}
    wrong = _answers(row.get(cols.incorrect), cols.incorrect, cols.answer_sep, path, line)
    text = question.strip()
    return Item(
        id=item_id,
        question=with_choices(text, choices) if choices else text,
        answers=answers,
        kind="choice" if choices and kind == "text" else kind,
        choices=choices,
        groups=groups,
        incorrect_answers=_dedupe(w for w in wrong if w not in answers),
    )


def _answers(value: Any, column: str, sep: str | None, path: str, line: int) -> list[str]:
    """An answer cell as a list: a list, a JSON list, or text (split on ``sep``)."""
    if sep is not None and isinstance(value, str):  # split as text, not read as JSON
        text = scalar_text(value, column, path, line) or ""
        return [part for part in text.split(sep) if part.strip()]
    values = as_list(value, where=column, path=path, line=line)
    if sep is None:
        return values
    return [part for v in values for part in v.split(sep) if part.strip()]


def _group_text(value: Any, name: str, path: str, line: int) -> str:
    """A group cell as text; a list or object becomes its JSON text."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return scalar_text(value, name, path, line) or ""


def rows_to_items(
    rows: Iterable[Row],
    path: str,
    cols: Columns,
    *,
    derive_id: Callable[[int, dict[str, Any]], str] | None = None,
    make_item: Callable[[int, dict[str, Any], str], Item] | None = None,
) -> list[Item]:
    """Validate rows and build items; ids from ``cols.id``, else ``derive_id(index, row)``.

    Raises:
        InputError: missing question, empty or duplicate id (names file and line).
        SchemaError: a required column is missing.
    """
    items: list[Item] = []
    first_line: dict[str, int] = {}
    use_column: bool | None = None
    build = make_item or (lambda ln, r, i: _row_item(ln, r, cols, path, i))
    for index, (line, row) in enumerate(rows):
        if use_column is None:
            if make_item is None:
                _check_columns(row, cols, path, line)
            use_column = cols.id in row
            if not use_column and cols.id != "id" and derive_id is None:
                raise SchemaError(
                    f"no id column {cols.id!r}; columns: {column_list(row)}", path=path
                )
        if use_column:
            raw = scalar_text(row.get(cols.id), cols.id, path, line)
            if raw is None or not raw.strip():
                raise InputError(f"empty id (column {cols.id!r})", path=path, line=line)
            item_id = raw.strip()
        else:
            item_id = derive_id(index, row) if derive_id else str(index)
        if item_id in first_line:
            raise InputError(
                f"duplicate id {item_id!r} (first on line {first_line[item_id]})",
                path=path,
                line=line,
            )
        first_line[item_id] = line
        items.append(build(line, row, item_id))
    return items
