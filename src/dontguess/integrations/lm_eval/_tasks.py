"""The work behind the shipped lm-eval tasks; ``tasks/utils.py`` only forwards to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dontguess.grading import DeterministicGrader
from dontguess.integrations._common import (
    LETTERS,
    metric_name,
    metric_values,
    require,
    verdict_codes,
)
from dontguess.prompts import render, template_for
from dontguess.records import Condition, Item
from dontguess.scoring import DEFAULT_TARGETS

__all__ = ["TASK_TARGETS", "aggregate", "grade_doc", "load_docs", "prompt", "tasks_path"]

#: The targets of the shipped tasks: one open-rubric task each, and the closed task's
#: scores (``score_t0`` … ``score_t0.9``).
TASK_TARGETS: tuple[float, ...] = tuple(DEFAULT_TARGETS)
_GRADER = DeterministicGrader()


def tasks_path() -> Path:
    """The folder to pass to ``lm_eval --include_path``.

    >>> (tasks_path() / "dontguess_simpleqa_closed.yaml").is_file()
    True
    """
    return Path(__file__).resolve().parent / "tasks"


def load_docs(dataset: str = "simpleqa", limit: int | None = None, **_: Any) -> Any:
    """The ``custom_dataset`` of the tasks: ``{"test": datasets.Dataset}`` of the set.

    Args:
        dataset: anything ``dontguess run --dataset`` reads (from ``--metadata``).
        limit: the first N questions only.
        **_: the other metadata lm-eval passes along (task version, …), ignored.
    """
    from dontguess.items import load_items

    datasets = require("datasets", "datasets", "lm-eval")
    rows = [
        {
            "id": item.id,
            "question": item.question,
            "answers": list(item.answers),
            "kind": item.kind,
            "incorrect_answers": list(item.incorrect_answers),
        }
        for item in load_items(str(dataset), limit=None if limit is None else int(limit))
    ]
    return {"test": datasets.Dataset.from_list(rows)}


def prompt(doc: Mapping[str, Any], target: float | None = None) -> str:
    """The question in ``dontguess run``'s wording: alone, or with target ``t`` stated.

    >>> prompt({"question": "2+2?"})
    '2+2?'
    >>> "(t = 0.75)" in prompt({"question": "2+2?"}, 0.75)
    True
    """
    condition = Condition("closed") if target is None else Condition("open", target, "penalty")
    return render(template_for(condition), str(doc["question"]), target)


def _item(doc: Mapping[str, Any]) -> Item:
    return Item(
        id=str(doc.get("id", "")),
        question=str(doc["question"]),
        answers=tuple(str(a) for a in doc.get("answers") or ()),
        kind=str(doc.get("kind") or "text"),
        incorrect_answers=tuple(str(a) for a in doc.get("incorrect_answers") or ()),
    )


def grade_doc(doc: Mapping[str, Any], results: Sequence[Any]) -> dict[str, str | None]:
    """``process_results``: the verdict letter (``None`` = ungraded) under every metric.

    >>> doc = {"question": "Capital of France?", "answers": ["Paris"]}
    >>> grade_doc(doc, ["Paris."])["score_t0.5"], grade_doc(doc, ["I don't know"])["error_rate"]
    ('C', 'N')
    """
    text = results[0] if results else ""
    grade = _GRADER.grade_text(_item(doc), text if isinstance(text, str) else str(text))
    letter = None if grade.verdict is None else LETTERS[grade.verdict]
    names = [metric_name(t) for t in TASK_TARGETS] + ["abstention_rate", "error_rate"]
    return dict.fromkeys(names, letter)


def aggregate(name: str, letters: Sequence[Any]) -> float:
    """The metric ``name`` over one task's letters (ungraded ones count nowhere).

    >>> aggregate("score_t0.5", ["C", "C", "I", "N", None])
    0.25
    """
    return metric_values(verdict_codes(letters), TASK_TARGETS)[name]
