"""Self-contained runs: the prompts and the question set rebuilt from a run's own files.

A run's graded records keep each question, its gold answers and the item's grading fields
(:data:`~dontguess.records.ITEM_COLUMNS`), and spec.json keeps the text of every prompt
template the run used under ``templates`` (template hash → text). From these:

- :func:`rebuild_prompt` gives the exact user message a record's answer replied to: the
  template named by the record's ``template_hash``, filled with its ``question`` and
  ``stated_target`` (as :func:`dontguess.prompts.render` filled it for the request);
- :func:`items_from_rows` gives the question set back, in its order, and
  :func:`check_items` refuses it unless it hashes to the run's ``dataset_hash``, so a
  record changed by hand is never graded as if it were the run's.

Storing the template once instead of the prompt per record keeps the files small: the
rubric wording is several hundred bytes, repeated in every open-rubric record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dontguess.errors import InputError
from dontguess.items import dataset_hash
from dontguess.prompts import TEMPLATES, render, template_for, template_hash
from dontguess.records import (
    GRADED_COLUMNS,
    GRADING_COLUMNS,
    ITEM_COLUMNS,
    Condition,
    Item,
    RunSpec,
)

__all__ = [
    "RECORD_COLUMNS",
    "TEMPLATES_KEY",
    "check_items",
    "has_items",
    "items_from_rows",
    "rebuild_prompt",
    "templates_document",
]

#: spec.json key holding ``{template_hash: template_text}``.
TEMPLATES_KEY = "templates"
#: Columns of a run's graded rows that are not item groups.
RECORD_COLUMNS: tuple[str, ...] = (
    *GRADED_COLUMNS,
    *GRADING_COLUMNS,
    *ITEM_COLUMNS,
    "template_hash",
)
_BUILTIN = {template_hash(text): text for text in TEMPLATES.values()}


def templates_document(conditions: Sequence[Condition], custom: str | None) -> dict[str, str]:
    """``{template_hash: text}`` of every template the conditions are asked with.

    Raises:
        InputError: a condition names a template hash that is not the hash of the template
            it would be asked with (conditions built with one ``custom`` template, the run
            given another): its records would name the wrong prompt.

    >>> from dontguess.prompts import build_conditions
    >>> doc = templates_document(build_conditions([0.5], ["closed", "open"], "penalty"), None)
    >>> doc["bf085a6e12c9"], len(doc)
    ('{question}', 2)
    """
    out: dict[str, str] = {}
    for condition in conditions:
        text = template_for(condition, custom)
        key = template_hash(text)
        if condition.template_hash is not None and condition.template_hash != key:
            raise InputError(
                f"condition {condition.label!r} names template {condition.template_hash}, "
                f"but it would be asked with template {key}: build the conditions with "
                "the template the run is given (build_conditions(..., custom=TEXT) and "
                "RunOptions(template=TEXT))"
            )
        out[key] = text
    return out


def rebuild_prompt(row: Mapping[str, Any], templates: Mapping[str, str]) -> str:
    """The exact prompt (the one user message) sent for the graded record ``row``.

    Args:
        row: a graded row of a run (``question``, ``stated_target``, ``template_hash``).
        templates: spec.json's ``templates``; the built-in templates are known anyway.

    Raises:
        ValueError: the row has no question (a run made before records kept it) or names
            a template that is not given.

    >>> rebuild_prompt({"question": "2+2?", "template_hash": "bf085a6e12c9"}, {})
    '2+2?'
    """
    question = row.get("question")
    if not isinstance(question, str):
        raise ValueError("the record holds no question (a run made before records kept it)")
    key = row.get("template_hash")
    text = templates.get(key, _BUILTIN.get(key)) if isinstance(key, str) else None
    if text is None:
        raise ValueError(f"no prompt template with hash {key!r} in spec.json's templates")
    target = row.get("stated_target")
    return render(text, question, None if target is None else float(target))


def has_items(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether every row keeps its question (a self-contained run's records)."""
    return bool(rows) and all(isinstance(r.get("question"), str) for r in rows)


def _texts(row: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = row.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of text, got {value!r:.80}")
    return tuple(value)


def _row_item(row: Mapping[str, Any]) -> Item:
    question, kind, item_id = row.get("question"), row.get("kind", "text"), row.get("item_id")
    if not isinstance(question, str):
        raise ValueError("no question in the record (a run made before records kept it)")
    if not isinstance(kind, str) or not isinstance(item_id, str):
        raise ValueError(f"item_id and kind must be text, got {item_id!r:.80} and {kind!r:.80}")
    groups = {k: v for k, v in row.items() if k not in RECORD_COLUMNS}
    bad = next((k for k, v in groups.items() if not isinstance(v, str)), None)
    if bad is not None:
        raise ValueError(f"group column {bad!r} must be text, got {groups[bad]!r:.80}")
    return Item(
        id=item_id,
        question=question,
        answers=_texts(row, "gold_answers"),
        kind=kind,
        choices=_texts(row, "choices"),
        groups=groups,
        incorrect_answers=_texts(row, "incorrect_answers"),
    )


def items_from_rows(rows: Sequence[Mapping[str, Any]], where: str) -> list[Item]:
    """The question set a run's graded ``rows`` answer, in order of first appearance.

    A run records every item under its first condition before the next, so this is the
    set's own order.

    Raises:
        InputError: a row lacks its question or holds a bad value, or two rows of one
            item disagree (``where`` and the line are named).
    """
    items: dict[str, Item] = {}
    first: dict[str, int] = {}
    for n, row in enumerate(rows, 1):
        try:
            item = _row_item(row)
        except ValueError as exc:
            raise InputError(f"cannot rebuild the question: {exc}", path=where, line=n) from exc
        seen = items.setdefault(item.id, item)
        first.setdefault(item.id, n)
        if seen != item:
            raise InputError(
                f"item {item.id!r} differs from its record on line {first[item.id]} "
                "(question, golds or groups)",
                path=where,
                line=n,
            )
    return list(items.values())


def check_items(items: Sequence[Item], spec: RunSpec, where: str) -> None:
    """Refuse ``items`` rebuilt from ``where`` unless they hash to ``spec.dataset_hash``.

    Raises:
        InputError: the hashes differ (the records were changed after the run).
    """
    got = dataset_hash(items)
    if got != spec.dataset_hash:
        raise InputError(
            f"the questions in the graded records hash to {got}, not to the run's "
            f"dataset_hash {spec.dataset_hash}: the file was changed after the run; give "
            "the run's question set with --dataset",
            path=where,
        )
